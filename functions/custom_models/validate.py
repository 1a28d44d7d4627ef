"""The check of a center's training data before any training: one pass over the JSONL file's lines.

Every refusal names the rule and the line, never a value from the file (a note's text, or a field that may
hold text); well-formed codes may be named, since a code cannot carry note text. The codes' membership in
ICD-10-CM FY2026 is asked through `known`, so this module needs neither the terminology nor AWS.

The coder's own reader (codify_coder.training.train) parses the same file again when it trains; this check
exists because its errors are for `codify train` users, while an API client needs one of a fixed set of
reasons it can act on (the rule, the line, the minimum), before minutes of training are spent.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .schema import MAX_TRAINING_BYTES, MIN_TRAINING_NOTES

# An ICD-10 code as centers write it: letter, digit, letter or digit, then an optional dot and up to four
# characters (CIE-10-ES writes them lower case, and CodiEsp without the dot).
ICD10_SHAPE = re.compile(r"^[A-Za-z][0-9][0-9A-Za-z](?:\.?[0-9A-Za-z]{1,4})?$")
LANGUAGES = ("auto", "en", "es")


class TrainingDataInvalid(Exception):
    """The data cannot train a model: `code` is the rule, `message` is safe to return to the client."""

    def __init__(self, code: str, message: str, line: int | None = None) -> None:
        self.code, self.message, self.line = code, message, line
        super().__init__(message)


@dataclass
class TrainingDataReport:
    notes: int = 0
    codes: set[str] = field(default_factory=set)
    code_mentions: int = 0
    unknown_codes: set[str] = field(default_factory=set)
    languages: set[str] = field(default_factory=set)
    bytes: int = 0


def canonical(code: str) -> str:
    """As the terminology writes it: "e1122" / "E11.22" -> "E11.22"."""
    c = code.strip().upper().replace(".", "")
    return c if len(c) <= 3 else f"{c[:3]}.{c[3:]}"


def _codes(value: object, text_length: int, line: int) -> list[str]:
    """The note's codes: a list of strings, or of {"code", "spans": [[start, end], ...]} objects."""
    if not isinstance(value, list):
        raise TrainingDataInvalid(
            "missing_field",
            f"line {line}: 'codes' must be a list of codes (strings, or objects with 'code' and 'spans')",
            line,
        )
    out = []
    for i, item in enumerate(value, start=1):
        if isinstance(item, dict):
            code, spans = item.get("code"), item.get("spans", [])
            if not isinstance(spans, list) or not all(
                isinstance(s, list) and len(s) == 2 and all(isinstance(x, int) for x in s)
                and 0 <= s[0] < s[1] <= text_length
                for s in spans
            ):
                raise TrainingDataInvalid(
                    "invalid_span",
                    f"line {line}: code #{i}: 'spans' must be [start, end] pairs of character offsets inside "
                    "the text",
                    line,
                )
        else:
            code = item
        if not isinstance(code, str) or not ICD10_SHAPE.match(code.strip()):
            raise TrainingDataInvalid(
                "invalid_code",
                f"line {line}: code #{i} is not an ICD-10 code (a letter, a digit, a letter or digit, then "
                "an optional dot and up to 4 letters or digits)",
                line,
            )
        out.append(canonical(code))
    return out


def check_training_data(
    lines: Iterable[bytes],
    *,
    known: Callable[[str], bool],
    allow_unknown_codes: bool,
    min_notes: int = MIN_TRAINING_NOTES,
    max_bytes: int = MAX_TRAINING_BYTES,
) -> TrainingDataReport:
    """Raises TrainingDataInvalid at the first problem; returns what the data holds otherwise."""
    report = TrainingDataReport()
    seen_text: dict[str, int] = {}
    seen_id: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        report.bytes += len(raw)
        if report.bytes > max_bytes:
            raise TrainingDataInvalid("too_large", f"the file is over {max_bytes:,} bytes")
        if not raw.strip():
            continue
        try:
            record = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise TrainingDataInvalid("not_utf8", f"line {number}: not UTF-8", number) from None
        except json.JSONDecodeError:
            raise TrainingDataInvalid(
                "not_jsonl",
                f"line {number}: not a JSON object (JSONL: one {{\"text\": ..., \"codes\": [...]}} per line)",
                number,
            ) from None
        if not isinstance(record, dict):
            raise TrainingDataInvalid(
                "not_jsonl", f"line {number}: not a JSON object (JSONL: one object per line)", number
            )
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            raise TrainingDataInvalid(
                "missing_field", f"line {number}: needs a non-empty string field 'text'", number
            )
        if "codes" not in record:
            raise TrainingDataInvalid("missing_field", f"line {number}: needs a field 'codes'", number)
        codes = _codes(record["codes"], len(text), number)
        language = record.get("language", "auto")
        if language not in LANGUAGES:
            raise TrainingDataInvalid(
                "invalid_language", f"line {number}: 'language' must be one of {', '.join(LANGUAGES)}", number
            )
        note_id = record.get("id")
        if note_id is not None:
            if not isinstance(note_id, (str, int)):
                raise TrainingDataInvalid("missing_field", f"line {number}: 'id' must be a string", number)
            if str(note_id) in seen_id:
                raise TrainingDataInvalid(
                    "duplicate_note", f"line {number}: same 'id' as line {seen_id[str(note_id)]}", number
                )
            seen_id[str(note_id)] = number
        digest = hashlib.sha256(text.strip().encode("utf-8")).hexdigest()
        if digest in seen_text:
            raise TrainingDataInvalid(
                "duplicate_note", f"line {number}: same text as line {seen_text[digest]}", number
            )
        seen_text[digest] = number
        report.notes += 1
        report.code_mentions += len(codes)
        report.codes.update(codes)
        report.languages.add(language)
    if report.notes < min_notes:
        raise TrainingDataInvalid(
            "too_few_notes", f"{report.notes} notes: a model needs at least {min_notes} coded notes"
        )
    if not report.codes:
        raise TrainingDataInvalid("no_codes", "no note has a code: nothing to learn")
    report.unknown_codes = {c for c in report.codes if not known(c)}
    if report.unknown_codes and not allow_unknown_codes:
        examples = ", ".join(sorted(report.unknown_codes)[:5])
        raise TrainingDataInvalid(
            "unknown_codes",
            f"{len(report.unknown_codes)} of {len(report.codes)} codes are not ICD-10-CM FY2026 codes "
            f"(e.g. {examples}); fix them, or send \"code_system\": \"training_data\" to keep the center's own "
            "codes",
        )
    return report
