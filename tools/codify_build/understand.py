"""Measure the understand stage on a folder of notes (counts and timings only, never note text):

    python -m codify_build.understand DIR [--limit 50] [--language auto|en|es|ca|gl|eu] [--repeat 9] [--size 4096]

Prints JSON: notes, detected languages, mean sentences and mentions per note, assertion counts, and
analyze() time per note (each note timed `repeat` times, its fastest run kept, so other processes on the
machine disturb the figure less), median and p95 over the notes. With --size N, each note is instead
N characters of consecutive files joined by blank lines (to time fixed-size notes, e.g. 4 KB).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter
from pathlib import Path

from codify_coder.understand import analyze


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m codify_build.understand", description=__doc__.splitlines()[0]
    )
    ap.add_argument("folder", type=Path)
    ap.add_argument("--limit", type=int, default=50, help="first N *.txt files in name order")
    ap.add_argument("--language", choices=["auto", "en", "es", "ca", "gl", "eu"], default="auto")
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--size", type=int, default=0, help="time notes of exactly this many characters")
    args = ap.parse_args(argv)

    files = sorted(args.folder.glob("*.txt"))
    if not files:
        ap.error(f"no .txt files in {args.folder}")
    notes = (
        _sized(files, args.size, args.limit)
        if args.size
        else [p.read_text("utf-8") for p in files[: args.limit]]
    )
    languages: Counter[str] = Counter()
    assertions: Counter[str] = Counter()
    sentences, mentions, chars, times_ms = [], [], [], []
    for text in notes:
        u = analyze(text, args.language)  # warm-up, and the result counted
        best = min(_timed(text, args.language) for _ in range(args.repeat))
        languages[u.language] += 1
        assertions.update(m.assertion for m in u.mentions)
        sentences.append(len(u.sentences))
        mentions.append(len(u.mentions))
        chars.append(len(text))
        times_ms.append(best * 1000)
    times_ms.sort()
    print(
        json.dumps(
            {
                "folder": str(args.folder),
                "notes": len(notes),
                "languages": dict(languages),
                "mean_chars": round(statistics.mean(chars)),
                "mean_sentences": round(statistics.mean(sentences), 1),
                "mean_mentions": round(statistics.mean(mentions), 1),
                "assertions": dict(assertions.most_common()),
                "analyze_ms_median": round(statistics.median(times_ms), 2),
                "analyze_ms_p95": round(times_ms[int(0.95 * (len(times_ms) - 1))], 2),
            },
            indent=1,
        )
    )
    return 0


def _sized(files: list[Path], size: int, limit: int) -> list[str]:
    texts = [p.read_text("utf-8") for p in files]
    notes = []
    for i in range(min(limit, len(texts))):
        parts, n, j = [], 0, i
        while n < size:
            parts.append(texts[j % len(texts)])
            n += len(parts[-1]) + 2
            j += 1
        notes.append("\n\n".join(parts)[:size])
    return notes


def _timed(text: str, language: str) -> float:
    t0 = time.perf_counter()
    analyze(text, language)  # type: ignore[arg-type]
    return time.perf_counter() - t0


if __name__ == "__main__":
    raise SystemExit(main())
