"""The local stand-in for ModelTrainingFunction's asynchronous invocation: `codify serve` runs each training
job in a background worker thread, one at a time (as a queue of Lambda invocations would, with concurrency 1),
with the real handler and its template.yaml environment. A job's failure is logged by type, as Lambda's
on-failure destination would receive it; never its data."""

from __future__ import annotations

import sys
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from . import template as tpl
from .front import LambdaContext, load_handler

FUNCTION = "ModelTrainingFunction"


class LocalTrainingWorker:
    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="codify-training")
        self._handler = load_handler(tpl.load()["Resources"][FUNCTION]["Properties"]["Handler"])
        self.futures: list[Future[Any]] = []

    def __call__(self, event: dict[str, Any]) -> None:
        self.futures.append(self._pool.submit(self._run, dict(event)))

    def _run(self, event: dict[str, Any]) -> Any:
        try:
            return self._handler(event, LambdaContext(FUNCTION, 3008, timeout_s=900.0))
        except Exception as exc:  # noqa: BLE001 (a worker thread has no caller to raise to)
            print(f"codify serve: training job failed ({type(exc).__name__})", file=sys.stderr, flush=True)
            return None

    def drain(self, timeout: float | None = None) -> None:
        """Wait for every submitted job (tests)."""
        for future in list(self.futures):
            future.result(timeout=timeout)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def install() -> LocalTrainingWorker:
    from custom_models import launcher

    worker = LocalTrainingWorker()
    launcher.use(worker)
    return worker
