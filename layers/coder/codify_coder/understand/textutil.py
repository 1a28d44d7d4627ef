"""Tokenizer and normalization shared by every part of the understand stage (and its lexicons)."""

from __future__ import annotations

import re

# Numbers keep their decimal/thousand separators ("13,7", "14.610"), words keep inner hyphens,
# apostrophes and dots ("gram-negative", "doesn't", "e.g", "N18.3"); any other non-space is a token.
TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)+|\w+(?:[-'’.]\w+)*|[^\w\s]")

_FOLD = str.maketrans("áéíóúüàèìòùâêîôûäëïöÁÉÍÓÚÜ", "aeiouuaeiouaeiouaeioAEIOUU")


def fold(s: str) -> str:
    """Lower case without accents (ñ kept). Used for every lexicon lookup."""
    return s.lower().translate(_FOLD)


def norm_token(tok: str) -> str:
    low = tok.lower()
    # "sí" (yes) must not become the hypothetical trigger "si" (if).
    return low if low == "sí" else low.translate(_FOLD)


def tokenize(text: str, start: int = 0, end: int | None = None) -> tuple[list[int], list[int], list[str]]:
    """Token starts, ends and normalized forms of text[start:end] (offsets into `text`)."""
    starts: list[int] = []
    ends: list[int] = []
    norms: list[str] = []
    for m in TOKEN_RE.finditer(text, start, len(text) if end is None else end):
        starts.append(m.start())
        ends.append(m.end())
        norms.append(norm_token(m.group()))
    return starts, ends, norms


def phrase_key(phrase: str) -> tuple[str, ...]:
    """A lexicon phrase as the tuple of normalized tokens the note's tokens are compared with."""
    return tuple(norm_token(m.group()) for m in TOKEN_RE.finditer(phrase))
