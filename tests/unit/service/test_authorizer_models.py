"""The /v1/models routes in the authorizer's policy: reading needs models:read, training and deleting need
models:write, and the policy API Gateway caches per token says exactly that."""

from __future__ import annotations

import pytest
from authorizer.app import decide, policy
from codify_cli.local.front import policy_allows

from tests.unit.service.test_authorizer import ARN, TOKEN, lookup_of, record

ROUTES = [("GET", "/v1/models", "models:read"), ("GET", "/v1/models/cardio-2026", "models:read"),
          ("POST", "/v1/models", "models:write"), ("DELETE", "/v1/models/cardio-2026", "models:write")]  # fmt: skip


@pytest.mark.parametrize("scopes", [("models:read",), ("models:write",), ("codify", "models:read", "models:write")])
def test_each_models_route_needs_its_scope(scopes):
    decision = decide(f"Bearer {TOKEN}", lookup_of(record(scopes=scopes)))
    issued = policy(decision, ARN.format(method="GET", path="/v1/models"))
    for method, path, scope in ROUTES:
        allowed = scope in scopes
        assert decision.permits(method, path) is allowed, (method, path, scopes)
        assert policy_allows(issued, ARN.format(method=method, path=path)) is allowed, (method, path, scopes)


def test_a_training_upload_needs_only_the_codify_scope_but_training_needs_models_write():
    decision = decide(f"Bearer {TOKEN}", lookup_of(record(scopes=("codify",))))
    assert decision.permits("POST", "/v1/uploads") and not decision.permits("POST", "/v1/models")
