"""The AWS side of custom models: their status in ModelsTable (one item per tenant and model id) and their
files in the ModelsBucket under tenants/{tenant}/models/{id}/. Every key starts with the caller's tenant,
so no call here can reach another tenant's model."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError
from common import aws

from .schema import ModelFailure, ModelMetrics, ModelStatus

SSE = "AES256"
# A model directory as codify train writes it, in publishing order: the manifest last (a model is listed once
# its manifest exists, and by then its other files do too). The learned vocabulary and the declared code set
# are a custom model's center knowledge: a model published without them would code with neither.
MODEL_FILES = ("model.onnx", "vocabulary.json", "code_set.json", "manifest.json")
REQUIRED_MODEL_FILES = ("model.onnx", "manifest.json")  # a model on ICD-10-CM FY2026 has no code_set.json


def model_files(model_dir: Path) -> list[str]:
    """The files of MODEL_FILES a model directory has (the required ones always), in publishing order."""
    return [name for name in MODEL_FILES if name in REQUIRED_MODEL_FILES or (Path(model_dir) / name).is_file()]


def training_upload_key(tenant: str, upload_id: str) -> str:
    return f"tenants/{tenant}/training-uploads/{upload_id}"


def model_prefix(tenant: str, model_id: str | None = None) -> str:
    base = f"tenants/{tenant}/models/"
    return base if model_id is None else f"{base}{model_id}/"


class ModelExists(Exception):
    """A model with this id already exists for the tenant."""


def metrics_of(manifest: dict[str, Any]) -> ModelMetrics | None:
    """MAP, F1 and ECE from a manifest: the cross-validated ones where training wrote them, else the held-out
    split's (manifests written before cross-validation existed)."""
    metrics = manifest.get("metrics")
    if not isinstance(metrics, dict):
        return None
    cv = metrics.get("cross_validated")
    if isinstance(cv, dict):
        return ModelMetrics(map=_num(cv.get("map")), f1=_num(cv.get("f1")), ece=_num(cv.get("ece")),
                            method="cross_validated")  # fmt: skip
    held = metrics.get("held_out")
    if isinstance(held, dict):
        return ModelMetrics(
            map=_num(held.get("code_map", held.get("map"))),
            f1=_num(held.get("code_f1", held.get("f1"))),
            ece=_num(held.get("code_ece", held.get("ece"))),
            method="held_out",
        )
    return None


def code_system_of(manifest: dict[str, Any]) -> str | None:
    """The code system a manifest declares; a model without a declaration codes with its terminology's."""
    declared = manifest.get("code_system")
    if isinstance(declared, dict):
        declared = declared.get("name")
    if isinstance(declared, str) and declared:
        return declared
    terminology = manifest.get("terminology")
    if isinstance(terminology, dict):
        terminology = terminology.get("name")
    return terminology if isinstance(terminology, str) else None


def _num(value: Any) -> float | None:
    return round(float(value), 4) if isinstance(value, (int, float)) else None


class ModelsTableRegistry:
    """ModelsTable: key (tenant, model_id); the status of each model trained or pushed."""

    def __init__(self, table_name: str) -> None:
        self.table_name = table_name

    @property
    def _table(self) -> Any:
        return aws.dynamodb().Table(self.table_name)

    def create(self, item: dict[str, Any]) -> None:
        try:
            self._table.put_item(Item=_clean(item), ConditionExpression="attribute_not_exists(model_id)")
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise ModelExists() from None
            raise

    def put(self, item: dict[str, Any]) -> None:
        """Create or replace (a pushed model replaces the tenant's model of the same id)."""
        self._table.put_item(Item=_clean(item))

    def get(self, tenant: str, model_id: str) -> dict[str, Any] | None:
        item = self._table.get_item(Key={"tenant": tenant, "model_id": model_id}, ConsistentRead=True).get("Item")
        return dict(item) if item else None

    def list(self, tenant: str) -> list[dict[str, Any]]:
        from boto3.dynamodb.conditions import Key

        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"KeyConditionExpression": Key("tenant").eq(tenant)}
        while True:
            page = self._table.query(**kwargs)
            items.extend(page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def finish(self, tenant: str, model_id: str, job_id: str, fields: dict[str, Any]) -> bool:
        """Set the outcome of training job `job_id`; False when the model was deleted (or recreated) meanwhile."""
        fields = _clean(fields)
        names = {f"#f{i}": k for i, k in enumerate(fields)}
        values = {f":v{i}": v for i, v in enumerate(fields.values())}
        try:
            self._table.update_item(
                Key={"tenant": tenant, "model_id": model_id},
                UpdateExpression="SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(fields))),
                ConditionExpression="job_id = :job",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues={**values, ":job": job_id},
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def delete(self, tenant: str, model_id: str) -> dict[str, Any] | None:
        """Removes the item; returns it as it was (None when there was none)."""
        old = self._table.delete_item(Key={"tenant": tenant, "model_id": model_id}, ReturnValues="ALL_OLD")
        return dict(old["Attributes"]) if old.get("Attributes") else None


def _clean(item: dict[str, Any]) -> dict[str, Any]:
    """DynamoDB takes no floats: metrics go as JSON text, other floats as Decimal; None fields are left out."""
    out: dict[str, Any] = {}
    for key, value in item.items():
        if value is None:
            continue
        if isinstance(value, (dict, list)) and key in ("metrics", "failure"):
            value = json.dumps(value, sort_keys=True)
        elif isinstance(value, float):
            value = Decimal(str(value))
        out[key] = value
    return out


def status_from_item(item: dict[str, Any]) -> ModelStatus:
    metrics = json.loads(item["metrics"]) if isinstance(item.get("metrics"), str) else None
    failure = json.loads(item["failure"]) if isinstance(item.get("failure"), str) else None
    return ModelStatus(
        id=str(item["model_id"]),
        status=item["status"],
        version=item.get("version"),
        description=item.get("description"),
        terminology=item.get("terminology"),
        code_system=item.get("code_system"),
        language=item.get("language"),
        created_at=item.get("created_at"),
        updated_at=item.get("updated_at"),
        notes=int(item["notes"]) if item.get("notes") is not None else None,
        codes=int(item["codes"]) if item.get("codes") is not None else None,
        metrics=ModelMetrics.model_validate(metrics) if metrics else None,
        warnings=list(item.get("warnings") or []),
        failure=ModelFailure.model_validate(failure) if failure else None,
        source=item.get("source", "api"),
    )


class ModelFiles:
    """The model files in the ModelsBucket (versioned: a delete removes every version)."""

    def __init__(self, bucket: str) -> None:
        self.bucket = bucket

    def publish(self, tenant: str, model_id: str, model_dir: Path) -> None:
        s3 = aws.s3()
        prefix = model_prefix(tenant, model_id)
        for name in model_files(model_dir):
            s3.upload_file(str(Path(model_dir) / name), self.bucket, prefix + name,
                           ExtraArgs={"ServerSideEncryption": SSE})  # fmt: skip

    def exists(self, tenant: str, model_id: str) -> bool:
        page = aws.s3().list_objects_v2(Bucket=self.bucket, Prefix=model_prefix(tenant, model_id), MaxKeys=1)
        return bool(page.get("KeyCount"))

    def delete(self, tenant: str, model_id: str) -> int:
        """Every version and delete marker under the model's prefix; returns how many were removed."""
        s3 = aws.s3()
        removed = 0
        paginator = s3.get_paginator("list_object_versions")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=model_prefix(tenant, model_id)):
            doomed = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                      for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]  # fmt: skip
            for start in range(0, len(doomed), 1000):
                s3.delete_objects(Bucket=self.bucket, Delete={"Objects": doomed[start : start + 1000], "Quiet": True})
                removed += len(doomed[start : start + 1000])
        return removed


class TrainingUploads:
    """Training files in the StagingBucket, under tenants/{tenant}/training-uploads/{upload_id}: PHI, read
    once by the training job and deleted after it (the bucket's lifecycle rule expires any left behind)."""

    def __init__(self, bucket: str) -> None:
        self.bucket = bucket

    def size(self, tenant: str, upload_id: str) -> int | None:
        """The upload's size, or None when no such upload has arrived for this tenant."""
        try:
            head = aws.s3().head_object(Bucket=self.bucket, Key=training_upload_key(tenant, upload_id))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise
        return int(head.get("ContentLength", 0))

    def download(self, tenant: str, upload_id: str, path: Path) -> bool:
        """To a local file; False when the upload is gone."""
        try:
            aws.s3().download_file(self.bucket, training_upload_key(tenant, upload_id), str(path))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True

    def delete(self, tenant: str, upload_id: str) -> None:
        aws.s3().delete_object(Bucket=self.bucket, Key=training_upload_key(tenant, upload_id))
