"""Requests and responses of /v1/models, and the limits of training data (the OpenAPI document's source)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MODEL_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
UPLOAD_ID_PATTERN = r"^[A-Za-z0-9._-]{1,128}$"
MAX_TRAINING_BYTES = 100 * 1024 * 1024  # one JSONL file through POST /v1/uploads {"purpose": "training"}
MIN_TRAINING_NOTES = 20  # fewer cannot be split into train, calibration and held-out notes that mean anything
TRAINING_CONTENT_TYPE = "application/jsonl"
# Lambda's limit for the training function; a job still "training" after this (and a margin) is reported failed.
TRAINING_TIMEOUT_SECONDS = 900
# How long Lambda keeps an asynchronous invocation queued before giving up on it (template.yaml's
# EventInvokeConfig.MaximumEventAgeInSeconds): a job that never started reads failed after both.
TRAINING_MAX_QUEUE_SECONDS = 300

Status = Literal["training", "ready", "failed"]
CodeSystem = Literal["icd10cm", "training_data"]


class CreateModelRequest(BaseModel):
    """Train a custom model from a training upload (a JSONL file of coded notes)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: str = Field(pattern=MODEL_ID_PATTERN, description="The model id clients select with `model`")
    training_upload_id: str = Field(
        pattern=UPLOAD_ID_PATTERN, description='An upload made with POST /v1/uploads {"purpose": "training"}'
    )
    language: Literal["auto", "es", "en"] = Field(
        "auto", description="The language of notes without their own `language` field"
    )
    code_system: CodeSystem = Field(
        "icd10cm",
        description="`icd10cm`: every code must be an ICD-10-CM FY2026 code (others are refused); "
        "`training_data`: the center's own codes (e.g. CIE-10-ES 2018) are kept and declared",
    )
    extend_code_set: Literal["auto", "yes", "no"] = Field(
        "auto",
        description="With `training_data`: whether the model also returns ICD-10-CM FY2026 codes outside the "
        "hierarchy of every training code (a center's nomenclature is larger than the codes its notes used). "
        "`auto`: when at least 80% of the data's code assignments are FY2026 billable codes",
    )
    description: str | None = Field(None, max_length=200, description="Shown in GET /v1/models")

    @field_validator("id")
    @classmethod
    def _not_default(cls, value: str) -> str:
        if value == "default":
            raise ValueError("'default' is the built-in model's id")
        return value


class ModelAccepted(BaseModel):
    id: str
    status: Status = "training"
    created_at: str


class ModelMetrics(BaseModel):
    map: float | None = Field(None, description="Mean average precision (CodiEsp's definition)")
    f1: float | None = Field(None, description="Micro F1 of the final assessments")
    ece: float | None = Field(None, description="Expected calibration error of the confidences")
    method: Literal["cross_validated", "held_out"] = Field(
        description="cross_validated: over folds of the center's notes; held_out: on one held-out split"
    )


class ModelFailure(BaseModel):
    code: str = Field(description="not_jsonl, missing_field, invalid_code, unknown_codes, too_few_notes, "
                      "duplicate_note, too_large, upload_not_found, no_learnable_codes, timeout, internal_error")
    message: str = Field(description="What is wrong (a line number, never the note's text)")
    line: int | None = Field(None, description="The line of the JSONL file, when one line is at fault")


class ModelStatus(BaseModel):
    id: str
    status: Status
    default: bool = False
    version: str | None = None
    description: str | None = None
    terminology: str | None = None
    code_system: str | None = Field(None, description="The codes the model can return")
    language: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    notes: int | None = Field(None, description="Coded notes it was trained on")
    codes: int | None = Field(None, description="Distinct codes in its training data")
    metrics: ModelMetrics | None = None
    warnings: list[str] = []
    failure: ModelFailure | None = None
    source: Literal["builtin", "api", "push", "bucket"] = Field(
        "api", description="builtin: default; api: POST /v1/models; push: `codify models push`; "
        "bucket: files put in the ModelsBucket by an operator"
    )


class ModelsResponse(BaseModel):
    models: list[ModelStatus]


class UploadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    purpose: Literal["codify", "training"] = Field(
        "codify", description="codify: a PDF up to 5 MB; training: a JSONL file of coded notes up to 100 MB"
    )
