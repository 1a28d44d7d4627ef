"""The /v1/models use case: train (accept and start a job), read a model's status, list, delete.

Every call is scoped by the caller's tenant: the registry's key and the files' prefix start with it, and a
model of another tenant is answered exactly like a model that does not exist (404 MODEL_NOT_FOUND).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from common.caller import Caller
from common.errors import ModelConflict, ModelNotFound, NotFound, PayloadTooLarge, ServiceUnavailable
from common.ids import now_iso
from common.observability import logger

from .registry import ModelExists, ModelFiles, ModelsTableRegistry, TrainingUploads, status_from_item
from .schema import (
    MAX_TRAINING_BYTES,
    TRAINING_MAX_QUEUE_SECONDS,
    TRAINING_TIMEOUT_SECONDS,
    CreateModelRequest,
    ModelAccepted,
    ModelFailure,
    ModelsResponse,
    ModelStatus,
)

# Lambda stops a job at TRAINING_TIMEOUT_SECONDS after it started, and drops one still queued after
# TRAINING_MAX_QUEUE_SECONDS: past these (and a minute), a model still "training" never will finish.
MARGIN = timedelta(seconds=60)
RUN_LIMIT = timedelta(seconds=TRAINING_TIMEOUT_SECONDS) + MARGIN
QUEUE_AND_RUN_LIMIT = timedelta(seconds=TRAINING_MAX_QUEUE_SECONDS) + RUN_LIMIT


@dataclass
class ModelsService:
    registry: ModelsTableRegistry
    files: ModelFiles
    uploads: TrainingUploads
    launch: Callable[[dict[str, Any]], None]
    bucket_models: Callable[[str], list[ModelStatus]]  # models an operator put in the bucket (no item)
    default_model: Callable[[], ModelStatus]

    def create(self, caller: Caller, request: CreateModelRequest) -> ModelAccepted:
        tenant = caller.tenant
        size = self.uploads.size(tenant, request.training_upload_id)
        if size is None:
            raise NotFound(
                "No training upload with this training_upload_id has arrived for this tenant. POST the JSONL "
                'file with the form from POST /v1/uploads {"purpose": "training"} first (the form expires).',
                reason="upload_not_found",
            )
        if size > MAX_TRAINING_BYTES:
            self.uploads.delete(tenant, request.training_upload_id)
            raise PayloadTooLarge(f"The training file is over {MAX_TRAINING_BYTES:,} bytes.", reason="too_large")
        if self.registry.get(tenant, request.id) is None and self.files.exists(tenant, request.id):
            raise ModelConflict()  # a model put in the bucket by an operator, without a registry item
        created_at = now_iso()
        job_id = uuid.uuid4().hex
        item = {
            "tenant": tenant, "model_id": request.id, "status": "training", "job_id": job_id,
            "created_at": created_at, "updated_at": created_at, "language": request.language,
            "code_system_requested": request.code_system,
            "extend_code_set": request.extend_code_set, "description": request.description,
            "training_upload_id": request.training_upload_id, "training_bytes": size, "source": "api",
            "request_id": caller.request_id,
        }  # fmt: skip
        try:
            self.registry.create(item)
        except ModelExists:
            raise ModelConflict() from None
        event = {"tenant": tenant, "model_id": request.id, "job_id": job_id}
        try:
            self.launch(event)
        except Exception as exc:  # noqa: BLE001 (no job started: the model must not read "training" forever)
            logger.error("training launch failed", extra={"error_type": type(exc).__name__})
            self.registry.delete(tenant, request.id)
            raise ServiceUnavailable("Training could not be started; try again.") from None
        logger.info("training accepted", extra={"model_id": request.id, "training_bytes": size, "job_id": job_id})
        return ModelAccepted(id=request.id, status="training", created_at=created_at)

    def get(self, caller: Caller, model_id: str) -> ModelStatus:
        item = self.registry.get(caller.tenant, model_id)
        if item is not None:
            return _with_staleness(status_from_item(item), item.get("started_at"))
        for model in self.bucket_models(caller.tenant):
            if model.id == model_id:
                return model
        raise ModelNotFound()

    def list(self, caller: Caller) -> ModelsResponse:
        registered = [_with_staleness(status_from_item(i), i.get("started_at"))
                      for i in self.registry.list(caller.tenant)]  # fmt: skip
        ids = {m.id for m in registered}
        others = [m for m in self.bucket_models(caller.tenant) if m.id not in ids]
        return ModelsResponse(models=[self.default_model(), *sorted(registered + others, key=lambda m: m.id)])

    def delete(self, caller: Caller, model_id: str) -> None:
        tenant = caller.tenant
        old = self.registry.delete(tenant, model_id)
        removed = self.files.delete(tenant, model_id)
        if old is None and removed == 0:
            raise ModelNotFound()
        if old is not None and old.get("status") == "training" and old.get("training_upload_id"):
            # The job, if it still runs, finds its item gone and discards its model; the data goes now.
            self.uploads.delete(tenant, str(old["training_upload_id"]))
        logger.info("model deleted", extra={"model_id": model_id, "objects_removed": removed})


def _with_staleness(status: ModelStatus, started_at: str | None) -> ModelStatus:
    """A job that Lambda stopped (timeout, out of memory) or never started never writes its outcome: say so
    once it is past the limits."""
    if status.status != "training" or not status.created_at:
        return status
    # ISO 8601 with Z (common.ids.iso)
    since, limit = (started_at, RUN_LIMIT) if started_at else (status.created_at, QUEUE_AND_RUN_LIMIT)
    if datetime.now(UTC) - datetime.fromisoformat(since) < limit:
        return status
    return status.model_copy(
        update={
            "status": "failed",
            "failure": ModelFailure(
                code="timeout",
                message=f"Training did not finish within {TRAINING_TIMEOUT_SECONDS // 60} minutes; "
                "train on fewer notes, or ask the operator for more training memory.",
            ),
        }
    )
