"""Stage 4, score: a quantized ONNX model gives each candidate a calibrated probability.

The model directory holds `model.onnx` (int8, calibration baked into the graph) and `manifest.json`
(id, version, feature names, thresholds, metrics, sha256 of the model, optional code priors of a
custom model). One onnxruntime session is created per model and reused for every note; a note's
candidates are scored in one `run` call.

`extract_features` is the single feature function: the training code imports it, so the features a
model was trained on are exactly the ones it is served (no train/serve skew).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .terminology.text import STOP_WORDS, catalan_geminate, fold, stem
from .terminology.wordforms import NUMBERED_LANGUAGES, PLURAL_MARK, plural_looking
from .types import Candidate, Understanding
from .understand.document import SECTION_PRIOR

MODEL_FILE = "model.onnx"
MANIFEST_FILE = "manifest.json"
INPUT_NAME = "features"
OUTPUT_NAME = "probability"
FEATURE_SCHEMA = 4  # bump when FEATURE_NAMES change: models of another schema refuse to load

ASSERTIONS = ("present", "negated", "possible", "hypothetical", "historical", "family")
# The sections of real documents the synthetic training notes do not have, read as the section they play
# the part of: the indications of an operative report tell its history, its findings are results, a
# complications header lists what happened, the review of systems is a checklist like the exam. Without
# this they fell into "other", which the model learned as "not a condition of the patient", and the
# comorbidities of every operative report's indications were lost. (Procedure narrative, consent and
# instructions stay "other": they are not.)
SECTION_AS = {"indications": "hpi", "findings": "results", "complications": "diagnoses", "ros": "exam"}
# Normalized section names of understand/ (anything else counts as "other").
SECTIONS = (
    "body",
    "hpi",
    "history",
    "family_history",
    "social_history",
    "medications",
    "allergies",
    "exam",
    "results",
    "assessment",
    "diagnoses",
    "plan",
    "other",
)
TERM_KINDS = ("description", "inclusion", "spanish", "synonym", "other")
# ICD-10-CM chapters by code range (first 3 characters), per the FY2026 tabular list.
CHAPTERS = (
    ("A00", "B99"), ("C00", "D49"), ("D50", "D89"), ("E00", "E89"), ("F01", "F99"), ("G00", "G99"),
    ("H00", "H59"), ("H60", "H95"), ("I00", "I99"), ("J00", "J99"), ("K00", "K95"), ("L00", "L99"),
    ("M00", "M99"), ("N00", "N99"), ("O00", "O9A"), ("P00", "P96"), ("Q00", "Q99"), ("R00", "R99"),
    ("S00", "T88"), ("V00", "Y99"), ("Z00", "Z99"), ("U00", "U85"),
)  # fmt: skip

_NUMERIC = (
    "lexical",
    "term_tokens",
    "mention_tokens",
    "term_in_mention",
    "mention_in_term",
    "exact_match",
    "code_depth",
    "billable",
    "code_unspecified",
    "code_other",
    "support_mentions",
    "support_present",
    "mention_candidates",
    "best_lexical_of_mention",
    "lexical_gap",
    "has_more_specific",
    "has_less_specific",
    "category_codes",
    "language_es",
    "position",
    "has_priors",
    "code_prior",
    "code_seen",
    "category_prior",
    "term_in_sentence",
    "mention_rest_explained",
    "code_terms",
    "mention_rank",
    "code_max_lexical",
)
FEATURE_NAMES: tuple[str, ...] = (
    _NUMERIC
    + tuple(f"term_{k}" for k in TERM_KINDS)
    + tuple(f"assertion_{a}" for a in ASSERTIONS)
    + tuple(f"section_{s}" for s in SECTIONS)
    + tuple(f"chapter_{i + 1}" for i in range(len(CHAPTERS)))
)
N_FEATURES = len(FEATURE_NAMES)
# A custom model's features beyond FEATURE_NAMES: what its learned vocabulary (vocabulary.py) says of a
# candidate. The default model is built on FEATURE_NAMES alone (its bytes do not change); a custom model's
# manifest lists CUSTOM_FEATURE_NAMES and the scorer computes them only for it.
LEARNED_FEATURES = (
    "learned",  # the candidate is a learned phrase's
    "learned_precision",  # how often the phrase meant the code in the center's notes
    "learned_support",  # in how many of them (log-scaled)
    "code_learned_precision",  # the best learned phrase for the candidate's code anywhere in the note
    "mention_learned_precision",  # ... in the candidate's own mention
    "code_learned_phrases",  # how many learned phrases in the note name the code (log-scaled)
)
# What the center did with the candidates the pipeline proposed in its notes (Priors.proposals, out of fold
# in training): a code the terminology proposes in many of the center's notes and the center rarely codes
# (a symptom its coders leave out, a sibling they never choose) is a weak candidate there, whatever its words.
# On CodiEsp train (4 folds, after the rules) they raised MAP en 0.625 -> 0.630, es 0.729 -> 0.740.
PROPOSAL_FEATURES = (
    "code_proposal_precision",  # of the center's notes where the code was proposed, the share that coded it
    "code_proposals",  # in how many notes it was proposed (log-scaled)
    "code_proposed_before",  # it was proposed in at least one
    "term_proposal_precision",  # the same for the code proposed through this term or learned phrase
    "term_proposals",
)
# Custom models trained before PROPOSAL_FEATURES still load: their features are a prefix of today's.
CUSTOM_FEATURE_NAMES_V1: tuple[str, ...] = FEATURE_NAMES + LEARNED_FEATURES
CUSTOM_FEATURE_NAMES: tuple[str, ...] = CUSTOM_FEATURE_NAMES_V1 + PROPOSAL_FEATURES


class CodeFacts(Protocol):
    """What the scorer needs from the terminology about a candidate's code and term."""

    def billable(self, code: str) -> bool: ...

    def term_kind(self, code: str, term: str) -> str: ...  # one of TERM_KINDS

    def description(self, code: str) -> str: ...


@dataclasses.dataclass(frozen=True)
class Priors:
    """How often each code (and 3-character category) was coded in a center's training notes.

    Only custom models carry priors; they let a model learn the center's coding habits."""

    notes: int
    codes: Mapping[str, int]
    categories: Mapping[str, int]
    # Custom models: proposal key (proposal_keys) -> (notes where the pipeline proposed it, notes that coded it).
    proposals: Mapping[str, tuple[int, int]] = dataclasses.field(default_factory=dict)

    @classmethod
    def from_gold(cls, gold_sets: Sequence[set[str] | frozenset[str]]) -> Priors:
        codes: dict[str, int] = defaultdict(int)
        cats: dict[str, int] = defaultdict(int)
        for gold in gold_sets:
            for code in gold:
                codes[code] += 1
            for cat in {c[:3] for c in gold}:
                cats[cat] += 1
        return cls(len(gold_sets), dict(sorted(codes.items())), dict(sorted(cats.items())))

    def with_proposals(self, noted: Iterable[tuple[Sequence[Candidate], AbstractSet[str]]]) -> Priors:
        """These priors with the proposal counts of (candidates, coded codes) of the center's notes: each
        text counts once per key, in any language (a note and its translation count twice; keying by
        language too was no better on CodiEsp train, and a Catalan note would find no counts)."""
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for candidates, gold in noted:
            keys: dict[str, bool] = {}
            for c in candidates:
                for key in proposal_keys(c):
                    keys[key] = c.code in gold
            for key, coded in keys.items():
                counts[key][0] += 1
                counts[key][1] += int(coded)
        return dataclasses.replace(self, proposals={k: (n, k_) for k, (n, k_) in sorted(counts.items())})

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"notes": self.notes, "codes": dict(self.codes), "categories": dict(self.categories)}
        if self.proposals:
            out["proposals"] = {k: list(v) for k, v in self.proposals.items()}
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Priors | None:
        if not data:
            return None
        proposals = {str(k): (int(v[0]), int(v[1])) for k, v in (data.get("proposals") or {}).items()}
        return cls(int(data["notes"]), dict(data["codes"]), dict(data["categories"]), proposals)


def proposal_keys(candidate: Candidate) -> tuple[str, str]:
    """The keys a candidate is counted under in Priors.proposals: its code, and its code through its term."""
    return candidate.code, f"{candidate.code}\t{candidate.matched_term}"


_TOKEN = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=65536)
@lru_cache(maxsize=16384)
def _term_stems(term: str, numbered: bool = False) -> tuple[str, ...]:
    """A term's content words as stems; `numbered` (Catalan and Galician notes): with the plural mark on
    plural words, as the candidate generator's reader marks the note's (wordforms.PLURAL_MARK)."""
    if numbered:
        return tuple(stem(t) + PLURAL_MARK if plural_looking(t) else stem(t)
                     for t in fold_tokens(term) if t not in STOP_WORDS)
    return tuple(stem(t) for t in fold_tokens(term) if t not in STOP_WORDS)


@lru_cache(maxsize=4096)
def _is_abbreviation(term: str) -> bool:
    """A term written in capitals ("MIS-C", "FPIES", "EPOC"): an abbreviation, not words."""
    letters = [ch for ch in term if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def fold_tokens(text: str) -> tuple[str, ...]:
    """Lower-case, accent-free word tokens (so "Diabétes" and "diabetes" compare equal)."""
    return tuple(_TOKEN.findall(fold(text)))


@lru_cache(maxsize=4096)
def chapter_index(code: str) -> int:
    cat = code[:3].upper()
    for i, (lo, hi) in enumerate(CHAPTERS):
        if lo <= cat <= hi:
            return i
    return -1


@lru_cache(maxsize=4096)  # counts and caps are small integers; called ~20 times per candidate
def _log_scaled(n: float, cap: float) -> float:
    return min(math.log1p(n) / math.log1p(cap), 1.0)


def extract_features(
    text: str,
    understanding: Understanding,
    candidates: Sequence[Candidate],
    facts: CodeFacts,
    priors: Priors | None = None,
    learned: bool = False,
    reader: Callable[[str], tuple[str, ...]] | None = None,
) -> np.ndarray:
    """One row of FEATURE_NAMES (CUSTOM_FEATURE_NAMES when `learned`) per candidate (float32). Shared by
    training and inference.

    `reader` (Catalan, Galician and Basque notes) turns a span of the note into the terminology's (Spanish)
    word stems, so the features that compare the note's words with a term's ("exact_match",
    "term_in_mention", "term_in_sentence", ...) compare what the words mean, not how they are spelled; the
    term's words are then stems too. English and Spanish notes compare folded words (reader None)."""
    if learned:
        base = extract_features(text, understanding, candidates, facts, priors, reader=reader)
        return np.concatenate([base, learned_features(candidates), proposal_features(candidates, priors)], axis=1)
    n = len(candidates)
    x = np.zeros((n, N_FEATURES), dtype=np.float32)
    if n == 0:
        return x
    col = {name: i for i, name in enumerate(FEATURE_NAMES)}
    mentions = understanding.mentions
    sentences = understanding.sentences

    # Note-level context: which mentions support each code, what each mention competes with.
    code_mentions: dict[str, set[int]] = defaultdict(set)
    code_present: dict[str, set[int]] = defaultdict(set)
    by_mention: dict[int, list[Candidate]] = defaultdict(list)
    category_codes: dict[str, set[str]] = defaultdict(set)
    for cand in candidates:
        code_mentions[cand.code].add(cand.mention)
        if 0 <= cand.mention < len(mentions) and mentions[cand.mention].assertion == "present":
            code_present[cand.code].add(cand.mention)
        by_mention[cand.mention].append(cand)
        category_codes[cand.code[:3]].add(cand.code)
    best_lexical = {m: max(c.lexical for c in cs) for m, cs in by_mention.items()}
    code_terms: dict[str, set[str]] = defaultdict(set)
    code_max_lexical: dict[str, float] = defaultdict(float)
    for cand in candidates:
        code_terms[cand.code].add(cand.matched_term)
        code_max_lexical[cand.code] = max(code_max_lexical[cand.code], cand.lexical)
    # Where each candidate ranks among its mention's candidates by lexical score (0 = best).
    rank_of: dict[int, int] = {}
    for cs in by_mention.values():
        level = {v: k for k, v in enumerate(sorted({c.lexical for c in cs}, reverse=True))}
        for c in cs:
            rank_of[id(c)] = level[c.lexical]
    # Words each mention's candidates' terms cover: a mention that names two conditions ("diabetes with
    # chronic kidney disease") has words one term leaves out that another candidate's term explains.
    # mention -> word -> the categories whose candidate terms contain it.
    numbered = understanding.language in NUMBERED_LANGUAGES
    mention_covered: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for cand in candidates:
        covered = mention_covered[cand.mention]
        for word in (fold_tokens(cand.matched_term) if reader is None else _term_stems(cand.matched_term, numbered)):
            covered[word].add(cand.code[:3])
    mention_codes = {m: frozenset(c.code for c in cs) for m, cs in by_mention.items()}
    text_len = max(len(text), 1)
    sentence_sets: dict[int, set[str]] = {}
    spelled_sentence_sets: dict[int, set[str]] = {}
    # A note that repeats itself repeats terms, mention texts and code sets: each is folded/compared once.
    folded: dict[str, tuple[str, ...]] = {}

    def fold_once(s: str) -> tuple[str, ...]:
        toks = folded.get(s)
        if toks is None:
            toks = folded[s] = fold_tokens(s)
        return toks

    read_note = fold_once
    read_term = fold_once
    if reader is not None:
        read: dict[str, tuple[str, ...]] = {}
        stems: dict[str, tuple[str, ...]] = {}

        def read_note(s: str) -> tuple[str, ...]:
            toks = read.get(s)
            if toks is None:
                toks = read[s] = reader(s)
            return toks

        def read_term(s: str) -> tuple[str, ...]:
            toks = stems.get(s)
            if toks is None:
                toks = stems[s] = _term_stems(s, numbered)
            return toks

    specificity: dict[tuple[frozenset[str], str], tuple[float, float]] = {}

    for i, cand in enumerate(candidates):
        row = x[i]
        mention = mentions[cand.mention] if 0 <= cand.mention < len(mentions) else None
        mention_text = mention.text if mention else ""
        # An abbreviation ("MIS-C", "FPIES", "EPOC") is compared as it is spelled, as in a Spanish note:
        # read as stems without function words, "MIS-C" would be the letter "c" ("36,8 ºC", "Mitomicina-C").
        spelled = reader is not None and _is_abbreviation(cand.matched_term)
        term_tok = fold_once(cand.matched_term) if spelled else read_term(cand.matched_term)
        mention_tok = fold_once(mention_text) if spelled else read_note(mention_text)
        term_set, mention_set = set(term_tok), set(mention_tok)
        code = cand.code
        plain = code.replace(".", "")

        row[col["lexical"]] = cand.lexical
        if numbered:  # Catalan, Galician: lengths in words, function words included, as a Spanish note's
            row[col["term_tokens"]] = min(len(fold_once(cand.matched_term)), 12) / 12
            row[col["mention_tokens"]] = min(len(fold_once(catalan_geminate(mention_text))), 12) / 12
        else:
            row[col["term_tokens"]] = min(len(term_tok), 12) / 12
            row[col["mention_tokens"]] = min(len(mention_tok), 12) / 12
        row[col["term_in_mention"]] = len(term_set & mention_set) / len(term_set) if term_set else 0.0
        row[col["mention_in_term"]] = len(term_set & mention_set) / len(mention_set) if mention_set else 0.0
        row[col["exact_match"]] = float(bool(term_tok) and term_tok == mention_tok)
        row[col["code_depth"]] = max(len(plain) - 3, 0) / 4
        row[col["billable"]] = float(facts.billable(code))
        # A note that names a condition without detail is coded to the "unspecified" code; "other"
        # codes need the note to name something specific.
        description = fold_once(facts.description(code))
        row[col["code_unspecified"]] = float("unspecified" in description or "nos" in description)
        row[col["code_other"]] = float(bool(description) and description[0] == "other")
        row[col["support_mentions"]] = _log_scaled(len(code_mentions[code]), 10)
        row[col["support_present"]] = _log_scaled(len(code_present[code]), 10)
        siblings = by_mention[cand.mention]
        row[col["mention_candidates"]] = _log_scaled(len(siblings), 50)
        row[col["best_lexical_of_mention"]] = float(cand.lexical >= best_lexical[cand.mention])
        row[col["lexical_gap"]] = best_lexical[cand.mention] - cand.lexical
        key = (mention_codes[cand.mention], code)
        if key not in specificity:
            others = mention_codes[cand.mention] - {code}
            specificity[key] = (
                float(any(o.replace(".", "").startswith(plain) for o in others)),
                float(any(plain.startswith(o.replace(".", "")) for o in others)),
            )
        row[col["has_more_specific"]], row[col["has_less_specific"]] = specificity[key]
        row[col["category_codes"]] = _log_scaled(len(category_codes[code[:3]]), 20)
        row[col["language_es"]] = float(understanding.language != "en")  # the Spanish side of the terminology (es, ca, gl, eu)
        row[col["position"]] = (mention.start / text_len) if mention else 0.0
        if priors is not None and priors.notes > 0:
            row[col["has_priors"]] = 1.0
            count = priors.codes.get(code, 0)
            row[col["code_prior"]] = _log_scaled(count, priors.notes)
            row[col["code_seen"]] = float(count > 0)
            row[col["category_prior"]] = _log_scaled(priors.categories.get(code[:3], 0), priors.notes)

        if mention and term_set and 0 <= mention.sentence < len(sentences):
            # One token set per sentence, not per candidate: many mentions in one long sentence.
            sets = spelled_sentence_sets if spelled else sentence_sets
            sentence_set = sets.get(mention.sentence)
            if sentence_set is None:
                sent = sentences[mention.sentence]
                words = (fold_once if spelled else read_note)(text[sent.start : sent.end])
                sentence_set = sets[mention.sentence] = set(words)
            row[col["term_in_sentence"]] = len(term_set & sentence_set) / len(term_set)
        rest = mention_set - term_set
        if rest:
            covered = mention_covered[cand.mention]
            category = code[:3]
            explained = sum(1 for w in rest if w in covered and len(covered[w] - {category}) > 0)
            row[col["mention_rest_explained"]] = explained / len(rest)
        row[col["code_terms"]] = _log_scaled(len(code_terms[code]), 10)
        row[col["mention_rank"]] = 1.0 / (1 + rank_of[id(cand)])
        row[col["code_max_lexical"]] = code_max_lexical[code]

        kind = facts.term_kind(code, cand.matched_term)
        row[col[f"term_{kind if kind in TERM_KINDS else 'other'}"]] = 1.0
        assertion = mention.assertion if mention else "present"
        row[col[f"assertion_{assertion if assertion in ASSERTIONS else 'present'}"]] = 1.0
        section = "other"
        if mention and 0 <= mention.sentence < len(sentences):
            section = sentences[mention.sentence].section
        section = SECTION_AS.get(section, section)
        row[col[f"section_{section if section in SECTIONS else 'other'}"]] = 1.0
        chapter = chapter_index(code)
        if chapter >= 0:
            row[col[f"chapter_{chapter + 1}"]] = 1.0
    return x


def learned_features(candidates: Sequence[Candidate]) -> np.ndarray:
    """LEARNED_FEATURES per candidate: the candidate's own learned evidence, and the learned evidence for its
    code in the note and in its mention (a terminology match of a code the center's words also name)."""
    x = np.zeros((len(candidates), len(LEARNED_FEATURES)), dtype=np.float32)
    code_best: dict[str, float] = defaultdict(float)
    code_phrases: dict[str, set[str]] = defaultdict(set)
    mention_best: dict[tuple[int, str], float] = defaultdict(float)
    for c in candidates:
        if c.source == "learned":
            code_best[c.code] = max(code_best[c.code], c.precision)
            code_phrases[c.code].add(c.matched_term)
            mention_best[(c.mention, c.code)] = max(mention_best[(c.mention, c.code)], c.precision)
    for i, c in enumerate(candidates):
        row = x[i]
        if c.source == "learned":
            row[0] = 1.0
            row[1] = c.precision
            row[2] = _log_scaled(c.support, 100)
        row[3] = code_best.get(c.code, 0.0)
        row[4] = mention_best.get((c.mention, c.code), 0.0)
        row[5] = _log_scaled(len(code_phrases.get(c.code, ())), 10)
    return x


def proposal_features(candidates: Sequence[Candidate], priors: Priors | None) -> np.ndarray:
    """PROPOSAL_FEATURES per candidate, from the center's proposal counts (zeros without them)."""
    x = np.zeros((len(candidates), len(PROPOSAL_FEATURES)), dtype=np.float32)
    table = priors.proposals if priors is not None else {}
    if not table:
        return x
    for i, c in enumerate(candidates):
        code_key, term_key = proposal_keys(c)
        n, k = table.get(code_key, (0, 0))
        n_term, k_term = table.get(term_key, (0, 0))
        # (k + 0.5) / (n + 2): a code never proposed reads as 0.25, not as 0 or 1 from one note
        x[i] = ((k + 0.5) / (n + 2), _log_scaled(n, 500), float(n > 0), (k_term + 0.5) / (n_term + 2),
                _log_scaled(n_term, 500))  # fmt: skip
    return x


class TerminologyFacts:
    """CodeFacts read from the compiled terminology (codify_coder.terminology.Terminology).

    A term's kind is found by comparing folded tokens with the code's description, inclusion terms
    and Spanish terms; anything else the matcher used is a lexicon synonym or abbreviation."""

    def __init__(self, terminology: Any) -> None:
        self._t = terminology
        self._kinds: dict[tuple[str, str], str] = {}

    def billable(self, code: str) -> bool:
        return bool(self._t.is_billable(code))

    def description(self, code: str) -> str:
        return self._t.description(code) or ""

    def term_kind(self, code: str, term: str) -> str:
        key = (code, term)
        kind = self._kinds.get(key)
        if kind is None:
            kind = self._kind(code, term)
            if len(self._kinds) > 200_000:  # bounded: a warm container sees many notes
                self._kinds.clear()
            self._kinds[key] = kind
        return kind

    def _kind(self, code: str, term: str) -> str:
        folded = fold_tokens(term)
        info = self._t.get(code)
        seen = 0
        while info is not None and seen < 2:  # a 7th-character code's terms live on its base code
            if folded == fold_tokens(info.description):
                return "description"
            if any(folded == fold_tokens(t) for t in info.inclusion_terms):
                return "inclusion"
            if any(folded == fold_tokens(t) for t in info.spanish):
                return "spanish"
            info = self._t.get(info.parent) if info.parent and len(code.replace(".", "")) == 7 else None
            seen += 1
        return "synonym" if self._t.get(code) is not None else "other"


class ModelLoadError(RuntimeError):
    """The model directory is missing, corrupt, or was built for another feature schema."""


class Scorer:
    """A loaded scoring model. Build with `Scorer.load(dir)`; `bind(terminology)` before scoring."""

    def __init__(
        self, session: Any, manifest: dict[str, Any], facts: CodeFacts | None = None, center: Any = None
    ) -> None:
        self._session = session
        self.manifest = manifest
        # A custom model's center knowledge (vocabulary.CenterKnowledge): learned vocabulary, code set,
        # habits. None for the default model.
        self.center = center
        names = tuple(manifest.get("feature_names", ()))
        self.learned_features = names in (CUSTOM_FEATURE_NAMES, CUSTOM_FEATURE_NAMES_V1)
        self._n_features = len(names) or N_FEATURES  # a V1 custom model reads the first columns only
        self.model_id: str = manifest["model_id"]
        self.version: str = manifest["version"]
        self.priors = Priors.from_json(manifest.get("priors"))
        self.thresholds: dict[str, float] = dict(manifest.get("thresholds", {}))
        # The code-level threshold that maximized F1 on the model's calibration notes (rules.py's floor).
        self.threshold: float = float(self.thresholds.get("final", 0.5))
        # a custom model trained on notes in several languages: its F1-maximizing threshold per language
        by_language = manifest.get("thresholds", {}).get("by_language") or {}
        self._by_language = {str(k): float(v) for k, v in by_language.items()}
        self._facts = facts

    def threshold_for(self, language: str) -> float:
        return self._by_language.get(language, self.threshold)

    @classmethod
    def load(cls, model_dir: Path, terminology: Any = None, verify: bool = True) -> Scorer:
        import onnxruntime as ort  # heavy: imported when a model is actually loaded

        model_dir = Path(model_dir)
        model_path, manifest_path = model_dir / MODEL_FILE, model_dir / MANIFEST_FILE
        if not model_path.is_file() or not manifest_path.is_file():
            raise ModelLoadError(f"no model in {model_dir} (need {MODEL_FILE} and {MANIFEST_FILE})")
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ModelLoadError(f"{manifest_path} is not valid JSON") from exc
        if not isinstance(manifest, dict) or not all(
            isinstance(manifest.get(k), str) for k in ("model_id", "version")
        ):
            raise ModelLoadError(f"{manifest_path} lacks model_id/version")
        if tuple(manifest.get("feature_names", ())) not in (FEATURE_NAMES, CUSTOM_FEATURE_NAMES_V1, CUSTOM_FEATURE_NAMES):
            raise ModelLoadError(
                f"model {manifest.get('model_id')!r} was built for another feature schema: rebuild it "
                "(python -m codify_build.default_model, or codify train for a custom model)"
            )
        model_bytes = model_path.read_bytes()
        if verify and hashlib.sha256(model_bytes).hexdigest() != manifest.get("sha256"):
            raise ModelLoadError(f"{model_path} does not match the sha256 in its manifest")
        options = ort.SessionOptions()
        # Lambda gives one vCPU per ~1.8 GB; a note's batch is small, so threads only add overhead.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        try:
            session = ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types for a corrupt graph
            raise ModelLoadError(f"{model_path} cannot be loaded by onnxruntime") from exc
        facts = TerminologyFacts(terminology) if terminology is not None else None
        from .vocabulary import CenterKnowledge

        try:
            center = CenterKnowledge.load(model_dir, manifest)
        except (OSError, ValueError, KeyError, TypeError) as exc:  # a corrupt vocabulary.json / code_set.json
            raise ModelLoadError(f"model {manifest['model_id']!r}: its center vocabulary or code set is corrupt") from exc
        return cls(session, manifest, facts, center)

    def bind(self, terminology: Any) -> Scorer:
        """The same session, reading code facts from `terminology` (shared, not copied)."""
        return Scorer(self._session, self.manifest, TerminologyFacts(terminology), self.center)

    def with_facts(self, facts: CodeFacts) -> Scorer:
        return Scorer(self._session, self.manifest, facts, self.center)

    def predict(self, features: np.ndarray) -> np.ndarray:
        if len(features) == 0:
            return np.zeros(0, dtype=np.float32)
        (probs,) = self._session.run([OUTPUT_NAME], {INPUT_NAME: features.astype(np.float32, copy=False)})
        return np.clip(probs.reshape(-1), 0.0, 1.0)

    def score(
        self,
        text: str,
        understanding: Understanding,
        candidates: Sequence[Candidate],
        reader: Callable[[str], tuple[str, ...]] | None = None,
    ) -> list[Candidate]:
        """`reader`: see extract_features (the candidate generator's, for Catalan, Galician and Basque notes)."""
        if not candidates:
            return []
        if self._facts is None:
            raise RuntimeError("Scorer has no terminology: call scorer.bind(terminology) first")
        features = extract_features(
            text, understanding, candidates, self._facts, self.priors, learned=self.learned_features, reader=reader
        )
        probs = self.predict(features[:, : self._n_features]) * section_prior(understanding, candidates)
        return [dataclasses.replace(c, probability=float(p)) for c, p in zip(candidates, probs, strict=True)]


def section_prior(understanding: Understanding, candidates: Sequence[Candidate]) -> np.ndarray:
    """A fixed prior on where a mention stands (issue 8), applied after the model: in a structured document
    (operative report, consult, ...), a mention in the procedure narrative, a consent paragraph or the
    instructions is less likely a diagnosis of the encounter than one under a diagnosis header.

    Fixed rather than learned: a learned section feature, trained on synthetic operative reports, moved
    CodiEsp dev (Spanish MAP 0.350 -> 0.346, F1 0.452 -> 0.450); case reports (CodiEsp) are left as they are."""
    out = np.ones(len(candidates), dtype=np.float32)
    if understanding.document_type in ("case_report", "unknown"):
        return out
    mentions = understanding.mentions
    for i, cand in enumerate(candidates):
        if 0 <= cand.mention < len(mentions):
            out[i] = SECTION_PRIOR.get(mentions[cand.mention].section_kind, 1.0)
    return out
