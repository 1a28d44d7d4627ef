"""Tokenizer and normalization shared by every part of the understand stage (and its lexicons)."""

from __future__ import annotations

import re

from ..terminology.text import fold

# Numbers keep their decimal/thousand separators ("13,7", "14.610"), words keep inner hyphens,
# apostrophes and dots ("gram-negative", "doesn't", "e.g", "N18.3"); any other non-space is a token.
TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)+|\w+(?:[-'’.]\w+)*|[^\w\s]")

__all__ = ["TOKEN_RE", "fold", "norm_token", "phrase_key", "tokenize"]


def norm_token(tok: str) -> str:
    low = tok.lower()
    # "sí" (yes) must not become the hypothetical trigger "si" (if).
    return low if low == "sí" else fold(low)


def tokenize(text: str, start: int = 0, end: int | None = None) -> tuple[list[int], list[int], list[str]]:
    """Token starts, ends and normalized forms of text[start:end] (offsets into `text`)."""
    end = len(text) if end is None else end
    low = text.lower()
    if len(low) != len(text):  # a few characters change length when lowered ("İ"): token by token
        starts, ends, norms = [], [], []
        for m in TOKEN_RE.finditer(text, start, end):
            starts.append(m.start())
            ends.append(m.end())
            norms.append(norm_token(m.group()))
        return starts, ends, norms
    # Lowering keeps the length, so matching the lowered text gives the original offsets in one pass; folding
    # ("ñ" -> "nn") need not, so each token is folded on its own.
    starts, ends, norms = [], [], []
    for m in TOKEN_RE.finditer(low, start, end):
        s, e = m.span()
        starts.append(s)
        ends.append(e)
        tok = m.group()
        norms.append(tok if tok.isascii() or tok == "sí" else fold(tok))
    return starts, ends, norms


def phrase_key(phrase: str) -> tuple[str, ...]:
    """A lexicon phrase as the tuple of normalized tokens the note's tokens are compared with."""
    return tuple(norm_token(m.group()) for m in TOKEN_RE.finditer(phrase))
