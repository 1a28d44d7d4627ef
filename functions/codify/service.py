"""The codify use case: code one note, audit the run, replay an idempotent retry; and the read routes.

It depends on ports only (ports.py: runs, models, staging and OCR through PdfInput, idempotency; and
common.coder.CoderPort), never on boto3 or Powertools' idempotency; app.py wires the AWS implementations
from repositories.py and the unit tests wire in-memory fakes.

Every codify call that got past authentication leaves exactly one audit record, written by `_audit`:
after a success (before the idempotency record is saved, so a retry can never replay an unaudited run),
after a failure inside the use case, and, through `reject`, for a request refused before it ran.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from codify_coder.deadline import Deadline
from codify_coder.types import CodeOptions, CodingResult, Document
from common import deadline as request_deadline
from common.caller import Caller
from common.coder import CoderPort, get_coder
from common.deadline import AUDIT_WINDOW_SECONDS
from common.errors import ApiError, IdempotencyConflict, NotFound, to_api_error
from common.ids import new_run_id, now_iso
from common.observability import logger, metrics, tracer

from .models import CodifyRequest, CodifyResponse, RunCode, RunEvidence, RunRecord, RunsPage
from .pdf_input import FirstRun, PdfInput, PdfIntake
from .ports import IdempotencyStore, ModelStore, ReplayRef, RunsFilter, RunsRepository

DEFAULT_MODEL = "default"

__all__ = ["Caller", "CodifyCommand", "CodifyService", "Run", "Tracking"]


@dataclass(frozen=True)
class Tracking:
    doctor_id: str | None = None
    patient_id: str | None = None
    encounter_id: str | None = None


@dataclass(frozen=True)
class CodifyCommand:
    """One POST /v1/codify, as the handler parsed it."""

    caller: Caller
    request: CodifyRequest
    tracking: Tracking = Tracking()
    idempotency_key: str | None = None


@dataclass
class Run:
    """What is known about one run so far; becomes its audit record whatever the outcome."""

    caller: Caller
    tracking: Tracking
    idempotency_key: str | None = None
    input_type: str | None = None
    setting: str | None = None
    model_id: str | None = None
    run_id: str = field(default_factory=new_run_id)
    created_at: str = field(default_factory=now_iso)
    started: float = field(default_factory=time.perf_counter)
    # what the input turned out to be
    input_bytes: int | None = None
    input_sha256: str | None = None
    input_file_sha256: str | None = None
    input_characters: int | None = None
    input_s3_key: str | None = None
    input_warnings: list[str] = field(default_factory=list)
    pages: int | None = None
    # what coding it gave
    model_version: str | None = None
    language: str | None = None
    final_codes: list[RunCode] = field(default_factory=list)
    discarded_codes: list[RunCode] = field(default_factory=list)

    @classmethod
    def of(cls, command: CodifyCommand) -> Run:
        request = command.request
        return cls(
            command.caller,
            command.tracking,
            command.idempotency_key,
            input_type="text" if request.text is not None else "pdf" if request.pdf is not None else "upload",
            setting=request.setting,
            model_id=request.model,
        )

    def took_pdf(self, intake: PdfIntake) -> None:
        self.input_bytes = intake.input_bytes
        self.input_file_sha256 = intake.file_sha256
        self.input_s3_key = intake.staged_key
        self.pages = intake.pages
        self.input_warnings = list(intake.warnings)

    def took_document(self, document: Document, source_bytes: int) -> None:
        self.input_sha256 = hashlib.sha256(document.text.encode("utf-8")).hexdigest()
        self.input_bytes = source_bytes
        self.input_characters = len(document.text)

    def coded(self, result: CodingResult, response: CodifyResponse) -> None:
        self.language = result.language
        self.pages = response.input.pages
        # Why each code was decided, for an auditor holding the note: rule ids and where (never the words).
        self.final_codes = [
            RunCode(
                code=a.code, confidence=a.confidence, rule=a.rule or None, guideline=a.guideline,
                evidence=[RunEvidence(start=e.start, end=e.end, page=e.page) for e in a.evidence],
            )
            for a in result.final_assessments
        ]  # fmt: skip
        self.discarded_codes = [
            RunCode(
                code=d.code, confidence=d.confidence, reason=d.reason, rule=d.rule or None, guideline=d.guideline,
                evidence=[RunEvidence(start=e.start, end=e.end, page=e.page) for e in d.evidence],
            )
            for d in result.discarded_assessments
        ]  # fmt: skip

    def record(self, error: ApiError | None) -> RunRecord:
        key_hash = hashlib.sha256(self.idempotency_key.encode()).hexdigest() if self.idempotency_key else None
        return RunRecord(
            run_id=self.run_id,
            tenant=self.caller.tenant,
            created_at=self.created_at,
            status="failed" if error else "succeeded",
            http_status=error.status if error else 200,
            error_code=error.code if error else None,
            error_reason=error.reason if error else None,
            request_id=self.caller.request_id,
            token_name=self.caller.token_name,
            doctor_id=self.tracking.doctor_id,
            patient_id=self.tracking.patient_id,
            encounter_id=self.tracking.encounter_id,
            input_type=self.input_type,
            input_sha256=self.input_sha256,
            input_file_sha256=self.input_file_sha256,
            input_bytes=self.input_bytes,
            input_characters=self.input_characters,
            input_s3_key=self.input_s3_key,
            input_warnings=self.input_warnings,
            pages=self.pages,
            language=self.language,
            setting=self.setting,
            model_id=self.model_id,
            model_version=self.model_version,
            final_codes=self.final_codes,
            discarded_codes=self.discarded_codes,
            latency_ms=round((time.perf_counter() - self.started) * 1000),
            idempotency_key_sha256=key_hash,
        )


class CodifyService:
    def __init__(
        self,
        *,
        runs: RunsRepository,
        models: ModelStore,
        pdf: PdfInput,
        idempotency: IdempotencyStore,
        coder: Callable[[], CoderPort] | None = None,
    ) -> None:
        self.runs = runs
        self.models = models
        self.pdf = pdf
        self.idempotency = idempotency
        self._coder = coder

    # ------------------------------------------------------------------ codify
    @tracer.capture_method(capture_response=False, capture_error=False)  # never note text in traces
    def codify(self, command: CodifyCommand, lambda_context: Any = None) -> CodifyResponse:
        run = Run.of(command)
        try:
            if command.idempotency_key is None:
                return self._run(command.request, run)
            outcome = self.idempotency.once(
                tenant=command.caller.tenant,
                key=command.idempotency_key,
                fingerprint=_fingerprint(command.request),
                produce=lambda: self._run(command.request, run),
                lambda_context=lambda_context,
            )
            if isinstance(outcome, ReplayRef):
                return self._replay(command, run, outcome)
            return outcome
        except Exception as exc:  # noqa: BLE001 (every failure is answered through the one error map)
            error = to_api_error(exc)
            self._audit(run, error)
            raise error from None

    def reject(
        self, caller: Caller, tracking: Tracking, idempotency_key: str | None, error: ApiError
    ) -> None:
        """A request refused before the use case ran (validation): still one audit record."""
        self._audit(Run(caller, tracking, idempotency_key), error)

    def _run(self, request: CodifyRequest, run: Run) -> CodifyResponse:
        response, result = self._code(request, run)
        self._audit(run, None)
        metrics.add_metric(name="CodesReturned", unit=MetricUnit.Count, value=len(result.final_assessments))
        logger.info(
            "coded",
            extra={
                "run_id": run.run_id,
                "input_type": run.input_type,
                "input_bytes": run.input_bytes,
                # No hash of the note: an unkeyed sha256 of a short note can be confirmed by guessing. The
                # run id joins this line to the audit record.
                "final_codes": len(result.final_assessments),
                "discarded_codes": len(result.discarded_assessments),
            },
        )
        return response

    def _replay(self, command: CodifyCommand, run: Run, ref: ReplayRef) -> CodifyResponse:
        """The same run: its id and time, recoded (deterministic); its audit record already exists."""
        metrics.add_metric(name="IdempotentReplay", unit=MetricUnit.Count, value=1)
        logger.info("idempotent replay", extra={"run_id": ref.run_id})
        replay = Run.of(command)
        replay.run_id, replay.created_at = ref.run_id, ref.created_at
        try:  # the first run's audit record says what it coded and with which model
            first = self.runs.get(command.caller.tenant, ref.run_id)
        except NotFound:
            raise IdempotencyConflict(
                "The first run of this Idempotency-Key has no audit record; send a new key.",
                reason="first_run_missing",
            ) from None
        return self._code(command.request, replay, first)[0]

    def _code(
        self, request: CodifyRequest, run: Run, first: RunRecord | None = None
    ) -> tuple[CodifyResponse, CodingResult]:
        """Code the request's document, noting on the run what is learned; writes nothing but staged PDFs.
        PDF extraction, OCR and coding share the request's deadline (common.deadline). A replay (`first`, the
        first run's record) is pinned to that run: the same model version and the same file, or a 409."""
        from codify_coder.serialize import response_body

        deadline = request_deadline.current()
        coder = (self._coder or get_coder)()
        if request.model != DEFAULT_MODEL:
            coder = self.models.coder_for(run.caller.tenant, request.model, coder)
        if first is not None and first.model_version and coder.model.version != first.model_version:
            raise IdempotencyConflict(
                f"The first request with this Idempotency-Key was coded with model version "
                f"{first.model_version}, which is no longer served; send a new key to code it again.",
                reason="model_changed",
            )
        document = self._document(request, run, deadline, first)
        run.model_version = coder.model.version
        options = CodeOptions(
            language=request.language,
            setting=request.setting,
            include_discarded=request.include_discarded,
            max_codes=request.max_codes,
            min_confidence=request.min_confidence,
        )
        started = time.perf_counter()
        result = coder.code(document, options, deadline=deadline)
        metrics.add_metric(
            name="CodingLatency",
            unit=MetricUnit.Milliseconds,
            value=round((time.perf_counter() - started) * 1000, 1),
        )
        response = CodifyResponse.model_validate(
            response_body(result, document, run_id=run.run_id, created_at=run.created_at)
        )
        # A custom model is named as the tenant selected it (its folder in the models store, as listed by
        # GET /v1/models and audited), whatever id its manifest was trained under.
        response.model.id = request.model
        run.coded(result, response)
        return response, result

    def _document(
        self, request: CodifyRequest, run: Run, deadline: Deadline, first: RunRecord | None = None
    ) -> Document:
        if request.text is not None:
            document = Document(text=request.text)
            run.took_document(document, len(request.text.encode("utf-8")))
            return document
        intake = self.pdf.intake(
            tenant=run.caller.tenant,
            run_id=run.run_id,
            pdf=request.pdf_bytes,
            upload_id=request.upload_id,
            deadline=deadline,
            first=None if first is None else FirstRun(first.input_s3_key, first.input_file_sha256),
        )
        run.took_pdf(intake)
        if intake.refusal is not None:
            raise intake.refusal
        assert intake.document is not None and intake.input_bytes is not None
        run.took_document(intake.document, intake.input_bytes)
        return intake.document

    def _audit(self, run: Run, error: ApiError | None) -> None:
        """The one place an audit record is written. A record is never overwritten (conditional put), so a
        failure after the success record was written cannot replace it.

        The write gets its own short window past the request's deadline (common.deadline: the margin is kept
        for it), so a run that ran out of time is still audited as failed. A write that fails is counted
        (`AuditWriteFailed`, alarmed in template.yaml) and, for a success, answered as the write's error
        (503 when DynamoDB is throttling or down): never a 200 without its record."""
        try:
            with request_deadline.bound(request_deadline.audit_window(AUDIT_WINDOW_SECONDS)):
                self.runs.put(run.record(error))
        except Exception as exc:
            if error is None and self._written(run):
                return  # the write's reply was lost, retries ran out, but the record is there
            metrics.add_metric(name="AuditWriteFailed", unit=MetricUnit.Count, value=1)
            logger.error("audit write failed", extra={"run_id": run.run_id, "error_type": type(exc).__name__})
            if error is None:
                raise  # a run that cannot be audited is not answered as a success
            # never hide the original error behind an audit failure
        if error is not None:
            metrics.add_metric(name=f"Error{error.status}", unit=MetricUnit.Count, value=1)

    def _written(self, run: Run) -> bool:
        """Whether the success record of a run whose write failed is in the table after all (a PutItem that
        reached DynamoDB but whose reply was lost, and whose retries did not get to read it back)."""
        try:
            with request_deadline.bound(request_deadline.audit_window(AUDIT_WINDOW_SECONDS)):
                return self.runs.get(run.caller.tenant, run.run_id).status == "succeeded"
        except Exception:  # noqa: BLE001 (not found, or the table is down: it was not written as far as we know)
            return False

    # ------------------------------------------------------------------ other routes
    def get_run(self, caller: Caller, run_id: str) -> RunRecord:
        return self.runs.get(caller.tenant, run_id)

    def list_runs(self, caller: Caller, runs_filter: RunsFilter) -> RunsPage:
        """The caller's tenant's runs, newest first (the tenant is never taken from the request)."""
        records, cursor = self.runs.query(caller.tenant, runs_filter)
        return RunsPage(runs=records, next_cursor=cursor)


def _fingerprint(request: CodifyRequest) -> str:
    return hashlib.sha256(json.dumps(request.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()
