"""ICD-10-CM FY2026 terminology: load the compiled assets (see codify_build.terminology) and answer code questions.

    term = Terminology.load(Path(".../assets/terminology"))
    term.get("e1122").description         # "Type 2 diabetes mellitus with diabetic chronic kidney disease"
    term.with_seventh("T14.8", "A")       # "T14.8XXA"

Loading reads three files (about 6 MB) and builds nothing expensive: the matcher's arrays are used
in place (numpy views over the file bytes).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from .text import NORMALIZER_VERSION
from .wordforms import Glosser

__all__ = ["CodeInfo", "MatchIndex", "Terminology", "TerminologyError", "is_stale", "normalize_code"]

LEXICON_DIR = Path(__file__).resolve().parent.parent / "lexicons"


def is_stale(directory: Path, lexicon_dir: Path = LEXICON_DIR) -> bool:
    """True when the assets in `directory` are missing or were built from other lexicons or another
    normalizer/format version than this checkout's (a development check: `make`/tests rebuild then)."""
    try:
        manifest = json.loads((Path(directory) / "manifest.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return True
    if manifest.get("format") != FORMAT_VERSION or manifest.get("normalizer") != NORMALIZER_VERSION:
        return True
    current = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(lexicon_dir.glob("*.tsv"))}
    return bool(current) and manifest.get("lexicons") != current


INDEX_MAGIC = b"CDFYIDX1"
FORMAT_VERSION = 3


class TerminologyError(RuntimeError):
    """The assets are missing, corrupt or from another build format."""


@dataclass(frozen=True, slots=True)
class CodeInfo:
    code: str  # "E11.22" (upper case, with dot)
    description: str  # English
    billable: bool
    parent: str | None  # "E11.2"; a category like "E11" has None
    children: tuple[str, ...]
    inclusion_terms: tuple[str, ...]
    excludes1: tuple[str, ...]  # the notes as written in the tabular list
    excludes2: tuple[str, ...]
    spanish: tuple[str, ...]
    excludes1_ranges: tuple[tuple[str, str], ...] = ()  # resolved: inclusive no-dot prefix ranges
    code_first: str = ""
    use_additional_code: str = ""
    code_also: str = ""


def normalize_code(code: str) -> str:
    """ "e1122" / "E11.22" / " e11.22 " -> "E11.22"."""
    c = code.strip().upper().replace(".", "")
    return c if len(c) <= 3 else f"{c[:3]}.{c[3:]}"


def _in_ranges(code_nodot: str, ranges) -> bool:
    for lo, hi in ranges:
        if lo <= code_nodot[: len(lo)] and code_nodot[: len(hi)] <= hi:
            return True
    return False


@dataclass(frozen=True, slots=True)
class MatchIndex:
    """The candidate matcher's compiled index (strings from index.json.gz, arrays from index.bin)."""

    vocab: list[str]
    word_id: dict[str, int]
    codes: list[str]
    terms: list[str]
    trigrams: dict[str, int]
    dictionary: dict[str, list[list]]  # es stem -> [[en stem, weight], ...]
    variants: dict[str, dict[str, list[list]]]  # language -> stem -> [[stem the terms use, weight], ...]
    abbreviations: dict[str, dict[str, str]]  # "HTA" -> {"es": "hipertension arterial"}: expanded per language
    arrays: dict[str, np.ndarray]
    # ca/gl/eu -> stem of the note's word -> [[Spanish stem, weight], ...] (bridge_*.tsv)
    bridges: dict[str, dict[str, list[list]]] = field(default_factory=dict)
    # ca/gl/eu -> folded word -> folded Spanish words (bridge_*.tsv as written): the rules stage's gloss
    glosses: dict[str, dict[str, str]] = field(default_factory=dict)


def _read_arrays(raw: bytes) -> dict[str, np.ndarray]:
    if raw[:8] != INDEX_MAGIC:
        raise TerminologyError("index.bin: bad magic")
    (hlen,) = struct.unpack("<I", raw[8:12])
    header = json.loads(raw[12 : 12 + hlen])
    base = 12 + hlen
    out = {}
    for name, (dtype, shape, offset) in header.items():
        dt = np.dtype(dtype)
        count = int(np.prod(shape)) if shape else 1
        out[name] = np.frombuffer(raw, dtype=dt, count=count, offset=base + offset).reshape(shape)
    return out


class Terminology:
    def __init__(
        self, manifest: dict, codes: dict[str, dict], spanish: dict[str, list[str]], index: MatchIndex
    ):
        self.name: str = manifest.get("name", "ICD-10-CM FY2026")
        self.manifest = manifest
        self._codes = codes
        self._spanish = spanish
        self.index = index
        # "T14.8XX" -> "T14.8": the base of each 7th-character extension family
        self._ext_base: dict[str, str] = {}
        for code, rec in codes.items():
            if "e" in rec:
                self._ext_base[rec["e"][0]] = code
        # The rules call get/ancestors/excludes1 hundreds of thousands of times per note: memoize (the
        # code universe is finite, so these stay bounded by the number of codes).
        self._info_memo: dict[str, CodeInfo | None] = {}
        self._ancestors_memo: dict[str, tuple[str, ...]] = {}
        self._ranges_memo: dict[str, tuple[tuple[str, str], ...]] = {}
        self._conflict = lru_cache(maxsize=65536)(self._excludes1_conflict)

    # ------------------------------------------------------------ loading
    @classmethod
    def load(cls, directory: Path, verify: bool = False) -> Terminology:
        directory = Path(directory)
        try:
            manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
            blobs = {n: (directory / n).read_bytes() for n in ("codes.json.gz", "index.json.gz", "index.bin")}
        except FileNotFoundError as exc:
            raise TerminologyError(
                f"terminology assets missing in {directory}: run python -m codify_build.terminology"
            ) from exc
        if manifest.get("format") != FORMAT_VERSION or manifest.get("normalizer") != NORMALIZER_VERSION:
            raise TerminologyError("terminology assets were built by another version: rebuild them")
        if verify:
            for name, data in blobs.items():
                if hashlib.sha256(data).hexdigest() != manifest["artifacts"][name]["sha256"]:
                    raise TerminologyError(f"{name}: sha256 does not match the manifest")
        codes_payload = json.loads(gzip.decompress(blobs["codes.json.gz"]))
        strings = json.loads(gzip.decompress(blobs["index.json.gz"]))
        index = MatchIndex(
            vocab=strings["vocab"],
            word_id={w: i for i, w in enumerate(strings["vocab"])},
            codes=strings["codes"],
            terms=strings["terms"],
            trigrams={g: i for i, g in enumerate(strings["trigrams"])},
            dictionary=strings["dictionary"],
            variants=strings["variants"],
            abbreviations=strings["abbreviations"],
            arrays=_read_arrays(blobs["index.bin"]),
            bridges=strings.get("bridges", {}),
            glosses=strings.get("glosses", {}),
        )
        return cls(manifest, codes_payload["codes"], codes_payload["spanish"], index)

    def glosser(self, language: str) -> Glosser | None:
        """How the rules stage reads a Catalan, Galician or Basque note (None for English and Spanish)."""
        if language not in self.index.glosses:
            return None
        glossers = self.__dict__.setdefault("_glossers", {})
        if language not in glossers:
            glossers[language] = Glosser(self.index.glosses[language], language)
        return glossers[language]

    # ------------------------------------------------------------ lookups
    def _resolve(self, code: str) -> tuple[str, str | None, str | None]:
        """(dotted code, base code if a 7th-character extension, 7th char) or raise KeyError."""
        c = normalize_code(code)
        if c in self._codes:
            return c, None, None
        if len(c) == 8:
            base = self._ext_base.get(c[:7])
            if base is not None and c[7] in self._codes[base]["e"][1]:
                return c, base, c[7]
        raise KeyError(code)

    def _make_info(self, code: str) -> CodeInfo | None:
        try:
            c, base, char = self._resolve(code)
        except KeyError:
            return None
        if base is not None:
            assert char is not None  # _resolve gives a 7th character with every base
            brec = self._codes[base]
            meaning = self.seventh_characters(base).get(char, "")
            return CodeInfo(
                code=c,
                description=f"{brec['d']}, {meaning}" if meaning else brec["d"],
                billable=True,
                parent=base,
                children=(),
                inclusion_terms=(),
                excludes1=(),
                excludes2=(),
                spanish=(),
            )
        rec = self._codes[c]
        children = list(rec.get("c", ()))
        if "e" in rec:
            children += [rec["e"][0] + ch for ch in rec["e"][1]]
        return CodeInfo(
            code=c,
            description=rec["d"],
            billable=rec["b"],
            parent=rec["p"],
            children=tuple(children),
            inclusion_terms=tuple(rec.get("i", ())),
            excludes1=tuple(rec.get("x1", ())),
            excludes2=tuple(rec.get("x2", ())),
            spanish=tuple(self._spanish.get(c, ())),
            excludes1_ranges=tuple(tuple(r) for r in rec.get("r1", ())),
            code_first=rec.get("cf", ""),
            use_additional_code=rec.get("ua", ""),
            code_also=rec.get("ca", ""),
        )

    def get(self, code: str) -> CodeInfo | None:
        try:
            return self._info_memo[code]
        except (KeyError, TypeError):
            pass
        if not isinstance(code, str) or not code.strip():
            return None
        info = self._make_info(normalize_code(code))
        if info is not None or len(self._info_memo) < 200_000:  # unknown strings: bounded
            self._info_memo[code] = info
        return info

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.get(code) is not None

    def __len__(self) -> int:
        return len(self._codes)

    def is_billable(self, code: str) -> bool:
        info = self.get(code)
        return bool(info and info.billable)

    def description(self, code: str) -> str | None:
        info = self.get(code)
        return info.description if info else None

    def ancestors(self, code: str) -> list[str]:
        """Nearest first, up to the 3-character category (chapters and blocks are not codes)."""
        memo = self._ancestors_memo.get(code)
        if memo is None:
            info = self.get(code)
            out: list[str] = []
            while info is not None and info.parent is not None:
                out.append(info.parent)
                info = self.get(info.parent)
            memo = tuple(out)
            if info is not None or len(self._ancestors_memo) < 200_000:
                self._ancestors_memo[code] = memo
        return list(memo)

    def descendants(self, code: str) -> list[str]:
        """Depth-first, in tabular order, 7th-character extensions included."""
        info = self.get(code)
        if info is None:
            return []
        out: list[str] = []
        stack = list(reversed(info.children))
        while stack:
            c = stack.pop()
            out.append(c)
            child = self.get(c)
            if child is not None:
                stack.extend(reversed(child.children))
        return out

    def is_ancestor(self, ancestor: str, code: str) -> bool:
        return normalize_code(ancestor) in self.ancestors(code)

    # ------------------------------------------------------------ conventions
    def excludes1_ranges(self, code: str) -> list[tuple[str, str]]:
        """Resolved Excludes1 ranges of the code and all its ancestors (notes apply to the whole subtree)."""
        memo = self._ranges_memo.get(code)
        if memo is None:
            out: list[tuple[str, str]] = []
            for c in [normalize_code(code), *self.ancestors(code)]:
                info = self.get(c)
                if info is not None:
                    out.extend(info.excludes1_ranges)
            memo = tuple(out)
            if len(self._ranges_memo) < 200_000:
                self._ranges_memo[code] = memo
        return list(memo)

    def excludes1_conflict(self, a: str, b: str) -> bool:
        """True if a's (or an ancestor's) Excludes1 names b or a code above b, or vice versa."""
        return self._conflict(a, b)

    def _excludes1_conflict(self, a: str, b: str) -> bool:
        ra, rb = self._ranges(a), self._ranges(b)
        if not (ra or rb) or self.get(a) is None or self.get(b) is None:
            return False
        na, nb = normalize_code(a).replace(".", ""), normalize_code(b).replace(".", "")
        return _in_ranges(nb, ra) or _in_ranges(na, rb)

    def _ranges(self, code: str) -> tuple[tuple[str, str], ...]:
        if code not in self._ranges_memo:
            self.excludes1_ranges(code)
        return self._ranges_memo.get(code, ())

    def seventh_characters(self, code: str) -> dict[str, str]:
        """7th-character meanings that apply to this code (defined on it or inherited from an ancestor)."""
        try:
            c, base, _ = self._resolve(code)
        except KeyError:
            return {}
        for cand in [base or c, *self.ancestors(base or c)]:
            rec = self._codes.get(cand)
            if rec is not None and "s7" in rec:
                return dict(rec["s7"])
        return {}

    def needs_seventh(self, code: str) -> bool:
        rec = self._codes.get(normalize_code(code))
        return bool(rec and "e" in rec)

    def with_seventh(self, code: str, char: str) -> str | None:
        """ "S72.001"+"A" -> "S72.001A"; "T14.8"+"A" -> "T14.8XXA" (X placeholders); None when the tabular
        does not allow that character on that code (or the code needs more characters first)."""
        rec = self._codes.get(normalize_code(code))
        char = (char or "").upper()
        if rec is None or "e" not in rec or len(char) != 1 or char not in rec["e"][1]:
            return None
        return rec["e"][0] + char

    def spanish_description(self, code: str) -> tuple[str, str] | None:
        """(Spanish description, code it describes): the code's own Spanish term, else the nearest
        ancestor's (a broader but correct description: E11.22 -> WHO E11.2 "... con complicaciones
        renales"). None when no ancestor has one. For display; matching uses only exact mappings."""
        for c in [normalize_code(code), *self.ancestors(code)]:
            terms = self._spanish.get(c)
            if terms:
                return terms[0], c
        return None

    # ------------------------------------------------------------ terms
    def iter_terms(self, language: str) -> Iterator[tuple[str, str]]:
        """(code, term): descriptions, inclusion terms, Spanish terms and lexicon synonyms of a language."""
        lang_flag = 0 if language == "en" else 1
        arr = self.index.arrays
        codes, terms = self.index.codes, self.index.terms
        for i in np.flatnonzero(arr["term_lang"] == lang_flag):
            yield codes[arr["term_code"][i]], terms[i]
