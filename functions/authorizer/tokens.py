"""Bearer tokens: format, hashing, and the TokensTable record. Shared by the authorizer and `codify tokens`.

Only the sha256 of a token is stored; the token itself is shown once, at creation.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

from common.ids import now_iso

TOKEN_PREFIX = "cdf_"
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9._~+/=-]{16,512}$")  # RFC 6750 b64token characters

# Which scope each route needs. Every token gets all of them unless created with --scopes.
ROUTE_SCOPES: dict[tuple[str, str], str] = {
    ("POST", "/v1/codify"): "codify",
    ("POST", "/v1/uploads"): "codify",
    ("GET", "/v1/runs"): "runs:read",
    ("GET", "/v1/runs/*"): "runs:read",
    ("GET", "/v1/models"): "models:read",
    ("GET", "/v1/models/*"): "models:read",
    ("POST", "/v1/models"): "models:write",  # trains on a training upload (made with the codify scope)
    ("DELETE", "/v1/models/*"): "models:write",
}
ALL_SCOPES: tuple[str, ...] = ("codify", "runs:read", "models:read", "models:write")


def usage_key(tenant: str) -> str:
    """The value of the tenant's API Gateway API key, which the authorizer returns as usageIdentifierKey so
    that the usage plan's rate and quota count per tenant. Derived from the tenant, not secret: with
    ApiKeySourceType AUTHORIZER no client can present a key, the gateway takes it from the authorizer."""
    return "codify-tenant-" + hashlib.sha256(tenant.encode("utf-8")).hexdigest()[:40]


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TokenRecord:
    token_sha256: str
    tenant: str
    name: str
    scopes: tuple[str, ...]
    created_at: str
    revoked: bool = False
    revoked_at: str | None = None

    def to_item(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "token_sha256": self.token_sha256,
            "tenant": self.tenant,
            "name": self.name,
            "scopes": list(self.scopes),
            "created_at": self.created_at,
            "revoked": self.revoked,
        }
        if self.revoked_at:
            item["revoked_at"] = self.revoked_at
        return item

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> TokenRecord:
        return cls(
            token_sha256=str(item["token_sha256"]),
            tenant=str(item["tenant"]),
            name=str(item.get("name", "")),
            scopes=tuple(str(s) for s in item.get("scopes", ())),
            created_at=str(item.get("created_at", "")),
            revoked=bool(item.get("revoked", False)),
            revoked_at=item.get("revoked_at"),
        )


class TokenStore:
    """TokensTable access (DynamoDB resource Table)."""

    def __init__(self, table: Any) -> None:
        self.table = table

    def create(self, tenant: str, name: str, scopes: tuple[str, ...] = ALL_SCOPES) -> tuple[str, TokenRecord]:
        unknown = set(scopes) - set(ALL_SCOPES)
        if unknown:
            raise ValueError(f"unknown scopes: {sorted(unknown)}; known: {list(ALL_SCOPES)}")
        token = new_token()
        record = TokenRecord(hash_token(token), tenant, name, tuple(scopes), now_iso())
        self.table.put_item(Item=record.to_item(), ConditionExpression="attribute_not_exists(token_sha256)")
        return token, record

    def get(self, token_sha256: str) -> TokenRecord | None:
        item = self.table.get_item(Key={"token_sha256": token_sha256}).get("Item")
        return TokenRecord.from_item(item) if item else None

    def revoke(self, token_sha256: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.table.update_item(
                Key={"token_sha256": token_sha256},
                UpdateExpression="SET revoked = :t, revoked_at = :now",
                ConditionExpression="attribute_exists(token_sha256)",
                ExpressionAttributeValues={":t": True, ":now": now_iso()},
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def list(self, tenant: str | None = None) -> list[TokenRecord]:
        records: list[TokenRecord] = []
        kwargs: dict[str, Any] = {}
        while True:
            page = self.table.scan(**kwargs)
            records += [TokenRecord.from_item(i) for i in page.get("Items", [])]
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        if tenant:
            records = [r for r in records if r.tenant == tenant]
        return sorted(records, key=lambda r: (r.tenant, r.created_at, r.name))
