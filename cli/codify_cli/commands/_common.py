"""What every subcommand shares: exit codes, the one-line error, value checks and output formats."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

# Exit codes (documented in `codify --help` and the README).
OK = 0
FAILED = 1  # coding, evaluation or training failed, or a token was not found
USAGE = 2  # the command line is wrong (argparse uses 2 too): option, value out of range, missing path
INPUT = 3  # an input exists but cannot be used: not UTF-8, not a PDF we can read, malformed data
ASSET = 4  # terminology or model not built (or built by another version), build dependency missing

EXIT_CODES = (
    (OK, "success"),
    (FAILED, "coding, evaluation or training failed (or: no such token)"),
    (USAGE, "usage error: unknown option, value out of range, a path that does not exist"),
    (INPUT, "input error: a file is not UTF-8, a PDF cannot be read, training data is malformed"),
    (ASSET, "missing asset: terminology or model not built (run `make assets`), or a build dependency"),
)

FORMATS = ("json", "jsonl", "table")


class CliError(Exception):
    """An expected failure: `main` prints `codify CMD: message` on stderr and exits with `exit_code`."""

    def __init__(self, message: str, exit_code: int = FAILED) -> None:
        super().__init__(message)
        self.exit_code = exit_code


# ------------------------------------------------------------------ values
@cache
def api_bounds(field: str) -> tuple[int | None, int | None]:
    """(minimum, maximum) of a CodifyRequest field: the CLI enforces the API's ranges without copying
    them. Imported on first use only: the API models pull in pydantic (a visible start-up cost)."""
    from codify.models import CodifyRequest

    low = high = None
    for item in CodifyRequest.model_fields[field].metadata:
        low = getattr(item, "ge", low)
        high = getattr(item, "le", high)
    return low, high


def _range_text(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"{low}-{high}"
    return f">= {low}" if low is not None else f"<= {high}"


class BoundedInt(argparse.Action):
    """An integer option whose range is `bounds` (static) or the API field `api_field`'s (read lazily,
    for the check and for the help text alike)."""

    def __init__(self, option_strings, dest, *, bounds: tuple[int | None, int | None] | None = None,
                 api_field: str | None = None, **kwargs) -> None:  # fmt: skip
        self._bounds, self._api_field = bounds, api_field
        super().__init__(option_strings, dest, **kwargs)

    @property
    def bounds(self) -> tuple[int | None, int | None]:
        return api_bounds(self._api_field) if self._api_field else (self._bounds or (None, None))

    # argparse reads `help` only when it prints help: the range is filled in then.
    @property
    def help(self) -> str | None:
        if self._help is None:
            return None
        return self._help.replace("{range}", _range_text(*self.bounds))

    @help.setter
    def help(self, value: str | None) -> None:
        self._help = value

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        low, high = self.bounds
        try:
            number = int(values)
        except ValueError:
            raise argparse.ArgumentError(self, f"not an integer: {values!r}") from None
        if (low is not None and number < low) or (high is not None and number > high):
            raise argparse.ArgumentError(self, f"must be {_range_text(low, high)}, got {number}")
        setattr(namespace, self.dest, number)


def existing_path(value: str) -> Path:
    """argparse type: a path that exists (a missing one is a usage error, exit 2)."""
    path = Path(value)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"no such file or directory: {value}")
    return path


def existing_dir(value: str) -> Path:
    path = existing_path(value)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"not a directory: {value}")
    return path


def read_text(path: Path) -> str:
    """A UTF-8 text file, or CliError(INPUT) naming the file (never quoting it: notes are PHI)."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CliError(f"{path}: not UTF-8 text (invalid byte at offset {exc.start})", INPUT) from None
    except OSError as exc:
        raise CliError(f"{path}: {exc.strerror or type(exc).__name__}", INPUT) from None


# ------------------------------------------------------------------ output
def add_format(parser: argparse.ArgumentParser, default: str, shapes: str) -> None:
    parser.add_argument("--format", choices=FORMATS, default=default,
                        help=f"output on stdout (default {default}): {shapes}")  # fmt: skip


def emit(fmt: str, records: list[dict[str, Any]], table: Callable[[list[dict[str, Any]]], Iterable[str]],
         *, single: bool = False) -> None:  # fmt: skip
    """json: one document (a list, or the object when `single`); jsonl: one object per line; table: text."""
    if fmt == "json":
        print(json.dumps(records[0] if single else records, ensure_ascii=False, indent=2))
    elif fmt == "jsonl":
        for record in records:
            print(json.dumps(record, ensure_ascii=False))
    else:
        for line in table(records):
            print(line)


def say(line: str) -> None:
    """Progress and notes go to stderr so stdout stays parseable."""
    print(line, file=sys.stderr, flush=True)
