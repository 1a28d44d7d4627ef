"""The coder's typed contract: what goes in and what comes out of each pipeline stage.

Plain frozen dataclasses (no pydantic, no AWS): the library stays importable anywhere, and the service
maps these onto its own Pydantic response models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Language = Literal["en", "es"]
LanguageOption = Literal["auto", "en", "es"]
Setting = Literal["outpatient", "inpatient"]
Assertion = Literal["present", "negated", "possible", "hypothetical", "historical", "family"]
DiscardReason = Literal[
    "negated",
    "family_history",
    "history_of",
    "uncertain",
    "hypothetical",
    "superseded_by_more_specific",
    "excludes1_conflict",
    "symptom_integral_to_diagnosis",
    "low_confidence",
    "not_billable",
    "duplicate",
]


# ---------------------------------------------------------------- 1. extract
@dataclass(frozen=True, slots=True)
class PageSpan:
    """Page `page` (1-based) covers text[start:end] of the extracted document."""

    page: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Document:
    """Text to code. For PDFs, `pages` maps offsets back to pages; for plain text it is empty."""

    text: str
    type: Literal["text", "pdf"] = "text"
    pages: tuple[PageSpan, ...] = ()
    warnings: tuple[str, ...] = ()

    def page_of(self, offset: int) -> int | None:
        for span in self.pages:
            if span.start <= offset < span.end or (offset == span.end == len(self.text)):
                return span.page
        return None


# ---------------------------------------------------------------- options
@dataclass(frozen=True, slots=True)
class CodeOptions:
    language: LanguageOption = "auto"
    setting: Setting = "outpatient"
    include_discarded: bool = True
    max_codes: int | None = None
    min_confidence: int = 0  # final assessments below it are discarded `low_confidence`


# ---------------------------------------------------------------- 2. understand
@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    section: str  # normalized section name: "history", "family_history", "assessment", "diagnoses", ... or "body"


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of the note that may name a condition, with its ConText assertion."""

    start: int
    end: int
    text: str
    sentence: int  # index into Understanding.sentences
    assertion: Assertion = "present"
    trigger: str | None = None  # the cue that set the assertion ("no evidence of", "niega", ...)


@dataclass(frozen=True, slots=True)
class Understanding:
    language: Language
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]


# ---------------------------------------------------------------- 3-4. candidates and scores
@dataclass(frozen=True, slots=True)
class Candidate:
    code: str  # ICD-10-CM with dot, upper case: "E11.22"
    mention: int  # index into Understanding.mentions
    matched_term: str  # the terminology term that matched
    lexical: float  # 0..1 token coverage/overlap score of the match
    probability: float = 0.0  # calibrated 0..1, set by the scorer


# ---------------------------------------------------------------- 5-6. output
@dataclass(frozen=True, slots=True)
class Evidence:
    text: str
    start: int
    end: int
    page: int | None = None


@dataclass(frozen=True, slots=True)
class Assessment:
    code: str
    description: str
    confidence: int  # 0..100
    justification: str
    evidence: tuple[Evidence, ...]
    assertion: Assertion
    billable: bool


@dataclass(frozen=True, slots=True)
class DiscardedAssessment:
    code: str
    description: str
    confidence: int
    reason: DiscardReason
    justification: str
    evidence: tuple[Evidence, ...] = ()
    superseded_by: str | None = None


@dataclass(frozen=True, slots=True)
class ModelInfo:
    id: str
    version: str
    terminology: str  # "ICD-10-CM FY2026"


@dataclass(frozen=True, slots=True)
class Analysis:
    sentences: int
    mentions: int
    candidates: int
    timings_ms: dict[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CodingResult:
    language: Language
    model: ModelInfo
    final_assessments: tuple[Assessment, ...]
    discarded_assessments: tuple[DiscardedAssessment, ...]
    analysis: Analysis
