"""What the codify use case needs from the outside world, as small Protocols.

The AWS implementations are in `repositories.py` (DynamoDB, S3, Textract, Powertools idempotency); the unit
tests give the use case in-memory fakes. The coder's own port is common.coder.CoderPort.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from common.coder import CoderPort

from .models import CodifyResponse, ModelSummary, RunRecord


@dataclass(frozen=True)
class RunsFilter:
    """GET /v1/runs: at most one of the tracking ids (none: all the tenant's runs), a time range on
    created_at (inclusive, ISO 8601 UTC as the records write it), a page size and the opaque cursor."""

    patient_id: str | None = None
    doctor_id: str | None = None
    encounter_id: str | None = None
    start: str | None = None
    end: str | None = None
    limit: int = 50
    cursor: str | None = None


class RunsRepository(Protocol):
    """RunsTable: one immutable audit record per run."""

    def query(self, tenant: str, runs_filter: RunsFilter) -> tuple[list[RunRecord], str | None]:
        """A page of the tenant's runs, newest first, and the cursor of the next page (None on the last).
        Raises InvalidRequest for a cursor that is not one this query returned."""

    def put(self, record: RunRecord) -> None:
        """Write a new record; never overwrites one (raises if the run id exists)."""

    def get(self, tenant: str, run_id: str) -> RunRecord:
        """The tenant's run; raises NotFound for a missing run and for another tenant's."""


class ModelStore(Protocol):
    """The tenants' custom models."""

    def list(self, tenant: str) -> list[ModelSummary]: ...

    def coder_for(self, tenant: str, model_id: str, base: CoderPort) -> CoderPort:
        """`base` with the tenant's model; raises ModelNotFound."""


class StagingStore(Protocol):
    """The StagingBucket: client uploads and the staged copy of every PDF that is coded."""

    def upload_size(self, tenant: str, upload_id: str) -> int:
        """Size of an upload; raises NotFound when no such upload has arrived for this tenant."""

    def read_upload(self, tenant: str, upload_id: str, max_bytes: int) -> bytes:
        """At most `max_bytes` of the upload (so a larger object shows as larger, never read whole)."""

    def delete_upload(self, tenant: str, upload_id: str) -> None:
        """Best effort: the bucket's lifecycle rule removes it later anyway."""

    def stage_input(self, tenant: str, run_id: str, data: bytes) -> str:
        """Store a run's PDF, encrypted; returns its key."""


class TextRecognizer(Protocol):
    """OCR of a staged PDF."""

    def lines(self, key: str, *, pages: int, timeout: float) -> dict[int, list[str]]:
        """Text lines by 1-based page. Raises OcrFailed."""


class OcrFailed(Exception):
    """The OCR service failed or timed out."""


@dataclass(frozen=True)
class ReplayRef:
    """What the idempotency store keeps of a response: its identity, never its content (evidence spans
    are note text). A replay recodes the same body (the fingerprint matched) under the same run id."""

    run_id: str
    created_at: str
    model_version: str


class IdempotencyStore(Protocol):
    def once(
        self,
        *,
        tenant: str,
        key: str,
        fingerprint: str,
        produce: Callable[[], CodifyResponse],
        lambda_context: Any = None,
    ) -> CodifyResponse | ReplayRef:
        """`produce()` the first time a (tenant, key) is seen; a ReplayRef of that response for a later call
        with the same fingerprint. Raises the store's conflict errors for another fingerprint or a call
        still in progress (common.errors maps them to 409). A failed `produce` does not pin the key."""
