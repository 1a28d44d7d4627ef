"""template.yaml: valid for SAM and cfn-lint, transforms offline, and every route reaches a real handler
that gets the environment its settings class requires."""

from __future__ import annotations

import ast
import copy
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from codify_cli.local import template as tpl
from common.settings import SETTINGS_BY_HANDLER

ROOT = Path(__file__).resolve().parents[3]
FUNCTIONS = ROOT / "functions"


class _NoManagedPolicies:
    """The template names no managed policies, so the translator needs no IAM lookups."""

    def load(self):
        return {}


@pytest.fixture(scope="module")
def transformed() -> dict:
    from samtranslator.translator.transform import transform

    template = copy.deepcopy(tpl.load())
    # Local paths become S3 locations, as `sam package` would make them.
    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        for key in ("ContentUri",):
            if key in props:
                props[key] = "s3://bucket/layer.zip"
    template["Globals"]["Function"]["CodeUri"] = "s3://bucket/functions.zip"
    params = {"AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws"}
    with pytest.MonkeyPatch.context() as mp:  # the translator asks boto3 for a region; give it one, offline
        mp.setenv("AWS_DEFAULT_REGION", "us-east-1")
        mp.setenv("AWS_EC2_METADATA_DISABLED", "true")
        return transform(template, params, _NoManagedPolicies())


def test_sam_validate_lint_passes():
    sam = Path(sys.executable).with_name("sam")
    result = subprocess.run(
        [str(sam), "validate", "--lint", "--template-file", str(ROOT / "template.yaml")],
        check=False, cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "SAM_CLI_TELEMETRY": "0"},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def _routes(transformed: dict) -> dict[tuple[str, str], str]:
    """(METHOD, path) -> the Lambda function logical id its integration invokes."""
    (api,) = [r for r in transformed["Resources"].values() if r["Type"] == "AWS::ApiGateway::RestApi"]
    out = {}
    for path, item in api["Properties"]["Body"]["paths"].items():
        for method, operation in item.items():
            uri = operation["x-amazon-apigateway-integration"]["uri"]
            (function,) = re.findall(r"\$\{(\w+)\.Arn\}", str(uri))
            out[(method.upper(), path)] = function
    return out


def test_every_route_is_integrated_with_the_function_the_design_names(transformed):
    assert _routes(transformed) == {
        ("POST", "/v1/codify"): "CodifyFunction",
        ("GET", "/v1/runs/{run_id}"): "CodifyFunction",
        ("GET", "/v1/runs"): "CodifyFunction",
        ("GET", "/v1/models"): "CodifyFunction",
        ("POST", "/v1/models"): "CodifyFunction",
        ("GET", "/v1/models/{model_id}"): "CodifyFunction",
        ("DELETE", "/v1/models/{model_id}"): "CodifyFunction",
        ("POST", "/v1/uploads"): "CodifyFunction",
        ("GET", "/v1/openapi.json"): "CodifyFunction",
        ("GET", "/v1/docs"): "CodifyFunction",
        ("GET", "/v1/health"): "HealthFunction",
    }


def test_only_health_and_docs_are_open(transformed):
    (api,) = [r for r in transformed["Resources"].values() if r["Type"] == "AWS::ApiGateway::RestApi"]
    def is_open(operation: dict) -> bool:
        return operation.get("security") in ([], [{"NONE": []}])

    open_routes = {
        (method.upper(), path)
        for path, item in api["Properties"]["Body"]["paths"].items()
        for method, operation in item.items()
        if is_open(operation)
    }
    # Every other route: the token authorizer and the API key it supplies (the tenant's usage plan key).
    protected = {frozenset(name for s in op["security"] for name in s)
                 for item in api["Properties"]["Body"]["paths"].values() for op in item.values()
                 if not is_open(op)}  # fmt: skip
    assert protected == {frozenset({"TokenAuthorizer", "api_key"})}
    assert api["Properties"]["ApiKeySourceType"] == "AUTHORIZER"
    plans = [r for r in transformed["Resources"].values() if r["Type"] == "AWS::ApiGateway::UsagePlan"]
    (plan,) = plans
    # The transform resolves the parameters (here: their defaults; on deploy: the stack's values).
    defaults = {k: v["Default"] for k, v in tpl.load()["Parameters"].items() if "Default" in v}
    assert plan["Properties"]["Throttle"] == {"RateLimit": defaults["TenantRateLimit"],
                                              "BurstLimit": defaults["TenantBurstLimit"]}  # fmt: skip
    assert plan["Properties"]["Quota"] == {"Limit": defaults["TenantDailyQuota"], "Period": "DAY"}
    assert open_routes == {("GET", "/v1/health"), ("GET", "/v1/openapi.json"), ("GET", "/v1/docs")}


def test_each_function_handler_exists_and_gets_the_environment_its_settings_require(transformed):
    functions = {k: v for k, v in transformed["Resources"].items() if v["Type"] == "AWS::Lambda::Function"}
    assert set(functions) == {"CodifyFunction", "HealthFunction", "TokenAuthorizerFunction", "ModelTrainingFunction"}
    for logical_id, fn in functions.items():
        props = fn["Properties"]
        handler = props["Handler"]
        module_path, attribute = handler.rsplit(".", 1)
        source = FUNCTIONS / f"{module_path}.py"
        assert source.is_file(), handler
        # Parsed, not imported: importing would start Powertools' tracer (a UDP socket) in a no-network test.
        defined = {n.name for n in ast.parse(source.read_text()).body if isinstance(n, ast.FunctionDef)}
        assert attribute in defined, handler
        variables = set(props["Environment"]["Variables"])
        missing = SETTINGS_BY_HANDLER[handler].required_env() - variables
        assert not missing, f"{logical_id} lacks {missing}"
        assert props["Runtime"] == "python3.12" and props["TracingConfig"] == {"Mode": "Active"}


def _statements(transformed: dict, function_logical_id: str, conditions: dict[str, bool]) -> list[dict]:
    """The role's statements with each `Fn::If` resolved as the named conditions would be on deploy."""
    role = transformed["Resources"][f"{function_logical_id}Role"]
    found = []
    for policy in role["Properties"].get("Policies", []):
        for statement in policy["PolicyDocument"]["Statement"]:
            if "Fn::If" in statement:
                name, when_true, when_false = statement["Fn::If"]
                statement = when_true if conditions[name] else when_false
                if statement == {"Ref": "AWS::NoValue"}:
                    continue
            found.append(statement)
    return found


def _actions(statements: list[dict]) -> set[str]:
    found: set[str] = set()
    for statement in statements:
        found |= set(statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]])
    return found


def test_functions_are_least_privilege(transformed):
    def actions(function_logical_id: str, ocr: bool = False) -> set[str]:
        return _actions(_statements(transformed, function_logical_id, {"OcrOn": ocr}))

    assert actions("TokenAuthorizerFunction") == {"dynamodb:GetItem"}
    codify = actions("CodifyFunction")
    assert "dynamodb:UpdateItem" in codify  # the idempotency table only
    assert not any(a.endswith("*") for a in codify)
    assert actions("HealthFunction") == set()
    # Textract is granted only when OCR is switched on.
    assert not any(a.startswith("textract:") for a in codify)
    assert "textract:DetectDocumentText" in actions("CodifyFunction", ocr=True)


def test_bucket_listing_is_limited_to_the_tenants_prefix(transformed):
    listing = [s for s in _statements(transformed, "CodifyFunction", {"OcrOn": True})
               if "s3:ListBucket" in _actions([s])]  # fmt: skip
    # Staging (a missing upload must read as 404, which S3 only says with ListBucket) and models.
    assert len(listing) == 2
    for statement in listing:
        assert statement["Condition"] == {"StringLike": {"s3:prefix": ["tenants/*"]}}


def test_timeouts_fit_inside_api_gateway_and_alarms_notify_the_topic():
    template = tpl.load()
    assert template["Globals"]["Function"]["Timeout"] < 29  # API Gateway's integration timeout
    resources = template["Resources"]
    assert resources["TokenAuthorizerFunction"]["Properties"]["Timeout"] <= 10
    alarms = tpl.resources_of_type(template, "AWS::CloudWatch::Alarm")
    assert alarms
    topic = {"Fn::If": ["HasAlarmTopic", [{"Ref": "AlarmTopicArn"}], {"Ref": "AWS::NoValue"}]}
    for name, alarm in alarms.items():
        assert alarm["Properties"]["AlarmActions"] == topic, name
        assert alarm["Properties"]["OKActions"] == topic, name
    reserved = resources["CodifyFunction"]["Properties"]["ReservedConcurrentExecutions"]
    assert reserved["Fn::If"][0] == "HasReservedConcurrency"


def test_storage_is_encrypted_private_and_recoverable():
    template = tpl.load()
    resources = template["Resources"]
    for name in ("RunsTable", "TokensTable", "IdempotencyTable"):
        assert resources[name]["Properties"]["SSESpecification"] == {"SSEEnabled": True}
    assert resources["RunsTable"]["Properties"]["PointInTimeRecoverySpecification"] == {
        "PointInTimeRecoveryEnabled": True
    }
    indexes = {i["IndexName"]: [k["AttributeName"] for k in i["KeySchema"]]
               for i in resources["RunsTable"]["Properties"]["GlobalSecondaryIndexes"]}  # fmt: skip
    assert indexes == {
        "by-tenant-time": ["tenant", "created_at"],
        "by-patient-time": ["tenant_patient", "created_at"],
        "by-doctor-time": ["tenant_doctor", "created_at"],
        "by-encounter-time": ["tenant_encounter", "created_at"],
    }
    for bucket in ("StagingBucket", "ModelsBucket"):
        props = resources[bucket]["Properties"]
        assert all(props["PublicAccessBlockConfiguration"].values())
        assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        policy = resources[f"{bucket}Policy"]["Properties"]["PolicyDocument"]["Statement"][0]
        assert policy["Effect"] == "Deny" and policy["Condition"] == {
            "Bool": {"aws:SecureTransport": "false"}
        }
    expiry = resources["StagingBucket"]["Properties"]["LifecycleConfiguration"]["Rules"][0][
        "ExpirationInDays"
    ]
    assert expiry == {"Ref": "StagingExpiryDays"}


def test_gateway_errors_use_the_envelope():
    import json

    responses = tpl.gateway_responses()
    for kind in ("UNAUTHORIZED", "ACCESS_DENIED", "THROTTLED", "MISSING_AUTHENTICATION_TOKEN", "DEFAULT_4XX",
                 "DEFAULT_5XX"):  # fmt: skip
        body = json.loads(responses[kind]["ResponseTemplates"]["application/json"])
        assert set(body["error"]) == {"code", "message", "request_id"}
    assert responses["UNAUTHORIZED"]["StatusCode"] == 401 and responses["ACCESS_DENIED"]["StatusCode"] == 403


def test_local_routes_match_the_template():
    assert {(r.method, r.path, r.handler, r.authorized) for r in tpl.routes()} == {
        ("POST", "/v1/codify", "codify/app.lambda_handler", True),
        ("GET", "/v1/runs/{run_id}", "codify/app.lambda_handler", True),
        ("GET", "/v1/runs", "codify/app.lambda_handler", True),
        ("GET", "/v1/models", "codify/app.lambda_handler", True),
        ("POST", "/v1/models", "codify/app.lambda_handler", True),
        ("GET", "/v1/models/{model_id}", "codify/app.lambda_handler", True),
        ("DELETE", "/v1/models/{model_id}", "codify/app.lambda_handler", True),
        ("POST", "/v1/uploads", "codify/app.lambda_handler", True),
        ("GET", "/v1/openapi.json", "codify/app.lambda_handler", False),
        ("GET", "/v1/docs", "codify/app.lambda_handler", False),
        ("GET", "/v1/health", "health/app.lambda_handler", False),
    }


def test_traces_and_logs_never_capture_bodies():
    env = tpl.load()["Globals"]["Function"]["Environment"]["Variables"]
    assert env["POWERTOOLS_TRACER_CAPTURE_RESPONSE"] == env["POWERTOOLS_TRACER_CAPTURE_ERROR"] == "false"
    assert env["POWERTOOLS_LOGGER_LOG_EVENT"] == "false"
    api = tpl.load()["Resources"]["CodifyApi"]["Properties"]
    assert api["MethodSettings"][0]["DataTraceEnabled"] is False
    assert "$input.body" not in api["AccessLogSetting"]["Format"]


def test_event_files_are_what_events_generate_writes(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "events" / "generate.py"), str(tmp_path)], check=True, cwd=ROOT)
    generated = sorted(p.name for p in tmp_path.glob("*.json"))
    assert len(generated) >= 20
    for name in generated:
        assert (tmp_path / name).read_text() == (ROOT / "events" / name).read_text(), (
            f"events/{name} is stale: run python events/generate.py"
        )


def test_a_failed_audit_write_raises_an_alarm_on_the_metric_the_service_emits():
    alarm = tpl.load()["Resources"]["AuditWriteFailedAlarm"]["Properties"]
    namespace = re.search(r'METRICS_NAMESPACE = "(\w+)"', (FUNCTIONS / "common/observability.py").read_text())
    assert (alarm["Namespace"], alarm["MetricName"]) == (namespace and namespace[1], "AuditWriteFailed")
    assert 'name="AuditWriteFailed"' in (FUNCTIONS / "codify/service.py").read_text()
    service_name = tpl.load()["Globals"]["Function"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]
    assert alarm["Dimensions"] == [{"Name": "service", "Value": service_name}]  # Powertools' own dimension
    assert alarm["Threshold"] == 1


def test_the_request_deadline_leaves_time_to_audit_before_the_lambda_timeout():
    from common import aws
    from common.deadline import AUDIT_WINDOW_SECONDS, RESPONSE_MARGIN_SECONDS

    timeout = tpl.load()["Globals"]["Function"]["Timeout"]
    config = aws._DYNAMODB
    # The work stops at timeout - margin; the audit starts attempts within its window, each attempt bounded.
    audit_worst = AUDIT_WINDOW_SECONDS + config.connect_timeout + config.read_timeout
    assert audit_worst < RESPONSE_MARGIN_SECONDS < timeout


def test_throttling_and_gateway_failures_say_when_to_retry():
    responses = tpl.gateway_responses()
    for kind in ("THROTTLED", "DEFAULT_5XX"):
        headers = responses[kind]["ResponseParameters"]["Headers"]
        assert int(headers["Retry-After"].strip("'")) >= 1 and headers["Cache-Control"] == "'no-store'"


def test_audit_records_are_append_only_and_expire_by_ttl_after_the_retention_years():
    template = tpl.load()
    resources = template["Resources"]
    runs_arn = {"Fn::GetAtt": ["RunsTable", "Arn"]}
    for name, fn in tpl.resources_of_type(template, "AWS::Serverless::Function").items():
        for policy in fn["Properties"].get("Policies") or []:
            for statement in policy.get("Statement", []) if isinstance(policy, dict) else []:
                if statement.get("Resource") != runs_arn or statement["Effect"] != "Allow":
                    continue
                assert not {"dynamodb:UpdateItem", "dynamodb:DeleteItem"} & set(statement["Action"]), name
    statements = resources["CodifyFunction"]["Properties"]["Policies"][0]["Statement"]
    (deny,) = [s for s in statements if s.get("Sid") == "AuditImmutable"]
    assert deny["Effect"] == "Deny" and {"dynamodb:UpdateItem", "dynamodb:DeleteItem"} <= set(deny["Action"])
    ttl = resources["RunsTable"]["Properties"]["TimeToLiveSpecification"]
    assert ttl == {"AttributeName": "expires_at", "Enabled": True}
    env = resources["CodifyFunction"]["Properties"]["Environment"]["Variables"]
    assert env["RETENTION_YEARS"] == {"Ref": "RetentionYears"}
    indexes = {i["IndexName"] for i in resources["RunsTable"]["Properties"]["GlobalSecondaryIndexes"]}
    assert indexes == {"by-tenant-time", "by-patient-time", "by-doctor-time", "by-encounter-time"}
