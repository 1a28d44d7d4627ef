"""Faults injected into the AWS calls the codify function makes (botocore hooks and Stubber on the real
clients, moto behind them) and a request deadline that runs out: the client always gets the envelope with
the documented status, and every run that got past authentication has its audit record or a counted
`AuditWriteFailed`; never a 200 without its record."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass

import pytest
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from botocore.stub import Stubber
from common import aws
from common.deadline import RESPONSE_MARGIN_SECONDS

from tests.conftest import load_event
from tests.functional import test_service as base

FakeCoder, run_items = base.FakeCoder, base.run_items
env, fake = base.env, base.fake  # the functional fixtures: template environment, moto, a fake coder


@dataclass
class ShortContext:
    """A Lambda context with `remaining_ms` left: the request's deadline is that less the response margin."""

    remaining_ms: int
    function_name: str = "codify-test"
    memory_limit_in_mb: int = 2048
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:codify-test"
    aws_request_id: str = "lambda-req-1"

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


def call(event_name: str, remaining_ms: int = 25_000) -> tuple[int, dict, dict]:
    from codify.app import lambda_handler

    response = lambda_handler(copy.deepcopy(load_event(event_name)), ShortContext(remaining_ms))
    headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
    for k, v in (response.get("multiValueHeaders") or {}).items():
        headers.setdefault(k.lower(), v[-1])
    return response["statusCode"], headers, json.loads(response["body"])


@pytest.fixture(autouse=True)
def _audit_window_for_a_loaded_machine(monkeypatch):
    """The audit write's window past the deadline is 2 s; a test's first DynamoDB call also loads boto3's
    service model, which takes longer than that on a loaded CI machine. The window's length is not what
    these tests check (test_template.py checks it fits the Lambda timeout)."""
    monkeypatch.setattr("codify.service.AUDIT_WINDOW_SECONDS", 30.0)


@pytest.fixture
def metric_names(monkeypatch):
    from common.observability import metrics

    names: list[str] = []
    original = metrics.add_metric

    def spy(name, unit, value, *args, **kwargs):
        names.append(name)
        return original(name, unit, value, *args, **kwargs)

    monkeypatch.setattr(metrics, "add_metric", spy)
    return names


def assert_unavailable(status: int, headers: dict, body: dict) -> None:
    assert (status, body["error"]["code"]) == (503, "SERVICE_UNAVAILABLE"), body
    assert int(headers["retry-after"]) >= 1 and headers["cache-control"] == "no-store"


# ---------------------------------------------------------------- the request's deadline


class SlowCoder(FakeCoder):
    """Codes like the fake, but only after checking the request's deadline as the real coder does."""

    def code(self, note, options=None, deadline=None):
        assert deadline is not None, "the use case hands the request's deadline to the coder"
        deadline.check("score")
        return super().code(note, options, deadline)


def test_a_request_past_its_deadline_is_503_and_audited_as_failed(env, monkeypatch):
    from common import coder

    coder.use(SlowCoder())
    try:
        # Exactly the margin left: the work's deadline is now. The audit write keeps its own window.
        status, headers, body = call("codify_text", remaining_ms=int(RESPONSE_MARGIN_SECONDS * 1000))
    finally:
        coder.use(None)
    assert_unavailable(status, headers, body)
    assert "in time" in body["error"]["message"]
    (item,) = run_items(env)
    assert (item["status"], item["http_status"], item["error_reason"]) == ("failed", 503, "deadline_exceeded")


def test_with_time_left_the_same_request_is_coded(env):
    from common import coder

    coder.use(SlowCoder())
    try:
        status, headers, _ = call("codify_text", remaining_ms=25_000)
    finally:
        coder.use(None)
    assert status == 200 and headers["cache-control"] == "no-store"
    assert [i["status"] for i in run_items(env)] == ["succeeded"]


def test_no_aws_attempt_starts_past_the_deadline_but_the_run_is_still_audited(env, fake):
    # With an Idempotency-Key the first AWS call is the idempotency table's: the deadline stops it.
    status, headers, body = call("codify_text_idempotent", remaining_ms=int(RESPONSE_MARGIN_SECONDS * 1000))
    assert_unavailable(status, headers, body)
    assert fake.calls == []
    (item,) = run_items(env)
    assert (item["status"], item["error_reason"]) == ("failed", "deadline_exceeded")


# ---------------------------------------------------------------- DynamoDB and S3 faults


def test_a_throttled_runs_table_is_503_never_200_and_the_lost_audit_is_counted(env, fake, metric_names):
    client = aws.dynamodb().meta.client
    with Stubber(client) as stub:  # the success record and then the failure record are both refused
        for _ in range(2):
            stub.add_client_error(
                "put_item", service_error_code="ProvisionedThroughputExceededException", http_status_code=400
            )
        status, headers, body = call("codify_text")
        stub.assert_no_pending_responses()
    assert_unavailable(status, headers, body)
    assert "final_assessments" not in body and len(fake.calls) == 1
    assert metric_names.count("AuditWriteFailed") == 2
    assert run_items(env) == []


def test_an_unreachable_staging_bucket_is_503_with_the_run_audited(env, fake):
    attempts = []

    def unreachable(request, **_):
        attempts.append(request.url)
        raise EndpointConnectionError(endpoint_url=request.url)

    aws.s3().meta.events.register_first("before-send.s3.HeadObject", unreachable)
    status, headers, body = call("codify_pdf_upload")
    assert_unavailable(status, headers, body)
    assert 1 < len(attempts) <= 4  # retried (standard mode: 3 attempts, S3 may add a redirect check), then 503
    (item,) = run_items(env)
    assert (item["status"], item["http_status"], item["input_type"]) == ("failed", 503, "upload")


def test_an_access_denied_from_aws_is_a_500_not_a_retryable_503(env, fake):
    client = aws.dynamodb().meta.client
    with Stubber(client) as stub:
        for _ in range(2):
            stub.add_client_error("put_item", service_error_code="AccessDeniedException", http_status_code=400)
        status, headers, body = call("codify_text")
    assert (status, body["error"]["code"]) == (500, "INTERNAL_ERROR") and "retry-after" not in headers


def test_a_put_whose_reply_is_lost_is_retried_into_its_own_condition_and_succeeds(
    env, fake, metric_names, caplog, monkeypatch
):
    """The first PutItem reaches the table (moto writes it) but its reply is lost: botocore retries the same
    request, which fails its `attribute_not_exists` condition; the repository reads the item back, finds
    its own record, and the run is answered 200 with exactly one record."""
    lost = []

    def lose_first_reply(request, event_name, **_):
        if event_name == "before-send.dynamodb.PutItem" and not lost:
            lost.append(request.url)
            raise ReadTimeoutError(endpoint_url=request.url)

    # Last: moto's before-send handler has answered (the item is written) when the reply is "lost".
    aws.dynamodb().meta.client.meta.events.register_last("before-send", lose_first_reply)
    status, _, body = call("codify_text")
    assert status == 200, body
    assert lost, "the fault was injected"
    assert any("lost reply retried" in r.getMessage() for r in caplog.records)  # met its own condition
    (item,) = run_items(env)
    assert (item["run_id"], item["status"]) == (body["run_id"], "succeeded")
    assert "AuditWriteFailed" not in metric_names


def test_a_put_whose_reply_is_lost_and_cannot_be_retried_is_read_back(env, fake, metric_names):
    """Every reply lost (retries exhausted) although the first attempt wrote the record: the use case reads
    the run back and answers 200, never a 503 for a run audited as succeeded."""
    attempts = []

    def lose_every_reply(request, event_name, **_):
        if event_name == "before-send.dynamodb.PutItem":
            attempts.append(request.url)
            raise ReadTimeoutError(endpoint_url=request.url)

    aws.dynamodb().meta.client.meta.events.register_last("before-send", lose_every_reply)
    status, _, body = call("codify_text")
    assert status == 200, body
    assert attempts
    (item,) = run_items(env)
    assert (item["run_id"], item["status"]) == (body["run_id"], "succeeded")
    assert "AuditWriteFailed" not in metric_names


# ---------------------------------------------------------------- found by schemathesis (tests/e2e/test_proofs.py)


@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; charset=utf-8"])
def test_a_multipart_body_without_a_boundary_is_415_not_500_and_audited(env, fake, content_type):
    from codify.app import lambda_handler

    event = load_event("codify_text")
    event["headers"]["Content-Type"] = content_type
    event["multiValueHeaders"]["Content-Type"] = [content_type]
    response = lambda_handler(event, ShortContext(25_000))
    body = json.loads(response["body"])
    assert (response["statusCode"], body["error"]["code"]) == (415, "UNSUPPORTED_MEDIA_TYPE")
    (item,) = run_items(env)
    assert (item["status"], item["http_status"]) == ("failed", 415)
