"""`codify eval`: score a model on gold codes in CodiEsp format and print JSON."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

from . import _coder


def register(subparsers) -> None:
    p = subparsers.add_parser("eval", help="score a model on gold data (CodiEsp format)")
    p.add_argument("--notes", type=Path, required=True, help="folder of <id>.txt notes")
    p.add_argument("--gold", type=Path, required=True, help="TSV: id<TAB>code")
    _coder.add_options(p)
    p.add_argument("--limit", type=int, default=None, help="first N notes only (sorted by id)")
    p.add_argument("--per-code", type=int, default=25, help="how many per-code rows to report")
    p.set_defaults(func=run)


def run(args) -> int:
    from codify_build.evaluation import evaluate
    from codify_coder.training.codiesp import note_files, read_gold
    from codify_coder.types import CodeOptions
    from tqdm import tqdm

    coder = _coder.load(args.model)
    options = CodeOptions(language=args.language, setting=args.setting)
    notes = note_files(args.notes)
    gold = read_gold(args.gold)
    notes = [p for p in notes if p.stem in gold][: args.limit]
    report = evaluate(lambda text: coder.code(text, options), notes, gold,
                      progress=lambda it: tqdm(it, file=sys.stderr, unit="note"), per_code_top=args.per_code)
    out = {
        "model": asdict(coder.model),
        "notes": report.notes,
        "language": args.language,
        "setting": args.setting,
        "map": round(report.scores.map, 4),
        "micro": {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(report.scores).items() if k != "map"},
        "map_3char": round(report.scores_3char.map, 4),
        "micro_3char": {k: round(v, 4) if isinstance(v, float) else v
                        for k, v in asdict(report.scores_3char).items() if k != "map"},
        "calibration": report.calibration,
        "median_ms_per_note": round(report.median_ms, 2),
        "per_code": report.per_code,
    }
    print(json.dumps(out, indent=2))
    return 0
