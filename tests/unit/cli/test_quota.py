"""The local front's per-tenant usage plan (codify_cli.local.quota), on injected clocks."""

from __future__ import annotations

from datetime import date

from codify_cli.local import template as tpl
from codify_cli.local.quota import TenantLimiter


class Clock:
    def __init__(self) -> None:
        self.now, self.day = 0.0, date(2026, 12, 1)

    def limiter(self, rate=2.0, burst=3, daily_quota=1000) -> TenantLimiter:
        return TenantLimiter(rate, burst, daily_quota, clock=lambda: self.now, today=lambda: self.day)


def test_a_burst_passes_then_the_rate_refills_per_tenant():
    clock = Clock()
    limiter = clock.limiter()
    assert [limiter.take("a") for _ in range(4)] == [None, None, None, "THROTTLED"]
    assert limiter.take("b") is None  # another tenant has its own bucket
    clock.now += 0.5  # one request's worth at 2/s
    assert [limiter.take("a"), limiter.take("a")] == [None, "THROTTLED"]


def test_the_daily_quota_refuses_until_the_next_utc_day():
    clock = Clock()
    limiter = clock.limiter(rate=1000, burst=1000, daily_quota=2)
    assert [limiter.take("a") for _ in range(3)] == [None, None, "QUOTA_EXCEEDED"]
    clock.day = date(2026, 12, 2)
    assert limiter.take("a") is None


def test_the_local_limits_are_the_templates_usage_plan():
    plan = tpl.load()["Parameters"]
    assert tpl.usage_plan() == {
        "rate": float(plan["TenantRateLimit"]["Default"]),
        "burst": plan["TenantBurstLimit"]["Default"],
        "daily_quota": plan["TenantDailyQuota"]["Default"],
    }
