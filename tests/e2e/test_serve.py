"""`codify serve` as a user runs it: a subprocess on a free loopback port, the real coder and handlers,
driven over real HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from openapi_spec_validator import validate

from tests.fixtures.network import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "e2e-dev-token-0123456789abcdefghijklmnopqrstuv"
NOTE = ("Assessment and plan: type 2 diabetes mellitus with diabetic chronic kidney disease, stage 3. "
        "Essential hypertension, controlled. No evidence of pneumonia.")  # fmt: skip



@pytest.fixture(scope="module")
def server(coder_assets, tmp_path_factory):
    state = tmp_path_factory.mktemp("serve") / "serve.json"
    env = {
        **os.environ,
        "CODIFY_DEV_TOKEN": TOKEN,
        "CODIFY_STATE_FILE": str(state),
        "PYTHONPATH": os.pathsep.join(str(ROOT / p) for p in ("layers/coder", "functions", "cli")),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("AWS_ENDPOINT_URL", None)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "codify_cli.main", "serve", "--port", str(port), "--quiet"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lines: list[str] = []
    deadline = time.monotonic() + 180
    url = None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("Codify API listening on "):
            url = line.split()[-1]
        if line.startswith("Dev token"):
            break
    if url is None or proc.poll() is not None:
        proc.kill()
        pytest.fail("codify serve did not start:\n" + "".join(lines[-30:]))
    yield {"url": url, "port": port, "state": state, "banner": "".join(lines), "proc": proc}
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def auth(token: str = TOKEN) -> dict:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def test_banner_prints_the_loopback_url_and_the_dev_token(server):
    assert server["url"] == f"http://127.0.0.1:{server['port']}"
    assert f"Dev token (tenant dev): {TOKEN}" in server["banner"]


def test_health_reports_the_real_model(server):
    r = requests.get(f"{server['url']}/v1/health", timeout=30)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "ok" and body["model"]["id"] == "default"
    assert body["model"]["terminology"] == "ICD-10-CM FY2026" and body["model"]["version"]


def test_a_note_is_coded_by_the_real_coder_and_its_run_can_be_read_back(server):
    r = requests.post(f"{server['url']}/v1/codify", headers={**auth(), "X-Patient-Id": "pt-1"},
                      data=json.dumps({"text": NOTE, "language": "en"}), timeout=120)  # fmt: skip
    assert r.status_code == 200, r.text
    body = r.json()
    codes = [a["code"] for a in body["final_assessments"]]
    assert any(c.startswith("E11") for c in codes), codes  # diabetes
    assert not any(c.startswith("J18") for c in codes)  # negated pneumonia is never a final code
    for a in body["final_assessments"]:
        for ev in a["evidence"]:
            assert NOTE[ev["start"] : ev["end"]] == ev["text"]
    run = requests.get(f"{server['url']}/v1/runs/{body['run_id']}", headers=auth(), timeout=30)
    assert run.status_code == 200, run.text
    record = run.json()
    assert record["status"] == "succeeded" and record["patient_id"] == "pt-1" and record["tenant"] == "dev"
    assert sorted(c["code"] for c in record["final_codes"]) == sorted(codes)
    assert NOTE not in run.text


def test_missing_and_wrong_tokens_are_401_in_the_envelope(server):
    for headers in ({"Content-Type": "application/json"}, auth("not-a-real-token-0123456789")):
        r = requests.post(f"{server['url']}/v1/codify", headers=headers, data='{"text": "fever"}', timeout=30)
        assert r.status_code == 401
        assert r.json()["error"]["code"] == "UNAUTHORIZED" and r.json()["error"]["request_id"]


def test_text_over_the_limit_is_413(server):
    r = requests.post(f"{server['url']}/v1/codify", headers=auth(),
                      data=json.dumps({"text": "a" * 51_201}), timeout=30)  # fmt: skip
    assert r.status_code == 413 and r.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"


def test_unknown_route_is_404_in_the_envelope(server):
    r = requests.get(f"{server['url']}/v1/nothing-here", timeout=30)
    assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND"


def test_openapi_document_is_served_and_valid(server):
    r = requests.get(f"{server['url']}/v1/openapi.json", timeout=30)
    assert r.status_code == 200
    doc = r.json()
    validate(doc)
    assert doc["servers"] == [{"url": "/"}]
    assert {"/v1/codify", "/v1/health", "/v1/runs/{run_id}", "/v1/models"} <= set(doc["paths"])
    docs = requests.get(f"{server['url']}/v1/docs", timeout=30)
    assert docs.status_code == 200 and "SwaggerUIBundle" in docs.text


def test_tokens_cli_mints_tokens_for_other_tenants_and_revokes_them(server):
    env = {**os.environ, "CODIFY_STATE_FILE": str(server["state"]),
           "PYTHONPATH": os.pathsep.join(str(ROOT / p) for p in ("layers/coder", "functions", "cli"))}  # fmt: skip
    cli = [sys.executable, "-m", "codify_cli.main", "tokens"]
    created = subprocess.run([*cli, "create", "--tenant", "clinic-b", "--name", "e2e", "--json"], env=env,
                             capture_output=True, text=True, check=True, cwd=ROOT)  # fmt: skip
    token = json.loads(created.stdout)["token"]
    listed = subprocess.run([*cli, "list", "--tenant", "clinic-b"], env=env, capture_output=True, text=True,
                            check=True, cwd=ROOT).stdout  # fmt: skip
    assert "clinic-b" in listed and "e2e" in listed and token not in listed

    mine = requests.post(f"{server['url']}/v1/codify", headers=auth(), data='{"text": "Essential hypertension."}',
                         timeout=60).json()["run_id"]  # fmt: skip
    theirs = requests.get(f"{server['url']}/v1/runs/{mine}", headers=auth(token), timeout=30)
    assert theirs.status_code == 404  # another tenant's run

    subprocess.run([*cli, "revoke", "--token", token], env=env, check=True, capture_output=True, cwd=ROOT)
    r = requests.get(f"{server['url']}/v1/models", headers=auth(token), timeout=30)
    assert r.status_code == 403 and r.json()["error"]["code"] == "FORBIDDEN"


def test_sigterm_stops_the_server_and_removes_its_state_file(coder_assets, tmp_path):
    state = tmp_path / "serve.json"
    env = {**os.environ, "CODIFY_STATE_FILE": str(state), "PYTHONUNBUFFERED": "1",
           "PYTHONPATH": os.pathsep.join(str(ROOT / p) for p in ("layers/coder", "functions", "cli"))}  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-m", "codify_cli.main", "serve", "--port", "0", "--quiet"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    for line in proc.stdout:
        if line.startswith("Dev token"):
            break
    assert json.loads(state.read_text())["url"].startswith("http://127.0.0.1:")
    proc.terminate()
    assert proc.wait(timeout=20) == 0
    assert not state.exists()


def test_a_custom_model_in_the_models_bucket_is_listed_and_used(server, coder_assets):
    import boto3
    from codify_cli.local import stack, template

    state = json.loads(server["state"].read_text())
    bucket = template.function_environment("CodifyFunction")["MODELS_BUCKET"]
    s3 = boto3.client("s3", endpoint_url=state["endpoint_url"], region_name=template.REGION,
                      aws_access_key_id="testing", aws_secret_access_key="testing")  # fmt: skip
    source = coder_assets / "models" / "default"
    for name in ("model.onnx", "manifest.json"):  # the default model, published as this tenant's own
        s3.upload_file(str(source / name), bucket, f"tenants/dev/models/clinic-v1/{name}")
    version = json.loads((source / "manifest.json").read_text())["version"]

    listed = requests.get(f"{server['url']}/v1/models", headers=auth(), timeout=30)
    assert listed.status_code == 200, listed.text
    models = listed.json()["models"]
    assert [(m["id"], m["version"]) for m in models if not m["default"]] == [("clinic-v1", version)]
    r = requests.post(f"{server['url']}/v1/codify", headers=auth(),
                      data=json.dumps({"text": NOTE, "model": "clinic-v1"}), timeout=60)  # fmt: skip
    assert r.status_code == 200, r.text
    assert (r.json()["model"]["id"], r.json()["model"]["version"]) == ("clinic-v1", version)
    missing = requests.post(f"{server['url']}/v1/codify", headers=auth(),
                            data=json.dumps({"text": NOTE, "model": "clinic-v2"}), timeout=60)  # fmt: skip
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "MODEL_NOT_FOUND")
    assert stack.LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"] == "testing"
