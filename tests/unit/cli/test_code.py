"""`codify code`: output shapes, per-file errors, the API's options, missing assets."""

from __future__ import annotations

import json

import pytest


@pytest.fixture(autouse=True)
def _assets(coder_assets):
    return coder_assets


def _finals(result: dict) -> list[str]:
    return [a["code"] for a in result["final_assessments"]]


def test_json_is_always_a_list_of_results_even_for_one_file(cli, notes):
    r = cli("code", notes / "htn.txt")
    assert r.rc == 0 and r.err == ""
    [result] = json.loads(r.out)
    assert result["file"] == str(notes / "htn.txt")
    assert "I10" in _finals(result)
    assert {"code": "J18.9", "reason": "negated"}.items() <= next(
        d for d in result["discarded_assessments"] if d["code"] == "J18.9").items()  # fmt: skip
    assert "J18.9" not in _finals(result)
    assert set(result) >= {"run_id", "created_at", "model", "input", "final_assessments", "analysis"}


def test_a_folder_codes_each_note_in_name_order(cli, notes):
    r = cli("code", notes, "--format", "json")
    assert r.rc == 0
    results = json.loads(r.out)
    assert [x["file"] for x in results] == [str(notes / "dm.txt"), str(notes / "htn.txt")]
    assert "E11.9" in _finals(results[0]) and "I10" not in _finals(results[0])


def test_jsonl_is_one_result_per_line(cli, notes):
    r = cli("code", notes / "htn.txt", notes / "dm.txt", "--format", "jsonl")
    assert r.rc == 0
    lines = r.out.splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["file"].endswith("htn.txt") and "I10" in _finals(first)
    assert second["file"].endswith("dm.txt") and "E11.9" in _finals(second)


def test_table_lists_finals_then_discards_with_their_reason(cli, notes):
    r = cli("code", notes / "htn.txt", "--format", "table")
    assert r.rc == 0
    lines = r.out.splitlines()
    assert lines[0] == f"# {notes / 'htn.txt'}"
    assert any(line.startswith("I10 ") and "hypertension" in line.lower() for line in lines)
    assert any(line.startswith("  -J18.9") and line.endswith("negated") for line in lines)


def test_api_options_reach_the_coder(cli, notes):
    two = notes / "two.txt"
    two.write_text("Essential hypertension. Type 2 diabetes mellitus without complications.", encoding="utf-8")
    [both] = json.loads(cli("code", two).out)
    assert {"I10", "E11.9"} <= set(_finals(both))
    [one] = json.loads(cli("code", two, "--max-codes", "1", "--no-discarded").out)
    assert len(_finals(one)) == 1 and one["discarded_assessments"] == []
    [none] = json.loads(cli("code", two, "--min-confidence", "100").out)
    assert _finals(none) == [] or all(a["confidence"] == 100 for a in none["final_assessments"])


def test_a_non_utf8_file_is_one_line_exit_3_and_the_others_are_still_coded(cli, notes):
    bad = notes / "latin1.txt"
    bad.write_bytes("Hipertensión arterial.".encode("latin-1"))
    r = cli("code", notes / "htn.txt", bad, "--format", "jsonl")
    assert r.rc == 3
    assert r.err_lines == [f"codify code: {bad}: not UTF-8 text (invalid byte at offset 10)"]
    [line] = r.out.splitlines()
    assert json.loads(line)["file"] == str(notes / "htn.txt")


def test_an_empty_note_and_a_broken_pdf_are_input_errors(cli, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    broken = tmp_path / "scan.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot really a pdf")
    r = cli("code", empty, broken)
    assert r.rc == 3
    assert r.err_lines[0] == f"codify code: {empty}: empty note"
    assert r.err_lines[1].startswith(f"codify code: {broken}: ") and len(r.err_lines) == 2
    assert json.loads(r.out) == []


def test_a_missing_path_is_a_usage_error(cli, tmp_path):
    r = cli("code", tmp_path / "nope.txt")
    assert r.rc == 2 and f"no such file or directory: {tmp_path / 'nope.txt'}" in r.err
    assert "Traceback" not in r.err


def test_missing_terminology_is_exit_4_with_one_line(cli, notes, tmp_path, monkeypatch):
    from codify_coder.pipeline import Coder

    load = Coder.load.__func__
    monkeypatch.setattr(Coder, "load", classmethod(lambda cls, model_dir=None: load(cls, model_dir, tmp_path)))
    r = cli("code", notes / "htn.txt")
    assert r.rc == 4 and r.out == ""
    [line] = r.err.splitlines()
    assert line.startswith("codify code: terminology assets missing in ") and line.endswith("(run `make assets`)")


def test_a_model_directory_that_does_not_load_is_exit_4(cli, notes, tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    (model / "model.onnx").write_bytes(b"not onnx")
    r = cli("code", notes / "htn.txt", "--model", model)
    assert r.rc == 4
    assert r.err == f"codify code: no model in {model} (need model.onnx and manifest.json)\n"


def test_a_model_option_that_is_not_a_model_directory_is_a_usage_error(cli, notes, tmp_path):
    r = cli("code", notes / "htn.txt", "--model", tmp_path)
    assert r.rc == 2
    assert r.err == f"codify code: --model must be 'default' or a model directory with model.onnx: {tmp_path}\n"
