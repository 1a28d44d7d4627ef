"""Proofs against `codify serve` as a client meets it (a subprocess on loopback, the real coder, moto):

* schemathesis generates requests from /v1/openapi.json with a valid token: no 5xx, every response as the
  document describes it (status, content type, schema);
* N concurrent codify calls give N distinct runs and N audit records (read back through GET /v1/runs);
* a sentinel string sent as note content through every route and failure path never appears in the logs,
  the error bodies or any DynamoDB item.

`make test` runs the short forms; `make soak` the long ones (CODIFY_PROOF_EXAMPLES, CODIFY_PROOF_CONCURRENCY).
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.fixtures import pdfs
from tests.fixtures.network import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "proof-dev-token-0123456789abcdefghijklmnop"
EXAMPLES = int(os.environ.get("CODIFY_PROOF_EXAMPLES", "4"))  # per operation (7 operations)
CONCURRENCY = int(os.environ.get("CODIFY_PROOF_CONCURRENCY", "20"))
MIN_CASES = int(os.environ.get("CODIFY_PROOF_MIN_CASES", "50"))  # make soak: 1000
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
SENTINEL = "QZXWV" + "SENTINEL" + "81736"  # built so that this file's own text never matches a grep of logs



@pytest.fixture(scope="module")
def server(coder_assets, tmp_path_factory):
    """`codify serve` with limits high enough for the load (the quotas have their own tests); its whole
    output (access log and the functions' JSON logs) goes to a file the sentinel test reads."""
    folder = tmp_path_factory.mktemp("proofs")
    log = folder / "serve.log"
    env = {**os.environ, "CODIFY_DEV_TOKEN": TOKEN, "CODIFY_STATE_FILE": str(folder / "serve.json"),
           "PYTHONPATH": os.pathsep.join(str(ROOT / p) for p in ("layers/coder", "functions", "cli")),
           "PYTHONUNBUFFERED": "1"}  # fmt: skip
    env.pop("AWS_ENDPOINT_URL", None)
    port = free_port()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "codify_cli.main", "serve", "--port", str(port), "--rate-limit", "100000",
             "--burst-limit", "100000", "--daily-quota", "10000000"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and "Dev token" not in log.read_text() and proc.poll() is None:
        time.sleep(0.2)
    if "Dev token" not in log.read_text():
        proc.kill()
        pytest.fail("codify serve did not start:\n" + log.read_text()[-3000:])
    state = json.loads((folder / "serve.json").read_text())
    yield {"url": f"http://127.0.0.1:{port}", "log": log, "endpoint_url": state["endpoint_url"], "proc": proc}
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def auth(**extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json", **extra}


# ---------------------------------------------------------------- schemathesis against the served document


def test_generated_requests_never_get_a_5xx_and_every_response_matches_the_document(server, tmp_path):
    command = [
        str(Path(sys.executable).with_name("schemathesis")), "run", f"{server['url']}/v1/openapi.json",
        "--url", server["url"], "--header", f"Authorization: Bearer {TOKEN}",
        "--checks", CHECKS,
        "--max-examples", str(EXAMPLES), "--seed", "20261202", "--phases", "examples,coverage,fuzzing",
        "--request-timeout", "60", "--workers", "2", "--no-color",
    ]  # fmt: skip
    result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=3000, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    generated = re.search(r"(\d+) generated", result.stdout)
    assert generated, result.stdout[-2000:]
    cases = int(generated[1])
    print(f"schemathesis: {cases} test cases generated, --max-examples {EXAMPLES}")  # shown with -s
    assert cases >= MIN_CASES


# ---------------------------------------------------------------- concurrency


def test_concurrent_calls_give_distinct_runs_each_with_its_audit_record(server):
    doctor = f"conc-{uuid.uuid4().hex[:12]}"  # this batch's runs, and only them, carry it

    def one(i: int) -> tuple[int, str, int]:
        """A client that retries a 503 after its Retry-After, as the API asks: on one machine all the calls
        share the CPUs that Lambda would give one container each, so some run out of their deadline."""
        note = f"Assessment: essential hypertension. Type 2 diabetes mellitus, visit {i}."
        unavailable = 0
        for _ in range(6):
            r = requests.post(f"{server['url']}/v1/codify", headers=auth(**{"X-Doctor-Id": doctor}),
                              data=json.dumps({"text": note}), timeout=300)  # fmt: skip
            if r.status_code != 503:
                break
            assert r.json()["error"]["code"] == "SERVICE_UNAVAILABLE" and int(r.headers["Retry-After"]) >= 1
            unavailable += 1
            time.sleep(int(r.headers["Retry-After"]))
        return r.status_code, r.json().get("run_id", ""), unavailable

    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        results = list(pool.map(one, range(CONCURRENCY)))
    assert [status for status, _, _ in results] == [200] * CONCURRENCY
    run_ids = {run_id for _, run_id, _ in results}
    assert len(run_ids) == CONCURRENCY
    retried = sum(n for _, _, n in results)
    print(f"concurrency: {CONCURRENCY} calls, {CONCURRENCY} runs, {retried} answers 503 then retried")

    listed: list[str] = []
    failed: list[str] = []
    cursor = None
    while True:
        params = {"doctor_id": doctor, "limit": 100, **({"cursor": cursor} if cursor else {})}
        page = requests.get(f"{server['url']}/v1/runs", headers=auth(), params=params, timeout=60).json()
        listed += [r["run_id"] for r in page["runs"] if r["status"] == "succeeded"]
        failed += [r["run_id"] for r in page["runs"] if r["status"] == "failed"]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    assert sorted(listed) == sorted(run_ids)  # one audit record per run, none missing, none extra
    assert len(failed) == retried  # and each 503 has its failed record


# ---------------------------------------------------------------- the sentinel


def sentinel_requests(url: str) -> list[tuple[str, str, dict, bytes | None]]:
    """(method, url, headers, body) carrying the sentinel as note content or as an invalid value, through
    every route and the failure paths a client can reach."""
    note = f"Assessment: essential hypertension. Patient {SENTINEL} reports no chest pain."
    pdf = pdfs.text_pdf([note])
    corrupt = b"%PDF-1.7\n" + SENTINEL.encode() * 50
    post = lambda body, **h: ("POST", f"{url}/v1/codify", auth(**h), json.dumps(body).encode())
    return [
        post({"text": note}),  # 200: the evidence may echo it, the audit and the logs may not
        post({"text": note}, **{"Idempotency-Key": "proof-key-1"}),
        post({"text": note + " again"}, **{"Idempotency-Key": "proof-key-1"}),  # 409
        post({"text": note, "patient_name": note}),  # 400 unknown field: named, its value never echoed
        post({"text": note, f"{note}": 1}),  # 400: a key that is note text is not echoed either
        post({"text": note * 400}),  # 413
        post({"text": note, "max_codes": SENTINEL}),  # 400 wrong type
        post({"text": note}, **{"X-Patient-Id": f"pt {SENTINEL}"}),  # 400 bad header: value never stored
        post({"pdf": base64.b64encode(corrupt).decode()}),  # 422
        post({"pdf": SENTINEL}),  # 400 not base64
        post({"pdf": base64.b64encode(pdf).decode()}),
        post({"upload_id": f"{SENTINEL}!"}),  # 400 pattern
        post({"text": note, "model": "cardio-v9"}),  # 404 model (ids are identifiers, audited as sent)
        ("POST", f"{url}/v1/codify", auth(), f'{{"text": "{SENTINEL}"'.encode()),  # 400 malformed JSON
        ("POST", f"{url}/v1/codify", auth(), b'{"text": "' + SENTINEL.encode() + b'\xff"}'),  # 400 not UTF-8
        ("POST", f"{url}/v1/codify", {**auth(), "Content-Type": "text/plain"}, note.encode()),  # 415
        ("POST", f"{url}/v1/codify", {"Content-Type": "application/json"}, json.dumps({"text": note}).encode()),
        ("POST", f"{url}/v1/uploads", auth(), json.dumps({"note": note}).encode()),
        ("GET", f"{url}/v1/runs", auth(), json.dumps({"text": note}).encode()),
        ("GET", f"{url}/v1/models", auth(), None),
        ("GET", f"{url}/v1/health", {}, None),
    ]


def test_a_sentinel_in_the_note_never_reaches_logs_error_bodies_or_dynamodb(server):
    import boto3

    error_bodies: list[str] = []
    for method, url, headers, body in sentinel_requests(server["url"]):
        r = requests.request(method, url, headers=headers, data=body, timeout=120)
        assert r.status_code < 500, (url, r.status_code, r.text[:300])
        if r.status_code >= 400:
            error_bodies.append(r.text)
    assert len(error_bodies) >= 12
    assert not [b for b in error_bodies if SENTINEL in b]

    time.sleep(0.5)  # the server's last log lines
    log = server["log"].read_text()
    assert "coded" in log and SENTINEL not in log

    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                    region_name="us-east-1")  # fmt: skip
    ddb = session.resource("dynamodb", endpoint_url=server["endpoint_url"])
    items = 0
    for table in ddb.tables.all():
        for item in table.scan()["Items"]:
            items += 1
            assert SENTINEL not in json.dumps(item, default=str), table.name
    assert items > 10
