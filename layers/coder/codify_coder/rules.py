"""Stage 5: the ICD-10-CM conventions a coder applies, turning scored candidates into decisions.

Input: the note text, its Understanding, the scored Candidates. Output: one Decision per code, either
final or discarded with a reason from the design's list. Every decision names the mention, the
assertion and the rule, so assemble.py can write a justification a coder can verify.

Order matters and follows how a coder works: group the evidence per code, route by assertion (negated,
family, history, uncertain, hypothetical), resolve to billable leaves (7th characters, X placeholders,
unspecified children), apply the confidence floor, keep one code among siblings coded from the same
words, prefer the most specific supported code, require a long-term cue for Z79, require the phrase to
name the code's own condition (not a specimen, organ, test or measurement) and statuses to be statuses
(maintenance dialysis, an earlier surgery), apply combination codes ("with"), drop symptoms integral to a
confirmed diagnosis, resolve Excludes1 conflicts, then max_codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from . import conventions
from .terminology.text import STOP_WORDS, fold, tokens
from .types import Assertion, Candidate, CodeOptions, DiscardReason, Understanding

if TYPE_CHECKING:
    from .terminology import Terminology

# A discarded candidate is reported when its confidence shows as at least 1 (of 100): the coder sees
# every code that was weighed, ranked, and the ranking's tail is where a missed code is found.
REPORT_FLOOR = 0.005
# Most discarded entries a response carries (the ones with the highest confidence).
MAX_DISCARDED = 40


@dataclass(frozen=True, slots=True)
class Decision:
    code: str
    probability: float
    mentions: tuple[int, ...]  # indices into Understanding.mentions: the evidence
    assertion: Assertion
    matched_term: str
    rule: str  # which convention produced or kept this code, in words
    reason: DiscardReason | None = None  # None => final
    superseded_by: str | None = None
    derived_from: str | None = None  # e.g. Z80.3 derived from C50.919

    @property
    def final(self) -> bool:
        return self.reason is None


def apply(
    text: str,
    understanding: Understanding,
    candidates: list[Candidate],
    terminology: Terminology,
    options: CodeOptions,
    threshold: float = 0.5,
) -> list[Decision]:
    _span_says.cache_clear()  # memo of one note at a time (it holds a reference to the latest note)
    mentions = understanding.mentions
    finals: dict[str, Decision] = {}
    discarded: list[Decision] = []

    def discard(d: Decision, reason: DiscardReason, rule: str, by: str | None = None) -> None:
        discarded.append(replace(d, reason=reason, rule=rule, superseded_by=by))

    def add_final(d: Decision) -> None:
        prior = finals.get(d.code)
        if prior is None:
            finals[d.code] = d
            return
        merged = tuple(sorted(set(prior.mentions) | set(d.mentions)))
        best = prior if prior.probability >= d.probability else d
        finals[d.code] = replace(best, mentions=merged)

    floor = max(threshold, options.min_confidence / 100)

    # 1. Group evidence per code and route it by assertion.
    for code, group in _group(candidates, terminology).items():
        by_assertion: dict[str, list[Candidate]] = {}
        for c in group:
            by_assertion.setdefault(mentions[c.mention].assertion, []).append(c)
        for assertion, cands in sorted(by_assertion.items()):
            best = max(cands, key=lambda c: (c.probability, c.lexical))
            d = Decision(
                code=code,
                probability=best.probability,
                mentions=tuple(sorted({c.mention for c in cands})),
                assertion=assertion,  # type: ignore[arg-type]
                matched_term=best.matched_term,
                rule="mention matches the code's terminology",
            )
            chronic = assertion == "historical" and (
                any(_CHRONIC.search(fold(mentions[c.mention].text)) for c in cands)
                or (_malignant(code) and any(_sentence_says(_CURRENT_CANCER, text, understanding, c.mention)
                                             for c in cands))
            )
            _route(d, terminology, options, add_final, discard, chronic)

    # 2. Billable leaves: 7th characters with X placeholders, unspecified children.
    encounter = _encounter_character(text)
    for code, d in list(finals.items()):
        if terminology.is_billable(code):
            continue
        del finals[code]
        specific = [c for c in finals
                    if c != code and finals[c].probability >= floor and code in terminology.ancestors(c)]
        if specific:
            discard(d, "superseded_by_more_specific", "a more specific code is supported", by=specific[0])
            continue
        leaf, how = _billable_leaf(code, terminology, encounter)
        if leaf is None:
            discard(d, "not_billable", "category without a billable leaf the text supports")
        else:
            add_final(replace(d, code=leaf, rule=how, derived_from=code))

    # 3. The confidence floor comes before the conventions that weigh codes against each other: a code
    # the model does not believe must not supersede, combine with or exclude one it does.
    for code in sorted(finals):
        if finals[code].probability < floor:
            discard(finals.pop(code), "low_confidence", f"confidence below {round(floor * 100)}")

    # 4a. One mention, one code among siblings: "vomiting" supports R11.10 or R11.11, not both. The weaker
    # sibling coded from exactly the same evidence is the same condition coded twice; so is a code of the
    # same category ("rheumatoid arthritis": M06.9, not also M06.00 "without rheumatoid factor").
    for code in sorted(finals, key=lambda c: (finals[c].probability, c)):
        d = finals.get(code)
        parent = terminology.ancestors(code)[:1]
        if d is None or not parent:
            continue
        for other, o in finals.items():
            if (other != code and o.mentions == d.mentions and o.probability >= d.probability
                    and (terminology.ancestors(other)[:1] == parent or other[:3] == code[:3])):
                del finals[code]
                discard(d, "duplicate", f"the same words are coded {other}, a code of the same category",
                        by=other)
                break

    # 4b. Most specific: an ancestor, or an unspecified sibling in the same category, yields to a specific
    # code, but only to one the model itself believes at least as much (a weak sibling is a guess).
    for code in sorted(finals):
        d = finals.get(code)
        if d is None:
            continue
        better = _more_specific(code, finals, terminology, min_probability=max(floor, d.probability - 0.15))
        if better is not None:
            del finals[code]
            discard(d, "superseded_by_more_specific", f"{better} is more specific", by=better)

    # 4b'. An unspecified site or kind yields to a final code that names it (D49.9 when the note codes
    # the kidney tumor as C64.2; T14.90XA when the injury is coded by region).
    for code in sorted(finals):
        site = conventions.lookup(conventions.SITE_UNSPECIFIED, code)
        if site is None or code not in finals:
            continue
        named_site = next((o for o in sorted(finals, key=lambda c: (-finals[c].probability, c))
                           if o != code and site[0] <= o[:3] <= site[1]
                           and conventions.lookup(conventions.SITE_UNSPECIFIED, o) is None), None)
        if named_site is not None:
            discard(finals.pop(code), "superseded_by_more_specific", f"the note names the site: {named_site}",
                    by=named_site)

    # 4c. Long-term drug therapy (Z79) only when the note says the use is long-term (Guideline I.C.21.c.3).
    for code in sorted(finals):
        if conventions.has_prefix(code, conventions.LONG_TERM_PREFIXES) and not _says_long_term(
            text, understanding, finals[code]
        ):
            discard(finals.pop(code), "low_confidence", "long-term use is not stated (Guideline I.C.21.c.3)")

    # 4d. Codes the guidelines reserve for what the note states: an encounter for radiotherapy or
    # chemotherapy (I.C.2.e.2), an abnormal (not just measured) finding (III.B), an external cause's place,
    # activity or status (I.C.20).
    for code in sorted(finals):
        if conventions.has_prefix(code, conventions.NOT_ASSIGNED):
            discard(finals.pop(code), "low_confidence",
                    "not assigned when the place, activity or status is not stated (Guideline I.C.20)")
        elif conventions.has_prefix(code, conventions.ENCOUNTER_PREFIXES) and not any(
            _sentence_says(_ENCOUNTER, text, understanding, m) for m in finals[code].mentions
        ):
            discard(finals.pop(code), "low_confidence",
                    "the treatment is mentioned, not the reason for this encounter (Guideline I.C.2.e)")
        elif conventions.has_prefix(code, conventions.ABNORMAL_FINDING_PREFIXES) and not _near_mention(
            _ABNORMAL, text, understanding, finals[code]
        ):
            discard(finals.pop(code), "low_confidence",
                    "a test is named, not an abnormal result (Guideline III.B)")
        elif conventions.has_prefix(code, conventions.VISION_LOSS_PREFIXES) and not _near_mention(
            _VISION_LOSS, text, understanding, finals[code]
        ):
            discard(finals.pop(code), "low_confidence", "visual acuity is measured, no loss of vision is stated")
        elif conventions.lookup_prefix(conventions.UNPLACED, code) is not None and not any(
            _unplaced(mentions[m].text, conventions.lookup_prefix(conventions.UNPLACED, code))
            for m in finals[code].mentions
        ):
            discard(finals.pop(code), "low_confidence",
                    "the note names the site or kind: this code is for an unspecified region "
                    "(Guideline I.C.19, Index: the site's own entry)")
        elif conventions.has_prefix(code, conventions.PAIN_PREFIXES) and not _near_mention(
            _PAIN, text, understanding, finals[code]
        ):
            discard(finals.pop(code), "low_confidence", "a region is named, no pain or tenderness there")
        elif (site := conventions.lookup_prefix(conventions.REQUIRED_SITE, code)) is not None and not any(
            w in fold(mentions[m].text) for m in finals[code].mentions for w in site
        ):
            discard(finals.pop(code), "low_confidence", "the organ or region the code names is not in the phrase")
        elif (words := conventions.lookup_prefix(_REQUIRED_WORDS, code)) is not None and not any(
            _names_condition(words, mentions[m].text) for m in finals[code].mentions
        ):
            discard(finals.pop(code), "low_confidence", "the phrase does not name the condition the code names "
                    "(a specimen, organ or measurement is named)")
        elif code in _STATED_QUALIFIER and not any(
            _sentence_says(_STATED_QUALIFIER[code][0], text, understanding, m) for m in finals[code].mentions
        ):
            d, plain = finals.pop(code), _STATED_QUALIFIER[code][1]
            if plain in terminology and plain not in finals:
                add_final(replace(d, code=plain, derived_from=code,
                                  rule=f"{code} needs its qualifier stated; the plain code {plain} is reported"))
            discard(d, "superseded_by_more_specific", f"the qualifier of {code} is not stated", by=plain)
        elif conventions.has_prefix(code, conventions.GENERAL_STATE_PREFIXES) and not any(
            _not_good_state(mentions[m].text) for m in finals[code].mentions
        ):
            discard(finals.pop(code), "low_confidence", "the general condition is described, not as poor or worse")
        elif conventions.has_prefix(code, conventions.DIALYSIS_STATUS_PREFIXES) and not any(
            _sentence_says(_DIALYSIS_STATUS, text, understanding, m) for m in finals[code].mentions
        ):
            discard(finals.pop(code), "low_confidence",
                    "dialysis is given, not maintenance dialysis: a procedure, not a status (Guideline I.C.21.c.3)")
        elif conventions.has_prefix(code, conventions.ACQUIRED_ABSENCE_PREFIXES) and not any(
            mentions[m].assertion == "historical" or _sentence_says(_EARLIER_SURGERY, text, understanding, m)
            for m in finals[code].mentions
        ):
            discard(finals.pop(code), "low_confidence",
                    "the removal is this case's procedure, not an earlier one: no acquired-absence status "
                    "(Guideline I.C.21.c.3)")
        elif conventions.has_prefix(code, conventions.UNSPECIFIED_BEHAVIOR_PREFIXES) and any(
            _BEHAVIOR_STATED.search(fold(mentions[m].text)) for m in finals[code].mentions
        ):
            discard(finals.pop(code), "low_confidence",
                    "the note names the neoplasm's morphology: its behavior is stated (Neoplasm table)")

    # 4e. Place, activity and status codes only with an external cause code (Guideline I.C.20).
    if not any(_external_cause(c) for c in finals):
        for code in sorted(finals):
            if conventions.has_prefix(code, conventions.WITH_EXTERNAL_CAUSE):
                discard(finals.pop(code), "low_confidence",
                        "place, activity and status codes accompany an external cause code (Guideline I.C.20)")

    # 4f. A procedure as the cause of a complication only with the complication coded (Guideline I.C.19.g).
    if not any(conventions.has_prefix(c, conventions.COMPLICATION_PREFIXES) for c in finals):
        for code in sorted(finals):
            if conventions.has_prefix(code, conventions.PROCEDURE_CAUSE_PREFIXES):
                discard(finals.pop(code), "low_confidence",
                        "a procedure is named, no complication of it is coded (Guideline I.C.19.g)")

    # 5. Combination codes ("with" convention). A component counts when it is final or when a present
    # mention names it well (lexical >= COMBINATION_LEXICAL): the convention, not the model, links them.
    named = _well_named(candidates, mentions, terminology)
    for required, combo, replaces in conventions.COMBINATIONS:
        if combo not in terminology:
            continue
        pool = {**named, **{c: d for c, d in finals.items() if c not in named or d.probability > named[c].probability}}
        parts = [_first_with_prefix(pool, p, combo) for p in required]
        if any(p is None for p in parts):
            continue
        support = [pool[p] for p in parts]  # type: ignore[index]
        if min(d.probability for d in support) < floor:
            continue  # a combination is only as sure as its weakest part; below the floor, code neither
        finals.pop(combo, None)  # named directly too: the convention's support replaces the weaker match
        add_final(
            Decision(
                code=combo, probability=min(d.probability for d in support),
                mentions=tuple(sorted({m for d in support for m in d.mentions})), assertion="present",
                matched_term=" + ".join(d.matched_term for d in support),
                rule=f"combination code for {' with '.join(parts)} ('with' convention, Guideline I.A.15)",  # type: ignore[arg-type]
            )
        )
        for p in parts:
            if p is None:
                continue
            if conventions.has_prefix(p, replaces):
                if p in finals:
                    discard(finals.pop(p), "superseded_by_more_specific", f"combined into {combo}", by=combo)
            elif p not in finals and terminology.is_billable(p):
                # The part the combination does not replace is its "use additional code" (e.g. the N18 stage).
                add_final(replace(pool[p], rule=f"reported with {combo} as its additional code"))

    # 6. Signs and symptoms integral to a confirmed diagnosis (Guideline I.B.5).
    for code in sorted(finals):
        d = finals[code]
        integral_to = _integral_target(code, finals)
        if integral_to:
            del finals[code]
            discard(d, "symptom_integral_to_diagnosis", f"routinely associated with {integral_to}", by=integral_to)

    # 7. Excludes1: two codes that cannot be reported together; keep the better supported one.
    for a in sorted(finals, key=lambda c: (-finals[c].probability, c)):
        if a not in finals:
            continue
        for b in sorted(finals):
            if b != a and b in finals and terminology.excludes1_conflict(a, b):
                discard(finals.pop(b), "excludes1_conflict", f"Excludes1 with {a}", by=a)

    # 8. The requested number of codes: the rest are reported as below the cut.
    ranked = sorted(finals.values(), key=lambda d: (-d.probability, d.code))
    kept = ranked[: options.max_codes] if options.max_codes is not None else ranked
    for d in ranked[len(kept) :]:
        discard(d, "low_confidence", f"beyond max_codes={options.max_codes}")

    final_codes = {d.code for d in kept}
    # `superseded_by` names a code the response reports; one that fell to the floor later is not named.
    discarded = [d if d.superseded_by in final_codes or d.superseded_by is None else replace(d, superseded_by=None)
                 for d in discarded]
    return kept + _dedupe_discarded(discarded, final_codes)


# ------------------------------------------------------------------ helpers
def _group(candidates: list[Candidate], terminology: Terminology) -> dict[str, list[Candidate]]:
    groups: dict[str, list[Candidate]] = {}
    for c in candidates:
        info = terminology.get(c.code)
        if info is None:  # never return a code outside ICD-10-CM FY2026
            continue
        groups.setdefault(info.code, []).append(c)
    return dict(sorted(groups.items()))


def _route(d: Decision, terminology: Terminology, options: CodeOptions, add_final, discard,
           chronic: bool = False) -> None:
    code, a = d.code, d.assertion
    if a == "present":
        add_final(d)
    elif a == "negated":
        discard(d, "negated", "the note negates it")
    elif a == "hypothetical":
        discard(d, "hypothetical", "mentioned as a possibility in the future, not a current condition")
    elif a == "possible":
        if options.setting == "inpatient":
            add_final(replace(d, rule="uncertain diagnosis coded as confirmed in inpatient (Guideline II.H)"))
        else:
            discard(d, "uncertain", "uncertain diagnoses are not coded in outpatient (Guideline IV.H)")
    elif a == "family":
        target = _mapped(conventions.FAMILY_HISTORY, code, terminology)
        if target and not code.startswith("Z8"):
            add_final(replace(d, code=target, assertion="family", derived_from=code,
                              rule=f"family history of {code} is coded {target} (Guideline I.C.21.c.4)"))
            discard(d, "family_history", "the condition belongs to a relative", by=target)
        elif code.startswith(("Z80", "Z81", "Z82", "Z83", "Z84")):
            add_final(d)
        else:
            discard(d, "family_history", "the condition belongs to a relative")
    elif a == "historical":
        if chronic or conventions.has_prefix(code, conventions.CHRONIC_PREFIXES):
            add_final(replace(d, assertion="present",
                              rule="chronic condition, or cancer still treated, named in the history is still present"))
            return
        target = _mapped(conventions.PERSONAL_HISTORY, code, terminology)
        if target:
            add_final(replace(d, code=target, derived_from=code,
                              rule=f"past {code} is coded as personal history {target} (Guideline I.C.21.c.4)"))
            discard(d, "history_of", "a past condition, coded as personal history instead", by=target)
        else:
            discard(d, "history_of", "a past condition with no active treatment")


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


def _well_named(candidates: list[Candidate], mentions, terminology: Terminology) -> dict[str, Decision]:
    """Codes a present mention names closely, with a confidence from the match when the model's is lower."""
    named: dict[str, Decision] = {}
    for c in candidates:
        if c.lexical < COMBINATION_LEXICAL or mentions[c.mention].assertion != "present" or c.code not in terminology:
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


def _says_long_term(text: str, understanding: Understanding, d: Decision) -> bool:
    for m in d.mentions:
        sentence = understanding.sentences[understanding.mentions[m].sentence]
        if _span_says(_LONG_TERM, text, sentence.start, sentence.end):
            return True
    return False


def _words_regex(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)


def _word_starts(words: tuple[str, ...]) -> re.Pattern[str]:
    """Word beginnings; entries of three letters or fewer (abbreviations) and entries ending in "$" as whole
    words."""
    parts = [re.escape(w.rstrip("$")) + (r"\b" if len(w) <= 3 or w.endswith("$") else "") for w in words]
    return re.compile(r"\b(?:" + "|".join(parts) + r")")


_REQUIRED_WORDS = {code: _word_starts(words) for code, words in conventions.REQUIRED_WORDS.items()}
_STATED_QUALIFIER = {code: (_word_starts(cues), plain) for code, (cues, plain) in conventions.STATED_QUALIFIER.items()}
_GENERAL_STATE = _word_starts(conventions.GENERAL_STATE_WORDS)
_GENERAL_STATE_WORSE = _word_starts(conventions.GENERAL_STATE_WORSE)
_DIALYSIS_STATUS = _word_starts(conventions.DIALYSIS_STATUS_CUES)
_EARLIER_SURGERY = _word_starts(conventions.EARLIER_SURGERY_CUES)


def _not_good_state(mention_text: str) -> bool:
    """A phrase about the general condition counts for malaise only when it calls it poor or worse."""
    folded = fold(mention_text)
    return not _GENERAL_STATE.search(folded) or _GENERAL_STATE_WORSE.search(folded) is not None


_THINNING = _word_starts(conventions.THINNING_WORDS)
_WEIGHT_WORDS = _word_starts(tuple(w for w in conventions.REQUIRED_WORDS["R63.4"] if w != "adelgaz"))


def _names_condition(words: re.Pattern[str], mention_text: str) -> bool:
    """The phrase carries the code's own word; "adelgazamiento" of a named tissue is no weight loss."""
    folded = fold(mention_text)
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


@lru_cache(maxsize=1024)
def _span_says(pattern: re.Pattern[str], text: str, start: int, end: int) -> bool:
    # Once per sentence, not once per mention of each code: a long sentence that repeats "history of lung
    # cancer" was folded and searched again for every mention (quadratic).
    return pattern.search(fold(text[start:end])) is not None


def _unplaced(mention_text: str, allowed: frozenset[str]) -> bool:
    words = [w for w in tokens(mention_text) if w not in STOP_WORDS and not any(c.isdigit() for c in w)]
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
        if pattern.search(fold(text[lo:hi])):
            return True
    return False
