"""POST /v1/uploads: a presigned S3 POST form for a PDF of up to 5 MB, coded later with `upload_id`, or, with
`{"purpose": "training"}`, for a JSONL file of coded notes up to 100 MB, trained on with POST /v1/models.

The client sends the file straight to the StagingBucket under tenants/{tenant}/uploads/{upload_id}; the
form's policy (signed, so the client cannot change it) limits the size to 1..5 MB, the content type to
application/pdf and the key to exactly that one. `POST /v1/codify` checks size and type again when it reads
the object, because a policy is not a parser (pdf_input).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from common import aws
from common.caller import caller_from
from common.errors import ServiceUnavailable, openapi_errors
from common.ids import iso
from common.observability import logger
from common.settings import MAX_PDF_BYTES, codify_settings
from custom_models.registry import training_upload_key
from custom_models.schema import MAX_TRAINING_BYTES, TRAINING_CONTENT_TYPE, UploadRequest
from pydantic import BaseModel, Field

from .repositories import PDF_CONTENT_TYPE, SSE, upload_key

router = APIGatewayRouter()


class UploadForm(BaseModel):
    url: str = Field(description="POST a multipart/form-data request here")
    fields: dict[str, str] = Field(description="Send these form fields first, then the file as field `file`")


class UploadResponse(BaseModel):
    upload_id: str = Field(
        description="Send it as `upload_id` to POST /v1/codify (or, for a training upload, as "
        "`training_upload_id` to POST /v1/models) once the file is uploaded"
    )
    upload: UploadForm
    expires_at: str = Field(description="The form cannot be used after this time (ISO 8601, UTC)")
    expires_in: int = Field(description="Seconds the form stays valid")
    max_bytes: int = Field(MAX_PDF_BYTES, description="Largest file the form accepts")
    content_type: str = Field(PDF_CONTENT_TYPE, description="The Content-Type field the form requires")
    purpose: str = Field("codify", description="codify (a PDF) or training (a JSONL file of coded notes)")


@router.post(
    "/v1/uploads",
    summary="Get a presigned form to upload a PDF (up to 5 MB) for coding with upload_id, or a JSONL training "
    'file (up to 100 MB) with {"purpose": "training"}',
    responses={
        201: {
            "description": "The upload id and the form",
            "content": {"application/json": {"model": UploadResponse}},
        },
        **openapi_errors(400, 401, 403, 415, 429, 500, 503),
    },
    security=[{"bearerAuth": []}],
    tags=["uploads"],
)
def create_upload(
    request: Annotated[UploadRequest | None, Body(embed=False)] = None,
) -> Response[UploadResponse]:
    settings = codify_settings()
    tenant = caller_from(router.current_event, router.lambda_context).tenant
    upload_id = f"upl_{uuid.uuid4().hex}"
    training = request is not None and request.purpose == "training"
    # A training file goes under its own prefix: an upload_id of one kind never reads as the other.
    key = training_upload_key(tenant, upload_id) if training else upload_key(tenant, upload_id)
    content_type = TRAINING_CONTENT_TYPE if training else PDF_CONTENT_TYPE
    max_bytes = MAX_TRAINING_BYTES if training else MAX_PDF_BYTES
    expires_in = settings.upload_url_expires_seconds
    try:
        form = aws.s3().generate_presigned_post(
            Bucket=settings.staging_bucket,
            Key=key,
            Fields={"Content-Type": content_type, "x-amz-server-side-encryption": SSE},
            Conditions=[
                ["content-length-range", 1, max_bytes],
                {"Content-Type": content_type},
                {"x-amz-server-side-encryption": SSE},
            ],
            ExpiresIn=expires_in,
        )
    except Exception as exc:  # noqa: BLE001 - signing needs credentials; missing ones are an outage, not a 500
        logger.error("presign failed", extra={"error_type": type(exc).__name__})
        raise ServiceUnavailable("Uploads are temporarily unavailable.") from None
    expires_at = iso(datetime.now(UTC) + timedelta(seconds=expires_in))
    purpose = "training" if training else "codify"
    logger.info("upload form issued", extra={"upload_id": upload_id, "expires_in": expires_in, "purpose": purpose})
    body = UploadResponse(
        upload_id=upload_id,
        upload=UploadForm(url=form["url"], fields={k: str(v) for k, v in form["fields"].items()}),
        expires_at=expires_at,
        expires_in=expires_in,
        max_bytes=max_bytes,
        content_type=content_type,
        purpose=purpose,
    )
    return Response(
        status_code=201, content_type="application/json", body=body, headers={"Cache-Control": "no-store"}
    )
