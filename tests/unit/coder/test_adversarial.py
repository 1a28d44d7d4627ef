"""The coder is linear in the note on any input (issue 10): adversarial notes cost about what a realistic
note of the same size costs.

Ratios of medians against a realistic note coded in the same process, not wall-clock budgets (a loaded
machine slows both alike). A quadratic path shows as a ratio that grows with the size: before the fixes,
"." * 51199 + "x" took 34-42 s against under 2 s for the realistic note, "history of lung cancer and "
repeated 253 s. The inputs are generated (tests/fixtures/adversarial.py); tools/adversarial.py prints the same
cases per stage.

Default run: every kind at 12,800 bytes and three of them at 51,200 bytes (the API's text limit). `slow`: every kind at 51,200 bytes, and each kind's growth from 12,800 to 51,200 bytes.
"""

from __future__ import annotations

import statistics
import time

import pytest

from tests.fixtures.adversarial import CASES, realistic

SMALL = 12_800
LARGE = 51_200  # the API's text limit (bytes)
MAX_RATIO = 3.0  # against the realistic note of the same size; a quadratic path is 5-100x at these sizes
# 4x the text: linear costs 4x, quadratic 16x; 8x leaves room for a loaded machine
MAX_GROWTH = 8.0
# Also at the text limit by default: the kinds whose quadratic cost stands out only at that size (on the code
# before the fixes, 12,800 bytes caught "dots", "history of lung cancer" and "on insulin" repeated, 5-25x,
# but "no fever" repeated, runs of spaces and "Ab. " repeated stayed under 3x there).
AT_THE_LIMIT = ("dots", "long_word_after_lab", "abbrev_dots", "no_fever_repeated", "spaces")
_REPEAT = 3


def _median_seconds(coder, text: str, repeat: int = _REPEAT) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        coder.code(text)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


class Baseline:
    """Median seconds of the realistic note per size, measured when first needed and re-measured on
    demand (a load spike on a shared machine can slow either side of a ratio)."""

    def __init__(self, coder) -> None:
        self.coder = coder
        self.seconds: dict[int, float] = {}
        coder.code(realistic(SMALL))  # warm-up

    def __getitem__(self, size: int) -> float:
        if size not in self.seconds:
            self.remeasure(size)
        return self.seconds[size]

    def remeasure(self, size: int) -> None:
        self.seconds[size] = _median_seconds(self.coder, realistic(size))


@pytest.fixture(scope="module")
def baseline(coder):
    return Baseline(coder)


def _check(coder, baseline, kind: str, size: int) -> float:
    text = CASES[kind](size)
    assert size - 4 <= len(text.encode()) <= size  # the generator really makes a note of that size
    seconds = _median_seconds(coder, text)
    if seconds > MAX_RATIO * baseline[size]:  # measured again, both sides, before failing: a quadratic
        baseline.remeasure(size)  # path fails twice, a load spike rarely does
        seconds = min(seconds, _median_seconds(coder, text))
    ratio = seconds / baseline[size]
    assert ratio <= MAX_RATIO, f"{kind} at {size} bytes: {seconds:.2f} s, {ratio:.1f}x the realistic note"
    return seconds


def test_realistic_note_finds_its_conditions(coder):
    """The yardstick is a real clinical note (not an empty one that codes nothing)."""
    codes = {a.code for a in coder.code(realistic(SMALL)).final_assessments}
    assert {"E11.65", "J18.9", "N17.9"} <= codes, codes


@pytest.mark.parametrize("kind", sorted(CASES))
def test_every_adversarial_kind_costs_about_a_realistic_note(coder, baseline, kind):
    _check(coder, baseline, kind, SMALL)


@pytest.mark.parametrize("kind", AT_THE_LIMIT)
def test_issue_10_inputs_at_the_text_limit(coder, baseline, kind):
    _check(coder, baseline, kind, LARGE)


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(set(CASES) - set(AT_THE_LIMIT)))
def test_every_kind_at_the_text_limit_and_its_growth(coder, baseline, kind):
    large = _check(coder, baseline, kind, LARGE)
    small = _median_seconds(coder, CASES[kind](SMALL))
    # Growth is only meaningful for a kind that costs something: one that codes in a small fraction of
    # the realistic note's time at the text limit cannot hide a quadratic path of any consequence.
    if large >= 0.25 * baseline[LARGE]:
        if large / small > MAX_GROWTH:  # measured again before failing: the small side is a tenth of a
            # second, where one scheduler hiccup on a 2-core CI machine doubles the ratio; the fastest of
            # the runs is the best estimate of the true cost, and a quadratic path stays quadratic in it
            small = min(small, _median_seconds(coder, CASES[kind](SMALL), repeat=5))
            large = min(large, _median_seconds(coder, CASES[kind](LARGE), repeat=5))
        assert large / small <= MAX_GROWTH, f"{kind}: {small:.2f} s -> {large:.2f} s for 4x the text"


def test_the_realistic_note_grows_linearly(baseline):
    if baseline[LARGE] / baseline[SMALL] > MAX_GROWTH:
        baseline.remeasure(SMALL)
        baseline.remeasure(LARGE)
    assert baseline[LARGE] / baseline[SMALL] <= MAX_GROWTH, baseline.seconds
