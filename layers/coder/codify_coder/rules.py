"""Stage 5: the ICD-10-CM conventions a coder applies, turning scored candidates into decisions.

Input: the note text, its Understanding, the scored Candidates. Output: one Decision per code, either
final or discarded with a reason from the documented list (docs/discard-reasons.md). Every decision names
the mention, the assertion and the rule that made it: a registered rule id (`RULES`), its guideline
section, and the words of the justification, so assemble.py can write one a coder can verify.

Each convention is a registered rule; the stages run in order and follow how a coder works: group the
evidence per code and route it by assertion (negated, family, history, uncertain, hypothetical), resolve to
billable leaves (7th characters, X placeholders, unspecified children), apply the confidence floor, keep
one code among siblings coded from the same words, prefer the most specific supported code, apply the
"stated fact" guards (conventions.GUARDS: long-term use, an encounter for treatment, an abnormal result,
the condition's own words, a status...), require companion codes, apply combination codes ("with"), drop
symptoms integral to a confirmed diagnosis, resolve Excludes1 conflicts, then max_codes.
"""

from __future__ import annotations

import bisect
import os
import re
from collections import defaultdict
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from . import conventions
from .terminology.text import STOP_WORDS, content_stems, fold, tokens
from .types import Assertion, Candidate, CodeOptions, DiscardReason, Understanding

if TYPE_CHECKING:
    from .terminology import Terminology

# A discarded candidate is reported when its confidence shows as at least 1 (of 100): the coder sees
# every code that was weighed, ranked, and the ranking's tail is where a missed code is found.
REPORT_FLOOR = 0.005
# Most discarded entries a response carries (the ones with the highest confidence).
MAX_DISCARDED = 40


# ------------------------------------------------------------------ the rule registry
@dataclass(frozen=True, slots=True)
class Rule:
    """One convention: a stable id, the guideline section behind it, and what it decides."""

    id: str
    guideline: str | None  # e.g. "I.C.21.c.3"; None where no section of the guidelines applies
    outcome: str  # "final", or the discard reason it gives
    decides: str


RULES: dict[str, Rule] = {}


def _rule(id: str, guideline: str | None, outcome: str, decides: str) -> str:
    if id in RULES:
        raise ValueError(f"rule {id} registered twice")
    RULES[id] = Rule(id, guideline, outcome, decides)
    return id


MATCH = _rule("evidence.match", None, "final", "a present mention matches the code's terminology")
NEGATED = _rule("assertion.negated", None, "negated", "the note negates the condition")
HYPOTHETICAL = _rule("assertion.hypothetical", None, "hypothetical",
                     "a possibility in the future, not a current condition")
UNCERTAIN_INPATIENT = _rule("assertion.uncertain_inpatient", "II.H", "final",
                            "an uncertain diagnosis is coded as confirmed in the inpatient setting")
UNCERTAIN_OUTPATIENT = _rule("assertion.uncertain_outpatient", "IV.H", "uncertain",
                             "an uncertain diagnosis is not coded in the outpatient setting")
FAMILY_CODE = _rule("history.family_code", "I.C.21.c.4", "final",
                    "a relative's condition is coded as family history (Z80-Z84); the condition itself is "
                    "discarded family_history")
FAMILY_STATED = _rule("history.family_stated", "I.C.21.c.4", "final", "a family history code named as such")
FAMILY_NO_CODE = _rule("history.family_no_code", "I.C.21.c.4", "family_history",
                       "a relative's condition with no family history code")
CHRONIC = _rule("history.chronic_present", "I.C.21.c.4", "final",
                "a chronic condition, or a cancer still treated, named in the history is still present")
PERSONAL_CODE = _rule("history.personal_code", "I.C.21.c.4", "final",
                      "a past condition is coded as personal history (Z85-Z87, I25.2); the condition itself "
                      "is discarded history_of")
PAST_CODE = _rule("history.code_names_the_past", "I.C.21.c.4", "final",
                  "a code that itself names the past condition (previous cesarean scar, sequelae, old infarction) "
                  "for a mention of the past")
PERSONAL_NO_CODE = _rule("history.no_code", "I.C.21.c.4", "history_of",
                         "a past condition with no specific personal history code")
INDEX_TERM = _rule("specificity.index_term", "I.B.1", "final",
                   "the Alphabetic Index's code for words no title carries (acute blood loss anemia D62)")
IN_REMISSION = _rule("specificity.in_remission", "I.C.5.b.1", "final",
                     "a substance use disorder the note says is in remission is coded in remission")
LATERALITY = _rule("specificity.laterality", "I.B.13", "final",
                   "the side the note states next to the condition picks the code's laterality")
LATERALITY_OTHER = _rule("specificity.laterality_other_side", "I.B.13", "duplicate",
                         "the same condition coded for a side the note does not state next to it")
SEVENTH = _rule("billable.leaf", "I.A.5", "final",
                "a category is reported as the billable leaf the text supports (7th character with X "
                "placeholders, or its unspecified child)")
CATEGORY_SUPERSEDED = _rule("billable.category_superseded", "I.B.2", "superseded_by_more_specific",
                            "a non-billable category yields to a final code below it")
NO_LEAF = _rule("billable.no_leaf", "I.B.2", "not_billable",
                "a category without a billable leaf the text supports")
COMORBIDITY = _rule("confidence.comorbidity_named", "III", "final",
                    "a chronic condition named in full in the history or indications of a structured English "
                    "document is kept however the model doubts it")
FLOOR = _rule("confidence.floor", None, "low_confidence",
              "the model's probability is below the threshold (or the request's min_confidence)")
SAME_WORDS = _rule("specificity.same_words", None, "duplicate",
                   "the same words coded twice in one category: the weaker sibling is dropped")
STATED_SPECIFIC = _rule("specificity.stated_words", "I.B.2", "final",
                        "an unspecified code yields to the sibling whose own words the phrase states")
STATED_WITH = _rule("specificity.stated_with", "I.B.2", "final",
                    "a code 'without X' becomes its sibling 'with X' when the phrase states X")
TOBACCO_PRODUCT = _rule("specificity.tobacco_product", None, "final",
                        "F17.20- (unspecified product) becomes the product the note states the patient uses: "
                        "cigarettes F17.21-, chewing tobacco F17.22-, other (cigars, pipe, vaping) F17.29- "
                        "(Index: Dependence, drug, nicotine)")
TRIMESTER = _rule("obstetric.trimester", "I.C.15.a.3", "final",
                  "an 'unspecified trimester' code takes the trimester of the weeks of gestation the note states")
UNSPECIFIED_COVERED = _rule("specificity.unspecified_covered", "I.B.2", "superseded_by_more_specific",
                            "an unspecified code whose condition a more specific code from the same words names")
SAME_READING = _rule("specificity.same_reading", None, "duplicate",
                     "two codes of different categories read from the same words of one phrase")
MORE_SPECIFIC = _rule("specificity.more_specific", "I.B.2", "superseded_by_more_specific",
                      "an ancestor, or an unspecified sibling, yields to a more specific final code")
SITE_NAMED = _rule("specificity.site_named", "I.A.9.b", "superseded_by_more_specific",
                   "a code for an unspecified site or kind yields to a final code that names it")
COMPANION_EXTERNAL = _rule("companion.external_cause", "I.C.20", "requires_companion_code",
                           "place, activity and status codes (Y92, Y93, Y99) only with an external cause code")
COMPANION_COMPLICATION = _rule("companion.complication", "I.C.19.g", "requires_companion_code",
                               "a procedure as the cause (Y83, Y84) only with the complication coded")
COMBINATION = _rule("combination.with", "I.A.15", "final",
                    "conditions linked by the 'with' convention take their combination code")
COMBINATION_HTN = _rule("combination.hypertension", "I.C.9.a", "final",
                        "hypertension with heart disease or chronic kidney disease takes I11-I13")
COMBINED = _rule("combination.component", "I.A.15", "superseded_by_more_specific",
                 "a part that the combination code replaces")
STATUS_AFTER = _rule("stated.status_after_procedure", "I.C.21.c.3", "final",
                    "a coronary bypass or stent the note says was done before this encounter: Z95.1, Z95.5")
CURRENT_SMOKER = _rule("stated.current_smoker", None, "final",
                      "a patient the note says smokes now: nicotine dependence F17.2- (Index: Smoker)")
IMMUNIZATION = _rule("stated.immunization", "I.C.21.c.2", "final",
                    "a vaccine the note says was given at this encounter: Z23, encounter for immunization")
BMI = _rule("stated.bmi", "I.B.14", "final",
           "the BMI the note states (an adult's), reported with the obesity, overweight, underweight or "
           "malnutrition it accompanies")
WITH_OVER_WITHOUT = _rule("combination.with_over_without", "I.A.15", "superseded_by_more_specific",
                          "a code 'without X' beside a final code of its category 'with X': the note states X")
ADDITIONAL = _rule("combination.additional_code", "I.A.15", "final",
                   "the part a combination does not replace is reported as its additional code")
INTEGRAL = _rule("integral.symptom", "I.B.5", "symptom_integral_to_diagnosis",
                 "a sign or symptom routinely associated with a confirmed diagnosis")
DRUG_ADVERSE = _rule("stated.drug_adverse_effect", "I.C.19.e.5.a", "final",
                     "a drug the note says caused a condition it codes: the adverse-effect code (T36-T50, 5)")
DRUG_UNDERDOSING = _rule("stated.drug_underdosing", "I.C.19.e.5.c", "final",
                         "a drug the note says the patient took less of, with the condition coded: the underdosing "
                         "code (T36-T50, 6), and Z91.120 when cost was the reason")
EXCLUDES1 = _rule("excludes1", "I.A.12.a", "excludes1_conflict",
                  "two codes that cannot be reported together: the better supported one is kept")
MAX_CODES = _rule("output.max_codes", None, "max_codes", "beyond the request's max_codes")
QUALIFIER_PLAIN = _rule("stated.qualifier_plain", None, "final",
                        "a code whose qualifier is not stated is reported as its plain code")
# What a mention's words do when they do not diagnose the patient (Mention.context, set by understand).
RISK = _rule("context.risk_discussed", None, "risk_discussed",
             "a risk or complication discussed or consented to, not a condition of the patient")
COMPLICATION_ABSENT = _rule("context.complication_absent", None, "negated",
                            "a complication that did not happen ('without complications', 'no bleeding')")
RULE_OUT = _rule("context.rule_out", "IV.H", "uncertain",
                 "a condition to rule out or evaluate for is not coded in the outpatient setting")
PROCEDURE_STEP = _rule("context.procedure_step", None, "procedure_narrative",
                       "a step of the procedure narrative, not a finding or diagnosis")
INSTRUCTION = _rule("context.instruction", None, "hypothetical", "an instruction or precaution to the patient")
SCREENING = _rule("context.screening", None, "hypothetical", "a screening question or test, not a finding")
SCREENING_ENCOUNTER = _rule("context.screening_encounter", "I.C.21.c.5", "final",
                            "a screening code (Z11-Z13) for the screening the note names")
OTHER_PERSON = _rule("context.other_person", None, "other_person",
                     "a condition of someone who is not the patient nor a blood relative")
CURRENT_MALIGNANCY = _rule("history.current_malignancy", "I.C.2.d", "current_condition",
                           "a personal history code (Z85) for a malignancy the note finds or treats in this "
                           "encounter: the malignancy is coded instead")
CURRENT_MALIGNANCY_CODED = _rule("history.current_malignancy_coded", "I.C.2.d", "final",
                                 "the malignancy a diagnostic section states in this encounter is coded, however the "
                                 "model weighs it, instead of its personal history code")
CURRENT_CONDITION = _rule("history.current_condition", "I.C.21.c.4", "current_condition",
                          "a personal history code for a condition present in this encounter: the "
                          "condition is coded instead")
DELIVERY_OUTCOME = _rule("obstetric.outcome_of_delivery", "I.C.15.b.5", "final",
                         "the outcome of delivery (Z37) on the maternal record when the note states a delivery")
GESTATION_WEEKS = _rule("obstetric.weeks_of_gestation", "I.C.15", "final",
                        "weeks of gestation (Z3A) when the note states them for the pregnancy")
PREGNANCY_FIRST = _rule("obstetric.chapter_15_first", "I.C.15.a", "superseded_by_more_specific",
                        "a pregnant state or supervision code (Z33.1, Z34) yields to a Chapter 15 (O) code")
ALLERGY_LIST = _rule("context.allergy_list", None, "history_of",
                     "a reaction named in the allergy list is the allergen's past reaction, not this encounter's")
DOCUMENT_TITLE = _rule("document.title", "IV.A", "not_in_diagnostic_statement",
                        "the document's title or the name of the study performed, not a diagnosis")
DIAGNOSTIC_STATEMENT = _rule(
    "section.diagnostic_statement", "IV.A", "not_in_diagnostic_statement",
    "in a clinical document that states its diagnoses (postoperative diagnosis, assessment, impression, "
    "discharge diagnoses), a code found only in its narrative (HPI, exam, plan, allergies, medications, "
    "procedure description) is not reported: the diagnostic statement is what the provider diagnosed",
)
SYMPTOM_WITH_DIAGNOSIS = _rule(
    "integral.symptom_before_diagnosis", "I.B.5", "symptom_integral_to_diagnosis",
    "a sign or symptom named only where the note tells what led to the encounter (indications, HPI, "
    "findings) while its diagnoses or assessment establish a definitive diagnosis",
)
for _g in conventions.GUARDS:
    _rule(_g.rule, _g.guideline, _g.reason, _g.says)
# A custom model's center (vocabulary.py, learned by codify train): its own words, and the assertion classes
# its coders code although the guidelines leave them out. Only a custom model's `center_codes` turns them on.
CENTER_VOCABULARY = _rule("center.vocabulary", None, "final",
                          "a present mention matches a phrase learned from the center's coded notes")
CENTER_CODES = {
    "negated": _rule("center.codes_negated", None, "final",
                     "the center codes negated findings (learned from its coded notes)"),
    "possible": _rule("center.codes_uncertain", None, "final",
                      "the center codes uncertain diagnoses (learned from its coded notes)"),
    "historical": _rule("center.codes_historical", None, "final",
                        "the center codes past conditions as the condition (learned from its coded notes)"),
    "family": _rule("center.codes_family", None, "final",
                    "the center codes a relative's condition as the condition (learned from its coded notes)"),
    "hypothetical": _rule("center.codes_hypothetical", None, "final",
                          "the center codes conditions mentioned as possibilities (learned from its coded notes)"),
}
CENTER_KEEPS = _rule("center.keeps", None, "final",
                     "a code the center codes although a convention of the default coder discards it "
                     "(the convention's id is named; learned from its coded notes)")
# Conventions a center cannot switch off: the probability floor and the request's max_codes.
NOT_OVERRIDABLE = frozenset({"confidence.floor", "output.max_codes"})
_CENTER_WORDS = {"negated": "negated findings", "possible": "uncertain diagnoses", "historical": "past conditions",
                 "family": "relatives' conditions", "hypothetical": "conditions mentioned as possibilities"}


@dataclass(frozen=True, slots=True)
class Decision:
    code: str
    probability: float
    mentions: tuple[int, ...]  # indices into Understanding.mentions: the evidence
    assertion: Assertion
    matched_term: str
    rule: str  # the justification's words: which convention produced or kept this code
    rule_id: str = MATCH  # the registered rule (RULES) that made the decision
    reason: DiscardReason | None = None  # None => final
    superseded_by: str | None = None
    derived_from: str | None = None  # e.g. Z80.3 derived from C50.919

    @property
    def final(self) -> bool:
        return self.reason is None

    @property
    def guideline(self) -> str | None:
        return RULES[self.rule_id].guideline


# ------------------------------------------------------------------ the stages
@dataclass
class _State:
    text: str
    understanding: Understanding
    candidates: list[Candidate]
    terminology: Terminology
    options: CodeOptions
    floor: float
    center_codes: frozenset[str] = frozenset()
    finals: dict[str, Decision] = field(default_factory=dict)
    discarded: list[Decision] = field(default_factory=list)

    def discard(self, d: Decision, reason: DiscardReason, rule_id: str, why: str, by: str | None = None) -> None:
        self.discarded.append(replace(d, reason=reason, rule_id=rule_id, rule=why, superseded_by=by))

    def add_final(self, d: Decision) -> None:
        prior = self.finals.get(d.code)
        if prior is None:
            self.finals[d.code] = d
            return
        merged = tuple(sorted(set(prior.mentions) | set(d.mentions)))
        best = prior if prior.probability >= d.probability else d
        self.finals[d.code] = replace(best, mentions=merged)


STAGES: list[Callable[[_State], None]] = []


def _stage(fn: Callable[[_State], None]) -> Callable[[_State], None]:
    STAGES.append(fn)
    return fn


def apply(
    text: str,
    understanding: Understanding,
    candidates: list[Candidate],
    terminology: Terminology,
    options: CodeOptions,
    threshold: float = 0.5,
    center_codes: frozenset[str] = frozenset(),
    center_keeps: frozenset[str] = frozenset(),
) -> list[Decision]:
    """`center_codes`: the assertion classes a custom model's center codes (CENTER_CODES); `center_keeps`: the
    discarding conventions (rule ids) its coders do not follow, so a code they discard above the floor stays
    final (CENTER_KEEPS). Both empty for the default model, which follows the guidelines."""
    _span_says.cache_clear()  # memo of one note at a time (it holds a reference to the latest note)
    _span_says_current_cancer.cache_clear()
    state = _State(text, understanding, candidates, terminology, options,
                   floor=max(threshold, options.min_confidence / 100), center_codes=center_codes)
    # the cues below are Spanish and English: a Catalan, Galician or Basque note is read through its gloss
    reading = _READER.set(terminology.glosser(understanding.language) or fold)
    try:
        for stage in STAGES:
            if stage is _max_codes and center_keeps:
                _center_keeps(state, center_keeps)
            stage(state)
    finally:
        _READER.reset(reading)
    ranked = sorted(state.finals.values(), key=lambda d: (-d.probability, d.code))
    final_codes = {d.code for d in ranked}
    # `superseded_by` names a code the response reports; one that fell to the floor later is not named.
    discarded = [d if d.superseded_by in final_codes or d.superseded_by is None else replace(d, superseded_by=None)
                 for d in state.discarded]
    return ranked + _dedupe_discarded(discarded, final_codes)


# How the rules read a span of the note (folded): the note's words, or for Catalan, Galician and Basque their
# Spanish gloss (terminology.Terminology.glosser); set per call of apply().
_READER: ContextVar[Callable[[str], str]] = ContextVar("codify_rules_reader", default=fold)


def _read(span: str) -> str:
    return _READER.get()(span)


@_stage
def _by_assertion(s: _State) -> None:
    """1. Group evidence per code and route it by assertion."""
    mentions = s.understanding.mentions
    read: dict[int, str] = {}  # each mention's assertion, read once
    for code, group in _group(s.candidates, s.terminology).items():
        by_assertion: dict[tuple[str, str], list[Candidate]] = {}
        for c in group:
            m = mentions[c.mention]
            if c.mention not in read:
                read[c.mention] = _assertion(s, c.mention)
            by_assertion.setdefault((read[c.mention], _context(m) or ""), []).append(c)
        for (assertion, context), cands in sorted(by_assertion.items()):
            best = max(cands, key=lambda c: (c.probability, c.lexical))
            learned = best.source == "learned"
            d = Decision(
                code=code,
                probability=best.probability,
                mentions=tuple(sorted({c.mention for c in cands})),
                assertion=assertion,  # type: ignore[arg-type]
                matched_term=best.matched_term,
                rule=(f"a phrase of the center's vocabulary, learned from {best.support} of the center's notes"
                      if learned else "mention matches the code's terminology"),
                rule_id=CENTER_VOCABULARY if learned else MATCH,
            )
            chronic = assertion == "historical" and (
                any(_CHRONIC.search(_read(mentions[c.mention].text)) for c in cands)
                or (_malignant(code) and any(_sentence_says_current_cancer(s.text, s.understanding, c.mention)
                                             for c in cands))
            )
            if not (context and _route_context(d, s, context)):
                _route(d, s, chronic)


_READ_AS_UNCERTAIN = re.compile(conventions.READ_AS_UNCERTAIN)
_READ_AS_HYPOTHETICAL = re.compile(conventions.READ_AS_HYPOTHETICAL)
_RELATIVE_DIAGNOSED = re.compile(conventions.RELATIVE_DIAGNOSED)


def _assertion(s: _State, m: int) -> str:
    """A mention's assertion as the rules read it: ConText's, except that in a structured English document a
    finding "consistent with", "compatible with", "suggestive of" or "concerning for" a condition is uncertain
    (Guidelines II.H and IV.H list these words; ConText reads a result "compatible with X" as X, the way the
    Spanish case reports of CodiEsp are coded); one a patient has "risk factors for" or is "evaluated for" is
    hypothetical (conventions.READ_AS_HYPOTHETICAL); and in any English note, what "Father was diagnosed with"
    is the relative's (conventions.RELATIVE_DIAGNOSED)."""
    mention = s.understanding.mentions[m]
    if mention.assertion != "present" or s.understanding.language != "en":
        return mention.assertion
    sentence = s.understanding.sentences[mention.sentence]
    # (the relative opens the clause just before: a bounded window keeps a long sentence linear)
    if "diagnosed" in s.text[max(sentence.start, mention.start - 120):mention.start] and _RELATIVE_DIAGNOSED.search(
            _read(s.text[max(sentence.start, mention.start - 120):mention.start])):
        return "family"
    if getattr(s.understanding, "document_type", "unknown") not in _STRUCTURED_DOCUMENTS:
        return mention.assertion
    before = _read(s.text[max(sentence.start, mention.start - 60):mention.start])
    if _READ_AS_HYPOTHETICAL.search(before):
        return "hypothetical"
    return "possible" if _READ_AS_UNCERTAIN.search(before) else "present"


def _context(mention) -> str | None:
    # Mention.context comes from understand (nondx.py); older Understandings have none.
    return getattr(mention, "context", None)


def _route_context(d: Decision, s: _State, context: str) -> bool:
    """A mention whose words do not diagnose the patient: its precise discard. False: route by assertion."""
    if context == "risk_discussed":
        s.discard(d, "risk_discussed", RISK, "a risk discussed or consented to, not a condition of the patient")
    elif context == "complication_absent":
        s.discard(d, "negated", COMPLICATION_ABSENT, "a complication that did not happen")
    elif context == "procedure_step":
        s.discard(d, "procedure_narrative", PROCEDURE_STEP,
                  "the procedure narrative describes a step, not a finding or diagnosis")
    elif context == "instruction":
        s.discard(d, "hypothetical", INSTRUCTION, "an instruction or precaution, not a current condition")
    elif context == "screening":
        if conventions.has_prefix(d.code, conventions.SCREENING_PREFIXES):
            s.add_final(replace(d, assertion="present", rule_id=SCREENING_ENCOUNTER,
                                rule="the screening the note names is coded as such (Guideline I.C.21.c.5)"))
        else:
            s.discard(d, "hypothetical", SCREENING, "a screening question or test, not a finding")
    elif context == "other_person":
        s.discard(d, "other_person", OTHER_PERSON, "the condition belongs to someone other than the patient")
    elif context == "rule_out" and s.options.setting != "inpatient" and "possible" not in s.center_codes:
        s.discard(d, "uncertain", RULE_OUT, "to be ruled out: not coded in outpatient (Guideline IV.H)")
    else:
        return False
    return True


def _route(d: Decision, s: _State, chronic: bool = False) -> None:
    code, a = d.code, d.assertion
    if a != "present" and a in s.center_codes and not (a == "possible" and s.options.setting == "inpatient"):
        # a custom model's center codes this assertion class: the model's probability (which read the
        # assertion) and the floor decide, as for a present mention
        s.add_final(replace(d, rule_id=CENTER_CODES[a], rule=f"the center codes {_CENTER_WORDS[a]}, "
                            f"as its coded notes show ({CENTER_CODES[a]})"))
        return
    if a == "present":
        s.add_final(d)
    elif a == "negated":
        s.discard(d, "negated", NEGATED, "the note negates it")
    elif a == "hypothetical":
        s.discard(d, "hypothetical", HYPOTHETICAL, "mentioned as a possibility in the future, not a current condition")
    elif a == "possible":
        if s.options.setting == "inpatient":
            s.add_final(replace(d, rule="uncertain diagnosis coded as confirmed in inpatient (Guideline II.H)",
                                rule_id=UNCERTAIN_INPATIENT))
        else:
            s.discard(d, "uncertain", UNCERTAIN_OUTPATIENT,
                      "uncertain diagnoses are not coded in outpatient (Guideline IV.H)")
    elif a == "family":
        target = _mapped(conventions.FAMILY_HISTORY, code, s.terminology)
        if target and not code.startswith("Z8"):
            s.add_final(replace(d, code=target, assertion="family", derived_from=code, rule_id=FAMILY_CODE,
                                rule=f"family history of {code} is coded {target} (Guideline I.C.21.c.4)"))
            s.discard(d, "family_history", FAMILY_CODE, "the condition belongs to a relative", by=target)
        elif code.startswith(("Z80", "Z81", "Z82", "Z83", "Z84")):
            s.add_final(replace(d, rule_id=FAMILY_STATED))
        else:
            s.discard(d, "family_history", FAMILY_NO_CODE, "the condition belongs to a relative")
    elif a == "historical":
        if chronic or (conventions.has_prefix(code, conventions.CHRONIC_PREFIXES)
                       and not conventions.has_prefix(code, conventions.ENDED_HABITS)
                       and not (code.startswith(conventions.LONG_TERM_PREFIXES) and _drug_stopped(s, d))):
            s.add_final(replace(d, assertion="present", rule_id=CHRONIC,
                                rule="chronic condition, or cancer still treated, named in the history is still present"))
            return
        info = s.terminology.get(code)
        if info is not None and _NAMES_THE_PAST.search(info.description):
            s.add_final(replace(d, rule_id=PAST_CODE, rule="the code names the past condition the note states"))
            return
        target = _mapped(conventions.PERSONAL_HISTORY, code, s.terminology)
        if target:
            s.add_final(replace(d, code=target, derived_from=code, rule_id=PERSONAL_CODE,
                                rule=f"past {code} is coded as personal history {target} (Guideline I.C.21.c.4)"))
            s.discard(d, "history_of", PERSONAL_CODE, "a past condition, coded as personal history instead", by=target)
        else:
            s.discard(d, "history_of", PERSONAL_NO_CODE, "a past condition with no active treatment")


@_stage
def _billable(s: _State) -> None:
    """2. Billable leaves: 7th characters with X placeholders, unspecified children."""
    finals, terminology = s.finals, s.terminology
    encounter = _encounter_character(s.text)
    for code, d in list(finals.items()):
        if terminology.is_billable(code):
            continue
        del finals[code]
        specific = [c for c in finals
                    if c != code and finals[c].probability >= s.floor and code in terminology.ancestors(c)]
        if specific:
            s.discard(d, "superseded_by_more_specific", CATEGORY_SUPERSEDED, "a more specific code is supported",
                      by=specific[0])
            continue
        leaf, how = _billable_leaf(code, terminology, encounter)
        if leaf is None:
            s.discard(d, "not_billable", NO_LEAF, "category without a billable leaf the text supports")
        else:
            s.add_final(replace(d, code=leaf, rule=how, rule_id=SEVENTH, derived_from=code))


# The confidence of a chronic condition kept by _comorbidity_named: the model, trained on synthetic notes
# whose history of present illness holds only symptoms, doubts comorbidities stated there ("66-year-old man
# with HTN, DM2 on metformin") that coders report (Guideline III); a name matched in full is evidence enough,
# at a confidence that ranks it below what the model believes.
COMORBIDITY_NAMED = 0.5
COMORBIDITY_LEXICAL = 0.75
COMORBIDITY_LEXICAL_MALIGNANT = 0.9  # a cancer named in full: its site and kind


def _comorbidities_named(s: _State) -> frozenset[str]:
    """Chronic conditions (conventions.CHRONIC_PREFIXES, not the Z codes nor an "Other ..." code, which names
    what the category's named codes leave over) and current malignancies an English structured document names
    (a candidate covering its phrase at lexical >= COMORBIDITY_LEXICAL: "DM2 on metformin", "66-year-old man
    with HTN") in a present mention of its history of present illness, indications, history or diagnostic
    sections: one code per phrase and category (the best named, then the model's choice), none where the model
    already believes a code of that category, and none whose own words the phrase lacks (REQUIRED_WORDS: "in
    remission")."""
    if s.understanding.language != "en" or getattr(s.understanding, "document_type", "unknown") \
            not in _STRUCTURED_DOCUMENTS or COMORBIDITY_NAMED < s.floor:
        return frozenset()
    mentions = s.understanding.mentions
    believed = {c[:3] for c, d in s.finals.items() if d.probability >= s.floor}
    if any(c[:1] == "O" for c in believed):
        return frozenset()  # in pregnancy a chronic condition is coded in Chapter 15 (I.C.15.a)
    # a phrase the model already codes otherwise ("gestational diabetes" O24.4-) is not read again
    coded = {c.mention for c in s.candidates if c.code in s.finals and c.code[:1] not in "TZ"
             and s.finals[c.code].probability >= s.floor}
    best: dict[tuple[int, str], Candidate] = {}
    for c in s.candidates:
        m = mentions[c.mention]
        malignant = _malignant(c.code) and not c.code.startswith(("C76", "C79.9", "C80"))  # (a site named)
        if (c.code not in s.finals or c.lexical < COMORBIDITY_LEXICAL or c.code[:1] == "Z" or c.code[:3] in believed
                or c.mention in coded or (malignant and c.lexical < COMORBIDITY_LEXICAL_MALIGNANT)
                or not (conventions.has_prefix(c.code, conventions.CHRONIC_PREFIXES) or malignant)
                or _is_residual(c.code, s.terminology)
                # present as routed: "history of HTN" is chronic (a cancer in a history is 2a''s to judge)
                or s.finals[c.code].assertion != "present"
                or m.assertion not in (("present",) if malignant else ("present", "historical"))
                or _PREGNANCY.search(_read(m.text))
                or _context(m) is not None or m.section_kind not in ("hpi", "diagnostic", "history")):
            continue
        required = conventions.lookup_prefix(_REQUIRED_WORDS, c.code)
        if required and not _names_condition(required, m.text):
            continue
        key = (c.mention, c.code[:3])
        if key not in best or (c.lexical, c.probability, c.code) > (best[key].lexical, best[key].probability,
                                                                      best[key].code):
            best[key] = c
    return frozenset(c.code for c in best.values())


@_stage
def _comorbidity_named(s: _State) -> None:
    """2'. Chronic conditions and current malignancies named in full in a structured English document's history
    or indications (_comorbidities_named) are believed at COMORBIDITY_NAMED however the model doubts them,
    before the laterality and specificity stages refine them ("bilateral knee osteoarthritis": M17.0)."""
    for code in sorted(_comorbidities_named(s)):
        if s.finals[code].probability < COMORBIDITY_NAMED:
            s.finals[code] = replace(s.finals[code], probability=COMORBIDITY_NAMED, rule_id=COMORBIDITY,
                                     rule="a chronic condition the note names in so many words, coexisting with "
                                          "the reason for the encounter (Guideline III)")


@_stage
def _current_malignancy_stated(s: _State) -> None:
    """2a'. A personal history of malignancy (Z85) whose malignancy a diagnostic section states in this
    encounter: the malignancy is coded, however the model weighs it (the history code then yields to it, 3b),
    before the laterality and specificity stages refine it."""
    for code in sorted(s.finals):
        if not code.startswith("Z85") or code == "Z85.9":
            continue
        if any(o.assertion == "present" and o.probability >= s.floor and _malignant(c)
               and _mapped(conventions.PERSONAL_HISTORY, c, s.terminology) == code for c, o in s.finals.items()):
            continue
        stated = _stated_malignancy(s, code)
        if stated is not None:
            s.add_final(stated)


_INDEX_TERMS = tuple((prefixes, re.compile(pattern), code) for prefixes, pattern, code in conventions.INDEX_TERMS)


@_stage
def _index_terms(s: _State) -> None:
    """2a''. The Alphabetic Index's words that no title carries (conventions.INDEX_TERMS): "acute blood loss
    anemia" is D62, "nuclear sclerotic cataract" H25.1-, whatever generic code the model proposed for the
    phrase (D64.9, H26.9), which is reported as superseded. English notes; before the laterality stage, which
    then reads the side ("... cataract, right eye": H25.11)."""
    if s.understanding.language != "en":
        return
    for prefixes, pattern, target in _INDEX_TERMS:
        for code in sorted(c for c in s.finals if c.startswith(prefixes)):
            d = s.finals[code]
            if target not in s.terminology or not any(pattern.search(_read(t)) for t in _mention_texts(s, d)):
                continue
            _supersede(s, d, target, INDEX_TERM, f"the Index codes the phrase {target}",
                       f"the Alphabetic Index codes the phrase's words {target}, not {code}")


def _supersede(s: _State, d: Decision, target: str, rule_id: str, discarded: str, kept: str) -> None:
    """The final `d` becomes `target` (by rule `rule_id`, justified `kept`); `d` is reported superseded by it."""
    del s.finals[d.code]
    s.discard(d, "superseded_by_more_specific", MORE_SPECIFIC, discarded, by=target)
    s.add_final(replace(d, code=target, derived_from=d.code, rule_id=rule_id, rule=kept))


# F10-F19 abuse, dependence and use codes whose last character 0 becomes 1 "in remission" (F10.20 -> F10.21,
# F10.10 -> F10.11, F17.210 -> F17.211)
_REMISSION_CODE = re.compile(r"^F1[0-9]\.(?:[129]0|2[0-9]0)$")
_REMISSION = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in conventions.REMISSION_CUES) + r")\b", re.IGNORECASE)


@_stage
def _in_remission(s: _State) -> None:
    """2a'''. A substance use disorder in remission (Guideline I.C.5.b.1: on the provider's documentation): the
    mention's sentence says so ("alcohol use disorder in sustained remission", "sober for 2 years",
    "stopped drinking 14 months ago"), so F10.20 becomes F10.21; the code without it is reported superseded."""
    for code in sorted(c for c in s.finals if _REMISSION_CODE.match(c)):
        d = s.finals[code]
        target = code[:-1] + "1"
        # the cue in the code's own sentence, or in the sentence of the remission code also proposed
        said = [*d.mentions, *(s.finals[target].mentions if target in s.finals else ())]
        if target not in s.terminology or not any(_sentence_says(_REMISSION, s.text, s.understanding, m) for m in said):
            continue
        _supersede(s, d, target, IN_REMISSION, f"the note says it is in remission: {target}",
                   f"the note says the disorder is in remission: {target}, not {code}")


@_stage
def _laterality(s: _State) -> None:
    """2b. Laterality (I.B.13): a condition whose codes differ only by side is coded once, on the side the
    note states next to it ("right carpal tunnel syndrome" is G56.01, "nuclear sclerosis OD" H25.11),
    whichever side the model preferred; with no side stated next to it, the unspecified-side code. The
    model's belief in the condition is the best of its sides'."""
    done: set[str] = set()
    for code in sorted(s.finals):
        if code in done or code not in s.finals:
            continue
        family = _laterality_family(code, s.terminology)
        if family is None:
            _sided_sibling(s, code)
            continue
        members = sorted({c for c in family[1].values() if c in s.finals},
                         key=lambda c: (-s.finals[c].probability, c))
        done.update(members)
        best = s.finals[members[0]]
        mentions = tuple(sorted({m for c in members for m in s.finals[c].mentions}))
        eye = code.startswith(("H0", "H1", "H2", "H3", "H4", "H5"))
        # the side of the evidence the model believes most, else of all the family's evidence
        stated = _stated_side(s, best, eye) or _stated_side(s, replace(best, mentions=mentions), eye)
        if stated == "ambiguous":
            target = members[0]
            said = "the note names both sides near it; the model's choice is kept"
        else:
            target = family[1].get(stated or "unspecified", members[0])
            said = f"the note states the {stated} side" if stated else "the note states no side next to it"
        if target == members[0] and len(members) == 1:
            continue
        for c in members:
            d = s.finals.pop(c)
            if c != target:
                s.discard(d, "duplicate", LATERALITY_OTHER, f"the same condition coded {target}: {said}", by=target)
        kept = replace(best, code=target, mentions=mentions)
        if target != best.code:
            kept = replace(kept, derived_from=best.code, rule_id=LATERALITY, rule=f"{said}: {target}, not {best.code}")
        s.add_final(kept)


@_stage
def _stated_specific(s: _State) -> None:
    """2c. The most specific code the words support (I.B.2): an unspecified code whose phrase states the
    words that set a sibling apart ("CKD stage 2": N18.2, not N18.9; "partial small bowel obstruction":
    K56.600, not K56.609) becomes that sibling. A sibling's own words are those of its description that its
    category's description lacks, nonessential modifiers and "unspecified as to ..." left out.
    The phrase includes the site a diagnostic statement adds after it ("Basal cell carcinoma, left nasal ala":
    C44.311, not C44.91), read in the words the titles use ("nasal" is the nose, "L4-L5" the lumbar region);
    where the site's code is in another category ("Primary osteoarthritis, right knee": M17, not M19.91), a
    code the terminology proposed for the same phrase whose title adds only stated words is taken."""
    coded: dict[int, list[int]] | None = None  # once per note, for a note with an unspecified code to read
    by_mention: dict[int, list[str]] = defaultdict(list)
    for code in sorted(s.finals):
        d = s.finals.get(code)
        # a code below the floor stays below it as its sibling (add_final keeps the better belief)
        if d is None or d.probability < s.floor or not _is_unspecified(code, s.terminology):
            continue
        said = frozenset(w for t in _mention_texts(s, d) for w in content_stems(t))
        if code.startswith("F17.2"):  # the product is _tobacco_product's to read ("electronic cigarettes")
            best = _stated_sibling(code, s.terminology, said)
        else:
            if coded is None:
                coded = _coded_mentions(s)
                for c in s.candidates:
                    by_mention[c.mention].append(c.code)
            each = [_site_said(s, m, coded) for m in d.mentions]
            # ("region" goes without saying: "L4-L5" states M43.16 "Spondylolisthesis, lumbar region")
            best = (_stated_sibling(code, s.terminology, said.union(*each) | _GENERIC_SITE_STEMS)
                    or _stated_elsewhere(s, code, sorted({c for m in d.mentions for c in by_mention[m]}), each))
        if best is None:
            continue
        del s.finals[code]  # (a sibling already proposed takes the better of the two beliefs: add_final)
        # the unspecified code is reported as discarded for the specific one: the coder sees both, and a
        # center whose coders report the two (CodiEsp's do) keeps it (CENTER_KEEPS)
        s.discard(d, "superseded_by_more_specific", MORE_SPECIFIC,
                  f"the phrase states what sets {best} apart: {best} is more specific", by=best)
        s.add_final(replace(d, code=best, derived_from=code, rule_id=STATED_SPECIFIC,
                            rule=f"the phrase states what sets {best} apart: {best} rather than {code}"))
        if best in s.finals and _laterality_family(best, s.terminology) is None:
            _sided_sibling(s, best)  # "osteoarthritis, right knee": M17.9 -> M17.11 (the laterality stage ran)


# A diagnostic statement's site after its condition: up to the end of the clause, the next condition or this
# many characters ("Degenerative spondylolisthesis, grade 1, L4-L5", "..., upper outer quadrant, stage IA").
_SITE_TAIL = 60
_SIDE_STEMS = frozenset(w for words in conventions.SIDE_WORDS.values() for x in words for w in content_stems(x))
_GENERIC_SITE_STEMS = frozenset(content_stems("region site part"))  # "lumbar region": the region is "lumbar"
_UNSPECIFIED_STEMS = frozenset(content_stems("unspecified"))
# (a negation ends it too: "COPD, not in exacerbation" states no exacerbation)
_TAIL_END = re.compile(r"[;:.(\n]|\b(?:and|with|without|or|due to|secondary to|not|no|non|negative|never|denies|"
                       r"y|con|sin|por|niega)\b")
# Spinal levels name the region the titles use (M43.16 "Spondylolisthesis, lumbar region"): "L4-L5",
# "L5-S1", "C5-6", "T12-L1"; a level range that crosses two regions is the junction's.
_LEVEL = re.compile(r"\b([CTLS])(\d{1,2})(?:\s*(?:-|to|/)\s*([CTLS])?(\d{1,2}))?\b")
_REGION = {"C": "cervical", "T": "thoracic", "L": "lumbar", "S": "sacral"}
_JUNCTION = {("C", "T"): "cervicothoracic", ("T", "L"): "thoracolumbar", ("L", "S"): "lumbosacral",
             ("S", "C"): "sacrococcygeal"}  # fmt: skip


def _coded_mentions(s: _State) -> dict[int, list[int]]:
    """Sentence -> the start offsets of its mentions coded above the floor, in order."""
    out: dict[int, list[int]] = defaultdict(list)
    mentions = s.understanding.mentions
    for m in sorted({m for f in s.finals.values() if f.probability >= s.floor for m in f.mentions}):
        out[mentions[m].sentence].append(mentions[m].start)
    return out


def _site_said(s: _State, m: int, coded: dict[int, list[int]]) -> frozenset[str]:
    """The words of one mention of a code with its site: what its diagnostic statement adds after the phrase
    (up to the clause's end or the next mention coded otherwise), its spinal levels as regions, and the words
    the titles use for them (the terminology's word variants: "nasal" -> "nose", "renal" -> "kidney")."""
    mentions = s.understanding.mentions
    out: set[str] = set()
    variants = s.terminology.index.variants.get(s.understanding.language, {})
    mention = mentions[m]
    sentence = s.understanding.sentences[mention.sentence]
    # (a mention is any phrase between commas: the tail stops at the next one coded, this code's other
    # mentions included: "gonalgia, lumbalgia" are two statements)
    starts = coded.get(mention.sentence, [])
    after = bisect.bisect_right(starts, mention.start)  # the next coded mention after this one
    end = min(sentence.end, mention.end + _SITE_TAIL, starts[after] if after < len(starts) else sentence.end)
    pieces = []
    for piece in s.text[mention.end:end].split(","):
        cut = _TAIL_END.search(piece)
        if cut is None:
            pieces.append(piece)
            continue
        if cut.group(0) in ";:.(\n":
            pieces.append(piece[: cut.start()])
        break  # a piece that negates or joins another condition is not this one's site
    tail = ",".join(pieces)
    words = content_stems(_read(tail))
    for level in _LEVEL.finditer(mention.text + " " + tail):
        a, b = level.group(1), level.group(3) or level.group(1)
        if level.group(4) is None and a in "TS":
            continue  # a lone T or S number is as often a test ("free T4", "S1 S2", "T2-weighted") as a level
        words += content_stems(_REGION[a] if a == b else _JUNCTION.get((a, b), _REGION[a]))
    for w in {*words, *content_stems(_read(mention.text))}:
        out.add(w)
        out.update(str(v[0]) for v in variants.get(w, ()))
    return frozenset(out | _regions(out)) if s.understanding.language == "en" else frozenset(out)


_SITE_REGIONS = {stem: frozenset(w for r in regions for w in content_stems(r))
                 for stem, regions in conventions.SITE_REGIONS.items()}


def _regions(stems: frozenset[str] | set[str]) -> frozenset[str]:
    """The region words the titles use for the sites among `stems` (conventions.SITE_REGIONS)."""
    return frozenset(w for stem in stems for w in _SITE_REGIONS.get(stem, ()))


def _stated_elsewhere(s: _State, code: str, proposed: list[str], each: list[frozenset[str]]) -> str | None:
    """A billable code the terminology proposed for the same phrases (`proposed`), in another category, whose
    title adds to the unspecified code's only words that every mention of it states (`each`: _site_said per mention;
    sides and the Index's defaults aside: the laterality stage reads the side); the one that adds most, None
    when none or a tie. (Every mention: R52 for "gonalgia" and "lumbalgia" is not low back pain.)"""
    base = _own_stems(_included(s.terminology.description(code) or ""))
    free = _SIDED_DEFAULT_STEMS | _SIDE_STEMS | _GENERIC_SITE_STEMS
    found: dict[str, int] = {}
    for other in proposed:
        if other[:3] == code[:3] or not s.terminology.is_billable(other):
            continue
        title = _included(s.terminology.description(other) or "")
        stems = _own_stems(_UNSPECIFIED.sub(" ", title))
        own = [w for w in stems - base if w not in free]
        # the condition's own words stay (all but the Index's defaults): a site's code, not another condition's
        kept = all(_stem_said(w, stems) for w in base - free - _UNSPECIFIED_STEMS)
        if own and kept and all(_stem_said(w, said) for said in each for w in own):
            found[other] = len(own)
    ranked = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))
    if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


# The tobacco product a sentence says the patient uses (English and Spanish; other languages through the gloss).
_TOBACCO_PRODUCTS = (
    ("1", re.compile(r"\bcigarettes?\b|\bpacks?\b|\bppd\b|\bpack[- ]years?\b|\bcigarrill|\bpaquetes?\b|"
                     r"\bpaquetes[- ]ano\b")),
    ("2", re.compile(r"\bchew(?:s|ing)?\b|\bsnuff\b|\bdip(?:s|ping)?\b|\bmascad")),
    ("9", re.compile(r"\bcigars?\b|\bpipes?\b|\bvap(?:e|es|ing|er)\b|\be-?cig|\belectronic cigarettes?\b|"
                     r"\bpuros?\b|\bpipas?\b|\bvapea")),
)
_NOT_THE_PATIENT = re.compile(r"\b(?:father|mother|brother|sister|husband|wife|spouse|partner|parents?|"
                              r"padre|madre|hermano|hermana|pareja|esposo|esposa)\b|\bquit\b|\bformer\b|"
                              r"\bnever\b|\bdenies\b|\bexfumador|\bniega\b")


@_stage
def _tobacco_product(s: _State) -> None:
    """2c'. Nicotine dependence, unspecified product (F17.20-), with the product the note says the patient
    uses in a sentence of its own ("Smokes 1 pack per day": F17.210): one product only; a sentence about
    someone else, a former habit or a denial says nothing."""
    for code in sorted(s.finals):
        if not code.startswith("F17.20") or len(code) != 7:
            continue
        products = set()
        for sentence in s.understanding.sentences:
            if sentence.kind == "family":
                continue
            said = _read(s.text[sentence.start:sentence.end])
            if _NOT_THE_PATIENT.search(said):
                continue
            # "electronic cigarettes" and "cigars" are other products, not cigarettes
            products |= {k for k, rx in _TOBACCO_PRODUCTS if rx.search(said)
                         and not (k == "1" and _TOBACCO_PRODUCTS[2][1].search(said) and not
                                  re.search(r"\bpacks?\b|\bppd\b", said))}
        if len(products) != 1:
            continue
        product = code[:5] + products.pop() + code[6:]
        if product not in s.terminology or product == code:
            continue
        d = s.finals.pop(code)
        s.discard(d, "superseded_by_more_specific", MORE_SPECIFIC, f"the note states the product: {product}",
                  by=product)
        s.add_final(replace(d, code=product, derived_from=code, rule_id=TOBACCO_PRODUCT,
                            rule=f"the note states the product: {product} rather than {code}"))


@_stage
def _stated_with(s: _State) -> None:
    """2d. "Benign prostatic hyperplasia with lower urinary tract symptoms" is N40.1, whatever the model
    preferred between it and N40.0 "... without lower urinary tract symptoms": a code "without X" whose
    phrase states X (not negated: "non-bleeding") becomes its sibling "with X"."""
    for code in sorted(s.finals):
        d = s.finals.get(code)
        description = (s.terminology.description(code) or "").lower()
        without = _WITHOUT.search(description) if d is not None else None
        if d is None or without is None:
            continue
        stated = without.group(1)
        texts = [_read(t) for t in _mention_texts(s, d)]
        said = frozenset(w for t in texts for w in content_stems(t))
        sibling = None
        if all(_stem_said(w, said) for w in content_stems(stated)) and not any(
                re.search(rf"\b(?:without|no|non|not|sin)\b[\s-]*(?:\w+\s+){{0,2}}{re.escape(fold(stated).split()[0])}", t)
                for t in texts):
            target = description.replace(f"without {stated}", f"with {stated}", 1)
            info = s.terminology.get(code)
            parent = s.terminology.get(info.parent) if info and info.parent else None
            sibling = next((c for c in (parent.children if parent else ())
                            if (s.terminology.description(c) or "").lower() == target), None)
        if sibling is None and s.understanding.language == "en":
            # the condition said in the note's words ("bleeding" for hemorrhage, "stable angina" for angina
            # pectoris), and a "with" code of the category whose title is not the parallel one (K27.9 -> K27.4)
            # (a sibling the candidates also proposed takes this decision's weight: add_final merges them)
            groups = _stated_groups(description, texts)
            sibling = _with_sibling(s, code, groups, texts) if groups else None
        if sibling is None:
            continue
        del s.finals[code]
        s.add_final(replace(d, code=sibling, derived_from=code, rule_id=STATED_WITH,
                            rule=f"the phrase states {stated}: {sibling} rather than {code}"))


_WITH_ONLY_WHEN_SAID = {x: re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b")
                        for x, words in conventions.WITH_ONLY_WHEN_SAID.items()}


@_stage
def _unstated_with(s: _State) -> None:
    """2d'. The reverse of 2d for the qualifiers whose absence is the Index's default
    (conventions.WITH_ONLY_WHEN_SAID): "Laceration of left forearm" is S51.812A "... without foreign body ...",
    whatever the model preferred, unless the phrase names the foreign body. English notes."""
    if s.understanding.language != "en":
        return
    for code in sorted(s.finals):
        d = s.finals[code]
        description = (s.terminology.description(code) or "").lower()
        for qualifier, words in _WITH_ONLY_WHEN_SAID.items():
            if f"with {qualifier}" not in description or f"without {qualifier}" in description \
                    or any(words.search(_read(t)) for t in _mention_texts(s, d)):
                continue
            target = description.replace(f"with {qualifier}", f"without {qualifier}", 1)
            sibling = next((c for c in s.terminology.descendants(code[:3])
                            if (s.terminology.description(c) or "").lower() == target), None)
            if sibling is not None and sibling not in s.finals:
                del s.finals[code]
                s.discard(d, "superseded_by_more_specific", STATED_WITH, f"no {qualifier} is named: {sibling}",
                          by=sibling)
                s.add_final(replace(d, code=sibling, derived_from=code, rule_id=STATED_WITH,
                                    rule=f"no {qualifier} is named: {sibling} rather than {code}"))
            break


_TRIMESTER_WEEKS = re.compile(r"\b(\d{1,2})(?:\s*(?:\+|and)?\s*\d/7)?\s*(?:weeks?|wks?|semanas?)\b"
                              r"(?:\s*(?:and\s*)?\d\s*days?)?(?:\s*(?:of\s*)?(?:gestation|ega|ga|pregnant|de gestaci))?")


@_stage
def _trimester(s: _State) -> None:
    """2e. Trimester (I.C.15.a.3): an obstetric code for an "unspecified trimester" takes the trimester of
    the weeks the note states (under 14 weeks first, 14 to 27 second, 28 and over third)."""
    weeks = _gestation_weeks(s.text)
    if weeks is None:
        return
    trimester = "first" if weeks < 14 else "second" if weeks < 28 else "third"
    for code in sorted(s.finals):
        description = (s.terminology.description(code) or "")
        if not code.startswith("O") or "unspecified trimester" not in description:
            continue
        target = description.replace("unspecified trimester", f"{trimester} trimester")
        info = s.terminology.get(code)
        parent = s.terminology.get(info.parent) if info and info.parent else None
        sibling = next((c for c in (parent.children if parent else ())
                        if s.terminology.description(c) == target), None)
        if sibling is None:
            continue
        s.add_final(replace(s.finals.pop(code), code=sibling, derived_from=code, rule_id=TRIMESTER,
                            rule=f"{weeks} weeks of gestation: {trimester} trimester ({sibling})"))


def _gestation_weeks(text: str) -> int | None:
    """The weeks of gestation a pregnant patient's note states (the first mention of weeks in a sentence
    that speaks of pregnancy or gestation), None when it states none."""
    folded = _read(text)
    if _PREGNANCY.search(folded) is None:
        return None
    for m in _WEEKS.finditer(folded):
        window = folded[max(0, m.start() - 80):m.end() + 40]
        if _PREGNANCY.search(window) or re.search(r"\b(?:g\d|gestation|ega|iup|pregnan|embaraz|gestac)", window):
            weeks = int(m.group(1))
            if 4 <= weeks <= 44:
                return weeks
    return None


@_stage
def _confidence_floor(s: _State) -> None:
    """3. The confidence floor comes before the conventions that weigh codes against each other: a code
    the model does not believe must not supersede, combine with or exclude one it does."""
    for code in sorted(s.finals):
        if s.finals[code].probability < s.floor:
            s.discard(s.finals.pop(code), "low_confidence", FLOOR, f"confidence below {round(s.floor * 100)}")


# Section kinds (understand/document.py) whose words are the provider's diagnostic statement, or the
# history and family history a coder also reads for chronic conditions and Z80-Z87 codes.
_STATEMENT_KINDS = frozenset({"diagnostic", "history", "family"})
# Document types written around a diagnostic statement (not case reports, whose narrative is the diagnosis).
_STRUCTURED_DOCUMENTS = frozenset({"operative_report", "procedure_note", "consult", "history_and_physical",
                                   "progress_note", "discharge_summary", "imaging_report", "ed_note"})


def _kinds(s: _State, d: Decision) -> set[str]:
    return {getattr(s.understanding.mentions[m], "section_kind", "body") for m in d.mentions}


def _exempt_from_statement(code: str, kinds: set[str]) -> bool:
    # Pregnancy (I.C.15: every condition of a pregnant patient is an O code, with weeks and outcome),
    # long-term drug use read from the medication list (I.C.21.c.3), and history/status codes.
    if code.startswith(("O", "Z3A", "Z37", "Z85", "Z86", "Z87", "Z80", "Z81", "Z82", "Z83", "Z84")):
        return True
    return code.startswith("Z79") and "medications" in kinds


@_stage
def _document_title(s: _State) -> None:
    """3'. The words of a document's title ("PULMONARY CONSULTATION", "INFECTIOUS DISEASE CLINIC - FOLLOW
    UP") name a service, and an imaging report's EXAM/TECHNIQUE/COMPARISON lines name the study performed
    ("CTA CHEST (PULMONARY EMBOLISM PROTOCOL)"): neither is a diagnosis (Guideline IV.A)."""
    title_end = _title_end(s.text)
    imaging = getattr(s.understanding, "document_type", "unknown") == "imaging_report"
    for code in sorted(s.finals):
        d = s.finals[code]
        where = [("title" if s.understanding.mentions[m].end <= title_end
                  else "study" if imaging and _names_the_study(s, m) else None) for m in d.mentions]
        if all(where):
            s.discard(s.finals.pop(code), "not_in_diagnostic_statement", DOCUMENT_TITLE,
                      "named only in the document's title" if "title" in where
                      else "named only in the study performed, not in its findings or impression")
        elif any(where):
            # the title or study line is no evidence of it: the code stands on its other mentions, whose own
            # words the guards (4c-d) then weigh ("PULMONARY EMBOLISM PROTOCOL" beside "pulmonary arteries")
            s.finals[code] = replace(d, mentions=tuple(m for m, w in zip(d.mentions, where) if not w))


@_stage
def _allergy_list(s: _State) -> None:
    """3''. A reaction named in the allergy list of a note that is not a case report ("ALLERGIES: Penicillin (rash), peanuts
    (anaphylaxis)") is the allergen's past reaction, not a condition of this encounter: a code named only there is
    discarded (its allergy status, Z88/Z91.0, is coded as such)."""
    if getattr(s.understanding, "document_type", "unknown") == "case_report":
        return  # (a case report's annotators code what its narrative names: CodiEsp's convention)
    sentences, mentions = s.understanding.sentences, s.understanding.mentions
    for code in sorted(s.finals):
        d = s.finals[code]
        if not code.startswith(("Z88", "Z91.0")) and d.mentions and all(
                sentences[mentions[m].sentence].section == "allergies" for m in d.mentions):
            s.discard(s.finals.pop(code), "history_of", ALLERGY_LIST,
                      "a reaction named in the allergy list, not a condition of this encounter")


_TITLE_LINE = re.compile(r"[^\n,]{3,100}")
_STUDY_SECTIONS = frozenset({"exam", "examination", "technique", "comparison", "procedure"})


def _title_end(text: str) -> int:
    """The end of the note's title: its first line (or, in a flattened export, its text before the first
    comma) when it is upper case, has no colon (a section header) and at most 12 words; else 0."""
    start = len(text) - len(text.lstrip())
    line = _TITLE_LINE.match(text, start)
    if line is None:
        return 0
    words = line.group(0).split()
    letters = [ch for ch in line.group(0) if ch.isalpha()]
    if ":" in line.group(0) or not words or len(words) > 12 or len(letters) < 3 or not all(ch.isupper() for ch in letters):
        return 0
    return line.end()


def _names_the_study(s: _State, m: int) -> bool:
    mention = s.understanding.mentions[m]
    return s.understanding.sentences[mention.sentence].section in _STUDY_SECTIONS


@_stage
def _diagnostic_statement(s: _State) -> None:
    """3a. Where a structured document states its diagnoses and a code was found there, codes found only in
    the narrative sections are not reported (Guideline IV.A: code the conditions the provider documents as
    diagnoses; the HPI, exam and plan name symptoms, tests and conditions that led there)."""
    if getattr(s.understanding, "document_type", "unknown") not in _STRUCTURED_DOCUMENTS:
        return
    if not any("diagnostic" in _kinds(s, d) for d in s.finals.values()):
        return
    for code in sorted(s.finals):
        d = s.finals[code]
        kinds = _kinds(s, d)
        if kinds & _STATEMENT_KINDS or _exempt_from_statement(code, kinds):
            continue
        s.discard(s.finals.pop(code), "not_in_diagnostic_statement", DIAGNOSTIC_STATEMENT,
                  f"named only in the {', '.join(sorted(kinds))} section(s), not in the note's diagnoses")


# Sections where the provider states the diagnoses established (a symptom listed there stays coded).
_CORE_DIAGNOSES = frozenset({"diagnoses", "assessment"})
# Signs and symptoms outside Chapter 18 that are coded like them: joint, limb and back pain.
_SYMPTOM_PREFIXES = ("R", "M25.5", "M79.6", "M54.5", "M54.9")


def _sections(s: _State, d: Decision) -> set[str]:
    mentions, sentences = s.understanding.mentions, s.understanding.sentences
    return {sentences[mentions[m].sentence].section for m in d.mentions}


@_stage
def _symptoms_before_diagnosis(s: _State) -> None:
    """3a'. Codes for signs and symptoms are reported when no related definitive diagnosis is established
    (Guidelines I.B.4-5, IV.D): in a structured document whose diagnoses or assessment state a definitive
    diagnosis, a symptom named only in the indications, HPI or findings is what led to it."""
    if getattr(s.understanding, "document_type", "unknown") not in _STRUCTURED_DOCUMENTS:
        return
    definitive = sorted(c for c, d in s.finals.items()
                        if not c.startswith(_SYMPTOM_PREFIXES) and not c.startswith("Z")
                        and _sections(s, d) & _CORE_DIAGNOSES)  # fmt: skip
    if not definitive:
        return
    for code in sorted(s.finals):
        d = s.finals[code]
        if code.startswith(_SYMPTOM_PREFIXES) and not _sections(s, d) & _CORE_DIAGNOSES:
            s.discard(s.finals.pop(code), "symptom_integral_to_diagnosis", SYMPTOM_WITH_DIAGNOSIS,
                      f"a symptom that led to the encounter; the note's diagnoses establish "
                      f"{', '.join(definitive[:3])}")


@_stage
def _history_or_current(s: _State) -> None:
    """3b. A history code only for a condition no longer present: when the note also finds or treats the
    condition in this encounter ("History of bladder cancer ... TURBT ... Postoperative diagnosis: bladder
    cancer"), the current code is final and the history code is dropped."""
    finals = s.finals
    for code in sorted(finals):
        d = finals.get(code)
        if d is None or not _history_code(code):
            continue
        past = d.derived_from if d.rule_id == PERSONAL_CODE else None
        current = [c for c, o in finals.items()
                   if o.assertion == "present" and not _history_code(c)
                   and ((past is not None and c[:3] == past[:3])
                        or (code != "Z85.9" and _mapped(conventions.PERSONAL_HISTORY, c, s.terminology) == code))]
        if current:
            best = max(current, key=lambda c: (_diagnostic(s, finals[c]), finals[c].probability, c))
            rule_id = CURRENT_MALIGNANCY if code.startswith("Z85") else CURRENT_CONDITION
            s.discard(finals.pop(code), "current_condition", rule_id,
                      f"the note finds or treats {best} in this encounter: a history code only for a condition "
                      f"no longer present (Guideline {RULES[rule_id].guideline})", by=best)


def _stated_malignancy(s: _State, history: str) -> Decision | None:
    """The malignancy of a personal history code's site that a present (or currently treated) mention of a
    diagnostic section names well ("POSTOPERATIVE DIAGNOSIS: recurrent urothelial carcinoma of the bladder" for Z85.51), as specific as
    its phrase says; None when no diagnosis names it."""
    mentions = s.understanding.mentions
    # a mention in a history sentence that names the cancer's ongoing treatment or spread is current (I.C.2.d)
    current = lambda m: mentions[m].assertion == "historical" and _sentence_says_current_cancer(
        s.text, s.understanding, m)
    named = [d for c, d in _well_named(s.candidates, mentions, s.terminology, current).items()
             if _malignant(c) and _mapped(conventions.PERSONAL_HISTORY, c, s.terminology) == history
             and all(getattr(mentions[m], "section_kind", None) == "diagnostic"
                     and getattr(mentions[m], "context", None) is None for m in d.mentions)]
    if not named:
        return None
    d = max(named, key=lambda d: (d.probability, d.code))
    code = d.code
    if _is_unspecified(code, s.terminology):
        said = frozenset(w for t in _mention_texts(s, d) for w in content_stems(t))
        code = _stated_sibling(code, s.terminology, said) or code
    return replace(d, code=code, rule_id=CURRENT_MALIGNANCY_CODED,
                   rule=f"the diagnosis states the malignancy in this encounter: {code}, not its history {history} "
                        f"(Guideline I.C.2.d)")


@_stage
def _obstetric(s: _State) -> None:
    """3c. Obstetric encounters (Guideline I.C.15): the outcome of delivery (Z37) and the weeks of gestation
    (Z3A) when the note states them, whatever the model thinks of such codes; Chapter 15 codes take
    precedence over the pregnant state (Z33.1) and supervision of pregnancy (Z34)."""
    finals, mentions = s.finals, s.understanding.mentions
    for c in sorted(s.candidates, key=lambda c: (-c.probability, c.code, c.mention)):
        m = mentions[c.mention]
        if c.code in finals or m.assertion != "present" or _context(m) or c.code not in s.terminology:
            continue
        words = _read(m.text)
        if c.code.startswith("Z3A."):
            weeks = _WEEKS.search(words)
            ok = weeks is not None and _PREGNANCY.search(words) is not None and _POSTPARTUM.search(words) is None and c.code[4:] == f"{int(weeks.group(1)):02d}" and 8 <= int(weeks.group(1)) <= 42
            rule_id, why = GESTATION_WEEKS, "weeks of gestation stated for this pregnancy (Guideline I.C.15)"
        elif c.code == "Z37.0":
            ok = _LIVE_BIRTH.search(words) is not None and _MULTIPLE_BIRTH.search(words) is None
            rule_id, why = DELIVERY_OUTCOME, "a single live birth delivered: outcome of delivery (Guideline I.C.15.b.5)"
        else:
            continue
        if ok:
            s.add_final(Decision(code=c.code, probability=max(c.probability, 0.8 * c.lexical), mentions=(c.mention,),
                                 assertion="present", matched_term=c.matched_term, rule=why, rule_id=rule_id))
    _delivery_record(s)
    pregnancy = [c for c in finals if c[:1] == "O"]
    if pregnancy:
        best = max(pregnancy, key=lambda c: (finals[c].probability, c))
        for code in sorted(finals):
            if conventions.has_prefix(code, conventions.PREGNANT_STATE_PREFIXES):
                s.discard(finals.pop(code), "superseded_by_more_specific", PREGNANCY_FIRST,
                          f"Chapter 15 codes take precedence: {best} (Guideline I.C.15.a)", by=best)


_DELIVERED = re.compile(conventions.DELIVERED)
_LIVE_BIRTH_STATED = tuple((re.compile(p), code) for p, code in conventions.LIVE_BIRTH_STATED)
_NOT_LIVE_SINGLE_BIRTH = re.compile(conventions.NOT_LIVE_SINGLE_BIRTH)
_PERINEAL_LACERATIONS = tuple((re.compile(p), code) for p, code in conventions.PERINEAL_LACERATIONS)
_NOT_A_LACERATION = re.compile(conventions.NOT_A_LACERATION)
_NOT_THIS_DELIVERY = re.compile(conventions.NOT_THIS_DELIVERY)


def _delivery_record(s: _State) -> None:
    """A delivery record (English: a sentence says the infant was delivered or born) states its outcome and its
    perineal laceration in so many words: "delivered a viable male infant" Z37.0, "liveborn twins" Z37.2 (I.C.15.b.5),
    "second-degree perineal laceration, repaired" O70.1; whatever the model thinks of such codes. Evidence and
    confidence as for _immunization; a code already final is left as it is."""
    if s.understanding.language != "en" or STATED_FACT < s.floor:
        return
    sentences = s.understanding.sentences
    said = [_read(s.text[x.start:x.end]) for x in sentences]
    if not any(_DELIVERED.search(t) for t in said):
        return
    twins = any(_NOT_LIVE_SINGLE_BIRTH.search(t) for t in said)
    for pattern, code in (*_LIVE_BIRTH_STATED, *_PERINEAL_LACERATIONS):
        if code in s.finals or any(c.startswith(code[:3]) for c in s.finals if code.startswith("Z37")) \
                or code not in s.terminology or (code == "Z37.0" and twins):
            continue
        for i, t in enumerate(said):
            found = pattern.search(t)
            if found is None or sentences[i].kind == "family" or _NOT_THIS_DELIVERY.search(t) or (
                    code.startswith("O70") and _NOT_A_LACERATION.search(t[max(0, found.start() - 40):found.start()])):
                continue
            first = _mention_at(s, i, pattern)
            if first is None:
                continue
            rule_id, why = ((DELIVERY_OUTCOME, f"the delivery record states its outcome: {code} (Guideline I.C.15.b.5)")
                            if code.startswith("Z37") else
                            (DELIVERY_OUTCOME, f"the delivery record states the perineal laceration's degree: {code}"))
            s.add_final(Decision(code=code, probability=STATED_FACT, mentions=(first,), assertion="present",
                                 matched_term=found.group(0), rule_id=rule_id, rule=why))
            break


@_stage
def _same_words(s: _State) -> None:
    """4a. One mention, one code among siblings: "vomiting" supports R11.10 or R11.11, not both. The weaker
    sibling coded from exactly the same evidence is the same condition coded twice; so is a code of the
    same category ("rheumatoid arthritis": M06.9, not also M06.00 "without rheumatoid factor")."""
    finals = s.finals
    for code in sorted(finals, key=lambda c: (finals[c].probability, c)):
        d = finals.get(code)
        parent = s.terminology.ancestors(code)[:1]
        if d is None or not parent:
            continue
        for other, o in finals.items():
            if (other != code and o.mentions == d.mentions and _outweighs(s, other, o, code, d)
                    and (s.terminology.ancestors(other)[:1] == parent or other[:3] == code[:3])):
                del finals[code]
                s.discard(d, "duplicate", SAME_WORDS,
                          f"the same words are coded {other}, a code of the same category", by=other)
                break


def _outweighs(s: _State, other: str, o: Decision, code: str, d: Decision) -> bool:
    """`other` keeps the words rather than `code`: the model's stronger belief, except that an unspecified
    code does not outweigh a specific one whose own words (those the unspecified code's description lacks) the
    phrase states, unless the model believes it clearly more ("persistent atrial fibrillation": I48.19, not
    I48.91 "Unspecified atrial fibrillation"; Guideline I.B.2: the unspecified code only when the note says
    no more)."""
    if _is_unspecified(other, s.terminology) and not _is_unspecified(code, s.terminology) and _states_own_words(
            s, d, other):
        return o.probability >= d.probability + _SPECIFIC_MARGIN
    if _is_unspecified(code, s.terminology) and not _is_unspecified(other, s.terminology) and _states_own_words(
            s, o, code):
        return o.probability + _SPECIFIC_MARGIN > d.probability
    return o.probability >= d.probability


_SPECIFIC_MARGIN = 0.15  # as in _most_specific: a specific code the model believes much less is a guess
_NOS = re.compile(r",?\s*\bNOS\b", re.IGNORECASE)


def _states_own_words(s: _State, specific: Decision, unspecified: str) -> bool:
    """The phrase states every word of the specific code's description that the unspecified one's lacks."""
    own = (_condition_stems(specific.code, s.terminology, all_words=True)
           - _condition_stems(unspecified, s.terminology, all_words=True) - _NOT_CONDITION_STEMS)
    said = frozenset(w for t in _mention_texts(s, specific) for w in content_stems(_read(t)))
    return bool(own) and all(_stem_said(w, said) for w in own)


@_stage
def _same_reading(s: _State) -> None:
    """4a'. One phrase, one reading: two codes of different categories from the same mentions whose terms
    use the same words of them ("pyelonephritis": N10, N12 or N16; "sore throat": J02.9 or J31.2) are
    two readings of one condition; the weaker is dropped. Codes whose terms use different words of the
    phrase ("chronic pansinusitis with nasal polyps": J32.4 and J33.9) and codes one of which instructs
    to code the other ("code first" CKD for D63.1) stay."""
    finals = s.finals
    for code in sorted(finals, key=lambda c: (finals[c].probability, c)):
        d = finals.get(code)
        if d is None or code.startswith("Z"):
            continue
        used = _words_used(s, d)
        if not used:
            continue
        for other, o in finals.items():
            if (other == code or other[:3] == code[:3] or other.startswith("Z") or o.probability < d.probability
                    or set(o.mentions) != set(d.mentions) or not used <= _words_used(s, o)
                    or _instructs(code, other, s.terminology) or _instructs(other, code, s.terminology)):
                continue
            del finals[code]
            s.discard(d, "duplicate", SAME_READING, f"the same words read as {other}", by=other)
            break


def _words_used(s: _State, d: Decision) -> frozenset[str]:
    said = {w for t in _mention_texts(s, d) for w in content_stems(t)}
    return frozenset(w for w in content_stems(d.matched_term) if _stem_said(w, frozenset(said)))


_CODE_REF = re.compile(r"\b([A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?)(?:\s*-\s*([A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?))?")


def _instructs(code: str, other: str, terminology: Terminology) -> bool:
    """`code` (or a category above it) says "code first", "use additional code" or "code also" for `other`
    (a code, a category, or a range: "N18.1-N18.6")."""
    for c in [code, *terminology.ancestors(code)]:
        info = terminology.get(c)
        if info is None:
            continue
        for note in (info.code_first, info.use_additional_code, info.code_also):
            for lo, hi in _CODE_REF.findall(note or ""):
                if other.startswith(lo) or (hi and lo <= other[:len(lo)] and other[:len(hi)] <= hi):
                    return True
    return False


@_stage
def _most_specific(s: _State) -> None:
    """4b. Most specific: an ancestor, or an unspecified sibling in the same category, yields to a specific
    code, but only to one the model itself believes at least as much (a weak sibling is a guess)."""
    finals = s.finals
    for code in sorted(finals):
        d = finals.get(code)
        if d is None:
            continue
        better = _more_specific(code, finals, s.terminology, min_probability=max(s.floor, d.probability - 0.15))
        if better is None and (_is_unspecified(code, s.terminology) or _is_residual(code, s.terminology)):
            # a final sibling whose own words the note states is no guess, however the model weighs it
            # ("Nicotine dependence, cigarettes": F17.210, not also F17.200); nor is one coded from the same
            # phrase as an "Other ..." or unspecified sibling, whatever else that sibling's title leaves
            # unspecified ("Right lower lobe lobar pneumonia": J18.1, not also J18.9; "deviated nasal septum":
            # J34.2, not also J34.89 "Other specified disorders of nose")
            better = next((o for o in sorted(finals, key=lambda c: (-finals[c].probability, c))
                           if o != code and o[:3] == code[:3] and not _is_residual(o, s.terminology)
                           and finals[o].assertion == d.assertion and _states_own_words(s, finals[o], code)
                           and (_shares_a_mention(s, finals[o], d) or _is_unspecified(code, s.terminology)
                                and not _is_unspecified(o, s.terminology))), None)
        if better is not None:
            del finals[code]
            s.discard(d, "superseded_by_more_specific", MORE_SPECIFIC, f"{better} is more specific", by=better)


@_stage
def _unspecified_covered(s: _State) -> None:
    """4b''. An unspecified code yields to a more specific final code of another category coded from the
    same words that names its condition: H26.9 "Unspecified cataract" to H25.11 "Age-related nuclear
    cataract, right eye"; G62.9 "Polyneuropathy, unspecified" to E11.42 "... with diabetic polyneuropathy";
    R58 "Hemorrhage, not elsewhere classified" to K25.4 "... gastric ulcer with hemorrhage"."""
    finals = s.finals
    for code in sorted(finals):
        d = finals.get(code)
        if d is None or not _is_unspecified(code, s.terminology):
            continue
        words = _condition_stems(code, s.terminology)
        if not words:
            continue
        spans = [(s.understanding.mentions[m].start, s.understanding.mentions[m].end) for m in d.mentions]
        for other in sorted(finals, key=lambda c: (-finals[c].probability, c)):
            o = finals[other]
            if (other == code or other[:3] == code[:3] or _is_unspecified(other, s.terminology)
                    or o.probability < s.floor or not words <= _condition_stems(other, s.terminology, all_words=True)):
                continue
            if any(ms.start < end and start < ms.end for start, end in spans
                   for ms in (s.understanding.mentions[m] for m in o.mentions)):
                del finals[code]
                s.discard(d, "superseded_by_more_specific", UNSPECIFIED_COVERED,
                          f"{other} names the same condition from the same words, more specifically", by=other)
                break


@_stage
def _site_named(s: _State) -> None:
    """4b'. An unspecified site or kind yields to a final code that names it (D49.9 when the note codes
    the kidney tumor as C64.2; T14.90XA when the injury is coded by region)."""
    finals = s.finals
    for code in sorted(finals):
        site = conventions.lookup(conventions.SITE_UNSPECIFIED, code)
        if site is None or code not in finals:
            continue
        named_site = next((o for o in sorted(finals, key=lambda c: (-finals[c].probability, c))
                           if o != code and site[0] <= o[:3] <= site[1]
                           and conventions.lookup(conventions.SITE_UNSPECIFIED, o) is None), None)
        if named_site is not None:
            s.discard(finals.pop(code), "superseded_by_more_specific", SITE_NAMED,
                      f"the note names the site: {named_site}", by=named_site)


@_stage
def _stated_facts(s: _State) -> None:
    """4c-d. Codes the guidelines reserve for what the note states (conventions.GUARDS, in order): the
    first guard of a code whose fact the note does not state discards it."""
    for code in sorted(s.finals):
        d = s.finals[code]
        for guard in conventions.GUARDS:
            if not conventions.has_prefix(code, guard.codes) or _FACTS[guard.fact](s, code, d):
                continue
            s.finals.pop(code)
            if guard.fact == "qualifier":
                plain = conventions.STATED_QUALIFIER[code][1]
                if plain in s.terminology and plain not in s.finals:
                    s.add_final(replace(d, code=plain, derived_from=code, rule_id=QUALIFIER_PLAIN,
                                        rule=f"{code} needs its qualifier stated; the plain code {plain} is reported"))
                s.discard(d, guard.reason, guard.rule, f"the qualifier of {code} is not stated", by=plain)
            else:
                s.discard(d, guard.reason, guard.rule, guard.says)
            break


@_stage
def _companions(s: _State) -> None:
    """4e-f. Place, activity and status codes only with an external cause code (Guideline I.C.20); a
    procedure as the cause of a complication only with the complication coded (Guideline I.C.19.g)."""
    finals = s.finals
    if not any(_external_cause(c) for c in finals):
        for code in sorted(finals):
            if conventions.has_prefix(code, conventions.WITH_EXTERNAL_CAUSE):
                s.discard(finals.pop(code), "requires_companion_code", COMPANION_EXTERNAL,
                          "place, activity and status codes accompany an external cause code (Guideline I.C.20)")
    if not any(conventions.has_prefix(c, conventions.COMPLICATION_PREFIXES) for c in finals):
        for code in sorted(finals):
            if conventions.has_prefix(code, conventions.PROCEDURE_CAUSE_PREFIXES):
                s.discard(finals.pop(code), "requires_companion_code", COMPANION_COMPLICATION,
                          "a procedure is named, no complication of it is coded (Guideline I.C.19.g)")


@_stage
def _combinations(s: _State) -> None:
    """5. Combination codes ("with" convention). A component counts when it is final or when a present
    mention names it well (lexical >= COMBINATION_LEXICAL): the convention, not the model, links them."""
    finals, terminology = s.finals, s.terminology
    named = _well_named(s.candidates, s.understanding.mentions, terminology)
    consumed: set[str] = set()  # parts an earlier (more complete) combination replaced
    for code in sorted(c for c in finals if c in conventions.DISC_RADICULOPATHY):
        d = finals[code]
        if any(_DISC.search(_read(t)) for t in _mention_texts(s, d)):
            combo = conventions.DISC_RADICULOPATHY[code]
            s.discard(finals.pop(code), "superseded_by_more_specific", COMBINED, f"combined into {combo}", by=combo)
            s.add_final(replace(d, code=combo, derived_from=code, rule_id=COMBINATION,
                                rule=f"the phrase names the disc: {combo}, disc disorder with radiculopathy "
                                     "(Index: Radiculopathy, due to disc displacement)"))
    # first what a final code includes: the obstruction an incarcerated hernia's code names is not also an
    # obstruction with adhesions below
    for component, (lo, hi), words in conventions.INCLUDED_WITH:
        container = next((c for c in sorted(finals) if lo <= c[:3] <= hi
                          and words in (terminology.description(c) or "").lower()), None)
        if container:
            consumed.update(c for c in {*finals, *named} if c.startswith(component))
        for code in sorted(c for c in finals if c.startswith(component)) if container else ():
            s.discard(finals.pop(code), "superseded_by_more_specific", COMBINED, f"included in {container} "
                      f"({words}, Guideline I.A.15)", by=container)
    for required, combo, replaces in conventions.COMBINATIONS:
        if combo not in terminology:
            continue
        pool = {**named, **{c: d for c, d in finals.items() if c not in named or d.probability > named[c].probability}}
        for c in consumed:
            pool.pop(c, None)
        parts = [_first_with_prefix(pool, p, combo) for p in required]
        if any(p is None for p in parts):
            continue
        support = [pool[p] for p in parts]  # type: ignore[index]
        rule_id = COMBINATION_HTN if combo.startswith("I1") else COMBINATION
        s.add_final(
            Decision(
                code=combo, probability=min(d.probability for d in support),
                mentions=tuple(sorted({m for d in support for m in d.mentions})), assertion="present",
                matched_term=" + ".join(d.matched_term for d in support),
                rule=f"combination code for {' with '.join(parts)} ('with' convention, Guideline I.A.15)",  # type: ignore[arg-type]
                rule_id=rule_id,
            )
        )
        for required_prefix, p in zip(required, parts):
            if p is None:
                continue
            if conventions.has_prefix(p, replaces):
                consumed.add(p)
                # the part, and any other final code of its kind the combination replaces (the model's K80.20
                # beside the K80.21 that made K80.00)
                for f in sorted(c for c in finals if c == p or c.startswith(required_prefix)
                                and conventions.has_prefix(c, replaces) and c != combo):
                    s.discard(finals.pop(f), "superseded_by_more_specific", COMBINED, f"combined into {combo}", by=combo)
            elif p not in finals and terminology.is_billable(p) and not any(f[:3] == p[:3] for f in finals):
                # (a final code of the part's category already reports it: J18.1 "lobar pneumonia" beside J44.0)
                # The part the combination does not replace is its "use additional code" (e.g. the N18 stage),
                # as specific as its phrase says ("CKD stage 2": N18.2, not N18.9; I.B.2).
                part = pool[p]
                if _is_unspecified(p, terminology):
                    said = frozenset(w for t in _mention_texts(s, part) for w in content_stems(t))
                    stated = _stated_sibling(p, terminology, said)
                    if stated is not None:
                        part = replace(part, code=stated, derived_from=p)
                s.add_final(replace(part, rule=f"reported with {combo} as its additional code", rule_id=ADDITIONAL))


_BMI_VALUE = re.compile(r"\b(?:bmi|body mass index|imc|indice de masa corporal)\b(?!\s*(?:percentile|percentil))"
                        r"[^0-9;\n]{0,20}?(\d{2}(?:[.,]\d+)?)")
# an age as notes write it; the folded Spanish "de 12 años" reads "de 12 annos" (fold spells ñ "nn"), and only
# after "de": "hace 2 años" is a duration
_AGE_YEARS = re.compile(r"\b(\d{1,3})[- ](?:year|yr)s?[- ]old\b|\b(\d{1,3}) ?(?:y/?o|yo)\b"
                        r"|\bde (\d{1,3}) (?:annos|anos|anys)\b")


@_stage
def _bmi(s: _State) -> None:
    """5''. The BMI a note states ("BMI 34.2", "body mass index of 42") is coded Z68.- with the obesity,
    overweight, underweight or malnutrition a final code reports (Guideline I.B.14: the BMI may come from any
    clinician, the associated diagnosis from the provider); adults only (I.C.21.c.3: Z68.1-Z68.45 are for
    persons 20 or older; a child's BMI is a percentile)."""
    with_code = next((c for c in sorted(s.finals) if conventions.has_prefix(c, conventions.BMI_WITH_PREFIXES)), None)
    if with_code is None or any(c.startswith("Z68") for c in s.finals):
        return
    text = _read(s.text)
    age = next((int(next(g for g in m.groups() if g)) for m in _AGE_YEARS.finditer(text)), None)
    if age is not None and age < conventions.BMI_ADULT_AGE:
        return
    d = s.finals[with_code]
    anchor = s.understanding.mentions[d.mentions[0]].start if d.mentions else 0
    values = sorted((abs(m.start() - anchor), float(m.group(1).replace(",", "."))) for m in _BMI_VALUE.finditer(text))
    if not values:
        return
    value = values[0][1]  # the BMI stated nearest the diagnosis it accompanies
    code = _bmi_code(value)
    if code is None or code not in s.terminology:
        return
    s.add_final(replace(d, code=code, derived_from=with_code, rule_id=BMI, matched_term=f"BMI {value:g}",
                        rule=f"the note states BMI {value:g}: {code}, reported with {with_code} (Guideline I.B.14)"))


# A vaccine given at this encounter (English notes): the vaccine, the giving, and a word that places it in
# this encounter (today, a dose or route); not one received before, declined, due or planned.
_VACCINE = re.compile(r"\b(?:vaccines?|vaccinations?|immuniz\w*|immunis\w*|tdap|dtap|td|tetanus toxoid|flu shot|"
                      r"shingrix|prevnar|pneumovax|gardasil|boostrix|adacel)\b")
_GIVEN = re.compile(r"\b(?:given|administered|gave|provided)\b")
_THIS_ENCOUNTER = re.compile(r"\b(?:today|this visit|in clinic|in the (?:ed|office|clinic)|now|im|intramuscular(?:ly)?|"
                             r"subcutaneous(?:ly)?|sq|subq|\d+(?:\.\d+)? ?ml|deltoid|thigh)\b")
_NOT_GIVEN = re.compile(r"\b(?:already|previously|prior|last|ago|declined|declines|refused|refuses|deferred|defer|"
                        r"due|will|recommend\w*|offered|next|up to date|utd|history|if|should|plan\w*|consider\w*|"
                        r"not|no|never)\b")
# The confidence of a code the rules read from a fact the note states in so many words (a vaccine given
# today), not from the model's reading of a condition: high, not certain (the sentence may be misread).
STATED_FACT = 0.9


@_stage
def _immunization(s: _State) -> None:
    """5c. A vaccine the note says was given at this encounter ("Flu vaccine given today", "Tdap 0.5 mL IM
    given") is coded Z23 (Guideline I.C.21.c.2: the encounter for immunization). English notes; the evidence
    is the sentence's mention nearest the vaccine (_mention_at), the confidence a stated fact's (STATED_FACT)."""
    if s.understanding.language != "en" or "Z23" in s.finals or "Z23" not in s.terminology \
            or STATED_FACT < s.floor:  # (a request's min_confidence above it: the floor stage has run)
        return
    for i, sentence in enumerate(s.understanding.sentences):
        said = _read(s.text[sentence.start:sentence.end])
        if not (_VACCINE.search(said) and _GIVEN.search(said) and _THIS_ENCOUNTER.search(said)) \
                or _NOT_GIVEN.search(said) or sentence.kind == "family":
            continue
        first = _mention_at(s, i, _VACCINE)
        if first is None:
            continue
        s.add_final(Decision(code="Z23", probability=STATED_FACT, mentions=(first,), assertion="present",
                             matched_term="vaccine given", rule_id=IMMUNIZATION,
                             rule="the note states a vaccine given at this encounter: Z23 (Guideline I.C.21.c.2)"))
        return


_SCREENING_STATED = tuple((re.compile(p), code) for p, code in conventions.SCREENING_STATED)
_SCREENING_NOT_THIS = re.compile(conventions.SCREENING_NOT_THIS)


@_stage
def _screening_encounter(s: _State) -> None:
    """5c'. The screening that is the reason for a procedure or an imaging study, stated in so many words
    ("Screening colonoscopy", "INDICATION: Colorectal cancer screening", "SCREENING MAMMOGRAM"), is coded
    (Z12.11, Z12.31, Z13.820 ...: conventions.SCREENING_STATED; Guideline I.C.21.c.5); the condition it screens
    for ("colorectal cancer") is no finding (the named.test_or_vaccine guard). A screening done before,
    due, recommended or declined, or the one that found this encounter's lesion, is not this encounter's.
    English notes; evidence and confidence as for _immunization."""
    if s.understanding.language != "en" or STATED_FACT < s.floor \
            or getattr(s.understanding, "document_type", "unknown") not in conventions.SCREENING_DOCUMENTS:
        return
    for i, sentence in enumerate(s.understanding.sentences):
        if sentence.kind in ("family", "history", "plan"):
            continue
        said = _read(s.text[sentence.start:sentence.end])
        if "screen" not in said or _SCREENING_NOT_THIS.search(said):
            continue
        for pattern, code in _SCREENING_STATED:
            found = pattern.search(said)
            if found is None or code not in s.terminology:
                continue
            first = _mention_at(s, i, pattern)
            if first is None:
                continue
            if code not in s.finals:
                s.add_final(Decision(code=code, probability=STATED_FACT, mentions=(first,), assertion="present",
                                     matched_term=found.group(0), rule_id=SCREENING_ENCOUNTER,
                                     rule="the screening this encounter is for is coded as such (Guideline I.C.21.c.5)"))


_CURRENT_SMOKER = re.compile(conventions.CURRENT_SMOKER)
_NOT_CURRENT_SMOKER = re.compile(conventions.NOT_CURRENT_SMOKER)
_SMOKED_PRODUCTS = tuple((re.compile(p), code) for p, code in conventions.SMOKED_PRODUCTS)
_CANNABIS = re.compile(r"\b(?:cannabis|marijuana|weed|thc)\b")


@_stage
def _current_smoker(s: _State) -> None:
    """5c''. A patient an English note says smokes now ("Current smoker, 1/2 ppd", "Smokes 1 pack of cigarettes
    per day", "continues to smoke") has nicotine dependence (Index: Smoker - see Dependence, drug, nicotine):
    F17.210 for cigarettes, a US note's default, F17.290 for cigars, a pipe or vaping, F17.220 for chewing
    tobacco (conventions.CURRENT_SMOKER). Not a former, quit or denied habit, a relative's, cannabis alone, nor
    when the note's tobacco is already coded (F17, Z72.0); evidence and confidence as for _immunization."""
    if s.understanding.language != "en" or STATED_FACT < s.floor \
            or any(c.startswith(("F17", "Z72.0")) for c in s.finals):
        return
    for i, sentence in enumerate(s.understanding.sentences):
        if sentence.kind == "family":
            continue
        said = _read(s.text[sentence.start:sentence.end])
        found = _CURRENT_SMOKER.search(said)
        if found is None or _NOT_CURRENT_SMOKER.search(said) or (_CANNABIS.search(said) and "cigarette" not in said):
            continue
        code = next((c for p, c in _SMOKED_PRODUCTS if p.search(said) and "cigarette" not in said), "F17.210")
        first = _mention_at(s, i, _CURRENT_SMOKER)
        if first is None or code not in s.terminology:
            continue
        s.add_final(Decision(code=code, probability=STATED_FACT, mentions=(first,), assertion="present",
                             matched_term=found.group(0), rule_id=CURRENT_SMOKER,
                             rule=f"the note says the patient smokes now: nicotine dependence {code} (Index: Smoker)"))
        return


def _mention_at(s: _State, sentence: int, pattern: re.Pattern[str]) -> int | None:
    """The evidence of a code a sentence states: the mention of that sentence nearest what `pattern` matched
    (the coder verifies "s/p CABG x3", not the "CAD" before it), None when the sentence has no mention."""
    span = s.understanding.sentences[sentence]
    found = pattern.search(s.text[span.start:span.end].lower())
    at = span.start + (found.start() if found else 0)
    in_sentence = [m for m, mention in enumerate(s.understanding.mentions) if mention.sentence == sentence]
    if not in_sentence:
        return None
    mentions = s.understanding.mentions
    return min(in_sentence, key=lambda m: (0 if mentions[m].start <= at < mentions[m].end else 1,
                                           abs(mentions[m].start - at), m))


_STATUS_AFTER = tuple((re.compile(p), code) for p, code in conventions.STATUS_AFTER)
_STATUS_PAST = re.compile(conventions.STATUS_PAST_CUES)


@_stage
def _status_after_procedure(s: _State) -> None:
    """5d. The status a past procedure leaves (I.C.21.c.3: Z95.1 after a coronary bypass, Z95.5 with a coronary
    stent) when a sentence of an English note says it was done before this encounter ("CAD s/p CABG x3",
    "PCI with stent to the LAD in 2019"); a bypass or stent of this encounter has no status code. Evidence and
    confidence as for _immunization."""
    if s.understanding.language != "en" or STATED_FACT < s.floor:
        return
    for i, sentence in enumerate(s.understanding.sentences):
        if sentence.kind == "family":
            continue
        said = _read(s.text[sentence.start:sentence.end])
        if not _STATUS_PAST.search(said) or _NOT_THE_PATIENT.search(said):  # a relative's, a denial
            continue
        for pattern, code in _STATUS_AFTER:
            found = pattern.search(said)
            if code in s.finals or code not in s.terminology or found is None:
                continue
            first = _mention_at(s, i, pattern)
            if first is not None:
                s.add_final(Decision(code=code, probability=STATED_FACT, mentions=(first,), assertion="historical",
                                     matched_term=found.group(0), rule_id=STATUS_AFTER,
                                     rule=f"the note states the procedure was done before: {code} (I.C.21.c.3)"))


def _bmi_code(value: float) -> str | None:
    """Z68.- for an adult's BMI (FY2026 bands)."""
    if not 10 <= value < 100:
        return None  # not a BMI
    if value < 20:
        return "Z68.1"
    if value < 40:
        return f"Z68.{int(value)}"
    for upper, code in ((45, "Z68.41"), (50, "Z68.42"), (60, "Z68.43"), (70, "Z68.44")):
        if value < upper:
            return code
    return "Z68.45"


@_stage
def _with_over_without(s: _State) -> None:
    """5'. Two final codes of one category, one "without heart failure" and one "with heart failure" (I13.10
    and I13.0, from a hypertension combined with its heart failure): the note states the heart failure."""
    finals = s.finals
    for code in sorted(finals):
        without = _WITHOUT.search((s.terminology.description(code) or "").lower())
        if code not in finals or without is None:
            continue
        stated = without.group(1)
        words = _condition_stems(code, s.terminology, all_words=True) - _WITHOUT_STEMS
        other = next((o for o in sorted(finals) if o != code and o[:3] == code[:3]
                      and re.search(rf"\bwith {re.escape(stated)}\b", (s.terminology.description(o) or "").lower())
                      and not re.search(rf"\bwithout {re.escape(stated)}\b",
                                        (s.terminology.description(o) or "").lower())
                      # the same condition otherwise (not another retinopathy "with macular edema")
                      and words <= _condition_stems(o, s.terminology, all_words=True)), None)
        if other is not None:
            s.discard(finals.pop(code), "superseded_by_more_specific", WITH_OVER_WITHOUT,
                      f"{other} codes it with {stated}, which the note states", by=other)


_WITHOUT_STEMS = frozenset(content_stems("without"))
_WITHOUT = re.compile(r"\bwithout ((?:\w+ ){0,4}\w+?)(?:,|$| or | and | with )")


@_stage
def _integral_symptoms(s: _State) -> None:
    """6. Signs and symptoms integral to a confirmed diagnosis (Guideline I.B.5)."""
    for code in sorted(s.finals):
        d = s.finals[code]
        integral_to = _integral_target(code, s.finals)
        if integral_to:
            del s.finals[code]
            s.discard(d, "symptom_integral_to_diagnosis", INTEGRAL, f"routinely associated with {integral_to}",
                      by=integral_to)


@_stage
def _excludes1(s: _State) -> None:
    """7. Excludes1: two codes that cannot be reported together; keep the better supported one."""
    finals = s.finals
    # a code stated in a diagnostic section (diagnoses, assessment, impression) outranks a narrative one; then a
    # diagnosis outranks a sign or symptom (Chapter 18, R) it excludes: "delirium due to infection" is F05, not
    # R41.0 "Delirium NOS" (Guidelines I.B.4-5: no symptom code once the related diagnosis is established). In
    # structured documents: published case reports are coded by their corpus's convention, which keeps both.
    structured = getattr(s.understanding, "document_type", "unknown") in _STRUCTURED_DOCUMENTS
    # a combination code outranks the code of its component it excludes (I.B.9): K27.4 "peptic ulcer ... with
    # hemorrhage" over K92.2 "Gastrointestinal hemorrhage, unspecified" (its Excludes1: "with ulcer")
    combines = {a for a in finals for b in finals
                if a != b and s.terminology.excludes1_conflict(a, b) and _combines(s.terminology, a, b)}
    for a in sorted(finals, key=lambda c: (-_diagnostic(s, finals[c]), c not in combines,
                                           structured and c.startswith("R"), -finals[c].probability, c)):
        if a not in finals:
            continue
        for b in sorted(finals):
            if b != a and b in finals and s.terminology.excludes1_conflict(a, b):
                s.discard(finals.pop(b), "excludes1_conflict", EXCLUDES1, f"Excludes1 with {a}", by=a)
    for code in sorted(finals):
        barred_by = conventions.lookup_prefix(conventions.TITLE_EXCLUDES, code)
        other = next((c for c in sorted(finals) if barred_by and c != code and c.startswith(barred_by)), None)
        if other is not None:
            s.discard(finals.pop(code), "excludes1_conflict", EXCLUDES1, f"its title excludes {other}", by=other)


def _drug_names() -> str:
    names = sorted({n for _, ns in conventions.DRUG_EFFECTS for n in ns}, key=len, reverse=True)
    return r"(?P<drug>" + "|".join(re.escape(n) for n in names) + r")\b"


_DRUG_CLASS = {n: code for code, ns in conventions.DRUG_EFFECTS for n in ns}
_DRUG_LINKS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), effect) for pattern, effect in (
        (conventions.ADVERSE_BEFORE + conventions.DRUG_FILLER + r"\b" + _drug_names(), "adverse"),
        (r"\b" + _drug_names() + conventions.ADVERSE_AFTER, "adverse"),
        (conventions.UNDERDOSING_BEFORE + conventions.DRUG_FILLER + r"\b" + _drug_names(), "underdosing"),
        (r"\b" + _drug_names() + conventions.UNDERDOSING_AFTER, "underdosing")))
_DRUG_POISONING = re.compile(conventions.DRUG_POISONING)
_DRUG_LINK_DOUBTED = re.compile(conventions.DRUG_LINK_DOUBTED)
_UNDERDOSING_COST = re.compile(conventions.UNDERDOSING_COST)


def _underdosing_code(adverse: str) -> str:
    """T38.0X5 -> T38.0X6, T36.95X -> T36.96X: the character 5 after the subcategory becomes 6."""
    at = adverse.rindex("5")
    return adverse[:at] + "6" + adverse[at + 1:]


@_stage
def _drug_effect(s: _State) -> None:
    """7b. A drug the note ties to a condition it codes, in the sentence that states both (I.C.19.e.5):
    "steroid-induced hyperglycemia", "GI bleed secondary to naproxen" add the adverse effect of the drug's class
    (conventions.DRUG_EFFECTS); "CHF exacerbation, ran out of furosemide" adds its underdosing, and Z91.120 when
    the patient went without because of cost. English notes; after the conventions that remove conditions, so
    a T-code never stands without the condition it explains. A negated or doubted link, a relative's drug and a
    poisoning (overdose, ingestion) add nothing; the evidence is the condition's mention nearest the drug."""
    if s.understanding.language != "en" or STATED_FACT < s.floor:
        return
    # the condition's mentions: those of its final code, and those proposing a code of its category ("- NSAID
    # use, contributing to ulcer" below "Gastric ulcer with hemorrhage" K25.4 in a list of diagnoses)
    categories = {code[:3] for code in s.finals if code[:1] not in "TZ"}
    conditions = {m for code, d in s.finals.items() if code[:1] not in "TZ" for m in d.mentions} | {
        c.mention for c in s.candidates if c.code[:3] in categories}
    mentions = s.understanding.mentions
    by_sentence: dict[int, list[int]] = defaultdict(list)
    for m in sorted(conditions):
        if mentions[m].assertion == "present":
            by_sentence[mentions[m].sentence].append(m)
    if not by_sentence:
        return
    encounter = _encounter_character(s.text)
    sentences = s.understanding.sentences
    narrowed: dict[str, str] = {}
    for i, sentence in enumerate(sentences):
        if sentence.kind == "family" or sentence.section == "allergies":
            continue
        said = _read(s.text[sentence.start:sentence.end])
        in_sentence = by_sentence.get(i, [])
        if not in_sentence and i and _DRUG_LINK_CONTINUES.search(said) and sentences[i - 1].section == sentence.section:
            in_sentence = by_sentence.get(i - 1, [])
        if not in_sentence or _DRUG_POISONING.search(said) or _NOT_THE_PATIENT_DRUG.search(said):
            continue
        for pattern, effect in _DRUG_LINKS:
            for found in pattern.finditer(said):
                if _DRUG_LINK_DOUBTED.search(said[max(0, found.start() - 60):found.start()]):
                    continue
                drug = found.group("drug")
                if drug not in narrowed:  # (once per note: it reads the whole note)
                    narrowed[drug] = _narrowed(s, drug)
                adverse = narrowed[drug]
                code = (adverse if effect == "adverse" else _underdosing_code(adverse)) + encounter
                if code in s.finals or not s.terminology.is_billable(code):
                    continue
                at = sentence.start + found.start("drug")
                first = min(in_sentence, key=lambda m: (abs(mentions[m].start - at), m))
                rule_id = DRUG_ADVERSE if effect == "adverse" else DRUG_UNDERDOSING
                why = (f"the note ties the condition to {drug}: adverse effect {code} (I.C.19.e.5.a)"
                       if effect == "adverse" else
                       f"the note says {drug} was taken less than prescribed: underdosing {code} (I.C.19.e.5.c)")
                s.add_final(Decision(code=code, probability=STATED_FACT, mentions=(first,), assertion="present",
                                     matched_term=found.group(0), rule_id=rule_id, rule=why))
                if effect == "underdosing" and _UNDERDOSING_COST.search(said) and "Z91.120" in s.terminology \
                        and "Z91.120" not in s.finals:
                    s.add_final(Decision(code="Z91.120", probability=STATED_FACT, mentions=(first,),
                                         assertion="present", matched_term=found.group(0), rule_id=DRUG_UNDERDOSING,
                                         rule="the patient went without the drug because of its cost: Z91.120 "
                                              "(I.C.19.e.5.c)"))


def _narrowed(s: _State, drug: str) -> str:
    """The class a drug word reports: its own, or for a class word ("NSAID") the narrower class of the one drug
    of that family the note names elsewhere (conventions.DRUG_CLASS_NARROWED)."""
    code = _DRUG_CLASS[drug]
    narrower = conventions.DRUG_CLASS_NARROWED.get(code, ())
    if drug not in conventions.DRUG_CLASS_WORDS or not narrower:
        return code
    said = _read(s.text)
    named = {c for c in narrower if _DRUG_NAMED[c].search(said)}
    return named.pop() if len(named) == 1 else code


_DRUG_NAMED = {code: re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r")\b")
               for code, names in conventions.DRUG_EFFECTS}
_DRUG_LINK_CONTINUES = re.compile(conventions.DRUG_LINK_CONTINUES)
# a relative's drug ("her mother's warfarin") is not the patient's
_NOT_THE_PATIENT_DRUG = re.compile(r"\b(?:father|mother|brother|sister|husband|wife|spouse|son|daughter)'?s\b")


def _combines(terminology: Terminology, a: str, b: str) -> bool:
    """`a`'s title includes ("with ...") the condition `b`'s title names."""
    said = frozenset(content_stems(_with_part(terminology.description(a) or "")))
    return bool(said) and any(_stem_said(h, said) for h in _head_stems(terminology.description(b) or ""))


@_stage
def _max_codes(s: _State) -> None:
    """8. The requested number of codes: the rest are reported as cut by max_codes."""
    if s.options.max_codes is None:
        return
    ranked = sorted(s.finals.values(), key=lambda d: (-d.probability, d.code))
    for d in ranked[s.options.max_codes :]:
        del s.finals[d.code]
        s.discard(d, "max_codes", MAX_CODES, f"beyond max_codes={s.options.max_codes}")


# ------------------------------------------------------------------ the "stated fact" checks of the guards
def _in_sentence(pattern: re.Pattern[str]) -> Callable[[_State, str, Decision], bool]:
    return lambda s, code, d: any(_sentence_says(pattern, s.text, s.understanding, m) for m in d.mentions)


def _near(pattern: re.Pattern[str]) -> Callable[[_State, str, Decision], bool]:
    return lambda s, code, d: _near_mention(pattern, s.text, s.understanding, d)


# A disease name that modifies a test, vaccine or screening ("flu shot", "HIV test", "hepatitis B surface
# antigen", "vacuna de la gripe"), in the mention or within the next three words, unless a positive result
# is stated there ("influenza test positive").
_TEST_OR_VACCINE = re.compile(
    r"\b(?:vaccin\w*|immuniz\w*|shots?|tests?|testing|screen|screening|swabs?|titers?|titres?|antibod\w*|"
    r"antigens?|serolog\w*|panel|pcr|vacun\w*|pruebas?|serologi\w*|cribado|anticuerpos?|antigenos?)\b")
_POSITIVE_RESULT = re.compile(r"\b(?:positive|detected|reactive|confirmed|positiv[oa]s?|detectad[oa]s?)\b")
_AFTER_WORDS = re.compile(r"\W*(?:\w+\W+){0,2}\w*")  # the next three words


def _names_test_or_vaccine(s: _State, m: int) -> bool:
    mention = s.understanding.mentions[m]
    after = _AFTER_WORDS.match(s.text, mention.end, min(len(s.text), mention.end + 60))
    window = _read(mention.text + " " + (after.group(0) if after else ""))
    return bool(_TEST_OR_VACCINE.search(window)) and not _POSITIVE_RESULT.search(window)


_DEGREE_STEMS = frozenset(st for w in conventions.DEGREE_WORDS for st in content_stems(w))


def _generic_alone(mention_text: str, term: str) -> bool:
    """The phrase says the generic term and at most its degree ("severe pain", "enfermedad de base")."""
    allowed = set(content_stems(term)) | _DEGREE_STEMS
    return all(w in allowed or w.isdigit() for w in content_stems(_AGE_PHRASE.sub(" ", mention_text)))


# An index term written as an acronym ("PIN", "MS", "ALL", "PR-"); a note in capitals cannot tell it from a word.
_ACRONYM_TERM = re.compile(r"([A-Z][A-Z0-9]{1,5}(?:[-/][A-Z0-9]{1,4})?)[+-]?(?:, NOS)?")


def _acronym_written(s: _State, d: Decision) -> bool:
    term = _ACRONYM_TERM.fullmatch(d.matched_term.strip())
    if term is None or s.understanding.language != "en":
        return True
    written = re.compile(rf"(?<![A-Za-z]){re.escape(term.group(1))}(?![a-z])")
    return any(written.search(t) or t.isupper() for t in _mention_texts(s, d))


# A term's condition is named before its first modifier clause: "X of Y", "X with Y", "X due to Y", "X, Y".
_HEAD_CUT = re.compile(r",|\(|\[|\b(?:with|without|due to|in|of|following|after|secondary to|from|on|at|involving|"
                       r"associated|by|to|for|not)\b")
_GENERIC_HEADS = frozenset(content_stems("disease disorder condition status syndrome problem finding abnormality "
                                         "lesion neoplasm"))
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9/-]*")


@lru_cache(maxsize=16384)
def _head_stems(term: str) -> frozenset[str]:
    """The last condition word of each alternative ("occlusion and stenosis") of the term's first clause."""
    first = _HEAD_CUT.split(_NOS.sub(" ", term), maxsplit=1)[0]
    heads = set()
    for part in re.split(r"\b(?:and|or)\b|/", first):
        words = [w for w in content_stems(part) if w not in _NOT_CONDITION_STEMS and not w.isdigit()]
        if words:
            heads.add(words[-1])
    return frozenset(heads)


def _head_word_said(s: _State, d: Decision) -> bool:
    if s.understanding.language != "en":
        return True
    heads = _head_stems(d.matched_term)
    if not heads or heads & _GENERIC_HEADS:
        return True
    abbreviations = s.terminology.index.abbreviations
    variants = s.terminology.index.variants.get("en", {})
    for m in d.mentions:
        sentence = s.understanding.sentences[s.understanding.mentions[m].sentence]
        text = s.text[sentence.start : sentence.end]
        words = [text] + [abbreviations[w]["en"] for w in _WORD.findall(text)
                          if w in abbreviations and "en" in abbreviations[w]]
        stems = {st for w in words for st in content_stems(_read(w))}
        # the matcher's own English variants: "haematuria", "lithiasis", "necrotic" say hematuria, calculus, gangrene
        said = frozenset(stems | {v for st in stems for v, _ in variants.get(st, ())})
        if any(_stem_said(h, said) for h in heads):
            return True
        if not any(_stem_said(w, said) for w in content_stems(d.matched_term) if w not in heads):
            return True  # no word of the term is here: matched through a synonym or a translation, not judged
    return False


# Polarity ("positive"/"+" against "negative"/"-") and the letter or number that names a vitamin, a hepatitis
# virus or a diabetes type: a term and the phrase it is read from must not state different values of them.
_POSITIVE = re.compile(r"\b(?:positive|positivos?|positivas?)\b|(?<=[a-z0-9])\+(?![a-z0-9])")
_NEGATIVE = re.compile(r"\b(?:negative|negativos?|negativas?)\b|(?<=[a-z0-9])-(?![a-z0-9])")
_NAMED_BY_VALUE = re.compile(r"\b(vitamin|vitamina|hepatitis|type|tipo)\s+(i{1,2}|[a-z]\d{0,2}|\d)\b")
_ROMAN = {"i": "1", "ii": "2"}


def _polarity(text: str) -> str | None:
    pos, neg = _POSITIVE.search(text) is not None, _NEGATIVE.search(text) is not None
    return "+" if pos and not neg else "-" if neg and not pos else None


def _named_values(text: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for head, value in _NAMED_BY_VALUE.findall(text):
        head = head[:7] if head.startswith("vitamin") else "type" if head == "tipo" else head
        value = _ROMAN.get(value, value)
        if head == "vitamin" and value[:1] in "dk":
            value = value[:1]  # D2/D3 are vitamin D, K1/K2 vitamin K; B1 and B12 differ
        out.setdefault(head, set()).add(value)
    return out


def _qualifier_conflict(term: str, phrase: str) -> bool:
    """The term states a polarity or a named value that the phrase states otherwise."""
    term = fold(term)
    want, said = _polarity(term), _polarity(phrase)
    if want and said and want != said:
        return True
    said_values = _named_values(phrase)
    return any(head in said_values and not values & said_values[head]
               for head, values in _named_values(term).items())


_AGE_PHRASE = re.compile(r"\b\d+[- ](?:year|month|week|day)s?[- ]old\b|\b\d+ (?:años|meses)\b", re.IGNORECASE)


# Every "without" clause of a title ("... without hemorrhage or perforation", "... without cholecystitis without
# obstruction"); _WITHOUT above takes the first condition of the first clause only.
_WITHOUT_CLAUSES = re.compile(r"\bwithout (?:mention of )?([a-z ,-]+?)(?=,| with\b| without\b|$)")


def _included(title: str) -> str:
    """A title without its "without" clauses: what the code includes."""
    return _WITHOUT_CLAUSES.sub("", title.lower())


def _with_part(title: str) -> str:
    """What a title includes after its first "with" ("... ulcer, site unspecified, with hemorrhage"), or ""."""
    included = _included(title)
    return included.split(" with ", 1)[1] if " with " in included else ""


@lru_cache(maxsize=4096)
def _excluded_by_title(title: str) -> tuple[tuple[str, ...], ...]:
    """The note words that state each condition a code's title excludes: "... without hemorrhage or
    perforation" -> (bleeding/hemorrhage words, perforation words). Only conditions of WITHOUT_SYNONYMS."""
    out = []
    for clause in _WITHOUT_CLAUSES.findall(title.lower()):
        for stem_ in content_stems(clause):
            words = next((v for k, v in conventions.WITHOUT_SYNONYMS.items() if stem_.startswith(k)), None)
            if words:
                out.append(words)
    return tuple(out)


def _says(group: tuple[str, ...], phrase: str) -> bool:
    """The phrase has a word of `group` not negated within the 3 words before it ("non-bleeding")."""
    words = re.findall(r"[a-z]+", fold(phrase))
    return any(any(w.startswith(x) for x in group) and not any(n in conventions.WITHOUT_NEGATORS
                                                                  for n in words[max(0, i - 3) : i])
               for i, w in enumerate(words))  # fmt: skip


def _stated_groups(title: str, texts: list[str]) -> list[tuple[str, ...]]:
    """The conditions the title excludes that the phrases state."""
    return [g for g in _excluded_by_title(title) if any(_says(g, t) for t in texts)]


def _includes(title: str, groups: list[tuple[str, ...]], texts: list[str]) -> bool:
    """A title that includes ("with ...") a stated condition and excludes none the phrases state."""
    with_part = _with_part(title)
    return bool(with_part) and not _stated_groups(title, texts) and any(
        w.startswith(x) for g in groups for x in g for w in re.findall(r"[a-z]+", with_part))


# Title words that name no condition of their own: a code "with" the stated condition is not less apt for them.
_TITLE_FILLER = frozenset(content_stems("unspecified other forms site type specified classified elsewhere nos both"))


def _with_sibling(s: _State, code: str, groups: list[tuple[str, ...]], texts: list[str]) -> str | None:
    """The billable code of `code`'s category that includes the stated conditions its title excluded and states
    least that the phrases do not (each title word they do not state counts against a code; a tie goes to the
    title that says "unspecified" most, then code order)."""
    said = frozenset(w for t in texts for w in content_stems(t))
    best: tuple[int, int, str] | None = None
    for other in s.terminology.descendants(code[:3]):
        title = (s.terminology.description(other) or "").lower()
        if other == code or not s.terminology.is_billable(other) or not _includes(title, groups, texts):
            continue
        unstated = sum(1 for w in content_stems(_included(title))
                       if w not in _TITLE_FILLER and not _stem_said(w, said))  # fmt: skip
        key = (unstated, -title.count("unspecified"), other)
        if best is None or key < best:
            best = key
    return best[2] if best is not None else None


_MANIFESTATION_IN = re.compile(r"\bin ((?:[a-z'-]+ ){0,5}?[a-z'-]+)(?:,|$)")
_CAUSE = re.compile(r"\b(?:due to|secondary to|caused by|because of|from|related to|associated with|in the setting "
                    r"of|as a result of|complicating|in|of|with)\b")
# Words of a title's "in ..." that name no disease: "Alcohol dependence, in remission" is a status (its own stage,
# _in_remission, reads the note's words for it), not a manifestation of a disease named "remission".
_GENERIC_CONTEXT = frozenset(content_stems("other diseases disease disorders classified elsewhere chronic unspecified "
                                           "remission"))


def _manifestation_of_stated(s: _State, code: str, d: Decision) -> bool:
    if s.understanding.language != "en":
        return True
    title = (s.terminology.description(code) or "").lower()
    m = _MANIFESTATION_IN.search(title)
    if m is None or f" in {m.group(1)}" in f" {fold(d.matched_term)}":
        return True  # no "in <disease>" in the title, or the term itself says it
    context = m.group(1)
    texts = [_read(t) for t in _mention_texts(s, d)]
    if "classified elsewhere" in context:
        return any(_CAUSE.search(t) for t in texts)
    named = [w for w in content_stems(context) if w not in _GENERIC_CONTEXT]
    said = frozenset(content_stems(_read(s.text)))
    return not named or any(_stem_said(w, said) for w in named)


def _mention_texts(s: _State, d: Decision) -> list[str]:
    return [s.understanding.mentions[m].text for m in d.mentions]


def _facts() -> dict[str, Callable[[_State, str, Decision], bool]]:
    """Each guard's fact (conventions.Guard.fact): True when the note states what the code needs."""
    return {
        "long_term": lambda s, code, d: _says_long_term(s.text, s.understanding, d) or _diabetic_maintenance(s, code, d),
        "never": lambda s, code, d: False,
        "not_test_or_vaccine": lambda s, code, d: not all(_names_test_or_vaccine(s, m) for m in d.mentions),
        "encounter": _in_sentence(_ENCOUNTER),
        "abnormal": _near(_ABNORMAL),
        "vision_loss": _near(_VISION_LOSS),
        "unplaced": lambda s, code, d: any(
            _unplaced(t, conventions.lookup_prefix(conventions.UNPLACED, code)) for t in _mention_texts(s, d)),
        "pain": _near(_PAIN),
        "tobacco_product": lambda s, code, d: any(
            _TOBACCO.search(f) and not _NOT_TOBACCO.search(f) for f in map(_read, _mention_texts(s, d))),
        "use_not_dependence": lambda s, code, d: not any(_TOBACCO_DEPENDENCE.search(_read(t)) for t in _mention_texts(s, d)),
        "acronym_written": lambda s, code, d: _acronym_written(s, d),
        "qualifier_agrees": lambda s, code, d: not any(
            _qualifier_conflict(d.matched_term, _read(t)) for t in _mention_texts(s, d)),
        "head_word": lambda s, code, d: _head_word_said(s, d),
        "pregnancy": lambda s, code, d: _PREGNANCY.search(_read(s.text)) is not None,
        # structured documents only: a case report's annotators (CodiEsp) code each generic word it narrates
        "generic_alone": lambda s, code, d: (
            getattr(s.understanding, "document_type", "unknown") not in _STRUCTURED_DOCUMENTS
            or any(_generic_alone(t, d.matched_term) for t in _mention_texts(s, d))),
        "site_words": lambda s, code, d: any(
            w in _read(t) for t in _mention_texts(s, d) for w in conventions.lookup_prefix(conventions.REQUIRED_SITE, code)),
        "manifestation_of": _manifestation_of_stated,
        "not_pain_score": lambda s, code, d: not all(
            _PAIN_SCORE.match(s.text, s.understanding.mentions[m].start, s.understanding.mentions[m].end + 16)
            for m in d.mentions),
        "skin_site": lambda s, code, d: any(
            not _INTERNAL_SITE.search(f) or _SKIN.search(f) for f in map(_read, _mention_texts(s, d))),
        "condition_words": lambda s, code, d: any(
            _names_condition(conventions.lookup_prefix(_REQUIRED_WORDS, code), t) for t in _mention_texts(s, d)),
        "qualifier": _qualifier_stated,
        "poor_general_state": lambda s, code, d: any(_not_good_state(t) for t in _mention_texts(s, d)),
        "oxygen_status": _in_sentence(_OXYGEN_STATUS),
        "dialysis_status": _in_sentence(_DIALYSIS_STATUS),
        "earlier_surgery": lambda s, code, d: any(
            s.understanding.mentions[m].assertion == "historical"
            or _sentence_says(_EARLIER_SURGERY, s.text, s.understanding, m) for m in d.mentions),
        "behavior_unstated": lambda s, code, d: not any(
            _BEHAVIOR_STATED.search(_read(t)) for t in _mention_texts(s, d)),
    }


# ------------------------------------------------------------------ helpers
def _group(candidates: list[Candidate], terminology: Terminology) -> dict[str, list[Candidate]]:
    groups: dict[str, list[Candidate]] = {}
    for c in candidates:
        info = terminology.get(c.code)
        if info is None:  # never return a code outside ICD-10-CM FY2026
            continue
        groups.setdefault(info.code, []).append(c)
    return dict(sorted(groups.items()))


_NAMES_THE_PAST = re.compile(r"\b(?:previous|prior|history of|old|sequelae?|healed)\b", re.IGNORECASE)


def _history_code(code: str) -> bool:
    return code.startswith(("Z85", "Z86", "Z87")) or code == "I25.2"


def _diagnostic(s: _State, d: Decision) -> int:
    """1 when a mention of the decision stands in a diagnostic section (Mention.section_kind, understand)."""
    return int(any(getattr(s.understanding.mentions[m], "section_kind", None) == "diagnostic" for m in d.mentions))


_WEEKS = re.compile(r"\b(\d{1,2})(?:\s*(?:\+|and)?\s*\d/7)?\s*(?:weeks?|wks?|semanas?)\b")
_LIVE_BIRTH = re.compile(r"\b(?:live|living|viable|vivo|viva)\b.*\b(?:infant|baby|newborn|neonate|male|female|boy|girl|"
                         r"recien nacido|nino|nina|varon|mujer)\b|\b(?:delivered|delivery|born|birth|parto|nacio)\b.*\b(?:live|"
                         r"alive|vivo|viva)\b")
# the weeks are the pregnancy's ("IUP at 39 weeks", "G2P1 at 38 weeks"), not a follow-up interval
_PREGNANCY = re.compile(r"\b(?:pregnan\w*|gestation\w*|intrauterine|iup|gravid\w*|g\d+\s*p\d+|embaraz\w*|gestante|"
                        r"gestacion\w*|ega)\b")
_POSTPARTUM = re.compile(r"\b(?:postpartum|post-partum|puerper\w*|posparto|postparto)\b")
_MULTIPLE_BIRTH = re.compile(r"\b(?:twins?|triplets?|gemel\w*|mellizo\w*|trillizo\w*|stillb\w*|mortinato|demise)\b")


def _mapped(table: dict[str, str], code: str, terminology: Terminology) -> str | None:
    target = conventions.lookup(table, code)
    if target is None or target not in terminology:
        return None
    if terminology.is_billable(target):
        return target
    leaf, _ = _billable_leaf(target, terminology, "A")
    return leaf


_SUBSEQUENT = re.compile(r"\b(subsequent encounter|follow[- ]up visit|routine healing|seguimiento)\b", re.IGNORECASE)
_SEQUELA = re.compile(r"\b(sequela|secuela)", re.IGNORECASE)


def _encounter_character(text: str) -> str:
    """7th character for injuries: initial (A) unless the note says subsequent (D) or sequela (S)."""
    if _SEQUELA.search(text):
        return "S"
    if _SUBSEQUENT.search(text):
        return "D"
    return "A"


_UNSPECIFIED = re.compile(r"\b(unspecified|without complications?|not elsewhere classified)\b", re.IGNORECASE)
_OTHER = re.compile(r"^other\b|\bother\b", re.IGNORECASE)


def default_leaf(code: str, terminology: Terminology) -> str | None:
    """The billable leaf a coder reports for a category named without detail (initial encounter)."""
    return _billable_leaf(code, terminology, "A")[0]


def _billable_leaf(code: str, terminology: Terminology, encounter: str) -> tuple[str | None, str]:
    """The billable code a coder would report for a category the text supports only in general terms."""
    if terminology.seventh_characters(code):
        full = terminology.with_seventh(code, encounter)
        if full and terminology.is_billable(full):
            return full, f"7th character '{encounter}' added (encounter) with X placeholders as needed"
    info = terminology.get(code)
    current = code
    for _ in range(4):  # walk down through unspecified children
        info = terminology.get(current)
        if info is None or not info.children:
            break
        children = [terminology.get(c) for c in info.children]
        pick = next((c for c in children if c and _UNSPECIFIED.search(c.description)), None)
        if pick is None and len(children) == 1:
            pick = children[0]
        if pick is None:
            pick = next((c for c in children if c and _OTHER.search(c.description)), None)
        if pick is None:
            break
        current = pick.code
        if terminology.is_billable(current):
            return current, f"{code} is a category; its unspecified leaf {current} is reported"
        if terminology.seventh_characters(current):
            full = terminology.with_seventh(current, encounter)
            if full and terminology.is_billable(full):
                return full, f"{code} resolved to {full} (7th character '{encounter}')"
    return None, ""


_SIDE_WORDS = {w: side for side, words in conventions.SIDE_WORDS.items() for w in words}
_SIDE_TOKEN = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _SIDE_WORDS), key=len, reverse=True)) + r")\b")
_EYE_SIDES = {w: side for side, words in conventions.EYE_SIDE_WORDS.items() for w in words}
_EYE_TOKEN = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _EYE_SIDES), key=len, reverse=True)) + r")\b")
_SIDE_WINDOW = 48  # characters before and after the mention, inside its sentence


_SIDE_PHRASE = re.compile(
    r"\b(right|left|bilateral|unspecified)\b(?: (?:eyes?|ears?|sides?|(?:upper|lower) limbs?))?")


def _side_key(description: str) -> tuple[str, str | None]:
    """A description with its side phrases blanked, and the side it names (None: more than one)."""
    named = {m.group(1) for m in _SIDE_PHRASE.finditer(description.lower())} - {"unspecified"}
    side = next(iter(named)) if len(named) == 1 else ("unspecified" if not named else None)
    return _SIDE_PHRASE.sub("<side>", description.lower()), side


@lru_cache(maxsize=4096)
def _laterality_family(code: str, terminology: Terminology) -> tuple[str, dict[str, str]] | None:
    """The side a code names and its siblings by side, when their descriptions differ only in
    right/left/bilateral/unspecified (C50.911 .. C50.919; S72.001A .. S72.009A keep their 7th character)."""
    family = _side_family(code, code, "", terminology)
    if family is None and len(code) == 8 and code[7].isalpha():  # an injury's 7th character
        family = _side_family(code, code[:7].rstrip("X"), code[7], terminology)
    return family


def _side_family(code: str, base: str, seventh: str, terminology: Terminology) -> tuple[str, dict[str, str]] | None:
    info = terminology.get(base)
    if info is None or info.parent is None or "<side>" not in (key := _side_key(info.description))[0]:
        return None
    parent = terminology.get(info.parent)
    if parent is None:
        return None
    family: dict[str, str] = {}
    for sib in parent.children:
        sinfo = terminology.get(sib)
        if sinfo is None or len(sib) != len(base):
            continue
        skey, side = _side_key(sinfo.description)
        full = sib.ljust(7, "X") + seventh if seventh else sib
        if skey == key[0] and side is not None and full in terminology:
            family.setdefault(side, full)
    if key[1] is None or family.get(key[1]) != code or len(family) < 2:
        return None
    return key[1], family


_PAIRED_PLURAL = re.compile(r"\b(?:" + "|".join(conventions.PAIRED_PLURALS) + r")\b")


def _sided_sibling(s: _State, code: str) -> None:
    """A code that names no side, for a phrase that states one ("osteoarthritis of the right knee", "of both
    knees", "of the knees"), becomes the code of its category for that side when the category has one that
    says no more than the code and the phrase do (M17.9 -> M17.11 "Unilateral primary osteoarthritis, right
    knee", M17.0 "Bilateral primary osteoarthritis of knee": the Index's "Osteoarthritis, knee, right /
    bilateral"; "primary" and "unilateral" are its defaults, conventions.SIDED_DEFAULT_WORDS)."""
    sided = _sided_codes(s.terminology, code[:3])
    d = s.finals[code]
    if not sided or code in sided[0] or d.probability < s.floor:
        return  # most categories have no code for a side; a code under the floor is not reported anyway
    side = _stated_side(s, d, code.startswith("H"))
    if side not in ("right", "left", "bilateral"):
        return
    title = s.terminology.description(code) or ""
    own = frozenset(content_stems(title)) | frozenset(w for t in _mention_texts(s, d) for w in content_stems(t))
    if s.understanding.language == "en":
        own |= _regions(own)  # "cellulitis of the left foot": the left lower limb's code
    allowed = own | _SIDED_DEFAULT_STEMS | frozenset(content_stems(side))
    # exact stems first: the prefix comparison of _stem_said only for the few words left over
    target = next((c for c, c_side, stems in sided[1] if c_side == side
                   and len(extra := [w for w in stems if w not in allowed]) <= 2
                   and all(_stem_said(w, allowed) for w in extra)), None)
    if target is None:
        return
    del s.finals[code]  # a target the candidates also proposed takes this decision's weight (add_final merges)
    s.discard(d, "superseded_by_more_specific", MORE_SPECIFIC, f"the note states the {side} side: {target}",
              by=target)
    s.add_final(replace(d, code=target, derived_from=code, rule_id=LATERALITY,
                        rule=f"the note states the {side} side: {target}, not {code}"))


@lru_cache(maxsize=4096)
def _sided_codes(
    terminology: Terminology, category: str
) -> tuple[frozenset[str], tuple[tuple[str, str, tuple[str, ...]], ...]] | None:
    """The billable codes of a category whose title names one side: (their codes, (code, side, title stems)),
    None when it has none."""
    out = []
    for code in terminology.descendants(category):
        title = fold(terminology.description(code) or "")
        sides = {_SIDE_WORDS[w.group(1)] for w in _SIDE_TOKEN.finditer(title)}
        if len(sides) == 1 and terminology.is_billable(code):
            out.append((code, sides.pop(), tuple(content_stems(title))))
    return (frozenset(c for c, _, _ in out), tuple(out)) if out else None


_SIDED_DEFAULT_STEMS = frozenset(w for x in conventions.SIDED_DEFAULT_WORDS for w in content_stems(x))


def _stated_side(s: _State, d: Decision, eye: bool) -> str | None:
    """right/left/bilateral when the evidence states one side (OD/OS/OU for the eye), None when it states
    none, "ambiguous" when its mentions state different sides."""
    sides = {side for side in (_mention_side(s, m, eye) for m in d.mentions) if side}
    if len(sides) > 1:
        return "bilateral" if "bilateral" in sides else "ambiguous"
    return next(iter(sides), None)


def _mention_side(s: _State, m: int, eye: bool) -> str | None:
    """The side word nearest a mention inside its sentence: in the mention ("right carpal tunnel"), else
    just after it ("cataract, right eye"), else just before it ("OD: nuclear sclerosis")."""
    mention = s.understanding.mentions[m]
    sentence = s.understanding.sentences[mention.sentence]
    inside = _read(s.text[mention.start:mention.end])
    after = _read(s.text[mention.end:min(sentence.end, mention.end + _SIDE_WINDOW)])
    before = _read(s.text[max(sentence.start, mention.start - _SIDE_WINDOW):mention.start])
    for window, last in ((inside, False), (after, False), (before, True)):
        found = [(w.start(), _SIDE_WORDS[w.group(1)]) for w in _SIDE_TOKEN.finditer(window)]
        if window is inside:  # "osteoarthritis of the knees": a paired organ in the plural is both sides
            found += [(w.start(), "bilateral") for w in _PAIRED_PLURAL.finditer(window)]
        if eye:
            found += [(w.start(), _EYE_SIDES[w.group(1)]) for w in _EYE_TOKEN.finditer(window)]
        if found:
            named = {side for _, side in found}
            if window is inside and len(named) > 1:
                return "bilateral" if "bilateral" in named else None
            return sorted(found)[-1 if last else 0][1]
    return None


_NOT_CONDITION_WORDS = frozenset(
    "unspecified other specified not elsewhere classified nos without with type site part".split())


_NOT_CONDITION_STEMS = frozenset(st for w in _NOT_CONDITION_WORDS for st in content_stems(w))


@lru_cache(maxsize=8192)
def _condition_stems(code: str, terminology: Terminology, all_words: bool = False) -> frozenset[str]:
    """The content stems of a code's description: its condition words (all its words with all_words)."""
    description = terminology.description(code) or ""
    return frozenset(w for w in content_stems(description)
                     if all_words or w not in _NOT_CONDITION_STEMS)


_NONESSENTIAL = re.compile(r"\([^)]*\)|\[[^\]]*\]|,?\s*unspecified (?:as to|whether) [^,]*|,?\s*not elsewhere classified"
                           r"|,?\s*\buncomplicated\b")  # the default when the note states no complication


def _own_stems(description: str) -> frozenset[str]:
    return frozenset(content_stems(_NONESSENTIAL.sub(" ", description)))


def _stated_sibling(code: str, terminology: Terminology, said: frozenset[str]) -> str | None:
    """The billable sibling (under the unspecified code's parent) whose own words are all in `said`; the one
    with the most such words, None when none or a tie."""
    # equal own words: the sibling whose whole title the phrase says more of ("right axillary abscess" is
    # L02.411 "Cutaneous abscess of right axilla", not the furuncle or carbuncle of it)
    # what the unspecified code itself says is said ("... of unspecified site of left female breast": the
    # upper-outer quadrant of the left female breast needs only its quadrant)
    known = said | _own_stems(terminology.description(code) or "")
    found = sorted(((len(own), len(_own_stems(terminology.description(sib) or "") & said), sib)
                    for sib, own in _siblings_own_words(code, terminology)
                    if all(_stem_said(w, known) for w in own)), reverse=True)
    if not found or (len(found) > 1 and found[0][:2] == found[1][:2]):
        return None
    return found[0][2]


@lru_cache(maxsize=4096)
def _siblings_own_words(code: str, terminology: Terminology) -> tuple[tuple[str, frozenset[str]], ...]:
    """The specific billable codes under an unspecified code's parent, each with its own words: those of its
    description its parent's lacks (computed once per code: the terminology does not change)."""
    info = terminology.get(code)
    parent = terminology.get(info.parent) if info and info.parent else None
    while parent is not None and _UNSPECIFIED.search(parent.description) and parent.parent:
        # an unspecified subcategory ("F17.20 Nicotine dependence, unspecified"): its siblings are the
        # category's ("F17.21- Nicotine dependence, cigarettes"), through every unspecified level ("C50.91
        # ... of breast of unspecified site, female" under "C50.9 ... of unspecified site": C50)
        parent = terminology.get(parent.parent) or parent
    if parent is None or len(code) > 7:  # 7th-character codes: the injury's own family
        return ()
    base = _own_stems(parent.description)
    out: list[tuple[str, frozenset[str]]] = []
    for sib in terminology.descendants(parent.code):
        sinfo = terminology.get(sib)
        if sib == code or sinfo is None or not sinfo.billable or len(sib) > 7:
            continue
        plain = _NONESSENTIAL.sub(" ", sinfo.description)
        if _UNSPECIFIED.search(plain) or _OTHER.search(plain):
            continue
        own = _own_stems(sinfo.description) - base
        if own:
            out.append((sib, own))
    return tuple(out)


def _stem_said(stem_: str, said: frozenset[str]) -> bool:
    """A description's stem among the phrase's, allowing the light stemmer's derivations ("hypoxia",
    "hypoxic"): words of five letters or more that differ at most in their last letter."""
    if stem_ in said:
        return True
    return len(stem_) >= 5 and any(
        len(w) >= 5 and len(os.path.commonprefix((w, stem_))) >= max(5, min(len(w), len(stem_)) - 1) for w in said)


def _is_residual(code: str, terminology: Terminology) -> bool:
    """An "Other ..." code: what its category's named codes leave over."""
    info = terminology.get(code)
    return bool(info and info.description.lower().startswith("other "))


def _shares_a_mention(s: _State, a: Decision, b: Decision) -> bool:
    mentions = s.understanding.mentions
    return any(mentions[m].start < mentions[n].end and mentions[n].start < mentions[m].end
               for m in a.mentions for n in b.mentions)


def _is_unspecified(code: str, terminology: Terminology) -> bool:
    info = terminology.get(code)
    return bool(info and _UNSPECIFIED.search(info.description))


def _more_specific(
    code: str, finals: dict[str, Decision], terminology: Terminology, min_probability: float
) -> str | None:
    """A final code that makes `code` redundant: a descendant, or (for an unspecified code) a sibling."""
    for other in sorted(finals, key=lambda c: (-finals[c].probability, c)):
        if other == code or finals[other].probability < min_probability:
            continue
        if code in terminology.ancestors(other):
            return other
        if (
            _is_unspecified(code, terminology)
            and not _is_unspecified(other, terminology)
            and other[:3] == code[:3]
            and finals[other].assertion == finals[code].assertion
        ):
            return other
    return None


COMBINATION_LEXICAL = 0.7


def _well_named(candidates: list[Candidate], mentions, terminology: Terminology,
                current: Callable[[int], bool] | None = None) -> dict[str, Decision]:
    """Codes a present mention names closely, with a confidence from the match when the model's is lower;
    `current`: which other mentions count as present."""
    named: dict[str, Decision] = {}
    for c in candidates:
        if c.lexical < COMBINATION_LEXICAL or c.code not in terminology or not (
                mentions[c.mention].assertion == "present" or current is not None and current(c.mention)):
            continue
        prob = max(c.probability, 0.8 * c.lexical)
        prior = named.get(c.code)
        if prior is None or prob > prior.probability:
            named[c.code] = Decision(code=c.code, probability=prob, mentions=(c.mention,), assertion="present",
                                     matched_term=c.matched_term, rule="named by a present mention")
    return named


def _first_with_prefix(pool: dict[str, Decision], prefix: str, besides: str) -> str | None:
    """The best supported present code under `prefix` (other than the combination itself)."""
    hits = [c for c in pool if c != besides and c.startswith(prefix) and pool[c].assertion == "present"]
    return min(hits, key=lambda c: (-pool[c].probability, c)) if hits else None


def _integral_target(symptom: str, finals: dict[str, Decision]) -> str | None:
    best = None
    for n in range(len(symptom), 2, -1):
        targets = conventions.INTEGRAL_SYMPTOMS.get(symptom[:n])
        if targets:
            best = targets
            break
    if not best:
        return None
    for code in sorted(finals, key=lambda c: (-finals[c].probability, c)):
        if code != symptom and not code.startswith("R") and conventions.has_prefix(code, best):
            return code
    return None


def _center_keeps(s: _State, keeps: frozenset[str]) -> None:
    """A custom model's center codes what these conventions discard: such a code, above the floor, is final."""
    for d in sorted(s.discarded, key=lambda d: (-d.probability, d.code)):
        if d.rule_id in keeps and d.rule_id not in NOT_OVERRIDABLE and d.probability >= s.floor \
                and d.code not in s.finals:
            s.finals[d.code] = replace(d, reason=None, superseded_by=None, rule_id=CENTER_KEEPS,
                                       rule=f"the center codes it although the convention {d.rule_id} discards it "
                                       f"({d.rule}), as its coded notes show")  # fmt: skip


def _dedupe_discarded(discarded: list[Decision], final_codes: set[str]) -> list[Decision]:
    """One discarded entry per code (the best supported), none for a code that is also final."""
    best: dict[str, Decision] = {}
    for d in discarded:
        if d.code in final_codes or d.probability < REPORT_FLOOR:
            continue
        prior = best.get(d.code)
        if prior is None or d.probability > prior.probability:
            best[d.code] = d
    ranked = sorted(best.values(), key=lambda d: (-d.probability, d.code))
    return ranked[:MAX_DISCARDED]



_LONG_TERM = re.compile(
    r"\b(?:" + "|".join(re.escape(c) for c in conventions.LONG_TERM_CUES) + r")\b", re.IGNORECASE
)




def _diabetic_maintenance(s: _State, code: str, d: Decision) -> bool:
    """I.C.4.a.3: a diabetic's antidiabetic drug is long-term use, unless every mention of it is temporary."""
    if not code.startswith(conventions.DIABETES_DRUG_PREFIXES) or not any(
            "E08" <= c[:3] <= "E13" for c, f in s.finals.items() if f.probability >= s.floor):
        return False
    for m in d.mentions:
        mention = s.understanding.mentions[m]
        sentence = s.understanding.sentences[mention.sentence]
        if not _TEMPORARY_DRUG.search(_read(s.text[sentence.start:sentence.end])):
            return True
    return False


def _says_long_term(text: str, understanding: Understanding, d: Decision) -> bool:
    for m in d.mentions:
        mention = understanding.mentions[m]
        sentence = understanding.sentences[mention.sentence]
        if not _span_says(_LONG_TERM, text, sentence.start, sentence.end):
            continue
        # the course is the drug's own clause's: "cefpodoxime to complete a 14-day course, metformin 1000 mg"
        clause = _clause(text, understanding, m)
        if not ((_SHORT_COURSE.search(clause) or _STOPPED.search(clause)) and not _EXPLICITLY_LONG_TERM.search(clause)):
            return True
    return False


def _drug_stopped(s: _State, d: Decision) -> bool:
    """Every mention of the drug stands in a clause that says it was stopped ("off anticoagulation since")."""
    return bool(d.mentions) and all(_STOPPED.search(_clause(s.text, s.understanding, m)) for m in d.mentions)


def _clause(text: str, understanding: Understanding, m: int) -> str:
    """The mention's clause: its sentence between the commas or semicolons around it, folded."""
    mention = understanding.mentions[m]
    sentence = understanding.sentences[mention.sentence]
    start = max(text.rfind(",", sentence.start, mention.start), text.rfind(";", sentence.start, mention.start),
                sentence.start - 1) + 1
    ends = [i for i in (text.find(",", mention.end, sentence.end), text.find(";", mention.end, sentence.end)) if i >= 0]
    return _read(text[start:min(ends, default=sentence.end)])


# A pain score where the mention starts: "Pain 7/10", "pain: 3 out of 10", "pain score of 4", "Pain level 6/10".
_PAIN_SCORE = re.compile(r"pain\s*(?:(?:score|scale|level|rating|intensity)\s*)?(?:(?:is|of|was|at)\s+)?[:=]?\s*"
                         r"\d{1,2}(?:\.\d)?(?:\s*/\s*10\b|\s+(?:out\s+)?of\s+10\b|\b)", re.IGNORECASE)


# A drug the clause says the patient no longer takes ("off anticoagulation since", "metformin was stopped") is
# no current long-term use, whatever "since" or "daily" says (a drug held for a procedure is still taken).
_STOPPED = re.compile(r"\boff\b|\bstopped\b|\bdiscontinued\b|\bno longer\b|\bcompleted\b|\bsuspendid[oa]s?\b|"
                      r"\bretirad[oa]s?\b|\bya no\b", re.IGNORECASE)


# A course of days ("prednisone 40 mg daily x 5 days", "to complete 5 days", a taper or burst) is not long-term
# use, even when taken daily (Guideline I.C.21.c.3: Z79 is for prolonged use, not a short course).
_SHORT_COURSE = re.compile(
    r"\bx\s*\d+\s*(?:more\s+)?days?\b|\bto complete\s+(?:a\s+)?\d+[- ]days?\b|\bfor\s+(?:another\s+)?\d+\s+(?:more\s+)?days\b|"
    r"\btaper(?:ing|ed)?\b|\bburst\b|\bdurante\s+\d+\s+dias\b|\bpauta descendente\b|\bdescendente\b",
    re.IGNORECASE)
_EXPLICITLY_LONG_TERM = re.compile(r"\blong[- ]?term\b|\bchronic(?:ally)?\b|\bmaintenance\b|\bcronic[oa]s?\b|"
                                   r"\bmantenimiento\b", re.IGNORECASE)


def _words_regex(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)


def _word_starts(words: tuple[str, ...]) -> re.Pattern[str]:
    """Word beginnings; entries of three letters or fewer (abbreviations) and entries ending in "$" as whole
    words."""
    parts = [re.escape(w.rstrip("$")) + (r"\b" if len(w) <= 3 or w.endswith("$") else "") for w in words]
    return re.compile(r"\b(?:" + "|".join(parts) + r")")


_TOBACCO = _word_starts(conventions.TOBACCO_WORDS)
_NOT_TOBACCO = _word_starts(conventions.NOT_TOBACCO_WORDS)
_TOBACCO_DEPENDENCE = _word_starts(conventions.TOBACCO_DEPENDENCE_WORDS)
_REQUIRED_WORDS = {code: _word_starts(words) for code, words in conventions.REQUIRED_WORDS.items()}
_INTERNAL_SITE = _word_starts(conventions.INTERNAL_SITE_WORDS)
_SKIN = _word_starts(conventions.SKIN_WORDS)
_STATED_QUALIFIER = {code: (_word_starts(cues), plain) for code, (cues, plain) in conventions.STATED_QUALIFIER.items()}
_GENERAL_STATE = _word_starts(conventions.GENERAL_STATE_WORDS)
_GENERAL_STATE_WORSE = _word_starts(conventions.GENERAL_STATE_WORSE)
_DIALYSIS_STATUS = _word_starts(conventions.DIALYSIS_STATUS_CUES)
_DISC = _word_starts(conventions.DISC_WORDS)
_TEMPORARY_DRUG = _words_regex(conventions.TEMPORARY_DIABETES_DRUG_CUES)
_OXYGEN_STATUS = _word_starts(conventions.OXYGEN_STATUS_CUES)
_EARLIER_SURGERY = _word_starts(conventions.EARLIER_SURGERY_CUES)


def _not_good_state(mention_text: str) -> bool:
    """A phrase about the general condition counts for malaise only when it calls it poor or worse."""
    folded = _read(mention_text)
    return not _GENERAL_STATE.search(folded) or _GENERAL_STATE_WORSE.search(folded) is not None


_THINNING = _word_starts(conventions.THINNING_WORDS)
_WEIGHT_WORDS = _word_starts(tuple(w for w in conventions.REQUIRED_WORDS["R63.4"] if w != "adelgaz"))


def _names_condition(words: re.Pattern[str], mention_text: str) -> bool:
    """The phrase carries the code's own word; "adelgazamiento" of a named tissue is no weight loss."""
    folded = _read(mention_text)
    if not words.search(folded):
        return False
    if _THINNING.search(folded) and not _WEIGHT_WORDS.search(folded):
        return _unplaced(mention_text, conventions.WEIGHT_LOSS_ALONE_WORDS)
    return True
_CHRONIC = _words_regex(conventions.CHRONIC_WORDS)
_ENCOUNTER = _words_regex(conventions.ENCOUNTER_CUES)
_CURRENT_CANCER = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in conventions.CURRENT_CANCER_CUES) + r")")
_ABNORMAL = re.compile(
    r"\b(?:" + "|".join(re.escape(w) for w in conventions.ABNORMAL_CUES) + r")\w*|\b\w{3,}(?:uria|emia)\b"
)
_VISION_LOSS = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in conventions.VISION_LOSS_CUES) + r")")
_BEHAVIOR_STATED = re.compile("|".join(re.escape(w) for w in conventions.BEHAVIOR_STATED))
_PAIN = re.compile("|".join(re.escape(w) for w in conventions.PAIN_CUES))
_ABNORMAL_BEFORE = 30  # characters around the mention where "elevated ..." or "... was positive" is said
_ABNORMAL_AFTER = 40


def _sentence_says(pattern: re.Pattern[str], text: str, understanding: Understanding, mention: int) -> bool:
    sentence = understanding.sentences[understanding.mentions[mention].sentence]
    return _span_says(pattern, text, sentence.start, sentence.end)


# "no evidence of recurrence", "without metastases", "free of progression": a cue the sentence negates
_NEGATED_BEFORE = re.compile(r"\b(?:no|not|without|free of|negative for|sin|libre de|ni|ninguna?)\b(?:\W+\w+){0,3}\W*$")


def _sentence_says_current_cancer(text: str, understanding: Understanding, mention: int) -> bool:
    sentence = understanding.sentences[understanding.mentions[mention].sentence]
    return _span_says_current_cancer(text, sentence.start, sentence.end)


def _qualifier_stated(s: _State, code: str, d: Decision) -> bool:
    """The qualifier a code needs is in a sentence of its mentions; one a note may deny ("does not involve the
    nail", "without ... nail bed involvement": conventions.DENIABLE_QUALIFIERS) must be said, not denied."""
    pattern = _STATED_QUALIFIER[code][0]
    deniable = conventions.has_prefix(code, conventions.DENIABLE_QUALIFIERS)
    for m in d.mentions:
        sentence = s.understanding.sentences[s.understanding.mentions[m].sentence]
        if (_span_says_unnegated if deniable else _span_says)(pattern, s.text, sentence.start, sentence.end):
            return True
    return False


def _span_says_unnegated(pattern: re.Pattern[str], text: str, start: int, end: int) -> bool:
    folded = _read(text[start:end])
    return any(_NEGATED_BEFORE.search(folded, max(0, m.start() - 40), m.start()) is None
               for m in pattern.finditer(folded))


@lru_cache(maxsize=1024)
def _span_says_current_cancer(text: str, start: int, end: int) -> bool:
    folded = _read(text[start:end])
    return any(_NEGATED_BEFORE.search(folded, max(0, m.start() - 40), m.start()) is None
               for m in _CURRENT_CANCER.finditer(folded))


@lru_cache(maxsize=1024)
def _span_says(pattern: re.Pattern[str], text: str, start: int, end: int) -> bool:
    # Once per sentence, not once per mention of each code: a long sentence that repeats "history of lung
    # cancer" was folded and searched again for every mention (quadratic).
    return pattern.search(_read(text[start:end])) is not None


def _unplaced(mention_text: str, allowed: frozenset[str]) -> bool:
    words = [w for w in tokens(_read(mention_text)) if w not in STOP_WORDS and not any(c.isdigit() for c in w)]
    return bool(words) and all(w in allowed for w in words)


def _external_cause(code: str) -> bool:
    """V00-Y38: the external cause of an injury (transport, falls, assault, ...)."""
    return code[:1] in "VWX" or (code[:1] == "Y" and code[1:3].isdigit() and int(code[1:3]) <= 38)


def _malignant(code: str) -> bool:
    return code[:1] == "C" and code[1:3].isdigit() and int(code[1:3]) <= 96


def _near_mention(pattern: re.Pattern[str], text: str, understanding: Understanding, d: Decision) -> bool:
    for m in d.mentions:
        mention = understanding.mentions[m]
        sentence = understanding.sentences[mention.sentence]
        lo = max(sentence.start, mention.start - _ABNORMAL_BEFORE)
        hi = min(sentence.end, mention.end + _ABNORMAL_AFTER)
        if pattern.search(_read(text[lo:hi])):
            return True
    return False


_FACTS = _facts()
