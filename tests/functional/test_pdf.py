"""PDF notes through the real CodifyFunction handler, with AWS played by a moto server on 127.0.0.1.

The server (not the in-process decorator) is used so the presigned upload form is exercised over real
HTTP, exactly as a client would post it. The coder is a small fake (keyword spotting) so these tests are
about the PDF path: staging, uploads, OCR, refusals and the audit record; the real coder has its own tests.
"""

from __future__ import annotations

import base64
import json
import time
import tracemalloc
import uuid
from dataclasses import dataclass

import boto3
import pytest
import requests
from codify_cli.local import template as tpl
from codify_coder.types import (
    Analysis,
    Assessment,
    CodingResult,
    Document,
    Evidence,
    ModelInfo,
)

from tests.fixtures import pdf_events, pdfs

pytestmark = pytest.mark.enable_socket

REGION = "us-east-1"
FUNCTION_ENV = tpl.function_environment("CodifyFunction")  # names and switches as template.yaml sets them
BUCKET = FUNCTION_ENV["STAGING_BUCKET"]
RUNS = FUNCTION_ENV["RUNS_TABLE"]
TENANT = "clinic-a"
OTHER_TENANT = "clinic-b"
KEYWORDS = {"hypertension": "I10", "pneumonia": "J18.9", "diabetes": "E11.9"}


# ---------------------------------------------------------------- fakes and helpers


class KeywordCoder:
    """Finds fixed words; evidence pages come from the Document, as the real assembler does."""

    model = ModelInfo(id="default", version="test", terminology="ICD-10-CM FY2026")

    def code(self, note, options=None, deadline=None):
        document = note if isinstance(note, Document) else Document(text=note)
        lowered = document.text.lower()
        found = []
        for word, code in KEYWORDS.items():
            start = lowered.find(word)
            if start >= 0:
                end = start + len(word)
                evidence = Evidence(document.text[start:end], start, end, document.page_of(start))
                found.append(Assessment(code, word, 90, f"'{word}' is stated", (evidence,), "present", True))
        return CodingResult(
            language="en",
            model=self.model,
            final_assessments=tuple(found),
            discarded_assessments=(),
            analysis=Analysis(
                sentences=1, mentions=len(found), candidates=len(found), warnings=document.warnings
            ),
        )

    def with_model_dir(self, model_dir):
        return self


@dataclass
class Context:
    aws_request_id: str
    function_name: str = "codify-test-codify"
    memory_limit_in_mb: int = 2048
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:codify-test-codify"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 29_000


def api_event(method: str, path: str, body: dict | None, tenant: str = TENANT) -> dict:
    request_id = str(uuid.uuid4())
    headers = {"Content-Type": "application/json", "Authorization": "Bearer test"}
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": path,
            "httpMethod": method,
            "path": f"/v1{path}",
            "stage": "v1",
            "requestId": request_id,
            "accountId": "123456789012",
            "apiId": "test",
            "identity": {"sourceIp": "127.0.0.1"},
            "authorizer": {"tenant": tenant, "token_name": "test", "principalId": tenant},
        },
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


@pytest.fixture(scope="module")
def moto_url():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def service(moto_url, monkeypatch):
    """Fresh moto state, environment and caches; returns a callable that invokes the handler."""
    from codify_cli.local.resources import create_resources
    from moto.textract.models import TextractBackend

    requests.post(f"{moto_url}/moto-api/reset", timeout=10)
    from codify_cli.local import stack

    # The functions' environment exactly as `codify serve` and test_service give it (template.yaml values,
    # local credentials, tracing and EMF metrics off), pointed at this module's moto server.
    env = {**stack.handler_environment(moto_url), "STAGING_BUCKET": BUCKET, "RUNS_TABLE": RUNS}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(TextractBackend, "BLOCKS", [])
    create_resources(boto3.session.Session())  # tables and buckets from template.yaml's own properties
    s3 = boto3.client("s3", region_name=REGION, endpoint_url=moto_url)
    return Harness(moto_url, monkeypatch, s3)


class Harness:
    def __init__(self, url, monkeypatch, s3):
        self.url = url
        self.monkeypatch = monkeypatch
        self.s3 = s3
        self.ocr(False)

    def ocr(self, enabled: bool, blocks: list[dict] | None = None) -> None:
        from moto.textract.models import TextractBackend

        self.monkeypatch.setenv("OCR_ENABLED", "true" if enabled else "false")
        self.monkeypatch.setattr(TextractBackend, "BLOCKS", blocks or [])
        self._reset()

    def _reset(self) -> None:
        from codify import app
        from common import aws, coder, settings

        settings.reset_caches()
        aws.reset()
        app.service.cache_clear()
        coder.use(KeywordCoder())

    def call(self, method: str, path: str, body: dict | None, tenant: str = TENANT):
        from codify import app

        event = api_event(method, path, body, tenant)
        response = app.lambda_handler(event, Context(aws_request_id=event["requestContext"]["requestId"]))
        return response["statusCode"], json.loads(response["body"]), event["requestContext"]["requestId"]

    def audit(self, request_id: str) -> dict:
        table = boto3.resource("dynamodb", region_name=REGION, endpoint_url=self.url).Table(RUNS)
        items = [i for i in table.scan()["Items"] if i.get("request_id") == request_id]
        assert len(items) == 1, f"expected one audit record, found {len(items)}"
        return items[0]

    def upload(self, data: bytes, tenant: str = TENANT, content_type: str = "application/pdf") -> str:
        status, body, _ = self.call("POST", "/v1/uploads", None, tenant)
        assert status == 201, body
        form = body["upload"]
        answer = requests.post(
            form["url"], data=form["fields"], files={"file": ("note.pdf", data, content_type)}, timeout=30
        )
        assert answer.status_code in (200, 201, 204), answer.text
        return body["upload_id"]

    def object_keys(self) -> list[str]:
        return [o["Key"] for o in self.s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def line(text: str, page: int) -> dict:
    return {"BlockType": "LINE", "Text": text, "Page": page, "Confidence": 99.0, "Id": str(uuid.uuid4())}


# ---------------------------------------------------------------- inline PDFs


def test_inline_pdf_is_coded_with_pages_and_staged_encrypted(service):
    status, body, request_id = service.call("POST", "/v1/codify", {"pdf": b64(pdfs.text_pdf())})

    assert status == 200, body
    assert body["input"]["type"] == "pdf" and body["input"]["pages"] == 3
    by_code = {a["code"]: a for a in body["final_assessments"]}
    assert by_code["I10"]["evidence"][0]["page"] == 2
    assert by_code["E11.9"]["evidence"][0]["page"] == 1
    record = service.audit(request_id)
    key = f"tenants/{TENANT}/runs/{body['run_id']}/input.pdf"
    assert record["status"] == "succeeded" and record["input_s3_key"] == key and record["pages"] == 3
    head = service.s3.head_object(Bucket=BUCKET, Key=key)
    assert head["ServerSideEncryption"] == "AES256" and head["ContentType"] == "application/pdf"
    assert service.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == pdfs.text_pdf()


def test_inline_limit_is_the_largest_pdf_a_lambda_request_can_carry():
    from codify.pdf_input import EVENT_ENVELOPE_BUDGET, INLINE_PDF_MAX_BYTES, LAMBDA_SYNC_PAYLOAD_BYTES

    assert INLINE_PDF_MAX_BYTES == 4_694_016
    encoded = 4 * -(-INLINE_PDF_MAX_BYTES // 3)
    assert encoded + EVENT_ENVELOPE_BUDGET <= LAMBDA_SYNC_PAYLOAD_BYTES
    assert 4 * -(-(INLINE_PDF_MAX_BYTES + 3) // 3) + EVENT_ENVELOPE_BUDGET > LAMBDA_SYNC_PAYLOAD_BYTES
    # a realistic event at the limit: the body plus the envelope our own event builder makes, with
    # API Gateway's worst case of 10 KB of headers twice over, still fits
    event = api_event("POST", "/v1/codify", {"pdf": "A" * encoded})
    big_headers = {f"X-Header-{i}": "v" * 90 for i in range(100)}  # ~10 KB
    event["headers"].update(big_headers)
    event["multiValueHeaders"].update({k: [v] for k, v in big_headers.items()})
    assert len(json.dumps(event).encode()) <= LAMBDA_SYNC_PAYLOAD_BYTES


def test_inline_pdf_over_the_inline_limit_is_413_pointing_to_uploads(service):
    from codify.pdf_input import INLINE_PDF_MAX_BYTES

    status, body, request_id = service.call(
        "POST", "/v1/codify", {"pdf": b64(pdfs.too_large(INLINE_PDF_MAX_BYTES + 1))}
    )

    assert status == 413 and body["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert "POST /v1/uploads" in body["error"]["message"] and "4,694,016" in body["error"]["message"]
    record = service.audit(request_id)
    assert (record["status"], record["http_status"], record["error_reason"]) == (
        "failed",
        413,
        "inline_too_large",
    )
    assert service.object_keys() == []


# ---------------------------------------------------------------- uploads


def test_upload_form_limits_size_type_and_key(service):
    status, body, _ = service.call("POST", "/v1/uploads", None)

    assert status == 201
    assert body["upload_id"].startswith("upl_") and body["max_bytes"] == 5 * 1024 * 1024
    fields = body["upload"]["fields"]
    assert fields["key"] == f"tenants/{TENANT}/uploads/{body['upload_id']}"
    assert fields["Content-Type"] == "application/pdf"
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert ["content-length-range", 1, 5 * 1024 * 1024] in policy["conditions"]
    assert {"Content-Type": "application/pdf"} in policy["conditions"]
    assert {"key": fields["key"]} in policy["conditions"]
    assert body["expires_in"] == 900 and body["expires_at"].endswith("Z")


def test_uploaded_pdf_is_coded_by_upload_id(service):
    upload_id = service.upload(pdfs.text_pdf())

    status, body, request_id = service.call("POST", "/v1/codify", {"upload_id": upload_id})

    assert status == 200, body
    assert {a["code"] for a in body["final_assessments"]} == {"I10", "J18.9", "E11.9"}
    record = service.audit(request_id)
    assert record["input_type"] == "upload"
    assert record["input_s3_key"] == f"tenants/{TENANT}/runs/{body['run_id']}/input.pdf"


def test_another_tenants_upload_is_404(service):
    upload_id = service.upload(pdfs.text_pdf(), tenant=OTHER_TENANT)

    status, body, request_id = service.call("POST", "/v1/codify", {"upload_id": upload_id}, tenant=TENANT)

    assert status == 404 and body["error"]["code"] == "NOT_FOUND"
    assert service.audit(request_id)["error_reason"] == "upload_not_found"
    assert f"tenants/{OTHER_TENANT}/uploads/{upload_id}" in service.object_keys()  # untouched


def test_upload_that_never_arrived_is_404_with_a_clear_message(service):
    _, created, _ = service.call("POST", "/v1/uploads", None)

    status, body, _ = service.call("POST", "/v1/codify", {"upload_id": created["upload_id"]})

    assert status == 404
    assert "has arrived" in body["error"]["message"] and "POST /v1/uploads" in body["error"]["message"]


@pytest.mark.parametrize(
    ("build", "status", "code"),
    [
        (pdfs.not_a_pdf, 415, "UNSUPPORTED_MEDIA_TYPE"),
        (pdfs.truncated, 422, "UNPROCESSABLE_DOCUMENT"),
        (lambda: pdfs.too_large(5 * 1024 * 1024 + 10), 413, "PAYLOAD_TOO_LARGE"),
    ],
    ids=["not_pdf", "truncated", "over_5MB"],
)
def test_bad_upload_is_refused_and_deleted(service, build, status, code):
    upload_id = service.upload(build())  # moto does not enforce the form's policy; the handler must
    assert f"tenants/{TENANT}/uploads/{upload_id}" in service.object_keys()

    got, body, request_id = service.call("POST", "/v1/codify", {"upload_id": upload_id})

    assert (got, body["error"]["code"]) == (status, code)
    assert f"tenants/{TENANT}/uploads/{upload_id}" not in service.object_keys()
    assert service.audit(request_id)["http_status"] == status


# ---------------------------------------------------------------- OCR


def test_ocr_off_codes_the_text_pages_and_warns_about_the_scanned_one(service):
    status, body, request_id = service.call("POST", "/v1/codify", {"pdf": b64(pdfs.mixed_pdf())})

    assert status == 200
    assert "page 2 has no text layer" in body["analysis"]["warnings"]
    assert "I10" not in {a["code"] for a in body["final_assessments"]}  # it is only on the scanned page
    assert service.audit(request_id)["input_warnings"] == ["page 2 has no text layer"]


def test_ocr_on_merges_textract_lines_into_their_page(service):
    service.ocr(True, [line("Essential hypertension,", 2), line("treated with lisinopril.", 2)])

    status, body, request_id = service.call("POST", "/v1/codify", {"pdf": b64(pdfs.mixed_pdf())})

    assert status == 200, body
    hypertension = next(a for a in body["final_assessments"] if a["code"] == "I10")
    assert hypertension["evidence"][0]["page"] == 2
    assert body["analysis"]["warnings"] == ["text of page(s) 2 comes from OCR"]
    assert service.audit(request_id)["pages"] == 3


def test_ocr_on_single_scanned_page_uses_the_synchronous_api(service):
    service.ocr(True, [line("Community-acquired pneumonia.", 1)])

    status, body, _ = service.call("POST", "/v1/codify", {"pdf": b64(pdfs.image_only_pdf())})

    assert status == 200, body
    assert [a["code"] for a in body["final_assessments"]] == ["J18.9"]
    assert body["final_assessments"][0]["evidence"][0]["page"] == 1


def test_failed_ocr_job_codes_the_text_pages_and_says_ocr_failed(service, monkeypatch):
    from moto.textract.models import TextractBackend

    service.ocr(True, [line("Essential hypertension", 2)])
    monkeypatch.setattr(TextractBackend, "JOB_STATUS", "FAILED")

    status, body, _ = service.call("POST", "/v1/codify", {"pdf": b64(pdfs.mixed_pdf())})

    assert status == 200, body
    assert "OCR failed; pages without a text layer were not read" in body["analysis"]["warnings"]
    assert "I10" not in {a["code"] for a in body["final_assessments"]}


def test_failed_ocr_on_a_fully_scanned_pdf_is_503(service, monkeypatch):
    from moto.textract.models import TextractBackend

    service.ocr(True, [line("Essential hypertension", 1)])
    monkeypatch.setattr(TextractBackend, "JOB_STATUS", "FAILED")

    status, body, request_id = service.call("POST", "/v1/codify", {"pdf": b64(pdfs.text_pdf([None, None]))})

    assert status == 503 and body["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert "OCR" in body["error"]["message"]
    assert service.audit(request_id)["error_reason"] == "ocr_failed"


def test_no_text_and_ocr_off_is_422_saying_so(service):
    status, body, request_id = service.call("POST", "/v1/codify", {"pdf": b64(pdfs.image_only_pdf())})

    assert status == 422 and body["error"]["code"] == "UNPROCESSABLE_DOCUMENT"
    assert "no text layer" in body["error"]["message"] and "OCR is not enabled" in body["error"]["message"]
    assert service.audit(request_id)["error_reason"] == "no_text"


def test_no_text_even_after_ocr_is_422(service):
    service.ocr(True, [])
    status, body, _ = service.call("POST", "/v1/codify", {"pdf": b64(pdfs.image_only_pdf())})
    assert status == 422 and "OCR found no text" in body["error"]["message"]


# ---------------------------------------------------------------- hostile files through the handler

HOSTILE = {  # name -> (status, error_reason or None, max seconds, max peak MiB)
    "truncated": (422, "malformed", 3, 64),
    "garbage_with_header": (422, "malformed", 3, 64),
    "not_a_pdf": (415, "not_pdf", 2, 32),
    "encrypted_with_password": (422, "encrypted", 3, 64),
    "page_tree_loop": (422, "loop", 3, 64),
    "deeply_nested": (422, "nesting", 4, 96),
    "decompression_bomb": (413, "inflated_stream", 4, 128),
    "many_stream_bomb": (413, "inflated_total", 6, 256),
    "thousands_of_pages": (413, "too_many_pages", 4, 96),
    "lying_page_count": (413, "too_many_pages", 6, 96),
    "object_flood": (413, "too_many_objects", 2, 32),
    "no_pages": (422, "no_pages", 2, 32),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_inline_pdf_is_refused_and_audited(service, name):
    status, reason, max_seconds, max_mib = HOSTILE[name]
    payload = {"pdf": b64(pdfs.HOSTILE[name]())}

    tracemalloc.start()
    started = time.perf_counter()
    got, body, request_id = service.call("POST", "/v1/codify", payload)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    assert got == status, body
    assert set(body) == {"error"} and body["error"]["request_id"] == request_id
    record = service.audit(request_id)
    assert (record["status"], int(record["http_status"]), record["error_code"]) == (
        "failed",
        status,
        body["error"]["code"],
    )
    if reason:
        assert record["error_reason"] == reason
    assert "input_s3_key" not in record  # refused files are not kept
    assert elapsed < max_seconds, f"{name}: {elapsed:.2f} s"
    assert peak < max_mib * 2**20, f"{name}: {peak / 2**20:.0f} MiB"


@pytest.mark.parametrize("name", ["encrypted_empty_password", "javascript_and_attachment", "xref_loop"])
def test_unusual_but_readable_pdfs_are_coded_with_warnings(service, name):
    data = {**pdfs.READABLE, "xref_loop": pdfs.xref_loop}[name]()
    status, body, request_id = service.call("POST", "/v1/codify", {"pdf": b64(data)})

    assert status == 200, body
    assert "I10" in {a["code"] for a in body["final_assessments"]}
    if name != "xref_loop":
        assert body["analysis"]["warnings"] and service.audit(request_id)["input_warnings"]


# ---------------------------------------------------------------- events/ (shared with sam local invoke)


@pytest.mark.parametrize("stem", sorted(pdf_events.EVENTS))
def test_pdf_event_files_run_through_the_handler(service, stem):
    from codify import app

    event = json.loads((pdf_events.EVENTS_DIR / f"{stem}.json").read_text(encoding="utf-8"))
    _, expected = pdf_events.EVENTS[stem]

    response = app.lambda_handler(event, Context(aws_request_id=event["requestContext"]["requestId"]))

    assert response["statusCode"] == expected, response["body"]


def test_pdf_event_files_are_up_to_date():
    for stem in ("uploads_create", "codify_pdf_inline", "codify_pdf_upload", "codify_pdf_scanned"):
        on_disk = json.loads((pdf_events.EVENTS_DIR / f"{stem}.json").read_text(encoding="utf-8"))
        assert on_disk == pdf_events.EVENTS[stem][0](), (
            f"regenerate with python -m tests.fixtures.pdf_events ({stem})"
        )
