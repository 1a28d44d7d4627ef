"""`codify eval` and `codify train`: report shapes, input errors, progress on stderr."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def gold(notes):
    tsv = notes.parent / "gold.tsv"
    tsv.write_text("htn\ti10\nhtn\tj18.9\ndm\te11.9\n", encoding="utf-8")
    return tsv


def test_eval_json_is_the_report_object(cli, notes, gold, coder_assets):
    r = cli("eval", "--notes", notes, "--gold", gold, "--language", "en")
    assert r.rc == 0
    report = json.loads(r.out)
    assert report["notes"] == 2 and report["language"] == "en" and report["model"]["id"] == "default"
    # I10 and E11.9 found; J18.9 is negated in the note, so the gold line is a miss.
    assert report["micro"]["tp"] == 2 and report["micro"]["fn"] == 1
    assert {"map", "map_3char", "micro_3char", "calibration", "per_code"} <= set(report)
    assert "2/2" in r.err  # the progress bar, on stderr


def test_eval_jsonl_and_table(cli, notes, gold, coder_assets):
    line = cli("eval", "--notes", notes, "--gold", gold, "--format", "jsonl", "--limit", "1")
    assert line.rc == 0 and len(line.out.splitlines()) == 1
    assert json.loads(line.out)["notes"] == 1
    table = cli("eval", "--notes", notes, "--gold", gold, "--format", "table", "--per-code", "5")
    assert table.rc == 0
    lines = table.out.splitlines()
    assert lines[0].startswith("model default ") and "notes 2" in lines[0] and "read as en 2" in lines[0]
    assert lines[2].startswith("full code ") and lines[3].startswith("3 chars ")
    assert any(row.split()[:4] == ["J18.9", "0", "0", "1"] for row in lines)


def test_eval_names_a_note_that_is_not_utf8(cli, notes, gold, coder_assets):
    (notes / "dm.txt").write_bytes("Diabetes mellitus tipo 2, diagnóstico reciente.".encode("latin-1"))
    r = cli("eval", "--notes", notes, "--gold", gold)
    assert r.rc == 3 and r.out == ""
    assert r.err_lines == [f"codify eval: {notes / 'dm.txt'}: not UTF-8 text"]


def test_eval_without_notes_that_have_gold_is_an_input_error(cli, notes, tmp_path):
    other = tmp_path / "other.tsv"
    other.write_text("S0001\tI10\n", encoding="utf-8")
    r = cli("eval", "--notes", notes, "--gold", other)
    assert r.rc == 3
    assert r.err == f"codify eval: no <id>.txt in {notes} has a line in {other}\n"


# ------------------------------------------------------------------ train
def _center(path):
    rows = [
        ("Essential hypertension, well controlled.", ["I10"]),
        ("Type 2 diabetes mellitus without complications.", ["E11.9"]),
        ("Community acquired pneumonia. Denies chest pain.", ["J18.9"]),
        ("Hipertensión arterial esencial.", ["I10"]),
        ("Acute appendicitis.", ["K35.80"]),
        ("Urinary tract infection, no fever.", ["N39.0"]),
    ]
    with path.open("w", encoding="utf-8") as fh:
        for i, (text, codes) in enumerate(rows * 3):
            fh.write(json.dumps({"id": f"c{i}", "text": text, "codes": codes}, ensure_ascii=False) + "\n")
    return path


def test_train_shows_progress_on_stderr_and_prints_the_summary(cli, tmp_path, coder_assets):
    data = _center(tmp_path / "center.jsonl")
    out = tmp_path / "model"
    r = cli("train", "--data", data, "--out", out, "--id", "center-b", "--epochs", "3", "--workers", "1",
            "--format", "table")  # fmt: skip
    assert r.rc == 0, r.err
    assert "pipeline: 100%" in r.err and "18/18" in r.err  # one bar over the 18 notes
    assert "codify train: fitting, quantizing and calibrating the model" in r.err
    summary = dict(line.split(": ", 1) for line in r.out.splitlines())
    assert summary["model_id"] == "center-b" and summary["out"] == str(out) and summary["labels"] == "5"
    from codify_coder.score import Scorer

    assert Scorer.load(out).version == summary["version"]


def test_train_input_and_asset_errors(cli, tmp_path, coder_assets):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Essential hypertension.", "codes": ["I10"]}\nnot json\n', encoding="utf-8")
    r = cli("train", "--data", bad, "--out", tmp_path / "m", "--id", "x")
    assert r.rc == 3 and r.err_lines[-1].startswith("codify train: bad.jsonl:2: not JSON (Expecting value)")
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes('{"text": "Hipertensión.", "codes": ["I10"]}\n'.encode("latin-1"))
    r = cli("train", "--data", latin, "--out", tmp_path / "m", "--id", "x")
    assert r.rc == 3 and r.err_lines[-1] == f"codify train: {latin}: a note file is not UTF-8 text"
    data = _center(tmp_path / "center.jsonl")
    r = cli("train", "--data", data, "--out", tmp_path / "m", "--id", "x", "--terminology", tmp_path / "none")
    assert r.rc == 4 and r.err_lines[-1].startswith(f"codify train: terminology assets missing in {tmp_path / 'none'}")
    assert "Traceback" not in r.err


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--id", "default"], "codify train: --id: 1-64 of [A-Za-z0-9._-], starting alphanumeric, and not 'default'"),
        (["--id", "ok", "--epochs", "0"], "codify train: --epochs and --workers must be >= 1"),
    ],
)
def test_train_usage_errors(cli, tmp_path, extra, message):
    data = _center(tmp_path / "center.jsonl")
    r = cli("train", "--data", data, "--out", tmp_path / "m", *extra)
    assert r.rc == 2 and r.err == message + "\n"
    missing = cli("train", "--data", tmp_path / "none.jsonl", "--out", tmp_path / "m", "--id", "ok")
    assert missing.rc == 2 and missing.err == f"codify train: --data: no such file or directory: {tmp_path / 'none.jsonl'}\n"


def test_train_progress_does_not_change_the_model(cli, tmp_path, coder_assets):
    # 130 notes: the progress wrapper runs the pipeline in three chunks (64, 64, 2).
    rows = [("Essential hypertension.", ["I10"]), ("Acute appendicitis.", ["K35.80"]),
            ("Type 2 diabetes mellitus without complications.", ["E11.9"])]  # fmt: skip
    data = tmp_path / "many.jsonl"
    data.write_text("".join(json.dumps({"id": f"m{i}", "text": rows[i % 3][0] + " " * (i % 4), "codes": rows[i % 3][1]})
                            + "\n" for i in range(130)), encoding="utf-8")  # fmt: skip
    r = cli("train", "--data", data, "--out", tmp_path / "cli", "--id", "same", "--epochs", "2", "--workers", "1")
    assert r.rc == 0 and "130/130" in r.err
    from codify_coder.training.custom import custom_config
    from codify_coder.training.train import train

    # the CLI trains a custom model: the custom configuration (averaged members, weight decay)
    direct = train(data, tmp_path / "direct", "same", config=custom_config(epochs=2), workers=1)
    assert json.loads(r.out)["version"] == direct["version"]
