"""Stage 6: the decisions become the response's assessments, each with evidence and a justification.

Justifications quote the evidence span (which the response carries anyway) and name the matched term,
the assertion and the rule, so a coder can verify every code against the note.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .types import (
    Analysis,
    Assessment,
    Candidate,
    CodeOptions,
    CodingResult,
    DiscardedAssessment,
    Document,
    Evidence,
    ModelInfo,
    Understanding,
)

if TYPE_CHECKING:
    from .rules import Decision
    from .terminology import Terminology

_ASSERTION_WORDS = {
    "present": "stated as present",
    "negated": "negated",
    "possible": "stated as uncertain",
    "hypothetical": "stated as hypothetical",
    "historical": "stated as past history",
    "family": "stated for a family member",
}


def confidence(probability: float) -> int:
    return max(0, min(100, round(probability * 100)))


def _evidence(d: Decision, document: Document, understanding: Understanding) -> tuple[Evidence, ...]:
    spans = []
    for i in d.mentions:
        m = understanding.mentions[i]
        spans.append(Evidence(text=document.text[m.start : m.end], start=m.start, end=m.end,
                              page=document.page_of(m.start)))
    return tuple(spans)


def _justification(d: Decision, understanding: Understanding, description: str, provenance: str | None = None) -> str:
    m = understanding.mentions[d.mentions[0]] if d.mentions else None
    parts = []
    if m is not None:
        section = understanding.sentences[m.sentence].section
        where = "" if section == "body" else f" in the {section.replace('_', ' ')} section"
        cue = f" (cue '{m.trigger}')" if m.trigger else ""
        parts.append(f"'{m.text}'{where} matches '{d.matched_term}', {_ASSERTION_WORDS[m.assertion]}{cue}")
    parts.append(d.rule)
    if d.derived_from:
        parts.append(f"derived from {d.derived_from}")
    if provenance:
        parts.append(provenance)
    return f"{d.code} {description}: " + "; ".join(parts) + "."


def result(
    document: Document,
    understanding: Understanding,
    candidates: list[Candidate],
    decisions: list[Decision],
    model: ModelInfo,
    options: CodeOptions,
    timings: dict[str, float],
    terminology: Terminology,
    describe: Callable[[str], tuple[str, bool, str | None]] | None = None,
) -> CodingResult:
    """`describe`: (description, billable, provenance) of a code of a custom model's declared code set
    (CIE-10-ES...); the provenance, when there is one, ends the justification."""
    finals: list[Assessment] = []
    discarded: list[DiscardedAssessment] = []
    for d in decisions:
        info = terminology.get(d.code)
        description = info.description if info else d.code
        billable = bool(info and info.billable)
        provenance = None
        if describe is not None:
            description, billable, provenance = describe(d.code)
        evidence = _evidence(d, document, understanding)
        if d.final:
            if not evidence:  # no final code without evidence in the note
                continue
            finals.append(Assessment(
                code=d.code, description=description, confidence=confidence(d.probability),
                justification=_justification(d, understanding, description, provenance), evidence=evidence,
                assertion=d.assertion, billable=billable,
                rule=d.rule_id, guideline=d.guideline,
            ))
        elif options.include_discarded:
            discarded.append(DiscardedAssessment(
                code=d.code, description=description, confidence=confidence(d.probability),
                reason=d.reason,  # type: ignore[arg-type]
                justification=_justification(d, understanding, description, provenance), evidence=evidence,
                superseded_by=d.superseded_by, rule=d.rule_id, guideline=d.guideline,
            ))
    finals.sort(key=lambda a: (-a.confidence, a.code))
    return CodingResult(
        language=understanding.language,
        model=model,
        final_assessments=tuple(finals),
        discarded_assessments=tuple(discarded),
        analysis=Analysis(
            sentences=len(understanding.sentences),
            mentions=len(understanding.mentions),
            candidates=len(candidates),
            timings_ms=timings,
            warnings=document.warnings,
        ),
    )
