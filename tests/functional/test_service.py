"""Each handler called with the events/ files, AWS played by moto (`mock_aws`), tables and buckets created
from template.yaml's own properties. The coder is a small fake: these tests are about the service."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from codify_cli.local import stack
from codify_cli.local.resources import create_resources
from codify_coder.types import (
    Analysis,
    Assessment,
    CodingResult,
    DiscardedAssessment,
    Document,
    Evidence,
    ModelInfo,
)
from common import aws, coder, settings
from moto import mock_aws
from openapi_spec_validator import validate

from tests.conftest import load_event

NOTE = load_event("codify_text")["body"] and json.loads(load_event("codify_text")["body"])["text"]
RUN_ID = re.compile(r"^run_[0-9a-f]{32}$")


@dataclass
class LambdaContext:
    function_name: str = "codify-test"
    memory_limit_in_mb: int = 2048
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:codify-test"
    aws_request_id: str = "lambda-req-1"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 25_000


class FakeCoder:
    """Codes 'diabetes' as E11.9 and discards 'pneumonia' as negated; records what it was asked."""

    def __init__(self, model: ModelInfo | None = None, fail: Exception | None = None) -> None:
        self.model = model or ModelInfo("default", "fake-1", "ICD-10-CM FY2026")
        self.fail = fail
        self.calls: list[tuple[str, Any]] = []
        self.model_dirs: list[Any] = []

    def code(self, note, options=None, deadline=None):
        if self.fail:
            raise self.fail
        document = note if isinstance(note, Document) else Document(text=note)
        self.calls.append((document.text, options))
        text = document.text.lower()
        final, discarded = [], []
        if (i := text.find("diabetes")) >= 0:
            ev = (Evidence(document.text[i : i + 8], i, i + 8),)
            final.append(
                Assessment(
                    "E11.9",
                    "Type 2 diabetes mellitus without complications",
                    88,
                    "Diabetes is stated in the assessment.",
                    ev,
                    "present",
                    True,
                )
            )
        if (i := text.find("pneumonia")) >= 0:
            discarded.append(
                DiscardedAssessment(
                    "J18.9",
                    "Pneumonia, unspecified organism",
                    40,
                    "negated",
                    "Negated: 'no evidence of'.",
                    (Evidence(document.text[i : i + 9], i, i + 9),),
                )
            )
        return CodingResult(
            "en",
            self.model,
            tuple(final),
            tuple(discarded),
            Analysis(
                sentences=3,
                mentions=len(final) + len(discarded),
                candidates=5,
                timings_ms={"understand": 1.0},
            ),
        )

    def with_model_dir(self, model_dir):
        manifest = json.loads((model_dir / "manifest.json").read_text())
        self.model_dirs.append(model_dir)
        return FakeCoder(ModelInfo(manifest["model_id"], manifest["version"], "ICD-10-CM FY2026"))


@pytest.fixture
def env(monkeypatch):
    """The functions' environment from template.yaml, moto in-process, fresh resources per test."""
    for key, value in stack.handler_environment(None).items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        settings.reset_caches()
        aws.reset()
        from codify import app as codify_app

        codify_app.service.cache_clear()
        create_resources()
        yield settings.codify_settings()
    settings.reset_caches()
    aws.reset()
    codify_app.service.cache_clear()


@pytest.fixture
def fake():
    fake = FakeCoder()
    coder.use(fake)
    yield fake
    coder.use(None)


def invoke(module: str, event: dict) -> tuple[int, dict, Any]:
    import importlib

    handler = importlib.import_module(module).lambda_handler
    response = handler(copy.deepcopy(event), LambdaContext())
    body = response["body"]
    try:
        body = json.loads(body)
    except (TypeError, ValueError):
        pass
    headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
    for k, v in (response.get("multiValueHeaders") or {}).items():
        headers.setdefault(k.lower(), v[-1])
    return response["statusCode"], headers, body


def codify(event_name: str, **changes) -> tuple[int, dict, Any]:
    event = load_event(event_name)
    if "tenant" in changes:
        event["requestContext"]["authorizer"]["tenant"] = changes.pop("tenant")
    if "body" in changes:
        event["body"] = json.dumps(changes.pop("body"))
    for name, value in changes.pop("headers", {}).items():
        event["headers"][name] = value
        event["multiValueHeaders"][name] = [value]
    return invoke("codify.app", event)


def get_run(run_id: str, tenant: str = "clinic-a") -> tuple[int, dict, Any]:
    event = load_event("runs_get")
    event["path"] = f"/v1/runs/{run_id}"
    event["pathParameters"] = {"run_id": run_id}
    event["requestContext"]["authorizer"]["tenant"] = tenant
    return invoke("codify.app", event)


def run_items(env) -> list[dict]:
    return boto3.resource("dynamodb", region_name="us-east-1").Table(env.runs_table).scan()["Items"]


# ---------------------------------------------------------------- the happy path and the audit


def test_text_note_is_coded_and_audited(env, fake):
    status, _, body = codify("codify_text")
    assert status == 200, body
    assert RUN_ID.match(body["run_id"])
    assert body["model"] == {"id": "default", "version": "fake-1", "terminology": "ICD-10-CM FY2026"}
    assert body["input"]["type"] == "text" and body["input"]["characters"] == len(NOTE)
    assert [a["code"] for a in body["final_assessments"]] == ["E11.9"]
    assert body["final_assessments"][0]["evidence"][0]["text"].lower() == "diabetes"
    assert [(d["code"], d["reason"]) for d in body["discarded_assessments"]] == [("J18.9", "negated")]
    assert fake.calls[0][1].language == "en"

    (item,) = run_items(env)
    assert item["run_id"] == body["run_id"] and item["status"] == "succeeded" and item["http_status"] == 200
    assert (item["tenant"], item["doctor_id"], item["patient_id"], item["encounter_id"]) == (
        "clinic-a",
        "dr-0042",
        "pt-778",
        "enc-2026-11-25",
    )
    assert item["request_id"] == "req-codify_text"
    assert item["input_sha256"] == body["input"]["sha256"] and item["input_bytes"] == len(NOTE.encode())
    assert [(c["code"], c["confidence"]) for c in item["final_codes"]] == [("E11.9", 88)]
    assert [(c["code"], c["reason"]) for c in item["discarded_codes"]] == [("J18.9", "negated")]
    assert NOTE not in json.dumps(item, default=str) and "diabetes" not in json.dumps(item, default=str)

    status, _, record = get_run(body["run_id"])
    assert status == 200 and record["run_id"] == body["run_id"] and record["patient_id"] == "pt-778"
    assert "tenant_patient" not in record


def test_audit_indexes_answer_by_tenant_and_by_patient(env, fake):
    first = codify("codify_text")[2]["run_id"]
    second = codify("codify_text", headers={"X-Patient-Id": "pt-999"})[2]["run_id"]
    table = boto3.resource("dynamodb", region_name="us-east-1").Table(env.runs_table)
    from boto3.dynamodb.conditions import Key

    by_tenant = table.query(IndexName="by-tenant-time", KeyConditionExpression=Key("tenant").eq("clinic-a"))
    assert {i["run_id"] for i in by_tenant["Items"]} == {first, second}
    by_patient = table.query(
        IndexName="by-patient-time", KeyConditionExpression=Key("tenant_patient").eq("clinic-a#pt-778")
    )
    assert [i["run_id"] for i in by_patient["Items"]] == [first]


def test_audit_records_are_immutable(env, fake):
    from codify.app import service
    from codify.repositories import RunIdCollision

    run_id = codify("codify_text")[2]["run_id"]
    existing = service().runs.get("clinic-a", run_id)
    with pytest.raises(RunIdCollision):
        service().runs.put(replace_status(existing))
    # The same record again (a retried PutItem whose first reply was lost) is recognised, not overwritten.
    service().runs.put(existing)
    assert service().runs.get("clinic-a", run_id) == existing


def replace_status(record):
    return record.model_copy(update={"status": "failed"})


def test_another_tenants_run_is_404_like_a_missing_one(env, fake):
    run_id = codify("codify_text")[2]["run_id"]
    other = get_run(run_id, tenant="clinic-b")
    missing = get_run("run_" + "0" * 32)
    assert other[0] == missing[0] == 404
    assert other[2]["error"]["code"] == missing[2]["error"]["code"] == "NOT_FOUND"
    assert other[2]["error"]["message"] == missing[2]["error"]["message"]


def test_note_text_is_never_logged(env, fake, capsys):
    codify("codify_text")
    codify("codify_unknown_field")
    out = capsys.readouterr()
    assert NOTE[:40] not in out.out + out.err


# ---------------------------------------------------------------- every client mistake


CASES = [
    ("codify_invalid_json", 400, "INVALID_REQUEST", ["body"]),
    ("codify_both_inputs", 400, "INVALID_REQUEST", ["body"]),
    ("codify_no_input", 400, "INVALID_REQUEST", ["body"]),
    ("codify_empty_text", 400, "INVALID_REQUEST", ["body.text"]),
    ("codify_unknown_field", 400, "INVALID_REQUEST", ["body.patient_name"]),
    ("codify_wrong_types", 400, "INVALID_REQUEST", ["body.max_codes", "body.include_discarded"]),
    ("codify_invalid_utf8", 400, "INVALID_REQUEST", ["body"]),
    ("codify_bad_header", 400, "INVALID_REQUEST", ["header.x-patient-id"]),
    ("codify_too_large", 413, "PAYLOAD_TOO_LARGE", ["body.text"]),
    ("codify_wrong_content_type", 415, "UNSUPPORTED_MEDIA_TYPE", None),
    ("codify_unknown_model", 404, "MODEL_NOT_FOUND", None),
]


@pytest.mark.parametrize("event,status,code,fields", CASES, ids=[c[0] for c in CASES])
def test_client_mistakes_get_the_envelope_and_one_failed_audit_record(env, fake, event, status, code, fields):
    got_status, headers, body = codify(event)
    assert got_status == status, body
    assert headers["content-type"] == "application/json"
    assert set(body) == {"error"} and body["error"]["code"] == code
    assert body["error"]["request_id"] == f"req-{event}"
    if fields is not None:
        assert sorted(d["field"] for d in body["error"]["details"]) == sorted(fields)
    text = json.dumps(body)
    for secret in ("Traceback", "pt 778", "drop table", NOTE[:30], "Hypertension. Hypertension."):
        assert secret not in text
    assert fake.calls == []  # nothing was coded
    (item,) = run_items(env)  # authenticated, so audited; nothing else stored
    assert (item["status"], item["http_status"], item["error_code"]) == ("failed", status, code)
    assert item["tenant"] == "clinic-a"


def test_bad_tracking_headers_are_not_stored_but_good_ones_are(env, fake):
    codify("codify_bad_header", headers={"X-Doctor-Id": "dr-7"})
    (item,) = run_items(env)
    assert item["doctor_id"] == "dr-7" and "patient_id" not in item


def test_without_the_authorizer_context_it_is_401_and_nothing_is_stored(env, fake):
    status, _, body = codify("codify_unauthenticated")
    assert (status, body["error"]["code"]) == (401, "UNAUTHORIZED")
    assert run_items(env) == []


def test_malformed_run_id_is_400(env, fake):
    status, _, body = invoke("codify.app", load_event("runs_get_malformed_id"))
    assert (status, body["error"]["details"][0]["field"]) == (400, "path.run_id")


def test_an_unexpected_failure_is_500_without_details_and_is_audited(env, caplog):
    coder.use(FakeCoder(fail=RuntimeError(f"boom while reading {NOTE[:20]}")))
    try:
        status, _, body = codify("codify_text")
    finally:
        coder.use(None)
    assert (status, body["error"]["code"]) == (500, "INTERNAL_ERROR")
    assert "boom" not in json.dumps(body)
    assert not any("boom" in str(vars(r)) for r in caplog.records)
    (item,) = run_items(env)
    assert (item["status"], item["error_code"]) == ("failed", "INTERNAL_ERROR")


def test_model_that_cannot_load_is_503(env, monkeypatch):
    def broken():
        raise coder.CoderUnavailable("ModelLoadError")

    monkeypatch.setattr("codify.service.get_coder", broken)
    status, _, body = codify("codify_text")
    assert (status, body["error"]["code"]) == (503, "SERVICE_UNAVAILABLE")
    assert run_items(env)[0]["error_code"] == "SERVICE_UNAVAILABLE"


# ---------------------------------------------------------------- idempotency


def test_same_key_same_body_replays_the_same_run(env, fake):
    first = codify("codify_text_idempotent")
    second = codify("codify_text_idempotent")
    assert first[0] == second[0] == 200
    assert first[2] == second[2]  # same run id and time; the fake coder is deterministic, timings included
    assert [i["status"] for i in run_items(env)] == ["succeeded"]  # one run, one audit record
    assert run_items(env)[0]["idempotency_key_sha256"]


def test_idempotency_records_hold_no_note_text(env, fake):
    body = codify("codify_text_idempotent")[2]
    table = boto3.resource("dynamodb", region_name="us-east-1").Table(env.idempotency_table)
    (item,) = table.scan()["Items"]
    stored = json.dumps(item, default=str)
    assert body["run_id"] in stored
    for fragment in ("diabetes", "pneumonia", NOTE[:20], body["final_assessments"][0]["justification"]):
        assert fragment not in stored


def test_same_key_other_body_is_409(env, fake):
    assert codify("codify_text_idempotent")[0] == 200
    status, _, body = codify("codify_text_idempotent_other_body")
    assert (status, body["error"]["code"]) == (409, "IDEMPOTENCY_CONFLICT")
    assert len(fake.calls) == 1


def test_keys_are_scoped_by_tenant(env, fake):
    a = codify("codify_text_idempotent")[2]
    b = codify("codify_text_idempotent", tenant="clinic-b")[2]
    assert a["run_id"] != b["run_id"] and len(fake.calls) == 2


def test_a_failed_call_does_not_pin_its_key(env, fake):
    coder.use(FakeCoder(fail=RuntimeError("transient")))
    assert codify("codify_text_idempotent")[0] == 500
    coder.use(fake)
    assert codify("codify_text_idempotent")[0] == 200


# ---------------------------------------------------------------- models


def put_model(env, tenant: str, model_id: str, version: str = "c0ffee") -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    prefix = f"tenants/{tenant}/models/{model_id}/"
    s3.put_object(Bucket=env.models_bucket, Key=prefix + "model.onnx", Body=b"onnx-bytes")
    manifest = {
        "model_id": model_id,
        "version": version,
        "metrics": {"held_out": {"f1": 0.5}},
        "terminology": {"name": "ICD-10-CM FY2026", "artifacts": {}},
        "description": "Cardiology notes",
    }
    s3.put_object(Bucket=env.models_bucket, Key=prefix + "manifest.json", Body=json.dumps(manifest).encode())


def test_custom_model_of_the_tenant_is_used(env, fake):
    put_model(env, "clinic-a", "cardio-v2", "abc123")
    status, _, body = codify("codify_text", body={"text": NOTE, "model": "cardio-v2"})
    assert status == 200, body
    assert (body["model"]["id"], body["model"]["version"]) == ("cardio-v2", "abc123")
    assert (run_items(env)[0]["model_id"], run_items(env)[0]["model_version"]) == ("cardio-v2", "abc123")


def test_another_tenants_model_is_not_found(env, fake):
    put_model(env, "clinic-b", "cardio-v2")
    status, _, body = codify("codify_text", body={"text": NOTE, "model": "cardio-v2"})
    assert (status, body["error"]["code"]) == (404, "MODEL_NOT_FOUND")


def test_models_lists_default_and_the_tenants_own(env, fake):
    put_model(env, "clinic-a", "cardio-v2", "abc123")
    put_model(env, "clinic-b", "onco-v1")
    status, _, body = invoke("codify.app", load_event("models_list"))
    assert status == 200
    assert [(m["id"], m["version"], m["default"]) for m in body["models"]] == [
        ("default", "fake-1", True),
        ("cardio-v2", "abc123", False),
    ]
    assert body["models"][1]["metrics"] == {"map": None, "f1": 0.5, "ece": None, "method": "held_out"}
    assert (body["models"][1]["status"], body["models"][1]["source"]) == ("ready", "bucket")
    assert (body["models"][1]["terminology"], body["models"][1]["description"]) == (
        "ICD-10-CM FY2026",
        "Cardiology notes",
    )


# ---------------------------------------------------------------- health, OpenAPI, docs


def test_health_reports_the_model(env, fake):
    status, _, body = invoke("health.app", load_event("health"))
    assert status == 200
    assert body["status"] == "ok" and body["model"] == {
        "id": "default",
        "version": "fake-1",
        "terminology": "ICD-10-CM FY2026",
    }


def test_health_is_503_when_the_model_cannot_load(env, monkeypatch):
    def broken():
        raise coder.CoderUnavailable("ModelLoadError")

    monkeypatch.setattr("health.routes.get_coder", broken)
    status, _, body = invoke("health.app", load_event("health"))
    assert (status, body["error"]["code"]) == (503, "SERVICE_UNAVAILABLE")


def test_openapi_document_is_valid_and_describes_every_status_with_the_envelope(env, fake):
    status, headers, doc = invoke("codify.app", load_event("openapi"))
    assert status == 200 and headers["content-type"] == "application/json"
    validate(doc)
    assert doc["servers"] == [{"url": "/dev"}]  # the deployed event carries the stage in its path
    codify_op = doc["paths"]["/v1/codify"]["post"]
    assert set(codify_op["responses"]) == {
        "200",
        "400",
        "401",
        "403",
        "404",
        "409",
        "413",
        "415",
        "422",
        "429",
        "500",
        "503",
    }
    for code, response in codify_op["responses"].items():
        ref = response["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith("/CodifyResponse" if code == "200" else "/ErrorResponse")
    assert {p["name"] for p in codify_op["parameters"]} == {
        "x-doctor-id",
        "x-patient-id",
        "x-encounter-id",
        "idempotency-key",
    }
    assert codify_op["security"] == [{"bearerAuth": []}]
    assert "security" not in doc["paths"]["/v1/health"]["get"]
    assert set(doc["paths"]) >= {"/v1/codify", "/v1/runs/{run_id}", "/v1/models", "/v1/health"}
    schemas = doc["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert schemas["ErrorBody"]["required"] == ["code", "message", "request_id"]
    assert set(schemas["ErrorBody"]["properties"]["code"]["enum"]) >= {
        "INVALID_REQUEST",
        "MODEL_NOT_FOUND",
        "IDEMPOTENCY_CONFLICT",
    }


def test_every_error_the_service_returns_matches_the_documented_schema(env, fake):
    from common.errors import ErrorResponse

    for event, *_ in CASES:
        ErrorResponse.model_validate(codify(event)[2])


def test_swagger_ui_is_self_contained(env, fake):
    status, headers, html = invoke("codify.app", load_event("docs"))
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "SwaggerUIBundle" in html and '"/v1/codify"' in html
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?://", html)  # no CDN: works offline


# ---------------------------------------------------------------- authorizer


VALID = "cdf_events-only-token-0123456789abcdefghijklmn"
REVOKED = "cdf_events-only-revoked-0123456789abcdefghij"


@pytest.fixture
def tokens(env, monkeypatch):
    from authorizer import app as authorizer_app
    from authorizer.tokens import TokenRecord, TokenStore, hash_token

    monkeypatch.setattr(authorizer_app, "_store", None)
    table = boto3.resource("dynamodb", region_name="us-east-1").Table(
        stack.handler_environment(None)["TOKENS_TABLE"]
    )
    store = TokenStore(table)
    table.put_item(
        Item=TokenRecord(
            hash_token(VALID), "clinic-a", "events", ("codify",), "2026-11-25T00:00:00Z"
        ).to_item()
    )
    table.put_item(
        Item=TokenRecord(
            hash_token(REVOKED), "clinic-a", "old", ("codify",), "2026-01-01T00:00:00Z", revoked=True
        ).to_item()
    )
    return store


def authorize(event_name: str):
    from authorizer.app import lambda_handler

    return lambda_handler(load_event(event_name), LambdaContext(function_name="authorizer"))


def test_authorizer_allows_a_valid_token_with_the_tenant(tokens, caplog, capsys):
    result = authorize("authorizer_valid")
    assert result["principalId"] == "clinic-a" and result["context"]["tenant"] == "clinic-a"
    (statement,) = result["policyDocument"]["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Resource"] == [
        "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/dev/POST/v1/codify",
        "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/dev/POST/v1/uploads",
    ]
    logs = capsys.readouterr().out + " ".join(str(vars(r)) for r in caplog.records)
    assert VALID not in logs


def test_authorizer_denies_a_revoked_token(tokens):
    result = authorize("authorizer_revoked")
    assert [s["Effect"] for s in result["policyDocument"]["Statement"]] == ["Deny"]


@pytest.mark.parametrize("event", ["authorizer_unknown", "authorizer_malformed"])
def test_authorizer_rejects_unknown_and_malformed_tokens_as_unauthorized(tokens, event):
    with pytest.raises(Exception, match="^Unauthorized$"):
        authorize(event)


def test_revoking_takes_effect(tokens):
    from authorizer.tokens import hash_token

    assert tokens.revoke(hash_token(VALID))
    assert [s["Effect"] for s in authorize("authorizer_valid")["policyDocument"]["Statement"]] == ["Deny"]
    assert not tokens.revoke("0" * 64)


def test_token_store_creates_lists_and_refuses_unknown_scopes(tokens):
    from authorizer.tokens import hash_token

    token, record = tokens.create("clinic-c", "billing", ("codify", "runs:read"))
    assert record.token_sha256 == hash_token(token) and record.scopes == ("codify", "runs:read")
    stored = json.dumps(tokens.table.get_item(Key={"token_sha256": record.token_sha256})["Item"], default=str)
    assert token not in stored  # only the hash is kept
    assert [(r.tenant, r.name) for r in tokens.list("clinic-c")] == [("clinic-c", "billing")]
    assert {r.tenant for r in tokens.list()} == {"clinic-a", "clinic-c"}
    with pytest.raises(ValueError, match="unknown scopes"):
        tokens.create("clinic-c", "x", ("admin",))


def test_local_front_applies_the_template_identity_rules(env, fake, tokens):
    from codify_cli.local.front import LocalApi

    api = LocalApi()
    body = json.dumps({"text": NOTE}).encode()
    json_header = ("Content-Type", "application/json")
    status, _, data = api.handle("POST", "/v1/codify", [json_header], body)
    assert (status, json.loads(data)["error"]["code"]) == (401, "UNAUTHORIZED")
    status, _, _ = api.handle("POST", "/v1/codify", [json_header, ("Authorization", "Bearer a b")], body)
    assert status == 401  # fails the validation expression: the authorizer is not even called
    status, _, data = api.handle(
        "POST", "/v1/codify", [json_header, ("Authorization", f"Bearer {VALID}")], body
    )
    assert status == 200 and json.loads(data)["final_assessments"][0]["code"] == "E11.9"
    status, _, data = api.handle("GET", "/v1/models", [("Authorization", f"Bearer {VALID}")], None)
    assert (status, json.loads(data)["error"]["code"]) == (403, "FORBIDDEN")  # token scoped to codify only
    status, _, data = api.handle("GET", "/v1/nowhere", [], None)
    assert (status, json.loads(data)["error"]["code"]) == (404, "NOT_FOUND")
