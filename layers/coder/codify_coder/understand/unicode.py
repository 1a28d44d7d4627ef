"""The note as the matcher sees it: NFC, without zero-width and bidirectional controls, with a map back.

    view = matching_view(text)      # view.text is what every stage reads
    understanding = view.restore(understanding)   # offsets (and mention texts) into the original again

A decomposed accent ("neumoni" + "a" + U+0301) or a zero-width space inside a word ("pneu\u200bmonia",
pasted from a PDF or a web form) would otherwise hide a term from the matcher. Evidence must still quote
the note the client sent, so every offset is mapped back: a span of the matching text covers the original
characters its first and last characters came from (including any control characters in between).

Linear in the note's length; a note that is already NFC and has no such controls (almost all) is returned
as is, after one C-speed scan.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from ..types import Sentence, Understanding

# zero-width space/non-joiner/joiner, LRM/RLM; bidi embeddings and overrides; bidi isolates; BOM/ZWNBSP
DROPPED = frozenset("\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")
_DROPPED_RE = re.compile("[" + "".join(sorted(DROPPED)) + "]")
_MAX_MERGED = 32  # starters that compose with each other (Hangul jamo) form short clusters


@dataclass(frozen=True, slots=True)
class MatchingView:
    text: str  # what the stages read
    original: str
    # per character of `text`: the original offset of the cluster it came from, and that cluster's end;
    # None when text is original (nothing to map)
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    @property
    def changed(self) -> bool:
        return self.starts is not None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """text[start:end] -> the original span it came from (start < end)."""
        if self.starts is None or self.ends is None:
            return start, end
        if end <= start:
            o = self.starts[start] if start < len(self.starts) else len(self.original)
            return o, o
        return self.starts[start], self.ends[end - 1]

    def restore(self, understanding: Understanding) -> Understanding:
        """The same understanding with offsets (and mention texts) into the original note."""
        if not self.changed:
            return understanding
        sentences = tuple(Sentence(*self.span(s.start, s.end), s.section) for s in understanding.sentences)
        mentions = []
        for m in understanding.mentions:
            start, end = self.span(m.start, m.end)
            mentions.append(replace(m, start=start, end=end, text=self.original[start:end]))
        return replace(understanding, sentences=sentences, mentions=tuple(mentions))


def matching_view(text: str) -> MatchingView:
    if not _DROPPED_RE.search(text) and unicodedata.is_normalized("NFC", text):
        return MatchingView(text, text)
    # Clusters: a starter (combining class 0) with the marks that follow it (controls in between skipped);
    # NFC only composes inside a cluster, except for starters that compose together (Hangul L+V+T), which
    # are merged with the cluster before them when composing them together differs.
    clusters: list[list] = []  # [orig_start, orig_end, kept chars, normalized]
    for i, ch in enumerate(text):
        if ch in DROPPED:
            continue
        if clusters and unicodedata.combining(ch):
            c = clusters[-1]
            c[1], c[2] = i + 1, c[2] + ch
        else:
            clusters.append([i, i + 1, ch, None])
    out: list[list] = []
    for c in clusters:
        c[3] = c[2] if c[2].isascii() else unicodedata.normalize("NFC", c[2])
        if out and not c[2].isascii() and not out[-1][2].isascii() and len(out[-1][2]) < _MAX_MERGED:
            prev = out[-1]
            joined = unicodedata.normalize("NFC", prev[2] + c[2])
            if joined != prev[3] + c[3]:
                prev[1], prev[2], prev[3] = c[1], prev[2] + c[2], joined
                continue
        out.append(c)
    starts: list[int] = []
    ends: list[int] = []
    for orig_start, orig_end, kept, normalized in out:
        if normalized == kept and orig_end - orig_start == len(kept):  # unchanged: character by character
            starts.extend(range(orig_start, orig_end))
            ends.extend(range(orig_start + 1, orig_end + 1))
        else:
            starts.extend([orig_start] * len(normalized))
            ends.extend([orig_end] * len(normalized))
    return MatchingView("".join(c[3] for c in out), text, tuple(starts), tuple(ends))
