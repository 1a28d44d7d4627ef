"""HealthFunction: GET /v1/health, no authentication; 503 when the model cannot load."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.utilities.typing import LambdaContext
from common import errors
from common.observability import logger, metrics, tracer
from common.settings import health_settings

from .routes import router

app = APIGatewayRestResolver(enable_validation=True)
app.include_router(router)
errors.register(app)


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId", clear_state=True)
@tracer.capture_lambda_handler(capture_response=False, capture_error=False)  # bodies carry note text
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    health_settings()  # fail fast on a misconfigured function
    return app.resolve(event, context)
