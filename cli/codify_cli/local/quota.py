"""The usage plan of template.yaml, enforced by the local front as API Gateway enforces it: per API key (the
authorizer's usageIdentifierKey: one per tenant), a token bucket for rate and burst, and a daily quota that
resets at 00:00 UTC. Over the rate: THROTTLED; over the quota: QUOTA_EXCEEDED (both 429 RATE_LIMITED, the
template's gateway responses).

A token bucket is a dozen lines; a rate-limiting library would be a new dependency of `codify serve` for
less than that, and API Gateway's own semantics (refill per second, burst as the bucket size) are what
must be matched.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime


@dataclass
class _Bucket:
    tokens: float
    updated: float
    day: date
    used_today: int = 0


@dataclass
class TenantLimiter:
    rate: float  # requests per second, refilled continuously
    burst: int  # the bucket's size
    daily_quota: int  # requests per UTC day
    clock: Callable[[], float] = time.monotonic
    today: Callable[[], date] = field(default=lambda: datetime.now(UTC).date())

    def __post_init__(self) -> None:
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> str | None:
        """None when the request may pass; else the gateway response kind that refuses it."""
        now, day = self.clock(), self.today()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(float(self.burst), now, day)
            if bucket.day != day:
                bucket.day, bucket.used_today = day, 0
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            if bucket.used_today >= self.daily_quota:
                return "QUOTA_EXCEEDED"
            if bucket.tokens < 1.0:
                return "THROTTLED"
            bucket.tokens -= 1.0
            bucket.used_today += 1
            return None
