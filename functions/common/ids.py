"""Run ids and timestamps, one format each: the API's responses, the audit records, the tokens table and
`codify code` all use these. Standard library only, so the authorizer and the CLI can import it cheaply."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime


def new_run_id() -> str:
    """`run_` + 32 hex digits (models.RUN_ID_PATTERN)."""
    return f"run_{uuid.uuid4().hex}"


def iso(moment: datetime) -> str:
    """UTC, milliseconds, `Z`: 2026-11-25T10:32:07.123Z."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_iso() -> str:
    return iso(datetime.now(UTC))
