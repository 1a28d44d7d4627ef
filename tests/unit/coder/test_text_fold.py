"""One fold for the whole coder: the terminology, the understand stage, the rules and the scorer compare
text folded the same way (lower case, accents and other marks dropped, "ñ" spelled "nn")."""

from __future__ import annotations

from pathlib import Path

import codify_coder
from codify_coder.score import fold_tokens
from codify_coder.terminology import text
from codify_coder.understand import textutil


def test_fold_drops_accents_and_keeps_enye_a_letter_of_its_own():
    assert text.fold("Neumonía CRÓNICA") == "neumonia cronica"
    assert text.fold("AÑOS") == "annos" != text.fold("anos")  # years are not the anus
    assert text.fold("Nº 3, 1º episodio") == "nº 3, 1º episodio"  # ordinal signs: "Nº" must not read "no"
    assert text.fold("13.800/μL") == text.fold("13.800/µL")  # Greek mu and the micro sign
    assert text.fold("ﬁbrosis") == "fibrosis"  # PDF ligatures
    assert text.fold("n\u0303o") == "no"  # a decomposed tilde is a mark like any other
    assert text.tokens("Niño de 3 años") == ["ninno", "de", "3", "annos"]


def test_every_stage_uses_the_same_fold():
    assert textutil.fold is text.fold
    assert fold_tokens("Años de Diabétes") == ("annos", "de", "diabetes")
    assert textutil.norm_token("Dañó") == "danno" and textutil.norm_token("Sí") == "sí"
    package = Path(codify_coder.__file__).parent
    folds = [p.relative_to(package).as_posix() for p in package.rglob("*.py")
             if "unicodedata" in p.read_text(encoding="utf-8")]  # fmt: skip
    # understand/unicode.py only NFC-normalizes a matching view of the note (offsets kept), it folds nothing
    assert folds == ["terminology/text.py", "understand/unicode.py"]
    assert "NFKD" not in (package / "understand" / "unicode.py").read_text(encoding="utf-8")


def test_tokenizer_offsets_point_into_the_original_text_when_folding_changes_length():
    note = "Niño con ﬁbrosis quística y neumonía; SÍ"
    starts, ends, norms = textutil.tokenize(note)
    assert norms == ["ninno", "con", "fibrosis", "quistica", "y", "neumonia", ";", "sí"]
    assert [note[s:e] for s, e in zip(starts, ends)] == ["Niño", "con", "ﬁbrosis", "quística", "y", "neumonía", ";", "SÍ"]
    assert textutil.phrase_key("acompañado de su madre") == ("acompannado", "de", "su", "madre")
