"""GET /v1/health, as a Powertools Router: served by HealthFunction, and included in the codify
resolver only so that the one OpenAPI document describes the whole API."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from common.coder import get_coder
from common.errors import openapi_errors
from common.settings import SERVICE_VERSION
from pydantic import BaseModel

router = APIGatewayRouter()


class HealthModel(BaseModel):
    id: str
    version: str
    terminology: str


class HealthResponse(BaseModel):
    status: str = "ok"
    version: str
    model: HealthModel


@router.get(
    "/v1/health",
    summary="Liveness and model status (no authentication)",
    responses={
        200: {
            "description": "The model is loaded",
            "content": {"application/json": {"model": HealthResponse}},
        },
        **openapi_errors(500, 503),
    },
    tags=["health"],
)
def health() -> HealthResponse:
    model = get_coder().model  # CoderUnavailable is answered 503 (common.errors)
    return HealthResponse(
        version=SERVICE_VERSION,
        model=HealthModel(id=model.id, version=model.version, terminology=model.terminology),
    )


__all__ = ["HealthResponse", "Response", "health", "router"]
