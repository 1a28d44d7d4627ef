"""A codify request's PDF (inline base64 or `upload_id`) -> a Document: size and type checks, staging in S3,
bounded extraction (codify_coder.extract), OCR of image-only pages through Amazon Textract.

Every PDF that is coded is stored at s3://STAGING_BUCKET/tenants/{tenant}/runs/{run_id}/input.pdf with
server-side encryption; the bucket's lifecycle rule expires it after the retention parameter. The audit
record gets that key (`input_s3_key`), the extraction warnings and, on refusal, the reason.

Inline size limit. A synchronous Lambda invocation carries at most 6 MB (6,291,456 bytes) of request
payload, and API Gateway's proxy event wraps the body: headers appear twice (`headers` and
`multiValueHeaders`, at most 10,240 bytes each by API Gateway's header limit), plus `requestContext`
(~2 KB with the authorizer context) and the JSON body's own keys. `EVENT_ENVELOPE_BUDGET` reserves
32,768 bytes for all of that, which leaves 6,258,688 base64 characters = 4,694,016 decoded bytes
(base64 without line breaks). Larger PDFs, up to 5 MB, go through POST /v1/uploads.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from codify_coder.extract import (
    PdfLimits,
    PdfRejected,
    extract_pdf,
    is_pdf,
    merge_ocr,
    pages_needing_ocr,
)
from codify_coder.types import Document
from common import aws
from common.errors import (
    ApiError,
    NotFound,
    PayloadTooLarge,
    ServiceUnavailable,
    UnprocessableDocument,
    UnsupportedMediaType,
)
from common.observability import logger
from common.settings import MAX_PDF_BYTES, CodifySettings

LAMBDA_SYNC_PAYLOAD_BYTES = 6_291_456  # 6 MB: Lambda's limit for a synchronous request payload
EVENT_ENVELOPE_BUDGET = 32_768  # API Gateway event around the body (see module docstring)
INLINE_PDF_MAX_BYTES = (LAMBDA_SYNC_PAYLOAD_BYTES - EVENT_ENVELOPE_BUDGET) // 4 * 3  # 4,694,016
SSE = "AES256"  # every object this service writes is encrypted at rest (also the bucket default)
PDF_CONTENT_TYPE = "application/pdf"

_REJECTED = {
    "PAYLOAD_TOO_LARGE": PayloadTooLarge,
    "UNSUPPORTED_MEDIA_TYPE": UnsupportedMediaType,
    "UNPROCESSABLE_DOCUMENT": UnprocessableDocument,
}


def upload_key(tenant: str, upload_id: str) -> str:
    return f"tenants/{tenant}/uploads/{upload_id}"


def run_input_key(tenant: str, run_id: str) -> str:
    return f"tenants/{tenant}/runs/{run_id}/input.pdf"


def limits_from(settings: CodifySettings) -> PdfLimits:
    return PdfLimits(
        max_bytes=MAX_PDF_BYTES,
        max_pages=settings.pdf_max_pages,
        max_objects=settings.pdf_max_objects,
        max_stream_inflated_bytes=settings.pdf_max_stream_inflated_bytes,
        max_total_inflated_bytes=settings.pdf_max_total_inflated_bytes,
        max_seconds=settings.pdf_max_seconds,
    )


def document_for(
    *,
    tenant: str,
    pdf: bytes | None,
    upload_id: str | None,
    settings: CodifySettings,
    run_id: str | None = None,
    audit: dict[str, Any] | None = None,
) -> tuple[Document, int]:
    """The Document to code and the PDF's size in bytes. `audit` (the run's audit details) receives
    `input_bytes`, `input_s3_key`, `pages`, `input_warnings` and, when refused, `error_reason`.
    Raises ApiError subclasses (404, 413, 415, 422, 503)."""
    audit = audit if audit is not None else {}
    if run_id is None:  # callers pass the run id; a fresh one keeps staging keys unique if they do not
        import uuid

        run_id = f"run_{uuid.uuid4().hex}"
    bucket = settings.staging_bucket
    uploaded_key: str | None = None
    if pdf is not None:
        data = pdf
        audit["input_bytes"] = len(data)
        if len(data) > INLINE_PDF_MAX_BYTES:
            audit["error_reason"] = "inline_too_large"
            raise PayloadTooLarge(
                f"Inline PDF is {len(data):,} bytes; inline PDFs are limited to {INLINE_PDF_MAX_BYTES:,} bytes "
                "because a Lambda request is capped at 6 MB. Upload it with POST /v1/uploads and send upload_id."
            )
    elif upload_id is not None:
        uploaded_key = upload_key(tenant, upload_id)
        data = _read_upload(bucket, uploaded_key, audit)
    else:  # the request model guarantees one input; this is a programming error
        raise ValueError("document_for needs pdf or upload_id")

    try:
        if not is_pdf(data):
            raise PdfRejected(
                "UNSUPPORTED_MEDIA_TYPE", "The file is not a PDF (no %PDF- header).", reason="not_pdf"
            )
        started = time.perf_counter()
        document = extract_pdf(data, limits_from(settings))
        extract_ms = round((time.perf_counter() - started) * 1000, 1)
    except PdfRejected as rejected:
        audit["error_reason"] = rejected.reason
        logger.info(
            "pdf refused",
            extra={"reason": rejected.reason, "status": rejected.status, "input_bytes": len(data)},
        )
        if uploaded_key is not None:
            _delete_quietly(bucket, uploaded_key)
        raise _REJECTED[rejected.code](rejected.message) from None

    needs_ocr = pages_needing_ocr(document)
    audit["pages"] = len(document.pages)
    audit["input_warnings"] = list(document.warnings)
    logger.info(
        "pdf extracted",
        extra={
            "pages": len(document.pages),
            "characters": len(document.text),
            "pages_without_text": len(needs_ocr),
            "extract_ms": extract_ms,
            "input_bytes": len(data),
        },
    )
    if not document.text.strip() and not settings.ocr_enabled:
        audit["error_reason"] = "no_text"
        if uploaded_key is not None:
            _delete_quietly(bucket, uploaded_key)
        raise UnprocessableDocument(
            "The PDF has no text layer (it looks scanned) and OCR is not enabled; send a PDF with text."
        )

    # Staged only once it is going to be coded (or read by Textract, which takes it from S3).
    staged = run_input_key(tenant, run_id)
    _s3_call(
        lambda: aws.s3().put_object(
            Bucket=bucket, Key=staged, Body=data, ContentType=PDF_CONTENT_TYPE, ServerSideEncryption=SSE
        )
    )
    audit["input_s3_key"] = staged
    if needs_ocr and settings.ocr_enabled:
        document = _ocr(document, bucket, staged, settings, audit)
        audit["input_warnings"] = list(document.warnings)
        if not document.text.strip():
            audit["error_reason"] = "no_text"
            raise UnprocessableDocument("The PDF has no text layer and OCR found no text in it.")
    return document, len(data)


# ---------------------------------------------------------------- uploads


def _read_upload(bucket: str, key: str, audit: dict[str, Any]) -> bytes:
    s3 = aws.s3()
    try:
        head = s3.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if _is_missing(exc):
            audit["error_reason"] = "upload_not_found"
            # Another tenant's upload id lands here too (the key is under this tenant's prefix), so both
            # read the same: nothing tells a caller that the id exists elsewhere.
            raise NotFound(
                "No upload with this upload_id has arrived for this tenant. POST the file to the URL and "
                "fields returned by POST /v1/uploads first (the form expires), then send upload_id."
            ) from None
        raise _unavailable(exc) from None
    size = int(head.get("ContentLength", 0))
    audit["input_bytes"] = size
    if size > MAX_PDF_BYTES:  # the upload policy forbids this; checked again because policies are not code
        audit["error_reason"] = "too_large"
        _delete_quietly(bucket, key)
        raise PayloadTooLarge(f"The upload is {size:,} bytes; the limit is {MAX_PDF_BYTES:,} bytes.")
    body = _s3_call(lambda: s3.get_object(Bucket=bucket, Key=key)["Body"])
    data = body.read(MAX_PDF_BYTES + 1)  # never more than the limit, whatever the object became
    if len(data) > MAX_PDF_BYTES:
        audit["error_reason"] = "too_large"
        _delete_quietly(bucket, key)
        raise PayloadTooLarge(f"The upload is over the limit of {MAX_PDF_BYTES:,} bytes.")
    return data


def _is_missing(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}


def _delete_quietly(bucket: str, key: str) -> None:
    try:
        aws.s3().delete_object(Bucket=bucket, Key=key)
    except (ClientError, BotoCoreError) as exc:  # the lifecycle rule removes it later anyway
        logger.warning("upload delete failed", extra={"error_type": type(exc).__name__})


def _unavailable(exc: Exception) -> ApiError:
    logger.error("staging bucket call failed", extra={"error_type": type(exc).__name__})
    return ServiceUnavailable("Document storage is temporarily unavailable.")


def _s3_call(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except (ClientError, BotoCoreError) as exc:
        raise _unavailable(exc) from None


# ---------------------------------------------------------------- OCR (Amazon Textract)


def _ocr(
    document: Document, bucket: str, key: str, settings: CodifySettings, audit: dict[str, Any]
) -> Document:
    started = time.perf_counter()
    try:
        lines = textract_lines(bucket, key, pages=len(document.pages), timeout=settings.ocr_timeout_seconds)
    except (ClientError, BotoCoreError, TimeoutError) as exc:
        logger.warning("ocr failed", extra={"error_type": type(exc).__name__})
        if not document.text.strip():
            audit["error_reason"] = "ocr_failed"
            raise ServiceUnavailable(
                "Text recognition (OCR) is temporarily unavailable; try again later."
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


def textract_lines(
    bucket: str, key: str, *, pages: int, timeout: float, poll: float = 1.0
) -> dict[int, list[str]]:
    """LINE blocks' text by page. One page: synchronous DetectDocumentText; more: the asynchronous
    Start/GetDocumentTextDetection job (DetectDocumentText reads only single-page PDFs)."""
    client = aws.textract()
    location = {"Bucket": bucket, "Name": key}
    if pages <= 1:
        return _lines(client.detect_document_text(Document={"S3Object": location}).get("Blocks", []))
    job_id = client.start_document_text_detection(DocumentLocation={"S3Object": location})["JobId"]
    deadline = time.monotonic() + timeout
    while True:
        response = client.get_document_text_detection(JobId=job_id)
        status = response.get("JobStatus")
        if status in ("SUCCEEDED", "PARTIAL_SUCCESS"):
            break
        if status == "FAILED":
            raise ClientError(
                {"Error": {"Code": "TextractJobFailed", "Message": "job failed"}}, "GetDocumentTextDetection"
            )
        if time.monotonic() + poll > deadline:
            raise TimeoutError("textract job did not finish in time")
        time.sleep(poll)
    blocks = list(response.get("Blocks", []))
    token = response.get("NextToken")
    while token:
        response = client.get_document_text_detection(JobId=job_id, NextToken=token)
        blocks.extend(response.get("Blocks", []))
        token = response.get("NextToken")
    return _lines(blocks)


def _lines(blocks: list[dict[str, Any]]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for block in blocks:  # Textract returns LINE blocks in reading order within each page
        if block.get("BlockType") == "LINE" and block.get("Text"):
            out.setdefault(int(block.get("Page", 1)), []).append(str(block["Text"]))
    return out
