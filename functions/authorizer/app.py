"""TokenAuthorizerFunction: a pure `decide` plus the API Gateway policy response.

Missing, malformed or unknown token -> 401 (raise "Unauthorized"); revoked -> 403 (deny all);
valid -> allow exactly the routes of the token's scopes (the whole policy, because API Gateway caches it
per token), with the tenant in the context. Tokens are never logged; only their hash prefix is.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, Literal

from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerResponse,
    APIGatewayAuthorizerTokenEvent,
)
from aws_lambda_powertools.utilities.typing import LambdaContext
from common import aws
from common.observability import logger, metrics
from common.settings import authorizer_settings

from .tokens import ROUTE_SCOPES, TOKEN_PATTERN, TokenRecord, TokenStore, hash_token, usage_key

Effect = Literal["allow", "deny", "unauthorized"]


@dataclass(frozen=True)
class Decision:
    effect: Effect
    reason: str
    tenant: str | None = None
    token_name: str | None = None
    scopes: tuple[str, ...] = ()
    routes: tuple[tuple[str, str], ...] = field(default=())  # (method, path pattern) the token may call

    def permits(self, method: str, path: str) -> bool:
        return self.effect == "allow" and any(
            m == method.upper() and fnmatchcase(path, pattern) for m, pattern in self.routes
        )


def bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def decide(authorization: str | None, lookup: Callable[[str], TokenRecord | None]) -> Decision:
    token = bearer(authorization)
    if token is None:
        return Decision("unauthorized", "missing_token")
    if not TOKEN_PATTERN.match(token):
        return Decision("unauthorized", "malformed_token")
    digest = hash_token(token)
    record = lookup(digest)
    # The table is keyed by the hash; compare again in constant time so that no path through this
    # function depends on how much of a guessed token matched.
    if record is None or not hmac.compare_digest(record.token_sha256.encode(), digest.encode()):
        return Decision("unauthorized", "unknown_token")
    if record.revoked:
        return Decision("deny", "revoked_token", tenant=record.tenant, token_name=record.name)
    routes = tuple(route for route, scope in ROUTE_SCOPES.items() if scope in record.scopes)
    return Decision("allow", "valid_token", record.tenant, record.name, record.scopes, routes)


def policy(decision: Decision, method_arn: str) -> dict[str, Any]:
    """The IAM policy API Gateway expects (Powertools builds the ARNs)."""
    context = {
        "tenant": decision.tenant or "",
        "token_name": decision.token_name or "",
        "scopes": ",".join(decision.scopes),
    }
    response = APIGatewayAuthorizerResponse.from_route_arn(
        method_arn,
        principal_id=decision.tenant or "anonymous",
        context=context,
        # The tenant's key in the usage plan: rate, burst and daily quota per tenant (template.yaml).
        usage_identifier_key=usage_key(decision.tenant) if decision.tenant else None,
    )
    if decision.effect == "allow" and decision.routes:
        for method, pattern in decision.routes:
            response.allow_route(http_method=method, resource=pattern)
    else:
        response.deny_all_routes()
    return response.asdict()


_store: TokenStore | None = None


def _lookup(digest: str) -> TokenRecord | None:
    global _store
    if _store is None:
        _store = TokenStore(aws.dynamodb().Table(authorizer_settings().tokens_table))
    return _store.get(digest)


@logger.inject_lambda_context(log_event=False, clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    auth = APIGatewayAuthorizerTokenEvent(event)
    decision = decide(auth.authorization_token, _lookup)
    logger.info(
        "authorizer decision",
        extra={"effect": decision.effect, "reason": decision.reason, "tenant": decision.tenant},
    )
    metrics.add_metric(name=f"Authorizer_{decision.effect}", unit="Count", value=1)
    if decision.effect == "unauthorized":
        # The exact message API Gateway turns into a 401 (gateway response UNAUTHORIZED).
        raise Exception("Unauthorized")  # noqa: TRY002
    return policy(decision, auth.method_arn)
