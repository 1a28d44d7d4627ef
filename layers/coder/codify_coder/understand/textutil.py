"""Tokenizer and normalization shared by every part of the understand stage (and its lexicons)."""

from __future__ import annotations

import re

from ..terminology.text import fold

# Numbers keep their decimal/thousand separators ("13,7", "14.610"), words keep inner hyphens,
# apostrophes and dots ("gram-negative", "doesn't", "e.g", "N18.3"); any other non-space is a token.
TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)+|\w+(?:[-'’.]\w+)*|[^\w\s]")

__all__ = ["TOKEN_RE", "fold", "norm_token", "phrase_key", "tokenize"]

# Catalan elisions are tokens of their own: "d'hipertensió" is "de" + "hipertensió" (so "antecedents de"
# reads "antecedents d'hipertensió"), "l'absència" is "l'" + "absència", "s'observa" is "s'" + "observa".
_ELISION = re.compile(r"(?:[dlsnmt]|qu)['’](?=\w)", re.IGNORECASE)
_ELIDED = frozenset({"d", "l", "s", "n", "m", "t", "qu"})


def _elided_norm(prefix: str) -> str:
    low = prefix.lower().replace("’", "'")
    return "de" if low == "d'" else low


def norm_token(tok: str) -> str:
    low = tok.lower()
    # "sí" (yes) must not become the hypothetical trigger "si" (if).
    return low if low == "sí" else fold(low)


def tokenize(
    text: str, start: int = 0, end: int | None = None, language: str | None = None
) -> tuple[list[int], list[int], list[str]]:
    """Token starts, ends and normalized forms of text[start:end] (offsets into `text`); Catalan elisions
    ("d'", "l'", "s'") are tokens of their own in a Catalan note."""
    starts, ends, norms = _tokenize(text, start, end)
    if language != "ca":
        return starts, ends, norms
    out_s: list[int] = []
    out_e: list[int] = []
    out_n: list[str] = []
    for s, e, n in zip(starts, ends, norms, strict=True):
        m = _ELISION.match(text, s, e) if e - s > 2 else None
        if m is None:
            out_s.append(s)
            out_e.append(e)
            out_n.append(n)
            continue
        cut = m.end()
        out_s += [s, cut]
        out_e += [cut, e]
        out_n += [_elided_norm(m.group()), norm_token(text[cut:e])]
    return out_s, out_e, out_n


def _tokenize(text: str, start: int = 0, end: int | None = None) -> tuple[list[int], list[int], list[str]]:
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


def phrase_key(phrase: str, language: str | None = None) -> tuple[str, ...]:
    """A lexicon phrase as the tuple of normalized tokens the note's tokens are compared with (a Catalan
    phrase's elisions as tokenize reads them in a Catalan note: "no s'observa", "d'interès", "no s'")."""
    if language != "ca":
        return tuple(norm_token(m.group()) for m in TOKEN_RE.finditer(phrase))
    _, _, norms = tokenize(phrase, language="ca")
    out: list[str] = []
    for n in norms:
        if n in ("'", "’") and out and out[-1] in _ELIDED:  # a phrase that ends in an elision: "no s'"
            out[-1] = _elided_norm(out[-1] + "'")
        else:
            out.append(n)
    return tuple(out)
