"""Compile the terminology assets from the pinned PyPI packages and the project's lexicons.

    python -m codify_build.terminology [--out DIR]

Inputs: `simple-icd-10-cm` (ICD-10-CM FY2026 tabular list, April 2026), `cie` (WHO ICD-10 in Spanish),
`codify_coder/lexicons/*.tsv`. Outputs (default `codify_coder/assets/terminology/`):

  codes.json.gz   every ICD-10-CM category/subcategory: description, notes, excludes, 7th characters, Spanish
  index.json.gz   the matcher's strings: vocabulary, terms, term->code, es->en word dictionary, abbreviations
  index.bin       the matcher's numeric arrays (postings, idf, char-trigram index), little-endian, no pickle
  manifest.json   source packages and versions, sha256 and size of each artifact, counts

Same inputs give byte-identical outputs: everything is sorted, gzip mtime is 0, json is canonical.
The build imports the source packages; the runtime only reads the artifacts (nothing downloaded).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import math
import re
import struct
import sys
import time
import warnings
import zipfile
from collections import Counter, defaultdict
from importlib import metadata, resources
from pathlib import Path

import codify_coder
import numpy as np
from codify_coder.terminology import normalize_code
from codify_coder.terminology.text import (
    NORMALIZER_VERSION,
    OTHER_WORDS,
    STOP_WORDS,
    catalan_geminate,
    content_stems,
    fold,
    skeleton,
    stem,
    term_stems,
    tokens,
)

PACKAGE_DIR = Path(codify_coder.__file__).resolve().parent
DEFAULT_OUT = PACKAGE_DIR / "assets" / "terminology"
LEXICON_DIR = PACKAGE_DIR / "lexicons"
FORMAT_VERSION = 3
INDEX_MAGIC = b"CDFYIDX1"

LANGUAGES = ("en", "es")
# Languages read through Spanish: their bridge lexicons map the note's words onto Spanish words.
BRIDGED = ("ca", "gl", "eu")
# Term groups, in the order the postings of each word are sorted: ICD-10-CM English descriptions and inclusion
# terms (every note: a Spanish note reaches them through its words' translations), English lexicon synonyms
# (English notes only), Spanish terms: WHO descriptions and Spanish synonyms (Spanish notes only).
GROUP_CM, GROUP_EN, GROUP_ES = 0, 1, 2
# vocabulary word flags: a word of the English side (terms, variants), of the Spanish side (terms, variants,
# dictionary), a condition word (not a site, side, qualifier or procedure) in English / in Spanish
WORD_EN, WORD_ES, COND_EN, COND_ES = 1, 2, 4, 8

# Words of the neoplasm chapters' descriptions are sites ("Malignant neoplasm of thyroid gland"), except the
# morphology and behaviour words: these stay condition words.
def _word_set(block: str) -> frozenset[str]:
    return frozenset(block.split())


_NEOPLASM_WORDS = _word_set(
    """
    adenomatous angiosarcom benign carcinoid carcinom hemangiom hepatoblastom kaposi leiomyom lymphangiom malignant
    melanocyt melanom mesotheliom mesothelial neoplasm nevi polyposis sarcom tumor squamous differentiated disseminated
    inflammatory secondary primary situ familial lipomatous neuroendocrin intraductal lobular merkel stromal ill
    defined descended undescended edentulous transplanted involvement overlapping associated related including within
    two third long short minus are s mal nos cleft diverticulum meckel cell craniopharyngeal poorly cloacogen
    malign benign secundari multipl cualquier dos contigu definid descendid incluid principal afin lesion tumor
    leiomiom linfangiom melanocit mesoteliom oid cromafin
    cancer adenomatosis angiom carcinomatosis cholangiocarcinom cyst dysplasi erythroplasi hepatocellular hepatom
    keratocyst lipom malignancy meningiom metastasis metastat neoplasi nevus polyp queyrat intraepithelial diseas ectop
    sever high grad generalized hereditary interstitial ibc vin ain pin blood retained fixed presentation mobil
    diverticul nev hendidur lipomatos mesotelial
    """
)

_CODE_REF = re.compile(r"\b([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)(-?)")
_RANGE = re.compile(
    r"\b([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)-?\s*(?:-|to)\s*([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)-?"
)


# ------------------------------------------------------------------ helpers
def _nodot(code: str) -> str:
    return code.replace(".", "").upper()


def resolve_code_refs(note: str) -> list[list[str]]:
    """Code references of an Excludes note as [lo, hi] no-dot prefixes (inclusive, prefix-compared).

    "type 1 diabetes mellitus (E10.-)" -> [["E10","E10"]]; "(O10-O11, O13-O16)" -> [["O10","O11"],["O13","O16"]];
    "S06.1- to S06.6-" -> [["S061","S066"]].
    """
    out: list[list[str]] = []
    spans: list[tuple[int, int]] = []
    for m in _RANGE.finditer(note):
        out.append([_nodot(m.group(1)), _nodot(m.group(2))])
        spans.append(m.span())
    for m in _CODE_REF.finditer(note):
        if any(a <= m.start() < b for a, b in spans):
            continue
        c = _nodot(m.group(1))
        out.append([c, c])
    return [list(x) for x in sorted({(a, b) for a, b in out})]


def _canonical_json(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _gzip_bytes(data: bytes) -> bytes:
    buf = io.BytesIO()
    # mtime=0 and no filename: the same input gives the same bytes.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    return buf.getvalue()


def _write_arrays(arrays: dict[str, np.ndarray]) -> bytes:
    """Tiny deterministic container: magic, header length, JSON header {name: [dtype, shape, offset]}, data."""
    header: dict[str, list] = {}
    chunks: list[bytes] = []
    offset = 0
    for name in sorted(arrays):
        arr = np.ascontiguousarray(arrays[name])
        dtype = arr.dtype.newbyteorder("<") if arr.dtype.byteorder == ">" else arr.dtype
        raw = arr.astype(dtype, copy=False).tobytes()
        pad = (-offset) % 8
        chunks.append(b"\0" * pad)
        offset += pad
        header[name] = [dtype.str, list(arr.shape), offset]
        chunks.append(raw)
        offset += len(raw)
    head = _canonical_json(header)
    return INDEX_MAGIC + struct.pack("<I", len(head)) + head + b"".join(chunks)


def _read_tsv(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        rows.append([c.strip() for c in line.split("\t")])
    return rows


# ------------------------------------------------------------------ sources
def load_icd10cm() -> dict[str, dict]:
    """Every category/subcategory (not chapters/blocks; 7th-character extensions are folded into their base)."""
    with warnings.catch_warnings():
        # the package reads its data with importlib.resources' deprecated read_text at import time
        warnings.simplefilter("ignore", DeprecationWarning)
        from simple_icd_10_cm import simple_icd_10_cm as cm

    records: dict[str, dict] = {}
    for code in cm.get_all_codes(True):
        if not cm.is_category_or_subcategory(code) or cm.is_extended_subcategory(code):
            continue
        parent = cm.get_parent(code)
        # a category can share its name with its block ("T07"): never its own parent
        parent = parent if parent and parent != code and cm.is_category_or_subcategory(parent) else None
        children = [c for c in cm.get_children(code) if not cm.is_extended_subcategory(c)]
        ext = [c for c in cm.get_children(code) if cm.is_extended_subcategory(c)]
        rec: dict = {
            "d": cm.get_description(code),
            "p": parent,
            "c": children,
            "b": bool(cm.is_leaf(code)),
            "i": list(cm.get_inclusion_term(code)),
            "x1": list(cm.get_excludes1(code)),
            "x2": list(cm.get_excludes2(code)),
        }
        rec["r1"] = sorted({tuple(r) for n in rec["x1"] for r in resolve_code_refs(n)})
        rec["r1"] = [list(r) for r in rec["r1"]]
        # this node's own notes (the package's getters also return inherited ones; the loader walks
        # ancestors itself). `_code_to_node` is private API of the pinned simple-icd-10-cm 1.5.0.
        node = cm._code_to_node[code]
        for key, attr in (("cf", "code_first"), ("ua", "use_additional_code"), ("ca", "code_also")):
            if getattr(node, attr):
                rec[key] = getattr(node, attr)
        own7 = node.seven_chr_def
        if own7:
            rec["s7"] = dict(sorted(own7.items()))
        if ext:
            # all extensions share the X-padded base ("T14.8XX"); keep the valid 7th characters
            rec["e"] = [ext[0][:-1], "".join(sorted(c[-1] for c in ext))]
        for k in ("i", "x1", "x2", "r1", "c"):
            if not rec[k]:
                del rec[k]
        records[code] = rec
    return records


def load_cie() -> dict[str, str]:
    """WHO ICD-10 Spanish descriptions keyed by dotted code (categories and 4-character subcategories)."""
    raw = resources.files("cie").joinpath("data/cie-10.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        text = zf.read("cie-10.csv").decode("utf-8")
    out: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(text)):
        code = row["code"].strip()
        if "-" in code or not re.fullmatch(r"[A-Z][0-9][0-9A-Z][0-9A-Z]?", code):
            continue
        desc = " ".join(row["description"].replace("–", "-").split())
        if desc:
            out[normalize_code(code)] = desc
    return out


def load_lexicons(lexicon_dir: Path = LEXICON_DIR) -> dict:
    """The project's lexicons, every entry tagged with the one language it belongs to (the language fence):
    abbreviations.tsv has a language column; synonyms_, variants_ and nonconditions_ files are one per language;
    dictionary_es_en.tsv is Spanish (it reads Spanish words); bridge_ca/gl/eu.tsv map a Catalan, Galician or
    Basque word onto Spanish words (they read only notes of their language)."""
    abbreviations: dict[str, dict[str, str]] = defaultdict(dict)
    synonyms: list[tuple[str, str, str]] = []
    dictionary: dict[str, set[str]] = defaultdict(set)
    variants: dict[str, dict[str, set[str]]] = {lang: defaultdict(set) for lang in LANGUAGES}
    anatomy: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}  # non-condition words
    bridges: dict[str, dict[str, set[str]]] = {lang: defaultdict(set) for lang in BRIDGED}
    bridge_first: dict[str, dict[str, str]] = {lang: {} for lang in BRIDGED}
    for path in sorted(lexicon_dir.glob("*.tsv")):
        rows = _read_tsv(path)
        lang = path.stem.rsplit("_", 1)[-1]
        if path.name.startswith("abbreviations"):
            for row_lang, abbr, expansion in rows:
                if row_lang not in LANGUAGES + BRIDGED:
                    raise SystemExit(f"{path.name}: abbreviation {abbr} has no language (en/es/ca/gl/eu): {row_lang}")
                abbreviations[abbr][row_lang] = expansion
            continue
        if path.name.startswith("dictionary_es_en"):
            for es, en in rows:
                dictionary[es].add(en)
            continue
        if path.name.startswith("bridge_"):
            if lang not in BRIDGED:
                raise SystemExit(f"{path.name}: bridge lexicons are bridge_ca/gl/eu.tsv")
            for word, spanish in rows:
                word = catalan_geminate(word)
                if len(tokens(word)) != 1:
                    raise SystemExit(f"{path.name}: {word!r}: one word a line (the matcher reads words)")
                bridges[lang][word].add(spanish)
                bridge_first[lang].setdefault(word, spanish)  # the gloss: the first Spanish word listed
            continue
        if lang not in LANGUAGES:
            raise SystemExit(f"{path.name}: lexicon files are one per language (name_en.tsv / name_es.tsv)")
        if path.name.startswith("synonyms_"):
            for code, term in rows:
                synonyms.append((normalize_code(code), term, lang))
        elif path.name.startswith("variants_"):
            for word, alts in rows:
                variants[lang][word].add(alts)
        elif path.name.startswith("nonconditions_"):
            for (word,) in rows:
                anatomy[lang].add(word)
        else:
            raise SystemExit(f"{path.name}: unknown lexicon")
    return {
        "abbreviations": abbreviations,
        "synonyms": synonyms,
        "dictionary": dictionary,
        "variants": variants,
        "nonconditions": anatomy,
        "bridges": bridges,
        "bridge_first": bridge_first,
    }


def _stem_map(entries: dict[str, set[str]], keep_same: bool = False) -> dict[str, dict[str, float]]:
    """word -> alternatives, as stems (every content word of every alternative, weight 1). `keep_same`: an
    alternative spelled as the word stays (a bridge replaces the word: Catalan "bacteri" is "bacteria" and,
    through "bacterià", "bacteriano")."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for word, alts in entries.items():
        for src in {stem(t) for t in tokens(word) if t not in STOP_WORDS}:
            for alt in alts:
                for dst in (stem(t) for t in tokens(alt) if t not in STOP_WORDS):
                    if dst != src or keep_same:
                        out[src][dst] = 1.0
    if keep_same:  # a word whose only alternative is itself needs no entry
        out = defaultdict(dict, {k: v for k, v in out.items() if set(v) != {k}})
    return out


# ------------------------------------------------------------------ Spanish -> English word alignment
def learn_dictionary(pairs: list[tuple[str, str]], seed: dict[str, set[str]]) -> dict[str, list[list]]:
    """Stem-level es->en translations from parallel descriptions (WHO Spanish vs ICD-10-CM English of the
    same code) by Dice association, plus the project's hand-written dictionary (weight 1)."""
    c_es: Counter = Counter()
    c_en: Counter = Counter()
    c_pair: Counter = Counter()
    for es, en in pairs:
        s_es = set(content_stems(es))
        s_en = set(content_stems(en))
        c_es.update(s_es)
        c_en.update(s_en)
        for a in s_es:
            for b in s_en:
                c_pair[(a, b)] += 1
    by_es: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for (a, b), n in c_pair.items():
        if n < 2 or a == b or a in c_en:  # a word the English side also uses is its own translation
            continue
        dice = 2 * n / (c_es[a] + c_en[b])
        if dice >= 0.3:
            by_es[a].append((dice, b))
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for a, cands in by_es.items():
        cands.sort(key=lambda x: (-x[0], x[1]))
        best = cands[0][0]
        for dice, b in cands[:3]:
            if dice >= 0.6 * best:
                out[a][b] = round(min(0.9, 0.5 + dice / 2), 3)
    for es_s, ens in _stem_map(seed).items():
        out[es_s].update(ens)
    return {a: sorted([b, w] for b, w in d.items()) for a, d in sorted(out.items())}


def _cognate(a: str, b: str) -> bool:
    """Spelling-level cognates ("multiparid"/"multiparity", "megaureter"/"megaloureter")."""
    ga, gb = set(_trigrams(a)), set(_trigrams(b))
    return 2 * len(ga & gb) / (len(ga) + len(gb)) >= 0.55


def _translation_overlap(
    es: str, en: str, dictionary: dict[str, list[list]], es_parent: str = "", en_parent: str = ""
) -> float:
    """Share of the Spanish description's distinguishing words (required words not already in its
    parent's description) found, directly, translated or as cognates, among the English description's
    distinguishing words."""
    s_es = [s for s in term_stems(es)[0] if s not in set(term_stems(es_parent)[0])]
    s_en = set(term_stems(en)[0]) - set(term_stems(en_parent)[0])
    if not s_es:
        return 1.0
    hit = 0
    for s in s_es:
        if s in s_en or any(b in s_en for b, _ in dictionary.get(s, ())) or any(_cognate(s, e) for e in s_en):
            hit += 1
    return hit / len(s_es)


# ------------------------------------------------------------------ condition words
_PROCEDURE_SUFFIXES = (
    "ectomy", "otomy", "ostomy", "oscopy", "plasty", "pexy", "rrhaphy", "centesis", "tripsy", "graphy",
    "ectomi", "otomi", "ostomi", "oscopi", "plasti", "pexi", "rrafi", "tripsi", "grafi",
)


def is_procedure_word(stem_: str) -> bool:
    """A procedure's name ("cholecystectomy", "colonoscopia"): says what was done, not what the patient has."""
    return stem_.endswith(_PROCEDURE_SUFFIXES)


def _neoplasm_site(code: str) -> bool:
    return (code[0] == "C" and code[:3] <= "C80") or (code[0] == "D" and code[:3] <= "D36")


def _neoplasm_site_words(cm: dict[str, dict]) -> set[str]:
    """Stems of the neoplasm chapters' descriptions and inclusion terms (sites, with the morphology words)."""
    out: set[str] = set()
    for code, rec in cm.items():
        if _neoplasm_site(code):
            for text in [rec["d"], *rec.get("i", [])]:
                out.update(term_stems(text)[0])
    return out


def non_condition_words(cm: dict[str, dict], cie: dict[str, str], anatomy: dict[str, set[str]]) -> dict[str, set[str]]:
    """Stems that do not name a condition, per language: sites (the words of the neoplasm chapters' site
    descriptions and inclusion terms, less the morphology words, plus the nonconditions lexicons: sides, spaces,
    structures, qualifiers) and procedure names. "Tuberculosis of thyroid gland" has one condition word."""
    out: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
    out["en"].update(_neoplasm_site_words(cm))
    for code, desc in cie.items():
        if _neoplasm_site(code):
            out["es"].update(term_stems(desc)[0])
    for lang in LANGUAGES:
        out[lang] -= _NEOPLASM_WORDS
        for word in anatomy.get(lang, ()):
            out[lang].update(stem(t) for t in tokens(word) if t not in STOP_WORDS)
    vocab = {s for rec in cm.values() for s in term_stems(rec["d"])[0]} | {
        s for d in cie.values() for s in term_stems(d)[0]
    }
    for lang in LANGUAGES:
        out[lang].update(s for s in vocab if is_procedure_word(s))
    return out


# ------------------------------------------------------------------ build
def _cognates(words: list[str], targets: list[str], min_dice: float = 0.7) -> dict[str, list[list]]:
    """Best cognate among `targets` for each word, by trigram Dice of spelling skeletons."""
    index: dict[str, list[int]] = defaultdict(list)
    grams_t = []
    for i, t in enumerate(targets):
        g = _trigrams(skeleton(t))
        grams_t.append(len(g))
        for x in g:
            index[x].append(i)
    out: dict[str, list[list]] = {}
    for w in words:
        if len(w) < 5 or w.isdigit():
            continue
        g = _trigrams(skeleton(w))
        counts: Counter = Counter()
        for x in g:
            counts.update(index.get(x, ()))
        best = sorted(
            ((2 * n / (len(g) + grams_t[i]), targets[i]) for i, n in counts.items()),
            key=lambda x: (-x[0], x[1]),
        )
        if best and best[0][0] >= min_dice:
            out[w] = [[best[0][1], round(best[0][0] * 0.9, 3)]]
    return out


def _trigrams(word: str) -> list[str]:
    w = f"#{word}#"
    return sorted({w[i : i + 3] for i in range(len(w) - 2)})


def build(out_dir: Path = DEFAULT_OUT, lexicon_dir: Path = LEXICON_DIR, verbose: bool = True) -> dict:
    t0 = time.perf_counter()
    cm = load_icd10cm()
    cie = load_cie()
    lex = load_lexicons(lexicon_dir)

    # --- Spanish terms: WHO descriptions mapped onto ICD-10-CM codes
    pairs = [(cie[c], cm[c]["d"]) for c in sorted(cie) if c in cm]
    dictionary = learn_dictionary(pairs, lex["dictionary"])
    spanish: dict[str, list[str]] = defaultdict(list)
    mapped_exact = mapped_rejected = 0
    for code in sorted(cie):
        if code not in cm:
            continue
        # Categories mean the same in WHO ICD-10 and ICD-10-CM; 4-character subcategories often diverge
        # (WHO E11.0 "con coma" vs CM E11.0 "with hyperosmolarity"), so those must share vocabulary.
        en_text = " ".join([cm[code]["d"], *cm[code].get("i", [])])
        parent = code[:3]
        if (
            len(code) == 3
            or _translation_overlap(
                cie[code], en_text, dictionary, cie.get(parent, ""), cm.get(parent, {}).get("d", "")
            )
            >= 0.5
        ):
            spanish[code].append(cie[code])
            mapped_exact += 1
        else:
            mapped_rejected += 1
    ext_base = {rec["e"][0]: (code, rec["e"][1]) for code, rec in cm.items() if "e" in rec}
    for code, term, lang in lex["synonyms"]:
        base = ext_base.get(code[:7]) if len(code) == 8 else None
        if code not in cm and not (base and code[7] in base[1]):
            raise SystemExit(f"lexicon code {code} is not an ICD-10-CM FY2026 code")
        if lang == "es" and code in cm:
            spanish[code].append(term)

    # --- terms for the matcher: (code, term, lang) -> group (the lowest group wins a term listed twice: an
    # English synonym that is also the code's ICD-10-CM description is terminology)
    term_rows: dict[tuple[str, str, str], int] = {}

    def add_term(code: str, term: str, lang: str, group: int) -> None:
        key = (code, term, lang)
        term_rows[key] = min(group, term_rows.get(key, group))

    for code, rec in cm.items():
        add_term(code, rec["d"], "en", GROUP_CM)
        for inc in rec.get("i", []):
            if len(inc) <= 160:  # long inclusion notes are instructions, not names
                add_term(code, inc, "en", GROUP_CM)
    for code, terms in spanish.items():
        for t in terms:
            add_term(code, t, "es", GROUP_ES)
    for code, term, lang in lex["synonyms"]:
        add_term(code, term, lang, GROUP_EN if lang == "en" else GROUP_ES)

    # tokenization
    parsed = []
    for code, term, lang in sorted(term_rows):
        req, opt = term_stems(term)
        if req:
            parsed.append((code, term, lang, req, opt, term_rows[(code, term, lang)]))

    vocab_counter: Counter = Counter()
    for _, _, _, req, opt, _ in parsed:
        vocab_counter.update(set(req) | set(opt))
    vocab_words = set(vocab_counter)
    variants = {
        lang: {a: sorted([b, w] for b, w in d.items()) for a, d in sorted(_stem_map(lex["variants"][lang]).items())}
        for lang in LANGUAGES
    }
    for mapping in (dictionary, variants["en"], variants["es"]):
        for a, trans in mapping.items():
            vocab_words.add(a)
            vocab_words.update(b for b, _ in trans)
    # Catalan/Galician/Basque word -> Spanish stems; the keys are stems of the note's language (not vocabulary)
    bridges = {
        lang: {
            a: sorted([b, w] for b, w in d.items())
            for a, d in sorted(_stem_map(lex["bridges"][lang], keep_same=True).items())
        }
        for lang in BRIDGED
    }
    bridge_targets = {b for lang in BRIDGED for trans in bridges[lang].values() for b, _ in trans}
    # the same words as surface forms, folded: what the rules stage reads instead of the note's own words
    glosses = {
        lang: {fold(w): fold(lex["bridge_first"][lang][w]) for w in sorted(lex["bridges"][lang])} for lang in BRIDGED
    }
    vocab_words.update(bridge_targets)
    # Spanish words the English terms never use get their English cognate ("fotofobi" -> "photophobi")
    en_words = {s for p in parsed if p[2] == "en" for s in p[3] + p[4]}
    es_words = {s for p in parsed if p[2] == "es" for s in p[3] + p[4]} | set(dictionary)
    cognates = _cognates(
        sorted(es_words - en_words - {k for k, v in dictionary.items() if v}), sorted(en_words)
    )
    for es_word, pairs_ in cognates.items():
        dictionary[es_word] = pairs_
    dictionary = dict(sorted(dictionary.items()))
    vocab = sorted(vocab_words)
    vid = {w: i for i, w in enumerate(vocab)}
    n_terms = len(parsed)
    idf = np.zeros(len(vocab), dtype=np.float32)
    for w, i in vid.items():
        idf[i] = math.log(1 + n_terms / (1 + vocab_counter.get(w, 0)))

    # index codes: every category/subcategory, plus 7th-character codes named by the lexicons
    codes_sorted = sorted(set(cm) | {p[0] for p in parsed})
    code_id = {c: i for i, c in enumerate(codes_sorted)}
    term_code = np.array([code_id[p[0]] for p in parsed], dtype=np.int32)
    term_group = np.array([p[5] for p in parsed], dtype=np.uint8)
    term_lang = np.array([0 if p[2] == "en" else 1 for p in parsed], dtype=np.uint8)
    tok_lists = [[vid[s] for s in p[3]] + [vid[s] for s in p[4]] for p in parsed]
    term_ptr = np.zeros(n_terms + 1, dtype=np.int32)
    term_ptr[1:] = np.cumsum([len(t) for t in tok_lists])
    term_tok = np.array([x for t in tok_lists for x in t], dtype=np.int32)
    term_nreq = np.array([len(p[3]) for p in parsed], dtype=np.uint8)
    # "Other X" is a residual category: it must not tie with "X, unspecified" when the note just says "X"
    other_stems = {stem(w) for w in OTHER_WORDS}
    term_other = np.array([any(s in other_stems for s in p[4]) for p in parsed], dtype=np.uint8)
    term_total = np.array([float(idf[[vid[s] for s in p[3]]].sum()) for p in parsed], dtype=np.float32)

    # postings of each word sorted by term group: post_ptr[w, g]..post_ptr[w, g + 1] are word w's terms of
    # group g, so a note reads only the groups of its language (contiguous slices, no filtering)
    postings: list[list[list[int]]] = [[[], [], []] for _ in vocab]
    for ti, p in enumerate(parsed):
        for s in p[3]:
            postings[vid[s]][p[5]].append(ti)
    post_ptr = np.zeros((len(vocab), 4), dtype=np.int32)
    flat: list[int] = []
    g: int | str  # a term group here, a trigram below
    for w, groups in enumerate(postings):
        post_ptr[w, 0] = len(flat)
        for g, lst in enumerate(groups):
            flat.extend(lst)
            post_ptr[w, g + 1] = len(flat)
    post_terms = np.array(flat, dtype=np.int32)

    # word flags: the language sides a word belongs to, and whether it names a condition (the fence and
    # "disease words, not anatomy": a term matches only when the note covers one of its condition words)
    side_words = {
        "en": en_words | {x for a, t in variants["en"].items() for x in [a, *(b for b, _ in t)]},
        "es": es_words | {x for a, t in variants["es"].items() for x in [a, *(b for b, _ in t)]}
        | {b for t in dictionary.values() for b, _ in t if b in es_words}
        | bridge_targets,
    }
    non_condition = non_condition_words(cm, cie, lex["nonconditions"])
    word_flags = np.zeros(len(vocab), dtype=np.uint8)
    for w, i in vid.items():
        f = 0
        f |= WORD_EN if w in side_words["en"] else 0
        f |= WORD_ES if w in side_words["es"] else 0
        f |= COND_EN if w not in non_condition["en"] and not w.isdigit() else 0
        f |= COND_ES if w not in non_condition["es"] and not w.isdigit() else 0
        word_flags[i] = f
    cond_bit = {"en": COND_EN, "es": COND_ES}
    term_ncond = np.array(
        [min(255, sum(1 for s in p[3] if word_flags[vid[s]] & cond_bit[p[2]])) for p in parsed], dtype=np.uint8
    )

    # char-trigram index over the vocabulary's spelling skeletons: the fuzzy fallback for unknown words
    # (typos, cognates)
    tri_map: dict[str, list[int]] = defaultdict(list)
    word_ntri = np.zeros(len(vocab), dtype=np.uint8)
    for i, w in enumerate(vocab):
        grams = _trigrams(skeleton(w))
        word_ntri[i] = min(255, len(grams))
        for g in grams:
            tri_map[g].append(i)
    trigrams = sorted(tri_map)
    tri_ptr = np.zeros(len(trigrams) + 1, dtype=np.int32)
    tri_ptr[1:] = np.cumsum([len(tri_map[g]) for g in trigrams])
    tri_words = np.array([i for g in trigrams for i in tri_map[g]], dtype=np.int32)

    abbreviations = {a: dict(sorted(v.items())) for a, v in sorted(lex["abbreviations"].items())}
    index_strings = {
        "format": FORMAT_VERSION,
        "normalizer": NORMALIZER_VERSION,
        "vocab": vocab,
        "codes": codes_sorted,
        "terms": [p[1] for p in parsed],
        "trigrams": trigrams,
        "dictionary": dictionary,
        "variants": variants,
        "abbreviations": abbreviations,
        "bridges": bridges,
        "glosses": glosses,
    }
    arrays: dict[str, np.ndarray] = {
        "idf": idf,
        "term_code": term_code,
        "term_lang": term_lang,
        "term_group": term_group,
        "term_ncond": term_ncond,
        "word_flags": word_flags,
        "term_ptr": term_ptr,
        "term_tok": term_tok,
        "term_nreq": term_nreq,
        "term_other": term_other,
        "term_total": term_total,
        "post_ptr": post_ptr,
        "post_terms": post_terms,
        "tri_ptr": tri_ptr,
        "tri_words": tri_words,
        "word_ntri": word_ntri,
    }
    codes_payload = {
        "format": FORMAT_VERSION,
        "codes": {c: cm[c] for c in sorted(cm)},
        # WHO description first, then the lexicon terms (both in a fixed order)
        "spanish": {c: list(dict.fromkeys(v)) for c, v in sorted(spanish.items())},
    }

    artifacts = {
        "codes.json.gz": _gzip_bytes(_canonical_json(codes_payload)),
        "index.json.gz": _gzip_bytes(_canonical_json(index_strings)),
        "index.bin": _write_arrays(arrays),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, data in artifacts.items():
        (out_dir / name).write_bytes(data)
    manifest = {
        "name": "ICD-10-CM FY2026",
        "format": FORMAT_VERSION,
        "normalizer": NORMALIZER_VERSION,
        "sources": {pkg: metadata.version(pkg) for pkg in ("simple-icd-10-cm", "cie")},
        "lexicons": {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(lexicon_dir.glob("*.tsv"))
        },
        "artifacts": {
            name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
            for name, data in sorted(artifacts.items())
        },
        "counts": {
            "codes": len(cm),
            "billable_codes": sum(1 for r in cm.values() if r["b"])
            + sum(len(r["e"][1]) for r in cm.values() if "e" in r),
            "terms": n_terms,
            "terms_es": int(term_lang.sum()),
            "terms_en_synonyms": int((term_group == GROUP_EN).sum()),
            "terms_without_condition_word": int((term_ncond == 0).sum()),
            "condition_words_en": int(((word_flags & COND_EN) > 0).sum()),
            "vocabulary": len(vocab),
            "spanish_codes": len(spanish),
            "who_codes_mapped": mapped_exact,
            "who_codes_rejected": mapped_rejected,
            "dictionary_es_en": len(dictionary),
            "abbreviations": len(abbreviations),
            **{f"bridge_{lang}": len(bridges[lang]) for lang in BRIDGED},
        },
    }
    (out_dir / "manifest.json").write_bytes(
        json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2).encode("utf-8") + b"\n"
    )
    if verbose:
        sizes = ", ".join(f"{n} {len(d) / 1e6:.2f} MB" for n, d in sorted(artifacts.items()))
        print(f"terminology built in {time.perf_counter() - t0:.1f}s -> {out_dir}: {sizes}", file=sys.stderr)
        print(json.dumps(manifest["counts"], sort_keys=True), file=sys.stderr)
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    args = parser.parse_args(argv)
    build(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
