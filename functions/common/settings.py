"""One typed settings object per function, read from the environment in exactly one place.

No module reads os.environ except through these classes; the template test checks that every function's
Environment provides the variables its settings class requires.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from typing import Self

from pydantic import BaseModel, ConfigDict, Field

SERVICE_VERSION = "0.1.0"
MAX_TEXT_BYTES = 51_200  # 50 KB of UTF-8, the API contract
MAX_PDF_BYTES = 5 * 1024 * 1024  # decoded PDF size accepted inline or through an upload


class _EnvSettings(BaseModel):
    # Field aliases are the environment variable names; unknown variables are ignored.
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    stage: str = Field("dev", alias="STAGE")
    service_version: str = Field(SERVICE_VERSION, alias="SERVICE_VERSION")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        return cls.model_validate(dict(os.environ if environ is None else environ))

    @classmethod
    def required_env(cls) -> set[str]:
        """Environment variables without a default: the template must set them."""
        return {f.alias or name for name, f in cls.model_fields.items() if f.is_required()}


class CodifySettings(_EnvSettings):
    runs_table: str = Field(alias="RUNS_TABLE")
    idempotency_table: str = Field(alias="IDEMPOTENCY_TABLE")
    staging_bucket: str = Field(alias="STAGING_BUCKET")
    models_bucket: str = Field(alias="MODELS_BUCKET")
    # Audit records are removed by DynamoDB's TTL this many years after the run (template RetentionYears).
    retention_years: int = Field(7, alias="RETENTION_YEARS", ge=1, le=100)
    models_table: str = Field(alias="MODELS_TABLE")
    training_function: str = Field(alias="TRAINING_FUNCTION")
    idempotency_ttl_seconds: int = Field(24 * 3600, alias="IDEMPOTENCY_TTL_SECONDS", ge=60)
    upload_url_expires_seconds: int = Field(900, alias="UPLOAD_URL_EXPIRES_SECONDS", ge=60, le=3600)
    model_cache_dir: str = Field("/tmp/codify-models", alias="MODEL_CACHE_DIR")
    # Custom models kept loaded per container (least recently used first out); each holds an ONNX session.
    model_cache_size: int = Field(4, alias="MODEL_CACHE_SIZE", ge=1, le=64)
    # PDFs (functions/codify/pdf_input.py, codify_coder.extract.PdfLimits): OCR switch and parsing limits.
    ocr_enabled: bool = Field(False, alias="OCR_ENABLED")
    # 10 s extraction + 15 s OCR + coding stays under API Gateway's 29 s integration timeout
    ocr_timeout_seconds: float = Field(15.0, alias="OCR_TIMEOUT_SECONDS", gt=0, le=600)
    pdf_max_pages: int = Field(300, alias="PDF_MAX_PAGES", ge=1)
    pdf_max_objects: int = Field(200_000, alias="PDF_MAX_OBJECTS", ge=100)
    pdf_max_stream_inflated_bytes: int = Field(
        16 * 1024 * 1024, alias="PDF_MAX_STREAM_INFLATED_BYTES", ge=1024
    )
    pdf_max_total_inflated_bytes: int = Field(64 * 1024 * 1024, alias="PDF_MAX_TOTAL_INFLATED_BYTES", ge=1024)
    pdf_max_seconds: float = Field(10.0, alias="PDF_MAX_SECONDS", gt=0, le=60)


class HealthSettings(_EnvSettings):
    pass


class TrainingSettings(_EnvSettings):
    models_table: str = Field(alias="MODELS_TABLE")
    staging_bucket: str = Field(alias="STAGING_BUCKET")
    models_bucket: str = Field(alias="MODELS_BUCKET")
    work_dir: str = Field("/tmp", alias="TRAINING_WORK_DIR")
    # 1 in Lambda: the coder's multiprocessing pool needs /dev/shm, which Lambda does not have.
    workers: int = Field(1, alias="TRAINING_WORKERS", ge=1, le=16)
    seed: int = Field(0, alias="TRAINING_SEED")


class AuthorizerSettings(_EnvSettings):
    tokens_table: str = Field(alias="TOKENS_TABLE")


# Handler (as written in template.yaml) -> its settings class; used by the template tests.
SETTINGS_BY_HANDLER: dict[str, type[_EnvSettings]] = {
    "codify/app.lambda_handler": CodifySettings,
    "health/app.lambda_handler": HealthSettings,
    "authorizer/app.lambda_handler": AuthorizerSettings,
    "training/app.lambda_handler": TrainingSettings,
}


@cache
def codify_settings() -> CodifySettings:
    return CodifySettings.from_env()


@cache
def health_settings() -> HealthSettings:
    return HealthSettings.from_env()


@cache
def authorizer_settings() -> AuthorizerSettings:
    return AuthorizerSettings.from_env()


@cache
def training_settings() -> TrainingSettings:
    return TrainingSettings.from_env()


def reset_caches() -> None:
    """Tests and `codify serve` change the environment after import; forget what was read."""
    codify_settings.cache_clear()
    health_settings.cache_clear()
    authorizer_settings.cache_clear()
    training_settings.cache_clear()
