"""Training: reproducible int8 models, calibration, splits, priors, custom models from JSONL and CodiEsp
layouts, the `codify train` CLI, and the synthetic notes of the default model."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from codify_coder.score import Scorer
from codify_coder.training import calibration as cal
from codify_coder.training.core import TrainConfig, out_of_fold_priors, split_examples, train_and_write

sys.path.insert(0, str(Path(__file__).parent))
from test_score import DictFacts, tiny_examples

ASSETS = Path(__file__).resolve().parents[3] / "layers" / "coder" / "codify_coder" / "assets"
CONFIG = TrainConfig(epochs=8, hidden=16)


def _build(out: Path, examples=None, **kwargs) -> dict:
    return train_and_write(
        examples or tiny_examples(120),
        out,
        "tiny",
        DictFacts(),
        use_priors=kwargs.pop("use_priors", False),
        data_sha256="1" * 64,
        config=CONFIG,
        **kwargs,
    )


# ---------------------------------------------------------------- model artifacts
def test_two_builds_give_the_same_bytes(tmp_path):
    a, b = _build(tmp_path / "a"), _build(tmp_path / "b")
    bytes_a, bytes_b = (
        (tmp_path / "a" / "model.onnx").read_bytes(),
        (tmp_path / "b" / "model.onnx").read_bytes(),
    )
    assert hashlib.sha256(bytes_a).hexdigest() == a["sha256"] == b["sha256"]
    assert bytes_a == bytes_b
    assert (tmp_path / "a" / "manifest.json").read_text() == (tmp_path / "b" / "manifest.json").read_text()


def test_other_seed_gives_another_model(tmp_path):
    a = _build(tmp_path / "a")
    b = train_and_write(
        tiny_examples(120),
        tmp_path / "b",
        "tiny",
        DictFacts(),
        use_priors=False,
        data_sha256="1" * 64,
        config=TrainConfig(epochs=8, hidden=16, seed=1),
    )
    assert a["sha256"] != b["sha256"]


def test_model_is_int8_quantized_with_calibration_in_the_graph(tmp_path):
    manifest = _build(tmp_path / "m")
    model = onnx.load(tmp_path / "m" / "model.onnx")
    int8 = [i.name for i in model.graph.initializer if i.data_type == onnx.TensorProto.INT8]
    assert len(int8) >= 2  # both weight matrices
    float_weights = [
        i for i in model.graph.initializer if i.data_type == onnx.TensorProto.FLOAT and len(i.dims) == 2
    ]
    assert float_weights == []  # no float weight matrix left behind
    ops = [n.op_type for n in model.graph.node]
    assert "DequantizeLinear" in ops and ops[-1] == "Sigmoid"
    calib = {i.name: onnx.numpy_helper.to_array(i) for i in model.graph.initializer}
    assert calib["calibration_a"] == pytest.approx(manifest["calibration"]["a"], rel=1e-5)
    assert manifest["metrics"]["int8_vs_fp32_max_abs_diff"] < 0.1


def test_manifest_records_what_a_model_needs(tmp_path):
    manifest = _build(tmp_path / "m")
    assert manifest["model_id"] == "tiny" and manifest["version"] == manifest["sha256"][:12]
    assert manifest["training_data_sha256"] == "1" * 64
    held_out = manifest["metrics"]["held_out"]
    assert held_out["notes"] > 0 and 0 <= held_out["code_ece"] <= 1 and 0 <= held_out["final_ece"] <= 1
    assert held_out["final_codes"] > 0
    # The tiny notes are learnable: the held-out part must show it.
    assert held_out["candidate_auc"] > 0.8 and held_out["code_f1"] > 0.6
    assert 0.05 <= manifest["thresholds"]["final"] <= 0.95


def test_training_without_positives_fails(tmp_path):
    examples = [
        e.__class__(e.key, e.text, e.understanding, e.candidates, frozenset()) for e in tiny_examples(20)
    ]
    with pytest.raises(ValueError, match="no positive"):
        _build(tmp_path / "m", examples)


# ---------------------------------------------------------------- calibration and metrics
def test_platt_recovers_known_parameters():
    rng = np.random.default_rng(0)
    z = rng.normal(0, 2, 20000)
    y = (rng.random(20000) < cal.sigmoid(0.5 * z - 1.0)).astype(float)
    a, b = cal.fit_platt(z, y)
    assert a == pytest.approx(0.5, abs=0.05) and b == pytest.approx(-1.0, abs=0.08)


def test_ece_tells_calibrated_from_overconfident():
    rng = np.random.default_rng(1)
    p = rng.random(20000)
    y = (rng.random(20000) < p).astype(float)
    assert cal.expected_calibration_error(p, y) < 0.02
    overconfident = np.where(p > 0.5, 0.99, 0.01)
    assert cal.expected_calibration_error(overconfident, y) > 0.2


def test_code_level_metrics_and_codiesp_average_precision():
    assert cal.average_precision(["A", "B", "C"], {"A", "C", "D"}) == pytest.approx((1 + 2 / 3) / 3)
    scores = [{"A": 0.9, "B": 0.6, "C": 0.2}, {"D": 0.7}]
    golds = [frozenset({"A", "C"}), frozenset({"E"})]
    m = cal.code_level(scores, golds, threshold=0.5)
    assert m["precision"] == pytest.approx(1 / 3) and m["recall"] == pytest.approx(1 / 3)
    assert cal.roc_auc(np.array([0.1, 0.4, 0.35, 0.8]), np.array([0, 0, 1, 1])) == pytest.approx(0.75)


def test_best_threshold_on_a_finer_grid_finds_the_maximum_between_the_coarse_steps():
    # A's 0.33 (gold) and B's 0.31 (not): only a threshold in (0.31, 0.33] keeps A alone (F1 1).
    scores, golds = [{"A": 0.33, "B": 0.31}], [frozenset({"A"})]
    assert cal.best_threshold(scores, golds) == pytest.approx(0.30)  # the 0.05 grid: both kept, F1 2/3
    assert cal.best_threshold(scores, golds, step=0.01) == pytest.approx(0.33)


def test_split_is_by_note_and_order_independent():
    examples = tiny_examples(60)
    split = split_examples(examples, (0.7, 0.15))
    reversed_split = split_examples(list(reversed(examples)), (0.7, 0.15))
    keys = [{e.key for e in part} for part in (split.train, split.calibration, split.test)]
    assert sum(len(k) for k in keys) == 60 and not (
        keys[0] & keys[1] or keys[0] & keys[2] or keys[1] & keys[2]
    )
    assert [e.key for e in split.test] == [e.key for e in reversed_split.test]
    assert all(keys)


def test_out_of_fold_priors_never_count_the_note_itself():
    examples = tiny_examples(30)
    priors = out_of_fold_priors(examples, 5)
    assert {p.notes for p in priors} == {24}  # 30 notes, 5 folds: each note sees the other 4 folds
    for example, table in zip(examples, priors, strict=True):
        others = [e for e in examples if e.key != example.key]
        for code in example.gold:
            assert table.codes.get(code, 0) <= sum(code in e.gold for e in others)


# ---------------------------------------------------------------- custom data loading
def test_jsonl_loading_and_errors(tmp_path):
    from codify_coder.training.train import DataError, load_notes

    good = tmp_path / "notes.jsonl"
    good.write_text(
        json.dumps({"text": "Type 2 diabetes.", "codes": ["e11.9"], "id": "n1"})
        + "\n\n"
        + json.dumps({"text": "Hipertensión arterial.", "codes": ["I10"], "language": "es"})
        + "\n",
        encoding="utf-8",
    )
    notes = load_notes(good)
    assert [n.gold for n in notes] == [frozenset({"E11.9"}), frozenset({"I10"})]
    assert notes[0].key == "n1" and notes[1].language == "es" and len(notes[1].key) == 16

    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"text": "Secret patient text", "codes": "E11.9"}) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_notes(bad)
    assert "bad.jsonl:1" in str(info.value) and "Secret" not in str(info.value)
    with pytest.raises(DataError):
        load_notes(tmp_path / "missing.jsonl")


def test_codiesp_layout_loading(tmp_path):
    from codify_coder.training.train import load_notes

    (tmp_path / "text_files").mkdir()
    (tmp_path / "text_files_en").mkdir()
    (tmp_path / "text_files" / "c1.txt").write_text("Paciente con diabetes.", encoding="utf-8")
    (tmp_path / "text_files_en" / "c1.txt").write_text("Patient with diabetes.", encoding="utf-8")
    (tmp_path / "text_files" / "c2.txt").write_text("Sin hallazgos.", encoding="utf-8")
    (tmp_path / "splitD.tsv").write_text("c1\te11.9\nc1\ti10\n", encoding="utf-8")
    both = load_notes(tmp_path, "both")
    assert sorted((n.key, n.language) for n in both) == [("c1", "en"), ("c1", "es"), ("c2", "es")]
    assert {n.key: n.gold for n in both}["c1"] == frozenset({"E11.9", "I10"})
    assert {n.key: n.gold for n in both}["c2"] == frozenset()
    assert [n.language for n in load_notes(tmp_path, "en")] == ["en"]


# ---------------------------------------------------------------- with the real pipeline stages
def _terminology_dir() -> Path:
    directory = ASSETS / "terminology"
    if not (directory / "manifest.json").is_file():
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        subprocess.run([sys.executable, "-m", "codify_build.terminology"], check=True, env=env)
    return directory


@pytest.fixture(scope="module")
def terminology_dir() -> Path:
    return _terminology_dir()


@pytest.fixture(scope="module")
def terminology(terminology_dir):
    from codify_coder.terminology import Terminology

    return Terminology.load(terminology_dir)


def test_synthetic_notes_are_deterministic_and_labeled(terminology):
    from codify_build.synthetic import generate

    a, b = generate(terminology, 40, seed=3), generate(terminology, 40, seed=3)
    assert a == b and generate(terminology, 40, seed=4) != a
    assert {n.language for n in a} == {"en", "es"}
    for note in a:
        assert note.gold <= frozenset(code for code, _ in note.mentions)
        assert all(code in terminology for code, _ in note.mentions)


def test_default_build_is_reproducible_and_loads(tmp_path, terminology_dir, terminology):
    from codify_build.default_model import build

    config = TrainConfig(epochs=5, hidden=16)
    a = build(tmp_path / "a", terminology_dir, n_notes=80, config=config, workers=1)
    b = build(tmp_path / "b", terminology_dir, n_notes=80, config=config, workers=1)
    assert a["sha256"] == b["sha256"]
    assert (tmp_path / "a" / "model.onnx").read_bytes() == (tmp_path / "b" / "model.onnx").read_bytes()
    assert a["model_id"] == "default" and a["label_set"] is None and a["priors"] is None
    scorer = Scorer.load(tmp_path / "a").bind(terminology)
    assert scorer.model_id == "default"


def _tiny_jsonl(path: Path) -> Path:
    notes = [
        ("Type 2 diabetes mellitus without complications. No evidence of pneumonia.", ["E11.9"]),
        ("Essential hypertension. Mother had breast cancer.", ["I10", "Z80.3"]),
        ("Paciente con diabetes mellitus tipo 2 e hipertensión arterial.", ["E11.9", "I10"]),
        ("Community acquired pneumonia with cough and fever.", ["J18.9"]),
        ("Acute appendicitis. Denies chest pain.", ["K35.80"]),
        ("Neumonía adquirida en la comunidad. Niega fiebre.", ["J18.9"]),
        ("Hypertension and type 2 diabetes, both controlled.", ["I10", "E11.9"]),
        ("Acute myocardial infarction. History of asthma.", ["I21.9"]),
        ("Apendicitis aguda.", ["K35.80"]),
        ("Infarto agudo de miocardio.", ["I21.9"]),
        ("Urinary tract infection. No fever.", ["N39.0"]),
        ("Infección del tracto urinario.", ["N39.0"]),
    ]
    with path.open("w", encoding="utf-8") as fh:
        for i, (text, codes) in enumerate(notes * 2):
            fh.write(json.dumps({"id": f"n{i}", "text": text, "codes": codes}, ensure_ascii=False) + "\n")
    return path


def test_custom_model_from_jsonl(tmp_path, terminology_dir, terminology):
    from codify_coder.training.core import data_hash
    from codify_coder.training.train import load_notes, train

    data = _tiny_jsonl(tmp_path / "center.jsonl")
    manifest = train(data, tmp_path / "model", "center-a", terminology_dir, config=CONFIG, workers=1)
    assert manifest["model_id"] == "center-a"
    assert manifest["label_set"] == ["E11.9", "I10", "I21.9", "J18.9", "K35.80", "N39.0", "Z80.3"]
    notes = load_notes(data)
    assert manifest["training_data_sha256"] == data_hash(
        [(f"{n.key}/{n.language}", n.text, sorted(n.gold)) for n in notes]
    )
    assert manifest["priors"]["notes"] > 0
    cv = manifest["metrics"]["cross_validated"]
    assert {"map", "f1", "ece"} <= set(cv) and all(0 <= cv[k] <= 1 for k in ("map", "f1", "ece"))
    assert manifest["code_system"] == "ICD-10-CM FY2026" and manifest["training_data"]["notes"] > 0
    scorer = Scorer.load(tmp_path / "model").bind(terminology)
    assert scorer.model_id == "center-a" and scorer.priors is not None


def test_codify_train_cli(tmp_path, terminology_dir, capsys):
    from codify_cli.main import main

    data = _tiny_jsonl(tmp_path / "center.jsonl")
    rc = main(
        [
            "train",
            "--data",
            str(data),
            "--out",
            str(tmp_path / "m"),
            "--id",
            "cli-model",
            "--terminology",
            str(terminology_dir),
            "--epochs",
            "5",
            "--workers",
            "1",
        ]
    )
    assert rc == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["model_id"] == "cli-model" and summary["labels"] == 7
    assert Scorer.load(tmp_path / "m").version == summary["version"]
    assert (
        main(["train", "--data", str(tmp_path / "none.jsonl"), "--out", str(tmp_path / "x"), "--id", "y"])
        == 2
    )
    assert main(["train", "--data", str(data), "--out", str(tmp_path / "x"), "--id", "default"]) == 2


def test_same_bytes_across_processes_with_different_hash_seeds(tmp_path):
    # Set and dict iteration orders change with PYTHONHASHSEED; the model must not.
    script = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[2]);"
        "from test_score import DictFacts, tiny_examples;"
        "from codify_coder.training.core import TrainConfig, train_and_write;"
        "m = train_and_write(tiny_examples(60), Path(sys.argv[1]), 'tiny', DictFacts(), use_priors=True,"
        " data_sha256='2' * 64, config=TrainConfig(epochs=3, hidden=8)); print(m['sha256'])"
    )
    shas = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        out = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / seed), str(Path(__file__).parent)],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        )
        shas.append(out.stdout.strip().splitlines()[-1])
    assert shas[0] == shas[1] and len(shas[0]) == 64


def test_ensemble_is_the_average_of_its_members():
    from codify_coder.training.mlp import fit_ensemble, fit_mlp

    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 5))
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(float)
    members = [fit_mlp(x, y, hidden=4, epochs=3, seed=s) for s in (10, 11, 12)]
    ensemble = fit_ensemble(x, y, members=3, seed=10, hidden=4, epochs=3)
    assert ensemble.w1.shape == (5, 12)
    np.testing.assert_allclose(ensemble.logits(x), np.mean([m.logits(x) for m in members], axis=0), atol=1e-9)


def test_example_weights_change_what_the_mlp_learns():
    from codify_coder.training.mlp import fit_mlp

    x = np.array([[0.0], [0.0], [1.0], [1.0]] * 50)
    y = np.array([0.0, 1.0, 0.0, 1.0] * 50)
    heavy_positive = np.array([1.0, 9.0, 1.0, 9.0] * 50)
    plain = fit_mlp(x, y, hidden=2, epochs=300, lr=0.03, seed=0)
    weighted = fit_mlp(x, y, hidden=2, epochs=300, lr=0.03, seed=0, weights=heavy_positive)
    assert abs(cal.sigmoid(plain.logits(x[:2])).mean() - 0.5) < 0.1
    assert cal.sigmoid(weighted.logits(x[:2])).mean() == pytest.approx(0.9, abs=0.05)  # 9:1 weights


def test_synthetic_phrasing_helpers():
    import random

    from codify_build.synthetic import COMBINATION_FORMS, _series, rephrase_combination

    assert _series(["fever", "cough", "dyspnea"], "en") == "fever, cough and dyspnea"
    assert _series(["fiebre", "tos"], "es") == "fiebre y tos"
    rng = random.Random(0)
    forms = {
        rephrase_combination("type 2 diabetes mellitus with diabetic chronic kidney disease", "en", rng)
        for _ in range(60)
    }
    expected = {
        f.format(a="type 2 diabetes mellitus", b="chronic kidney disease") for f in COMBINATION_FORMS["en"]
    }
    assert forms == expected
    assert rephrase_combination("essential hypertension", "en", rng) == "essential hypertension"
