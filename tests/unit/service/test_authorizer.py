import pytest
from authorizer.app import Decision, bearer, decide, policy
from authorizer.tokens import ALL_SCOPES, TokenRecord, hash_token, new_token, usage_key
from codify_cli.local.front import policy_allows

ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/{method}{path}"
TOKEN = new_token()


def record(token=TOKEN, **kw) -> TokenRecord:
    base = {
        "token_sha256": hash_token(token),
        "tenant": "clinic-a",
        "name": "ehr",
        "scopes": ALL_SCOPES,
        "created_at": "now",
    }
    return TokenRecord(**{**base, **kw})


def lookup_of(*records):
    table = {r.token_sha256: r for r in records}
    calls = []

    def lookup(digest):
        calls.append(digest)
        return table.get(digest)

    lookup.calls = calls
    return lookup


def test_new_tokens_are_unique_and_only_their_hash_is_looked_up():
    assert new_token() != new_token()
    lookup = lookup_of(record())
    decide(f"Bearer {TOKEN}", lookup)
    assert lookup.calls == [hash_token(TOKEN)]
    assert TOKEN not in lookup.calls


@pytest.mark.parametrize(
    "header,reason",
    [
        (None, "missing_token"),
        ("", "missing_token"),
        ("Bearer ", "missing_token"),
        ("Basic dXNlcjpwYXNz", "missing_token"),
        ("Bearer short", "malformed_token"),
        ("Bearer has spaces inside the token", "malformed_token"),
        (f"Bearer {new_token()}", "unknown_token"),
    ],
)
def test_unauthorized(header, reason):
    d = decide(header, lookup_of(record()))
    assert (d.effect, d.reason, d.tenant) == ("unauthorized", reason, None)


def test_revoked_token_is_denied_with_the_tenant_known():
    d = decide(f"Bearer {TOKEN}", lookup_of(record(revoked=True)))
    assert (d.effect, d.reason, d.tenant) == ("deny", "revoked_token", "clinic-a")
    assert not d.permits("POST", "/v1/codify")


def test_valid_token_allows_its_scopes_only():
    d = decide(f"bearer {TOKEN}", lookup_of(record(scopes=("codify",))))
    assert (d.effect, d.tenant, d.token_name) == ("allow", "clinic-a", "ehr")
    assert d.permits("POST", "/v1/codify") and d.permits("POST", "/v1/uploads")
    assert not d.permits("GET", "/v1/runs/run_1") and not d.permits("GET", "/v1/models")
    assert not d.permits("GET", "/v1/runs")  # the audit trail needs runs:read


def test_runs_read_allows_the_audit_trail_and_nothing_else():
    d = decide(f"Bearer {TOKEN}", lookup_of(record(scopes=("runs:read",))))
    assert d.permits("GET", "/v1/runs") and d.permits("GET", "/v1/runs/run_1")
    assert not d.permits("POST", "/v1/codify")
    p = policy(d, ARN.format(method="GET", path="/v1/runs"))
    assert policy_allows(p, ARN.format(method="GET", path="/v1/runs"))
    assert not policy_allows(p, ARN.format(method="POST", path="/v1/codify"))


def test_a_record_whose_hash_does_not_match_is_rejected():
    # A lookup that returns the wrong record (a storage bug) must not authenticate.
    other = record(token=new_token())
    d = decide(f"Bearer {TOKEN}", lambda digest: other)
    assert d.effect == "unauthorized"


def test_bearer_parsing():
    assert bearer("Bearer abc") == "abc" and bearer("  bearer   abc  ") == "abc"
    assert bearer("Token abc") is None and bearer(None) is None


def test_policy_allows_the_scoped_routes_and_passes_the_tenant():
    d = decide(f"Bearer {TOKEN}", lookup_of(record(scopes=("codify", "runs:read"))))
    p = policy(d, ARN.format(method="POST", path="/v1/codify"))
    assert p["principalId"] == "clinic-a"
    assert p["context"] == {"tenant": "clinic-a", "token_name": "ehr", "scopes": "codify,runs:read"}
    assert policy_allows(p, ARN.format(method="POST", path="/v1/codify"))
    assert policy_allows(p, ARN.format(method="GET", path="/v1/runs/run_abc"))
    assert not policy_allows(p, ARN.format(method="GET", path="/v1/models"))
    assert TOKEN not in str(p)
    assert p["usageIdentifierKey"] == usage_key("clinic-a")  # the tenant's key in the usage plan


def test_usage_keys_are_one_per_tenant_and_fit_api_gateway():
    assert usage_key("clinic-a") == usage_key("clinic-a") != usage_key("clinic-b")
    assert 20 <= len(usage_key("x")) <= 128  # API Gateway's API key value length


def test_deny_policy_denies_everything():
    p = policy(
        Decision("deny", "revoked_token", tenant="clinic-a"), ARN.format(method="POST", path="/v1/codify")
    )
    assert [s["Effect"] for s in p["policyDocument"]["Statement"]] == ["Deny"]
    assert not policy_allows(p, ARN.format(method="POST", path="/v1/codify"))
    assert not policy_allows(p, ARN.format(method="GET", path="/v1/models"))
