"""A point in time work must stop by, on an injectable monotonic clock, checked cooperatively.

The service derives one per request from the Lambda's remaining time and hands it to every stage that can
take long: PDF extraction (extract.py checks it between pages and every few hundred tokens), OCR, coding
(pipeline.Coder.code checks it between stages) and the AWS calls (the service's botocore hook). No signal
handler and no thread: it works the same on any thread, and a test can inject a clock.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable


class DeadlineExceeded(Exception):
    """The request's time ran out before the work was done. Names no input, only the stage."""

    def __init__(self, stage: str) -> None:
        super().__init__(f"deadline exceeded during {stage}")
        self.stage = stage


class Deadline:
    """`seconds` from now (math.inf: never). `within(s)` is the earlier of this deadline and s from now."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._at = clock() + seconds

    @classmethod
    def never(cls) -> Deadline:
        return cls(math.inf)

    def remaining(self) -> float:
        return max(0.0, self._at - self._clock())

    def expired(self) -> bool:
        return self._clock() >= self._at

    def within(self, seconds: float) -> Deadline:
        """A deadline `seconds` from now, or this one if it comes first (its own limit for one stage)."""
        sub = Deadline(seconds, self._clock)
        if self._at < sub._at:
            sub._at, sub.seconds = self._at, self.remaining()
        return sub

    def later(self, seconds: float) -> Deadline:
        """This deadline moved `seconds` later (never stays never)."""
        moved = Deadline(0.0, self._clock)
        moved._at, moved.seconds = self._at + seconds, self.seconds + seconds
        return moved

    def check(self, stage: str) -> None:
        if self.expired():
            raise DeadlineExceeded(stage)
