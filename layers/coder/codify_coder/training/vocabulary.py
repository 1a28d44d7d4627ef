"""Learn a center's vocabulary (phrase -> code entries, vocabulary.LearnedVocabulary) from its coded notes.

Three sources, in the order a coder's evidence is trusted:
  evidence      the spans the center's coders marked for a code (JSONL `codes[].spans`, CodiEsp `*X.tsv`)
  projected     a translation's evidence: the spans of the Spanish text carried onto its English translation
                (CodiEsp's English notes are translations of its Spanish ones, which alone carry spans)
  aligned       the words of the mention where the terminology already finds a gold code of the note
  cooccurrence  for gold codes nothing above explains: word n-grams (1-3 content words) that stand in the
                notes coded with the code far more often than elsewhere, with a minimum support and a held-out
                check (nominated on one half of the notes, confirmed on the other) so noise does not become
                vocabulary

Every nominated (phrase, code) pair is then counted over all the notes: `notes` (notes where the phrase
stands) and `support` (those also coded with the code); the pair is kept when both pass the source's
minimum. Deterministic: notes are read in key order, every table is sorted before it is written.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..terminology.text import fold, skeleton
from ..vocabulary import MAX_PHRASE, Entry, LearnedVocabulary, is_abbreviation, phrase_key, phrase_tokens

NGRAM_MAX = 3
# A Spanish evidence span is carried onto the translation when a window covers at least half its content words
# (on CodiEsp train: 2,476 projected entries kept at 0.5, 2,268 at 0.6; the English dev MAP 0.526 -> 0.534).
MIN_PROJECTED_SHARE = 0.5


@dataclass(frozen=True)
class VocabularyConfig:
    min_support_evidence: int = 1
    min_precision_evidence: float = 0.15
    min_support_projected: int = 1
    min_precision_projected: float = 0.2
    min_support_aligned: int = 2
    min_precision_aligned: float = 0.3
    min_support_cooccurrence: int = 3
    min_precision_cooccurrence: float = 0.5
    max_entries_per_phrase: int = 4


@dataclass(frozen=True)
class VocabNote:
    """What vocabulary learning reads of one training note (its code set's codes)."""

    key: str
    language: str
    text: str
    gold: frozenset[str]
    spans: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = ()  # (code, [(start, end), ...])
    projected: bool = False  # the spans are a translation's evidence carried over (project_spans)
    aligned: tuple[tuple[str, str], ...] = ()  # (code, mention text) where the terminology found the code


def _prefix(stem_: str) -> str | None:
    """A cognate key: the first 5 letters of the spelling skeleton ("hematuri"/"hematuri", "adenopat"/"adenopat")."""
    return skeleton(stem_)[:5] if len(stem_) >= 5 and not stem_.isdigit() else None


def project_spans(
    source_text: str,
    spans: Sequence[tuple[str, tuple[tuple[int, int], ...]]],
    target_text: str,
    dictionary: Mapping[str, Sequence[Sequence[Any]]],
) -> tuple[tuple[str, tuple[tuple[int, int], ...]], ...]:
    """The coders' Spanish evidence spans carried onto the note's English translation: each span's content
    words become their translations (the terminology's es->en dictionary), themselves and their cognates
    (same spelling skeleton prefix); the shortest window of the English note that covers most of them is the
    English evidence. Windows that cover less than MIN_PROJECTED_SHARE of the span's words are not projected."""
    target = phrase_tokens(target_text)
    by_word: dict[str, list[int]] = defaultdict(list)
    by_prefix: dict[str, list[int]] = defaultdict(list)
    for pos, (st, _, _, _) in enumerate(target):
        by_word[st].append(pos)
        pre = _prefix(st)
        if pre:
            by_prefix[pre].append(pos)
    out = []
    for code, pieces in spans:
        words = [st for a, b in pieces for st in phrase_key(source_text[a:b])]
        if not words or len(words) > MAX_PHRASE:
            continue
        hits: dict[int, set[int]] = defaultdict(set)  # target position -> indices of span words it renders
        for wi, w in enumerate(words):
            alternatives = {w, *(str(t[0]) for t in dictionary.get(w, ()))}
            for alt in alternatives:
                for pos in by_word.get(alt, ()):
                    hits[pos].add(wi)
                pre = _prefix(alt)
                if pre:
                    for pos in by_prefix.get(pre, ()):
                        hits[pos].add(wi)
        positions = sorted(hits)
        best: tuple[float, int, int, int] | None = None
        for a_i, a in enumerate(positions):
            covered: set[int] = set()
            for b in positions[a_i:]:
                if b - a + 1 > len(words) + 2:
                    break
                covered |= hits[b]
                share = len(covered) / len(words)
                if share < MIN_PROJECTED_SHARE:
                    continue
                key = (-share, b - a, a, b)
                if best is None or key < best:
                    best = key
        if best is not None:
            _, _, a, b = best
            out.append((code, ((target[a][1], target[b][2]),)))
    return tuple(out)


def _half(key: str) -> int:
    return hashlib.sha256(key.encode("utf-8")).digest()[0] & 1


def _ngrams(stems: Sequence[str], n_max: int) -> set[tuple[str, ...]]:
    out = set()
    for n in range(1, n_max + 1):
        for i in range(len(stems) - n + 1):
            g = tuple(stems[i : i + n])
            if all(t.isdigit() or len(t) < 2 for t in g):
                continue
            out.add(g)
    return out


def learn_vocabulary(notes: Sequence[VocabNote], config: VocabularyConfig | None = None) -> LearnedVocabulary:
    config = config or VocabularyConfig()
    vocab = LearnedVocabulary()
    by_lang: dict[str, list[VocabNote]] = defaultdict(list)
    for n in sorted(notes, key=lambda n: (n.key, n.language)):
        by_lang[n.language].append(n)
    for lang, lnotes in sorted(by_lang.items()):
        table = _learn_language(lnotes, config)
        if table:
            vocab.phrases[lang] = table
    return vocab


def _learn_language(notes: list[VocabNote], cfg: VocabularyConfig):
    toks = [phrase_tokens(n.text) for n in notes]
    stems = [[t[0] for t in ts] for ts in toks]
    nominated: dict[tuple[tuple[str, ...], str], str] = {}  # (key, code) -> best source
    display: dict[tuple[str, ...], str] = {}
    upper: dict[tuple[str, ...], bool] = {}
    rank = {"evidence": 0, "projected": 1, "aligned": 2, "cooccurrence": 3}

    def nominate(key: tuple[str, ...], code: str, source: str, surface: str) -> None:
        if not key or len(key) > MAX_PHRASE:
            return
        prior = nominated.get((key, code))
        if prior is None or rank[source] < rank[prior]:
            nominated[(key, code)] = source
        if key not in display:
            display[key] = " ".join(fold(surface).split())
            upper[key] = len(key) == 1 and is_abbreviation(surface)
        elif upper.get(key) and not is_abbreviation(surface):
            upper[key] = False  # also written in lower case: a word, not only an abbreviation

    explained: list[set[str]] = []
    for n in notes:
        done: set[str] = set()
        for code, spans in n.spans:
            if code not in n.gold:
                continue
            for start, end in spans:
                surface = n.text[start:end]
                nominate(phrase_key(surface), code, "projected" if n.projected else "evidence", surface)
            done.add(code)
        for code, mention in n.aligned:
            if code in n.gold:
                nominate(phrase_key(mention), code, "aligned", mention)
                done.add(code)
        explained.append(done)

    # Co-occurrence: gold codes no span or terminology match explains, against the note's n-grams.
    grams = [_ngrams(s, NGRAM_MAX) for s in stems]
    df: Counter[tuple[str, ...]] = Counter()
    for g in grams:
        df.update(g)
    code_notes: Counter[str] = Counter()
    for n in notes:
        code_notes.update(n.gold)
    min_sup = cfg.min_support_cooccurrence
    half_co: list[Counter[tuple[tuple[str, ...], str]]] = [Counter(), Counter()]
    half_df: list[Counter[tuple[str, ...]]] = [Counter(), Counter()]
    for n, g, done in zip(notes, grams, explained, strict=True):
        h = _half(n.key)
        frequent = [x for x in g if df[x] >= min_sup]
        half_df[h].update(frequent)
        todo = [c for c in sorted(n.gold - done) if code_notes[c] >= min_sup]
        for c in todo:
            half_co[h].update((x, c) for x in frequent)
    p_min = cfg.min_precision_cooccurrence
    # a pair absent from half 0 cannot be confirmed there: half 0's pairs are all there is to check
    for key, code in sorted(half_co[0]):
        # nominated on one half, confirmed on the other (either way round)
        for a, b in ((0, 1), (1, 0)):
            co_x, co_y = half_co[a].get((key, code), 0), half_co[b].get((key, code), 0)
            if co_x < max(1, min_sup // 2 + min_sup % 2) or co_y < 1:
                continue
            if co_x / half_df[a][key] >= p_min and co_y / half_df[b][key] >= p_min / 2:
                nominated.setdefault((key, code), "cooccurrence")
                break
    for key in {k for k, _ in nominated}:
        if key not in display:
            display[key] = " ".join(key)
            upper[key] = False
    if not nominated:
        return {}

    # Count every nominated phrase over all the notes (phrases up to MAX_PHRASE words).
    keys = {k for k, _ in nominated}
    lengths = sorted({len(k) for k in keys})
    phrase_notes: Counter[tuple[str, ...]] = Counter()
    pair_support: Counter[tuple[tuple[str, ...], str]] = Counter()
    codes_of: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for key, code in nominated:
        codes_of[key].append(code)
    for n, s in zip(notes, stems, strict=True):
        present = set()
        for ln in lengths:
            for i in range(len(s) - ln + 1):
                k = tuple(s[i : i + ln])
                if k in keys:
                    present.add(k)
        phrase_notes.update(present)
        for k in present:
            for c in codes_of[k]:
                if c in n.gold:
                    pair_support[(k, c)] += 1
    minimum = {
        "evidence": (cfg.min_support_evidence, cfg.min_precision_evidence),
        "projected": (cfg.min_support_projected, cfg.min_precision_projected),
        "aligned": (cfg.min_support_aligned, cfg.min_precision_aligned),
        "cooccurrence": (cfg.min_support_cooccurrence, cfg.min_precision_cooccurrence),
    }
    table = {}
    for key in sorted(keys):
        entries = []
        for code in sorted(codes_of[key]):
            source = nominated[(key, code)]
            sup, n_phrase = pair_support[(key, code)], phrase_notes[key]
            ms, mp = minimum[source]
            if n_phrase and sup >= ms and sup / n_phrase >= mp:
                entries.append(Entry(code, sup, n_phrase, source))
        if entries:
            entries.sort(key=lambda e: (-e.support, e.code))
            table[key] = (display[key], upper[key], tuple(entries[: cfg.max_entries_per_phrase]))
    return table
