"""The codify use case with in-memory fakes for its ports: no AWS, no moto, no network.

What it must do whatever the storage: one audit record per run (success or failure, never both), the
typed facts of the input in it (never the note), idempotent replays, and PDF refusals audited with what
was learned about the file.
"""

from __future__ import annotations

import os

import pytest

# common.observability builds Powertools' objects at import, from the environment: set the template's values
# first (as tests/unit/functions/test_pdf_textract.py does) so collection order cannot matter.
for _key, _value in {
    "POWERTOOLS_SERVICE_NAME": "codify",
    "POWERTOOLS_METRICS_NAMESPACE": "Codify",
    "POWERTOOLS_TRACE_DISABLED": "true",
}.items():
    os.environ.setdefault(_key, _value)

from codify.models import CodifyRequest, ModelSummary, RunRecord
from codify.pdf_input import PdfInput
from codify.ports import OcrFailed, ReplayRef
from codify.service import CodifyCommand, CodifyService, Tracking
from codify_coder.types import Analysis, Assessment, CodingResult, Document, Evidence, ModelInfo
from common import errors
from common.caller import Caller
from common.coder import CoderUnavailable
from common.settings import CodifySettings

from tests.fixtures import pdfs

NOTE = "Assessment: type 2 diabetes mellitus. Plan: diet."
CALLER = Caller(tenant="clinic-a", token_name="ehr", request_id="req-1")


# ---------------------------------------------------------------- fakes of the ports


class FakeCoder:
    """Codes 'diabetes' (E11.9) and 'hypertension' (I10) wherever they appear."""

    def __init__(self, version: str = "fake-1", fail: Exception | None = None) -> None:
        self.model = ModelInfo("default", version, "ICD-10-CM FY2026")
        self.fail = fail
        self.calls = 0

    def code(self, note, options=None, deadline=None):
        self.calls += 1
        if self.fail:
            raise self.fail
        document = note if isinstance(note, Document) else Document(text=note)
        found = []
        for word, code in (("diabetes", "E11.9"), ("hypertension", "I10")):
            start = document.text.lower().find(word)
            if start >= 0:
                evidence = Evidence(document.text[start : start + len(word)], start, start + len(word))
                found.append(Assessment(code, word, 90, "stated", (evidence,), "present", True))
        return CodingResult("en", self.model, tuple(found), (), Analysis(1, len(found), len(found)))

    def with_model_dir(self, model_dir):
        raise AssertionError("the fake model store never loads model files")


class FakeRuns:
    """RunsTable: a dict; a put never overwrites (like the conditional put)."""

    def __init__(self, fail_puts: int = 0) -> None:
        self.items: dict[str, RunRecord] = {}
        self.fail_puts = fail_puts

    def put(self, record: RunRecord) -> None:
        if self.fail_puts:
            self.fail_puts -= 1
            raise ConnectionError("table unavailable")
        if record.run_id in self.items:
            raise ValueError("ConditionalCheckFailed")
        self.items[record.run_id] = record

    def get(self, tenant: str, run_id: str) -> RunRecord:
        record = self.items.get(run_id)
        if record is None or record.tenant != tenant:
            raise errors.NotFound("No such run.")
        return record

    @property
    def records(self) -> list[RunRecord]:
        return list(self.items.values())


class FakeModels:
    def __init__(self, owned: dict[tuple[str, str], FakeCoder] | None = None) -> None:
        self.owned = owned or {}

    def list(self, tenant: str) -> list[ModelSummary]:
        return [
            ModelSummary(id=m, version=c.model.version) for (t, m), c in self.owned.items() if t == tenant
        ]

    def coder_for(self, tenant, model_id, base):
        if (tenant, model_id) not in self.owned:
            raise errors.ModelNotFound()
        return self.owned[(tenant, model_id)]


class FakeStaging:
    def __init__(self, uploads: dict[tuple[str, str], bytes] | None = None) -> None:
        self.uploads = dict(uploads or {})
        self.staged: dict[str, bytes] = {}

    def upload_size(self, tenant, upload_id):
        if (tenant, upload_id) not in self.uploads:
            raise errors.NotFound("No upload.", reason="upload_not_found")
        return len(self.uploads[(tenant, upload_id)])

    def read_upload(self, tenant, upload_id, max_bytes):
        return self.uploads[(tenant, upload_id)][:max_bytes]

    def delete_upload(self, tenant, upload_id):
        self.uploads.pop((tenant, upload_id), None)

    def stage_input(self, tenant, run_id, data):
        key = f"tenants/{tenant}/runs/{run_id}/input.pdf"
        self.staged[key] = data
        return key


class FakeOcr:
    def __init__(self, lines: dict[int, list[str]] | None = None, fail: bool = False) -> None:
        self.lines_by_page = lines or {}
        self.fail = fail
        self.keys: list[str] = []

    def lines(self, key, *, pages, timeout):
        self.keys.append(key)
        if self.fail:
            raise OcrFailed("TextractJobFailed")
        return self.lines_by_page


class FakeIdempotency:
    """Remembers the first response's identity per (tenant, key); a failed produce pins nothing."""

    def __init__(self, fail_on_save: bool = False) -> None:
        self.done: dict[tuple[str, str], tuple[str, ReplayRef]] = {}
        self.fail_on_save = fail_on_save

    def once(self, *, tenant, key, fingerprint, produce, lambda_context=None):
        if (tenant, key) in self.done:
            seen, ref = self.done[(tenant, key)]
            if seen != fingerprint:
                raise errors.IdempotencyConflict()
            return ref
        response = produce()
        if self.fail_on_save:
            raise ConnectionError("idempotency table unavailable")
        self.done[(tenant, key)] = (fingerprint, ReplayRef(response.run_id, response.created_at, "v"))
        return response


SETTINGS = CodifySettings.model_validate(
    {
        "RUNS_TABLE": "runs",
        "IDEMPOTENCY_TABLE": "idem",
        "STAGING_BUCKET": "staging",
        "MODELS_BUCKET": "models",
        "MODELS_TABLE": "models-table",
        "TRAINING_FUNCTION": "training",
    }
)


class World:
    def __init__(
        self, coder=None, runs=None, staging=None, ocr=None, idempotency=None, models=None, **settings
    ):
        self.coder = coder or FakeCoder()
        self.runs = runs or FakeRuns()
        self.staging = staging or FakeStaging()
        self.ocr = ocr or FakeOcr()
        self.idempotency = idempotency or FakeIdempotency()
        self.service = CodifyService(
            runs=self.runs,
            models=models or FakeModels(),
            pdf=PdfInput(self.staging, self.ocr, SETTINGS.model_copy(update=settings)),
            idempotency=self.idempotency,
            coder=lambda: self.coder,
        )

    def codify(self, key: str | None = None, tracking: Tracking | None = None, **body):
        request = CodifyRequest.model_validate(body or {"text": NOTE})
        return self.service.codify(CodifyCommand(CALLER, request, tracking or Tracking(), key))

    def refused(self, **body) -> tuple[errors.ApiError, RunRecord]:
        with pytest.raises(errors.ApiError) as info:
            self.codify(**body)
        (record,) = self.runs.records
        return info.value, record


def b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode()


# ---------------------------------------------------------------- text notes and the audit record


def test_a_coded_note_leaves_one_succeeded_record_with_its_facts_and_no_text():
    world = World()
    response = world.codify(tracking=Tracking("dr-1", "pt-2", "enc-3"))

    assert [a.code for a in response.final_assessments] == ["E11.9"]
    (record,) = world.runs.records
    assert (record.run_id, record.created_at) == (response.run_id, response.created_at)
    assert (record.status, record.http_status, record.error_code) == ("succeeded", 200, None)
    assert (record.tenant, record.request_id, record.token_name) == ("clinic-a", "req-1", "ehr")
    assert (record.doctor_id, record.patient_id, record.encounter_id) == ("dr-1", "pt-2", "enc-3")
    assert (record.input_type, record.input_bytes, record.input_characters) == ("text", len(NOTE), len(NOTE))
    assert record.input_sha256 == response.input.sha256
    assert (record.model_id, record.model_version, record.language) == ("default", "fake-1", "en")
    assert [(c.code, c.confidence) for c in record.final_codes] == [("E11.9", 90)]
    assert "diabetes" not in record.model_dump_json()


def test_a_failure_in_the_coder_is_a_500_with_one_failed_record():
    world = World(coder=FakeCoder(fail=RuntimeError("boom on the note")))
    error, record = world.refused(text=NOTE)

    assert isinstance(error, errors.InternalError) and "boom" not in error.message
    assert (record.status, record.http_status, record.error_code) == ("failed", 500, "INTERNAL_ERROR")
    assert record.input_sha256 is not None and record.final_codes == []  # what was known before it failed


def test_a_run_that_cannot_be_audited_is_not_answered_as_a_success():
    world = World(runs=FakeRuns(fail_puts=1))  # the success record fails, the failure record is written
    error, record = world.refused(text=NOTE)

    assert error.status == 500
    assert (record.status, record.error_code) == ("failed", "INTERNAL_ERROR")


def test_the_model_that_cannot_load_is_a_503_and_is_audited():
    world = World()
    world.service._coder = lambda: (_ for _ in ()).throw(CoderUnavailable("ModelLoadError"))
    error, record = world.refused(text=NOTE)

    assert (error.status, error.code) == (503, "SERVICE_UNAVAILABLE")
    assert record.error_code == "SERVICE_UNAVAILABLE"


def test_a_custom_model_the_tenant_does_not_own_is_404_and_audited():
    world = World(models=FakeModels({("clinic-b", "cardio"): FakeCoder("b-1")}))
    error, record = world.refused(text=NOTE, model="cardio")
    assert (error.code, record.error_code, record.model_id) == (
        "MODEL_NOT_FOUND",
        "MODEL_NOT_FOUND",
        "cardio",
    )


def test_a_custom_model_is_named_as_selected_and_audited_with_its_version():
    world = World(models=FakeModels({("clinic-a", "cardio"): FakeCoder("c-7")}))
    response = world.codify(text=NOTE, model="cardio")
    assert (response.model.id, response.model.version) == ("cardio", "c-7")
    assert (world.runs.records[0].model_id, world.runs.records[0].model_version) == ("cardio", "c-7")


def test_a_request_refused_before_the_use_case_ran_gets_one_failed_record():
    world = World()
    error = errors.InvalidRequest("The request is invalid; see details.")
    world.service.reject(CALLER, Tracking(patient_id="pt-9"), "key-1", error)

    (record,) = world.runs.records
    assert (record.status, record.http_status, record.error_code) == ("failed", 400, "INVALID_REQUEST")
    assert record.patient_id == "pt-9" and record.idempotency_key_sha256 and record.input_type is None
    assert world.coder.calls == 0


# ---------------------------------------------------------------- idempotency


def test_same_key_same_body_replays_the_run_under_its_id_with_one_record():
    world = World()
    first = world.codify(key="k1")
    second = world.codify(key="k1")

    assert (second.run_id, second.created_at) == (first.run_id, first.created_at)
    assert second.final_assessments == first.final_assessments
    assert len(world.runs.records) == 1 and world.coder.calls == 2  # recoded, not stored


def test_same_key_other_body_is_a_409_audited_as_its_own_failed_run():
    world = World()
    first = world.codify(key="k1")
    with pytest.raises(errors.IdempotencyConflict):
        world.codify(key="k1", text="Essential hypertension.")

    conflict = next(r for r in world.runs.records if r.run_id != first.run_id)
    assert (conflict.http_status, conflict.error_code) == (409, "IDEMPOTENCY_CONFLICT")
    assert world.coder.calls == 1


def test_a_failed_call_does_not_pin_its_key():
    world = World(coder=FakeCoder(fail=RuntimeError("transient")))
    with pytest.raises(errors.InternalError):
        world.codify(key="k1")
    world.coder.fail = None
    assert world.codify(key="k1").final_assessments
    assert sorted(r.status for r in world.runs.records) == ["failed", "succeeded"]


def test_a_failure_after_the_success_record_never_overwrites_it():
    world = World(idempotency=FakeIdempotency(fail_on_save=True))
    with pytest.raises(errors.InternalError):
        world.codify(key="k1")
    (record,) = world.runs.records  # the failed write was refused: a record is written once
    assert record.status == "succeeded"


# ---------------------------------------------------------------- PDFs: the typed intake in the audit record


def test_a_text_pdf_is_staged_and_its_pages_audited():
    world = World()
    data = pdfs.text_pdf()
    response = world.codify(pdf=b64(data))

    (record,) = world.runs.records
    key = f"tenants/clinic-a/runs/{response.run_id}/input.pdf"
    assert world.staging.staged == {key: data}
    assert (record.input_type, record.input_s3_key, record.pages, record.input_bytes) == (
        "pdf",
        key,
        3,
        len(data),
    )
    assert {a.code for a in response.final_assessments} == {"E11.9", "I10"}


def test_a_file_that_is_not_a_pdf_is_415_audited_with_its_reason_and_not_staged():
    world = World()
    error, record = world.refused(pdf=b64(pdfs.not_a_pdf()))

    assert (error.status, error.code) == (415, "UNSUPPORTED_MEDIA_TYPE")
    assert (record.error_reason, record.input_bytes) == ("not_pdf", len(pdfs.not_a_pdf()))
    assert world.staging.staged == {} and record.input_s3_key is None
    assert world.coder.calls == 0


def test_an_upload_over_the_limit_is_413_deleted_and_audited_with_its_size():
    size = 5 * 1024 * 1024 + 10
    world = World(staging=FakeStaging({("clinic-a", "upl_1"): pdfs.too_large(size)}))
    error, record = world.refused(upload_id="upl_1")

    assert (error.status, error.reason) == (413, "too_large")
    assert (record.input_type, record.input_bytes, record.error_reason) == ("upload", size, "too_large")
    assert world.staging.uploads == {}


def test_another_tenants_upload_is_404_and_left_alone():
    world = World(staging=FakeStaging({("clinic-b", "upl_1"): pdfs.text_pdf()}))
    error, record = world.refused(upload_id="upl_1")
    assert (error.status, record.error_reason) == (404, "upload_not_found")
    assert ("clinic-b", "upl_1") in world.staging.uploads


def test_a_scanned_pdf_with_ocr_off_is_422_with_its_pages_audited():
    world = World()
    error, record = world.refused(pdf=b64(pdfs.image_only_pdf()))
    assert (error.status, error.reason) == (422, "no_text")
    assert "OCR is not enabled" in error.message
    assert (record.pages, record.input_warnings) == (1, ["page 1 has no text layer"])
    assert world.staging.staged == {}


def test_failed_ocr_of_a_scanned_pdf_is_503_and_the_staged_copy_is_audited():
    world = World(ocr=FakeOcr(fail=True), ocr_enabled=True)
    error, record = world.refused(pdf=b64(pdfs.image_only_pdf()))

    assert (error.status, error.reason) == (503, "ocr_failed")
    assert record.error_reason == "ocr_failed"
    assert record.input_s3_key == world.ocr.keys[0] and record.input_s3_key in world.staging.staged


def test_ocr_text_fills_the_scanned_page():
    world = World(ocr=FakeOcr({2: ["Essential hypertension."]}), ocr_enabled=True)
    response = world.codify(pdf=b64(pdfs.mixed_pdf()))

    (i10,) = [a for a in response.final_assessments if a.code == "I10"]
    assert response.analysis.warnings == []  # the fake coder reports none; the record keeps the OCR note
    assert world.runs.records[0].input_warnings == ["text of page(s) 2 comes from OCR"]
    assert i10.evidence[0].text == "hypertension"


def test_a_hostile_pdf_is_refused_through_the_domain_error_map():
    world = World()
    error, record = world.refused(pdf=b64(pdfs.thousands_of_pages()))
    assert (error.status, error.code, error.reason) == (413, "PAYLOAD_TOO_LARGE", "too_many_pages")
    assert (record.http_status, record.error_reason) == (413, "too_many_pages")
