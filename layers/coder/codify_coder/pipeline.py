"""The coder facade: load once per container, then `code()` each note through the six stages.

    extract -> understand -> candidates -> score -> rules -> assemble

Stage modules (each with a typed input and output, see types.py):
  extract.py        Document from text or PDF bytes (pypdf, bounded)
  understand/       analyze(text, language) -> Understanding (language, sentences, sections, mentions, ConText)
  terminology/      Terminology.load(dir): the compiled ICD-10-CM FY2026 index (+ Spanish terms, lexicons)
  candidates.py     CandidateGenerator(terminology).generate(text, understanding) -> list[Candidate]
  score.py          Scorer.load(model_dir).score(text, understanding, candidates) -> list[Candidate] (probability set)
  rules.py          apply(...) -> final and discarded decisions, each with its reason and justification
  assemble.py       CodingResult from the decisions
"""

from __future__ import annotations

import time
from pathlib import Path

from . import assemble, rules
from .candidates import CandidateGenerator
from .deadline import Deadline
from .score import Scorer
from .terminology import Terminology
from .types import CodeOptions, CodingResult, Document, ModelInfo
from .understand import analyze
from .understand.unicode import matching_view

ASSETS_DIR = Path(__file__).parent / "assets"
DEFAULT_MODEL_ID = "default"


class Coder:
    """Heavy objects (terminology index, ONNX session) are built in `load` and reused by every call."""

    def __init__(self, terminology: Terminology, scorer: Scorer) -> None:
        self.terminology = terminology
        # The scorer's features read code facts (billable, term kind) from the terminology.
        self.scorer = scorer.bind(terminology) if hasattr(scorer, "bind") else scorer
        self.candidates = CandidateGenerator(terminology)

    @classmethod
    def load(cls, model_dir: Path | None = None, assets_dir: Path = ASSETS_DIR) -> Coder:
        terminology = Terminology.load(assets_dir / "terminology")
        scorer = Scorer.load(model_dir or assets_dir / "models" / DEFAULT_MODEL_ID)
        return cls(terminology, scorer)

    @property
    def model(self) -> ModelInfo:
        return ModelInfo(id=self.scorer.model_id, version=self.scorer.version, terminology=self.terminology.name)

    def with_scorer(self, scorer: Scorer) -> Coder:
        """Same terminology (the expensive part), another model: for custom models selected per request."""
        return Coder(self.terminology, scorer)

    def code(
        self, note: str | Document, options: CodeOptions | None = None, deadline: Deadline | None = None
    ) -> CodingResult:
        """Code one note. `deadline` (the request's) is checked between stages: each stage is linear in the
        note's length (tests/unit/coder/test_adversarial.py), so a stage never runs far past it; raises
        DeadlineExceeded."""
        options = options or CodeOptions()
        deadline = deadline or Deadline.never()
        document = note if isinstance(note, Document) else Document(text=note)
        timings: dict[str, float] = {}

        t0 = time.perf_counter()
        # Stages match an NFC text without zero-width/bidi controls; evidence offsets go back to the original.
        deadline.check("understand")
        view = matching_view(document.text)
        text = view.text
        understanding = analyze(text, options.language)
        t1 = time.perf_counter()
        deadline.check("candidates")
        candidates = self.candidates.generate(text, understanding)
        t2 = time.perf_counter()
        deadline.check("score")
        scored = self.scorer.score(text, understanding, candidates)
        t3 = time.perf_counter()
        deadline.check("rules")
        decisions = rules.apply(
            text, understanding, scored, self.terminology, options, threshold=getattr(self.scorer, "threshold", 0.5)
        )
        understanding = view.restore(understanding)
        t4 = time.perf_counter()
        timings.update(
            understand=round((t1 - t0) * 1000, 2),
            candidates=round((t2 - t1) * 1000, 2),
            score=round((t3 - t2) * 1000, 2),
            rules=round((t4 - t3) * 1000, 2),
        )
        return assemble.result(
            document, understanding, candidates, decisions, self.model, options, timings, self.terminology
        )
