"""`codify code FILE|DIR…`: code notes in-process (no AWS) and print the API response body."""

from __future__ import annotations

import sys
from pathlib import Path

from . import _coder
from ._common import FAILED, INPUT, BoundedInt, CliError, add_format, emit, existing_path, read_text

SUFFIXES = (".txt", ".pdf", ".md", ".text")


def register(subparsers) -> None:
    p = subparsers.add_parser("code", help="code clinical notes (text or PDF files, or folders of them)",
                              description="Code notes in-process (no AWS) and print the API's response body "
                              "for each, with the file it came from.")  # fmt: skip
    p.add_argument("paths", nargs="+", type=existing_path, metavar="FILE|DIR",
                   help=f"UTF-8 text or PDF files; a folder codes its {', '.join(SUFFIXES)} files")  # fmt: skip
    _coder.add_options(p)
    p.add_argument("--min-confidence", action=BoundedInt, api_field="min_confidence", default=0, metavar="N",
                   help="final codes below N (range {range}, as the API) are discarded low_confidence")  # fmt: skip
    p.add_argument("--max-codes", action=BoundedInt, api_field="max_codes", default=None, metavar="N",
                   help="keep at most N final codes (range {range}, as the API); default: no limit")  # fmt: skip
    p.add_argument("--no-discarded", action="store_true", help="omit discarded_assessments")
    add_format(p, "json", "json: a list with one result per file ({\"file\", ...the API body}); "
               "jsonl: the same results, one per line, printed as each file is coded; "
               "table: final codes, then discarded ones with their reason")  # fmt: skip
    p.set_defaults(func=run)


def _files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES))
        else:
            files.append(path)
    return files


def _document(path: Path):
    from codify_coder.types import Document

    if path.suffix.lower() == ".pdf":
        from codify_coder.extract import PdfLimits, extract_pdf

        try:
            return extract_pdf(path.read_bytes(), PdfLimits())
        except Exception as exc:  # noqa: BLE001 - the extractor's refusals carry a message safe to show
            raise CliError(f"{path}: {getattr(exc, 'message', None) or type(exc).__name__}", INPUT) from None
    text = read_text(path)
    if not text.strip():
        raise CliError(f"{path}: empty note", INPUT)  # the API refuses it too
    return Document(text=text)


def _table(records):
    for body in records:
        yield f"# {body['file']}"
        for a in body["final_assessments"]:
            yield f"{a['code']:<10} {a['confidence']:>3}  {a['description']}"
        for d in body["discarded_assessments"]:
            yield f"  -{d['code']:<8} {d['confidence']:>3}  {d['reason']}"


def run(args) -> int:
    from codify_coder.serialize import response_body
    from codify_coder.types import CodeOptions
    from common.ids import new_run_id, now_iso  # the API's run id and timestamp formats

    files = _files(args.paths)
    if not files:
        raise CliError(f"no {'/'.join(SUFFIXES)} files in {', '.join(map(str, args.paths))}", INPUT)
    coder = _coder.load(args.model)
    options = CodeOptions(
        language=args.language, setting=args.setting, include_discarded=not args.no_discarded,
        max_codes=args.max_codes, min_confidence=args.min_confidence,
    )
    from tqdm import tqdm

    iterator = tqdm(files, file=sys.stderr, unit="note") if len(files) > 1 else files

    def complain(line: str) -> None:
        tqdm.write(line, file=sys.stderr)  # above a progress bar, not through it (plain print without one)

    records = []
    status = 0
    for path in iterator:
        # A bad file is reported on one line and skipped; the others are still coded. The exit status is
        # the highest of the files' (3 input error, 1 coding failed).
        try:
            document = _document(path)
        except CliError as exc:
            complain(f"codify code: {exc}")
            status = max(status, exc.exit_code)
            continue
        try:
            result = coder.code(document, options)
        except Exception as exc:  # noqa: BLE001 - one note's failure must not lose the others' results
            complain(f"codify code: {path}: coding failed ({type(exc).__name__})")
            status = max(status, FAILED)
            continue
        body = response_body(result, document, run_id=new_run_id(), created_at=now_iso())
        record = {"file": str(path), **body}
        if args.format == "jsonl":
            emit("jsonl", [record], _table)  # as each note is coded: a long run streams
            sys.stdout.flush()
        else:
            records.append(record)
    if args.format != "jsonl":
        emit(args.format, records, _table)
    return status
