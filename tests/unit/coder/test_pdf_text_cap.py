"""Extracted PDF text has its own cap (issue 10): 200,000 characters, refused above, coded in bounded time."""

from __future__ import annotations

import statistics
import time

import pytest
from codify_coder.extract import PdfLimits, PdfRejected, PdfTooLarge, extract_pdf

from tests.fixtures.adversarial import realistic
from tests.fixtures.pdfs import simple_pdf

CAP = PdfLimits().max_text_chars
PAGE_CHARS = 50_000


def _pdf(pages: int) -> bytes:
    # One long text line per page (extract_text returns it whole); ASCII, as the fixture's font needs.
    return simple_pdf([realistic(PAGE_CHARS).replace("\n", " ")] * pages)


def test_default_cap_is_about_four_times_the_text_limit():
    assert 51_200 * 3 <= CAP <= 51_200 * 5


def test_pdf_text_above_the_cap_is_refused_as_too_large():
    with pytest.raises(PdfRejected) as info:
        extract_pdf(_pdf(5))  # ~250,000 characters
    assert isinstance(info.value, PdfTooLarge) and info.value.reason == "text_too_long"  # 413 in the API
    assert f"{CAP:,}" in info.value.message


@pytest.mark.slow
def test_pdf_text_just_under_the_cap_is_coded_in_bounded_time(coder):
    document = extract_pdf(_pdf(3))
    assert 0.7 * CAP <= len(document.text) <= CAP

    def median(note) -> float:
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            coder.code(note)
            times.append(time.perf_counter() - t0)
        return statistics.median(times)

    baseline = median(realistic(51_200))
    result = coder.code(document)
    assert {"J18.9", "E11.65"} <= {a.code for a in result.final_assessments}
    assert all(e.page in (1, 2, 3) for a in result.final_assessments for e in a.evidence)
    # ~3x the text of the API's limit: linear costs ~3x; 8x leaves room for a loaded machine
    assert median(document) / baseline <= 8
