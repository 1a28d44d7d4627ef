"""`codify code` prints the API's response body: the same run id and timestamp formats as the API."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.e2e

RUN_ID = re.compile(r"^run_[0-9a-f]{32}$")  # models.RUN_ID_PATTERN
CREATED_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_codify_code_uses_the_api_run_id_and_time_formats(coder_assets, tmp_path, capsys):
    from codify_cli.main import main

    note = tmp_path / "note.txt"
    note.write_text("Assessment: essential hypertension.", encoding="utf-8")

    assert main(["code", str(note)]) == 0
    (body,) = json.loads(capsys.readouterr().out)  # json is always a list, one result per file

    assert RUN_ID.match(body["run_id"]), body["run_id"]
    assert CREATED_AT.match(body["created_at"]), body["created_at"]
    assert "I10" in [a["code"] for a in body["final_assessments"]]


@pytest.mark.parametrize(
    ("text", "option", "language", "code"),
    [
        ("Judici clínic: hipertensió arterial essencial.", "auto", "ca", "I10"),
        ("Xuízo clínico: hipertensión arterial esencial.", "gl", "gl", "I10"),
        ("Iritzi klinikoa: hipertentsio arterial esentziala.", "auto", "eu", "I10"),
    ],
)
def test_codify_code_reads_catalan_galician_and_basque(coder_assets, tmp_path, capsys, text, option, language, code):
    from codify_cli.main import main

    note = tmp_path / "note.txt"
    note.write_text(text, encoding="utf-8")

    assert main(["code", "--language", option, str(note)]) == 0
    (body,) = json.loads(capsys.readouterr().out)
    assert body["input"]["language"] == language  # what the note was read in
    assert code in [a["code"] for a in body["final_assessments"]]
