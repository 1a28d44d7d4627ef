"""CodifyFunction: POST /v1/codify, GET /v1/runs/{run_id}, /v1/models (model_routes), POST /v1/uploads,
GET /v1/openapi.json and GET /v1/docs. Thin: parse, call one use case, return a model."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer, Server
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Query
from aws_lambda_powertools.event_handler.openapi.params import Path as PathParam
from aws_lambda_powertools.utilities.typing import LambdaContext
from common import deadline as request_deadline
from common import errors
from common.caller import Caller, caller_from
from common.errors import ApiError, ErrorDetail, InvalidRequest, Unauthorized, openapi_errors
from common.ids import iso
from common.observability import logger, metrics, tracer
from common.settings import SERVICE_VERSION, codify_settings
from health.routes import router as health_router

from .model_routes import router as models_router
from .models import (
    CURSOR_PATTERN,
    RUN_ID_PATTERN,
    TRACKING_PATTERN,
    CodifyRequest,
    CodifyResponse,
    RunRecord,
    RunsPage,
)
from .pdf_input import PdfInput
from .ports import RunsFilter
from .repositories import (
    DynamoRunsRepository,
    PowertoolsIdempotency,
    S3ModelStore,
    S3StagingStore,
    TextractRecognizer,
)
from .service import CodifyCommand, CodifyService, Tracking
from .uploads import router as uploads_router

app = APIGatewayRestResolver(enable_validation=True)
app.include_router(uploads_router)
app.include_router(models_router)
app.include_router(health_router)

SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]


@cache
def service() -> CodifyService:
    """The use case wired to AWS, once per container."""
    settings = codify_settings()
    return CodifyService(
        runs=DynamoRunsRepository(settings.runs_table, settings.retention_years),
        models=S3ModelStore(settings.models_bucket, settings.model_cache_dir, settings.model_cache_size),
        pdf=PdfInput(
            S3StagingStore(settings.staging_bucket), TextractRecognizer(settings.staging_bucket), settings
        ),
        idempotency=PowertoolsIdempotency(settings.idempotency_table, settings.idempotency_ttl_seconds),
    )


def caller() -> Caller:
    return caller_from(app.current_event, app.lambda_context)


def _tracking_from_headers() -> tuple[Tracking, str | None]:
    """Valid tracking headers only (used to audit a request that failed validation)."""
    headers = app.current_event.headers
    pattern = re.compile(TRACKING_PATTERN)

    def ok(name: str) -> str | None:
        value = headers.get(name)
        return value if isinstance(value, str) and pattern.match(value) else None

    return Tracking(ok("X-Doctor-Id"), ok("X-Patient-Id"), ok("X-Encounter-Id")), ok("Idempotency-Key")


def _audit_rejected(error: ApiError) -> None:
    """A codify request refused before the route ran (validation): audited like any other run."""
    event = app.current_event
    if event.get("resource") != "/v1/codify" or event.http_method != "POST":
        return
    try:
        who = caller()
    except Unauthorized:
        return  # not authenticated: nothing to audit
    tracking, key = _tracking_from_headers()
    service().reject(who, tracking, key, error)


errors.register(app, on_refused=_audit_rejected)


def _no_store(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response:
    """Codify answers carry evidence (note text), run records carry patient ids, upload forms carry signed
    fields: no shared or browser cache may keep any of them. Error answers set it in common.errors."""
    response = next_middleware(app)
    response.headers["Cache-Control"] = "no-store"
    return response


app.use(middlewares=[_no_store])

CODIFY_ERRORS = openapi_errors(400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 503)


@app.post(
    "/v1/codify",
    summary="Code a clinical note (text, base64 PDF or upload) into ICD-10-CM FY2026",
    responses={
        200: {
            "description": "The codes, with evidence, and the run id",
            "content": {"application/json": {"model": CodifyResponse}},
        },
        **CODIFY_ERRORS,
    },
    security=SECURITY,
    tags=["codify"],
)
def codify(
    request: Annotated[CodifyRequest, Body(embed=False)],
    x_doctor_id: Annotated[str | None, Header(alias="X-Doctor-Id", pattern=TRACKING_PATTERN)] = None,
    x_patient_id: Annotated[str | None, Header(alias="X-Patient-Id", pattern=TRACKING_PATTERN)] = None,
    x_encounter_id: Annotated[str | None, Header(alias="X-Encounter-Id", pattern=TRACKING_PATTERN)] = None,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            pattern=TRACKING_PATTERN,
            description="Same key + same body within 24 h: same run",
        ),
    ] = None,
) -> CodifyResponse:
    command = CodifyCommand(
        caller(), request, Tracking(x_doctor_id, x_patient_id, x_encounter_id), idempotency_key
    )
    return service().codify(command, lambda_context=app.lambda_context)


@app.get(
    "/v1/runs/<run_id>",
    summary="The audit record of a run (same tenant only)",
    responses={
        200: {"description": "The audit record", "content": {"application/json": {"model": RunRecord}}},
        **openapi_errors(400, 401, 403, 404, 429, 500),
    },
    security=SECURITY,
    tags=["runs"],
)
def get_run(run_id: Annotated[str, PathParam(pattern=RUN_ID_PATTERN)]) -> RunRecord:
    return service().get_run(caller(), run_id)


def _utc_iso(moment: datetime | None) -> str | None:
    """The records' own format (common.ids.iso), a time without a zone read as UTC."""
    if moment is None:
        return None
    return iso(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


@app.get(
    "/v1/runs",
    summary="The tenant's runs, newest first: all, or by patient, doctor or encounter, in a time range",
    responses={
        200: {"description": "A page of audit records", "content": {"application/json": {"model": RunsPage}}},
        **openapi_errors(400, 401, 403, 429, 500, 503),
    },
    security=SECURITY,
    tags=["runs"],
)
def list_runs(
    patient_id: Annotated[str | None, Query(pattern=TRACKING_PATTERN)] = None,
    doctor_id: Annotated[str | None, Query(pattern=TRACKING_PATTERN)] = None,
    encounter_id: Annotated[str | None, Query(pattern=TRACKING_PATTERN)] = None,
    start: Annotated[
        datetime | None, Query(alias="from", description="Runs created at or after (ISO 8601; UTC if no zone)")
    ] = None,
    end: Annotated[datetime | None, Query(alias="to", description="Runs created at or before (ISO 8601)")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[
        str | None, Query(pattern=CURSOR_PATTERN, description="`next_cursor` of the previous page")
    ] = None,
) -> RunsPage:
    given = [name for name, value in (("patient_id", patient_id), ("doctor_id", doctor_id),
                                       ("encounter_id", encounter_id)) if value]  # fmt: skip
    if len(given) > 1:
        raise InvalidRequest(
            "The request is invalid; see details.",
            [ErrorDetail(field=f"query.{n}", issue="one_filter", message="Send at most one of patient_id, "
                         "doctor_id, encounter_id.") for n in given],
        )  # fmt: skip
    runs_filter = RunsFilter(
        patient_id=patient_id, doctor_id=doctor_id, encounter_id=encounter_id,
        start=_utc_iso(start), end=_utc_iso(end), limit=limit, cursor=cursor,
    )  # fmt: skip
    return service().list_runs(caller(), runs_filter)


# ------------------------------------------------------------------ OpenAPI and Swagger UI
def _base_path() -> str:
    rc = app.current_event.request_context
    stage = rc.stage
    return f"/{stage}" if stage and rc.path and rc.path.startswith(f"/{stage}/") else ""


@cache
def openapi_document(base_path: str = "") -> dict[str, Any]:
    """The generated document, with Powertools' generic 422 removed where a route cannot return it
    (validation errors are answered 400 INVALID_REQUEST in the envelope)."""
    raw = app.get_openapi_json_schema(
        title="Codify API",
        version=SERVICE_VERSION,
        description="ICD-10-CM FY2026 coding of clinical notes with confidence, evidence and discard reasons. "
        'Every error is the envelope `{"error": {"code", "message", "request_id", "details"?}}`.',
        servers=[Server(url=base_path or "/")],
        tags=["codify", "uploads", "runs", "models", "health"],  # Swagger UI lists tags in this order
        security_schemes={"bearerAuth": HTTPBearer(description="A token from `codify tokens create`")},
    )
    doc = json.loads(raw)
    for path_item in doc.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.get("responses", {})
            ref = json.dumps(responses.get("422", {}))
            if "HTTPValidationError" in ref:
                del responses["422"]
    # Keep only the schemas the paths reach (drops Powertools' unused validation-error schemas).
    schemas = doc.get("components", {}).get("schemas", {})
    reachable: set[str] = set()
    pending = re.findall(r"#/components/schemas/([\w.-]+)", json.dumps(doc.get("paths", {})))
    while pending:
        name = pending.pop()
        if name not in reachable and name in schemas:
            reachable.add(name)
            pending += re.findall(r"#/components/schemas/([\w.-]+)", json.dumps(schemas[name]))
    for name in set(schemas) - reachable:
        del schemas[name]
    return doc


@app.get("/v1/openapi.json", include_in_schema=False)
def openapi_json():
    return Response(
        status_code=200, content_type="application/json", body=json.dumps(openapi_document(_base_path()))
    )


@app.get("/v1/docs", include_in_schema=False)
def swagger_ui():
    # Powertools bundles the Swagger UI assets: the page is self-contained and works offline.
    from aws_lambda_powertools.event_handler.openapi import swagger_ui as assets
    from aws_lambda_powertools.event_handler.openapi.swagger_ui.html import generate_swagger_html

    folder = Path(assets.__file__).parent
    spec = json.dumps(openapi_document(_base_path())).replace("</", "<\\/")
    html = generate_swagger_html(
        spec,
        (folder / "swagger-ui-bundle.min.js").read_text(encoding="utf-8"),
        (folder / "swagger-ui.min.css").read_text(encoding="utf-8"),
        None,  # no CDN base URL: inline assets
        None,
    )
    return Response(status_code=200, content_type="text/html", body=html)


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId", clear_state=True)
@tracer.capture_lambda_handler(capture_response=False, capture_error=False)  # bodies carry note text
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # One deadline for everything this request does (PDF, OCR, coding, AWS calls): common/deadline.py.
    with request_deadline.bound(request_deadline.for_request(context)):
        return app.resolve(event, context)
