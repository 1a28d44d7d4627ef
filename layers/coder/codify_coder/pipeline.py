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

import dataclasses
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
from .vocabulary import CodeSet

ASSETS_DIR = Path(__file__).parent / "assets"
DEFAULT_MODEL_ID = "default"


class Coder:
    """Heavy objects (terminology index, ONNX session) are built in `load` and reused by every call."""

    def __init__(
        self, terminology: Terminology, scorer: Scorer, candidates: CandidateGenerator | None = None
    ) -> None:
        self.terminology = terminology
        # The scorer's features read code facts (billable, term kind) from the terminology.
        self.scorer = scorer.bind(terminology) if hasattr(scorer, "bind") else scorer
        self.candidates = candidates or CandidateGenerator(terminology)
        # A custom model's center (vocabulary.CenterKnowledge): its learned vocabulary adds candidates, its
        # code set maps and bounds the codes returned, its habits reach the rules. Only this Coder sees it.
        self.center = getattr(self.scorer, "center", None)

    @classmethod
    def load(cls, model_dir: Path | None = None, assets_dir: Path = ASSETS_DIR) -> Coder:
        terminology = Terminology.load(assets_dir / "terminology")
        scorer = Scorer.load(model_dir or assets_dir / "models" / DEFAULT_MODEL_ID)
        return cls(terminology, scorer)

    @property
    def model(self) -> ModelInfo:
        system = self.center.code_set.system if self.center is not None else self.terminology.name
        return ModelInfo(id=self.scorer.model_id, version=self.scorer.version, terminology=system)

    def _threshold(self, language: str) -> float:
        by_language = getattr(self.scorer, "threshold_for", None)
        return by_language(language) if by_language is not None else getattr(self.scorer, "threshold", 0.5)

    def with_scorer(self, scorer: Scorer) -> Coder:
        """Same terminology and candidate generator (the expensive parts), another model: for custom models
        selected per request."""
        return Coder(self.terminology, scorer, self.candidates)

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
        center = self.center
        if center is not None:
            candidates = center.candidates(text, understanding, candidates, self.terminology)
        t2 = time.perf_counter()
        deadline.check("score")
        reader = self.candidates.reader(understanding.language)
        scored = (
            self.scorer.score(text, understanding, candidates, reader=reader)
            if reader is not None
            else self.scorer.score(text, understanding, candidates)  # custom scorers may not take a reader
        )
        t3 = time.perf_counter()
        deadline.check("rules")
        decisions = rules.apply(
            text, understanding, scored, self.terminology, options, threshold=self._threshold(understanding.language),
            center_codes=center.codes_assertions if center is not None else frozenset(),
            center_keeps=center.keeps if center is not None else frozenset(),
        )
        describe = None
        if center is not None and center.code_set.declared:
            decisions = to_code_set(decisions, center.code_set)
            describe = lambda code: center.code_set.describe(code, self.terminology)
        understanding = view.restore(understanding)
        t4 = time.perf_counter()
        timings.update(
            understand=round((t1 - t0) * 1000, 2),
            candidates=round((t2 - t1) * 1000, 2),
            score=round((t3 - t2) * 1000, 2),
            rules=round((t4 - t3) * 1000, 2),
        )
        return assemble.result(
            document, understanding, candidates, decisions, self.model, options, timings, self.terminology,
            describe=describe,
        )


def to_code_set(decisions: list[rules.Decision], code_set: CodeSet) -> list[rules.Decision]:
    """The rules' FY2026 decisions in a declared code set: each code becomes the declared code that is its
    longest prefix; a code with none is never returned; of two decisions that become one code, the first
    (finals come first, by probability) stands."""
    out: list[rules.Decision] = []
    final_seen: set[str] = set()
    discarded_seen: set[str] = set()
    for d in decisions:
        code = code_set.to_declared(d.code)
        if code is None:
            continue
        seen = final_seen if d.final else discarded_seen
        if code in seen or (not d.final and code in final_seen):
            continue
        seen.add(code)
        by = code_set.to_declared(d.superseded_by) if d.superseded_by else None
        derived = code_set.to_declared(d.derived_from) if d.derived_from else None
        out.append(dataclasses.replace(d, code=code, superseded_by=by if by != code else None,
                                       derived_from=derived if derived != code else None))
    return out
