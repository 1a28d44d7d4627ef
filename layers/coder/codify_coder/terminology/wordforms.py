"""Word forms of Catalan, Galician and Basque notes, for the matcher that reads them through Spanish.

    basque_bases("gutxiegitasunarekin") -> ["gutxiegitasun", "gutxiegitasuna", ...]   (case/number suffixes off)
    spanish_spellings("hipertentsio", "eu") -> ["hipertension"]                      (loanword spelled as Spanish)

Basque is agglutinative: a noun carries its article, number and case as suffixes ("diabetesa", "birikak",
"giltzurrunaren", "sukarrik", "gaixotasunarekin"). A light suffix stripper (not a full morphological analyser
such as Foma's Basque grammar, which would add a binary and its lexicon to the layer) is enough for matching:
every base it proposes is only looked up, in the bridge lexicon and the terminology's vocabulary, and a base
that is not a word finds nothing. Loanwords (most disease names) differ from Spanish by regular spelling rules
(k/c, tz/z, ts/s, final -sis/-si, -zio/-ción; Galician x/j; Catalan -ció/-ción, -itat/-idad), so those are
respelled and looked up too.

Folded input (lower case, no accents) as produced by terminology.text.tokens.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Case and number suffixes, longest first (article -a, plural -ak, genitive -aren/-en, comitative -arekin,
# inessive -an/-ean/-etan, local genitive -ko/-eko, ablative -tik/-etik, allative -ra/-era, partitive -rik/-ik,
# dative -ari/-ei, instrumental -az/-ez, motivative -agatik, destinative -arentzat, ...).
_BASQUE_SUFFIXES = tuple(
    sorted(
        """
        arentzat arengatik arengan arekiko arekin agatik etarako etatik etako etako ekiko ekin aren rentzat
        rekin reko ekoa ekoak koa koak etan etik etara tatik eko ari arik aba ean era ren ak ek ok an ko tik
        ra ri rik ik ei en ez az tan a e z n
        """.split(),
        key=lambda s: (-len(s), s),
    )
)
_MIN_BASE = 3

BRIDGED_LANGUAGES = ("ca", "gl", "eu")

# Function words of each language: never content words of a mention (as terminology.text.STOP_WORDS for
# English and Spanish). Single letters are what elisions leave ("d'hipertensió" -> "d", "hipertensio").
STOP_WORDS_BY_LANGUAGE: dict[str, frozenset[str]] = {
    "ca": frozenset(
        """
        d l s n m t el la els les un una uns unes de del dels al als a en amb per pel pels i o que es se
        seu seva seus seves aquest aquesta aquests aquestes molt mes tambe pero ja hi ho li va van ha han
        havia era es ser estat fou son com sense fins des durant sobre entre cap
        """.split()
    ),
    "gl": frozenset(
        """
        o a os as un unha uns unhas de do da dos das ao aos en no na nos nas con co coa cos coas por polo
        pola polos polas para e ou que se seu sua seus suas este esta estes estas ese esa moi mais tamen xa
        foi era ten tina ha hai como sen ata dende desde sobre entre dun dunha nun nunha cun cunha
        """.split()
    ),
    "eu": frozenset(
        """
        eta edo bat batzuk bere beren hau hori hura honen horren haren ere oso da du zen zuen dira ziren
        dute zuten ditu zituen dago zegoen daude zeuden dauka zeukan zaio zitzaion izan egin ez ezta baina
        gabe ondoren aurretik gero beste ohi dela zela duela zuela den duen dituen zituela dituena zituena
        duena zuena dena zena dagoena zegoena
        """.split()
    ),
}


@lru_cache(maxsize=32768)
def basque_bases(word: str) -> tuple[str, ...]:
    """Bases of a Basque word form after one case/number suffix (and its linking vowel) is taken off,
    longest suffix first; "sukarrik" -> "sukar" (the doubled r of the suffix is undone too)."""
    out: list[str] = []
    for suf in _BASQUE_SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= _MIN_BASE:
            base = word[: -len(suf)]
            for b in (base, base[:-1] if base.endswith("rr") else None):
                if b and b not in out and b != word:
                    out.append(b)
    return tuple(out)


_EU_RULES = (
    (re.compile(r"tx"), "ch"),
    (re.compile(r"tz"), "z"),
    (re.compile(r"ts"), "s"),
    (re.compile(r"k(?=[ei])"), "qu"),
    (re.compile(r"k"), "c"),
    (re.compile(r"z(?=[ei])"), "c"),
    (re.compile(r"(?<=[cs])io$"), "ion"),
    (re.compile(r"(?<=[aeio]s)i$|(?<=ps)i$"), "is"),
    (re.compile(r"tate$"), "dad"),
    (re.compile(r"^b(?=[aei])"), "v"),
    (re.compile(r"n(?=[bp])"), "m"),  # tronbosi, enbolia
)
_GL_RULES = (
    (re.compile(r"x(?=[ei])"), "g"),
    (re.compile(r"x(?=[aou])"), "j"),
    (re.compile(r"nh"), "n"),
    (re.compile(r"dade$"), "dad"),
    (re.compile(r"(?<=[cs])ion$"), "ion"),
    (re.compile(r"eiro$"), "ero"),
    (re.compile(r"eira$"), "era"),
    (re.compile(r"ite$"), "itis"),  # hepatite, apendicite
    (re.compile(r"(?<=[aeio])se$|(?<=p)se$"), "sis"),  # trombose, metástase, parálise, sepse
    (re.compile(r"^cranio"), "craneo"),  # cranioencefálico
)
_CA_RULES = (
    (re.compile(r"itz(?=[aeo])"), "iz"),  # hospitalització, neovascularització, localitzat
    (re.compile(r"(?<=[cs])io$"), "ion"),
    (re.compile(r"(?<=[cs])ions$"), "iones"),
    (re.compile(r"(?<=[ie])tat$"), "dad"),  # obesitat, ansietat, gravetat
    (re.compile(r"(?<=[ie])tats$"), "dades"),
    (re.compile(r"ny"), "nn"),
    (re.compile(r"(?<=[aeiou])ix$"), "ico"),
    (re.compile(r"(?<=[aeio]s)i$"), "is"),  # metàstasi, trombosi, paràlisi
    (re.compile(r"(?<=[aeiou])ss(?=[aeiou])"), "s"),  # massa, pressió, depressiu, dissecció
    (re.compile(r"^imm"), "inm"),  # immunodeficiència, immune
    (re.compile(r"^ll"), "l"),  # lligament, llengua, lluxació, llarg
    (re.compile(r"pneum"), "neum"),  # pneumònia, pneumotòrax, pneumomediastí
    (re.compile(r"mf"), "nf"),  # limfoma, limfedema, emfisema, amfetamina
    (re.compile(r"^cranio"), "craneo"),  # cranioencefàlic, craniofacial
    (re.compile(r"^(\d{1,3})(?:a|e|r|n|t)$"), r"\1"),  # ordinals: la 38a setmana, 1r, 2n, 4t, 5è
    (re.compile(r"(?<=[aeiou])tges?$"), lambda m: "je" + m.group(0)[3:]),  # drenatge, vendatge
    (re.compile(r"iu$"), "ivo"),  # depressiu, obstructiu, agressiu, actiu
    (re.compile(r"ius$"), "ivos"),
    (re.compile(r"ques$"), "cas"),  # cròniques, hepàtiques, isquèmiques
    (re.compile(r"gues$"), "gas"),  # llargues, antigues
    (re.compile(r"(?<=[aeiou][b-df-hj-np-tv-z])at$"), "ado"),  # complicat, perforat, localitzat, costat
    (re.compile(r"(?<=[aeiou][b-df-hj-np-tv-z])ats$"), "ados"),
    (re.compile(r"(?<=[aeiou][b-df-hj-np-tv-z])ut$"), "udo"),  # agut
    (re.compile(r"(?<=[aeiou][b-df-hj-np-tv-z])uts$"), "udos"),
)
# Catalan endings that folding makes ambiguous (-ós adjective or -os plural, -í noun or -i adjective, -ó
# noun, -ix- for Spanish -j-, qü for cu): more Spanish spellings of the word, looked up only where the
# terminology has the word (a Spanish note's own spelling is never guessed from them).
_CA_ALTERNATIVES = (
    (re.compile(r"(?<=[a-z]{3})os$"), "oso"),  # infecciós, dolorós, edematós, granulomatós
    (re.compile(r"(?<=[a-z]{3})i$"), "ino"),  # mediastí, intestí
    (re.compile(r"(?<=[a-z]{3})i$"), "eo"),  # cutani, percutani, aeri, espontani
    (re.compile(r"(?<=[a-z]{3})is$"), "eos"),
    (re.compile(r"(?<=[a-z]{3})ia$"), "ea"),  # còrnia, cutània, aèria
    (re.compile(r"(?<=[a-z]{3})ies$"), "eas"),
    (re.compile(r"(?<=[a-z]{3})o$"), "on"),  # pulmó, tendó, taló
    (re.compile(r"(?<=[a-z]{3})it$"), "ido"),  # definit, teixit
    (re.compile(r"(?<=[a-z]{3})ment$"), "miento"),  # estrenyiment
    (re.compile(r"ix"), "j"),  # baix, eix, fluix, queixa (with another ending: teixit)
    (re.compile(r"qu(?=[ae])"), "cu"),  # seqüela, freqüència, freqüent
)
# Galician plurals of -al/-ol adjectives and nouns (renais, cervicais, abdominais), -ución for Spanish
# -ucción (obstrución, redución) and -mento for -miento (tratamento, crecemento, desprendemento).
_GL_ALTERNATIVES = (
    (re.compile(r"(?<=[a-z]{3})ais$"), "ales"),
    (re.compile(r"(?<=[a-z]{3})ois$"), "oles"),
    (re.compile(r"(?<=[a-z]{3})eis$"), "eles"),
    (re.compile(r"ucion$"), "uccion"),
    (re.compile(r"ucions$"), "ucciones"),
    (re.compile(r"(?<=[a-z]{3})emento(?=s?$)"), "imiento"),
    (re.compile(r"(?<=[a-z]{3})amento(?=s?$)"), "amiento"),
)
_RULES = {"eu": _EU_RULES, "gl": _GL_RULES, "ca": _CA_RULES}
_ALTERNATIVES = {"ca": _CA_ALTERNATIVES, "gl": _GL_ALTERNATIVES}


@lru_cache(maxsize=32768)
def regular_spelling(word: str, language: str) -> str:
    """The word respelled by the regular correspondences only (the word itself when none applies)."""
    for pattern, repl in _RULES.get(language, ()):
        word = pattern.sub(repl, word)
    return word


@lru_cache(maxsize=32768)
def spanish_spellings(word: str, language: str) -> tuple[str, ...]:
    """The word respelled by the regular correspondences between the language and Spanish (loanwords and
    cognates), when that changes it: "hipertentsio" -> "hipertension", "hemorraxia" -> "hemorragia",
    "hipertensio" (ca, folded "hipertensió") -> "hipertension"; first the regular respelling (a gloss reads
    it), then the alternatives of an ending folding made ambiguous (ca "infeccios" -> ..., "infeccioso")."""
    out = regular_spelling(word, language)
    spellings = [out] if out != word else []
    for pattern, repl in _ALTERNATIVES.get(language, ()):
        alt = pattern.sub(repl, word)
        if alt == word:
            continue
        for form in (regular_spelling(alt, language), regular_spelling(alt.replace("ix", "j"), language)):
            if form != out and form != word and form not in spellings:
                spellings.append(form)
    return tuple(spellings)


def plural_looking(word: str) -> bool:
    """A folded Catalan, Galician or Spanish word with a plural ending (what stem() takes off as one)."""
    return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is"))


# Catalan and Galician mark number as Spanish does (-s): the scorer compares a note's words with a term's in
# stems plus number, so that "lesions" meets "lesión" as "lesiones" does in a Spanish note (a near match).
NUMBERED_LANGUAGES = ("ca", "gl")
PLURAL_MARK = "+"


_WORD = re.compile(r"[a-z0-9]+")
# Catalan and Galician state the week of gestation as an ordinal ("la 40a setmana", "a 38ª semana") or after
# the noun ("a la setmana 40 de gestació", "na semana 38"): the gloss puts the number first, as the Spanish
# cue reads it ("40 semanas").
_ORDINAL = re.compile(r"\b(\d{1,2})(?:a|e|[ºª]|[oa]s?)\b")
_WEEK_NUMBER = re.compile(r"\b(semanas?) (\d{1,2})\b(?! ?[/:.,]\d)")


class Glosser:
    """A Catalan, Galician or Basque span as folded Spanish words, word by word (bridge_*.tsv surface forms,
    Basque bases, regular respellings; other words as they are): what the rules stage reads where it looks for
    Spanish and English cues ("pérdida de peso", "crónico", "dolor") in a note of another language. A gloss
    is read, never shown: evidence quotes the note."""

    def __init__(self, table: dict[str, str], language: str) -> None:
        self.language = language
        self._table = table
        self._word = lru_cache(maxsize=16384)(self._gloss_word)

    def __call__(self, text: str) -> str:
        from .text import fold  # here: text imports nothing of this module, but keep the import graph flat

        if self.language == "ca":
            from .text import catalan_geminate

            text = catalan_geminate(text)
        glossed = _WORD.sub(lambda m: self._word(m.group(0)), fold(text))
        if self.language in ("ca", "gl") and "seman" in glossed:
            glossed = _WEEK_NUMBER.sub(r"\2 \1", _ORDINAL.sub(r"\1", glossed))
        return glossed

    def _gloss_word(self, word: str) -> str:
        table = self._table
        if word in table:
            return table[word]
        forms = (word, *basque_bases(word)) if self.language == "eu" else (word,)
        for form in forms[1:]:
            if form in table:
                return table[form]
        for form in forms:
            respelled = regular_spelling(form, self.language)
            if respelled != form:
                return respelled
        return word
