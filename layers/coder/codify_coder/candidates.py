"""Candidate generation: match each mention to ICD-10-CM codes through the compiled term index.

For every mention we build "slots" (one per content word of the mention, after abbreviation expansion),
each with alternative stems and weights: the word's own stem (1.0), its English translations when the
note is Spanish (es->en dictionary learned from parallel WHO/CM descriptions plus the project lexicon),
and, for words the terminology does not know, the nearest vocabulary words by character-trigram Dice
(typos, cognates: "cetoacidosis"~"ketoacidosis"). A term scores by

    coverage  = idf-weighted share of the term's required words found among the slots
    explained = idf-weighted share of the mention's slots that the term uses
    lexical   = coverage * (0.6 + 0.4 * explained)

which is word-order independent. Per mention we keep each code's best term and return the top `top_k`
codes, ties broken towards the more specific (longer) code, then alphabetically: deterministic.
Everything is numpy over the prebuilt postings (no index is built here), a few ms per note.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

import numpy as np

from .terminology import Terminology
from .terminology.text import OTHER_WORDS, STOP_WORDS, skeleton, stem, tokens
from .types import Candidate, Mention, Understanding

_RAW_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)

MIN_COVERAGE = 0.5  # a term must have at least half of its (idf-weighted) words in the mention
FUZZY_MIN_DICE = 0.7  # trigram Dice for an unknown word to stand for a vocabulary word
FUZZY_MAX = 2
UNKNOWN_SLOT_IDF = 1.0
OTHER_PENALTY = 0.9  # "Other X" when the note does not say "other"
CLAUSE_TOP_K = 5  # codes kept per clause-level match
CLAUSE_DISCOUNT = 0.9  # a clause is a bag of several mentions' words: weaker evidence
# A patient's age ("81-year-old") is not "old age" (R54).
_AGE = re.compile(r"\b(?:\d+|[a-z]+)[- ](?:year|month|week|day)s?[- ]old\b", re.IGNORECASE)
_CLAUSE = re.compile(r"[^.;:\n]+")  # words the terminology never uses weigh little in "explained"


class CandidateGenerator:
    def __init__(self, terminology: Terminology, top_k: int = 10) -> None:
        self.terminology = terminology
        self.top_k = top_k
        idx = terminology.index
        self._idx = idx
        a = idx.arrays
        self._idf = a["idf"]
        self._post_ptr = a["post_ptr"]
        self._post_terms = a["post_terms"]
        self._term_code = a["term_code"]
        self._term_total = a["term_total"]
        self._tri_ptr = a["tri_ptr"]
        self._tri_words = a["tri_words"]
        self._word_ntri = a["word_ntri"].astype(np.float32)
        self._n_terms = len(self._term_total)
        # Abbreviations are matched case-sensitively ("MI", "FA"); lower-case forms only when the
        # lexicon wrote them so.
        self._abbr = idx.abbreviations
        self._term_other = a["term_other"]
        self._term_lang = a["term_lang"]
        self._other_ids = {idx.word_id[stem(w)] for w in OTHER_WORDS if stem(w) in idx.word_id}
        self._is_alpha = np.array([not w.isdigit() for w in idx.vocab], dtype=np.float32)
        self._raw_words: dict[str, list[str]] = {}
        self._code_len = np.array([len(c) for c in idx.codes], dtype=np.int16)
        self._alts = lru_cache(maxsize=32768)(self._word_alternatives)

    # ------------------------------------------------------------ words
    def _fuzzy(self, word: str) -> list[tuple[int, float]]:
        w = f"#{skeleton(word)}#"
        grams = {w[i : i + 3] for i in range(len(w) - 2)}
        ids = [self._idx.trigrams[g] for g in grams if g in self._idx.trigrams]
        if not ids:
            return []
        hits = np.concatenate([self._tri_words[self._tri_ptr[i] : self._tri_ptr[i + 1]] for i in ids])
        if hits.size == 0:
            return []
        uniq, counts = np.unique(hits, return_counts=True)
        dice = 2.0 * counts / (len(grams) + self._word_ntri[uniq])
        order = np.lexsort((uniq, -dice))[:FUZZY_MAX]
        return [(int(uniq[i]), float(dice[i])) for i in order if dice[i] >= FUZZY_MIN_DICE]

    def _word_alternatives(self, word: str, language: str) -> tuple[tuple[int, float], ...]:
        """(vocabulary id, weight) alternatives of one folded content word."""
        vid = self._idx.word_id
        dictionary = self._idx.dictionary
        s = stem(word)
        alts: dict[int, float] = {}
        known = s in vid
        if known:
            alts[vid[s]] = 1.0
        sources = [(s, 1.0)]
        if not known and not s.isdigit() and len(s) >= 4:
            for wid, dice in self._fuzzy(s):
                alts[wid] = max(alts.get(wid, 0.0), dice)
                sources.append((self._idx.vocab[wid], dice))
        if language == "es" or not known:
            for src, w in list(sources):
                for en, tw in dictionary.get(src, ()):
                    sources.append((en, w * tw))
        for src, w in list(sources):
            for alt, vw in self._idx.variants.get(src, ()):
                sources.append((alt, w * vw * 0.95))
        for src, w in sources[1:]:
            if src in vid:
                alts[vid[src]] = max(alts.get(vid[src], 0.0), w)
        return tuple(sorted(alts.items()))

    def _slots(self, text: str, language: str) -> list[tuple[tuple[int, float], ...]]:
        words: list[tuple[str, str]] = []
        for raw in _RAW_TOKEN.findall(_AGE.sub(" ", text)):
            exp = self._abbr.get(raw)  # case-sensitive: "IRA" is an abbreviation, "ira" a word
            if exp is not None:
                # an English note may carry a Spanish abbreviation (and vice versa): expand in its language
                lang = language if language in exp else min(exp)
                words.extend((w, lang) for w in tokens(exp[lang]))
            else:
                folded = self._raw_words.get(raw)
                if folded is None:
                    folded = tokens(raw)
                    if len(self._raw_words) < 100_000:  # bounded memo of folded word forms
                        self._raw_words[raw] = folded
                words.extend((w, language) for w in folded)
        return [self._alts(w, lang) for w, lang in words if w not in STOP_WORDS]

    # ------------------------------------------------------------ matching
    def match(self, text: str, language: str) -> list[tuple[str, str, float]]:
        """(code, matched term, lexical) for one span of text, best first, at most top_k codes."""
        return [
            (self._idx.codes[c], self._idx.terms[t], lex)
            for c, t, lex in self._match(self._slots(text, language), self.top_k, language)
        ]

    def _match(self, slots, top_k: int, language: str = "en") -> list[tuple[int, int, float]]:
        """(code id, term id, lexical), best first, at most top_k codes."""
        if not slots:
            return []
        best_w: dict[int, float] = {}
        best_slot: dict[int, int] = {}
        slot_idf = np.full(len(slots), UNKNOWN_SLOT_IDF, dtype=np.float32)
        for si, alts in enumerate(slots):
            for wid, w in alts:
                slot_idf[si] = max(slot_idf[si], self._idf[wid] * w)
                if w > best_w.get(wid, 0.0):
                    best_w[wid] = w
                    best_slot[wid] = si
        if not best_w:
            return []
        total_slot = float(slot_idf.sum())
        mentions_other = any(wid in self._other_ids for wid in best_w)
        wids = np.fromiter(sorted(best_w), dtype=np.int64, count=len(best_w))
        lens = self._post_ptr[wids + 1] - self._post_ptr[wids]
        nz = lens > 0
        if not nz.any():
            return []
        wids, lens = wids[nz], lens[nz]
        weight = np.array([best_w[w] for w in wids.tolist()], dtype=np.float32)
        slot_w = slot_idf[[best_slot[w] for w in wids.tolist()]]
        ids = np.concatenate(
            [self._post_terms[self._post_ptr[w] : self._post_ptr[w + 1]] for w in wids.tolist()]
        )
        cov_w = np.repeat(self._idf[wids] * weight, lens)
        exp_w = np.repeat(slot_w * weight, lens)
        alpha_w = np.repeat(self._is_alpha[wids], lens)
        terms, inverse = np.unique(ids, return_inverse=True)
        covered = np.bincount(inverse, weights=cov_w)
        # A note word explains a term once, however many of its alternatives the term uses: "metástasis"
        # translates to "secondary malignant neoplasm", and must not count three times (which made
        # "metástasis hepáticas" explain C79.9 fully, leaving "hepáticas" unaccounted for).
        pair = inverse.astype(np.int64) * len(slots) + np.repeat(
            np.array([best_slot[w] for w in wids.tolist()], dtype=np.int64), lens
        )
        by_pair = np.lexsort((-exp_w, pair))
        _, first = np.unique(pair[by_pair], return_index=True)
        explained_all = np.bincount(
            inverse[by_pair][first], weights=exp_w[by_pair][first], minlength=len(terms)
        )
        coverage = np.minimum(covered / self._term_total[terms], 1.0)
        # a number alone ("18 months") must not select a term ("Trisomy 18"): some word must match too
        keep = (coverage >= MIN_COVERAGE) & (np.bincount(inverse, weights=alpha_w) > 0)
        if not keep.any():
            return []
        terms, coverage = terms[keep], coverage[keep]
        explained = np.minimum(explained_all[keep] / total_slot, 1.0)
        lexical = coverage * (0.6 + 0.4 * explained)
        if not mentions_other:
            lexical = lexical * np.where(self._term_other[terms] > 0, OTHER_PENALTY, 1.0)
        lexical = np.round(lexical, 4)
        code_ids = self._term_code[terms]
        # best first; ties: more specific code, then code id (alphabetical), then a term in the note's
        # language (the evidence a coder reads), then term id
        foreign = self._term_lang[terms] != (1 if language == "es" else 0)
        order = np.lexsort((terms, foreign, code_ids, -self._code_len[code_ids], -lexical))
        out: list[tuple[int, int, float]] = []
        seen: set[int] = set()
        for i in order:
            cid = int(code_ids[i])
            if cid in seen:
                continue
            seen.add(cid)
            out.append((cid, int(terms[i]), float(lexical[i])))
            if len(out) >= top_k:
                break
        return out

    @property
    def max_per_mention(self) -> int:
        return self.top_k + CLAUSE_TOP_K

    def generate(self, text: str, understanding: Understanding) -> list[Candidate]:
        """Candidates for every mention, in mention order then rank order (lexical, specificity, code).

        Each mention is matched on its own; then each clause of the note is matched as a whole, which
        finds terms whose words the mention chunker split across mentions ("dolor ... en testículo
        derecho"). A clause match is attached to the clause's mention sharing most of the term's words,
        with a lower score, and only when no mention of that clause already has the code.
        """
        language = understanding.language
        mentions = understanding.mentions
        if not mentions:
            return []
        slots = [tuple(self._slots(m.text or text[m.start : m.end], language)) for m in mentions]
        memo: dict[tuple, list[tuple[int, int, float]]] = {}  # notes repeat phrases ("dolor", "masa")
        found: list[list[tuple[int, int, float]]] = []
        for sl in slots:
            if sl not in memo:
                memo[sl] = self._match(sl, self.top_k, language)
            found.append(memo[sl])
        extra: list[list[tuple[int, int, float]]] = [[] for _ in mentions]
        words = [{wid for alts in s for wid, _ in alts} for s in slots]
        term_ptr, term_tok = self._idx.arrays["term_ptr"], self._idx.arrays["term_tok"]
        by_start = sorted(range(len(mentions)), key=lambda i: (mentions[i].start, i))
        starts = [mentions[i].start for i in by_start]
        for cm in _CLAUSE.finditer(text):
            lo, hi = bisect_left(starts, cm.start()), bisect_left(starts, cm.end())
            mids = [by_start[k] for k in range(lo, hi)]
            if not mids:
                continue
            clause_slots = tuple(self._slots(cm.group(0), language))
            if len(mids) == 1 and clause_slots == slots[mids[0]]:
                continue  # the clause says nothing its only mention does not
            have = {cid for mi in mids for cid, _, _ in found[mi]} | {
                c for mi in mids for c, _, _ in extra[mi]
            }
            for cid, tid, lex in self._match(clause_slots, CLAUSE_TOP_K, language):
                if cid in have:
                    continue
                tw = set(term_tok[term_ptr[tid] : term_ptr[tid + 1]].tolist())
                overlap, best = max((len(tw & words[mi]), -mi) for mi in mids)
                if overlap == 0:
                    continue
                extra[-best].append((cid, tid, round(lex * CLAUSE_DISCOUNT, 4)))
                have.add(cid)
        out: list[Candidate] = []
        codes, terms = self._idx.codes, self._idx.terms
        for mi in range(len(mentions)):
            merged = sorted(found[mi] + extra[mi], key=lambda x: (-x[2], -self._code_len[x[0]], x[0]))
            out.extend(
                Candidate(code=codes[c], mention=mi, matched_term=terms[t], lexical=lex)
                for c, t, lex in merged
            )
        return out


def clause_mentions(text: str) -> tuple[Mention, ...]:
    """Fallback mentions, one per clause (split at . ; : and line breaks), for use before/without the
    understand stage and in tests."""
    mentions: list[Mention] = []
    for m in re.finditer(r"[^.;:\n]+", text):
        span = m.group(0)
        if not span.strip():
            continue
        lead = len(span) - len(span.lstrip())
        start, end = m.start() + lead, m.start() + len(span.rstrip())
        mentions.append(Mention(start=start, end=end, text=text[start:end], sentence=len(mentions)))
    return tuple(mentions)

