"""Train a custom model on a center's coded notes: its vocabulary, its code set and its habits.

    python -m codify_coder.training.train --data FILE_OR_DIR --out DIR --id ID [--language es|en|both]

Input: JSONL (one `{"text": ..., "codes": [...]}` per line; optional "id", "language", "code_system"; a code
is a string or `{"code", "spans": [[start, end], ...], "description"}`), a directory of JSONL files, or a
CodiEsp split directory (text_files/, text_files_en/, *D.tsv, *X.tsv evidence). What is learned (see
custom.py and vocabulary.py): phrase -> code entries, the code set the model returns, which assertion
classes the center codes, its code frequencies, its threshold and a cross-validated calibration.

The output directory (model.onnx, manifest.json, vocabulary.json, code_set.json for a declared code set)
loads with `Scorer.load`. Note text is never logged: only counts, hashes and timings.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import re
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..terminology import normalize_code
from ..vocabulary import CodeSet
from .codiesp import note_files, read_gold
from .core import TrainConfig, data_hash
from .custom import custom_config, train_custom
from .examples import LabeledNote, build_examples
from .vocabulary import VocabularyConfig

log = logging.getLogger(__name__)
MODEL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
LANGUAGES = ("en", "es", "auto")


class DataError(ValueError):
    """The training data cannot be used (the message never quotes note text)."""


# The fewest distinct notes a custom model is trained on: its vocabulary, priors and calibration come from
# cross-validation folds, each of which needs notes to learn from and notes to check on.
MIN_NOTES = 10
# An ICD-10 code, any edition: a letter, two characters, then up to four after the (optional) dot.
CODE = re.compile(r"^[A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?$")
CODIESP_SYSTEM = "CIE-10-ES 2018"
FY2026 = "ICD-10-CM FY2026"
TRAINING_DATA = "training_data"  # code_system: the training data's codes (named by the data, else by the model)
_EXAMPLES = 5  # codes quoted in a report or an error
# A declared code set is extended by ICD-10-CM FY2026 (vocabulary.CodeSet.extended) when at least this share
# of the training data's code assignments are written as FY2026 billable codes: the center's nomenclature
# then writes codes as ICD-10-CM does, and a code its training notes never used is most likely one of them
# (CodiEsp's CIE-10-ES 2018: 92%; 18% of its dev cases' codes are not in its train cases, and a set of the
# training codes alone could never return them).
EXTEND_SHARE = 0.8
EXTEND_CHOICES = ("auto", "yes", "no")


def _codes_field(codes: Any, where: str, text_len: int) -> tuple[list[str], list[tuple[str, tuple[tuple[int, int], ...]]], dict[str, str]]:
    """A record's codes: strings, or {"code", "spans": [[start, end], ...], "description"} objects."""
    if not isinstance(codes, list):
        raise DataError(f"{where}: needs a list 'codes' (strings, or objects with 'code' and optional 'spans')")
    out, spans, descriptions = [], [], {}
    for i, item in enumerate(codes):
        if isinstance(item, str):
            out.append(item)
            continue
        if not isinstance(item, dict) or not isinstance(item.get("code"), str):
            raise DataError(f"{where}: codes[{i}] must be a string or an object with a string 'code'")
        code = item["code"]
        out.append(code)
        raw = item.get("spans", [])
        if not isinstance(raw, list) or not all(
            isinstance(sp, list) and len(sp) == 2 and all(isinstance(v, int) and not isinstance(v, bool) for v in sp)
            and 0 <= sp[0] < sp[1] <= text_len for sp in raw
        ):
            raise DataError(f"{where}: codes[{i}].spans must be [[start, end], ...] with 0 <= start < end <= "
                            "the text's length")
        if raw:
            spans.append((normalize_code(code), tuple((int(a), int(b)) for a, b in raw)))
        if isinstance(item.get("description"), str) and item["description"].strip():
            descriptions[normalize_code(code)] = item["description"].strip()[:300]
    return out, spans, descriptions


def _jsonl_notes(path: Path, meta: dict[str, Any] | None = None) -> list[LabeledNote]:
    meta = meta if meta is not None else {}
    notes = []
    seen: dict[str, int] = {}
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            where = f"{path.name}:{lineno}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{where}: not JSON ({exc.msg}); training data is JSONL, one note object a line") from None
            if not isinstance(record, dict):
                raise DataError(f"{where}: a line must be a JSON object with 'text' and 'codes'")
            missing = [k for k in ("text", "codes") if k not in record]
            if missing:
                raise DataError(f"{where}: missing field(s) {', '.join(repr(k) for k in missing)}")
            if not isinstance(record["text"], str) or not record["text"].strip():
                raise DataError(f"{where}: needs a non-empty string field 'text'")
            codes, spans, descriptions = _codes_field(record["codes"], where, len(record["text"]))
            language = record.get("language", "auto")
            if language not in LANGUAGES:
                raise DataError(f"{where}: language must be one of {', '.join(LANGUAGES)}")
            system = record.get("code_system")
            if system is not None:
                if not isinstance(system, str) or not 0 < len(system.strip()) <= 64:
                    raise DataError(f"{where}: code_system must be a name of at most 64 characters")
                if meta.setdefault("code_system", system.strip()) != system.strip():
                    raise DataError(f"{where}: code_system differs from an earlier line's")
            meta.setdefault("descriptions", {}).update(descriptions)
            key = str(record.get("id") or hashlib.sha256(record["text"].encode("utf-8")).hexdigest()[:16])
            dup = (key, language)
            if f"{dup}" in seen:
                what = "id" if record.get("id") else "text (a note without an id is named by its text)"
                raise DataError(f"{where}: duplicate note: the same {what} as line {seen[f'{dup}']}")
            seen[f"{dup}"] = lineno
            notes.append(LabeledNote(key, record["text"], language, frozenset(normalize_code(c) for c in codes),
                                     tuple(spans)))  # fmt: skip
    return notes


def _codiesp_spans(directory: Path) -> dict[str, list[tuple[str, tuple[tuple[int, int], ...]]]]:
    """CodiEsp's `*X.tsv` evidence of the diagnosis codes: id, DIAGNOSTICO, code, words, "start end;start end"."""
    out: dict[str, list[tuple[str, tuple[tuple[int, int], ...]]]] = defaultdict(list)
    for tsv in sorted(directory.glob("*X.tsv")):
        for line in tsv.read_text(encoding="utf-8").splitlines():
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 5 or parts[1].strip() != "DIAGNOSTICO":
                continue
            spans = []
            for piece in parts[4].split(";"):
                bounds = piece.split()
                if len(bounds) == 2 and all(b.isdigit() for b in bounds) and int(bounds[0]) < int(bounds[1]):
                    spans.append((int(bounds[0]), int(bounds[1])))
            if spans:
                out[parts[0].strip()].append((normalize_code(parts[2]), tuple(spans)))
    return out


def _codiesp_notes(directory: Path, language: str) -> list[LabeledNote]:
    tsvs = sorted(directory.glob("*D.tsv"))
    if not tsvs:
        raise DataError(f"{directory}: no *D.tsv gold file")
    gold: dict[str, set[str]] = defaultdict(set)
    for tsv in tsvs:
        for key, codes in read_gold(tsv).items():
            gold[key] |= codes
    evidence = _codiesp_spans(directory)
    variants = {"es": [("text_files", "es")], "en": [("text_files_en", "en")]}
    chosen = variants["es"] + variants["en"] if language in ("both", "auto") else variants[language]
    notes = []
    for folder, lang in chosen:
        text_dir = directory / folder
        if not text_dir.is_dir():
            if language in ("both", "auto"):
                continue
            raise DataError(f"{directory}: no {folder}/")
        for path in note_files(text_dir):
            text = path.read_text(encoding="utf-8")
            # the spans index the Spanish texts; the English translations have codes only
            spans = tuple((c, sp) for c, sp in evidence.get(path.stem, ()) if all(e <= len(text) for _, e in sp)) \
                if lang == "es" else ()  # fmt: skip
            # Notes without a gold line still teach: every candidate of theirs is a negative.
            notes.append(LabeledNote(path.stem, text, lang, frozenset(gold.get(path.stem, ())), spans))
    return notes


def load_notes(data: Path, language: str = "both", meta: dict[str, Any] | None = None) -> list[LabeledNote]:
    """The notes of a JSONL file, a folder of JSONL files or a CodiEsp split. `meta` receives what the data
    declares: "code_system" (JSONL `code_system`, or CIE-10-ES 2018 for CodiEsp) and code "descriptions"."""
    data = Path(data)
    meta = meta if meta is not None else {}
    if data.is_file():
        notes = _jsonl_notes(data, meta)
    elif data.is_dir() and any(data.glob("*D.tsv")):
        notes = _codiesp_notes(data, language)
        meta.setdefault("code_system", CODIESP_SYSTEM)
    elif data.is_dir():
        files = sorted(data.glob("*.jsonl"))
        if not files:
            raise DataError(f"{data}: neither JSONL files nor a CodiEsp split (*D.tsv + text_files/)")
        notes = [n for f in files for n in _jsonl_notes(f, meta)]
    else:
        raise DataError(f"{data}: no such file or directory")
    if language in ("en", "es") and data.is_file():
        notes = [n if n.language != "auto" else replace(n, language=language) for n in notes]
    if not notes:
        raise DataError(f"{data}: no notes")
    return notes


def check_codes(notes: Sequence[LabeledNote], terminology: Any, code_system: str, descriptions: dict[str, str],
                extend: str = "auto") -> tuple[CodeSet, dict[str, Any], list[LabeledNote]]:  # fmt: skip
    """The model's code set, the report of codes outside ICD-10-CM FY2026, and the notes with their gold
    codes in that set. `extend` ("auto", "yes", "no"): whether a declared set is extended by ICD-10-CM
    FY2026 (auto: EXTEND_SHARE). Raises DataError for codes that are not ICD-10 codes at all."""
    label_set = sorted({c for n in notes for c in n.gold})
    malformed = [c for c in label_set if not CODE.match(c)]
    if malformed:
        raise DataError(f"unknown codes: {len(malformed)} code(s) are not ICD-10 codes "
                        f"(e.g. {', '.join(repr(c[:12]) for c in malformed[:_EXAMPLES])})")  # fmt: skip
    not_fy = [c for c in label_set if c not in terminology]
    report: dict[str, Any] = {"not_in_icd10cm_fy2026": {"count": len(not_fy), "examples": not_fy[:_EXAMPLES]}}
    if code_system == FY2026:
        report["dropped"] = {"count": len(not_fy), "examples": not_fy[:_EXAMPLES],
                             "why": "not ICD-10-CM FY2026 codes, and the model declares ICD-10-CM FY2026"}  # fmt: skip
        drop = set(not_fy)
        kept = [replace(n, gold=n.gold - drop, spans=tuple(sp for sp in n.spans if sp[0] not in drop)) for n in notes]
        return CodeSet(FY2026), report, kept
    # A declared set: the data's codes, described by the data, else by ICD-10-CM (the code, or its nearest
    # entry). A code with neither a description nor any ICD-10-CM category is unknown.
    codes: dict[str, str] = {}
    unknown = []
    for c in label_set:
        desc = descriptions.get(c) or terminology.description(c)
        if not desc:
            plain = c.replace(".", "")
            for n in range(len(plain) - 1, 2, -1):
                prefix = plain[:n] if n <= 3 else f"{plain[:3]}.{plain[3:n]}"
                desc = terminology.description(prefix)
                if desc:
                    break
        if not desc:
            unknown.append(c)
        codes[c] = desc or ""
    if unknown:
        raise DataError(f"unknown codes: {len(unknown)} code(s) are in no ICD-10-CM category and have no "
                        f"description in the data (e.g. {', '.join(unknown[:_EXAMPLES])})")  # fmt: skip
    report["declared"] = {"count": len(not_fy), "examples": not_fy[:_EXAMPLES],
                          "why": f"codes of {code_system}, returned as such"}  # fmt: skip
    assigned = [c for n in notes for c in n.gold]
    share = sum(1 for c in assigned if terminology.is_billable(c)) / len(assigned) if assigned else 0.0
    extended = extend == "yes" or (extend == "auto" and share >= EXTEND_SHARE)
    report["extended_by"] = {
        "code_system": FY2026 if extended else None, "fy2026_share": round(share, 4), "setting": extend,
        "why": (f"{share:.0%} of the data's code assignments are ICD-10-CM FY2026 billable codes (auto: "
                f">= {EXTEND_SHARE:.0%}): FY2026 codes outside the hierarchy of every declared code are returned "
                "too") if extended else "only the declared codes are returned",
    }  # fmt: skip
    return CodeSet(code_system, codes, extended=extended), report, list(notes)


def train(
    data: Path,
    out_dir: Path,
    model_id: str,
    terminology_dir: Path | None = None,
    language: str = "both",
    config: TrainConfig | None = None,
    workers: int | None = None,
    *,
    code_system: str | None = None,
    folds: int = 4,
    vocabulary: VocabularyConfig | None = None,
    extend_code_set: str = "auto",
) -> dict[str, Any]:
    """Train a custom model on a center's coded notes and write it to `out_dir`; returns its manifest.

    `code_system`: the codes the model returns: "ICD-10-CM FY2026", or a name for the training data's own
    codes ("CIE-10-ES 2018"), or "training_data" (the data's codes, named as the data names them); None: what
    the data declares (JSONL `code_system`, CodiEsp: CIE-10-ES 2018),
    else ICD-10-CM FY2026 when every code is one, else the data's codes. Raises DataError (the message
    quotes no note text) for data that cannot be used."""
    from ..pipeline import ASSETS_DIR
    from ..terminology import Terminology

    if not MODEL_ID.match(model_id) or model_id == "default":
        raise DataError("model id: 1-64 of [A-Za-z0-9._-], starting alphanumeric, and not 'default'")
    t0 = time.perf_counter()
    terminology = Terminology.load(terminology_dir or ASSETS_DIR / "terminology")
    meta: dict[str, Any] = {}
    notes = load_notes(data, language, meta)
    distinct = len({n.key for n in notes})
    if distinct < MIN_NOTES:
        raise DataError(f"too few notes: {distinct}; a custom model needs at least {MIN_NOTES} coded notes")
    if not any(n.gold for n in notes):
        raise DataError("no note has a code: nothing to learn from")
    if code_system == TRAINING_DATA:  # the data's own codes, declared even where all are FY2026 codes
        code_system = meta.get("code_system") if meta.get("code_system") not in (None, FY2026) else f"{model_id} codes"
    if code_system is None:
        code_system = meta.get("code_system")
    if code_system is None:
        code_system = FY2026 if all(c in terminology for n in notes for c in n.gold) else f"{model_id} codes"
    if extend_code_set not in EXTEND_CHOICES:
        raise DataError(f"extend_code_set: one of {', '.join(EXTEND_CHOICES)}")
    code_set, report, notes = check_codes(notes, terminology, code_system, meta.get("descriptions", {}),
                                          extend_code_set)  # fmt: skip
    label_set = sorted({c for n in notes for c in n.gold})
    log.info("custom model %s: %d notes (%d texts), %d distinct codes, %d not in ICD-10-CM FY2026, code system %s",
             model_id, distinct, len(notes), len(label_set), report["not_in_icd10cm_fy2026"]["count"],
             code_system)  # fmt: skip
    examples = build_examples(notes, terminology, workers=workers)
    t1 = time.perf_counter()
    manifest = train_custom(
        examples,
        [n.spans for n in notes],
        out_dir,
        model_id,
        terminology,
        code_set,
        data_sha256=data_hash([(f"{n.key}/{n.language}", n.text, sorted(n.gold) + [f"{c}@{s}" for c, s in n.spans])
                               for n in notes]),
        config=config or custom_config(),
        vocab_config=vocabulary or VocabularyConfig(),
        folds=folds,
        extra_manifest={
            "description": f"Custom model trained on {distinct} coded notes of the center ({code_system})",
            "training_data": {
                "source": Path(data).name,
                "notes": distinct,
                "texts": len(notes),
                "languages": sorted({e.understanding.language for e in examples}),
                "evidence_spans": sum(len(sp) for n in notes for _, sp in n.spans),
            },
            "label_set": label_set,
            "codes_report": report,
            "labels_not_in_terminology": report["not_in_icd10cm_fy2026"]["examples"],
            "terminology": {"name": terminology.name, "artifacts": terminology.manifest.get("artifacts", {})},
        },
    )
    log.info("custom model %s: pipeline %.1fs, vocabulary+training+export %.1fs, version %s",
             model_id, t1 - t0, time.perf_counter() - t1, manifest["version"])  # fmt: skip
    return manifest


def summary(manifest: dict, out: Path) -> dict:
    """What a training run reports: the model's id, version, code system, labels and the codes outside
    ICD-10-CM FY2026 (count and examples), data hash, threshold, habits, cross-validated scores."""
    metrics = manifest["metrics"]
    return {
        "model_id": manifest["model_id"],
        "version": manifest["version"],
        "out": str(out),
        "code_system": manifest.get("code_system", FY2026),
        "notes": manifest.get("training_data", {}).get("notes"),
        "labels": len(manifest["label_set"]),
        "codes_not_in_icd10cm_fy2026": manifest.get("codes_report", {}).get("not_in_icd10cm_fy2026"),
        "codes_dropped": manifest.get("codes_report", {}).get("dropped"),
        "vocabulary": manifest.get("vocabulary"),
        "codes_assertions": (manifest.get("habits") or {}).get("codes_assertions"),
        "training_data_sha256": manifest["training_data_sha256"],
        "thresholds": manifest["thresholds"],
        "cross_validated": metrics.get("cross_validated", metrics.get("held_out")),
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", type=Path, required=True, help="JSONL file or directory, or a CodiEsp split dir"
    )
    parser.add_argument("--out", type=Path, required=True, help="output model directory")
    parser.add_argument("--id", dest="model_id", required=True, help="model id clients select with 'model'")
    parser.add_argument(
        "--language",
        choices=("both", "en", "es", "auto"),
        default="both",
        help="CodiEsp: which texts (text_files=es, text_files_en=en); JSONL: default language",
    )
    parser.add_argument("--terminology", type=Path, default=None, help="compiled terminology directory")
    parser.add_argument("--epochs", type=int, default=TrainConfig.epochs)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--code-system", dest="code_system", default=None,
                        help="the codes the model returns: 'ICD-10-CM FY2026', or a name for the data's own codes "
                        "(default: what the data declares; CodiEsp: CIE-10-ES 2018)")  # fmt: skip
    parser.add_argument("--extend-code-set", dest="extend_code_set", choices=EXTEND_CHOICES, default="auto",
                        help="a declared code set also returns ICD-10-CM FY2026 codes outside the hierarchy of "
                        f"its codes (auto: when >= {EXTEND_SHARE:.0%} of the data's codes are FY2026 codes)")  # fmt: skip


def run(args: argparse.Namespace) -> int:
    try:
        manifest = train(
            args.data,
            args.out,
            args.model_id,
            args.terminology,
            args.language,
            custom_config(epochs=args.epochs, seed=args.seed),
            args.workers,
            code_system=args.code_system,
            extend_code_set=args.extend_code_set,
        )
    except DataError as exc:
        print(f"codify train: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(summary(manifest, args.out), indent=2, sort_keys=True))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
