"""Language detection among Spanish, Catalan, Galician, Basque and English.

A vote of function words and spellings that belong to one language only, so it is exact enough on short
notes and costs ~0.1 ms; a general detector (langdetect, fasttext lid) would add a model to the layer and
be non-deterministic, heavy, or weak on Catalan/Galician/Spanish, which share most of their clinical
vocabulary. Only words one language has and the others do not vote: "de", "que", "presenta", "paciente",
"con" (Spanish and Galician), "la"/"el" (Spanish and Catalan) do not, so Spanish drug names and shared
abbreviations (HTA, DM, EPOC) weigh nothing either way. Spellings vote too: Catalan "l·l", "ç", grave
accents, elisions ("l'", "d'") and "-ció"; Galician "x" where Spanish writes "j"/"g" ("xeral",
"hemorraxia"); Basque "tz"/"tx" and its case endings ("-aren", "-arekin", "-etan").

When it cannot tell:
- no vote at all (a note of numbers, codes or unknown words) -> "en", as before Catalan, Galician and
  Basque were added;
- a tie among the Iberian Romance languages (a note such as "Paciente con diabetes": Spanish and
  Galician alike; words two of them share count half for each) -> "es", whose terminology the other two
  are read through anyway;
- any other tie -> the first of es, ca, gl, eu, en.
"""

from __future__ import annotations

import re

from ..types import Language

_WORD_RE = re.compile(r"[^\W\d_]+(?:·[^\W\d_]+)?")
_ORDER: tuple[Language, ...] = ("es", "ca", "gl", "eu", "en")


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


# Frequent words of one language that the other four do not use (shared ones like "no", "de" left out).
_FUNCTION_WORDS: dict[Language, frozenset[str]] = {
    "en": _words(
        """
        the and of with was is in to for on at he she his her were that this had has have by from an are be
        which patient after showed who not or it as but been there than did does revealed left right history
        pain without normal
        """
    ),
    "es": _words(
        """
        los las y fue su sus lo sin años más le muy tiene izquierdo izquierda derecho derecha fiebre cuadro
        niega cáncer refiere desde también después hay donde cuando enfermedad tratamiento ello dicho cual
        estaba realizó mostraba observó objetivó hígado riñón cabeza hacia ningún ninguna
        """
    ),
    "ca": _words(
        """
        els amb dels per van aquest aquesta aquests també però més molt sense pacient pacients anys és
        seu seva dreta dret esquerra esquerre malaltia tractament antecedents refereix presentava hores dies
        setmanes mesos després fins durant quan pel pels als cap mitjançant va ha estat ni nega mostra judici
        dona fetge ronyó cor cames
        """
    )
    - {"ni", "nega", "mostra", "es", "ha"},
    "gl": _words(
        """
        unha unhas non coa coas co cos do dos das no na nos nas ao aos á ás polo pola polos polas tamén moi
        xa foi máis ten sen nin cando onde despois esquerdo esquerda dereito dereita dor enfermidade
        tratamento anos presentou realizou realizouse ela deste desta neste nesta dun dunha nun nunha cun
        cunha ademais hai houbo mesmo dende xeral cancro fígado ril cabeza muller home doente
        """
    )
    - {"cos", "dos", "no", "nos", "cabeza", "home"},
    "eu": _words(
        """
        eta du zen zuen ziren zituen dira dute zuten ditu dago zegoen zeuden ez bat bere ere baina edo gabe
        izan egin zela zuela dela duela ondoren aurretik gainera urte urteko hilabete egun gaixoak gaixoa
        pazientea pazienteak emakumea gizona zituela bezala baten batean batzuk honen hau horren hori
        zuen zitzaion zaio dauka zeukan beste gero
        """
    ),
}
_ROMANCE: frozenset[Language] = frozenset({"es", "ca", "gl"})
# Words two or three of the Romance languages share: half a vote to each that has them, so "Paciente con
# diabetes" is Romance (a tie of Spanish and Galician: Spanish) rather than no evidence at all (English).
_SHARED: dict[str, tuple[Language, ...]] = {
    "de": ("es", "ca", "gl"), "que": ("es", "ca", "gl"), "en": ("es", "ca", "gl"), "se": ("es", "ca", "gl"),
    "presenta": ("es", "ca", "gl"), "con": ("es", "gl"), "paciente": ("es", "gl"), "por": ("es", "gl"),
    "para": ("es", "gl"), "la": ("es", "ca"), "el": ("es", "ca"), "una": ("es", "ca"), "del": ("es", "ca"),
    "al": ("es", "ca"),
}
# (language, weight, pattern over the lower-case text): spellings of one language
_SPELLINGS: tuple[tuple[Language, float, re.Pattern[str]], ...] = (
    ("ca", 2.0, re.compile(r"l·l|ŀl|ç|[àèò]")),
    ("ca", 1.5, re.compile(r"\b[ldsn]['’][aeiouàèéíòóúh]")),  # elisions: l'abdomen, d'una, s'observa
    ("ca", 1.0, re.compile(r"\w(?:ció|sió|cions|sions)\b|\w[aeiou]ny\w*")),  # -ció, -sió, "ny" (anys, ronyó)
    ("ca", 1.0, re.compile(r"\w i \w")),  # "i" (and) between words, not a numeral "I."
    ("gl", 1.0, re.compile(r"\w(?:xía|xia|xe|xi[oa]s?)\b|\bx[eiu]\w")),  # hemorraxia, xeral, xuízo
    ("es", 1.0, re.compile(r"ñ|¿|¡")),
    ("eu", 1.0, re.compile(r"\w(?:tz|tx)\w")),
    ("eu", 1.0, re.compile(r"\w(?:aren|arekin|rekin|etan|tzen|tzeko|tasun\w*|keta[kn]?)\b")),
    ("eu", 1.0, re.compile(r"\w\w(?:eko|tako|ko)\b")),  # ezkerreko, urteko, bihotzeko
)
_ROMANCE_ACCENTS = re.compile(r"[áéíóú]")  # Romance, not English: helps all three against English alike
_SCAN_CHARS = 20_000  # plenty for a vote; keeps 50 KB notes as fast as short ones


def language_scores(text: str) -> dict[Language, float]:
    """Each language's vote on the note (function words, then spellings)."""
    sample = text[:_SCAN_CHARS].lower()
    scores: dict[Language, float] = dict.fromkeys(_ORDER, 0.0)
    for w in _WORD_RE.findall(sample):
        for lang, words in _FUNCTION_WORDS.items():
            if w in words:
                scores[lang] += 1.0
        for lang in _SHARED.get(w, ()):
            scores[lang] += 0.5
    for lang, weight, pattern in _SPELLINGS:
        scores[lang] += weight * len(pattern.findall(sample))
    accents = len(_ROMANCE_ACCENTS.findall(sample)) // 2
    for lang in _ROMANCE:
        scores[lang] += accents
    return scores


def detect_language(text: str) -> Language:
    scores = language_scores(text)
    best = max(scores.values())
    if best <= 0:
        return "en"
    top = [lang for lang in _ORDER if scores[lang] == best]
    if len(top) > 1 and all(t in _ROMANCE for t in top):
        return "es"
    return top[0]
