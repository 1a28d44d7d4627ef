"""A custom model's knowledge of its center: learned vocabulary, declared code set and coding habits.

Stored in the model directory beside model.onnx (vocabulary.json, code_set.json, `habits` in the manifest),
loaded with the model (score.Scorer.load) and used only when that model is selected: the default model has
none of it, so nothing a center taught can reach another request.

Vocabulary: phrase -> code entries learned from the center's coded notes (training/vocabulary.py). A phrase
is stored as the stems of its content words, normalized exactly as the terminology's terms are
(terminology/text.py: fold, function words dropped, the light stemmer), and matched the way dictionary
systems such as IAMsystem match (a token trie: longest and nested matches, function words skipped,
abbreviations case-sensitive). IAMsystem itself is not installable here (not in the package index this
project uses), so the matcher is written in ~60 lines over the project's own normalizer, which also keeps
learned entries and terminology terms on one normalization. A match becomes a Candidate on the mention it
overlaps most, so the ConText assertion, the scorer and the rules treat it as any terminology match.

Code set: the codes the model may return ("ICD-10-CM FY2026", or the training data's codes, e.g. CIE-10-ES
2018 `R51`, `M54.5`, `T14.8`). The pipeline works in FY2026 codes (the rules need the tabular list); a
declared code is represented by its nearest FY2026 code (`R51` -> `R51.9`), and every code the rules decide is
mapped back to the declared code that is its longest prefix (`R51.9` -> `R51`). A code with no declared
prefix is never returned.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .terminology.text import STOP_WORDS, fold, stem
from .types import Candidate, Understanding

if TYPE_CHECKING:
    from .terminology import Terminology

VOCABULARY_FILE = "vocabulary.json"
CODE_SET_FILE = "code_set.json"
FY2026 = "ICD-10-CM FY2026"
MAX_PHRASE = 6  # content words of the longest phrase matched
BAG_MAX = 3  # phrases of up to this many words also match in another word order
_RAW = re.compile(r"[^\W_]+", re.UNICODE)
_SHORT_UPPER = re.compile(r"^[A-ZÁÉÍÓÚÑ0-9]{2,6}$")


def phrase_tokens(text: str) -> list[tuple[str, int, int, str]]:
    """(stem, start, end, raw) of each content word of `text`, offsets into `text`."""
    out = []
    for m in _RAW.finditer(text):
        raw = m.group(0)
        word = fold(raw)
        if word in STOP_WORDS:
            continue
        out.append((stem(word), m.start(), m.end(), raw))
    return out


def phrase_key(text: str) -> tuple[str, ...]:
    return tuple(s for s, _, _, _ in phrase_tokens(text))


def is_abbreviation(text: str) -> bool:
    """A short upper-case word ("IRC", "HTA", "ACxFA" is not): matched only where written in capitals."""
    return bool(_SHORT_UPPER.match(text.strip()))


@dataclass(frozen=True, slots=True)
class Entry:
    code: str  # a code of the model's code set
    support: int  # training notes where the phrase stood and the code was coded
    notes: int  # training notes where the phrase stood
    source: str  # "evidence" (a coder's span), "aligned" (a terminology match), "cooccurrence" (n-gram statistics)

    @property
    def precision(self) -> float:
        return self.support / self.notes if self.notes else 0.0


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    phrase: str  # the display form of the learned phrase
    entries: tuple[Entry, ...]


@dataclass
class LearnedVocabulary:
    """language -> phrase key -> (display phrase, upper-case only, entries)."""

    phrases: dict[str, dict[tuple[str, ...], tuple[str, bool, tuple[Entry, ...]]]] = field(default_factory=dict)
    _bag_cache: dict[str, dict[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return sum(len(p) for p in self.phrases.values())

    def match(self, text: str, language: str) -> list[Match]:
        """Every learned phrase in `text`, nested ones too, as IAMsystem returns them: its content words in
        order, or (2 to BAG_MAX words) in another order ("masa renal" / "renal mass" / "mass renal")."""
        table = self.phrases.get(language)
        if not table:
            return []
        bags = self._bags(language)
        toks = phrase_tokens(text)
        out = []
        for i in range(len(toks)):
            for n in range(min(MAX_PHRASE, len(toks) - i), 0, -1):
                key = tuple(t[0] for t in toks[i : i + n])
                hit = table.get(key)
                if hit is None and 2 <= n <= BAG_MAX:
                    original = bags.get(tuple(sorted(key)))
                    hit = table.get(original) if original is not None else None
                if hit is None:
                    continue
                display, upper, entries = hit
                if upper and not (n == 1 and toks[i][3].isupper()):
                    continue
                out.append(Match(toks[i][1], toks[i + n - 1][2], display, entries))
        return out

    def _bags(self, language: str) -> dict[tuple[str, ...], tuple[str, ...]]:
        """Sorted words -> the phrase, for phrases of 2 to BAG_MAX distinct words (the first phrase in key
        order wins a tie); built once per language."""
        cached = self._bag_cache.get(language)
        if cached is None:
            cached = {}
            for key in sorted(self.phrases.get(language, {})):
                if 2 <= len(key) <= BAG_MAX and len(set(key)) == len(key):
                    cached.setdefault(tuple(sorted(key)), key)
            self._bag_cache[language] = cached
        return cached

    def to_json(self) -> dict[str, Any]:
        return {
            lang: [
                [" ".join(key), display, int(upper), [[e.code, e.support, e.notes, e.source] for e in entries]]
                for key, (display, upper, entries) in sorted(table.items())
            ]
            for lang, table in sorted(self.phrases.items())
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LearnedVocabulary:
        phrases: dict[str, dict[tuple[str, ...], tuple[str, bool, tuple[Entry, ...]]]] = {}
        for lang, rows in data.items():
            phrases[lang] = {
                tuple(key.split()): (display, bool(upper), tuple(Entry(c, int(s), int(n), src) for c, s, n, src in entries))
                for key, display, upper, entries in rows
            }
        return cls(phrases)


class CodeSet:
    """The codes a model returns, with their descriptions; `None` codes means all of ICD-10-CM FY2026."""

    def __init__(self, name: str, codes: Mapping[str, str] | None = None, extended: bool = False) -> None:
        self.name = name
        self.codes: dict[str, str] | None = dict(codes) if codes is not None else None
        self._plain = {c.replace(".", ""): c for c in self.codes} if self.codes is not None else {}
        # Extended: also the ICD-10-CM FY2026 codes outside the hierarchy of every declared code (no declared
        # code is a prefix of one, and none extends one): a center's nomenclature is far larger than the
        # codes its training notes happen to use, and where it writes codes as ICD-10-CM does (CodiEsp's
        # CIE-10-ES: 92% of its codes), a code the training notes never used is still one of its codes.
        self.extended = bool(extended) and self.codes is not None
        self._declared_prefixes = (
            {p[:n] for p in self._plain for n in range(3, len(p) + 1)} if self.extended else set()
        )
        self._map_memo: dict[str, str | None] = {}
        self._rep: dict[str, str | None] = {}

    @property
    def declared(self) -> bool:
        return self.codes is not None

    def __contains__(self, code: object) -> bool:
        return self.codes is None or code in self.codes or (isinstance(code, str) and self._extends(code))

    @property
    def system(self) -> str:
        """The code system as a response names it."""
        return f"{self.name} + {FY2026}" if self.extended else self.name

    def restricted_to(self, codes: Iterable[str]) -> CodeSet:
        """The same code system declared by fewer codes (a cross-validation fold's training notes)."""
        keep = set(codes)
        return CodeSet(self.name, {c: d for c, d in (self.codes or {}).items() if c in keep}, self.extended)

    def _extends(self, code: str) -> bool:
        """An ICD-10-CM code of the extension: no declared code is a prefix of it, or extends it."""
        if not self.extended:
            return False
        plain = code.replace(".", "")
        return plain not in self._declared_prefixes and not any(plain[:n] in self._plain for n in range(3, len(plain)))

    def to_declared(self, code: str) -> str | None:
        """The declared code a FY2026 code stands for: itself, else its longest declared prefix, else None."""
        if self.codes is None:
            return code
        hit = self._map_memo.get(code, "")
        if hit != "":
            return hit
        plain = code.replace(".", "")
        out = None
        for n in range(len(plain), 2, -1):
            found = self._plain.get(plain[:n])
            if found is not None:
                out = found
                break
        if out is None and self._extends(code):
            out = code
        if len(self._map_memo) < 100_000:
            self._map_memo[code] = out
        return out

    def representative(self, code: str, terminology: Terminology) -> str | None:
        """The FY2026 code that stands for a declared code in the pipeline: itself when billable, else its
        default billable leaf (`R51` -> `R51.9`, `T14.8` -> `T14.8XXA`), else the nearest entry of the
        tabular list; None when no FY2026 entry is near."""
        if code in self._rep:
            return self._rep[code]
        if self.codes is not None and code not in self.codes and self._extends(code):
            return code if code in terminology else None
        from .rules import default_leaf  # rules imports nothing of this module

        out: str | None = None
        if code in terminology:
            out = code if terminology.is_billable(code) else (default_leaf(code, terminology) or code)
        else:
            plain = code.replace(".", "")
            for n in range(len(plain) - 1, 2, -1):
                prefix = plain[:n] if n <= 3 else f"{plain[:3]}.{plain[3:n]}"
                if prefix in terminology:
                    out = prefix if terminology.is_billable(prefix) else (default_leaf(prefix, terminology) or prefix)
                    break
        # the representative must map back to this code, or the code cannot be returned through it
        if out is not None and self.to_declared(out) != code:
            out = code if code in terminology else None
        self._rep[code] = out
        return out

    def describe(self, code: str, terminology: Terminology) -> tuple[str, bool, str | None]:
        """(description, billable, provenance) of a code the set returns: a declared code is billable in its
        system; an extension code is FY2026's, and says that no training note of the center used it."""
        if self.codes is None or code in self.codes:
            return self.description(code, terminology), True, None
        return (self.description(code, terminology), bool(terminology.is_billable(code)),
                f"an {FY2026} code outside the codes of the center's training notes")  # fmt: skip

    def description(self, code: str, terminology: Terminology) -> str:
        if self.codes is not None and self.codes.get(code):
            return self.codes[code]
        return terminology.description(code) or code

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "codes": dict(sorted(self.codes.items())) if self.codes is not None else None}
        if self.extended:
            out["extended_by"] = FY2026
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CodeSet:
        return cls(str(data["name"]), data.get("codes"), extended=data.get("extended_by") == FY2026)


# Assertion classes a center may code although the ICD-10-CM guidelines leave them out.
HABIT_ASSERTIONS = ("negated", "possible", "historical", "family", "hypothetical")


@dataclass
class CenterKnowledge:
    """What a custom model knows of its center, loaded from its directory."""

    vocabulary: LearnedVocabulary
    code_set: CodeSet
    codes_assertions: frozenset[str] = frozenset()  # HABIT_ASSERTIONS the center codes
    keeps: frozenset[str] = frozenset()  # discarding conventions (rules.RULES ids) the center does not follow
    notes: int = 0  # training notes

    @classmethod
    def load(cls, model_dir: Path, manifest: Mapping[str, Any]) -> CenterKnowledge | None:
        vocab_path, set_path = Path(model_dir) / VOCABULARY_FILE, Path(model_dir) / CODE_SET_FILE
        if not vocab_path.is_file() and not set_path.is_file():
            return None
        vocabulary = (
            LearnedVocabulary.from_json(json.loads(vocab_path.read_text(encoding="utf-8")))
            if vocab_path.is_file()
            else LearnedVocabulary()
        )
        code_set = (
            CodeSet.from_json(json.loads(set_path.read_text(encoding="utf-8"))) if set_path.is_file() else CodeSet(FY2026)
        )
        habits = manifest.get("habits") or {}
        return cls(
            vocabulary,
            code_set,
            frozenset(a for a in habits.get("codes_assertions", ()) if a in HABIT_ASSERTIONS),
            frozenset(str(r) for r in habits.get("keeps", ())),
            int((manifest.get("training_data") or {}).get("notes", 0)),
        )

    # ---------------------------------------------------------------- candidates
    def candidates(
        self, text: str, understanding: Understanding, base: Iterable[Candidate], terminology: Terminology,
        vocabulary: LearnedVocabulary | None = None,
    ) -> list[Candidate]:
        """The terminology's candidates mapped into the code set (those outside it dropped), then the learned
        vocabulary's matches, each on the mention it overlaps most."""
        out: list[Candidate] = []
        cs = self.code_set
        for c in base:
            declared = cs.to_declared(c.code)
            if declared is None:
                continue
            rep = cs.representative(declared, terminology) if cs.declared else c.code
            if rep is None:
                continue
            out.append(c if rep == c.code else Candidate(c.code if rep is None else rep, c.mention, c.matched_term,
                                                         c.lexical, c.probability, c.source, c.support, c.precision))
        vocab = self.vocabulary if vocabulary is None else vocabulary
        mentions = understanding.mentions
        if not mentions or not len(vocab):
            return out
        starts = [m.start for m in mentions]
        seen: set[tuple[int, str, str]] = set()
        for match in vocab.match(text, understanding.language):
            best, overlap = -1, 0
            # mentions are in text order; only the last few starting before the match's end can overlap it
            hi = bisect_right(starts, match.end)
            for mi in range(max(0, hi - 8), hi):
                m = mentions[mi]
                ov = min(m.end, match.end) - max(m.start, match.start)
                if ov > overlap:
                    best, overlap = mi, ov
            if best < 0:
                continue
            for e in match.entries:
                if e.code not in cs:
                    continue
                rep = cs.representative(e.code, terminology) if cs.declared else (e.code if e.code in terminology else None)
                if rep is None or (best, rep, match.phrase) in seen:
                    continue
                seen.add((best, rep, match.phrase))
                out.append(Candidate(rep, best, match.phrase, 1.0, 0.0, "learned", e.support, round(e.precision, 4)))
        return out
