"""Request and response models of the codify function: the source of the OpenAPI document."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any, Literal, Self

from codify_coder.types import Assertion, DiscardReason
from common.settings import MAX_PDF_BYTES, MAX_TEXT_BYTES
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

TRACKING_PATTERN = r"^[A-Za-z0-9._:-]{1,128}$"
MODEL_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
UPLOAD_ID_PATTERN = r"^[A-Za-z0-9._-]{1,128}$"
RUN_ID_PATTERN = r"^run_[0-9a-f]{32}$"
CURSOR_PATTERN = r"^[A-Za-z0-9_-]{1,1024}$"  # URL-safe base64 of the page's last key
_BASE64 = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")

# The coder owns these vocabularies; the API re-exports them so the OpenAPI document cannot drift.


class CodifyRequest(BaseModel):
    """Exactly one of `text`, `pdf`, `upload_id`."""

    model_config = ConfigDict(extra="forbid", strict=True)

    text: str | None = Field(None, description="The note, UTF-8, at most 51,200 bytes encoded")
    pdf: str | None = Field(
        None,
        description="A PDF, base64-encoded, at most 5 MB decoded (about 4 MB inline: "
        "larger files go through POST /v1/uploads)",
    )
    upload_id: str | None = Field(
        None, pattern=UPLOAD_ID_PATTERN, description="An upload made by this tenant"
    )
    model: str = Field("default", pattern=MODEL_ID_PATTERN, description='"default" or a custom model id')
    language: Literal["auto", "es", "ca", "gl", "eu", "en"] = Field(
        "auto",
        description="The note's language: Spanish, Catalan, Galician, Basque or English; auto detects it "
        "(a note it cannot tell is read as Spanish when it is Iberian Romance, else English)",
    )
    setting: Literal["outpatient", "inpatient"] = Field(
        "outpatient", description="Uncertain diagnoses are coded as confirmed only in inpatient"
    )
    include_discarded: bool = True
    max_codes: int | None = Field(None, ge=1, le=200)
    min_confidence: int = Field(0, ge=0, le=100)

    @field_validator("text")
    @classmethod
    def _text(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            size = len(value.encode("utf-8"))
        except UnicodeEncodeError:  # lone surrogates sent as \ud800 escapes
            raise PydanticCustomError("invalid_utf8", "text is not valid UTF-8") from None
        if size > MAX_TEXT_BYTES:
            raise PydanticCustomError("payload_too_large", f"text is over {MAX_TEXT_BYTES:,} UTF-8 bytes")
        if not value.strip():
            raise PydanticCustomError("empty", "text is empty or whitespace")
        return value

    @field_validator("pdf")
    @classmethod
    def _pdf(cls, value: str | None) -> str | None:
        if value is None:
            return value
        compact = "".join(value.split())
        # 4 base64 characters carry 3 bytes: check the size before decoding anything.
        if len(compact) * 3 // 4 > MAX_PDF_BYTES + 2:
            raise PydanticCustomError(
                "payload_too_large",
                "pdf is over 5 MB; upload larger files with POST /v1/uploads and send upload_id",
            )
        if not compact or len(compact) % 4 or not _BASE64.match(compact):
            raise PydanticCustomError("invalid_base64", "pdf is not valid base64")
        try:
            base64.b64decode(compact, validate=True)
        except (binascii.Error, ValueError):
            raise PydanticCustomError("invalid_base64", "pdf is not valid base64") from None
        return compact

    @model_validator(mode="after")
    def _exactly_one_input(self) -> Self:
        given = [name for name in ("text", "pdf", "upload_id") if getattr(self, name) is not None]
        if len(given) != 1:
            raise PydanticCustomError("input_count", "send exactly one of text, pdf, upload_id")
        return self

    @property
    def pdf_bytes(self) -> bytes | None:
        return base64.b64decode(self.pdf) if self.pdf is not None else None


class ModelOut(BaseModel):
    id: str
    version: str
    terminology: str


class InputOut(BaseModel):
    type: Literal["text", "pdf"]
    language: Literal["es", "ca", "gl", "eu", "en"] = Field(description="The language the note was read in")
    characters: int
    pages: int | None = None
    sha256: str


class EvidenceOut(BaseModel):
    text: str
    start: int = Field(description="Offset in the extracted text (code points)")
    end: int
    page: int | None = None


class AssessmentOut(BaseModel):
    code: str
    description: str
    confidence: int = Field(ge=0, le=100)
    justification: str
    evidence: list[EvidenceOut]
    assertion: Assertion
    billable: bool
    rule: str = Field(description="The coding rule that kept the code (a stable id), e.g. evidence.match")
    guideline: str | None = Field(None, description="Its ICD-10-CM Official Guidelines section, e.g. I.C.21.c.3")


class DiscardedOut(BaseModel):
    code: str
    description: str
    confidence: int = Field(ge=0, le=100)
    reason: DiscardReason
    justification: str
    evidence: list[EvidenceOut] = []
    superseded_by: str | None = None
    rule: str = Field(description="The coding rule that discarded the code (a stable id), e.g. stated.long_term")
    guideline: str | None = Field(None, description="Its ICD-10-CM Official Guidelines section, e.g. I.C.21.c.3")


class AnalysisOut(BaseModel):
    sentences: int
    mentions: int
    candidates: int
    timings_ms: dict[str, float]
    warnings: list[str]


class CodifyResponse(BaseModel):
    run_id: str
    created_at: str
    model: ModelOut
    input: InputOut
    final_assessments: list[AssessmentOut]
    discarded_assessments: list[DiscardedOut]
    analysis: AnalysisOut


class RunEvidence(BaseModel):
    """Where a code's evidence is in the note: offsets (code points) and page, never the text. An auditor
    holding the note reads the words there."""

    start: int
    end: int
    page: int | None = None


class RunCode(BaseModel):
    code: str
    confidence: int
    reason: str | None = None
    rule: str | None = Field(None, description="The coding rule that decided it (a stable id)")
    guideline: str | None = Field(None, description="Its ICD-10-CM guideline section, where one applies")
    evidence: list[RunEvidence] = []


class RunRecord(BaseModel):
    """The audit record of one codify call (never the note text)."""

    run_id: str
    tenant: str
    created_at: str
    status: Literal["succeeded", "failed"]
    http_status: int
    error_code: str | None = None
    request_id: str
    token_name: str | None = None
    doctor_id: str | None = None
    patient_id: str | None = None
    encounter_id: str | None = None
    input_type: Literal["text", "pdf", "upload"] | None = None
    input_sha256: str | None = None
    input_bytes: int | None = None
    input_characters: int | None = None
    input_file_sha256: str | None = Field(None, description="sha256 of the PDF's bytes as received")
    input_s3_key: str | None = Field(
        None, description="The staged PDF: tenants/{tenant}/runs/{run_id}/input.pdf"
    )
    input_warnings: list[str] = Field(
        [], description="Extraction notes: pages without text, OCR, ignored scripts"
    )
    error_reason: str | None = Field(
        None, description="Why a PDF was refused: encrypted, too_many_pages, ..."
    )
    pages: int | None = None
    language: str | None = None
    setting: str | None = None
    model_id: str | None = None
    model_version: str | None = None
    final_codes: list[RunCode] = []
    discarded_codes: list[RunCode] = []
    latency_ms: int
    idempotency_key_sha256: str | None = None
    expires_at: int | None = Field(
        None, description="Epoch seconds when the retention period (RetentionYears) ends and DynamoDB's TTL removes it"
    )


class RunsPage(BaseModel):
    """The tenant's runs, newest first."""

    runs: list[RunRecord]
    next_cursor: str | None = Field(None, description="Send as `cursor` for the next page; absent on the last")


class ModelSummary(BaseModel):
    id: str
    version: str
    terminology: str | None = None
    description: str | None = None
    default: bool = False
    created_at: str | None = None
    metrics: dict[str, Any] | None = Field(None, description="From the model manifest")

