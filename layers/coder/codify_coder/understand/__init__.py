"""Stage 2, understand: language, document type, sentences, sections and mentions with ConText assertions.

    analyze(text, language="auto") -> Understanding

Deterministic and pure: the same text gives the same Understanding; every regex and lexicon is built
at import. Offsets index `text` (code points): text[m.start:m.end] == m.text for every mention.
"""

from __future__ import annotations

from ..types import LanguageOption, Sentence, Understanding
from . import nondx
from .context import LANGUAGES, LEXICONS, sentence_mentions
from .document import detect_document_type, section_kind
from .language import detect_language
from .sentences import split_sentences
from .textutil import tokenize

__all__ = ["analyze", "detect_document_type", "detect_language"]


def analyze(text: str, language: LanguageOption = "auto") -> Understanding:
    if language == "auto":
        lang = detect_language(text)
    elif language in LANGUAGES:
        lang = language
    else:
        raise ValueError("language must be one of 'auto', 'es', 'ca', 'gl', 'eu', 'en'")
    document_type = detect_document_type(text)
    raw = split_sentences(text, document_type)
    starts, ends, norms = tokenize(text, language=lang)
    lex = LEXICONS[lang]
    sentences: list[Sentence] = []
    mentions = []
    ntok = len(starts)
    t = 0
    for idx, s in enumerate(raw):
        sentences.append(Sentence(s.start, s.end, s.section, section_kind(s.section)))
        while t < ntok and starts[t] < s.start:
            t += 1
        lo = t
        while t < ntok and ends[t] <= s.end:
            t += 1
        if not s.header and lo < t:
            mentions.extend(
                sentence_mentions(text, starts, ends, norms, lo, t, idx, s.section, s.section_cue, lex)
            )
    # what is not a diagnosis: risks, absent complications, procedure steps, instructions, ...
    mentions = nondx.apply(text, lang, document_type, [(s.start, s.end, s.section) for s in raw], mentions)
    return Understanding(
        language=lang, sentences=tuple(sentences), mentions=tuple(mentions), document_type=document_type
    )
