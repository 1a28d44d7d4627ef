"""Regenerate the API Gateway events in this folder: `python events/generate.py` from the repository root.

REST proxy events as API Gateway sends them to the functions (stage `dev`, the authorizer's context for
tenant clinic-a) and TOKEN authorizer events. Shared by the tests and `sam local invoke -e`.
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "functions"), str(ROOT / "cli"), str(ROOT / "layers" / "coder")]
from codify_cli.local.front import proxy_event

OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "events"
TENANT = {
    "principalId": "clinic-a",
    "tenant": "clinic-a",
    "token_name": "events",
    "scopes": "codify,runs:read,models:read",
}
NOTE = (
    "Assessment: type 2 diabetes mellitus with diabetic chronic kidney disease, stage 3. "
    "Essential hypertension. No evidence of pneumonia."
)
JSON = [
    ("Content-Type", "application/json"),
    ("Authorization", "Bearer <token>"),
    ("Host", "abcdef1234.execute-api.us-east-1.amazonaws.com"),
    ("User-Agent", "curl/8.5.0"),
]


def ev(name, method, path, resource, body=None, headers=JSON, auth=TENANT, params=None, raw=None, query=""):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    e = proxy_event(
        method=method,
        path=path,
        resource=resource,
        path_parameters=params,
        query=query,
        headers=headers,
        body=data,
        stage="dev",
        request_id=f"req-{name.replace('-', '_')}",
        authorizer=auth,
    )
    e["requestContext"]["requestTime"] = "25/Nov/2026:12:00:00 +0000"
    e["requestContext"]["requestTimeEpoch"] = 1795003200000
    # As deployed: the execute-api domain, the stage in requestContext.path.
    e["requestContext"].update(
        domainName="abcdef1234.execute-api.us-east-1.amazonaws.com",
        apiId="abcdef1234",
        domainPrefix="abcdef1234",
        path="/dev" + path,
        resourceId="a1b2c3",
    )
    (OUT / f"{name.replace('-', '_')}.json").write_text(json.dumps(e, indent=2, ensure_ascii=False) + "\n")


c = lambda name, body=None, **kw: ev(name, "POST", "/v1/codify", "/v1/codify", body, **kw)
c(
    "codify-text",
    {"text": NOTE, "language": "en"},
    headers=JSON
    + [("X-Doctor-Id", "dr-0042"), ("X-Patient-Id", "pt-778"), ("X-Encounter-Id", "enc-2026-11-25")],
)
c("codify-text-idempotent", {"text": NOTE}, headers=JSON + [("Idempotency-Key", "order-7781")])
c(
    "codify-text-idempotent-other-body",
    {"text": NOTE + " Asthma."},
    headers=JSON + [("Idempotency-Key", "order-7781")],
)
c("codify-invalid-json", raw=b'{"text": "unterminated')
c("codify-both-inputs", {"text": NOTE, "pdf": "JVBERi0xLjQK"})
c("codify-no-input", {"language": "en"})
c("codify-empty-text", {"text": "   \n\t "})
c("codify-unknown-field", {"text": NOTE, "patient_name": "x"})
c("codify-wrong-types", {"text": NOTE, "max_codes": "ten", "include_discarded": "yes"})
c("codify-too-large", {"text": "Hypertension. " * 3700})
c(
    "codify-wrong-content-type",
    raw=NOTE.encode(),
    headers=[("Content-Type", "text/plain"), ("Authorization", "Bearer <token>")],
)
c("codify-invalid-utf8", raw=b'{"text": "caf\xe9 \xff"}')
c("codify-bad-header", {"text": NOTE}, headers=JSON + [("X-Patient-Id", "pt 778; drop table")])
c("codify-unknown-model", {"text": NOTE, "model": "cardiology-v9"})
c("codify-unauthenticated", {"text": NOTE}, auth=None)
ev(
    "runs-get",
    "GET",
    "/v1/runs/run_0123456789abcdef0123456789abcdef",
    "/v1/runs/{run_id}",
    headers=JSON[1:],
    params={"run_id": "run_0123456789abcdef0123456789abcdef"},
)
ev(
    "runs-get-malformed-id",
    "GET",
    "/v1/runs/12",
    "/v1/runs/{run_id}",
    headers=JSON[1:],
    params={"run_id": "12"},
)
ev(
    "runs-list",
    "GET",
    "/v1/runs",
    "/v1/runs",
    headers=JSON[1:],
    query="patient_id=pt-778&from=2026-11-01T00:00:00Z&to=2026-11-30T23:59:59Z&limit=20",
)
ev("models-list", "GET", "/v1/models", "/v1/models", headers=JSON[1:])
ev("uploads-create-training", "POST", "/v1/uploads", "/v1/uploads", {"purpose": "training"})
ev(
    "models-create",
    "POST",
    "/v1/models",
    "/v1/models",
    {"id": "cardio-2026", "training_upload_id": "upl_0123456789abcdef0123456789abcdef", "language": "es"},
)
ev(
    "models-get",
    "GET",
    "/v1/models/cardio-2026",
    "/v1/models/{model_id}",
    headers=JSON[1:],
    params={"model_id": "cardio-2026"},
)
ev(
    "models-delete",
    "DELETE",
    "/v1/models/cardio-2026",
    "/v1/models/{model_id}",
    headers=JSON[1:],
    params={"model_id": "cardio-2026"},
)
ev(
    "health",
    "GET",
    "/v1/health",
    "/v1/health",
    headers=[("Host", "abcdef1234.execute-api.us-east-1.amazonaws.com")],
    auth=None,
)
ev(
    "openapi",
    "GET",
    "/v1/openapi.json",
    "/v1/openapi.json",
    headers=[("Host", "abcdef1234.execute-api.us-east-1.amazonaws.com")],
    auth=None,
)
ev(
    "docs",
    "GET",
    "/v1/docs",
    "/v1/docs",
    headers=[("Host", "abcdef1234.execute-api.us-east-1.amazonaws.com")],
    auth=None,
)

ARN = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/dev/POST/v1/codify"


def auth(name, token):
    e = {"type": "TOKEN", "authorizationToken": token, "methodArn": ARN}
    (OUT / f"{name.replace('-', '_')}.json").write_text(json.dumps(e, indent=2) + "\n")


auth("authorizer-valid", "Bearer cdf_events-only-token-0123456789abcdefghijklmn")
auth("authorizer-revoked", "Bearer cdf_events-only-revoked-0123456789abcdefghij")
auth("authorizer-unknown", "Bearer cdf_never-issued-token-0123456789abcdefghijk")
auth("authorizer-malformed", "Basic dXNlcjpwYXNz")

# What POST /v1/models sends ModelTrainingFunction (an asynchronous invocation): ids only, never data.
(OUT / "training_job.json").write_text(
    json.dumps({"tenant": "clinic-a", "model_id": "cardio-2026", "job_id": "0123456789abcdef0123456789abcdef"},
               indent=2) + "\n"
)
