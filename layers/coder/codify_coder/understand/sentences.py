"""Sentence splitting with exact offsets, and section detection from headers.

Hand-written rather than a library splitter (pysbd, spaCy, NLTK punkt): those are heavy for the Lambda
layer, need models, or lose offsets; clinical notes need a few specific rules instead: abbreviations,
decimals, numbered lists, header lines ("Past Medical History:", "Antecedentes familiares:") and
hard-wrapped lines.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from dataclasses import dataclass

from .lexicon import ABBREVIATIONS, SECTION_HEADERS, SECTION_KEYWORDS
from .textutil import fold


@dataclass(slots=True)
class RawSentence:
    start: int
    end: int
    section: str
    header: bool = False  # a header line/prefix: no mentions inside
    section_cue: str | None = None  # normalized header text that opened the section


_LINE_RE = re.compile(r"[^\n\f\v\x1c-\x1e\x85\u2028\u2029]+")  # str.splitlines() boundaries but \r
_LAST_WORD_RE = re.compile(r"(\w+)\W*$")
# A line ending in one of these (or in "," or "-") continues on the next line whatever its case:
# "history of\nCOPD", "antecedentes de\nHTA".
_CONTINUES = frozenset(
    {
        "of",
        "with",
        "and",
        "or",
        "the",
        "a",
        "an",
        "to",
        "for",
        "in",
        "on",
        "at",
        "by",
        "from",
        "no",
        "not",
        "de",
        "del",
        "con",
        "y",
        "e",
        "o",
        "u",
        "el",
        "la",
        "los",
        "las",
        "por",
        "para",
        "sin",
        "en",
        "al",
        "su",
        "sus",
        "un",
        "una",
        "que",
    }
)
# Tried only at the first mark of a run: "....x" (no space after) is one failed try, not one per mark.
# A period right before a comma and a letter ends a sentence too: transcription exports flatten line breaks
# into ".," ("T-score -2.3.,Left total hip: ...").
_END_RE = re.compile(r"(?<![.!?…])[.!?…]+[\"'”’)\]»]*(?=\s|$|,[^\W\d_])")
_MARKER_RE = re.compile(r"(?<![^\s:])(\d{1,2})[.)](?=[ \t]+\S)")
_HEADER_RE = re.compile(r"[#*•\-–>\s]*(?:\d{1,2}[.)]\s*)?([^\W\d_][^\n:.,;!?]{0,48}?)\s*:(?=\s|$)")
_BULLET_RE = re.compile(r"[#*•\-–>\s]*")
_PAREN_RE = re.compile(r"(?<!\s)\s*\([^)]*\)")  # not tried inside a run of spaces: one try per run
_SPACES_RE = re.compile(r"\s+")
_SECTION_OF = {fold(name): section for section, names in SECTION_HEADERS.items() for name in names}
_ITEM_RE = re.compile(r"(?:[*•\-–>]|\d{1,2}[.)])\s")  # a bulleted or numbered item
_ITEM_LINE_MAX_CHARS = 60  # a short line after "PMH: HTN" is one more item ("DM2", "CKD stage 3")
_ITEM_LINE_MAX_WORDS = 6
_INLINE_ITEM_MAX_CHARS = 100
_NARRATIVE_RE = re.compile(
    r"\b(?:se|presenta\w*|present(?:s|ed|ing)?|acud\w*|refier\w*|refer\w*|consult\w*|ingres\w*|"
    r"exploraci[oó]n|explorac\w*|anal[ií]tica|muestra|mostr\w+|revel\w+|complain\w*|reports?|"
    r"admitted|exam\w*|shows?|showed|he|she|patient|paciente|actualmente|currently|today|hoy)\b",
    re.IGNORECASE,
)
_LIST_SECTIONS = frozenset({"history", "family_history", "social_history", "allergies", "medications"})
_WRAP_MIN_CHARS = 40  # a line this long that stops mid-sentence is hard-wrapped
# A header inside a line: upper case words and a colon after the line start, a space, a comma or a period,
# as transcription exports flatten sections ("...,POSTOPERATIVE DIAGNOSIS: , Bladder cancer.,PROCEDURE: ,").
_UPPER = "A-ZÁÉÍÓÚÜÑ"
_FLAT_HEADER_RE = re.compile(rf"(?<![^\s,.;])([{_UPPER}][{_UPPER}0-9 /&()'-]{{1,60}}?)\s*:(?=[\s,]|$)")
# A known header in any case right after ".," or ",": "...stable.,Past Medical History: , ..."
_FLAT_TITLE_RE = re.compile(r"(?<=,)\s*([^\W\d_][^\n:.,;!?]{1,48}?)\s*:(?=[\s,]|$)")
_FLAT_UNKNOWN_MIN_LETTERS = 8  # an unlisted upper-case header ("ESTIMATED BLOOD LOSS"), not "ECG:" or "TAC:"
# Sections whose header at the start of a line holds until the next header, blank lines included:
# a procedure narrative, a consent paragraph and instructions run over several paragraphs.
_BLOCK_INLINE = frozenset({"procedure", "consent", "instructions"})
# Phrases that open the narrative of an operation in an operative report without a header of its own.
_PROCEDURE_OPENER_RE = re.compile(
    r"\b(?:(?:was|were) (?:brought|taken|wheeled|transferred) (?:back )?(?:in)?to the (?:operating|procedure|"
    r"endoscopy|cystoscopy) (?:room|suite)|(?:was|were) (?:placed|positioned) (?:in|on) the (?:supine|prone|"
    r"lithotomy|lateral|left lateral|right lateral)|(?:was|were) prepped and draped|"
    r"se traslad\w* a quir[oó]fano|previa asepsia y antisepsia|bajo anestesia general,? se)\b",
    re.IGNORECASE,
)


def _section_for(name: str, strict: bool) -> tuple[str | None, str]:
    name = fold(name)
    last = name.rfind(")") + 1  # "(" with no ")" after it is left as is, without a scan to the end for each
    key = _SPACES_RE.sub(" ", _PAREN_RE.sub("", name[:last]) + name[last:]).strip(" -#*")
    section = _SECTION_OF.get(key)
    if section is None and not strict and len(key.split()) <= 5:
        for word, sec in SECTION_KEYWORDS:
            if word in key:
                section = sec
                break
    return section, key


def _segments(text: str) -> list[tuple[int, int, bool]]:
    """Non-blank line groups: (start, end, follows_blank_line). Hard-wrapped prose lines are joined."""
    segs: list[list] = []
    prev_line_end = 0
    last_line_start = 0
    for m in _LINE_RE.finditer(text):
        s, e = m.span()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s == e:
            continue
        blank_before = text.count("\n", prev_line_end, s) > 1
        if (
            segs
            and not blank_before
            and text[prev_line_end - 1] not in ".:;!?"
            and _continues(text, last_line_start, prev_line_end, s)
        ):
            segs[-1][1] = e
        else:
            segs.append([s, e, blank_before or not segs])
        prev_line_end = e
        last_line_start = s
    return [(s, e, b) for s, e, b in segs]


def _continues(text: str, prev_start: int, prev_end: int, start: int) -> bool:
    """Whether the line at `start` continues the line text[prev_start:prev_end] (hard-wrapped prose)."""
    if text[prev_end - 1] in ",-":
        return True
    if text[start].islower() and prev_end - prev_start >= _WRAP_MIN_CHARS:
        return True
    m = _LAST_WORD_RE.search(text, max(prev_start, prev_end - 12), prev_end)
    return m is not None and m.group(1).lower() in _CONTINUES and prev_end - prev_start >= 12


def _list_markers(text: str, a: int, b: int) -> list[int]:
    """Start offsets of a numbered list "1. x 2. y" (or "1) x 2) y") inside text[a:b]."""
    chunk = text[a:b]
    found: list[int] = []
    expected = 1
    for m in _MARKER_RE.finditer(chunk):
        if int(m.group(1)) == expected:
            found.append(a + m.start())
            expected += 1
    if len(found) >= 2 or (found and found[0] == a):
        return found
    return []


def _names_a_letter(text: str, a: int, j: int, letter: str) -> bool:
    """ "hepatitis A." ends a sentence; "Dr. J. Smith" and "p. ej." do not: a capital letter after a
    lower-case word is part of a name ("vitamina E", "grupo O"), not an initial."""
    if not letter.isupper():
        return False
    k = j - 1
    while k > a and text[k - 1].isspace():
        k -= 1
    w_end = k
    while k > a and not text[k - 1].isspace():
        k -= 1
    prev = text[k:w_end]
    return len(prev) > 2 and prev.isalpha() and prev.islower()


def _split(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Sentences of text[a:b] (already stripped)."""
    markers = _list_markers(text, a, b)
    marker_dots = {text.find(".", m, b) for m in markers} if markers else set()
    cuts = {m for m in markers if m > a}
    marker_cuts = sorted(cuts)  # the loop only adds cuts at or before sent_start: markers are the ones ahead
    sent_start = a
    for m in _END_RE.finditer(text, a, b):
        end = m.end()
        nxt = end + 1 if end < b and text[end] == "," else end  # the flattened line break's comma
        while nxt < b and text[nxt].isspace():
            nxt += 1
        if nxt >= b:
            break
        k = bisect_right(marker_cuts, m.start()) - 1  # not a rescan of every cut at every sentence end
        if k >= 0 and marker_cuts[k] > sent_start:
            sent_start = marker_cuts[k]
        if text[nxt].islower():
            continue
        punct = m.group()
        if punct[0] == "." and "!" not in punct and "?" not in punct:
            if m.start() in marker_dots:
                continue
            j = m.start()
            while j > a and not text[j - 1].isspace():
                j -= 1
            word = text[j : m.start()].lstrip("([\"'¿¡")
            low = word.lower()
            if low in ABBREVIATIONS or fold(low) in ABBREVIATIONS:
                continue
            if len(word) == 1 and word.isalpha() and not _names_a_letter(text, a, j, word):
                continue  # initials, "E. coli", "p. ej."
            if word.isdigit() and len(word) <= 2 and j == sent_start:
                continue  # "1." list item at the start of a sentence
            if text[nxt].isdigit() and word.isalpha() and len(word) <= 4:
                continue  # a short abbreviation before a value: "Hcto. 43,1%", "approx. 5 cm"
        cuts.add(nxt)
        sent_start = nxt
    out: list[tuple[int, int]] = []
    prev = a
    for c in sorted(cuts) + [b]:
        s, e = prev, c
        while s < e and text[s].isspace():
            s += 1
        while e > s and (text[e - 1].isspace() or (text[e - 1] == "," and e - 2 > s and text[e - 2] in ".!?")):
            e -= 1  # spaces, and the comma of a flattened line break (".,")
        if s < e:
            out.append((s, e))
        prev = c
    return out


def _flat_headers(text: str, a: int, b: int) -> list[int]:
    """Starts of the headers inside text[a:b] after its first character (flattened sections)."""
    cuts: list[int] = []
    if text.find(":", a + 1, b) < 0:
        return cuts  # most lines: no colon after their start
    for regex, upper in ((_FLAT_HEADER_RE, True), (_FLAT_TITLE_RE, False)):
        for m in regex.finditer(text, a, b):
            start = m.start(1)
            if start <= a:
                continue
            name = m.group(1)
            if upper and not name.isupper():
                continue
            if len(name.strip()) < 3 and text[start - 1] not in ",.":
                continue  # "suspected PE: heparin" is a sentence, ".,PE: , ..." a flattened header
            section, _ = _section_for(name, strict=not upper)
            if section is None and not (
                upper and sum(c.isalpha() for c in name) >= _FLAT_UNKNOWN_MIN_LETTERS and " " in name.strip()
            ):
                continue
            cuts.append(start)
    return sorted(set(cuts))


def _pieces(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """text[a:b] cut before each flattened header, each piece stripped of edge spaces and commas."""
    out: list[tuple[int, int]] = []
    bounds = [a, *_flat_headers(text, a, b), b]
    for s, e in itertools.pairwise(bounds):
        while s < e and (text[s].isspace() or text[s] == ","):
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] == ","):
            e -= 1
        if s < e:
            out.append((s, e))
    return out


def split_sentences(text: str, document_type: str = "unknown") -> list[RawSentence]:
    """Sentences in order, each with its normalized section.

    A header alone on its line ("PAST MEDICAL HISTORY", "Antecedentes familiares:") sets the section until
    the next header. A header followed by text on the same line ("HPI: ...", "PMH: HTN, DM.") sets it for
    the rest of that paragraph and for the short list-like lines after it (until a blank line); but the
    list sections (history, family history, social history, allergies, medications) keep only their own
    sentence and numbered/bulleted items, so that prose after them ("Antecedentes familiares: tío con ELA.
    En la exploración presenta ...") goes back to the enclosing section.

    Headers flattened inside a line ("...,POSTOPERATIVE DIAGNOSIS: , Bladder cancer.,PROCEDURE: , ...")
    start a new sentence and section as if they began a line. The header of a procedure, consent or
    instructions section holds until the next header; in an operative report, "the patient was brought
    to the operating room" opens the procedure narrative when no header did.
    """
    out: list[RawSentence] = []
    block_section, block_cue = "body", None
    inline: tuple[str, str] | None = None
    operative = document_type in ("operative_report", "procedure_note")
    pieces = []
    for seg_start, seg_end, blank_before in _segments(text):
        for k, (s, e) in enumerate(_pieces(text, seg_start, seg_end)):
            pieces.append((s, e, blank_before and k == 0, k > 0))
    for seg_start, seg_end, blank_before, flattened in pieces:
        if flattened:
            # a flattened header piece sets its own section below; an unlisted header ends the one before
            hm = _HEADER_RE.match(text, seg_start, seg_end)
            if hm is None or _section_for(hm.group(1), strict=False)[0] is None:
                inline = None
        elif blank_before or (inline is not None and not _list_like_line(text, seg_start, seg_end)):
            inline = None
        # A standalone header line without a colon: "ASSESSMENT AND PLAN", "Past Medical History".
        bm = _BULLET_RE.match(text, seg_start, seg_end)
        assert bm is not None  # the pattern matches the empty string
        body = bm.end()
        head_text = text[body:seg_end].rstrip(":")
        if ":" not in text[body : seg_end - 1] and len(head_text.split()) <= 5 and head_text[:1].isalpha():
            section, key = _section_for(head_text, strict=not head_text.isupper())
            if section is not None:
                block_section, block_cue, inline = section, key, None
                out.append(RawSentence(seg_start, seg_end, section, True, key))
                continue
        first = True
        for s, e in _split(text, seg_start, seg_end):
            hm = _HEADER_RE.match(text, s, e)
            if hm:
                section, key = _section_for(hm.group(1), strict=False)
                rest = hm.end()
                while rest < e and (text[rest].isspace() or text[rest] == ","):
                    rest += 1  # "POSTOPERATIVE DIAGNOSIS: , Bladder cancer." as exports write it
                if section is None and rest >= e and s == seg_start:
                    section = "body"  # an unknown header alone on its line ends the previous section
                if section is not None:
                    first = False
                    out.append(RawSentence(s, hm.end(), section, True, key))
                    if rest >= e and s == seg_start:
                        block_section, block_cue, inline = section, key, None
                        continue
                    inline = (section, key)
                    if s == seg_start and (section in _BLOCK_INLINE or flattened or block_section in _BLOCK_INLINE):
                        # a line-opening header ends the block before it; a narrative one opens its own
                        block_section, block_cue = (section, key) if section in _BLOCK_INLINE else ("body", None)
                    if rest < e:
                        out.append(RawSentence(rest, e, section, False, key))
                    continue
            if (
                inline is not None
                and not first
                and inline[0] in _LIST_SECTIONS
                and not _more_items(text, s, e)
            ):
                inline = None
            first = False
            section, cue = inline if inline is not None else (block_section, block_cue)
            if operative and section in ("body", "hpi") and _PROCEDURE_OPENER_RE.search(text, s, e):
                block_section, block_cue, inline = "procedure", None, None
                section, cue = "procedure", None
            out.append(RawSentence(s, e, section, False, cue))
    return out


def _more_items(text: str, start: int, end: int) -> bool:
    """Whether a sentence after "Antecedentes familiares: X." still lists history rather than telling the
    current story ("En la exploración presenta ...", "He presents with ...")."""
    if _ITEM_RE.match(text, start, end):
        return True
    return end - start <= _INLINE_ITEM_MAX_CHARS and not _NARRATIVE_RE.search(text, start, end)


def _list_like_line(text: str, start: int, end: int) -> bool:
    """A line that reads as one more item of the list above it: bulleted, numbered or a few words."""
    return bool(_ITEM_RE.match(text, start, end)) or (
        end - start <= _ITEM_LINE_MAX_CHARS and len(text[start:end].split()) <= _ITEM_LINE_MAX_WORDS
    )
