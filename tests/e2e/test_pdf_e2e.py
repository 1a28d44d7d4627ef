"""End to end against `codify serve`: upload a PDF with the presigned form over HTTP, code it by upload_id,
and check that each evidence span's text is on the page it names (read back independently with pypdf)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.fixtures import pdfs

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

REPO = Path(__file__).resolve().parents[2]
TOKEN = "e2e-pdf-token-0123456789abcdef"


@pytest.fixture(scope="module")
def pdf_serve():
    """`codify serve` on a free loopback port; yields (base url, auth headers)."""
    env = {
        **os.environ,
        "CODIFY_DEV_TOKEN": TOKEN,
        "PYTHONPATH": os.pathsep.join(str(REPO / p) for p in ("layers/coder", "functions", "cli")),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "codify_cli.main", "serve", "--port", "0", "--quiet", "--tenant", "e2e-pdf"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = None
    lines = []
    deadline = time.monotonic() + 180  # loading the coder takes a while on a cold machine
    while time.monotonic() < deadline and proc.poll() is None:
        line = proc.stdout.readline()
        lines.append(line)
        match = re.search(r"listening on (http://\S+)", line)
        if match:
            url = match.group(1)
            break
    if url is None:
        proc.kill()
        pytest.fail("codify serve did not start:\n" + "".join(lines[-20:]))
    try:
        yield url, {"Authorization": f"Bearer {TOKEN}"}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def api(pdf_serve):
    url, auth = pdf_serve
    if requests.get(f"{url}/v1/health", timeout=30).status_code == 503:
        pytest.skip("the coder's assets are not built (make assets)")
    return url, auth


def page_texts(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages]


def test_uploaded_pdf_is_coded_and_evidence_is_on_its_page(pdf_serve):
    url, auth = pdf_serve
    data = pdfs.text_pdf()

    created = requests.post(f"{url}/v1/uploads", headers=auth, timeout=30)
    assert created.status_code == 201, created.text
    form = created.json()
    posted = requests.post(
        form["upload"]["url"],
        data=form["upload"]["fields"],
        files={"file": ("note.pdf", data, "application/pdf")},
        timeout=30,
    )
    assert posted.status_code in (200, 201, 204), posted.text
    if requests.get(f"{url}/v1/health", timeout=30).status_code == 503:
        pytest.skip("uploaded through the form; coding needs the coder's assets (make assets)")

    coded = requests.post(
        f"{url}/v1/codify", headers=auth, json={"upload_id": form["upload_id"]}, timeout=120
    )

    assert coded.status_code == 200, coded.text
    body = coded.json()
    assert body["input"]["type"] == "pdf" and body["input"]["pages"] == 3
    pages = page_texts(data)
    # final and discarded codes both cite the note: every span must be on the page it names
    assessed = body["final_assessments"] + body["discarded_assessments"]
    evidence = [e for a in assessed for e in a["evidence"]]
    assert evidence, "the note names several conditions; expected evidence"
    for span in evidence:
        assert span["page"] in (1, 2, 3)
        assert " ".join(span["text"].split()).lower() in pages[span["page"] - 1].lower(), span
    # the run's audit record points at the staged copy
    run = requests.get(f"{url}/v1/runs/{body['run_id']}", headers=auth, timeout=30)
    assert run.status_code == 200, run.text
    assert run.json()["input_s3_key"] == f"tenants/e2e-pdf/runs/{body['run_id']}/input.pdf"


def test_hostile_pdf_through_the_local_api_is_a_4xx(api):
    import base64

    url, auth = api
    payload = {"pdf": base64.b64encode(pdfs.decompression_bomb()).decode("ascii")}

    started = time.perf_counter()
    answer = requests.post(f"{url}/v1/codify", headers=auth, json=payload, timeout=60)

    assert answer.status_code == 413, answer.text
    assert answer.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert time.perf_counter() - started < 10
