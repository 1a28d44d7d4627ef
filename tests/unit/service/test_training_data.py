"""The training-data check: each rule, its line, and never a value from the file in a message."""

from __future__ import annotations

import json

import pytest
from custom_models.validate import TrainingDataInvalid, canonical, check_training_data
from hypothesis import given, settings
from hypothesis import strategies as st

KNOWN = {"E11.9", "I10", "J18.9", "R51"}


def lines(records: list) -> list[bytes]:
    return [(json.dumps(r) if not isinstance(r, bytes) else r.decode("latin-1")).encode() + b"\n" for r in records]


def notes(n: int) -> list[dict]:
    return [{"text": f"note number {i}", "codes": ["E11.9" if i % 2 else "i10"]} for i in range(n)]


def check(records, **kw):
    return check_training_data(lines(records), known=KNOWN.__contains__,
                               allow_unknown_codes=kw.pop("allow", False), **kw)  # fmt: skip


def test_a_good_file_is_counted():
    report = check(notes(20) + [{"text": "with spans", "codes": [{"code": "J18.9", "spans": [[0, 4]]}]}])
    assert (report.notes, sorted(report.codes), report.code_mentions) == (21, ["E11.9", "I10", "J18.9"], 21)


@pytest.mark.parametrize("raw,expected", [("e1122", "E11.22"), (" E11.22 ", "E11.22"), ("r51", "R51"),
                                          ("T148", "T14.8")])  # fmt: skip
def test_codes_are_compared_as_the_terminology_writes_them(raw, expected):
    assert canonical(raw) == expected


def test_the_minimum_is_said_and_a_size_limit_holds():
    with pytest.raises(TrainingDataInvalid, match="19 notes: a model needs at least 20") as e:
        check(notes(19))
    assert e.value.code == "too_few_notes"
    with pytest.raises(TrainingDataInvalid) as e:
        check(notes(30), max_bytes=200)
    assert e.value.code == "too_large"
    assert check(notes(5), min_notes=5).notes == 5


def test_unknown_codes_are_refused_unless_the_centers_own_are_declared():
    data = notes(20) + [{"text": "x", "codes": ["Z99.99"]}]
    with pytest.raises(TrainingDataInvalid, match=r"1 of 3 codes .* \(e\.g\. Z99\.99\)") as e:
        check(data)
    assert e.value.code == "unknown_codes"
    assert check(data, allow=True).unknown_codes == {"Z99.99"}


def test_notes_without_codes_count_but_a_file_without_any_code_is_refused():
    assert check(notes(20) + [{"text": "nothing coded", "codes": []}]).notes == 21
    with pytest.raises(TrainingDataInvalid) as e:
        check([{"text": f"n{i}", "codes": []} for i in range(20)])
    assert e.value.code == "no_codes"


@settings(max_examples=60, deadline=None)
# Letters no refusal message uses, so a match can only be the note's text leaking.
@given(secret=st.text(alphabet="áéíóúñQXZ ", min_size=8, max_size=40).filter(lambda s: len(s.strip()) >= 4),
       where=st.integers(min_value=0, max_value=20))  # fmt: skip
def test_no_refusal_quotes_the_file(secret, where):
    bad = [
        secret.encode("utf-8", "surrogatepass"),  # not JSON
        json.dumps({"text": secret, "codes": [secret]}).encode(),  # a code that is text
        json.dumps({"note": secret, "codes": []}).encode(),  # no text field
        json.dumps({"text": secret, "codes": "E11.9"}).encode(),  # codes not a list
    ]
    for line in bad:
        data = [json.dumps(r).encode() for r in notes(21)]
        data.insert(where, line)
        with pytest.raises(TrainingDataInvalid) as e:
            check_training_data(iter(data), known=KNOWN.__contains__, allow_unknown_codes=False)
        assert secret.strip() not in e.value.message and e.value.line == where + 1
