"""The coder's typed contract: what goes in and what comes out of each pipeline stage.

Plain frozen dataclasses (no pydantic, no AWS): the library stays importable anywhere, and the service
maps these onto its own Pydantic response models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# The languages of Spain's health services and English (docs/coder.md, "Languages").
Language = Literal["en", "es", "ca", "gl", "eu"]
LanguageOption = Literal["auto", "en", "es", "ca", "gl", "eu"]
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
    "max_codes",
    "fact_not_stated",
    "condition_not_named",
    "specified_in_note",
    "requires_companion_code",
    "risk_discussed",
    "procedure_narrative",
    "other_person",
    "current_condition",
    "not_in_diagnostic_statement",
]
# Discards of codes the coder weighed and kept below a cut (a probability, the request's max_codes, a fact
# the guideline needs): the ranking's tail, where a missed code is found (evaluation ranks them after the
# final codes). Every reason is documented in docs/discard-reasons.md.
BELOW_THE_CUT: frozenset[str] = frozenset(
    {"low_confidence", "max_codes", "fact_not_stated", "condition_not_named", "specified_in_note",
     "requires_companion_code", "not_in_diagnostic_statement"}
)


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
# What a mention's words do when they do not diagnose the patient (understand/nondx.py), finer than its
# Assertion, for the rules stage to explain a discard:
#   "risk_discussed"      a risk or complication discussed or consented to     (assertion "hypothetical")
#   "complication_absent" a complication that did not happen: "without complications", "no bleeding",
#                         "EBL minimal"                                         (assertion "negated")
#   "rule_out"            a condition to rule out / evaluate for                (assertion "possible")
#   "procedure_step"      a step of the procedure narrative, not a finding      (assertion "hypothetical":
#                         it states no condition of the patient, like a plan; never coded nor made history)
#   "instruction"         an instruction or precaution: "call if fever"         (assertion "hypothetical")
#   "screening"           a screening question or screening test                (assertion "hypothetical")
#   "other_person"        a condition of someone who is not a blood relative    (assertion "family"; not a
#                         Z80-Z84 family history either)
MentionContext = Literal[
    "risk_discussed", "complication_absent", "rule_out", "procedure_step", "instruction", "screening",
    "other_person",
]
# Section kinds (understand/document.py): what a part of the document says about the patient's conditions.
SectionKind = Literal[
    "diagnostic", "hpi", "body", "results", "exam", "ros", "history", "plan", "family", "social",
    "medications", "allergies", "procedure_narrative", "consent", "instructions",
]
DocumentType = Literal[
    "operative_report", "procedure_note", "consult", "history_and_physical", "progress_note", "discharge_summary",
    "imaging_report", "ed_note", "case_report", "unknown",
]


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    section: str  # normalized section name: "history", "family_history", "assessment", "diagnoses", ... or "body"
    kind: SectionKind = "body"  # the section's kind: "diagnostic" for diagnoses/assessment/indications/findings


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of the note that may name a condition, with its ConText assertion."""

    start: int
    end: int
    text: str
    sentence: int  # index into Understanding.sentences
    assertion: Assertion = "present"
    trigger: str | None = None  # the cue that set the assertion ("no evidence of", "niega", ...)
    section_kind: SectionKind = "body"  # kind of the section the mention stands in (see SectionKind)
    context: MentionContext | None = None  # why it is not a diagnosis, when it is not (see MentionContext)


@dataclass(frozen=True, slots=True)
class Understanding:
    language: Language
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    document_type: DocumentType = "unknown"  # operative report, consult, ... (understand/document.py)


# ---------------------------------------------------------------- 3-4. candidates and scores
@dataclass(frozen=True, slots=True)
class Candidate:
    code: str  # ICD-10-CM with dot, upper case: "E11.22"
    mention: int  # index into Understanding.mentions
    matched_term: str  # the terminology term that matched
    lexical: float  # 0..1 token coverage/overlap score of the match
    probability: float = 0.0  # calibrated 0..1, set by the scorer
    # "terminology", or "learned": a custom model's vocabulary entry (vocabulary.py), with the number of the
    # center's notes it was learned from (`support`) and how often the phrase meant the code there (`precision`)
    source: str = "terminology"
    support: int = 0
    precision: float = 0.0


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
    rule: str = ""  # the registered rule id that kept the code (rules.RULES), e.g. "evidence.match"
    guideline: str | None = None  # its ICD-10-CM guideline section, e.g. "I.C.21.c.3"


@dataclass(frozen=True, slots=True)
class DiscardedAssessment:
    code: str
    description: str
    confidence: int
    reason: DiscardReason
    justification: str
    evidence: tuple[Evidence, ...] = ()
    superseded_by: str | None = None
    rule: str = ""  # the registered rule id that discarded the code, e.g. "stated.long_term"
    guideline: str | None = None


@dataclass(frozen=True, slots=True)
class ModelInfo:
    id: str
    version: str
    terminology: str  # the code system the model returns: "ICD-10-CM FY2026", or a custom model's ("CIE-10-ES 2018")


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
