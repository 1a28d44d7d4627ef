"""Text normalization shared by the terminology build and the candidate matcher.

Both sides must normalize identically, so the build records NORMALIZER_VERSION in the manifest and the
loader refuses an index built with another version. Hand-written (not a Snowball stemmer) because we need
one light, language-neutral stemmer that folds Spanish/English plural and gender endings onto the same
stem ("renales"/"renal", "crónica"/"crónico", "fractura"/"fracture") and runs in microseconds.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

NORMALIZER_VERSION = "13"

_TOKEN = re.compile(r"[a-z0-9]+")


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


# Function words of both languages: never content words.
STOP_WORDS = _words(
    """
    a an the of in on at to for by from with as and or is are was were be been being this that these those
    its it his her their into onto than then via per any all both each such due
    el la los las lo un una unos unas de del al en con por para y e o u que se su sus le les como sobre
    entre desde hasta tras ante segun es son fue era esta este estos estas ese esa
    """
    # Pronouns, auxiliaries and quantifiers: never a condition, yet spelled like one ("many" has the spelling
    # skeleton of "mania"; "has"/"had").
    """
    many much several few some more most very also but if so she he they we you me him them us our your my
    has have had do does did will would should could can might must there here which who whom what when where
    while
    muy muchos muchas mucho mucha varios varias algunos algunas algun alguna tambien pero ya mi mis
    """
    # Words that state an absence ("afebril" must not fuzzy-match "febril"; "tolerancia" is the opposite
    # of "intolerancia") and words that are not the condition they resemble: "gotas" (eye drops; gout is
    # "gota", which the stemmer would otherwise fold it onto), "coche" (a car, not "choque", shock), "más"
    # (more; folded "mas", the stem of "masa", a mass), "sido" (been; stem of "sida", AIDS), "pese" (despite;
    # stem of "peso", weight), "come"/"comes" (stem of "coma").
    """
    afebril afebriles afebrile apyrexial apiretico apiretica gotas tolerancia tolerancias coche coches mas
    sido pese come comes
    """
)

# Words that qualify a code's term without naming anything the note must say (ICD-10-CM defaults):
# a term's coverage is computed without them.
GENERIC_WORDS = _words(
    """
    unspecified specified other nos nec elsewhere classified classifiable site sites part parts organism
    organisms type unsp mention mentioned not no
    especificado especificada especificados especificadas otro otra otros otras parte partes sitio sitios
    clasificado clasificada clasificados clasificadas mencion tipo
    """
)

# Residual-category words ("Other pneumonia"): generic, but a term with them ranks below the plain one.
OTHER_WORDS = _words("other otro otra otros otras")

# Words after which a term's tokens describe a default (absence) or an exclusion: "without
# complications", "sin mención de complicación", "except renal pelvis", "unspecified whether descended or
# undescended". The note need not say them.
_OPTIONAL_AFTER = frozenset({"without", "sin", "except", "excepto", "whether"})

_ROMAN = {"ii": "2", "iii": "3", "iv": "4", "vi": "6"}


class _FoldTable(dict):
    """str.translate table, filled as characters are met: see fold."""

    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        if ch == "ñ":
            out = "nn"
        elif ch in "ºª":  # ordinal signs are not letters: "Nº" (número) must not read "no"
            out = ch
        else:
            out = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        self[cp] = out
        return out


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Lower case without accents ("Neumonía" -> "neumonia", "ﬁ" -> "fi"); "ñ" stays a letter of its own
    ("nn"), or "años" (years) would fold onto "anos" (anus). The one fold of the coder: the terminology, the
    understand stage, the rules and the scorer's features all compare text folded by it."""
    return text.lower().translate(_FOLD)


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """Light stem: plural, then one final gender/ending vowel ("renales"->"renal", "cronica"->"cronic")."""
    if token.isdigit() or len(token) <= 3:
        return _ROMAN.get(token, token)
    t = token
    if len(t) > 4 and t.endswith("es") and t[-3] in "lrndzsc":
        t = t[:-2]
    elif len(t) > 3 and t.endswith("s") and not t.endswith(("ss", "us", "is")):
        t = t[:-1]
    if len(t) >= 4 and t[-1] in "aoe":
        t = t[:-1]
    if len(t) >= 4 and t[-1] == "z":  # Spanish z/c plural: "cicatriz"/"cicatrices", "nariz"/"narices"
        t = t[:-1] + "c"
    if len(t) >= 7 and t.endswith("ic"):  # "diabetic" -> "diabet" (as "diabetes")
        t = t[:-2]
    return t


_SKELETON = (
    ("ph", "f"),
    ("th", "t"),
    ("rh", "r"),
    ("ch", "c"),
    ("qu", "c"),
    ("k", "c"),
    ("y", "i"),
    ("ae", "e"),
)


def skeleton(word: str) -> str:
    """Spelling skeleton for cognate matching across English and Spanish ("photophobi" ~ "fotofobi")."""
    for a, b in _SKELETON:
        word = word.replace(a, b)
    return word


def tokens(text: str) -> list[str]:
    """Folded word tokens, function words kept (callers decide)."""
    return _TOKEN.findall(fold(text))


def content_stems(text: str) -> list[str]:
    """Stems of a mention's content words, in order (generic words kept: a note may say "other")."""
    return [stem(t) for t in tokens(text) if t not in STOP_WORDS]


def term_stems(text: str) -> tuple[list[str], list[str]]:
    """(required, optional) stems of a terminology term.

    Required: content words the mention must cover. Optional: generic qualifiers and what follows
    "without"/"sin" (defaults). Both are deduplicated, order kept.
    """
    required: list[str] = []
    optional: list[str] = []
    in_without = False
    for raw in re.split(r"([,;()\[\]:])", fold(text)):
        if raw in {",", ";", "(", ")", "[", "]", ":"}:
            in_without = False
            continue
        for tok in _TOKEN.findall(raw):
            if tok in _OPTIONAL_AFTER:
                in_without = True
                continue
            if tok in STOP_WORDS:
                continue
            s = stem(tok)
            target = optional if (in_without or tok in GENERIC_WORDS) else required
            if s not in required and s not in optional:
                target.append(s)
    return required, optional


_GEMINATE = re.compile(r"l[·•‧∙]l|ŀl", re.IGNORECASE)


def catalan_geminate(text: str) -> str:
    """Catalan "l·l" (also typed with a bullet or the ligature "ŀl") read as the single "l" of the Spanish
    cognate ("fibril·lació" ~ "fibrilación", "cèl·lula" ~ "célula"): one word for the matcher, not two."""
    return _GEMINATE.sub("l", text) if "l" in text or "L" in text else text
