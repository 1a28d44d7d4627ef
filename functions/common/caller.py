"""Who is calling: the tenant and token name the authorizer established, and the request id.

API Gateway passes the authorizer's context with every request; every authenticated route reads it here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import Unauthorized


@dataclass(frozen=True)
class Caller:
    tenant: str
    token_name: str | None
    request_id: str


def caller_from(event: Any, lambda_context: Any = None) -> Caller:
    """The caller of a Powertools API Gateway event. Raises Unauthorized without an authorizer tenant."""
    context = (event.get("requestContext") or {}).get("authorizer") or {}
    tenant = context.get("tenant")
    if not tenant:
        raise Unauthorized()
    request_id = event.request_context.request_id or getattr(lambda_context, "aws_request_id", "") or ""
    return Caller(tenant=str(tenant), token_name=context.get("token_name"), request_id=request_id)
