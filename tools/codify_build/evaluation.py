"""Accuracy on gold data in CodiEsp format: MAP as CodiEsp defines it, micro P/R/F1, calibration.

MAP (CodiEsp track, trec_eval style): per document, predictions are ranked (final assessments by
confidence, then the ones discarded below a cut, types.BELOW_THE_CUT, by confidence); AP = sum over
ranks k of precision@k * rel(k), divided by the number of gold codes; documents with gold codes and no
prediction score 0; MAP is the mean over the gold documents.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from codify_coder.training.calibration import average_precision
from codify_coder.types import BELOW_THE_CUT, CodeOptions, CodingResult


def ranked_codes(result: CodingResult) -> list[tuple[str, int, bool]]:
    """(code, confidence, is_final), finals first, each part by confidence."""
    finals = sorted(result.final_assessments, key=lambda a: (-a.confidence, a.code))
    lows = sorted(
        (d for d in result.discarded_assessments if d.reason in BELOW_THE_CUT),
        key=lambda d: (-d.confidence, d.code),
    )
    out, seen = [], set()
    for code, conf, final in [(a.code, a.confidence, True) for a in finals] + [(d.code, d.confidence, False) for d in lows]:
        if code not in seen:
            seen.add(code)
            out.append((code, conf, final))
    return out


@dataclass
class Scores:
    map: float = 0.0
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0
    tp: int = 0
    fp: int = 0
    fn: int = 0


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(predictions: dict[str, list[tuple[str, int, bool]]], gold: dict[str, set[str]], level: int | None = None) -> Scores:
    cut = (lambda c: c[:level]) if level else (lambda c: c)
    aps, tp, fp, fn = [], 0, 0, 0
    for doc, gold_codes in gold.items():
        g = {cut(c) for c in gold_codes}
        ranked, seen = [], set()
        for code, _, _ in predictions.get(doc, []):
            c = cut(code)
            if c not in seen:
                seen.add(c)
                ranked.append(c)
        aps.append(average_precision(ranked, g))
        finals = {cut(c) for c, _, final in predictions.get(doc, []) if final}
        tp += len(finals & g)
        fp += len(finals - g)
        fn += len(g - finals)
    p, r, f = _prf(tp, fp, fn)
    return Scores(map=sum(aps) / len(aps) if aps else 0.0, precision=p, recall=r, f1=f, tp=tp, fp=fp, fn=fn)


def calibration(predictions: dict[str, list[tuple[str, int, bool]]], gold: dict[str, set[str]], bins: int = 10) -> dict:
    """Expected calibration error of the final assessments: |accuracy - confidence| weighted per bin."""
    buckets: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for doc, preds in predictions.items():
        for code, conf, final in preds:
            if final:
                buckets[min(bins - 1, conf * bins // 101)].append((conf / 100, code in gold.get(doc, set())))
    n = sum(len(b) for b in buckets)
    ece, table = 0.0, []
    for i, b in enumerate(buckets):
        if not b:
            continue
        mean_conf = sum(c for c, _ in b) / len(b)
        acc = sum(ok for _, ok in b) / len(b)
        ece += len(b) / n * abs(acc - mean_conf)
        table.append({"bin": f"{i * 100 // bins}-{(i + 1) * 100 // bins}", "n": len(b),
                      "confidence": round(mean_conf, 3), "accuracy": round(acc, 3)})
    return {"ece": round(ece, 4), "bins": table}


@dataclass
class Report:
    notes: int
    scores: Scores
    scores_3char: Scores
    calibration: dict
    per_code: list[dict] = field(default_factory=list)
    median_ms: float = 0.0


def evaluate(
    code_note: Callable[[str], CodingResult],
    notes: Iterable[Path],
    gold: dict[str, set[str]],
    progress: Callable[[Iterable], Iterable] = lambda x: x,
    per_code_top: int = 25,
) -> Report:
    predictions: dict[str, list[tuple[str, int, bool]]] = {}
    times: list[float] = []
    notes = [p for p in notes if p.stem in gold]
    for path in progress(notes):
        text = path.read_text(encoding="utf-8")
        t0 = time.perf_counter()
        result = code_note(text)
        times.append((time.perf_counter() - t0) * 1000)
        predictions[path.stem] = ranked_codes(result)
    subset = {doc: gold[doc] for doc in predictions}
    counts: Counter[tuple[str, str]] = Counter()
    for doc, g in subset.items():
        finals = {c for c, _, f in predictions[doc] if f}
        for c in finals & g:
            counts[(c, "tp")] += 1
        for c in finals - g:
            counts[(c, "fp")] += 1
        for c in g - finals:
            counts[(c, "fn")] += 1
    codes = {c for c, _ in counts}
    worst = sorted(codes, key=lambda c: (-(counts[(c, "fp")] + counts[(c, "fn")]), c))[:per_code_top]
    per_code = [{"code": c, "tp": counts[(c, "tp")], "fp": counts[(c, "fp")], "fn": counts[(c, "fn")]} for c in worst]
    times.sort()
    return Report(
        notes=len(predictions),
        scores=score(predictions, subset),
        scores_3char=score(predictions, subset, level=3),
        calibration=calibration(predictions, subset),
        per_code=per_code,
        median_ms=times[len(times) // 2] if times else 0.0,
    )


def options_for(language: str, setting: str = "outpatient") -> CodeOptions:
    return CodeOptions(language=language, setting=setting)  # type: ignore[arg-type]
