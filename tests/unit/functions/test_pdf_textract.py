"""Textract polling and paging (codify.repositories), against a scripted client (no network, no moto)."""

from __future__ import annotations

import os

import pytest

# common.observability builds Powertools' Logger/Metrics/Tracer at import, from the environment: import it
# here, at collection (before sockets are disabled; the X-Ray SDK opens a UDP socket when imported), with
# the template's values where nothing set them yet, so no later test inherits a namespace-less Metrics.
for _key, _value in {
    "POWERTOOLS_SERVICE_NAME": "codify",
    "POWERTOOLS_METRICS_NAMESPACE": "Codify",
    "POWERTOOLS_TRACE_DISABLED": "true",
}.items():
    os.environ.setdefault(_key, _value)

from codify import repositories as _pdf_input


@pytest.fixture
def pdf_input():
    return _pdf_input


class ScriptedTextract:
    """Answers GetDocumentTextDetection from a script: statuses first, then result pages by NextToken."""

    def __init__(self, statuses, pages):
        self.statuses = list(statuses)
        self.pages = pages  # token -> (blocks, next token)
        self.calls = []

    def start_document_text_detection(self, DocumentLocation):
        self.calls.append(("start", DocumentLocation["S3Object"]["Name"]))
        return {"JobId": "job-1"}

    def get_document_text_detection(self, JobId, NextToken=None):
        self.calls.append(("get", NextToken))
        status = self.statuses.pop(0) if self.statuses else "SUCCEEDED"
        if status != "SUCCEEDED":
            return {"JobStatus": status}
        blocks, following = self.pages[NextToken]
        return {"JobStatus": "SUCCEEDED", "Blocks": blocks, **({"NextToken": following} if following else {})}

    def detect_document_text(self, Document):
        self.calls.append(("detect", Document["S3Object"]["Name"]))
        return {"Blocks": [{"BlockType": "LINE", "Text": "Single page line"}]}


def line(text, page):
    return {"BlockType": "LINE", "Text": text, "Page": page}


@pytest.fixture
def fake(monkeypatch, pdf_input):
    def install(client):
        monkeypatch.setattr(pdf_input.aws, "textract", lambda: client)
        monkeypatch.setattr(pdf_input.time, "sleep", lambda s: None)
        return client

    return install


def test_async_job_is_polled_then_every_result_page_is_read(fake, pdf_input):
    client = fake(
        ScriptedTextract(
            ["IN_PROGRESS", "IN_PROGRESS"],
            {
                None: (
                    [line("Page one, first", 1), {"BlockType": "WORD", "Text": "ignored", "Page": 1}],
                    "t2",
                ),
                "t2": ([line("Page three", 3), line("Page one, second", 1)], None),
            },
        )
    )

    lines = pdf_input.textract_lines("bucket", "key.pdf", pages=3, timeout=30)

    assert lines == {1: ["Page one, first", "Page one, second"], 3: ["Page three"]}
    assert client.calls == [("start", "key.pdf"), ("get", None), ("get", None), ("get", None), ("get", "t2")]


def test_single_page_uses_the_synchronous_api(fake, pdf_input):
    client = fake(ScriptedTextract([], {}))
    assert pdf_input.textract_lines("bucket", "key.pdf", pages=1, timeout=30) == {1: ["Single page line"]}
    assert client.calls == [("detect", "key.pdf")]


def test_a_job_that_never_finishes_times_out(fake, monkeypatch, pdf_input):
    fake(ScriptedTextract(["IN_PROGRESS"] * 1000, {}))
    clock = iter(range(0, 10_000, 5))  # every monotonic() call advances 5 s
    monkeypatch.setattr(pdf_input.time, "monotonic", lambda: next(clock))

    with pytest.raises(TimeoutError):
        pdf_input.textract_lines("bucket", "key.pdf", pages=2, timeout=20)


def test_a_failed_job_raises_a_client_error(fake, pdf_input):
    from botocore.exceptions import ClientError

    fake(ScriptedTextract(["FAILED"], {}))
    with pytest.raises(ClientError):
        pdf_input.textract_lines("bucket", "key.pdf", pages=2, timeout=20)
