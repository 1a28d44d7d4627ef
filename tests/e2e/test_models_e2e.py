"""Custom models through `codify serve` as a client uses them, over real HTTP: a training upload posted to
the presigned form, POST /v1/models, polling until ready (the training function runs in the server's
background worker), coding with the model, tenant isolation, bad data, a corrupt model, deletion; and
`codify models push`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from tests.e2e.test_serve import NOTE, ROOT, auth, server  # noqa: F401 (fixture)
from tests.fixtures.training_data import jsonl, synthetic_notes

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]
CLI_ENV = {"PYTHONPATH": os.pathsep.join(str(ROOT / p) for p in ("layers/coder", "functions", "cli"))}


def aws(server, service: str):  # noqa: F811
    state = json.loads(server["state"].read_text())
    return boto3.client(service, endpoint_url=state["endpoint_url"], region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")  # fmt: skip


def upload(server, data: bytes, token=None) -> tuple[str, str]:  # noqa: F811
    """The client's three steps: ask for a form, POST the file to S3 with it (fields first)."""
    headers = auth(token) if token else auth()
    r = requests.post(f"{server['url']}/v1/uploads", headers=headers, data='{"purpose": "training"}', timeout=30)
    assert r.status_code == 201, r.text
    form = r.json()
    sent = requests.post(form["upload"]["url"], data=form["upload"]["fields"],
                         files={"file": ("center.jsonl", data, form["content_type"])}, timeout=60)  # fmt: skip
    assert sent.status_code in (200, 204), sent.text
    return form["upload_id"], form["upload"]["fields"]["key"]


def wait(server, model_id: str, token=None, timeout: float = 180) -> dict:  # noqa: F811
    headers = auth(token) if token else auth()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = requests.get(f"{server['url']}/v1/models/{model_id}", headers=headers, timeout=30)
        assert r.status_code == 200, r.text
        if r.json()["status"] != "training":
            return r.json()
        time.sleep(0.5)
    raise AssertionError(f"{model_id} still training after {timeout} s")


def other_tenant_token(server) -> str:  # noqa: F811
    env = {**os.environ, "CODIFY_STATE_FILE": str(server["state"]), **CLI_ENV}
    created = subprocess.run([sys.executable, "-m", "codify_cli.main", "tokens", "create", "--tenant", "clinic-z",
                              "--name", "e2e-models", "--json"], env=env, capture_output=True, text=True,
                             check=True, cwd=ROOT)  # fmt: skip
    return json.loads(created.stdout)["token"]


def staged(server, key: str) -> bool:  # noqa: F811
    state_bucket = "codify-local-stagingbucket"
    try:
        aws(server, "s3").head_object(Bucket=state_bucket, Key=key)
    except ClientError:
        return False
    return True


def test_train_through_the_api_code_with_the_model_and_delete_it(server):  # noqa: F811
    upload_id, key = upload(server, jsonl(synthetic_notes(30)))
    r = requests.post(f"{server['url']}/v1/models", headers=auth(),
                      data=json.dumps({"id": "center-e2e", "training_upload_id": upload_id, "language": "en"}),
                      timeout=30)  # fmt: skip
    assert r.status_code == 202 and r.json()["status"] == "training", r.text
    model = wait(server, "center-e2e")
    assert model["status"] == "ready", model
    assert (model["notes"], model["codes"], model["code_system"]) == (30, 8, "ICD-10-CM FY2026")
    assert model["metrics"]["map"] is not None and model["metrics"]["f1"] is not None
    assert not staged(server, key)  # the training data is deleted once trained

    coded = requests.post(f"{server['url']}/v1/codify", headers=auth(),
                          data=json.dumps({"text": NOTE, "model": "center-e2e"}), timeout=60)  # fmt: skip
    assert coded.status_code == 200, coded.text
    assert (coded.json()["model"]["id"], coded.json()["model"]["version"]) == ("center-e2e", model["version"])

    other = other_tenant_token(server)
    url = f"{server['url']}/v1/models/center-e2e"
    assert requests.get(url, headers=auth(other), timeout=30).status_code == 404
    assert requests.delete(url, headers=auth(other), timeout=30).status_code == 404
    theirs = requests.post(f"{server['url']}/v1/codify", headers=auth(other),
                           data=json.dumps({"text": NOTE, "model": "center-e2e"}), timeout=60)  # fmt: skip
    assert (theirs.status_code, theirs.json()["error"]["code"]) == (404, "MODEL_NOT_FOUND")
    listed = requests.get(f"{server['url']}/v1/models", headers=auth(other), timeout=30).json()["models"]
    assert [m["id"] for m in listed] == ["default"]

    assert requests.delete(url, headers=auth(), timeout=30).status_code == 204
    assert requests.get(url, headers=auth(), timeout=30).status_code == 404
    gone = requests.post(f"{server['url']}/v1/codify", headers=auth(),
                         data=json.dumps({"text": NOTE, "model": "center-e2e"}), timeout=60)  # fmt: skip
    assert gone.status_code == 404


def test_bad_training_data_reads_failed_with_the_rule(server):  # noqa: F811
    upload_id, key = upload(server, b"id,text,codes\n1,some note,I10\n")
    r = requests.post(f"{server['url']}/v1/models", headers=auth(),
                      data=json.dumps({"id": "csv-center", "training_upload_id": upload_id}), timeout=30)  # fmt: skip
    assert r.status_code == 202, r.text
    model = wait(server, "csv-center")
    assert model["status"] == "failed" and model["failure"]["code"] == "not_jsonl", model
    assert model["failure"]["line"] == 1 and "some note" not in json.dumps(model)
    assert not staged(server, key)
    few, _ = upload(server, jsonl(synthetic_notes(5)))
    requests.post(f"{server['url']}/v1/models", headers=auth(),
                  data=json.dumps({"id": "few-center", "training_upload_id": few}), timeout=30)  # fmt: skip
    assert wait(server, "few-center")["failure"]["message"] == "5 notes: a model needs at least 20 coded notes"


def test_a_corrupt_model_is_a_clear_404_and_does_not_poison_the_cache(server, coder_assets):  # noqa: F811
    s3 = aws(server, "s3")
    bucket, prefix = "codify-local-modelsbucket", "tenants/dev/models/broken-v1/"
    source = coder_assets / "models" / "default"
    s3.put_object(Bucket=bucket, Key=prefix + "model.onnx", Body=b"not an onnx graph")
    s3.upload_file(str(source / "manifest.json"), bucket, prefix + "manifest.json")
    body = json.dumps({"text": NOTE, "model": "broken-v1"})
    for _ in range(2):  # the failure is not cached as a model, and answered the same each time
        r = requests.post(f"{server['url']}/v1/codify", headers=auth(), data=body, timeout=60)
        assert (r.status_code, r.json()["error"]["code"]) == (404, "MODEL_NOT_FOUND")
        assert "cannot be loaded" in r.json()["error"]["message"]
    s3.upload_file(str(source / "model.onnx"), bucket, prefix + "model.onnx")  # fixed: pushed again
    r = requests.post(f"{server['url']}/v1/codify", headers=auth(), data=body, timeout=60)
    assert r.status_code == 200, r.text
    assert requests.post(f"{server['url']}/v1/codify", headers=auth(), data=json.dumps({"text": NOTE}),
                         timeout=60).status_code == 200  # the default model is untouched  # fmt: skip


def test_codify_models_push_publishes_a_locally_trained_model(server, coder_assets):  # noqa: F811
    env = {**os.environ, "CODIFY_STATE_FILE": str(server["state"]), **CLI_ENV}
    pushed = subprocess.run([sys.executable, "-m", "codify_cli.main", "models", "push",
                             str(coder_assets / "models" / "default"), "--tenant", "dev", "--id", "pushed-v1",
                             "--format", "json"], env=env, capture_output=True, text=True, cwd=ROOT, check=False)  # fmt: skip
    assert pushed.returncode == 0, pushed.stderr
    assert json.loads(pushed.stdout)["location"].endswith("tenants/dev/models/pushed-v1/")
    model = requests.get(f"{server['url']}/v1/models/pushed-v1", headers=auth(), timeout=30).json()
    assert (model["status"], model["source"]) == ("ready", "push")
    r = requests.post(f"{server['url']}/v1/codify", headers=auth(),
                      data=json.dumps({"text": NOTE, "model": "pushed-v1"}), timeout=60)  # fmt: skip
    assert r.status_code == 200 and r.json()["model"]["id"] == "pushed-v1"
    broken = subprocess.run([sys.executable, "-m", "codify_cli.main", "models", "push", str(ROOT / "events"),
                             "--tenant", "dev", "--id", "x"], env=env, capture_output=True, text=True, cwd=ROOT,
                            check=False)  # fmt: skip
    assert broken.returncode == 4 and "need model.onnx" in broken.stderr


def test_a_model_trained_through_the_api_codes_with_its_vocabulary_and_its_code_set(server):  # noqa: F811
    # The learned vocabulary (vocabulary.json) and the declared code set (code_set.json) are published with the
    # model and loaded with it: "ACxFA" is the center's word for I48.91, and the CIE-10-ES center's headache
    # is R51 (FY2026: R51.9).
    centers = ROOT / "tests" / "fixtures" / "centers"
    cases = (("vocab-center", "vocabulary_es.jsonl", {}, "Mujer de 81 años con ACxFA.", "I48.91"),
             ("cie-center", "cie10es.jsonl", {"code_system": "training_data"}, "Paciente con cefalea.", "R51"))
    for model_id, data, extra, note, code in cases:
        upload_id, _ = upload(server, (centers / data).read_bytes())
        r = requests.post(f"{server['url']}/v1/models", headers=auth(), timeout=30,
                          data=json.dumps({"id": model_id, "training_upload_id": upload_id, "language": "es", **extra}))
        assert r.status_code == 202, r.text
        assert wait(server, model_id)["status"] == "ready"
        coded = requests.post(f"{server['url']}/v1/codify", headers=auth(), timeout=60,
                              data=json.dumps({"text": note, "model": model_id, "language": "es"})).json()  # fmt: skip
        finals = {a["code"]: a for a in coded["final_assessments"]}
        assert code in finals, coded
        if model_id == "vocab-center":
            assert finals[code]["rule"] == "center.vocabulary"
        else:
            assert coded["model"]["terminology"] == "CIE-10-ES 2018" and "R51.9" not in finals
