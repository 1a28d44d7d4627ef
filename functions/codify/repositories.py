"""The AWS side of the codify ports (ports.py): RunsTable, the models store, the StagingBucket, Textract and
Powertools' idempotency. Nothing here decides anything about a request; the use case does (service.py)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.serialization.base import BaseIdempotencySerializer
from botocore.exceptions import BotoCoreError, ClientError
from common import aws
from common.coder import CoderPort
from common.errors import ApiError, ErrorDetail, InvalidRequest, ModelNotFound, NotFound, ServiceUnavailable
from common.observability import logger

from .models import CodifyResponse, ModelSummary, RunRecord
from .ports import OcrFailed, ReplayRef, RunsFilter

SSE = "AES256"  # every object this service writes is encrypted at rest (also the bucket default)
PDF_CONTENT_TYPE = "application/pdf"


def upload_key(tenant: str, upload_id: str) -> str:
    return f"tenants/{tenant}/uploads/{upload_id}"


def run_input_key(tenant: str, run_id: str) -> str:
    return f"tenants/{tenant}/runs/{run_id}/input.pdf"


# ---------------------------------------------------------------- RunsTable


class DynamoRunsRepository:
    """One immutable item per run: conditional put, never updated (the function's role may not UpdateItem or
    DeleteItem on the table); DynamoDB's TTL removes it when the retention period ends."""

    INDEXES: ClassVar[dict[str | None, tuple[str, str]]] = {  # filter -> GSI name -> its partition attribute (all sorted by created_at)
        None: ("by-tenant-time", "tenant"),
        "patient_id": ("by-patient-time", "tenant_patient"),
        "doctor_id": ("by-doctor-time", "tenant_doctor"),
        "encounter_id": ("by-encounter-time", "tenant_encounter"),
    }

    def __init__(self, table_name: str, retention_years: int | None = None) -> None:
        self.table_name = table_name
        self.retention_years = retention_years

    @property
    def _table(self) -> Any:
        return aws.dynamodb().Table(self.table_name)

    def put(self, record: RunRecord) -> None:
        """Conditional put. botocore retries a PutItem whose reply was lost (a read timeout, a reset
        connection) into its own `attribute_not_exists` condition: the item is then read back, and the same
        record means the first attempt was written, which is a success. Another record under the run id
        raises RunIdCollision."""
        if self.retention_years:
            record = record.model_copy(
                update={"expires_at": retention_end(record.created_at, self.retention_years)}
            )
        item = record.model_dump(exclude_none=True)
        item.update(index_keys(record))
        try:
            self._table.put_item(Item=item, ConditionExpression="attribute_not_exists(run_id)")
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            stored = self._table.get_item(Key={"run_id": record.run_id}, ConsistentRead=True).get("Item")
            if stored is None or _record(stored) != record:
                raise RunIdCollision(record.run_id) from None
            logger.info("audit record already written (lost reply retried)", extra={"run_id": record.run_id})

    def get(self, tenant: str, run_id: str) -> RunRecord:
        item = self._table.get_item(Key={"run_id": run_id}, ConsistentRead=True).get("Item")
        if not item or item.get("tenant") != tenant:  # another tenant's run is indistinguishable from none
            raise NotFound("No such run.")
        return _record(item)

    def query(self, tenant: str, runs_filter: RunsFilter) -> tuple[list[RunRecord], str | None]:
        from boto3.dynamodb.conditions import Key

        by = next((f for f in ("patient_id", "doctor_id", "encounter_id") if getattr(runs_filter, f)), None)
        index, partition = self.INDEXES[by]
        value = tenant if by is None else f"{tenant}#{getattr(runs_filter, by)}"
        condition: Any = Key(partition).eq(value)
        created = Key("created_at")
        if runs_filter.start and runs_filter.end:
            condition &= created.between(runs_filter.start, runs_filter.end)
        elif runs_filter.start:
            condition &= created.gte(runs_filter.start)
        elif runs_filter.end:
            condition &= created.lte(runs_filter.end)
        kwargs: dict[str, Any] = {
            "IndexName": index,
            "KeyConditionExpression": condition,
            "ScanIndexForward": False,  # newest first
            "Limit": runs_filter.limit,
        }
        if runs_filter.cursor:
            kwargs["ExclusiveStartKey"] = _decode_cursor(runs_filter.cursor, partition, value)
        page = self._table.query(**kwargs)
        records = [_record(item) for item in page.get("Items", [])]
        last = page.get("LastEvaluatedKey")
        return records, _encode_cursor(last) if last else None


def retention_end(created_at: str, years: int) -> int:
    """Epoch seconds `years` (of 365.25 days) after created_at: the TTL attribute."""
    created = datetime.fromisoformat(created_at)  # 3.11+ reads the trailing Z
    return int(created.timestamp() + years * 365.25 * 86400)


def _encode_cursor(key: dict[str, Any]) -> str:
    """The page's LastEvaluatedKey (run id, created_at, the index's partition key: ids the caller may read)
    as URL-safe base64 JSON. Opaque to clients; checked against the query when it comes back."""
    raw = json.dumps({k: str(v) for k, v in key.items()}, sort_keys=True, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, partition: str, value: str) -> dict[str, str]:
    """A cursor from this query only: same index, same partition (so never another tenant's)."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error):
        key = None
    expected = {"run_id", "created_at", partition}
    if not isinstance(key, dict) or set(key) != expected or key.get(partition) != value:
        detail = ErrorDetail(
            field="query.cursor", issue="invalid_cursor", message="Not a cursor of this query."
        )
        raise InvalidRequest("The request is invalid; see details.", [detail])
    if not all(isinstance(v, str) for v in key.values()):
        raise InvalidRequest("The request is invalid; see details.")
    return key


class RunIdCollision(Exception):
    """A conditional put found another record under the run id (never expected: ids are random)."""


INDEX_KEYS = ("tenant_patient", "tenant_doctor", "tenant_encounter")


def index_keys(record: RunRecord) -> dict[str, str]:
    """The GSI partition keys, scoped by tenant: tracking ids are only unique within a tenant."""
    keys = {}
    for attribute, value in (
        ("tenant_patient", record.patient_id),
        ("tenant_doctor", record.doctor_id),
        ("tenant_encounter", record.encounter_id),
    ):
        if value:
            keys[attribute] = f"{record.tenant}#{value}"
    return keys


def _record(item: dict[str, Any]) -> RunRecord:
    item = {k: v for k, v in item.items() if k not in INDEX_KEYS}
    return RunRecord.model_validate(_from_dynamo(item))


def _from_dynamo(value: Any) -> Any:
    """DynamoDB numbers come back as Decimal; the records only hold integers."""
    if isinstance(value, Decimal):
        return int(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_dynamo(v) for v in value]
    return value


# ---------------------------------------------------------------- custom models


class S3ModelStore:
    """Custom models under s3://MODELS_BUCKET/tenants/{tenant}/models/{id}/ (model.onnx + manifest.json, and
    the center's vocabulary.json and code_set.json where it has them), loaded once per container (a few at a
    time, least recently used first out)."""

    FILES = ("model.onnx", "manifest.json")
    OPTIONAL_FILES = ("vocabulary.json", "code_set.json")

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

    def manifests(self, tenant: str) -> list[tuple[str, dict[str, Any], str]]:
        """(model id, manifest, uploaded at) of every model folder of the tenant that has a readable manifest."""
        s3 = aws.s3()
        out: list[tuple[str, dict[str, Any], str]] = []
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
                out.append((model_id, manifest, obj["LastModified"].isoformat()))
        return sorted(out, key=lambda m: m[0])

    def list(self, tenant: str) -> list[ModelSummary]:
        return [self._summary(*m) for m in self.manifests(tenant)]

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
        """`base` with the tenant's model, loaded on first use and kept (a few, least recently used out).

        Only a model that loaded is cached: a corrupt or incompatible one is answered 404 MODEL_NOT_FOUND
        saying so, its files are removed from /tmp, and the next request tries again (a fixed model, pushed
        again, has a new ETag and so a new cache key)."""
        s3 = aws.s3()
        prefix = self.prefix(tenant, model_id)
        try:
            # the manifest's ETag: it names every file's content (its version hashes the ONNX graph, the
            # vocabulary and the code set), so a model pushed again with a new vocabulary is a new cache key
            etag = s3.head_object(Bucket=self.bucket, Key=prefix + "manifest.json")["ETag"].strip('"')
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound", "403"}:
                raise ModelNotFound() from None
            raise
        key = (tenant, model_id, etag)
        with self._lock:
            if key in self._loaded:
                self._loaded.move_to_end(key)
                return self._loaded[key]
        target = self._dir(key)
        target.mkdir(parents=True, exist_ok=True)
        try:
            for name in self.FILES:
                s3.download_file(self.bucket, prefix + name, str(target / name))
            for name in self.OPTIONAL_FILES:
                try:
                    s3.download_file(self.bucket, prefix + name, str(target / name))
                except ClientError as exc:
                    if exc.response.get("Error", {}).get("Code") not in {"404", "NoSuchKey", "NotFound"}:
                        raise
        except ClientError:
            shutil.rmtree(target, ignore_errors=True)
            raise ModelNotFound() from None
        try:
            coder = base.with_model_dir(target)
        except Exception as exc:  # noqa: BLE001 (a model that does not load is unusable: say so)
            shutil.rmtree(target, ignore_errors=True)
            logger.warning("custom model failed to load", extra={"model_id": model_id, "error_type": type(exc).__name__})
            raise ModelNotFound(
                f"The model '{model_id}' exists but cannot be loaded: its files are corrupt or were built for "
                "another version of the coder. Train it again, or push it again.",
                reason="model_unloadable",
            ) from None
        evicted: list[tuple[str, str, str]] = []
        with self._lock:
            self._loaded[key] = coder
            while len(self._loaded) > self._max_loaded:
                evicted.append(self._loaded.popitem(last=False)[0])
        for old in evicted:  # /tmp is small: an evicted model's files go with it
            shutil.rmtree(self._dir(old), ignore_errors=True)
        return coder

    def _dir(self, key: tuple[str, str, str]) -> Path:
        return self.cache_dir / hashlib.sha256("/".join(key).encode()).hexdigest()[:32]

    def loaded(self) -> tuple[tuple[str, str, str], ...]:
        """The cache's keys, least recently used first (tests, diagnostics)."""
        with self._lock:
            return tuple(self._loaded)


# ---------------------------------------------------------------- StagingBucket


class S3StagingStore:
    def __init__(self, bucket: str) -> None:
        self.bucket = bucket

    def upload_size(self, tenant: str, upload_id: str) -> int:
        try:
            head = aws.s3().head_object(Bucket=self.bucket, Key=upload_key(tenant, upload_id))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                # Another tenant's upload id lands here too (the key is under this tenant's prefix), so
                # both read the same: nothing tells a caller that the id exists elsewhere.
                raise NotFound(
                    "No upload with this upload_id has arrived for this tenant. POST the file to the URL and "
                    "fields returned by POST /v1/uploads first (the form expires), then send upload_id.",
                    reason="upload_not_found",
                ) from None
            raise _unavailable(exc) from None
        return int(head.get("ContentLength", 0))

    def read_upload(self, tenant: str, upload_id: str, max_bytes: int) -> bytes:
        key = upload_key(tenant, upload_id)
        body = _s3_call(lambda: aws.s3().get_object(Bucket=self.bucket, Key=key)["Body"])
        return body.read(max_bytes)

    def delete_upload(self, tenant: str, upload_id: str) -> None:
        try:
            aws.s3().delete_object(Bucket=self.bucket, Key=upload_key(tenant, upload_id))
        except (ClientError, BotoCoreError) as exc:  # the lifecycle rule removes it later anyway
            logger.warning("upload delete failed", extra={"error_type": type(exc).__name__})

    def stage_input(self, tenant: str, run_id: str, data: bytes) -> str:
        key = run_input_key(tenant, run_id)
        _s3_call(
            lambda: aws.s3().put_object(
                Bucket=self.bucket, Key=key, Body=data, ContentType=PDF_CONTENT_TYPE, ServerSideEncryption=SSE
            )
        )
        return key


def _unavailable(exc: Exception) -> ApiError:
    logger.error("staging bucket call failed", extra={"error_type": type(exc).__name__})
    return ServiceUnavailable("Document storage is temporarily unavailable.")


def _s3_call(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except (ClientError, BotoCoreError) as exc:
        raise _unavailable(exc) from None


# ---------------------------------------------------------------- OCR (Amazon Textract)


class TextractRecognizer:
    """Textract over PDFs staged in the StagingBucket."""

    def __init__(self, bucket: str) -> None:
        self.bucket = bucket

    def lines(self, key: str, *, pages: int, timeout: float) -> dict[int, list[str]]:
        try:
            return textract_lines(self.bucket, key, pages=pages, timeout=timeout)
        except (ClientError, BotoCoreError, TimeoutError) as exc:
            raise OcrFailed(type(exc).__name__) from None


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


# ---------------------------------------------------------------- idempotency (Powertools, IdempotencyTable)


class _ReplayRefSerializer(BaseIdempotencySerializer):
    def to_dict(self, data: CodifyResponse) -> dict:
        return {"run_id": data.run_id, "created_at": data.created_at, "model_version": data.model.version}

    def from_dict(self, data: dict) -> ReplayRef:
        return ReplayRef(str(data["run_id"]), str(data["created_at"]), str(data.get("model_version", "")))


def _execute(*, idempotency: dict[str, Any], produce: Callable[[], CodifyResponse]) -> CodifyResponse:
    return produce()


# Powertools names its records after the function's module and qualified name; these are the names the
# records had before the use case moved out of service.py, so retries across a deploy still replay.
_execute.__module__, _execute.__qualname__ = "codify.service", "CodifyService._execute"


class PowertoolsIdempotency:
    """Keys scoped by tenant; the body's sha256 validates a replay; only a ReplayRef is stored."""

    def __init__(self, table_name: str, ttl_seconds: int) -> None:
        self._config = IdempotencyConfig(
            event_key_jmespath="[tenant, key]",
            payload_validation_jmespath="body_sha256",
            expires_after_seconds=ttl_seconds,
        )
        persistence = DynamoDBPersistenceLayer(table_name=table_name, boto3_client=aws.dynamodb_client())
        self._once = idempotent_function(
            data_keyword_argument="idempotency",
            persistence_store=persistence,
            config=self._config,
            output_serializer=_ReplayRefSerializer(),
        )(_execute)

    def once(
        self,
        *,
        tenant: str,
        key: str,
        fingerprint: str,
        produce: Callable[[], CodifyResponse],
        lambda_context: Any = None,
    ) -> CodifyResponse | ReplayRef:
        if lambda_context is not None:
            self._config.register_lambda_context(lambda_context)
        return self._once(
            idempotency={"tenant": tenant, "key": key, "body_sha256": fingerprint}, produce=produce
        )
