"""The local front applies the template's per-tenant usage plan after the authorizer, keyed by the
usageIdentifierKey the authorizer returns: 429 RATE_LIMITED in the envelope with Retry-After, per tenant."""

from __future__ import annotations

import json

import boto3
from authorizer.tokens import TokenRecord, hash_token
from codify_cli.local import stack
from codify_cli.local.front import LocalApi
from codify_cli.local.quota import TenantLimiter

from tests.functional import test_service as base

env, fake, tokens, NOTE, VALID = base.env, base.fake, base.tokens, base.NOTE, base.VALID
OTHER = "other-tenant-token-0123456789abcdef"


def post(api: LocalApi, token: str):
    headers = [("Content-Type", "application/json"), ("Authorization", f"Bearer {token}")]
    status, out_headers, data = api.handle("POST", "/v1/codify", headers, json.dumps({"text": NOTE}).encode())
    items = out_headers.items() if isinstance(out_headers, dict) else out_headers
    return status, {k.lower(): v for k, v in items}, json.loads(data)


def test_a_tenant_over_its_rate_gets_429_in_the_envelope_and_others_do_not(env, fake, tokens):
    table = boto3.resource("dynamodb", region_name="us-east-1").Table(
        stack.handler_environment(None)["TOKENS_TABLE"]
    )
    table.put_item(
        Item=TokenRecord(hash_token(OTHER), "clinic-b", "ehr", ("codify",), "2026-11-25T00:00:00Z").to_item()
    )
    api = LocalApi(limiter=TenantLimiter(rate=0.001, burst=2, daily_quota=1000))
    assert [post(api, VALID)[0] for _ in range(2)] == [200, 200]
    status, headers, body = post(api, VALID)
    assert (status, body["error"]["code"]) == (429, "RATE_LIMITED")
    assert headers["retry-after"] == "1" and headers["cache-control"] == "no-store"
    assert post(api, OTHER)[0] == 200  # clinic-b has its own bucket
    assert len(base.run_items(env)) == 3  # a throttled request never reached the function


def test_the_daily_quota_is_429_with_its_own_message(env, fake, tokens):
    api = LocalApi(limiter=TenantLimiter(rate=1000, burst=1000, daily_quota=1))
    assert post(api, VALID)[0] == 200
    status, headers, body = post(api, VALID)
    assert (status, body["error"]["code"]) == (429, "RATE_LIMITED") and "quota" in body["error"]["message"]
    assert int(headers["retry-after"]) > 1
