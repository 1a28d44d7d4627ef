"""Shared by the default and the custom models: labeled candidates -> features -> MLP -> int8 ONNX with
Platt calibration -> model directory (model.onnx + manifest.json).

Splits are by note (a note's candidates never straddle train and held-out) and by the sha256 of the
note key, so they do not depend on input order. Nothing time- or machine-dependent goes into the
model or the manifest: the same examples give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np

from ..score import (
    FEATURE_NAMES,
    FEATURE_SCHEMA,
    MANIFEST_FILE,
    MODEL_FILE,
    CodeFacts,
    Priors,
    extract_features,
)
from ..types import Candidate, Understanding
from . import calibration as cal
from .mlp import fit_ensemble

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Example:
    """One note run through understand + candidates, with the codes that are right for it."""

    key: str
    text: str
    understanding: Understanding
    candidates: tuple[Candidate, ...]
    gold: frozenset[str]


@dataclass(frozen=True)
class TrainConfig:
    hidden: int = 32
    epochs: int = 30
    batch: int = 512
    lr: float = 3e-3
    l2: float = 1e-4
    seed: int = 0
    fractions: tuple[float, float] = (0.7, 0.15)  # train, calibration; the rest is the test part
    prior_folds: int = 5
    max_quant_rows: int = 20000
    members: int = 1  # MLPs averaged into the served one (seeds seed, seed+1, ...)
    # Weight each training candidate by 1/(its note's candidates), so every note counts the same (as it
    # does in MAP) instead of long notes with hundreds of candidates dominating the loss.
    note_weighting: bool = False
    # The final-assessment threshold; None: the F1-maximizing one on the calibration split.
    threshold: float | None = None


@dataclass
class Split:
    train: list[Example] = field(default_factory=list)
    calibration: list[Example] = field(default_factory=list)
    test: list[Example] = field(default_factory=list)


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def split_examples(examples: Sequence[Example], fractions: tuple[float, float]) -> Split:
    """Order notes by the hash of their key and cut; with 3+ notes every part gets at least one."""
    keys = sorted({e.key for e in examples}, key=_key_hash)
    n = len(keys)
    n_train = round(n * fractions[0])
    n_cal = round(n * fractions[1])
    if n >= 3:
        n_cal = max(n_cal, 1)
        n_train = min(max(n_train, 1), n - n_cal - 1)
    part = {k: (0 if i < n_train else 1 if i < n_train + n_cal else 2) for i, k in enumerate(keys)}
    split = Split()
    for e in sorted(examples, key=lambda e: (_key_hash(e.key), e.key)):
        (split.train, split.calibration, split.test)[part[e.key]].append(e)
    return split


def labels(example: Example) -> np.ndarray:
    return np.array([c.code in example.gold for c in example.candidates], dtype=np.float64)


def featurize(
    examples: Sequence[Example], facts: CodeFacts, priors: Priors | None | Sequence[Priors | None]
) -> tuple[np.ndarray, np.ndarray]:
    """Stack features and labels; `priors` is one table for all notes or one per note."""
    per_note = isinstance(priors, (list, tuple))
    xs, ys = [], []
    for i, e in enumerate(examples):
        p = cast("Priors | None", priors[i] if per_note else priors)  # type: ignore[index]
        xs.append(extract_features(e.text, e.understanding, e.candidates, facts, p))
        ys.append(labels(e))
    if not xs:
        return np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32), np.zeros(0)
    return np.concatenate(xs), np.concatenate(ys)


def _unique_golds(examples: Iterable[Example]) -> list[frozenset[str]]:
    """One gold set per note key (a note and its translation count once)."""
    by_key = {e.key: e.gold for e in examples}
    return [by_key[k] for k in sorted(by_key)]


def prior_folds(examples: Iterable[Example], folds: int) -> dict[str, int]:
    """The fold of each note key for out-of-fold priors (by the sha256 of the key, not input order)."""
    keys = sorted({e.key for e in examples}, key=_key_hash)
    return {k: i % folds for i, k in enumerate(keys)}


def out_of_fold_priors(examples: Sequence[Example], folds: int) -> list[Priors]:
    """Each training note sees priors from the other folds only, as a new note sees the center's past
    notes at inference (its own codes never count, which would leak the label)."""
    fold_of = prior_folds(examples, folds)
    tables = []
    for f in range(folds):
        tables.append(Priors.from_gold(_unique_golds(e for e in examples if fold_of[e.key] != f)))
    return [tables[fold_of[e.key]] for e in examples]


def note_code_scores(
    examples: Sequence[Example], probs: np.ndarray, initial: float = 0.0
) -> list[dict[str, float]]:
    """A code's probability (or logit) in a note is that of its best candidate."""
    out, i = [], 0
    for e in examples:
        scores: dict[str, float] = {}
        for c in e.candidates:
            scores[c.code] = max(scores.get(c.code, initial), float(probs[i]))
            i += 1
        out.append(scores)
    return out


def evaluate(
    examples: Sequence[Example], probs: np.ndarray, y: np.ndarray, threshold: float
) -> dict[str, Any]:
    golds = [e.gold for e in examples]
    scores = note_code_scores(examples, probs)
    code_p = np.array([p for s in scores for p in s.values()])
    code_y = np.array([c in g for s, g in zip(scores, golds, strict=True) for c in s], dtype=np.float64)
    reachable = sum(len(set(s) & g) for s, g in zip(scores, golds, strict=True))
    gold_total = sum(len(g) for g in golds)
    out: dict[str, Any] = {
        "notes": len(examples),
        "candidates": len(y),
        "positive_rate": float(y.mean()) if len(y) else 0.0,
        "candidate_auc": cal.roc_auc(probs, y),
        "candidate_log_loss": cal.log_loss(probs, y),
        "candidate_brier": float(((probs - y) ** 2).mean()) if len(y) else 0.0,
        "candidate_ece": cal.expected_calibration_error(probs, y),
        "code_ece": cal.expected_calibration_error(code_p, code_y),
        # The codes a coder would see as final: at or above the threshold.
        "final_codes": int((code_p >= threshold).sum()),
        "final_ece": cal.expected_calibration_error(code_p[code_p >= threshold], code_y[code_p >= threshold]),
        "gold_codes": gold_total,
        "gold_reached_by_candidates": (reachable / gold_total) if gold_total else 0.0,
        "threshold": threshold,
    }
    out.update({f"code_{k}": v for k, v in cal.code_level(scores, golds, threshold).items()})
    return {k: (round(v, 6) if isinstance(v, float) else v) for k, v in out.items()}


def data_hash(records: Sequence[tuple[str, str, Sequence[str]]]) -> str:
    """sha256 of the training data (key, text, sorted codes), independent of record order."""
    digest = hashlib.sha256()
    for key, text, codes in sorted(records, key=lambda r: r[0]):
        digest.update(json.dumps([key, text, sorted(codes)], ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def train_and_write(
    examples: Sequence[Example],
    out_dir: Path,
    model_id: str,
    facts: CodeFacts,
    *,
    use_priors: bool,
    data_sha256: str,
    config: TrainConfig = TrainConfig(),
    extra_manifest: dict[str, Any] | None = None,
) -> dict[str, Any]:
    from . import onnx_model  # onnx is a build-time dependency: imported only when a model is built

    t0 = time.perf_counter()
    split = split_examples(examples, config.fractions)
    if not split.train or not any(labels(e).any() for e in split.train):
        raise ValueError("no positive training candidates: the notes' codes were never proposed")

    train_priors: Priors | None = None
    if use_priors:
        train_priors = Priors.from_gold(_unique_golds(split.train))
        x_train, y_train = featurize(split.train, facts, out_of_fold_priors(split.train, config.prior_folds))
    else:
        x_train, y_train = featurize(split.train, facts, None)
    x_cal, y_cal = featurize(split.calibration, facts, train_priors)
    x_test, y_test = featurize(split.test, facts, train_priors)
    t1 = time.perf_counter()

    weights = None
    if config.note_weighting:
        weights = np.concatenate(
            [np.full(len(e.candidates), 1.0 / max(len(e.candidates), 1)) for e in split.train]
        )
    mlp = fit_ensemble(
        x_train,
        y_train,
        members=config.members,
        weights=weights,
        hidden=config.hidden,
        epochs=config.epochs,
        batch=config.batch,
        lr=config.lr,
        l2=config.l2,
        seed=config.seed,
    )
    t2 = time.perf_counter()

    fp32 = onnx_model.build_graph(mlp, FEATURE_NAMES)
    step = max(1, len(x_train) // config.max_quant_rows)
    quantized = onnx_model.quantize(fp32, x_train[::step])
    # Calibrate the quantized model, the one that is served, on notes it was not trained on, and at the
    # level a coder sees: a code's confidence is its best candidate's probability (sigmoid is monotone,
    # so the best candidate is the one with the highest logit), right when the code is in the gold set.
    z_cal = onnx_model.run_logits(onnx_model.session(quantized), x_cal)
    code_z = note_code_scores(split.calibration, z_cal, initial=-np.inf)
    a, b = cal.fit_platt(
        np.array([z for s in code_z for z in s.values()]),
        np.array(
            [c in e.gold for s, e in zip(code_z, split.calibration, strict=True) for c in s], dtype=float
        ),
    )
    model = onnx_model.set_calibration(quantized, a, b)
    sess = onnx_model.session(model)

    def predict(x: np.ndarray) -> np.ndarray:
        if len(x) == 0:
            return np.zeros(0)
        return sess.run(["probability"], {"features": x.astype(np.float32)})[0].reshape(-1).astype(np.float64)

    p_cal, p_test = predict(x_cal), predict(x_test)
    fitted_threshold = cal.best_threshold(
        note_code_scores(split.calibration, p_cal), [e.gold for e in split.calibration]
    )
    threshold = fitted_threshold if config.threshold is None else config.threshold
    fp32_test = cal.sigmoid(a * mlp.logits(x_test) + b) if len(x_test) else np.zeros(0)
    t3 = time.perf_counter()

    model_bytes = model.SerializeToString()
    sha = hashlib.sha256(model_bytes).hexdigest()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MODEL_FILE).write_bytes(model_bytes)
    manifest: dict[str, Any] = {
        "model_id": model_id,
        "version": sha[:12],
        "sha256": sha,
        "format": "onnx",
        "quantization": "int8 static QDQ (MatMul weights int8, activations uint8)",
        "opset": onnx_model.OPSET,
        "feature_schema": FEATURE_SCHEMA,
        "feature_names": list(FEATURE_NAMES),
        "input": "features",
        "output": "probability",
        "calibration": {
            "method": "platt",
            "a": round(a, 8),
            "b": round(b, 8),
            "fitted_on": "calibration split, code level: a code's probability is its best candidate's",
        },
        "thresholds": {"final": threshold, "f1_max_on_calibration_split": fitted_threshold},
        "training_data_sha256": data_sha256,
        "split": {
            "notes": {
                "train": len(split.train),
                "calibration": len(split.calibration),
                "test": len(split.test),
            },
            "candidates": {"train": len(y_train), "calibration": len(y_cal), "test": len(y_test)},
        },
        "hyperparameters": {
            "hidden": config.hidden,
            "epochs": config.epochs,
            "batch": config.batch,
            "lr": config.lr,
            "l2": config.l2,
            "seed": config.seed,
            "members": config.members,
            "note_weighting": config.note_weighting,
        },
        "metrics": {
            "held_out": evaluate(split.test, p_test, y_test, threshold),
            "calibration_split": evaluate(split.calibration, p_cal, y_cal, threshold),
            "int8_vs_fp32_max_abs_diff": round(float(np.abs(p_test - fp32_test).max()), 6)
            if len(p_test)
            else 0.0,
        },
        "priors": train_priors.to_json() if train_priors else None,
    }
    manifest.update(extra_manifest or {})
    (out_dir / MANIFEST_FILE).write_text(
        json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    log.info(
        "model %s: %d train candidates, features %.1fs, fit %.1fs, export+calibrate %.1fs, sha256 %s",
        model_id,
        len(y_train),
        t1 - t0,
        t2 - t1,
        t3 - t2,
        sha[:12],
    )
    return manifest
