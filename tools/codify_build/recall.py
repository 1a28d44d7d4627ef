"""Candidate recall on CodiEsp-format data (a development measurement, not used at run time):

    python -m codify_build.recall --notes DIR --gold TSV --language es [--terminology DIR]

Prints JSON (counts, recall and timings; never note text).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter
from pathlib import Path

from codify_coder.candidates import CandidateGenerator, clause_mentions
from codify_coder.pipeline import ASSETS_DIR
from codify_coder.terminology import Terminology
from codify_coder.training.codiesp import read_gold
from codify_coder.types import Understanding
from codify_coder.understand import analyze


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="candidate recall on CodiEsp-format notes")
    ap.add_argument("--notes", type=Path, required=True)
    ap.add_argument("--gold", type=Path, required=True)
    ap.add_argument("--language", choices=["en", "es"], required=True)
    ap.add_argument("--terminology", type=Path, default=ASSETS_DIR / "terminology")
    ap.add_argument("--mentions", choices=["understand", "clauses"], default="understand")
    ap.add_argument("--misses", type=Path, help="write missed gold codes (code, description) here")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    term = Terminology.load(args.terminology)
    gen = CandidateGenerator(term)
    load_s = time.perf_counter() - t0
    gold = read_gold(args.gold)
    hit = hit7 = total = n_cand = 0
    misses: list[str] = []
    cpu: list[float] = []
    times = []
    for doc in sorted(gold):
        text = (args.notes / f"{doc}.txt").read_text(encoding="utf-8")
        if args.mentions == "understand":
            und = analyze(text, args.language)
        else:
            und = Understanding(language=args.language, sentences=(), mentions=clause_mentions(text))
        t, c = time.perf_counter(), time.process_time()
        cands = gen.generate(text, und)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        codes = {c.code for c in cands}
        n_cand += len(codes)
        for g in gold[doc]:
            total += 1
            if g in codes:
                hit += 1
            else:
                misses.append(g)
            # a 7th-character code counts as found when its base family is a candidate (rules add the 7th)
            base = g.replace("X", "").rstrip(".")
            if g in codes or (len(g) == 8 and any(c.replace("X", "") in (base[:-1], g[:-1]) for c in codes)):
                hit7 += 1
    if args.misses:
        lines = [f"{n}\t{c}\t{term.description(c) or '?'}" for c, n in Counter(misses).most_common()]
        args.misses.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(
        json.dumps(
            {
                "mentions": args.mentions,
                "notes": len(gold),
                "gold_codes": total,
                "candidate_recall": round(hit / total, 4),
                "candidate_recall_7th_family": round(hit7 / total, 4),
                "distinct_candidate_codes_per_note": round(n_cand / len(gold), 1),
                "candidates_ms_median": round(statistics.median(times), 2),
                "candidates_ms_p95": round(sorted(times)[int(0.95 * len(times))], 2),
                "candidates_cpu_ms_median": round(statistics.median(cpu), 2),
                "load_s": round(load_s, 3),
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
