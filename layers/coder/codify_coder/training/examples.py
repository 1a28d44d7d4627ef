"""Run the real pipeline stages (understand + candidates) over labeled notes to get training examples.

The same stages serve requests, so the model learns from exactly the candidates it will score.
Notes are processed by a small fork pool (the terminology is shared copy-on-write), in input order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from ..types import LanguageOption
from .core import Example


@dataclass(frozen=True)
class LabeledNote:
    key: str  # groups variants of the same note (e.g. its Spanish text and English translation)
    text: str
    language: str  # "en", "es" or "auto"
    gold: frozenset[str]
    # the coders' evidence per code, where the data has it: ((code, ((start, end), ...)), ...)
    spans: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = ()


_STATE: dict[str, Any] = {}


def _run(note: LabeledNote) -> Example:
    from ..understand import analyze

    understanding = analyze(note.text, cast(LanguageOption, note.language))
    candidates = _STATE["generator"].generate(note.text, understanding)
    return Example(note.key, note.text, understanding, tuple(candidates), note.gold)


def build_examples(
    notes: Sequence[LabeledNote], terminology: Any, workers: int | None = None
) -> list[Example]:
    from ..candidates import CandidateGenerator

    _STATE["generator"] = CandidateGenerator(terminology)
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    try:
        if workers <= 1 or len(notes) < 50 or "fork" not in multiprocessing.get_all_start_methods():
            return [_run(n) for n in notes]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return pool.map(_run, notes, chunksize=max(1, len(notes) // (workers * 8)))
    finally:
        _STATE.clear()
