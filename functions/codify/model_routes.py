"""/v1/models: list the tenant's models, train one from a training upload (202, then poll), read its status,
delete it. Thin: parse, call the use case (custom_models.service), return a model."""

from __future__ import annotations

from functools import cache
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.openapi.params import Path as PathParam
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from common.caller import Caller, caller_from
from common.coder import get_coder
from common.errors import openapi_errors
from common.settings import codify_settings
from custom_models.launcher import launcher_for
from custom_models.registry import (
    ModelFiles,
    ModelsTableRegistry,
    TrainingUploads,
    code_system_of,
    metrics_of,
)
from custom_models.schema import (
    MODEL_ID_PATTERN,
    CreateModelRequest,
    ModelAccepted,
    ModelsResponse,
    ModelStatus,
)
from custom_models.service import ModelsService

from .repositories import S3ModelStore

router = APIGatewayRouter()
SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]


@cache
def models_service() -> ModelsService:
    settings = codify_settings()
    bucket = S3ModelStore(settings.models_bucket, settings.model_cache_dir)

    def bucket_models(tenant: str) -> list[ModelStatus]:
        """Models an operator copied into the bucket (the way before the API trained them): ready."""
        out = []
        for model_id, manifest, uploaded_at in bucket.manifests(tenant):
            summary = S3ModelStore._summary(model_id, manifest, uploaded_at)
            model = ModelStatus(
                id=model_id, status="ready", version=summary.version, description=summary.description,
                terminology=summary.terminology, code_system=code_system_of(manifest),
                created_at=summary.created_at, metrics=metrics_of(manifest), source="bucket",
            )  # fmt: skip
            out.append(model)
        return out

    def default_model() -> ModelStatus:
        model = get_coder().model
        return ModelStatus(id="default", status="ready", default=True, version=model.version,
                           terminology=model.terminology, code_system=model.terminology, source="builtin")  # fmt: skip

    return ModelsService(
        registry=ModelsTableRegistry(settings.models_table),
        files=ModelFiles(settings.models_bucket),
        uploads=TrainingUploads(settings.staging_bucket),
        launch=lambda event: launcher_for(settings.training_function)(event),
        bucket_models=bucket_models,
        default_model=default_model,
    )


def caller() -> Caller:
    return caller_from(router.current_event, router.lambda_context)


@router.get(
    "/v1/models",
    summary="The models this tenant can select: default and its custom models, with their status",
    responses={
        200: {"description": "Models", "content": {"application/json": {"model": ModelsResponse}}},
        **openapi_errors(401, 403, 429, 500, 503),
    },
    security=SECURITY,
    tags=["models"],
)
def list_models() -> ModelsResponse:
    return models_service().list(caller())


@router.post(
    "/v1/models",
    summary="Train a custom model on a training upload (JSONL of coded notes); poll GET /v1/models/{id}",
    responses={
        202: {
            "description": "Training started",
            "content": {"application/json": {"model": ModelAccepted}},
        },
        **openapi_errors(400, 401, 403, 404, 409, 413, 415, 429, 500, 503),
    },
    security=SECURITY,
    tags=["models"],
)
def create_model(request: Annotated[CreateModelRequest, Body(embed=False)]) -> Response[ModelAccepted]:
    accepted = models_service().create(caller(), request)
    return Response(
        status_code=202, content_type="application/json", body=accepted,
        headers={"Location": f"/v1/models/{accepted.id}", "Cache-Control": "no-store"},
    )  # fmt: skip


@router.get(
    "/v1/models/<model_id>",
    summary="A model's status (training, ready, failed with the reason), counts and cross-validated metrics",
    responses={
        200: {"description": "The model", "content": {"application/json": {"model": ModelStatus}}},
        **openapi_errors(400, 401, 403, 404, 429, 500, 503),
    },
    security=SECURITY,
    tags=["models"],
)
def get_model(model_id: Annotated[str, PathParam(pattern=MODEL_ID_PATTERN)]) -> ModelStatus:
    return models_service().get(caller(), model_id)


@router.delete(
    "/v1/models/<model_id>",
    summary="Delete a custom model (its files, every version, and its training data if still training)",
    responses={204: {"description": "Deleted"}, **openapi_errors(400, 401, 403, 404, 429, 500, 503)},
    security=SECURITY,
    tags=["models"],
)
def delete_model(model_id: Annotated[str, PathParam(pattern=MODEL_ID_PATTERN)]) -> Response[None]:
    models_service().delete(caller(), model_id)
    return Response(status_code=204, headers={"Cache-Control": "no-store"})
