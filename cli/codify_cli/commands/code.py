"""`codify code FILE|DIR…`: code notes in-process (no AWS) and print the API response body."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from . import _coder

SUFFIXES = (".txt", ".pdf", ".md", ".text")


def register(subparsers) -> None:
    p = subparsers.add_parser("code", help="code clinical notes (text or PDF files, or folders of them)")
    p.add_argument("paths", nargs="+", type=Path)
    _coder.add_options(p)
    p.add_argument("--min-confidence", type=int, default=0)
    p.add_argument("--max-codes", type=int, default=None)
    p.add_argument("--no-discarded", action="store_true", help="omit discarded_assessments")
    p.add_argument("--format", choices=("json", "jsonl", "table"), default="json")
    p.set_defaults(func=run)


def _files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES))
        elif path.is_file():
            files.append(path)
        else:
            raise SystemExit(f"codify: no such file or directory: {path}")
    return files


def _document(path: Path):
    from codify_coder.types import Document

    if path.suffix.lower() == ".pdf":
        from codify_coder.extract import PdfLimits, extract_pdf

        return extract_pdf(path.read_bytes(), PdfLimits())
    return Document(text=path.read_text(encoding="utf-8"))


def run(args) -> int:
    from codify_coder.serialize import response_body
    from codify_coder.types import CodeOptions
    from common.ids import new_run_id, now_iso  # the API's run id and timestamp formats

    files = _files(args.paths)
    coder = _coder.load(args.model)
    options = CodeOptions(
        language=args.language, setting=args.setting, include_discarded=not args.no_discarded,
        max_codes=args.max_codes, min_confidence=args.min_confidence,
    )
    iterator = files
    if len(files) > 1:
        from tqdm import tqdm

        iterator = tqdm(files, file=sys.stderr, unit="note")
    bodies = []
    status = 0
    for path in iterator:
        try:
            document = _document(path)
        except Exception as exc:  # noqa: BLE001 - a bad file is reported and skipped; the others are still coded
            print(f"codify: {path}: {getattr(exc, 'message', type(exc).__name__)}", file=sys.stderr)
            status = 1
            continue
        result = coder.code(document, options)
        body = response_body(result, document, run_id=new_run_id(), created_at=now_iso())
        if args.format == "jsonl":
            print(json.dumps({"file": str(path), **body}, ensure_ascii=False), flush=True)
        else:
            bodies.append((path, body))
    if args.format == "json":
        out = bodies[0][1] if len(bodies) == 1 else [{"file": str(p), **b} for p, b in bodies]
        print(json.dumps(out, ensure_ascii=False, indent=2))
    elif args.format == "table":
        for path, body in bodies:
            print(f"# {path}")
            for a in body["final_assessments"]:
                print(f"{a['code']:<10} {a['confidence']:>3}  {a['description']}")
            for d in body["discarded_assessments"]:
                print(f"  -{d['code']:<8} {d['confidence']:>3}  {d['reason']}")
    return status
