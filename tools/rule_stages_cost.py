"""What the rule stages cost: per-stage milliseconds per note, and the coding time with and without a set of
stages (alternating runs, medians), on CodiEsp dev (English) and the real-style documents.

    .venv/bin/python tools/rule_stages_cost.py [--without _laterality,_stated_specific] [--runs 5]

Used for issue 8's "coding speed within 1.2x": the stages it added are the default --without set.
"""
from __future__ import annotations

import argparse
import collections
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from codify_coder import rules
from codify_coder.pipeline import Coder
from codify_coder.types import CodeOptions

ISSUE_8_STAGES = ("_laterality,_stated_specific,_stated_with,_trimester,_document_title,_same_reading,"
                  "_unspecified_covered,_with_over_without,_current_malignancy_stated,_tobacco_product")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--without", default=ISSUE_8_STAGES)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--notes", type=int, default=60, help="notes of each set")
    args = ap.parse_args()
    coder = Coder.load()
    sets = (ROOT.parent / "shared/data/codiesp/dev/text_files_en", ROOT / "tests/fixtures/realdocs/notes")
    notes = [p.read_text(encoding="utf-8") for d in sets for p in sorted(d.glob("*.txt"))[: args.notes]]
    stages = list(rules.STAGES)
    left_out = set(args.without.split(","))
    spent: collections.Counter[str] = collections.Counter()

    def timed(stage):
        def run(state):
            t0 = time.perf_counter()
            stage(state)
            spent[stage.__name__] += time.perf_counter() - t0
        return run

    def per_note(subset) -> float:
        rules.STAGES[:] = subset
        t0 = time.perf_counter()
        for note in notes:
            coder.code(note, CodeOptions(language="en"))
        return (time.perf_counter() - t0) / len(notes) * 1000

    per_note([timed(s) for s in stages])
    spent.clear()
    per_note([timed(s) for s in stages])
    for name, seconds in spent.most_common():
        print(f"{name:30s} {seconds / len(notes) * 1000:6.2f} ms/note")
    without = [s for s in stages if s.__name__ not in left_out]
    a, b = [], []
    for _ in range(args.runs):
        a.append(per_note(without))
        b.append(per_note(stages))
    rules.STAGES[:] = stages
    print(f"{len(notes)} notes: without {statistics.median(a):.1f} ms/note, with {statistics.median(b):.1f} ms/note, "
          f"ratio {statistics.median(b) / statistics.median(a):.3f}")


if __name__ == "__main__":
    main()
