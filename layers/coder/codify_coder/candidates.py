"""Candidate generation: match each mention to ICD-10-CM codes through the compiled term index.

For every mention we build "slots" (one per content word of the mention, after abbreviation expansion),
each with alternative stems and weights: the word's own stem (1.0), its English translations when the
note is Spanish (es->en dictionary learned from parallel WHO/CM descriptions plus the project lexicon),
and, for words the terminology does not know, the nearest vocabulary words by character-trigram Dice
(typos, cognates: "cetoacidosis"~"ketoacidosis").

The language fence: a note is read only with the knowledge of its language. Each alternative is tagged
with the side it matches: an English note's words (own stems, English variants, fuzzy matches among English
words, English abbreviations) match ICD-10-CM terms and English synonyms; a Spanish note's words (own stems,
Spanish variants and abbreviations, fuzzy matches) match Spanish terms (WHO descriptions, Spanish synonyms),
and their translations (dictionary, same-spelled words) match the ICD-10-CM terms, never the English
synonyms. So "side" (stem "sid", as Spanish "sida") cannot reach B20 in an English note.

Disease words, not anatomy: a term matches only when the note covers one of its condition words (a word
that is not a site, side, structure or procedure name; see terminology/build.py): "thyroid gland" is not
"Tuberculosis of thyroid gland". A term of no condition word (a status synonym: "cholecystectomy") is exempt.

A term scores by

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
from collections.abc import Callable
from functools import lru_cache

import numpy as np

from .terminology import Terminology
from .terminology.text import OTHER_WORDS, STOP_WORDS, catalan_geminate, skeleton, stem, tokens
from .terminology.wordforms import (
    BRIDGED_LANGUAGES,
    NUMBERED_LANGUAGES,
    PLURAL_MARK,
    STOP_WORDS_BY_LANGUAGE,
    basque_bases,
    plural_looking,
    regular_spelling,
    spanish_spellings,
)
from .types import Candidate, Mention, Understanding

_RAW_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)

MIN_COVERAGE = 0.5  # a term must have at least half of its (idf-weighted) words in the mention
FUZZY_MIN_DICE = 0.7  # trigram Dice for an unknown word to stand for a vocabulary word
FUZZY_MAX = 2
FUZZY_MIN_LEN = 5  # shorter words are too often other words' spelling skeletons ("many" ~ "mania")
# word flags of the compiled index (terminology/build.py)
WORD_EN, WORD_ES, COND_EN, COND_ES = 1, 2, 4, 8
GROUP_CM, GROUP_EN, GROUP_ES = 0, 1, 2
UNKNOWN_SLOT_IDF = 1.0
OTHER_PENALTY = 0.9  # "Other X" when the note does not say "other"
CLAUSE_TOP_K = 5  # codes kept per clause-level match
CLAUSE_DISCOUNT = 0.9  # a clause is a bag of several mentions' words: weaker evidence
# A patient's age ("81-year-old") is not "old age" (R54).
# Catalan "mal" is pain ("mal de cap") but also "poorly" before a participle: "mal definits", "mal diferenciat"
# ... and "cap" (head) is also "none": "mal de cap" / "dolor de cap" is read as the one word for headache
_CA_HEADACHE = re.compile(r"\b(?:mal|dolor)s? de cap\b", re.IGNORECASE)
_CA_POORLY = re.compile(
    r"\bmal\s+(?!controla)(?=\w+(?:at|ada|ats|ades|it|ida|its|ides|ut|uda|uts|udes)\b)", re.IGNORECASE
)  # "mal controlada" stays: poorly controlled is what Spanish "mal controlada" says
# "son" is "are" (són) and "sleep": "del son" is sleep ("apnea obstructiva del son", "trastorn del son")
_CA_SLEEP = re.compile(r"\b(de|del) son\b", re.IGNORECASE)
_AGE = re.compile(r"\b(?:\d+|[a-z]+)[- ](?:year|month|week|day)s?[- ]old\b", re.IGNORECASE)
_CLAUSE = re.compile(r"[^.;:\n]+")
# English context cues written with a slash: status post, history of, complains of, rule out
_EN_CUES = re.compile(r"(?<![\w/])[SsHhCcRr]/[OoPp](?![\w/])")
# "PE" is the physical exam where it heads findings ("PE: ...", "PE revealed", "on PE"), else pulmonary embolism
_PHYSICAL_EXAM = re.compile(
    r"(?:(?<=\bon )|(?<=\bOn ))PE\b|\bPE(?=\s*:|\s+(?:revealed|reveals|showed|shows|was (?:normal|unremarkable)|"
    r"is (?:normal|unremarkable)|normal|unremarkable|WNL|exam|findings)\b)"
)  # words the terminology never uses weigh little in "explained"


class CandidateGenerator:
    def __init__(self, terminology: Terminology, top_k: int = 10) -> None:
        self.terminology = terminology
        self.top_k = top_k
        idx = terminology.index
        self._idx = idx
        a = idx.arrays
        self._idf = a["idf"]
        # postings sorted by term group: a key (word id * 2 + side) reads [lo, hi) of its side's groups
        ptr = a["post_ptr"]
        self._post_lo = {
            "en": np.stack([ptr[:, GROUP_CM], ptr[:, GROUP_ES]], axis=1).reshape(-1),
            "es": np.stack([ptr[:, GROUP_CM], ptr[:, GROUP_ES]], axis=1).reshape(-1),
        }
        self._post_hi = {
            "en": np.stack([ptr[:, GROUP_EN + 1], ptr[:, GROUP_ES + 1]], axis=1).reshape(-1),
            "es": np.stack([ptr[:, GROUP_CM + 1], ptr[:, GROUP_ES + 1]], axis=1).reshape(-1),
        }
        flags = a["word_flags"]
        self._flags = flags
        # condition word of the key's side: even keys match English terms, odd keys Spanish ones
        self._key_cond = np.stack([(flags & COND_EN) > 0, (flags & COND_ES) > 0], axis=1).reshape(-1).astype(
            np.float32
        )
        self._term_ncond = a["term_ncond"]
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
        self._variants = idx.variants
        # abbreviations written with "/" or "-" ("N/V", "A-fib") are not single tokens: matched on the text
        self._phrasal: dict[str, re.Pattern] = {}
        self._phrasal_table: dict[str, dict[str, str]] = {}
        for lang in ("en", "es", *BRIDGED_LANGUAGES):
            table = {
                a: e[lang] if lang in e else e["es"]
                for a, e in self._abbr.items()
                if (lang in e or (lang in BRIDGED_LANGUAGES and "es" in e)) and re.search(r"[/-]", a)
            }
            if table:
                alts = "|".join(re.escape(a) for a in sorted(table, key=lambda a: (-len(a), a)))
                self._phrasal[lang] = re.compile(rf"(?<![\w/-])(?:{alts})(?![\w/-])")
                self._phrasal_table[lang] = table
        self._raw_words: dict[str, list[str]] = {}
        self._bridges = idx.bridges
        self._no_stop: frozenset[str] = frozenset()
        self._code_len = np.array([len(c) for c in idx.codes], dtype=np.int16)
        self._alts = lru_cache(maxsize=32768)(self._word_alternatives)
        self._bridged_sources = lru_cache(maxsize=32768)(self._bridged_sources_uncached)

    # ------------------------------------------------------------ words
    def _fuzzy(self, word: str, side_mask: int) -> list[tuple[int, float]]:
        """Nearest vocabulary words by trigram Dice among the words of the given sides."""
        w = f"#{skeleton(word)}#"
        grams = {w[i : i + 3] for i in range(len(w) - 2)}
        ids = [self._idx.trigrams[g] for g in grams if g in self._idx.trigrams]
        if not ids:
            return []
        hits = np.concatenate([self._tri_words[self._tri_ptr[i] : self._tri_ptr[i + 1]] for i in ids])
        if hits.size == 0:
            return []
        uniq, counts = np.unique(hits, return_counts=True)
        on_side = (self._flags[uniq] & side_mask) > 0
        uniq, counts = uniq[on_side], counts[on_side]
        if uniq.size == 0:
            return []
        dice = 2.0 * counts / (len(grams) + self._word_ntri[uniq])
        order = np.lexsort((uniq, -dice))[:FUZZY_MAX]
        return [(int(uniq[i]), float(dice[i])) for i in order if dice[i] >= FUZZY_MIN_DICE]

    def _word_alternatives(self, word: str, language: str) -> tuple[tuple[int, float], ...]:
        """(key, weight) alternatives of one folded content word of a note in `language`; key = vocabulary
        id * 2 + side (0: matches the English terms, 1: the Spanish terms). Only the note language's knowledge
        is read: English notes never see the es->en dictionary, Spanish variants or Spanish terms."""
        vid, vocab, flags = self._idx.word_id, self._idx.vocab, self._flags
        s = stem(word)
        own = vid.get(s)
        alts: dict[int, float] = {}

        def add(key: int, w: float) -> None:
            if w > alts.get(key, 0.0):
                alts[key] = w

        if language == "en":
            known = own is not None and bool(flags[own] & WORD_EN)
            sources = [(s, 1.0)]
            if not known and not s.isdigit() and len(s) >= FUZZY_MIN_LEN:
                sources += [(vocab[i], d) for i, d in self._fuzzy(s, WORD_EN)]
            for src, w in list(sources):
                for alt, vw in self._variants["en"].get(src, ()):
                    sources.append((alt, w * vw * 0.95))
            for src, w in sources:
                i = vid.get(src)
                if i is not None and flags[i] & WORD_EN:
                    add(2 * i, w)
            return tuple(sorted(alts.items()))

        # Spanish note: own stem and fuzzy matches (Spanish side, or an English cognate spelled otherwise),
        # translations (English side), Spanish variants of all of them, English variants of the translations.
        # Catalan, Galician and Basque notes: their words as Spanish words first (bridge_*.tsv), then on.
        dictionary = self._idx.dictionary
        if language == "es":
            known = own is not None and bool(flags[own] & (WORD_ES | WORD_EN))
            es_sources = [(s, 1.0)]
            if not known and not s.isdigit() and len(s) >= FUZZY_MIN_LEN:
                es_sources += [(vocab[i], d) for i, d in self._fuzzy(s, WORD_ES | WORD_EN)]
        else:
            es_sources = self._bridged_sources(word, language)
        en_sources: list[tuple[str, float]] = []
        for src, w in es_sources:
            for en, tw in dictionary.get(src, ()):
                en_sources.append((en, w * tw))
        all_sources = es_sources + en_sources
        for src, w in list(all_sources):
            for alt, vw in self._variants["es"].get(src, ()):
                all_sources.append((alt, w * vw * 0.95))
        for src, w in all_sources:
            i = vid.get(src)
            if i is None:
                continue
            if flags[i] & WORD_ES:
                add(2 * i + 1, w)
            if flags[i] & WORD_EN:  # same-spelled word or translation: the ICD-10-CM terms
                add(2 * i, w)
        return tuple(sorted(alts.items()))

    def _bridged_sources_uncached(self, word: str, language: str) -> list[tuple[str, float]]:
        """Spanish stems a Catalan, Galician or Basque word stands for: its bridge lexicon entry (the word, or
        for Basque a base without its case/number suffix); else the word itself where Spanish or the
        terminology spells it so ("anemia", "diabetis" ~ "diabetes"), respelled by the regular
        correspondences ("hipertentsio" -> "hipertension"), or its nearest vocabulary word (cognates)."""
        vid, vocab, flags = self._idx.word_id, self._idx.vocab, self._flags
        bridge = self._bridges.get(language, {})
        forms = [(word, 1.0)]
        if language == "eu":
            forms += [(b, 0.95) for b in basque_bases(word)]
        # Catalan and Galician: an entry reached through another inflection than the ones listed is a guess
        # (Catalan "infecció" and "infecciós" share a stem), weighed under the word's own regular respelling
        listed = self._idx.glosses.get(language) if language in ("ca", "gl") else None
        guessed: list[tuple[str, float]] = []
        for form, wf in forms:
            hit = bridge.get(stem(form))
            if hit:
                if listed is None or form in listed:
                    return [(b, wf * w) for b, w in hit]
                guessed = [(b, wf * w * 0.9) for b, w in hit]
                break
        candidates: list[tuple[str, float]] = list(guessed)
        for form, wf in forms:
            candidates.append((stem(form), wf))
            spellings = spanish_spellings(form, language)
            # Catalan and Galician: the regular respelling (-ció/-ción, -itat/-idad) is the word as Spanish
            # writes it; the alternatives of an ambiguous ending are guesses
            regular = spellings[0] if listed is not None and spellings and spellings[0] == regular_spelling(
                form, language) else None
            candidates.extend((stem(r), wf * (1.0 if r == regular else 0.95)) for r in spellings)
        known = [(c, w) for c, w in candidates if (i := vid.get(c)) is not None and flags[i] & (WORD_ES | WORD_EN)]
        if known:
            best: dict[str, float] = {}
            for c, w in known:
                best[c] = max(w, best.get(c, 0.0))
            return sorted(best.items(), key=lambda x: (-x[1], x[0]))[:3]
        s = stem(word)
        if s.isdigit() or len(s) < FUZZY_MIN_LEN:
            return [(s, 1.0)]
        # the respelled form of the longest base is the best guess at the Spanish cognate
        guess = next((stem(r) for f, _ in forms if (r := regular_spelling(f, language)) != f), s)
        out = [(s, 1.0)]
        for g in dict.fromkeys((guess, s)):
            out += [(vocab[i], d) for i, d in self._fuzzy(g, WORD_ES | WORD_EN)]
        return out

    def reader(self, language: str) -> Callable[[str], tuple[str, ...]] | None:
        """For Catalan, Galician and Basque notes: a span of the note as the Spanish stems its words stand
        for (the scorer compares them with a term's stems); None for English and Spanish."""
        if language not in BRIDGED_LANGUAGES:
            return None

        # Catalan and Galician: each stem carries the number of the word as Spanish spells it (the bridge's
        # surface form where the word is listed: "diabetis" is "diabetes", "pàncrees" "páncreas")
        surface = self._idx.glosses.get(language, {}) if language in NUMBERED_LANGUAGES else None

        def read(span: str) -> tuple[str, ...]:
            out: list[str] = []
            for w in tokens(self._prepare(span, language)):
                if w in STOP_WORDS or w in STOP_WORDS_BY_LANGUAGE[language]:
                    continue
                sources = self._bridged_sources(w, language)
                s = self._read_word(w, sources, language) if sources else stem(w)
                # read as a Spanish "-oso" adjective (Catalan "-ós": "nerviós" -> "nervios"), it is singular
                if surface is not None and plural_looking(surface.get(w, w)) and not (
                    w not in surface and w.endswith("os") and s.endswith("os")
                ):
                    s += PLURAL_MARK
                out.append(s)
            return tuple(out)

        return read

    def _read_word(self, word: str, sources: list[tuple[str, float]], language: str) -> str:
        """The Spanish stem a word reads as: its likeliest source; among equally likely ones, the word's gloss
        (the Spanish word its bridge lists first: Catalan "ronyó" is "riñón" before it is "renal")."""
        top = max(w for _, w in sources)
        best = [src for src, w in sources if w == top]
        if len(best) > 1:
            gloss = self._idx.glosses.get(language, {}).get(word)
            if gloss:
                preferred = {stem(t) for t in tokens(gloss)}
                return next((src for src in best if src in preferred), best[0])
        return best[0]

    def _prepare(self, text: str, language: str) -> str:
        """The span with its language's phrasal abbreviations expanded ("N/V", "A-fib", "w/o"), English context
        cues dropped ("s/p", "h/o", "c/o", "r/o": the understand stage reads them; their letters are no
        condition) and "PE" read as the physical exam where it heads findings ("PE: lungs clear")."""
        text = _AGE.sub(" ", text)
        if language == "ca":
            text = catalan_geminate(text)
            if "mal " in text or "Mal " in text:
                text = _CA_POORLY.sub(" ", text)
            if " cap" in text:
                text = _CA_HEADACHE.sub("cefalea", text)
            if " son" in text:
                text = _CA_SLEEP.sub(r"\1 sueño", text)
        if language == "en":
            if "/" in text:
                text = _EN_CUES.sub(" ", text)
            if "PE" in text:
                text = _PHYSICAL_EXAM.sub(" ", text)
        pattern = self._phrasal.get(language)
        if pattern is not None and any(ch in text for ch in "/-"):
            table = self._phrasal_table[language]
            text = pattern.sub(lambda m: f" {table[m.group(0)]} ", text)
        return text

    def _slots(self, text: str, language: str) -> list[tuple[tuple[int, float], ...]]:
        words: list[tuple[str, str]] = []
        for raw in _RAW_TOKEN.findall(self._prepare(text, language)):
            exp = self._abbr.get(raw)  # case-sensitive: "IRA" is an abbreviation, "ira" a word
            expansion = exp.get(language) if exp is not None else None
            if expansion is None and exp is not None and language in BRIDGED_LANGUAGES:
                # clinical abbreviations are shared across Spain's languages (HTA, DM, IRC): the Spanish ones
                # where the language has none of its own
                expansion = exp.get("es")
            if expansion is not None:
                # only the note language's abbreviations: "IRA" is Spanish, "PE" English
                words.extend((w, language) for w in tokens(expansion))
            else:
                folded = self._raw_words.get(raw)
                if folded is None:
                    folded = tokens(raw)
                    if len(self._raw_words) < 100_000:  # bounded memo of folded word forms
                        self._raw_words[raw] = folded
                words.extend((w, language) for w in folded)
        stop = STOP_WORDS_BY_LANGUAGE.get(language, self._no_stop)
        return [self._alts(w, lang) for w, lang in words if w not in STOP_WORDS and w not in stop]

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
        side_lang = "en" if language == "en" else "es"  # Catalan, Galician, Basque: read through Spanish
        best_w: dict[int, float] = {}
        best_slot: dict[int, int] = {}
        slot_idf = np.full(len(slots), UNKNOWN_SLOT_IDF, dtype=np.float32)
        for si, alts in enumerate(slots):
            for key, w in alts:
                slot_idf[si] = max(slot_idf[si], self._idf[key >> 1] * w)
                if w > best_w.get(key, 0.0):
                    best_w[key] = w
                    best_slot[key] = si
        if not best_w:
            return []
        total_slot = float(slot_idf.sum())
        mentions_other = any((key >> 1) in self._other_ids for key in best_w)
        keys = np.fromiter(sorted(best_w), dtype=np.int64, count=len(best_w))
        lo, hi = self._post_lo[side_lang][keys], self._post_hi[side_lang][keys]
        lens = hi - lo
        nz = lens > 0
        if not nz.any():
            return []
        keys, lo, hi, lens = keys[nz], lo[nz], hi[nz], lens[nz]
        wids = keys >> 1
        key_list = keys.tolist()
        weight = np.array([best_w[k] for k in key_list], dtype=np.float32)
        slot_of = [best_slot[k] for k in key_list]
        slot_w = slot_idf[slot_of]
        ids = np.concatenate([self._post_terms[a:b] for a, b in zip(lo.tolist(), hi.tolist())])
        cov_w = np.repeat(self._idf[wids] * weight, lens)
        exp_w = np.repeat(slot_w * weight, lens)
        alpha_w = np.repeat(self._is_alpha[wids], lens)
        cond_w = np.repeat(self._key_cond[keys], lens)
        terms, inverse = np.unique(ids, return_inverse=True)
        covered = np.bincount(inverse, weights=cov_w)
        # A note word explains a term once, however many of its alternatives the term uses: "metástasis"
        # translates to "secondary malignant neoplasm", and must not count three times (which made
        # "metástasis hepáticas" explain C79.9 fully, leaving "hepáticas" unaccounted for).
        pair = inverse.astype(np.int64) * len(slots) + np.repeat(np.array(slot_of, dtype=np.int64), lens)
        by_pair = np.lexsort((-exp_w, pair))
        _, first = np.unique(pair[by_pair], return_index=True)
        explained_all = np.bincount(
            inverse[by_pair][first], weights=exp_w[by_pair][first], minlength=len(terms)
        )
        coverage = np.minimum(covered / self._term_total[terms], 1.0)
        # a number alone ("18 months") must not select a term ("Trisomy 18"): some word must match too;
        # and a site alone ("thyroid gland") must not select a disease of it: a condition word must match
        keep = (
            (coverage >= MIN_COVERAGE)
            & (np.bincount(inverse, weights=alpha_w) > 0)
            & ((np.bincount(inverse, weights=cond_w) > 0) | (self._term_ncond[terms] == 0))
        )
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
        foreign = self._term_lang[terms] != (0 if language == "en" else 1)
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
        if language == "en" and "PE" in text:
            # the physical exam's "PE:" heads its own line: mask it in the note (same length), since a mention
            # span may end before the colon
            text = _PHYSICAL_EXAM.sub(lambda m: " " * len(m.group(0)), text)
            span = [text[m.start : m.end] if m.text and "PE" in m.text else m.text for m in mentions]
        else:
            span = [m.text for m in mentions]
        slots = [tuple(self._slots(t or text[m.start : m.end], language)) for t, m in zip(span, mentions)]
        memo: dict[tuple, list[tuple[int, int, float]]] = {}  # notes repeat phrases ("dolor", "masa")
        found: list[list[tuple[int, int, float]]] = []
        for sl in slots:
            if sl not in memo:
                memo[sl] = self._match(sl, self.top_k, language)
            found.append(memo[sl])
        extra: list[list[tuple[int, int, float]]] = [[] for _ in mentions]
        words = [{key >> 1 for alts in s for key, _ in alts} for s in slots]
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

