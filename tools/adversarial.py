"""Time adversarial notes against a realistic one of the same size, per stage (issue 10).

    .venv/bin/python tools/adversarial.py [--size 51200] [--repeat 1] [case ...]

The cases are the ones tests/unit/coder/test_adversarial.py guards (tests/fixtures/adversarial.py); this prints seconds per stage.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from codify_coder.pipeline import Coder

from tests.fixtures.adversarial import CASES, realistic


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=51_200)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("cases", nargs="*")
    args = ap.parse_args()
    coder = Coder.load()
    cases = {"realistic": realistic, **CASES}
    for name, make in cases.items():
        if args.cases and name not in args.cases:
            continue
        text = make(args.size)
        runs = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            res = coder.code(text)
            runs.append((time.perf_counter() - t0, res.analysis.timings_ms))
        dt = statistics.median(r[0] for r in runs)
        stages = " ".join(f"{k}={v / 1000:.2f}" for k, v in (runs[-1][1] or {}).items())
        print(f"{name:24s} {len(text.encode()):7d} B {dt:8.2f} s  {stages}", flush=True)


if __name__ == "__main__":
    main()
