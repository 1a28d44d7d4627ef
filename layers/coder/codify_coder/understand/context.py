"""Mentions and their ConText assertions (Harkema et al., J Biomed Inform 2009), English and Spanish.

A sentence is cut into chunks (candidate condition phrases) at punctuation, coordinators, clause
openers, terminators and trigger phrases; triggers never stay inside a mention ("No evidence of
pneumonia" -> mention "pneumonia", trigger "no evidence of"). Then each trigger's scope is walked:

- forward ("f") triggers cover the chunks to their right until a terminator for their category, a ";"
  or the end of the sentence (a list "denies fever, chills and cough" is covered entirely);
- backward ("b") triggers always cover the chunk just before them, and further left only across
  coordinators ("pneumonia and sepsis were ruled out"), or across commas once a coordinator has been
  crossed ("fever, cough and dyspnea were ruled out"), never across a clause boundary and at most 4
  chunks; so "cough, pneumonia ruled out" negates only pneumonia; adjectival cues ("b1": "previo",
  "negativo", "resolved") cover only the chunk just before them;
- "bi" triggers do both (family members: "mother had X", "X in mother").

Precedence when several categories cover one mention (first wins):
    negated > family > hypothetical > possible > historical > present
Negated comes before family, deliberately not after it: a negated family statement ("no family history
of diabetes", "mother does not have cancer") supports neither the condition nor a Z80-Z84 family
history code, and the rules stage turns "family" into such a code. Section defaults: mentions in a
"family_history" section are family unless negated; in a "history" section historical unless another
assertion applies; their `trigger` is the normalized header text ("antecedentes familiares").

Hand-written instead of medspaCy/pyConText: those need spaCy and its models (hundreds of MB in the
Lambda layer, seconds to load) and have no Spanish rules; this runs in about a millisecond per note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, cast

from ..types import Assertion, Language, Mention
from . import lexicon as lx
from . import lexicon_iberian as lxi
from .textutil import fold, phrase_key

ALL = None  # terminator of every category
_FORWARD = frozenset({"f", "f1", "f1a", "bi", "bi1"})
_BACKWARD = frozenset({"b", "b1", "bi", "bi1", "bpl"})
_BACKWARD_ONE = frozenset({"b1", "bi1"})  # adjectival cues: only the chunk right before them
# postposed adjectives ("b1", "bi1", and plural "bpl": "serologías VHB, VHC y VIH negativas" covers the
# list) qualify the last noun: not a chunk "deshidratación con balances hídricos" as a whole
_BACKWARD_ADJECTIVE = frozenset({"b1", "bi1", "bpl"})
# A Spanish conjugated verb starts a new predicate: it ends these scopes (not family or hypothetical).
_CLAUSE_VERB_ENDS = frozenset({"negated", "possible", "historical"})
# Disjunctions: a negation distributes over the items they join ("no fever or prior stroke").
_DISJUNCTIONS = frozenset({"or", "nor", "o", "u", "ni"})
# "Mother had X" covers X and one more chunk; "sus padres notaron ..." must not run over a narrative.
_MAX_RELATIVE_FORWARD_CHUNKS = 2
PRECEDENCE = ("negated", "family", "hypothetical", "possible", "historical")
_FAMILY_LINKS = frozenset(
    fold(w)
    for w in (
        "with",
        ":",
        "-",
        "had",
        "has",
        "have",
        "was",
        "is",
        "died",
        "diagnosed",
        "suffered",
        "suffers",
        "developed",
        "also",
        "con",
        "tuvo",
        "tiene",
        "tenía",
        "padece",
        "padeció",
        "padecía",
        "falleció",
        "fallecido",
        "fallecida",
        "murió",
        "diagnosticado",
        "diagnosticada",
        "presenta",
        "presentó",
        "sufre",
        "sufrió",
        "afecto",
        "afecta",
        "había",
        "también",
        "es",
        "era",
        "fue",
        # Catalan, Galician
        "amb", "te", "tenia", "pateix", "patia", "va", "ten", "tina", "tivo", "padeceu", "sufriu", "faleceu",
        "morreu", "co", "coa", "cos", "coas",
    )
)
_FAMILY_NOT_LINKS = frozenset({"y", "e", "o", "u", "ni", "que", "se", "refiere", "refieren", "notar", "nota"})
_FAMILY_BACK_LINKS = frozenset({"in", "en", "of", "de", "by", "por", "(", "from"})
_LIST_ITEM_MAX_TOKENS = 6
_WITH = frozenset({"con", "with"})
_NOT_LIST_OPENERS = frozenset(
    {"de", "del", "con", "en", "a", "al", "por", "para", "of", "with", "in", "at", "on", "for", "to", "by"}
)
_DURATION_RE = re.compile(r"(?:year|month|week|day|hour)s?$")


@dataclass(frozen=True, slots=True)
class _Entry:
    kind: str  # trig | compat | term | conj | split | keep
    category: str | None = None
    direction: str = "f"
    label: str = ""
    terminates: frozenset[str] | None = None
    comma_stop: bool = False  # forward scope ends at a comma ("probable X, Y": only X is uncertain)
    max_chunks: int = 0  # forward scope limit in chunks (0: none)


_TABLES = (
    "SPLIT", "CONJ", "TERMINATE_ALL", "TERMINATE_NEGATED", "TERMINATE_HISTORICAL", "TERMINATE_FAMILY",
    "TERMINATE_CURRENT", "TERMINATE_CLAUSE", "HISTORICAL", "POSSIBLE", "HYPOTHETICAL", "FAMILY", "NEGATED",
    "COMPAT", "PSEUDO_SPLIT", "PSEUDO_KEEP", "KEEP",
)


def _tables(language: str) -> dict[str, list]:
    """The word lists of one language: lexicon.py (en, es) or lexicon_iberian.py (ca, gl, eu)."""
    module = lx if language in ("en", "es") else lxi
    return {name: list(getattr(module, f"{name}_{language.upper()}", [])) for name in _TABLES}


def _galician_verb(raw: str, norm: str, prev: str) -> bool:
    """Galician conjugated forms by ending: preterite "presentou", "mostraron"; imperfect "presentaba";
    gerund "realizando"; an enclitic "se" after an accented stem ("obsérvase", "descartouse")."""
    n = len(norm)
    return (
        (n >= 5 and norm.endswith(("ou", "ouse", "aronse", "eronse")))
        or (n >= 7 and norm.endswith(("aron", "eron", "iron", "ando", "endo", "indo")))
        or (n >= 6 and norm.endswith(("aba", "aban")))
        or (n >= 7 and norm.endswith(("se", "nse")) and raw != norm and any(c in raw for c in "áéíóú"))
    )


def _catalan_verb(raw: str, norm: str, prev: str) -> bool:
    """Catalan conjugated forms: the infinitive of the periphrastic past ("va presentar", "van observar"),
    imperfect "presentava", "mostraven", gerund "realitzant"."""
    n = len(norm)
    return (
        (prev in ("va", "van", "vam", "vaig") and norm.endswith(("ar", "er", "ir", "re")))
        or (n >= 6 and norm.endswith(("ava", "aven")))
        or (n >= 8 and norm.endswith(("ant", "ent")) and norm.endswith(("itzant", "ejant", "trant", "rvant")))
    )


def _basque_verb(raw: str, norm: str, prev: str) -> bool:
    """Basque verb forms by ending: the imperfective "agertzen", "ikusten" and the participle with "-ta",
    "-rik" or "-z" ("diagnostikatuta", "ospitaleraturik"); they close the clause. A bare "-tu" is not enough
    ("infartu", "akutu", "produktu" are nouns and adjectives): the common participles are listed instead
    (lexicon_iberian.SPLIT_EU)."""
    n = len(norm)
    return n >= 6 and norm.endswith(("tzen", "tuta", "turik", "tuz", "tuko"))


def _spanish_verb3(raw: str, norm: str, prev: str) -> bool:
    return _spanish_verb(raw, norm)


def basque_partitive(norm: str) -> bool:
    """A Basque noun in the partitive ("sukarrik", "minik", "hemorragiarik"): in a negative clause it is
    the negated noun ("ez du sukarrik", "sukarrik gabe"). Not the ablative "-tik"/"-dik" ("ezkerretik")."""
    return (
        len(norm) >= 5
        and norm.endswith("ik")
        and not norm.endswith(("tik", "dik", "aik"))
        and norm not in _NOT_PARTITIVE
    )


_NOT_PARTITIVE = frozenset({"bakarrik", "oraindik", "batik", "ezik", "gehienbat", "kanpotik", "barrutik"})


class Lexicon:
    """All phrases of one language in one dict keyed by normalized token tuples (longest match wins)."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self.phrases: dict[tuple[str, ...], _Entry] = {}
        self.first_max: dict[str, int] = {}
        en = language == "en"
        t = _tables(language)
        # how verbs are told by their ending (they separate noun phrases), and whether a relative word is
        # followed by its condition without a link ("padre diabético", "amak minbizia")
        self.verb = {"es": _spanish_verb3, "gl": _galician_verb, "ca": _catalan_verb, "eu": _basque_verb}.get(
            language
        )
        self.romance_relatives = not en
        # Basque puts the verb last: a verb or auxiliary closes the clause and every scope in it
        self.verb_ends_all = language == "eu"
        extra_strip = [fold(w) for w in getattr(lxi, f"STRIP_{language.upper()}", [])]
        extra_leading = [fold(w) for w in getattr(lxi, f"STRIP_LEADING_{language.upper()}", [])]
        self.strip_edge = _STRIP_EDGE | frozenset(extra_strip)
        self.strip_leading = _STRIP_LEADING | frozenset(extra_strip) | frozenset(extra_leading)
        self._add_all(t["SPLIT"], _Entry("split"))
        self._add_all(t["CONJ"], _Entry("conj"))
        for cats, phrases in (
            (ALL, t["TERMINATE_ALL"]),
            (frozenset({"negated"}), t["TERMINATE_NEGATED"]),
            (frozenset({"historical"}), t["TERMINATE_HISTORICAL"]),
            (ALL, t["TERMINATE_FAMILY"]),
            (frozenset({"negated", "historical", "possible", "family"}), t["TERMINATE_CURRENT"]),
            (frozenset({"negated", "possible", "historical", "family"}), t["TERMINATE_CLAUSE"]),
        ):
            for p in phrases:
                self._add_terminator(p, cats)
        triggers = {
            "historical": t["HISTORICAL"],
            "possible": t["POSSIBLE"],
            "hypothetical": t["HYPOTHETICAL"],
            "family": t["FAMILY"],
            "negated": t["NEGATED"],
        }
        for category, items in triggers.items():
            for phrase, direction in items:
                self._add_trigger(phrase, category, direction)
        for p in t["COMPAT"]:
            self._add(p, _Entry("compat", "possible", "f", p))
        self._add_all(t["PSEUDO_SPLIT"], _Entry("split"))
        self._add_all(t["PSEUDO_KEEP"], _Entry("keep"))
        self._add_all(t["KEEP"], _Entry("keep"))
        # "si bien" (although) is listed as a pseudo-trigger of "si" and must still end scopes.
        for p in t["TERMINATE_ALL"]:
            self._add_terminator(p, ALL)

    def _add(self, phrase: str, entry: _Entry) -> None:
        if "'" in phrase:  # Catalan elisions are typed with either apostrophe ("s'observa", "s’observa")
            self._add(phrase.replace("'", "\u2019"), entry)
        key = phrase_key(phrase, self.language)
        if not key:
            return
        self.phrases[key] = entry
        self.first_max[key[0]] = max(self.first_max.get(key[0], 0), len(key))

    def _add_all(self, phrases: list[str], entry: _Entry) -> None:
        for p in phrases:
            self._add(p, entry)

    def _add_terminator(self, phrase: str, cats: frozenset[str] | None) -> None:
        old = self.phrases.get(phrase_key(phrase, self.language))
        if old is not None and old.kind == "term" and cats is not ALL and old.terminates is not ALL:
            cats = cats | old.terminates
        self._add(phrase, _Entry("term", terminates=cats))

    def _add_trigger(self, phrase: str, category: str, direction: str) -> None:
        old = self.phrases.get(phrase_key(phrase, self.language))
        if old is not None and old.kind == "trig" and old.category == category and old.direction != direction:
            direction = "bi"  # listed both forward and backward
        if category == "possible":
            comma_stop = phrase not in _POSSIBLE_LIST_INTRO
        else:
            comma_stop = category == "hypothetical" and phrase in _HYPOTHETICAL_NOUN
        if direction in ("f1", "adj"):
            max_chunks = 1  # determiners: "ninguna medida", "no other"
        elif direction == "bi1" and category == "family":
            max_chunks = _MAX_RELATIVE_FORWARD_CHUNKS
        else:
            max_chunks = 0
        self._add(phrase, _Entry("trig", category, direction, phrase, None, comma_stop, max_chunks))


_STRIP_EDGE = frozenset(fold(w) for w in lx.STRIP_EDGE)
_STRIP_LEADING = frozenset(fold(w) for w in lx.STRIP_LEADING)
_NON_CONTENT = frozenset(fold(w) for w in lx.NON_CONTENT)
_RESULT_WORDS = frozenset(fold(w) for w in lx.RESULT_WORDS)
_BOUNDARY_PUNCT = lx.BOUNDARY_PUNCT
_NEGATION_VERBS = frozenset(fold(w) for w in lx.NEGATION_VERBS | lxi.NEGATION_VERBS)
_NEGATION_BARE = lx.NEGATION_BARE | lxi.NEGATION_BARE
_NEGATION_AUX = lx.NEGATION_AUX
_POSSIBLE_LIST_INTRO = lx.POSSIBLE_LIST_INTRO | lxi.POSSIBLE_LIST_INTRO
_HYPOTHETICAL_NOUN = lx.HYPOTHETICAL_NOUN | lxi.HYPOTHETICAL_NOUN

LANGUAGES: tuple[Language, ...] = ("en", "es", "ca", "gl", "eu")


class _Lexicons(dict[str, Lexicon]):
    """Each language's lexicon, built on first use: a container that only sees English and Spanish notes
    does not pay for the other three at cold start."""

    def __missing__(self, language: str) -> Lexicon:
        if language not in LANGUAGES:
            raise KeyError(language)
        lexicon = self[language] = Lexicon(cast(Language, language))
        return lexicon


LEXICONS: dict[str, Lexicon] = _Lexicons()
LEXICONS["en"], LEXICONS["es"] = Lexicon("en"), Lexicon("es")
_MAX_BACKWARD_CHUNKS = 4  # a backward cue ("ruled out") reaches a short coordinated list, not a clause


def _spanish_verb(raw: str, norm: str) -> bool:
    """Conjugated Spanish verb forms recognizable by their ending (preterite "realizó", "mostraron";
    imperfect "mostraba"; gerund "observándose"). They separate noun phrases: "se realizó TAC" -> "TAC".
    Endings chosen so medical nouns and adjectives do not match ("varón", "blando", "fondo")."""
    n = len(norm)
    return (
        (raw[-1:] in "óÓ" and n >= 3)
        or (n >= 5 and raw.endswith("ían"))
        or (n >= 7 and norm.endswith(("aron", "ieron", "ando", "iendo", "amos", "imos")))
        or (n >= 6 and norm.endswith(("aba", "aban")))
        or norm.endswith(("andose", "iendose"))
    )


def _relative_direction(
    norms: list[str], i: int, j: int, lo: int, hi: int, spanish: bool, strip_edge: frozenset[str] = _STRIP_EDGE
) -> str | None:
    """Where a relative ("mother", "padre" at norms[i:j]) points to a condition, if anywhere:
    forward when a link follows ("mother had", "father: MI", "madre con", "padre diabético"), backward
    when a preposition precedes ("cancer in his mother", "diabetes en la madre", "diabetes (madre)")."""
    nxt = norms[j] if j < hi else ""
    forward = nxt in _FAMILY_LINKS or (
        spanish and nxt[:1].isalpha() and nxt not in strip_edge and nxt not in _FAMILY_NOT_LINKS
    )
    backward = any(norms[k] in _FAMILY_BACK_LINKS for k in range(max(lo, i - 2), i))
    if forward and backward:
        return "bi1"
    if forward:
        return "f"
    return "b1" if backward else None


def _is_word(tok: str) -> bool:
    return tok[0].isalnum()


def _content(norm: str, strip_leading: frozenset[str] = _STRIP_LEADING) -> bool:
    return (
        len(norm) >= 2
        and any(c.isalpha() for c in norm)
        and norm not in _NON_CONTENT
        and norm not in strip_leading
    )


def sentence_mentions(
    text: str,
    starts: list[int],
    ends: list[int],
    norms: list[str],
    lo: int,
    hi: int,
    sentence: int,
    section: str,
    section_cue: str | None,
    lex: Lexicon,
) -> list[Mention]:
    """Mentions of the sentence whose tokens are norms[lo:hi]."""
    phrases, first_max = lex.phrases, lex.first_max
    romance = lex.romance_relatives
    verb = lex.verb
    verb_end = ALL if lex.verb_ends_all else _CLAUSE_VERB_ENDS
    strip_edge, strip_leading = lex.strip_edge, lex.strip_leading
    events: list[tuple] = []
    chunks: list[tuple[int, int]] = []

    def close(a: int, b: int) -> None:
        raw_first = norms[a]
        while a < b:
            if norms[a] in strip_leading or not _is_word(norms[a]):
                a += 1
            elif norms[a].isdigit() and a + 1 < b and norms[a + 1] in ".)":
                a += 2  # list marker "1." / "2)"
            else:
                break
        while b > a and (norms[b - 1] in strip_edge or not _is_word(norms[b - 1])):
            if len(norms[b - 1]) == 1 and text[starts[b - 1]].isupper() and norms[b - 1].isalpha():
                break  # a letter that names something: "hepatitis A", "vitamina E"
            b -= 1
        if a < b and any(_content(norms[j], strip_leading) for j in range(a, b)):
            # an item of a list "fiebre, tos, disnea" is short and does not open with a preposition
            # and names no measurement: "sin leucocitosis, proteína C reactiva 13 mg/l" is a new statement
            list_item = (b - a <= _LIST_ITEM_MAX_TOKENS and raw_first not in _NOT_LIST_OPENERS
                         and not any(norms[j][:1].isdigit() for j in range(a, b)))
            events.append(("c", len(chunks), list_item))
            chunks.append((a, b))
        else:
            events.append(("d",))  # names nothing, but still stands between a backward cue and what precedes

    cur = -1
    i = lo
    # the first result word of the sentence, found once (not rescanned at every "compatible with")
    first_result = next((j for j in range(lo, hi) if norms[j] in _RESULT_WORDS), hi)
    while i < hi:
        tok = norms[i]
        longest = first_max.get(tok, 0)
        entry = None
        size = 1
        for k in range(min(longest, hi - i), 0, -1):
            entry = phrases.get(tuple(norms[i : i + k]))
            if entry is not None:
                size = k
                break
        if (
            entry is not None
            and size == 1
            and (tok == "si" or (len(tok) == 1 and entry.kind == "conj"))
            and text[starts[i] : ends[i]].isupper()
        ):
            entry = None  # an acronym or a letter ("SI", "vitamina E", "grupo O"), not "si" or a conjunction
        if entry is None or entry.kind == "keep":
            if entry is None and len(tok) == 1 and tok in _BOUNDARY_PUNCT:
                if cur >= 0:
                    close(cur, i)
                    cur = -1
                events.append(("p", tok))
            elif entry is None and verb is not None and verb(text[starts[i] : ends[i]], tok, norms[i - 1] if i > lo else ""):
                if cur >= 0:
                    close(cur, i)
                    cur = -1
                events.append(("s",))
                events.append(("x", verb_end))  # a new predicate ends these scopes
            elif cur < 0:
                cur = i
            i += size
            continue
        if cur >= 0:
            close(cur, i)
            cur = -1
        kind = entry.kind
        if kind == "trig" and entry.category == "historical" and i > lo and _DURATION_RE.search(norms[i - 1]):
            kind = "split"  # "a one-year history of proptosis": how long the current problem has lasted
        direction: str | None = entry.direction
        if kind == "trig" and direction == "bi1" and entry.category == "family":
            direction = _relative_direction(norms, i, i + size, lo, hi, romance, strip_edge)
            if direction is None:
                kind = (
                    "split"  # "sus padres notaron...", "the sixth of nine brothers": not about their health
                )
        if kind == "trig":
            # "negative for bruising, bleeding disorders, or prior DVT": a list item's own cue, the negation
            # still distributes over it (flag read by the historical cue below)
            in_list = i > lo and norms[i - 1] in _DISJUNCTIONS
            events.append(
                ("t", entry.category, direction, entry.label, i, entry.comma_stop, entry.max_chunks, in_list)
            )
            j = i + size
            if entry.category == "negated" and norms[j - 1] in _NEGATION_BARE:
                # "did not report fever", "no mostraban alteraciones", "no ha desarrollado varices":
                # the verb (and an auxiliary's participle) belongs to the cue
                nxt: str | tuple | None  # a token here, an event in the scope loops below
                while j < hi and size < 8:
                    nxt = norms[j]
                    one = phrases.get((nxt,))
                    raw = text[starts[j] : ends[j]]
                    if (
                        nxt in _NEGATION_VERBS
                        or (one is not None and one.kind in ("term", "split"))
                        or (verb is not None and verb(raw, nxt, norms[j - 1]))
                        or (norms[j - 1] in _NEGATION_AUX and nxt.endswith(("ado", "ido", "ed", "en")))
                    ):
                        size += 1
                        j += 1
                        if nxt not in _NEGATION_AUX:
                            break
                    else:
                        break
        elif kind == "compat":
            # a test result "compatible with X" reports X; elsewhere it expresses doubt (see lexicon.py)
            if section != "results" and first_result >= i:
                events.append(("t", "possible", "f", entry.label, i, True, 0, False))
            else:
                events.append(("x", ALL))  # a confirmed finding starts a new statement
        elif kind == "term":
            events.append(("x", entry.terminates))
        elif kind == "conj":
            events.append(("j",))
        else:
            events.append(("s",))
            if lex.verb_ends_all:
                events.append(("x", ALL))  # a Basque verb or auxiliary closes the clause
        i += size
    if cur >= 0:
        close(cur, hi)
    if not chunks:
        return []
    for k, ev in enumerate(events):
        if ev[0] == "t" and ev[2] == "adj":
            before_noun = k + 1 < len(events) and events[k + 1][0] == "c"
            events[k] = (*ev[:2], "f1a" if before_noun else "b1", *ev[3:5], False, 1 if before_noun else 0, ev[7])

    def _has_with(chunk: tuple[int, int]) -> bool:
        # "deshidratación con balances hídricos negativos": the adjective is about the last noun only
        return any(norms[j] in _WITH for j in range(chunk[0], chunk[1]))

    # category -> (distance, trigger label) per chunk, nearest trigger kept
    found: list[dict[str, tuple[int, str]]] = [{} for _ in chunks]

    def record(c: int, category: str, label: str, pos: int) -> None:
        a, b = chunks[c]
        dist = a - pos if pos < a else pos - b
        prev = found[c].get(category)
        if prev is None or dist < prev[0]:
            found[c][category] = (dist, label)

    def newest(active: list[list], key) -> list[list]:
        # Two scopes in the same state behave alike from here on and the newer one is always nearer, so
        # the older is dropped: "no fever no fever ..." keeps a bounded list, not one per trigger.
        seen, out = set(), []
        for a in reversed(active):
            k = key(a)
            if k not in seen:
                seen.add(k)
                out.append(a)
        return out[::-1] if len(out) < len(active) else active

    def forward_key(a: list) -> tuple:
        return (a[0], a[3], a[4], min(a[5], 1) if not a[4] else a[5], a[6])

    active: list[list] = []  # [category, label, pos, comma_stop, max_chunks, chunks_seen, adjective]
    a: Any  # a scope in the loops below, a chunk start in the last one
    for k, ev in enumerate(events):
        t = ev[0]
        if t == "c":
            for a in active:
                # "normal cardiac silhouette with bilateral infiltrates": the adjective is about the first noun
                if not (a[6] and _has_with(chunks[ev[1]])):
                    record(ev[1], a[0], a[1], a[2])
                a[5] += 1
            active = newest([a for a in active if not a[4] or a[5] < a[4]], forward_key)
        elif t == "t":
            if ev[1] == "historical":
                # "antecedentes familiares de X ni antecedentes personales de Y": the patient's own again;
                # "with no toxic habits and a history of X": a negation that covered something ends, unless
                # the cue opens one more item of its list ("negative for bruising or prior DVT/PE")
                active = [a for a in active if a[0] != "family" and not (a[0] == "negated" and a[5] and not ev[7])]
            if ev[2] in _FORWARD:
                active.append([ev[1], ev[3], ev[4], ev[5], ev[6], 0, ev[2] == "f1a"])
                active = newest(active, forward_key)
        elif t == "x":
            active = [] if ev[1] is ALL else [a for a in active if a[0] not in ev[1]]
        elif t == "j":
            # "sin fiebre ni disuria" goes on; "sin evidencia de sangrado y rápido deterioro clínico con
            # insuficiencia respiratoria ..." or "... y a los hallazgos del TAC" starts another statement
            nxt = events[k + 1] if k + 1 < len(events) else None
            if nxt is not None and nxt[0] == "c" and not nxt[2]:
                active = [a for a in active if not a[5]]
        elif t == "p":
            if ev[1] == ";":
                active = []
            elif ev[1] == ",":
                # a scope goes on across a comma only into another list item: "niega fiebre, tos o disnea"
                # but not "sin antecedentes traumáticos, de carácter constante, irradiado a epigastrio"
                nxt = events[k + 1] if k + 1 < len(events) else None
                into_item = nxt is None or nxt[0] != "c" or nxt[2]
                active = [a for a in active if not a[5] or (not a[3] and into_item)]

    active = []  # [category, label, pos, chunks_seen, crossed_conj, single, adjective]
    for ev in reversed(events):
        t = ev[0]
        if t == "c" or t == "d":
            for a in active:
                if t == "c" and not (a[6] and _has_with(chunks[ev[1]])):
                    record(ev[1], a[0], a[1], a[2])
                a[3] += 1
            active = [a for a in active if not a[5] and a[3] < _MAX_BACKWARD_CHUNKS]
        elif t == "s":
            active = []  # a clause boundary ("which", "que", a verb) ends backward scopes
        elif t == "t":
            if ev[2] in _BACKWARD:
                active.append(
                    [ev[1], ev[3], ev[4], 0, False, ev[2] in _BACKWARD_ONE, ev[2] in _BACKWARD_ADJECTIVE]
                )
                active = newest(active, lambda a: (a[0], *a[3:]))
        elif t == "x":
            active = [] if ev[1] is ALL else [a for a in active if a[0] not in ev[1]]
        elif t == "j":
            for a in active:
                a[4] = True
        elif t == "p":
            if ev[1] == ";":
                active = []
            else:
                active = [a for a in active if not a[3] or (ev[1] == "," and a[4])]

    # Basque: a noun in the partitive is what a negative clause negates, wherever the "ez"/"gabe" stands
    # ("sukarrik ez zuen", "ez zen ikusi metastasirik")
    negative_clause = lex.language == "eu" and any(ev[0] == "t" and ev[1] == "negated" for ev in events)
    mentions: list[Mention] = []
    for c, (a, b) in enumerate(chunks):
        cats = found[c]
        assertion, trigger = "present", None
        for category in PRECEDENCE:
            if category in cats:
                assertion, trigger = category, cats[category][1]
                break
        if negative_clause and assertion in ("present", "historical") and basque_partitive(norms[b - 1]):
            assertion, trigger = "negated", "-(r)ik"
        if section == "family_history" and assertion != "negated" and assertion != "family":
            assertion, trigger = "family", section_cue
        elif section == "history" and assertion == "present":
            assertion, trigger = "historical", section_cue
        start, end = starts[a], ends[b - 1]
        mentions.append(Mention(start, end, text[start:end], sentence, cast(Assertion, assertion), trigger))
    return mentions
