"""A codify request's PDF (inline base64 or `upload_id`) -> a `PdfIntake`: size and type checks, staging,
bounded extraction (codify_coder.extract, with a Deadline), OCR of image-only pages.

Every PDF that is coded is stored at s3://STAGING_BUCKET/tenants/{tenant}/runs/{run_id}/input.pdf with
server-side encryption; the bucket's lifecycle rule expires it after the retention parameter. The intake
reports what it learned (size, staged key, pages, warnings) whatever the outcome, so the use case can audit
a refused PDF as fully as a coded one; a refusal is a value it raises, not an exception thrown through it.

Inline size limit. A synchronous Lambda invocation carries at most 6 MB (6,291,456 bytes) of request
payload, and API Gateway's proxy event wraps the body: headers appear twice (`headers` and
`multiValueHeaders`, at most 10,240 bytes each by API Gateway's header limit), plus `requestContext`
(~2 KB with the authorizer context) and the JSON body's own keys. `EVENT_ENVELOPE_BUDGET` reserves
32,768 bytes for all of that, which leaves 6,258,688 base64 characters = 4,694,016 decoded bytes
(base64 without line breaks). Larger PDFs, up to 5 MB, go through POST /v1/uploads.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

from codify_coder.deadline import Deadline, DeadlineExceeded
from codify_coder.extract import (
    NotPdf,
    PdfLimits,
    PdfNoText,
    PdfRejected,
    PdfTimeout,
    PdfTooLarge,
    extract_pdf,
    is_pdf,
    merge_ocr,
    pages_needing_ocr,
)
from codify_coder.types import Document
from common.errors import ApiError, IdempotencyConflict, ServiceUnavailable
from common.observability import logger
from common.settings import MAX_PDF_BYTES, CodifySettings

from .ports import OcrFailed, StagingStore, TextRecognizer

LAMBDA_SYNC_PAYLOAD_BYTES = 6_291_456  # 6 MB: Lambda's limit for a synchronous request payload
EVENT_ENVELOPE_BUDGET = 32_768  # API Gateway event around the body (see module docstring)
INLINE_PDF_MAX_BYTES = (LAMBDA_SYNC_PAYLOAD_BYTES - EVENT_ENVELOPE_BUDGET) // 4 * 3  # 4,694,016
MIN_OCR_SECONDS = 1.0  # a one-page DetectDocumentText takes about a second


@dataclass
class PdfIntake:
    """What the PDF path learned. `document` is set when there is text to code; otherwise `refusal` says
    why not (a PdfRejected or an ApiError, mapped to a status by common.errors)."""

    input_bytes: int | None = None
    file_sha256: str | None = None  # of the PDF's bytes, as received
    staged_key: str | None = None
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)
    document: Document | None = None
    refusal: Exception | None = None


@dataclass(frozen=True)
class FirstRun:
    """What an idempotent replay reproduces: the first run's staged copy (never written again) and the sha256
    of the file it coded (an upload overwritten since then is refused, not silently coded)."""

    staged_key: str | None
    file_sha256: str | None


def limits_from(settings: CodifySettings) -> PdfLimits:
    return PdfLimits(
        max_bytes=MAX_PDF_BYTES,
        max_pages=settings.pdf_max_pages,
        max_objects=settings.pdf_max_objects,
        max_stream_inflated_bytes=settings.pdf_max_stream_inflated_bytes,
        max_total_inflated_bytes=settings.pdf_max_total_inflated_bytes,
        max_seconds=settings.pdf_max_seconds,
    )


class PdfInput:
    def __init__(self, staging: StagingStore, ocr: TextRecognizer, settings: CodifySettings) -> None:
        self.staging = staging
        self.ocr = ocr
        self.settings = settings

    def intake(
        self,
        *,
        tenant: str,
        run_id: str,
        pdf: bytes | None,
        upload_id: str | None,
        deadline: Deadline | None = None,
        first: FirstRun | None = None,
    ) -> PdfIntake:
        """Read, check, extract, stage and OCR one PDF within the request's `deadline`. Never raises for a
        refused PDF, an unavailable store or a deadline that passed: the refusal is in the result."""
        intake = PdfIntake()
        try:
            self._intake(intake, tenant, run_id, pdf, upload_id, deadline or Deadline.never(), first)
        except (PdfRejected, ApiError, DeadlineExceeded) as refusal:
            intake.refusal = refusal
            intake.document = None
        return intake

    def _intake(
        self,
        intake: PdfIntake,
        tenant: str,
        run_id: str,
        pdf: bytes | None,
        upload_id: str | None,
        deadline: Deadline,
        first: FirstRun | None,
    ) -> None:
        if pdf is not None:
            data = pdf
            intake.input_bytes = len(data)
            if len(data) > INLINE_PDF_MAX_BYTES:
                raise PdfTooLarge(
                    f"Inline PDF is {len(data):,} bytes; inline PDFs are limited to {INLINE_PDF_MAX_BYTES:,} "
                    "bytes because a Lambda request is capped at 6 MB. Upload it with POST /v1/uploads and "
                    "send upload_id.",
                    reason="inline_too_large",
                )
        elif upload_id is not None:
            data = self._read_upload(intake, tenant, upload_id)
        else:  # the request model guarantees one input; this is a programming error
            raise ValueError("intake needs pdf or upload_id")
        intake.file_sha256 = hashlib.sha256(data).hexdigest()
        if first is not None and first.file_sha256 is not None and intake.file_sha256 != first.file_sha256:
            raise IdempotencyConflict(
                "The uploaded file changed since the first request with this Idempotency-Key; send a new key "
                "to code the new file.",
                reason="upload_changed",
            )

        try:
            if not is_pdf(data):
                raise NotPdf("The file is not a PDF (no %PDF- header).", reason="not_pdf")
            started = time.perf_counter()
            # The PDF's own limit, or the request's deadline if that comes first.
            try:
                document = extract_pdf(
                    data, limits_from(self.settings), deadline.within(self.settings.pdf_max_seconds)
                )
            except PdfTimeout:
                if deadline.expired():  # the request's time ran out, not the document's limit
                    raise DeadlineExceeded("extract") from None
                raise
            needs_ocr = pages_needing_ocr(document)
            intake.pages = len(document.pages)
            intake.warnings = list(document.warnings)
            logger.info(
                "pdf extracted",
                extra={
                    "pages": len(document.pages),
                    "characters": len(document.text),
                    "pages_without_text": len(needs_ocr),
                    "extract_ms": round((time.perf_counter() - started) * 1000, 1),
                    "input_bytes": len(data),
                },
            )
            if not document.text.strip() and not self.settings.ocr_enabled:
                raise PdfNoText(
                    "The PDF has no text layer (it looks scanned) and OCR is not enabled; send a PDF with text.",
                    reason="no_text",
                )
        except PdfRejected as rejected:
            logger.info("pdf refused", extra={"reason": rejected.reason, "input_bytes": len(data)})
            if upload_id is not None:
                self.staging.delete_upload(tenant, upload_id)
            raise

        # Staged only once it is going to be coded (or read by Textract, which takes it from S3).
        if first is not None and first.staged_key is not None:
            intake.staged_key = first.staged_key  # a replay: the staged input is never rewritten
        else:
            intake.staged_key = self.staging.stage_input(tenant, run_id, data)
        if needs_ocr and self.settings.ocr_enabled:
            document = self._ocr(document, intake.staged_key, deadline)
            intake.warnings = list(document.warnings)
            if not document.text.strip():
                raise PdfNoText("The PDF has no text layer and OCR found no text in it.", reason="no_text")
        intake.document = document

    def _read_upload(self, intake: PdfIntake, tenant: str, upload_id: str) -> bytes:
        size = self.staging.upload_size(tenant, upload_id)
        intake.input_bytes = size
        # The upload policy forbids more; checked again because policies are not code.
        if size > MAX_PDF_BYTES:
            self.staging.delete_upload(tenant, upload_id)
            raise PdfTooLarge(
                f"The upload is {size:,} bytes; the limit is {MAX_PDF_BYTES:,} bytes.", reason="too_large"
            )
        # Never more than the limit, whatever the object became.
        data = self.staging.read_upload(tenant, upload_id, MAX_PDF_BYTES + 1)
        if len(data) > MAX_PDF_BYTES:
            self.staging.delete_upload(tenant, upload_id)
            raise PdfTooLarge(f"The upload is over the limit of {MAX_PDF_BYTES:,} bytes.", reason="too_large")
        return data

    def _ocr(self, document: Document, key: str, deadline: Deadline) -> Document:
        started = time.perf_counter()
        timeout = min(self.settings.ocr_timeout_seconds, deadline.remaining())
        if timeout < MIN_OCR_SECONDS:  # not worth starting a Textract job that cannot finish
            raise DeadlineExceeded("ocr")
        try:
            lines = self.ocr.lines(key, pages=len(document.pages), timeout=timeout)
        except OcrFailed as exc:
            logger.warning("ocr failed", extra={"error_type": str(exc)})
            if deadline.expired():
                raise DeadlineExceeded("ocr") from None
            if not document.text.strip():
                raise ServiceUnavailable(
                    "Text recognition (OCR) is temporarily unavailable; try again later.", reason="ocr_failed"
                ) from None
            note = "OCR failed; pages without a text layer were not read"
            return Document(document.text, "pdf", document.pages, (*document.warnings, note))
        logger.info(
            "ocr done",
            extra={
                "ocr_ms": round((time.perf_counter() - started) * 1000),
                "ocr_lines": sum(len(v) for v in lines.values()),
            },
        )
        return merge_ocr(document, lines)
