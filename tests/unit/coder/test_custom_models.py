"""Custom models learn a center (issue 12): its words, its code set, its habits; the default model learns
nothing from them. Fixture centers: tests/fixtures/centers/*.jsonl (20 short synthetic notes each, written
for these tests)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

CENTERS = Path(__file__).resolve().parents[2] / "fixtures" / "centers"
FAST = {"epochs": 30, "seed": 0}


def _train(name: str, out: Path, seed: int = 0, **kwargs):
    from codify_coder.training.core import TrainConfig
    from codify_coder.training.train import train

    return train(CENTERS / f"{name}.jsonl", out, name.replace("_", "-"), config=TrainConfig(**{**FAST, "seed": seed}),
                 workers=1, **kwargs)  # fmt: skip


@pytest.fixture(scope="module")
def default_coder(coder_assets):
    from codify_coder.pipeline import Coder

    return Coder.load()


@pytest.fixture(scope="module")
def center(coder_assets, tmp_path_factory, default_coder):
    """name -> (manifest, the Coder of its trained model)."""
    from codify_coder.score import Scorer

    cache: dict[str, tuple[dict, object]] = {}

    def get(name: str):
        if name not in cache:
            out = tmp_path_factory.mktemp(name)
            manifest = _train(name, out)
            cache[name] = (manifest, default_coder.with_scorer(Scorer.load(out)))
        return cache[name]

    return get


def _code(coder, text: str):
    from codify_coder.types import CodeOptions

    return coder.code(text, CodeOptions(language="es"))


def _finals(result) -> dict[str, object]:
    return {a.code: a for a in result.final_assessments}


# ---------------------------------------------------------------- vocabulary
def test_a_center_phrasing_the_terminology_lacks_is_learned(center, default_coder):
    manifest, coder = center("vocabulary_es")
    note = "Mujer de 81 años con ACxFA. Acude a urgencias por mareo."
    assert "I48.91" not in _finals(_code(default_coder, note))  # the terminology does not know "ACxFA"
    custom = _finals(_code(coder, note))
    assert "I48.91" in custom
    a = custom["I48.91"]
    assert a.rule == "center.vocabulary" and "ACxFA" in a.evidence[0].text
    # 14 fixture notes carry an "ACxFA" span for I48.91; all 14 count (every note saying it is coded so)
    assert "learned from 14 of the center's notes" in a.justification
    assert manifest["vocabulary"]["entries_by_source"]["evidence"] > 0


def test_learned_vocabulary_goes_through_context(center):
    _, coder = center("vocabulary_es")
    result = _code(coder, "No se objetiva ACxFA en el registro.")
    assert "I48.91" not in _finals(result)
    assert any(d.code == "I48.91" and d.reason == "negated" for d in result.discarded_assessments)


def test_the_default_model_never_sees_a_custom_vocabulary(center, default_coder):
    center("vocabulary_es")  # trained and loaded in this process
    assert default_coder.center is None and default_coder.scorer.center is None
    assert "I48.91" not in _finals(_code(default_coder, "Paciente con ACxFA."))


def test_cooccurrence_learns_a_phrase_only_with_support_on_both_halves():
    from codify_coder.training.vocabulary import VocabNote, VocabularyConfig, learn_vocabulary

    notes = [VocabNote(f"n{i}", "es", f"Paciente {i} con soplo de Austin en la auscultación.", frozenset({"I35.1"}))
             for i in range(8)]  # fmt: skip
    notes += [VocabNote(f"m{i}", "es", f"Paciente {i} con dolor de espalda.", frozenset({"M54.9"})) for i in range(8)]
    notes += [VocabNote("x0", "es", "Paciente con pitido raro de Hooper.", frozenset({"R09.89"}))]  # once: noise
    vocab = learn_vocabulary(notes, VocabularyConfig())
    table = vocab.phrases["es"]
    austin = [e for key, (_, _, entries) in table.items() if "austin" in key for e in entries]
    assert austin and {e.code for e in austin} == {"I35.1"} and austin[0].source == "cooccurrence"
    assert austin[0].support == 8 and austin[0].precision == 1.0
    assert not any("hooper" in key for key in table)  # one note is no vocabulary
    assert not any("paciente" in key and len(key) == 1 for key in table)  # in every note: no signal


# ---------------------------------------------------------------- habits
def test_a_center_that_codes_negated_findings(center, default_coder):
    manifest, coder = center("codes_negated_es")
    assert manifest["habits"]["codes_assertions"] == ["negated"]
    note = "Niega fiebre. Refiere dolor abdominal."
    default = _code(default_coder, note)
    assert "R50.9" not in _finals(default)
    assert any(d.code == "R50.9" and d.reason == "negated" for d in default.discarded_assessments)
    custom = _finals(_code(coder, note))
    assert "R50.9" in custom and custom["R50.9"].rule == "center.codes_negated"
    assert custom["R50.9"].assertion == "negated" and "center codes negated findings" in custom["R50.9"].justification


def test_a_center_that_does_not_code_negated_findings_keeps_the_guideline(center):
    manifest, coder = center("vocabulary_es")
    assert "negated" not in manifest["habits"]["codes_assertions"]
    result = _code(coder, "Niega dolor abdominal. Hipertensión arterial.")
    assert "R10.9" not in _finals(result) and "I10" in _finals(result)


# ---------------------------------------------------------------- nomenclature
def test_a_cie10es_model_returns_its_codes_and_names_its_code_system(center):
    manifest, coder = center("cie10es")
    assert manifest["code_system"] == "CIE-10-ES 2018"
    assert manifest["codes_report"]["not_in_icd10cm_fy2026"] == {"count": 0, "examples": []} or \
        set(manifest["codes_report"]["not_in_icd10cm_fy2026"]["examples"]) <= {"R51", "M54.5", "T14.8"}  # fmt: skip
    result = _code(coder, "Paciente con cefalea y lumbalgia.")
    assert result.model.terminology == "CIE-10-ES 2018"
    finals = _finals(result)
    assert {"R51", "M54.5"} <= set(finals) and not {"R51.9", "M54.50"} & set(finals)
    declared = set(manifest["label_set"])
    returned = {a.code for a in result.final_assessments} | {d.code for d in result.discarded_assessments}
    assert returned <= declared  # a code outside the declared set is never returned
    assert finals["R51"].description == "Headache"


def test_codes_outside_fy2026_are_reported_or_dropped(coder_assets, tmp_path):
    from codify_coder.training.train import FY2026

    manifest = _train("cie10es", tmp_path / "fy", code_system=FY2026)
    report = manifest["codes_report"]
    # R51 and M54.5 are categories of FY2026 (in it); nothing of this center is outside it but T14.8?
    assert report["dropped"]["count"] == report["not_in_icd10cm_fy2026"]["count"]
    assert manifest["code_system"] == FY2026 and not (tmp_path / "fy" / "code_set.json").exists()


# ---------------------------------------------------------------- reproducibility
def test_same_data_and_seed_give_the_same_bytes(coder_assets, tmp_path):
    _train("vocabulary_es", tmp_path / "one")
    _train("vocabulary_es", tmp_path / "two")
    # the same notes in reverse order, in a file of the same name
    lines = (CENTERS / "vocabulary_es.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (tmp_path / "reversed").mkdir()
    (tmp_path / "reversed" / "vocabulary_es.jsonl").write_text("".join(reversed(lines)), encoding="utf-8")
    _train_path(tmp_path / "reversed" / "vocabulary_es.jsonl", tmp_path / "three", "vocabulary-es")
    files = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert files == ["manifest.json", "model.onnx", "vocabulary.json"]
    for name in files:
        first = (tmp_path / "one" / name).read_bytes()
        assert first == (tmp_path / "two" / name).read_bytes() == (tmp_path / "three" / name).read_bytes(), name
    other_seed = _train("vocabulary_es", tmp_path / "four", seed=1)
    assert (tmp_path / "four" / "model.onnx").read_bytes() != (tmp_path / "one" / "model.onnx").read_bytes()
    assert other_seed["version"] != json.loads((tmp_path / "one" / "manifest.json").read_text())["version"]


# ---------------------------------------------------------------- bad data
def _write(path: Path, lines: list) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)) + "\n" for x in lines),
                    encoding="utf-8")  # fmt: skip
    return path


def _notes(n: int, **extra) -> list[dict]:
    return [{"id": f"n{i}", "text": f"Secreto clínico {i}: hipertensión arterial.", "codes": ["I10"], **extra}
            for i in range(n)]  # fmt: skip


@pytest.mark.parametrize(
    "lines, message",
    [
        (["not json at all"], "bad.jsonl:1: not JSON"),
        ([{"text": "Secreto clínico."}], "bad.jsonl:1: missing field(s) 'codes'"),
        ([{"codes": ["I10"]}], "bad.jsonl:1: missing field(s) 'text'"),
        ([{"text": "Secreto clínico.", "codes": [{"code": "I10", "spans": [[5, 999]]}]}], "codes[0].spans"),
        (_notes(4), "too few notes: 4; a custom model needs at least 10 coded notes"),
        (_notes(11)[:10] + [{"id": "n3", "text": "Secreto clínico.", "codes": ["I10"]}],
         "bad.jsonl:11: duplicate note: the same id as line 4"),
        (_notes(11)[:10] + [{"id": "n10", "text": "Secreto clínico.", "codes": ["HELLO"]}],
         "unknown codes: 1 code(s) are not ICD-10 codes (e.g. 'HEL.LO')"),
        (_notes(12, code_system="Local 2020")[:11] + [{"id": "z", "text": "Secreto clínico.", "codes": ["U99.9"]}],
         "unknown codes: 1 code(s) are in no ICD-10-CM category and have no description in the data (e.g. U99.9)"),
    ],
)
def test_bad_training_data_is_a_data_error_that_quotes_no_note_text(coder_assets, tmp_path, lines, message):
    from codify_coder.training.train import DataError

    data = _write(tmp_path / "bad.jsonl", lines)
    with pytest.raises(DataError) as info:
        _train_path(data, tmp_path / "m")
    assert message in str(info.value)
    assert "Secreto" not in str(info.value) and "clínico" not in str(info.value)
    assert not (tmp_path / "m" / "model.onnx").exists()


def _train_path(data: Path, out: Path, model_id: str = "bad-data"):
    from codify_coder.training.core import TrainConfig
    from codify_coder.training.train import train

    return train(data, out, model_id, config=TrainConfig(**FAST), workers=1)


def test_a_declared_code_with_a_description_in_the_data_is_returned_with_it(coder_assets, tmp_path):
    lines = _notes(12, code_system="Local 2020")
    for rec in lines[:6]:
        rec["codes"] = ["I10", {"code": "U99.9", "description": "Local follow-up code",
                                "spans": [[0, 7]]}]  # "Secreto": the center's word for it  # fmt: skip
    manifest = _train_path(_write(tmp_path / "local.jsonl", lines), tmp_path / "m")
    assert manifest["code_system"] == "Local 2020" and "U99.9" in manifest["label_set"]
    code_set = json.loads((tmp_path / "m" / "code_set.json").read_text(encoding="utf-8"))
    assert code_set["codes"]["U99.9"] == "Local follow-up code"


def test_a_spanish_span_half_rendered_in_the_translation_is_projected():
    # Two of the span's four content words reach the English note (one through the dictionary, one as a
    # cognate): at least half covered, so the shortest covering window is carried over; one of four is not.
    from codify_coder.training import vocabulary as tv
    from codify_coder.vocabulary import phrase_key

    source = "Refiere dolor abdominal difuso intenso."
    span = (source.index("dolor"), source.index("."))
    target = "He reports severe widespread abdominal pain since yesterday."
    dictionary = {phrase_key("dolor")[0]: [(phrase_key("pain")[0],)]}
    projected = tv.project_spans(source, [("R10.84", (span,))], target, dictionary)
    assert [(code, [target[a:b] for a, b in pieces]) for code, pieces in projected] == [("R10.84", ["abdominal pain"])]
    assert tv.project_spans(source, [("R10.84", (span,))], target, {}) == ()


# ---------------------------------------------------------------- training configuration
def test_a_custom_model_serves_averaged_members_and_reports_each_language(coder_assets, tmp_path):
    # Without a configuration, `codify train` fits CUSTOM_MEMBERS MLPs (weight decay CUSTOM_L2, the default
    # model's is smaller) and serves them averaged as one (their hidden layers side by side); a center writing
    # in two languages gets each language's cross-validated numbers after the rules beside the pooled ones.
    import onnx
    from codify_coder.training.core import TrainConfig
    from codify_coder.training.custom import CUSTOM_L2, CUSTOM_MEMBERS
    from codify_coder.training.train import train

    assert CUSTOM_MEMBERS > 1 and CUSTOM_L2 > TrainConfig().l2 and TrainConfig().members == 1
    manifest = train(CENTERS / "bilingual.jsonl", tmp_path / "m", "bilingual", workers=1)
    hyper = manifest["hyperparameters"]
    assert hyper["members"] == CUSTOM_MEMBERS and hyper["l2"] == CUSTOM_L2 and hyper["hidden"] == 32
    weights = {i.name: tuple(i.dims) for i in onnx.load(str(tmp_path / "m" / "model.onnx")).graph.initializer}
    assert (32 * CUSTOM_MEMBERS) in {d for dims in weights.values() for d in dims}
    cv = manifest["metrics"]["cross_validated"]
    assert sorted(cv["by_language"]) == ["en", "es"]
    for lang in ("en", "es"):
        numbers = cv["by_language"][lang]
        assert 0.0 < numbers["map_after_rules"] <= 1.0
        assert numbers["recall_after_rules"] <= numbers["gold_ranked_after_rules"] <= 1.0
    assert sorted(manifest["thresholds"]["by_language"]) == ["en", "es"]


# ---------------------------------------------------------------- what the center did with the proposals
def test_a_model_carries_what_the_center_coded_of_the_candidates_proposed(coder_assets, tmp_path):
    # Per code, and per code through each term or learned phrase: in how many training texts the pipeline
    # proposed it, and in how many of those the center coded it (the scorer's PROPOSAL_FEATURES).
    manifest = _train("vocabulary_es", tmp_path / "m")
    proposals = manifest["priors"]["proposals"]
    texts = manifest["training_data"]["texts"]
    assert proposals and all(0 <= k <= n <= texts for n, k in proposals.values())
    n, k = proposals["I48.91"]
    assert k > 0 and k / n > 0.5  # the center codes atrial fibrillation where the pipeline proposes it
    acxfa = [v for key, v in proposals.items() if key.startswith("I48.91\t") and "acxfa" in key.lower()]
    assert acxfa and acxfa[0][1] > 0  # proposed through the learned phrase, and coded


def test_a_custom_model_of_the_previous_feature_schema_still_loads_and_codes(center, tmp_path):
    # Models trained before PROPOSAL_FEATURES list CUSTOM_FEATURE_NAMES_V1: the scorer feeds them those columns.
    import hashlib
    import shutil

    import numpy as np
    from codify_coder.score import CUSTOM_FEATURE_NAMES, CUSTOM_FEATURE_NAMES_V1, Scorer
    from codify_coder.training.mlp import fit_mlp
    from codify_coder.training.onnx_model import build_graph

    manifest, coder = center("vocabulary_es")
    assert manifest["feature_names"] == list(CUSTOM_FEATURE_NAMES)
    old = tmp_path / "v1"
    _train("vocabulary_es", tmp_path / "trained")
    shutil.copytree(tmp_path / "trained", old)
    # an MLP over the V1 columns only (onnxruntime refuses an input of another width)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, len(CUSTOM_FEATURE_NAMES_V1)))
    data = build_graph(fit_mlp(x, (x[:, 0] > 0).astype(float), hidden=4, epochs=2), CUSTOM_FEATURE_NAMES_V1)
    model_bytes = data.SerializeToString()
    (old / "model.onnx").write_bytes(model_bytes)
    m = json.loads((old / "manifest.json").read_text())
    m["feature_names"] = list(CUSTOM_FEATURE_NAMES_V1)
    m["sha256"] = hashlib.sha256(model_bytes).hexdigest()
    m["priors"].pop("proposals")
    (old / "manifest.json").write_text(json.dumps(m))
    v1 = coder.with_scorer(Scorer.load(old))
    result = _code(v1, "Mujer de 81 años con ACxFA e hipertensión arterial.")
    assert result.model.version == m["version"]
    assert {c.code for c in result.final_assessments} | {d.code for d in result.discarded_assessments}


# ---------------------------------------------------------------- a code set extended by ICD-10-CM FY2026
def test_an_extended_code_set_maps_into_declared_hierarchies_and_returns_other_fy2026_codes():
    from codify_coder.vocabulary import FY2026, CodeSet

    cs = CodeSet("CIE-10-ES 2018", {"R51": "Cefalea", "T14.90": "Lesión", "I10": "HTA"}, extended=True)
    assert cs.to_declared("R51.9") == "R51"  # inside a declared code's hierarchy: the declared code
    assert cs.to_declared("T14.90XA") == "T14.90"
    assert cs.to_declared("J18.9") == "J18.9" and "J18.9" in cs  # outside every hierarchy: the FY2026 code
    assert cs.to_declared("T14.9") is None  # an ancestor of a declared code is not a code of the set
    assert cs.system == f"CIE-10-ES 2018 + {FY2026}"
    assert CodeSet.from_json(cs.to_json()).extended
    closed = CodeSet("CIE-10-ES 2018", {"R51": "Cefalea"})
    assert closed.to_declared("J18.9") is None and "J18.9" not in closed and closed.system == "CIE-10-ES 2018"
    fold = cs.restricted_to({"R51"})  # a cross-validation fold's code set: fewer codes, the same system
    assert fold.extended and fold.to_declared("T14.90XA") == "T14.90XA" and fold.to_declared("R51.9") == "R51"


def test_a_center_whose_codes_are_not_mostly_fy2026_gets_its_code_set_extended_only_when_asked(tmp_path, center, default_coder):
    from codify_coder.score import Scorer
    from codify_coder.training.train import EXTEND_SHARE

    # cie10es.jsonl writes R51, M54.5, T14.8 (not FY2026 billable): too few FY2026 codes for auto
    manifest, _ = center("cie10es")
    assert manifest["codes_report"]["extended_by"]["fy2026_share"] < EXTEND_SHARE
    assert manifest["codes_report"]["extended_by"]["code_system"] is None
    # asked for, the same center's model also returns FY2026 codes its notes never used
    out = tmp_path / "extended"
    extended = _train("cie10es", out, code_system="training_data", extend_code_set="yes")
    assert extended["code_system"] == "CIE-10-ES 2018 + ICD-10-CM FY2026"
    coder = default_coder.with_scorer(Scorer.load(out))
    result = _code(coder, "Paciente con cefalea intensa. Diagnóstico: neumonía adquirida en la comunidad.")
    assert result.model.terminology == "CIE-10-ES 2018 + ICD-10-CM FY2026"
    returned = {a.code for a in result.final_assessments} | {d.code for d in result.discarded_assessments}
    assert "R51" in returned and "R51.9" not in returned  # a declared code's hierarchy stays the declared code
    said = {a.code: a.justification for a in result.final_assessments}
    said.update({d.code: d.justification for d in result.discarded_assessments})
    assert "outside the codes of the center's training notes" not in said["R51"]
    cs = coder.center.code_set
    assert cs.describe("J18.9", coder.terminology) == (
        "Pneumonia, unspecified organism", True, "an ICD-10-CM FY2026 code outside the codes of the center's training notes")
    assert cs.describe("R51", coder.terminology)[1:] == (True, None)
    # pneumonia, which no training note had, reaches the model's scorer (the default coder codes it); the
    # closed set of the same center drops it before scoring
    note = "Neumonía adquirida en la comunidad."
    assert "J18.9" in _finals(_code(default_coder, note))
    assert "J18.9" in _candidates(coder, note) and "J18.9" not in _candidates(center("cie10es")[1], note)


def _candidates(coder, text: str) -> set[str]:
    """The codes a custom coder's scorer is given for a Spanish note: the terminology's, through its code set."""
    from codify_coder.understand import analyze

    understanding = analyze(text, "es")
    base = coder.candidates.generate(text, understanding)
    return {c.code for c in coder.center.candidates(text, understanding, base, coder.terminology)}


@pytest.mark.parametrize(
    ("codes", "setting", "extended"),
    [
        (["J18.9", "I10", "E11.9", "R51"], "auto", False),  # 3 of 4 assignments FY2026 billable: 75% < 80%
        (["J18.9", "I10", "E11.9", "N39.0", "R51"], "auto", True),  # 80%: the nomenclature writes ICD-10-CM codes
        (["J18.9", "I10", "E11.9", "N39.0", "R51"], "no", False),
        (["R51", "M54.5"], "yes", True),
    ],
)
def test_auto_extension_follows_the_share_of_fy2026_codes_in_the_data(coder_assets, codes, setting, extended):
    from codify_coder.pipeline import ASSETS_DIR
    from codify_coder.terminology import Terminology
    from codify_coder.training.examples import LabeledNote
    from codify_coder.training.train import check_codes

    terminology = Terminology.load(ASSETS_DIR / "terminology")
    notes = [LabeledNote(f"n{i}", "x", "es", frozenset({c})) for i, c in enumerate(codes)]
    code_set, report, _ = check_codes(notes, terminology, "CIE-10-ES 2018", {}, setting)
    assert code_set.extended is extended and code_set.declared
    assert report["extended_by"]["code_system"] == ("ICD-10-CM FY2026" if extended else None)
