"""The coder, loaded once per container, behind a small interface the service depends on.

The real implementation is `codify_coder` from the coder layer; tests may install a fake with `use()`.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .observability import logger

if TYPE_CHECKING:  # pragma: no cover
    from codify_coder.deadline import Deadline
    from codify_coder.types import CodeOptions, CodingResult, Document, ModelInfo


class CoderPort(Protocol):
    @property
    def model(self) -> ModelInfo: ...

    def code(
        self, note: str | Document, options: CodeOptions | None = None, deadline: Deadline | None = None
    ) -> CodingResult: ...

    def with_model_dir(self, model_dir: Path) -> CoderPort: ...


class CoderUnavailable(Exception):
    """The coder or its model could not be loaded."""


class _LayerCoder:
    """Adapter over codify_coder.pipeline.Coder (imported lazily: the layer is heavy)."""

    def __init__(self, coder: object) -> None:
        self._coder = coder

    @property
    def model(self) -> ModelInfo:
        return self._coder.model  # type: ignore[attr-defined]

    def code(
        self, note: str | Document, options: CodeOptions | None = None, deadline: Deadline | None = None
    ) -> CodingResult:
        return self._coder.code(note, options, deadline)  # type: ignore[attr-defined]

    def with_model_dir(self, model_dir: Path) -> CoderPort:
        from codify_coder.score import Scorer

        return _LayerCoder(self._coder.with_scorer(Scorer.load(model_dir)))  # type: ignore[attr-defined]


_lock = threading.Lock()
_coder: CoderPort | None = None


def get_coder() -> CoderPort:
    """The default coder; loads it on first use. Raises CoderUnavailable (retried on the next call)."""
    global _coder
    if _coder is not None:
        return _coder
    with _lock:
        if _coder is None:
            started = time.perf_counter()
            try:
                from codify_coder.pipeline import Coder

                _coder = _LayerCoder(Coder.load())
            except Exception as exc:  # any failure to import or load means "model unavailable"
                failure = type(exc).__name__
                logger.error("coder failed to load", extra={"error_type": failure})
                raise CoderUnavailable(failure) from exc
            logger.info("coder loaded", extra={"load_ms": round((time.perf_counter() - started) * 1000)})
    return _coder


def use(coder: CoderPort | None) -> None:
    """Install a coder (tests) or forget the loaded one (None)."""
    global _coder
    with _lock:
        _coder = coder
