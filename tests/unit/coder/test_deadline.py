"""The coder checks the request's deadline between stages (and extraction inside pages: test_extract.py)."""

from __future__ import annotations

import itertools

import pytest
from codify_coder.deadline import Deadline, DeadlineExceeded

NOTE = "Assessment: type 2 diabetes mellitus. Essential hypertension."


def ticking(start: float = 0.0):
    """A clock that advances one second at every reading."""
    counter = itertools.count(start)
    return lambda: float(next(counter))


def test_the_stage_that_finds_the_deadline_past_is_named(coder):
    deadline = Deadline(2.5, ticking())  # created at 0; checks read 1, 2, 3: the third stage stops
    with pytest.raises(DeadlineExceeded) as info:
        coder.code(NOTE, deadline=deadline)
    assert info.value.stage == "score"


def test_a_deadline_with_time_left_codes_the_same_as_none(coder):
    with_deadline = coder.code(NOTE, deadline=Deadline(600))
    without = coder.code(NOTE)
    assert [a.code for a in with_deadline.final_assessments] == [a.code for a in without.final_assessments]
    assert with_deadline.final_assessments


def test_within_is_the_earlier_of_the_two():
    clock = ticking()
    outer = Deadline(10, clock)  # at 10
    assert outer.within(100).remaining() <= 10
    inner = Deadline(100, clock).within(3)  # 3 s from its creation, before the outer 100
    assert 0 < inner.remaining() <= 3
    assert Deadline.never().within(5).seconds == 5


def test_later_moves_a_deadline_and_never_stays_never():
    clock = ticking()
    assert Deadline(1, clock).later(5).remaining() > 3  # at 6, read at 1 or 2
    assert not Deadline.never().later(5).expired()
