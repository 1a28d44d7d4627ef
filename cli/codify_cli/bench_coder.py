"""In-process speed of the coder, on one core: load time and warm per-note coding time.

    python -m codify_cli.bench_coder --notes DIR [--limit 100] [--loads 5] [--repeats 3] [--model DIR]

Load: median of `--loads` fresh processes, each timing `Coder.load()` (terminology index + ONNX session).
Coding: every note is coded once to warm up, then `--repeats` more times; a note's time is the median of
its repeats, and the report gives the median and p95 over notes. The process is pinned to one core where
the OS allows it. No note text is printed.

With `--model DIR` (a custom model), every note is also coded by it, each repeat timing the default and the
custom coder back to back (so a load change on a shared machine hits both alike); the report adds the custom
model's median and the ratio of the two medians.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

_LOAD_ONCE = (
    "import time; t = time.perf_counter(); from codify_coder.pipeline import Coder; Coder.load(); "
    "print(time.perf_counter() - t)"
)


def _pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    return "not pinned"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="codify-bench-coder")
    parser.add_argument("--notes", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--language", default="auto")
    parser.add_argument("--model", type=Path, default=None, help="a custom model directory to compare")
    args = parser.parse_args(argv)
    pinning = _pin_one_core()

    loads = []
    for _ in range(args.loads):
        out = subprocess.run([sys.executable, "-c", _LOAD_ONCE], check=True, capture_output=True, text=True)
        loads.append(float(out.stdout.strip().splitlines()[-1]))

    from codify_coder.pipeline import Coder
    from codify_coder.types import CodeOptions

    coder = Coder.load()
    options = CodeOptions(language=args.language)
    notes = [p.read_text(encoding="utf-8") for p in sorted(args.notes.glob("*.txt"))[: args.limit]]
    custom = None
    if args.model is not None:
        from codify_coder.score import Scorer

        custom = coder.with_scorer(Scorer.load(args.model))
    per_note, per_note_custom = [], []
    for text in notes:
        coder.code(text, options)  # warm
        if custom is not None:
            custom.code(text, options)
        runs, runs_custom = [], []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            coder.code(text, options)
            runs.append((time.perf_counter() - t0) * 1000)
            if custom is not None:
                t0 = time.perf_counter()
                custom.code(text, options)
                runs_custom.append((time.perf_counter() - t0) * 1000)
        per_note.append(statistics.median(runs))
        if runs_custom:
            per_note_custom.append(statistics.median(runs_custom))
    q = statistics.quantiles(per_note, n=20) if len(per_note) > 1 else per_note * 19
    compare = {}
    if custom is not None:
        compare = {"custom_model": f"{custom.model.id} {custom.model.version}",
                   "custom_code_ms": {"median": round(statistics.median(per_note_custom), 2),
                                      "max": round(max(per_note_custom), 2)},
                   "custom_over_default_median": round(statistics.median(per_note_custom)
                                                       / statistics.median(per_note), 3)}  # fmt: skip
    print(json.dumps({
        "model": f"{coder.model.id} {coder.model.version}",
        "cpu": pinning,
        "load_s": {"median": round(statistics.median(loads), 3), "runs": [round(x, 3) for x in loads]},
        "code_ms": {"median": round(statistics.median(per_note), 2), "p95": round(q[18], 2),
                    "max": round(max(per_note), 2)},
        "notes": len(notes),
        "note_chars_mean": round(statistics.fmean(len(t) for t in notes)),
        **compare,
    }, indent=2))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
