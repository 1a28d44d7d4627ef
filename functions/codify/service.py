"""The codify use case and its collaborators: audit records (RunsTable), custom models (ModelsBucket).

The handler parses the request and calls `CodifyService.codify`; everything that touches AWS is here or
in common.aws, and the coder is reached through common.coder.CoderPort.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.idempotency.serialization.base import BaseIdempotencySerializer
from botocore.exceptions import ClientError
from common import aws
from common.coder import CoderPort, CoderUnavailable, get_coder
from common.errors import (
    ApiError,
    IdempotencyConflict,
    InternalError,
    ModelNotFound,
    NotFound,
    ServiceUnavailable,
    log_unexpected,
)
from common.observability import logger, metrics, tracer
from common.settings import CodifySettings

from .models import CodifyRequest, CodifyResponse, ModelsResponse, ModelSummary, RunCode, RunRecord

DEFAULT_MODEL = "default"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_run_id() -> str:
    return f"run_{uuid.uuid4().hex}"


@dataclass(frozen=True)
class Caller:
    """Who is calling, as established by the authorizer."""

    tenant: str
    token_name: str | None
    request_id: str


@dataclass(frozen=True)
class Tracking:
    doctor_id: str | None = None
    patient_id: str | None = None
    encounter_id: str | None = None


@dataclass
class RunDraft:
    """What is known about a run so far; becomes the audit record whatever the outcome."""

    caller: Caller
    tracking: Tracking
    started: float = field(default_factory=time.perf_counter)
    run_id: str = field(default_factory=new_run_id)
    created_at: str = field(default_factory=now_iso)
    details: dict[str, Any] = field(default_factory=dict)
    idempotency_key: str | None = None

    def record(self, *, status: str, http_status: int, error_code: str | None = None) -> RunRecord:
        key_hash = hashlib.sha256(self.idempotency_key.encode()).hexdigest() if self.idempotency_key else None
        return RunRecord(
            run_id=self.run_id,
            tenant=self.caller.tenant,
            created_at=self.created_at,
            status=status,  # type: ignore[arg-type]
            http_status=http_status,
            error_code=error_code,
            request_id=self.caller.request_id,
            token_name=self.caller.token_name,
            doctor_id=self.tracking.doctor_id,
            patient_id=self.tracking.patient_id,
            encounter_id=self.tracking.encounter_id,
            latency_ms=round((time.perf_counter() - self.started) * 1000),
            idempotency_key_sha256=key_hash,
            **self.details,
        )


class RunsRepository:
    """One immutable item per run: conditional put, never updated."""

    def __init__(self, table_name: str) -> None:
        self.table_name = table_name

    @property
    def _table(self) -> Any:
        return aws.dynamodb().Table(self.table_name)

    def put(self, record: RunRecord) -> None:
        item = record.model_dump(exclude_none=True)
        if record.patient_id:  # key of the patient+time index, scoped by tenant
            item["tenant_patient"] = f"{record.tenant}#{record.patient_id}"
        self._table.put_item(Item=item, ConditionExpression="attribute_not_exists(run_id)")

    def get(self, tenant: str, run_id: str) -> RunRecord:
        item = self._table.get_item(Key={"run_id": run_id}, ConsistentRead=True).get("Item")
        if not item or item.get("tenant") != tenant:  # another tenant's run is indistinguishable from none
            raise NotFound("No such run.")
        item.pop("tenant_patient", None)
        return RunRecord.model_validate(_from_dynamo(item))


def _from_dynamo(value: Any) -> Any:
    """DynamoDB numbers come back as Decimal; the records only hold integers."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_dynamo(v) for v in value]
    return value


class ModelStore:
    """Custom models under s3://MODELS_BUCKET/tenants/{tenant}/models/{id}/ (model.onnx + manifest.json)."""

    FILES = ("model.onnx", "manifest.json")

    def __init__(self, bucket: str, cache_dir: str, max_loaded: int = 4) -> None:
        self.bucket = bucket
        self.cache_dir = Path(cache_dir)
        self._loaded: OrderedDict[tuple[str, str, str], CoderPort] = OrderedDict()
        self._max_loaded = max_loaded
        self._lock = threading.Lock()

    @staticmethod
    def prefix(tenant: str, model_id: str | None = None) -> str:
        base = f"tenants/{tenant}/models/"
        return base if model_id is None else f"{base}{model_id}/"

    def list(self, tenant: str) -> list[ModelSummary]:
        s3 = aws.s3()
        out: list[ModelSummary] = []
        pages = s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix(tenant), Delimiter="/"
        )
        for page in pages:
            for common in page.get("CommonPrefixes", []):
                model_id = common["Prefix"].rstrip("/").rsplit("/", 1)[-1]
                try:
                    obj = s3.get_object(Bucket=self.bucket, Key=f"{common['Prefix']}manifest.json")
                    manifest = json.loads(obj["Body"].read())
                except (ClientError, ValueError):
                    continue  # an incomplete upload is not a model
                if not isinstance(manifest, dict):
                    continue
                out.append(self._summary(model_id, manifest, obj["LastModified"].isoformat()))
        return sorted(out, key=lambda m: m.id)

    @staticmethod
    def _summary(model_id: str, manifest: dict[str, Any], uploaded_at: str) -> ModelSummary:
        """The listing entry from a manifest as `codify train` writes it (terminology is {"name": …})."""
        terminology = manifest.get("terminology")
        if isinstance(terminology, dict):
            terminology = terminology.get("name")
        metrics = manifest.get("metrics")
        return ModelSummary(
            id=model_id,
            version=str(manifest.get("version", "")),
            terminology=terminology if isinstance(terminology, str) else None,
            description=manifest.get("description") if isinstance(manifest.get("description"), str) else None,
            created_at=str(manifest.get("created_at") or uploaded_at),
            metrics=metrics if isinstance(metrics, dict) else None,
        )

    def coder_for(self, tenant: str, model_id: str, base: CoderPort) -> CoderPort:
        s3 = aws.s3()
        prefix = self.prefix(tenant, model_id)
        try:
            etag = s3.head_object(Bucket=self.bucket, Key=prefix + "model.onnx")["ETag"].strip('"')
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound", "403"}:
                raise ModelNotFound() from None
            raise
        key = (tenant, model_id, etag)
        with self._lock:
            if key in self._loaded:
                self._loaded.move_to_end(key)
                return self._loaded[key]
        target = self.cache_dir / hashlib.sha256("/".join(key).encode()).hexdigest()[:32]
        target.mkdir(parents=True, exist_ok=True)
        try:
            for name in self.FILES:
                s3.download_file(self.bucket, prefix + name, str(target / name))
        except ClientError:
            raise ModelNotFound() from None
        try:
            coder = base.with_model_dir(target)
        except Exception as exc:  # noqa: BLE001 (a model that does not load is unusable: say so)
            logger.warning("custom model failed to load", extra={"error_type": type(exc).__name__})
            raise ModelNotFound("The model exists but could not be loaded.") from None
        with self._lock:
            self._loaded[key] = coder
            while len(self._loaded) > self._max_loaded:
                self._loaded.popitem(last=False)
        return coder


@dataclass(frozen=True)
class ReplayRef:
    """What the idempotency record keeps of a response: its identity, never its content (evidence spans
    are note text). A replay recodes the same body (the payload hash matched) under the same run id."""

    run_id: str
    created_at: str
    model_version: str


class _ReplayRefSerializer(BaseIdempotencySerializer):
    def to_dict(self, data: CodifyResponse) -> dict:
        return {"run_id": data.run_id, "created_at": data.created_at, "model_version": data.model.version}

    def from_dict(self, data: dict) -> ReplayRef:
        return ReplayRef(str(data["run_id"]), str(data["created_at"]), str(data.get("model_version", "")))


class CodifyService:
    def __init__(self, settings: CodifySettings) -> None:
        self.settings = settings
        self.runs = RunsRepository(settings.runs_table)
        self.models = ModelStore(settings.models_bucket, settings.model_cache_dir)
        self._idempotency_config = IdempotencyConfig(
            event_key_jmespath="[tenant, key]",
            payload_validation_jmespath="body_sha256",
            expires_after_seconds=settings.idempotency_ttl_seconds,
        )
        persistence = DynamoDBPersistenceLayer(
            table_name=settings.idempotency_table, boto3_client=aws.dynamodb_client()
        )
        self._idempotent_execute = idempotent_function(
            data_keyword_argument="idempotency",
            persistence_store=persistence,
            config=self._idempotency_config,
            output_serializer=_ReplayRefSerializer(),
        )(self._execute)

    # ------------------------------------------------------------------ codify
    @tracer.capture_method(capture_response=False, capture_error=False)  # never note text in traces
    def codify(
        self,
        caller: Caller,
        request: CodifyRequest,
        tracking: Tracking,
        idempotency_key: str | None = None,
        lambda_context: Any = None,
    ) -> CodifyResponse:
        draft = RunDraft(caller=caller, tracking=tracking, idempotency_key=idempotency_key)
        draft.details.update(
            input_type="text" if request.text is not None else "pdf" if request.pdf is not None else "upload",
            setting=request.setting,
            model_id=request.model,
        )
        try:
            if idempotency_key is None:
                return self._execute(idempotency={}, request=request, draft=draft)
            if lambda_context is not None:
                self._idempotency_config.register_lambda_context(lambda_context)
            body_sha = hashlib.sha256(
                json.dumps(request.model_dump(mode="json"), sort_keys=True).encode()
            ).hexdigest()
            outcome = self._idempotent_execute(
                idempotency={"tenant": caller.tenant, "key": idempotency_key, "body_sha256": body_sha},
                request=request,
                draft=draft,
            )
            if isinstance(outcome, ReplayRef):
                metrics.add_metric(name="IdempotentReplay", unit=MetricUnit.Count, value=1)
                logger.info("idempotent replay", extra={"run_id": outcome.run_id})
                # The same run: its id and time, recoded (deterministic); its audit record already exists.
                replay = RunDraft(caller, tracking, started=draft.started, run_id=outcome.run_id,
                                  created_at=outcome.created_at, idempotency_key=idempotency_key)  # fmt: skip
                return self._code(request, replay)[0]
            return outcome
        except ApiError as exc:
            self._audit_failure(draft, exc)
            raise
        except (IdempotencyValidationError, IdempotencyAlreadyInProgressError) as exc:
            error = IdempotencyConflict(
                None
                if isinstance(exc, IdempotencyValidationError)
                else "A request with this Idempotency-Key is still in progress."
            )
            self._audit_failure(draft, error)
            raise error from None
        except Exception as exc:  # noqa: BLE001 (anything else is a 500, audited, logged without values)
            log_unexpected(exc)
            error = InternalError()
            self._audit_failure(draft, error)
            raise error from None

    def _execute(
        self, *, idempotency: dict[str, Any], request: CodifyRequest, draft: RunDraft
    ) -> CodifyResponse:
        response, result, source_bytes = self._code(request, draft)
        self.runs.put(draft.record(status="succeeded", http_status=200))
        metrics.add_metric(name="CodesReturned", unit=MetricUnit.Count, value=len(result.final_assessments))
        logger.info(
            "coded",
            extra={
                "run_id": draft.run_id,
                "input_type": draft.details["input_type"],
                "input_bytes": source_bytes,
                "input_sha256": draft.details["input_sha256"],
                "final_codes": len(result.final_assessments),
                "discarded_codes": len(result.discarded_assessments),
            },
        )
        return response

    def _code(self, request: CodifyRequest, draft: RunDraft) -> tuple[CodifyResponse, Any, int]:
        """Code the request's document and fill the draft's audit details; writes nothing."""
        from codify_coder.serialize import response_body
        from codify_coder.types import CodeOptions

        try:
            coder = get_coder()
        except CoderUnavailable:
            raise ServiceUnavailable("The coding model could not be loaded.") from None
        if request.model != DEFAULT_MODEL:
            coder = self.models.coder_for(draft.caller.tenant, request.model, coder)
        document, source_bytes = self._document(request, draft)
        draft.details.update(
            input_sha256=hashlib.sha256(document.text.encode("utf-8")).hexdigest(),
            input_bytes=source_bytes,
            input_characters=len(document.text),
            model_id=request.model,
            model_version=coder.model.version,
        )
        options = CodeOptions(
            language=request.language,
            setting=request.setting,
            include_discarded=request.include_discarded,
            max_codes=request.max_codes,
            min_confidence=request.min_confidence,
        )
        started = time.perf_counter()
        result = coder.code(document, options)
        metrics.add_metric(
            name="CodingLatency",
            unit=MetricUnit.Milliseconds,
            value=round((time.perf_counter() - started) * 1000, 1),
        )
        response = CodifyResponse.model_validate(
            response_body(result, document, run_id=draft.run_id, created_at=draft.created_at)
        )
        # A custom model is named as the tenant selected it (its folder in the models store, as listed by
        # GET /v1/models and audited), whatever id its manifest was trained under.
        response.model.id = request.model
        draft.details.update(
            language=result.language,
            pages=response.input.pages,
            final_codes=[RunCode(code=a.code, confidence=a.confidence) for a in result.final_assessments],
            discarded_codes=[
                RunCode(code=d.code, confidence=d.confidence, reason=d.reason)
                for d in result.discarded_assessments
            ],
        )
        return response, result, source_bytes

    def _document(self, request: CodifyRequest, draft: RunDraft) -> tuple[Any, int]:
        """The Document to code and the size in bytes of what was sent."""
        from codify_coder.types import Document

        if request.text is not None:
            return Document(text=request.text), len(request.text.encode("utf-8"))
        from . import pdf_input  # the PDF engineer's module: bounded extraction, uploads lookup

        return pdf_input.document_for(
            tenant=draft.caller.tenant,
            pdf=request.pdf_bytes,
            upload_id=request.upload_id,
            settings=self.settings,
            run_id=draft.run_id,
            audit=draft.details,  # input_s3_key, pages, input_warnings, error_reason
        )

    def _audit_failure(self, draft: RunDraft, error: ApiError) -> None:
        try:
            self.runs.put(draft.record(status="failed", http_status=error.status, error_code=error.code))
        except Exception as exc:  # noqa: BLE001 (never hide the original error behind an audit failure)
            logger.error("audit write failed", extra={"error_type": type(exc).__name__})
        error.audited = True  # type: ignore[attr-defined]
        metrics.add_metric(name=f"Error{error.status}", unit=MetricUnit.Count, value=1)

    def audit_rejected(
        self, caller: Caller, tracking: Tracking, error: ApiError, idempotency_key: str | None
    ) -> None:
        """A request refused before the use case ran (validation): still one audit record."""
        if getattr(error, "audited", False):
            return
        self._audit_failure(
            RunDraft(caller=caller, tracking=tracking, idempotency_key=idempotency_key), error
        )

    # ------------------------------------------------------------------ other routes
    def get_run(self, caller: Caller, run_id: str) -> RunRecord:
        return self.runs.get(caller.tenant, run_id)

    def list_models(self, caller: Caller) -> ModelsResponse:
        try:
            default = get_coder().model
        except CoderUnavailable:
            raise ServiceUnavailable("The coding model could not be loaded.") from None
        models = [
            ModelSummary(
                id=DEFAULT_MODEL, version=default.version, terminology=default.terminology, default=True
            )
        ]
        return ModelsResponse(models=models + self.models.list(caller.tenant))
