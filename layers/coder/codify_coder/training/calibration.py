"""Calibration (Platt scaling) and the metrics reported in a model's manifest."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def average_precision(ranked: list[str], gold: set[str] | frozenset[str]) -> float:
    """CodiEsp's AP of one note (its evaluation imports this: one definition for eval and training)."""
    if not gold:
        return 0.0
    hits, total = 0, 0.0
    for k, code in enumerate(ranked, start=1):
        if code in gold:
            hits += 1
            total += hits / k
    return total / len(gold)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def fit_platt(
    logits: np.ndarray, labels: np.ndarray, l2: float = 1e-3, iterations: int = 100
) -> tuple[float, float]:
    """(a, b) minimizing the log loss of sigmoid(a * logit + b): Newton steps on a 2-parameter problem
    (deterministic, no solver dependency). A small L2 on a-1 and b keeps it sane on tiny sets."""
    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    if len(z) == 0 or y.min() == y.max():
        return 1.0, 0.0
    a, b = 1.0, 0.0
    for _ in range(iterations):
        p = sigmoid(a * z + b)
        r = p - y
        w = p * (1 - p)
        grad = np.array([r @ z + l2 * (a - 1), r.sum() + l2 * b])
        hess = np.array([[w @ (z * z) + l2, w @ z], [w @ z, w.sum() + l2]])
        step = np.linalg.solve(hess + 1e-9 * np.eye(2), grad)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-10:
            break
    return float(a), float(b)


def expected_calibration_error(probs: np.ndarray, labels: np.ndarray, bins: int = 10) -> float:
    """ECE with equal-width bins: sum over bins of |mean confidence - accuracy| weighted by bin size."""
    p = np.asarray(probs, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    if len(p) == 0:
        return 0.0
    idx = np.minimum((p * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        mask = idx == b
        if mask.any():
            total += mask.sum() * abs(p[mask].mean() - y[mask].mean())
    return float(total / len(p))


def roc_auc(probs: np.ndarray, labels: np.ndarray) -> float:
    """Rank-based AUC (Mann-Whitney), ties averaged."""
    p = np.asarray(probs, dtype=np.float64)
    y = np.asarray(labels, dtype=bool)
    pos, neg = y.sum(), (~y).sum()
    if pos == 0 or neg == 0:
        return float("nan")
    order = np.argsort(p, kind="mergesort")
    ranks = np.empty(len(p), dtype=np.float64)
    sorted_p = p[order]
    i = 0
    while i < len(p):
        j = i
        while j + 1 < len(p) and sorted_p[j + 1] == sorted_p[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[y].sum() - pos * (pos + 1) / 2) / (pos * neg))


def log_loss(probs: np.ndarray, labels: np.ndarray) -> float:
    p = np.clip(np.asarray(probs, dtype=np.float64), 1e-7, 1 - 1e-7)
    y = np.asarray(labels, dtype=np.float64)
    return float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).mean()) if len(p) else 0.0


def code_level(
    note_scores: Sequence[dict[str, float]], golds: Sequence[frozenset[str]], threshold: float
) -> dict[str, float]:
    """Per note, a code's probability is its best candidate's; codes at or above `threshold` are
    predicted. Micro P/R/F1 count every gold code (also those no candidate reached)."""
    tp = fp = fn = 0
    aps = []
    for scores, gold in zip(note_scores, golds, strict=True):
        predicted = {c for c, p in scores.items() if p >= threshold}
        tp += len(predicted & gold)
        fp += len(predicted - gold)
        fn += len(gold - predicted)
        ranked = sorted(scores, key=lambda c: (-scores[c], c))
        aps.append(average_precision(ranked, gold))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "map": float(np.mean(aps)) if aps else 0.0}


def best_threshold(
    note_scores: Sequence[dict[str, float]], golds: Sequence[frozenset[str]], step: float = 0.05
) -> float:
    """The code-level F1-maximizing threshold on a grid of `step` steps (ties -> the higher threshold)."""
    best_t, best_f1 = 0.5, -1.0
    for t in np.round(np.arange(step, 1.0 - step + 1e-3, step), 4):
        f1 = code_level(note_scores, golds, float(t))["f1"]
        if f1 >= best_f1:
            best_t, best_f1 = float(t), f1
    return best_t
