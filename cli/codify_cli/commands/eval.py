"""`codify eval`: score a model on gold codes in CodiEsp format and print the report."""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import asdict

from . import _coder
from ._common import FAILED, INPUT, BoundedInt, CliError, add_format, emit, existing_dir, existing_path


def register(subparsers) -> None:
    p = subparsers.add_parser("eval", help="score a model on gold data (CodiEsp format)",
                              description="Code every note that has gold codes and report MAP (as CodiEsp "
                              "defines it), micro precision/recall/F1, calibration and the worst codes.")  # fmt: skip
    p.add_argument("--notes", type=existing_dir, required=True, metavar="DIR",
                   help="folder of <id>.txt notes (UTF-8)")  # fmt: skip
    p.add_argument("--gold", type=existing_path, required=True, metavar="TSV",
                   help="gold codes, one per line: id<TAB>code")  # fmt: skip
    _coder.add_options(p)
    p.add_argument("--limit", action=BoundedInt, bounds=(1, None), default=None, metavar="N",
                   help="first N notes with gold codes only, sorted by id ({range})")  # fmt: skip
    p.add_argument("--per-code", action=BoundedInt, bounds=(0, None), default=25, metavar="N",
                   help="how many per-code rows (most errors first) to report ({range}; default 25)")  # fmt: skip
    add_format(p, "json", "json: the report object; jsonl: the report on one line; "
               "table: the scores and per-code rows as text")  # fmt: skip
    p.set_defaults(func=run)


def _table(records):
    r = records[0]
    read_as = ", ".join(f"{lang} {n}" for lang, n in r["languages"].items())
    yield f"model {r['model']['id']} {r['model']['version']}  notes {r['notes']}  language {r['language']}  " \
          f"setting {r['setting']}  median {r['median_ms_per_note']} ms/note  read as {read_as}"  # fmt: skip
    yield f"{'':<10} {'MAP':>6} {'P':>6} {'R':>6} {'F1':>6}"
    for label, m, micro in (("full code", r["map"], r["micro"]), ("3 chars", r["map_3char"], r["micro_3char"])):
        yield f"{label:<10} {m:>6.3f} {micro['precision']:>6.3f} {micro['recall']:>6.3f} {micro['f1']:>6.3f}"
    ece = r["calibration"].get("ece") if isinstance(r["calibration"], dict) else None
    if ece is not None:
        yield f"ECE {ece:.3f}"
    if r["per_code"]:
        yield f"{'code':<10} {'tp':>4} {'fp':>4} {'fn':>4}"
        for row in r["per_code"]:
            yield f"{row['code']:<10} {row['tp']:>4} {row['fp']:>4} {row['fn']:>4}"


def run(args) -> int:
    from codify_build.evaluation import evaluate
    from codify_coder.training.codiesp import note_files, read_gold
    from codify_coder.types import CodeOptions
    from tqdm import tqdm

    try:
        gold = read_gold(args.gold)
    except UnicodeDecodeError:
        raise CliError(f"{args.gold}: not UTF-8 text", INPUT) from None
    notes = [p for p in note_files(args.notes) if p.stem in gold][: args.limit]
    if not notes:
        raise CliError(f"no <id>.txt in {args.notes} has a line in {args.gold}", INPUT)
    coder = _coder.load(args.model)
    options = CodeOptions(language=args.language, setting=args.setting)
    current: list = [None]
    languages: Counter[str] = Counter()  # the language each note was read in (detected with --language auto)

    def code(text: str):
        result = coder.code(text, options)
        languages[result.language] += 1
        return result

    def progress(paths):
        # evaluate() reads each note itself: remember which one, to name it if it is not UTF-8.
        for path in tqdm(paths, file=sys.stderr, unit="note"):
            current[0] = path
            yield path

    try:
        report = evaluate(code, notes, gold, progress=progress, per_code_top=args.per_code)
    except UnicodeDecodeError:
        raise CliError(f"{current[0]}: not UTF-8 text", INPUT) from None
    except Exception as exc:  # a coder failure ends the evaluation with one line
        raise CliError(f"{current[0]}: coding failed ({type(exc).__name__})", FAILED) from exc
    out = {
        "model": asdict(coder.model),
        "notes": report.notes,
        "language": args.language,
        "languages": dict(sorted(languages.items())),
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
    emit(args.format, [out], _table, single=True)
    return 0
