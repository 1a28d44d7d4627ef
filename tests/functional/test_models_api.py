"""/v1/models and training uploads, each handler called with the events/ files, AWS played by moto
(`mock_aws`, resources from template.yaml), the training function run on the launcher's event with the real
training code and terminology (about a second on 30 notes). The serving coder is the functional tests' fake."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.exceptions import ClientError
from custom_models import launcher

from tests.conftest import load_event
from tests.fixtures.training_data import jsonl, synthetic_notes
from tests.functional.test_service import LambdaContext, env, fake, invoke  # noqa: F401 (fixtures)

MODEL = "cardio-2026"


@pytest.fixture
def jobs(env):  # noqa: F811
    """The training function's asynchronous invocations, queued instead of sent to Lambda."""
    from codify import model_routes

    model_routes.models_service.cache_clear()
    queued: list[dict] = []
    launcher.use(queued.append)
    yield queued
    launcher.use(None)
    model_routes.models_service.cache_clear()


def run_jobs(queued: list[dict]) -> list[dict]:
    from training import app as training_app

    out = [training_app.lambda_handler(copy.deepcopy(e), LambdaContext()) for e in queued]
    queued.clear()
    return out


def call(name: str, *, tenant: str = "clinic-a", body=None, model_id: str | None = None):
    event = load_event(name)
    event["requestContext"]["authorizer"]["tenant"] = tenant
    if body is not None:
        event["body"] = json.dumps(body)
    if model_id is not None:
        event["path"] = event["path"].rsplit("/", 1)[0] + "/" + model_id
        event["pathParameters"] = {"model_id": model_id}
    return invoke("codify.app", event)


def upload_training(env, data: bytes, tenant: str = "clinic-a") -> str:  # noqa: F811
    status, _, form = call("uploads_create_training", tenant=tenant)
    assert status == 201, form
    boto3.client("s3").put_object(Bucket=env.staging_bucket, Key=form["upload"]["fields"]["key"], Body=data)
    return form["upload_id"]


def train(env, jobs, data: bytes, model_id: str = MODEL, tenant: str = "clinic-a", **extra):  # noqa: F811
    upload_id = upload_training(env, data, tenant)
    status, headers, body = call("models_create", tenant=tenant,
                                 body={"id": model_id, "training_upload_id": upload_id, "language": "en", **extra})  # fmt: skip
    assert status == 202, body
    assert body["status"] == "training" and headers["location"] == f"/v1/models/{model_id}"
    run_jobs(jobs)
    status, _, model = call("models_get", tenant=tenant, model_id=model_id)
    assert status == 200, model
    return upload_id, model


def staged(env, key: str) -> bool:  # noqa: F811
    try:
        boto3.client("s3").head_object(Bucket=env.staging_bucket, Key=key)
    except ClientError:
        return False
    return True


def model_objects(env, tenant: str, model_id: str) -> list[str]:  # noqa: F811
    page = boto3.client("s3").list_object_versions(Bucket=env.models_bucket, Prefix=f"tenants/{tenant}/models/{model_id}/")
    return [v["Key"] for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]


# ---------------------------------------------------------------- uploads


def test_a_training_upload_form_allows_one_jsonl_file_of_up_to_100_mb_under_the_tenant(env, jobs):  # noqa: F811
    status, _, form = call("uploads_create_training")
    assert status == 201, form
    assert form["purpose"] == "training" and form["max_bytes"] == 100 * 1024 * 1024
    fields = form["upload"]["fields"]
    assert fields["key"] == f"tenants/clinic-a/training-uploads/{form['upload_id']}"
    assert fields["Content-Type"] == form["content_type"] == "application/jsonl"
    policy = json.loads(__import__("base64").b64decode(fields["policy"]))
    assert ["content-length-range", 1, 100 * 1024 * 1024] in policy["conditions"]
    status, _, pdf_form = call("uploads_create")  # no body: a PDF form, as before
    assert status == 201 and pdf_form["purpose"] == "codify" and pdf_form["max_bytes"] == 5 * 1024 * 1024
    assert pdf_form["upload"]["fields"]["key"].startswith("tenants/clinic-a/uploads/")
    status, _, bad = call("uploads_create_training", body={"purpose": "weights"})
    assert status == 400 and bad["error"]["details"][0]["field"] == "body.purpose"


# ---------------------------------------------------------------- the flow


def test_train_read_code_with_and_delete_a_model(env, jobs, fake):  # noqa: F811
    upload_id = upload_training(env, jsonl(synthetic_notes(30)))
    status, _, body = call("models_create", body={"id": MODEL, "training_upload_id": upload_id, "language": "en"})
    assert status == 202 and body["id"] == MODEL
    (event,) = jobs
    assert set(event) == {"tenant", "model_id", "job_id"}  # ids only: the data stays in S3
    status, _, model = call("models_get")
    assert (status, model["status"]) == (200, "training")

    assert run_jobs(jobs) == [{"model_id": MODEL, "status": "ready"}]
    status, _, model = call("models_get")
    assert status == 200 and model["status"] == "ready", model
    assert (model["notes"], model["codes"], model["language"], model["source"]) == (30, 8, "en", "api")
    assert model["code_system"] == "ICD-10-CM FY2026" and model["version"] and model["created_at"]
    assert model["metrics"]["method"] in ("cross_validated", "held_out")
    assert all(0.0 <= model["metrics"][k] <= 1.0 for k in ("map", "f1", "ece"))
    assert model["failure"] is None

    # The training data is gone; the model's files are under the tenant's prefix (an ICD-10-CM FY2026 model:
    # its learned vocabulary, no code set).
    assert not staged(env, f"tenants/clinic-a/training-uploads/{upload_id}")
    assert sorted(model_objects(env, "clinic-a", MODEL)) == [
        f"tenants/clinic-a/models/{MODEL}/{name}" for name in ("manifest.json", "model.onnx", "vocabulary.json")]  # fmt: skip
    status, _, listed = call("models_list")
    assert [(m["id"], m["status"]) for m in listed["models"]] == [("default", "ready"), (MODEL, "ready")]

    status, _, coded = invoke("codify.app", {**load_event("codify_text"),
                              "body": json.dumps({"text": "Type 2 diabetes.", "model": MODEL})})  # fmt: skip
    assert status == 200 and coded["model"]["id"] == MODEL and coded["model"]["version"] == model["version"]

    status, _, _ = call("models_delete")
    assert status == 204
    assert model_objects(env, "clinic-a", MODEL) == []  # every version, not a delete marker
    assert call("models_get")[0] == 404
    status, _, gone = invoke("codify.app", {**load_event("codify_text"),
                             "body": json.dumps({"text": "Type 2 diabetes.", "model": MODEL})})  # fmt: skip
    assert (status, gone["error"]["code"]) == (404, "MODEL_NOT_FOUND")
    assert call("models_delete")[0] == 404


def test_another_tenant_can_neither_read_select_delete_nor_train_on_it(env, jobs, fake):  # noqa: F811
    train(env, jobs, jsonl(synthetic_notes(24)))
    for route in ("models_get", "models_delete"):
        status, _, body = call(route, tenant="clinic-b")
        assert (status, body["error"]["code"]) == (404, "MODEL_NOT_FOUND"), route
    status, _, listed = call("models_list", tenant="clinic-b")
    assert [m["id"] for m in listed["models"]] == ["default"]
    event = load_event("codify_text")
    event["requestContext"]["authorizer"]["tenant"] = "clinic-b"
    event["body"] = json.dumps({"text": "Type 2 diabetes.", "model": MODEL})
    status, _, body = invoke("codify.app", event)
    assert (status, body["error"]["code"]) == (404, "MODEL_NOT_FOUND")
    assert call("models_get")[1:] and call("models_get")[0] == 200  # still there for its owner

    theirs = upload_training(env, jsonl(synthetic_notes(24)), tenant="clinic-a")
    status, _, body = call("models_create", tenant="clinic-b", body={"id": "stolen", "training_upload_id": theirs})
    assert (status, body["error"]["code"]) == (404, "NOT_FOUND") and jobs == []


def test_the_same_id_twice_is_409_and_a_missing_upload_is_404(env, jobs, fake):  # noqa: F811
    train(env, jobs, jsonl(synthetic_notes(24)))
    again = upload_training(env, jsonl(synthetic_notes(24)))
    status, _, body = call("models_create", body={"id": MODEL, "training_upload_id": again})
    assert (status, body["error"]["code"]) == (409, "MODEL_EXISTS")
    status, _, body = call("models_create", body={"id": "other", "training_upload_id": "upl_never_sent"})
    assert (status, body["error"]["code"]) == (404, "NOT_FOUND") and "POST /v1/uploads" in body["error"]["message"]
    status, _, body = call("models_create", body={"id": "default", "training_upload_id": again})
    assert status == 400 and body["error"]["details"][0]["field"] == "body.id"


def test_an_oversized_training_file_is_413_and_deleted(env, jobs, monkeypatch):  # noqa: F811
    from custom_models import service

    monkeypatch.setattr(service, "MAX_TRAINING_BYTES", 1000)  # the form's policy stops 100 MB in S3 itself
    upload_id = upload_training(env, jsonl(synthetic_notes(30)))
    status, _, body = call("models_create", body={"id": MODEL, "training_upload_id": upload_id})
    assert (status, body["error"]["code"]) == (413, "PAYLOAD_TOO_LARGE") and "1,000 bytes" in body["error"]["message"]
    assert not staged(env, f"tenants/clinic-a/training-uploads/{upload_id}") and jobs == []


def _with(notes, index, **changes):
    notes = [dict(n) for n in notes]
    notes[index] = {**notes[index], **changes}
    return notes


NOTES = synthetic_notes(24)
BAD_DATA = [
    ("not_jsonl", jsonl(NOTES[:5]) + b"this is not json\n" + jsonl(NOTES[5:]), "line 6", 6),
    ("not_jsonl", b'[{"text": "a list"}]\n' + jsonl(NOTES), "line 1", 1),
    ("missing_field", jsonl(_with(NOTES, 3, text=None)), "'text'", 4),
    ("missing_field", jsonl([{k: v for k, v in n.items() if k != "codes"} if i == 7 else n for i, n in enumerate(NOTES)]),
     "'codes'", 8),
    ("invalid_code", jsonl(_with(NOTES, 2, codes=["diabetes"])), "not an ICD-10 code", 3),
    ("unknown_codes", jsonl(_with(NOTES, 2, codes=["A00.99", "E11.9"])), "A00.99", None),
    ("too_few_notes", jsonl(NOTES[:12]), "at least 20", None),
    ("duplicate_note", jsonl(NOTES + [{**NOTES[4], "id": "copy"}]), "same text as line 5", 25),
    ("duplicate_note", jsonl(NOTES + [{**NOTES[9], "text": NOTES[9]["text"] + " Stable."}]), "same 'id' as line 10", 25),
    ("invalid_span", jsonl(_with(NOTES, 0, codes=[{"code": "I10", "spans": [[5, 99999]]}])), "spans", 1),
    ("not_utf8", jsonl(NOTES) + b'{"text": "caf\xe9", "codes": []}\n', "UTF-8", 25),
]


@pytest.mark.parametrize("rule,data,says,line", BAD_DATA, ids=[f"{b[0]}-{i}" for i, b in enumerate(BAD_DATA)])
def test_bad_training_data_fails_with_the_rule_and_line_never_the_text(env, jobs, rule, data, says, line):  # noqa: F811
    upload_id, model = train(env, jobs, data)
    assert model["status"] == "failed", model
    failure = model["failure"]
    assert failure["code"] == rule and says in failure["message"] and failure.get("line") == line, failure
    assert "Visit" not in json.dumps(model) and "clinic" not in failure["message"]  # no note text
    assert not staged(env, f"tenants/clinic-a/training-uploads/{upload_id}")  # deleted, failed or not
    assert model_objects(env, "clinic-a", MODEL) == []


def test_the_centers_own_codes_are_kept_when_declared(env, jobs, fake):  # noqa: F811
    data = jsonl(_with(NOTES, 2, codes=["A00.99", "E11.9"]))
    _, model = train(env, jobs, data, code_system="training_data")
    assert model["status"] == "ready", model
    assert model["warnings"] == ["1 codes are not ICD-10-CM FY2026 codes (e.g. A00.99); kept as the center's own"]


@pytest.mark.parametrize("extend,system", [("auto", "+ ICD-10-CM FY2026"), ("no", None)])
def test_a_declared_code_set_is_extended_by_icd10cm_unless_the_center_says_no(env, jobs, fake, extend, system):  # noqa: F811
    # the synthetic center writes ICD-10-CM codes but for one: auto extends its set by FY2026, "no" keeps it closed
    data = jsonl(_with(NOTES, 2, codes=["A00.99", "E11.9"]))
    _, model = train(env, jobs, data, code_system="training_data", extend_code_set=extend)
    assert model["status"] == "ready", model
    assert model["code_system"].endswith(system) if system else "ICD-10-CM" not in model["code_system"]
    status, _, bad = call("models_create", body={"id": "x", "training_upload_id": "u1", "extend_code_set": "maybe"})
    assert status == 400 and bad["error"]["details"][0]["field"] == "body.extend_code_set"


def test_deleting_a_model_while_it_trains_discards_its_result_and_its_data(env, jobs):  # noqa: F811
    upload_id = upload_training(env, jsonl(synthetic_notes(24)))
    assert call("models_create", body={"id": MODEL, "training_upload_id": upload_id})[0] == 202
    assert call("models_delete")[0] == 204
    assert not staged(env, f"tenants/clinic-a/training-uploads/{upload_id}")
    assert run_jobs(jobs) == [{"model_id": MODEL, "status": "gone"}]
    assert model_objects(env, "clinic-a", MODEL) == [] and call("models_get")[0] == 404


@pytest.mark.parametrize("field,minutes,stale", [("created_at", 20, False), ("created_at", 23, True),
                                                 ("started_at", 15, False), ("started_at", 17, True)])  # fmt: skip
def test_a_job_that_lambda_stopped_or_dropped_reads_failed_after_the_limits(env, jobs, field, minutes, stale):  # noqa: F811
    """Started: Lambda's 15 minutes (and a minute); never started: also the 5 minutes an event may wait."""
    upload_id = upload_training(env, jsonl(synthetic_notes(24)))
    assert call("models_create", body={"id": MODEL, "training_upload_id": upload_id})[0] == 202
    moment = (datetime.now(UTC) - timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")
    boto3.resource("dynamodb").Table(env.models_table).update_item(
        Key={"tenant": "clinic-a", "model_id": MODEL}, UpdateExpression=", ".join(f"SET {f} = :t" if i == 0 else f"{f} = :t"
                                                    for i, f in enumerate(sorted({field, "created_at"}))),
        ExpressionAttributeValues={":t": moment})  # fmt: skip
    _, _, model = call("models_get")
    if not stale:
        assert model["status"] == "training" and model["failure"] is None
        return
    assert (model["status"], model["failure"]["code"]) == ("failed", "timeout") and "15 minutes" in model["failure"]["message"]
    _, _, listed = call("models_list")
    assert [m["status"] for m in listed["models"]] == ["ready", "failed"]


def test_a_launch_failure_is_503_and_leaves_no_model_behind(env, jobs):  # noqa: F811
    def broken(event):
        raise RuntimeError("lambda unreachable")

    launcher.use(broken)
    upload_id = upload_training(env, jsonl(synthetic_notes(24)))
    status, _, body = call("models_create", body={"id": MODEL, "training_upload_id": upload_id})
    assert (status, body["error"]["code"]) == (503, "SERVICE_UNAVAILABLE")
    assert call("models_get")[0] == 404


def test_the_lambda_launcher_invokes_the_training_function_asynchronously(env):  # noqa: F811
    from botocore.stub import Stubber
    from common import aws

    client = aws.lambda_client()
    with Stubber(client) as stub:
        stub.add_response("invoke", {"StatusCode": 202},
                          {"FunctionName": "codify-dev-training", "InvocationType": "Event",
                           "Payload": b'{"tenant": "t", "model_id": "m", "job_id": "j"}'})  # fmt: skip
        launcher.LambdaLauncher("codify-dev-training")({"tenant": "t", "model_id": "m", "job_id": "j"})
        stub.assert_no_pending_responses()


def test_the_model_cache_is_bounded_and_a_model_that_fails_to_load_is_never_cached(env, fake, tmp_path):  # noqa: F811
    from codify.repositories import S3ModelStore
    from common.errors import ModelNotFound

    s3 = boto3.client("s3")

    def put(model_id: str, manifest: bytes) -> None:
        prefix = f"tenants/clinic-a/models/{model_id}/"
        s3.put_object(Bucket=env.models_bucket, Key=prefix + "model.onnx", Body=b"weights of " + model_id.encode())
        s3.put_object(Bucket=env.models_bucket, Key=prefix + "manifest.json", Body=manifest)

    for model_id in ("m1", "m2", "m3"):
        put(model_id, json.dumps({"model_id": model_id, "version": f"v-{model_id}"}).encode())
    put("broken", b"{not json")
    store = S3ModelStore(env.models_bucket, str(tmp_path), max_loaded=2)
    with pytest.raises(ModelNotFound, match="cannot be loaded") as refused:
        store.coder_for("clinic-a", "broken", fake)
    assert refused.value.reason == "model_unloadable"
    assert store.loaded() == () and list(tmp_path.iterdir()) == []  # nothing kept of it

    for model_id in ("m1", "m2", "m3"):
        assert store.coder_for("clinic-a", model_id, fake).model.version == f"v-{model_id}"
    assert [k[1] for k in store.loaded()] == ["m2", "m3"]  # m1 out, least recently used
    assert len(list(tmp_path.iterdir())) == 2  # and its files with it
    store.coder_for("clinic-a", "m2", fake)
    assert [k[1] for k in store.loaded()] == ["m3", "m2"]
    loads = len(fake.model_dirs)
    store.coder_for("clinic-a", "m2", fake)
    assert len(fake.model_dirs) == loads  # a hit does not load again

    put("broken", json.dumps({"model_id": "broken", "version": "v-fixed"}).encode())  # pushed again, fixed
    assert store.coder_for("clinic-a", "broken", fake).model.version == "v-fixed"
    with pytest.raises(ModelNotFound):
        store.coder_for("clinic-b", "m2", fake)  # another tenant's prefix: not found, whatever is cached


def test_the_openapi_document_describes_the_models_routes(env, jobs):  # noqa: F811
    from openapi_spec_validator import validate

    status, _, doc = invoke("codify.app", load_event("openapi"))
    assert status == 200
    validate(doc)
    paths = doc["paths"]
    assert set(paths["/v1/models"]) == {"get", "post"} and set(paths["/v1/models/{model_id}"]) == {"get", "delete"}
    assert "202" in paths["/v1/models"]["post"]["responses"] and "409" in paths["/v1/models"]["post"]["responses"]
    assert "204" in paths["/v1/models/{model_id}"]["delete"]["responses"]
    assert not paths["/v1/uploads"]["post"]["requestBody"].get("required")  # a PDF form needs no body
    purpose = doc["components"]["schemas"]["UploadRequest"]["properties"]["purpose"]
    assert purpose["enum"] == ["codify", "training"]
    failure_codes = doc["components"]["schemas"]["ModelFailure"]["properties"]["code"]["description"]
    assert "too_few_notes" in failure_codes and "duplicate_note" in failure_codes


def test_the_same_data_gives_the_same_model_and_nothing_of_it_is_logged(env, jobs, capsys, caplog):  # noqa: F811
    caplog.set_level("DEBUG")
    notes = synthetic_notes(30)
    _, first = train(env, jobs, jsonl(notes), model_id="center-a")
    _, second = train(env, jobs, jsonl(list(reversed(notes))), model_id="center-b")
    assert first["status"] == second["status"] == "ready"
    assert first["version"] == second["version"]  # same data and seed: the same bytes (version = sha256)
    out = capsys.readouterr()
    logged = out.out + out.err + caplog.text
    assert "training" in logged  # the jobs did log (counts, sizes, timings)...
    for note in notes:  # ...but no note's text
        assert note["text"] not in logged and note["text"][:25] not in logged


def test_a_job_that_crashes_reads_failed_deletes_its_data_and_fails_the_invocation(env, jobs, monkeypatch):  # noqa: F811
    import codify_coder.training.train as coder_training

    def crash(*args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr(coder_training, "train", crash)
    upload_id = upload_training(env, jsonl(synthetic_notes(24)))
    assert call("models_create", body={"id": MODEL, "training_upload_id": upload_id})[0] == 202
    with pytest.raises(MemoryError):  # Lambda then sends the event to the on-failure destination
        run_jobs(jobs)
    _, _, model = call("models_get")
    assert (model["status"], model["failure"]["code"]) == ("failed", "internal_error")
    assert not staged(env, f"tenants/clinic-a/training-uploads/{upload_id}")
