"""The one map from exceptions to the error envelope.

    {"error": {"code": "PAYLOAD_TOO_LARGE", "message": "...", "request_id": "...", "details": [...]}}

The service raises `ApiError`s; the coder library and the libraries the functions use raise their own
domain errors (a refused PDF, a model that cannot load, an idempotency conflict), which `to_api_error`
maps to statuses here and nowhere else. Messages are fixed strings (the coder's name a limit, never the
document's text); `details` name fields and the kind of problem, never the values sent (they may be note
text). Unexpected exceptions become 500 INTERNAL_ERROR and are logged by type and stack frames only,
because exception messages can carry input values.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyPersistenceLayerError,
    IdempotencyValidationError,
)
from botocore.exceptions import BotoCoreError, ClientError
from codify_coder.deadline import DeadlineExceeded
from codify_coder.extract import NotPdf, PdfRejected, PdfTooLarge
from pydantic import BaseModel, ConfigDict, Field

from .coder import CoderUnavailable
from .observability import logger

ErrorCode = Literal[
    "INVALID_REQUEST",
    "UNAUTHORIZED",
    "FORBIDDEN",
    "NOT_FOUND",
    "MODEL_NOT_FOUND",
    "IDEMPOTENCY_CONFLICT",
    "MODEL_EXISTS",
    "PAYLOAD_TOO_LARGE",
    "UNSUPPORTED_MEDIA_TYPE",
    "UNPROCESSABLE_DOCUMENT",
    "RATE_LIMITED",
    "INTERNAL_ERROR",
    "SERVICE_UNAVAILABLE",
]


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: str = Field(description="Where the problem is: `body.text`, `header.X-Patient-Id`, `body`…")
    issue: str = Field(description="Machine-readable kind of problem (`missing`, `extra_forbidden`…)")
    message: str = Field(description="What is wrong, without the value that was sent")


class ErrorBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: ErrorCode
    message: str
    request_id: str
    details: list[ErrorDetail] | None = Field(None, description="Present for request validation errors")


class ErrorResponse(BaseModel):
    """The envelope of every error response."""

    model_config = ConfigDict(extra="forbid")

    error: ErrorBody


class ApiError(Exception):
    status: ClassVar[int] = 500
    code: ClassVar[ErrorCode] = "INTERNAL_ERROR"
    default_message: ClassVar[str] = "Internal error."
    retry_after: ClassVar[int | None] = None  # seconds, sent as the Retry-After header (429, 503)

    def __init__(
        self,
        message: str | None = None,
        details: Sequence[ErrorDetail] | None = None,
        *,
        reason: str | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.details = list(details) if details else None
        self.reason = reason  # short machine tag for the audit record ("encrypted", "upload_not_found"...)
        super().__init__(self.message)


class InvalidRequest(ApiError):
    status, code, default_message = 400, "INVALID_REQUEST", "The request is invalid."


class Unauthorized(ApiError):
    status, code, default_message = 401, "UNAUTHORIZED", "A valid bearer token is required."


class Forbidden(ApiError):
    status, code, default_message = 403, "FORBIDDEN", "The token may not use this resource."


class NotFound(ApiError):
    status, code, default_message = 404, "NOT_FOUND", "Not found."


class ModelNotFound(ApiError):
    status, code, default_message = 404, "MODEL_NOT_FOUND", "No such model for this tenant."


class IdempotencyConflict(ApiError):
    status, code = 409, "IDEMPOTENCY_CONFLICT"
    default_message = "This Idempotency-Key was already used with a different request body."


class ModelConflict(ApiError):
    status, code = 409, "MODEL_EXISTS"
    default_message = "This tenant already has a model with this id; delete it first or choose another id."


class PayloadTooLarge(ApiError):
    status, code, default_message = 413, "PAYLOAD_TOO_LARGE", "The request is too large."


class UnsupportedMediaType(ApiError):
    status, code, default_message = 415, "UNSUPPORTED_MEDIA_TYPE", "Send Content-Type: application/json."


class UnprocessableDocument(ApiError):
    status, code, default_message = (
        422,
        "UNPROCESSABLE_DOCUMENT",
        "The document has no text that can be coded.",
    )


class RateLimited(ApiError):
    status, code, default_message = 429, "RATE_LIMITED", "Too many requests."
    retry_after = 1


class InternalError(ApiError):
    pass


class ServiceUnavailable(ApiError):
    status, code, default_message = 503, "SERVICE_UNAVAILABLE", "The service is temporarily unavailable."
    retry_after = 2


# AWS error codes that mean "busy or down, try again" (besides any 5xx): throttling and capacity.
AWS_RETRYABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "SlowDown",
        "ServiceUnavailable",
        "InternalServerError",
        "InternalError",
        "RequestTimeout",
        "TransactionConflictException",
        "ProvisionedThroughputExceeded",
    }
)


def _aws_client_error(exc: ClientError) -> ApiError:
    """Throttling and AWS-side failures are 503 (the client may retry); anything else (access denied, a
    missing table: configuration faults) is a 500."""
    error = exc.response.get("Error", {})
    status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    if error.get("Code") in AWS_RETRYABLE_CODES or status >= 500:
        logger.warning(
            "aws unavailable", extra={"error_type": str(error.get("Code")), "operation": exc.operation_name}
        )
        return ServiceUnavailable(reason="aws_unavailable")
    log_unexpected(exc)
    return InternalError()


def _aws_transport_error(exc: BotoCoreError) -> ApiError:
    # Connection refused or reset, timeouts, retries exhausted: the dependency is unreachable for now.
    logger.warning("aws unreachable", extra={"error_type": type(exc).__name__})
    return ServiceUnavailable(reason="aws_unavailable")


ERRORS_BY_STATUS: dict[int, type[ApiError]] = {
    400: InvalidRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: IdempotencyConflict,
    413: PayloadTooLarge,
    415: UnsupportedMediaType,
    422: UnprocessableDocument,
    429: RateLimited,
    500: InternalError,
    503: ServiceUnavailable,
}

# Domain errors -> the API error they are answered with; the first class that matches wins.
DOMAIN_ERRORS: tuple[tuple[type[BaseException], Callable[[Any], ApiError]], ...] = (
    (NotPdf, lambda e: UnsupportedMediaType(e.message, reason=e.reason)),
    (PdfTooLarge, lambda e: PayloadTooLarge(e.message, reason=e.reason)),
    (PdfRejected, lambda e: UnprocessableDocument(e.message, reason=e.reason)),  # unreadable, no text
    (CoderUnavailable, lambda e: ServiceUnavailable("The coding model could not be loaded.")),
    (
        DeadlineExceeded,
        lambda e: ServiceUnavailable(
            "The request could not be completed in time; try again.", reason="deadline_exceeded"
        ),
    ),
    (ClientError, _aws_client_error),
    # Powertools wraps what the idempotency table raised (throttling, the deadline): answer the cause.
    (
        IdempotencyPersistenceLayerError,
        lambda e: to_api_error(e.__cause__) if e.__cause__ is not None else ServiceUnavailable(),
    ),
    (BotoCoreError, _aws_transport_error),
    (IdempotencyValidationError, lambda e: IdempotencyConflict()),
    (
        IdempotencyAlreadyInProgressError,
        lambda e: IdempotencyConflict("A request with this Idempotency-Key is still in progress."),
    ),
)


def to_api_error(exc: BaseException) -> ApiError:
    """The API error an exception is answered with; anything unknown is logged (type and frames) and is 500."""
    if isinstance(exc, ApiError):
        return exc
    for kind, build in DOMAIN_ERRORS:
        if isinstance(exc, kind):
            return build(exc)
    log_unexpected(exc)
    return InternalError()


# Pydantic error types that mean "too large" rather than "invalid" (raised by the request models).
TOO_LARGE_TYPES = frozenset({"payload_too_large"})


def envelope(error: ApiError, request_id: str) -> dict[str, Any]:
    body = ErrorBody(code=error.code, message=error.message, request_id=request_id, details=error.details)
    return {"error": body.model_dump(exclude_none=True)}


def error_response(error: ApiError, request_id: str) -> Response:
    headers = {"Cache-Control": "no-store"}
    if error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    return Response(
        status_code=error.status,
        content_type="application/json",
        body=envelope(error, request_id),
        headers=headers,
    )


_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")


def _field(loc: Iterable[Any]) -> str:
    # Drop list indexes and JSON byte offsets; a key that is no plausible field name (a client that sent
    # note text as a key) is not echoed.
    parts = [str(p) if _NAME.match(str(p)) else "<unnamed>" for p in loc if not isinstance(p, int)]
    return ".".join(parts) or "body"


def _message(err: dict[str, Any]) -> str:
    if err.get("type") == "json_invalid":
        return "The body is not valid JSON."
    # Pydantic messages describe the constraint ("String should have at most 128 characters"), not the
    # value; the custom ones raised by the request models are fixed strings too.
    return str(err.get("msg", "Invalid value."))


def from_validation_errors(errors: Sequence[dict[str, Any]]) -> ApiError:
    details = [
        ErrorDetail(field=_field(e.get("loc", ())), issue=str(e.get("type", "invalid")), message=_message(e))
        for e in errors
    ]
    too_large = [d for d in details if d.issue in TOO_LARGE_TYPES]
    if too_large:
        return PayloadTooLarge(too_large[0].message, too_large)
    return InvalidRequest("The request is invalid; see details.", details)


def log_unexpected(exc: BaseException) -> None:
    frames = [f"{f.filename}:{f.lineno}:{f.name}" for f in traceback.extract_tb(exc.__traceback__)]
    logger.error("unhandled exception", extra={"error_type": type(exc).__name__, "frames": frames[-8:]})


def is_json_content_type(content_type: str | None) -> bool:
    if not content_type:
        return True  # absent: treated as JSON, as API Gateway does for the default mapping
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def register(app: Any, on_refused: Callable[[ApiError], None] | None = None) -> None:
    """Install the exception handlers on a Powertools resolver.

    `on_refused` sees the requests refused before any route code ran (validation, media type, encoding):
    the codify route audits them. Errors raised inside a route are the route's own to audit.
    """

    def request_id() -> str:
        ctx = getattr(app, "lambda_context", None)
        rc = app.current_event.request_context
        return (rc.request_id if rc and rc.request_id else None) or getattr(ctx, "aws_request_id", "") or ""

    def respond(error: ApiError) -> Response:
        logger.info("request failed", extra={"status": error.status, "error_code": error.code})
        return error_response(error, request_id())

    def refuse(error: ApiError) -> Response:
        if on_refused is not None:
            try:
                on_refused(error)
            except Exception as exc:  # noqa: BLE001 (the answer must go out even if auditing failed)
                log_unexpected(exc)
        return respond(error)

    @app.exception_handler(RequestValidationError)
    def _validation(exc: RequestValidationError) -> Response:
        errors = list(exc.errors())
        if any(e.get("type") == "unsupported_content_type" for e in errors) or not is_json_content_type(
            app.current_event.headers.get("content-type")
        ):
            return refuse(UnsupportedMediaType())
        return refuse(from_validation_errors(errors))

    @app.exception_handler(RequestUnsupportedContentType)
    def _media_type(exc: RequestUnsupportedContentType) -> Response:
        return refuse(UnsupportedMediaType())

    @app.exception_handler(UnicodeDecodeError)
    def _not_utf8(exc: UnicodeDecodeError) -> Response:
        # Raised by Powertools when a base64 body does not decode to UTF-8, before any route code runs.
        detail = ErrorDetail(field="body", issue="invalid_utf8", message="The body is not valid UTF-8.")
        return refuse(InvalidRequest("The body is not valid UTF-8.", [detail]))

    @app.exception_handler(ValueError)
    def _value_error(exc: ValueError) -> Response:
        # Powertools' request validation re-raises a ValueError for a multipart/form-data body without a
        # boundary, before any route code runs (found by schemathesis): a media type this API does not take.
        if not is_json_content_type(app.current_event.headers.get("content-type")):
            return refuse(UnsupportedMediaType())
        return respond(to_api_error(exc))

    @app.not_found
    def _not_found(exc: NotFoundError) -> Response:
        return error_response(NotFound("No such route."), request_id())

    @app.exception_handler(Exception)
    def _any(exc: Exception) -> Response:  # ApiErrors, domain errors, and the unexpected (500)
        return respond(to_api_error(exc))


ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "INVALID_REQUEST: malformed JSON or a schema violation; `details` name the fields",
    401: "UNAUTHORIZED: missing or invalid bearer token",
    403: "FORBIDDEN: revoked token, or a token without the scope for this route",
    404: "NOT_FOUND or MODEL_NOT_FOUND (also a model of another tenant, and one that cannot be loaded)",
    409: "IDEMPOTENCY_CONFLICT: the Idempotency-Key was used with another body, is in progress, or its first "
    "run cannot be replayed as it was (the model version changed, or the upload was replaced by another file); "
    "MODEL_EXISTS: the tenant already has a model with this id",
    413: "PAYLOAD_TOO_LARGE: text over 51,200 UTF-8 bytes, an inline PDF over the limit, or a training file "
    "over 100 MB",
    415: "UNSUPPORTED_MEDIA_TYPE: the body must be application/json",
    422: "UNPROCESSABLE_DOCUMENT: corrupt or encrypted PDF, or no text to code",
    429: "RATE_LIMITED: the tenant's rate or daily quota is used up; `Retry-After` says when to try again",
    500: "INTERNAL_ERROR",
    503: "SERVICE_UNAVAILABLE: the model could not be loaded, a dependency (DynamoDB, S3, OCR) is unavailable or "
    "throttling, or the request ran out of time; `Retry-After` says when to try again",
}


def openapi_errors(*statuses: int) -> dict[int, OpenAPIResponse]:
    """Route `responses` entries describing the envelope for each status the route can return."""
    return {
        s: {"description": ERROR_DESCRIPTIONS[s], "content": {"application/json": {"model": ErrorResponse}}}
        for s in statuses
    }
