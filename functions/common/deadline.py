"""The request's deadline: derived from the Lambda's remaining time, shared by everything one request does.

`lambda_handler` binds it for the request (a ContextVar, so each thread of `codify serve` has its own);
PDF extraction, OCR and coding take it from the use case, and every AWS call checks it through a botocore
hook (aws.py) before each attempt, so retries stop when the time is up. Past it the request answers 503
SERVICE_UNAVAILABLE (reason deadline_exceeded) and its run is audited as failed: `RESPONSE_MARGIN_SECONDS`
are kept back for that audit write and the answer.

Why 6 s: Lambda's timeout is 26 s (template Globals), API Gateway's 29 s. The work stops at 20 s; the audit
PutItem may start attempts during `AUDIT_WINDOW_SECONDS` and each attempt is bounded by the DynamoDB client's
connect (1 s) and read (2 s) timeouts (aws.py): 20 + 2 + 3 = 25 s, under the Lambda timeout.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from codify_coder.deadline import Deadline

# The coder layer (codify_coder) is imported only where a deadline is made or expires: common.aws registers
# the guard in every function, and the authorizer's only layer is the base one (no coder).

RESPONSE_MARGIN_SECONDS = 6.0
AUDIT_WINDOW_SECONDS = 2.0

__all__ = ["audit_window", "bound", "current", "for_request", "guard_aws_call"]

_current: ContextVar[Deadline | None] = ContextVar("codify_request_deadline", default=None)


def for_request(lambda_context: Any, margin: float = RESPONSE_MARGIN_SECONDS) -> Deadline:
    """The Lambda's remaining time less the margin; no deadline without a context (in-process callers)."""
    from codify_coder.deadline import Deadline

    remaining = getattr(lambda_context, "get_remaining_time_in_millis", None)
    if remaining is None:
        return Deadline.never()
    return Deadline(max(0.0, remaining() / 1000 - margin))


@contextmanager
def bound(deadline: Deadline | None) -> Iterator[Deadline | None]:
    token = _current.set(deadline)
    try:
        yield deadline
    finally:
        _current.reset(token)


def current() -> Deadline:
    from codify_coder.deadline import Deadline

    return _current.get() or Deadline.never()


def audit_window(window: float = AUDIT_WINDOW_SECONDS) -> Deadline:
    """Until when the audit write may start attempts: the request's deadline plus the window (part of the
    margin), so a run that ran out of time is still audited and one that did not is never cut short."""
    return current().later(window)


def guard_aws_call(**_: Any) -> None:
    """botocore `before-send` hook: no attempt (first or retry) starts past the request's deadline."""
    deadline = _current.get()
    if deadline is not None and deadline.expired():
        from codify_coder.deadline import DeadlineExceeded

        raise DeadlineExceeded("aws")
