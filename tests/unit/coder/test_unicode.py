"""Unicode in notes (issue 10): the stages match an NFC text without zero-width/bidi controls, and every
evidence span still indexes the note the client sent."""

from __future__ import annotations

import unicodedata

import pytest
from codify_coder.understand.unicode import DROPPED, matching_view


def _evidence(result):
    return [(a.code, e) for a in result.final_assessments for e in a.evidence]


def _assert_offsets_into(note: str, result) -> None:
    for _, e in _evidence(result):
        assert note[e.start : e.end] == e.text


def test_zero_width_inside_words_no_longer_hides_a_condition(coder):
    note = "Assessment: community-acquired pneu\u200bmonia. Type 2 diabe\u200dtes mellitus.\ufeff"
    result = coder.code(note)
    codes = {a.code for a in result.final_assessments}
    assert {"J18.9", "E11.9"} <= codes
    _assert_offsets_into(note, result)
    spans = {code: e for code, e in _evidence(result)}
    assert spans["J18.9"].text == "community-acquired pneu\u200bmonia"
    assert spans["E11.9"].text == "Type 2 diabe\u200dtes mellitus"


def test_decomposed_accents_keep_original_offsets(coder):
    note = unicodedata.normalize("NFD", "Diagnóstico: neumonía adquirida en la comunidad. Diabetes mellitus tipo 2.")
    assert len(note) > len(unicodedata.normalize("NFC", note))  # really decomposed
    result = coder.code(note)
    assert {"J18.9", "E11.9"} <= {a.code for a in result.final_assessments}
    _assert_offsets_into(note, result)
    spans = {code: e for code, e in _evidence(result)}
    assert unicodedata.normalize("NFC", spans["J18.9"].text) == "neumonía adquirida en la comunidad"


def test_bidi_controls_around_a_term(coder):
    note = "\u202eAssessment:\u202c \u2066essential hypertension\u2069 and type 2 diabetes mellitus."
    result = coder.code(note)
    assert {"I10", "E11.9"} <= {a.code for a in result.final_assessments}
    _assert_offsets_into(note, result)


def test_clean_text_is_not_copied():
    text = "Essential hypertension. Neumonía."
    view = matching_view(text)
    assert view.text is text and not view.changed


@pytest.mark.parametrize(
    "text",
    [
        "e\u0301 x\u200by",
        "\u0301leading mark",
        "a\u200b\u0301b",  # a control between a letter and its accent: composed, spanning both
        "\u1100\u1161\u11a8 Hangul jamo compose across starters",
        "\ufeff\u200b\u202a",  # nothing but controls
        "Å Ω ﬁ no NFC change but singletons",
    ],
)
def test_view_is_nfc_without_controls_and_maps_every_span(text):
    view = matching_view(text)
    expected = unicodedata.normalize("NFC", "".join(ch for ch in text if ch not in DROPPED))
    assert view.text == expected
    for start in range(len(view.text)):
        for end in range(start + 1, len(view.text) + 1):
            o_start, o_end = view.span(start, end)
            assert 0 <= o_start < o_end <= len(text)
            # the original span, cleaned and normalized, contains what was matched
            cleaned = unicodedata.normalize("NFC", "".join(ch for ch in text[o_start:o_end] if ch not in DROPPED))
            assert view.text[start:end] in cleaned
