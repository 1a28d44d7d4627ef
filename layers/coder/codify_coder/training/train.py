"""Train a custom scoring model on a center's coded notes.

    python -m codify_coder.training.train --data FILE_OR_DIR --out DIR --id ID [--language es|en|both]

Input: JSONL (one `{"text": ..., "codes": [...]}` per line; optional "id" and "language"), a directory
of JSONL files, or a CodiEsp split directory (text_files/, text_files_en/, *D.tsv). A candidate is
positive when its code is in the note's gold codes, so the model learns the center's habits; the
model also carries the center's code frequencies (priors), learned out-of-fold.

The output directory has the default model's layout (model.onnx + manifest.json) and loads with
`Scorer.load`. Note text is never logged: only counts, hashes and timings.
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
from pathlib import Path
from typing import Any

from ..score import TerminologyFacts
from ..terminology import normalize_code
from .codiesp import note_files, read_gold
from .core import TrainConfig, data_hash, train_and_write
from .examples import LabeledNote, build_examples

log = logging.getLogger(__name__)
MODEL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
LANGUAGES = ("en", "es", "auto")


class DataError(ValueError):
    """The training data cannot be read (the message never quotes note text)."""


def _jsonl_notes(path: Path) -> list[LabeledNote]:
    notes = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{path.name}:{lineno}: not JSON ({exc.msg})") from None
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise DataError(f"{path.name}:{lineno}: needs a string field 'text'")
            codes = record.get("codes")
            if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
                raise DataError(f"{path.name}:{lineno}: needs a list of strings 'codes'")
            language = record.get("language", "auto")
            if language not in LANGUAGES:
                raise DataError(f"{path.name}:{lineno}: language must be one of {', '.join(LANGUAGES)}")
            key = str(record.get("id") or hashlib.sha256(record["text"].encode("utf-8")).hexdigest()[:16])
            notes.append(LabeledNote(key, record["text"], language, frozenset(normalize_code(c) for c in codes)))
    return notes


def _codiesp_notes(directory: Path, language: str) -> list[LabeledNote]:
    tsvs = sorted(directory.glob("*D.tsv"))
    if not tsvs:
        raise DataError(f"{directory}: no *D.tsv gold file")
    gold: dict[str, set[str]] = defaultdict(set)
    for tsv in tsvs:
        for key, codes in read_gold(tsv).items():
            gold[key] |= codes
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
            # Notes without a gold line still teach: every candidate of theirs is a negative.
            notes.append(
                LabeledNote(
                    path.stem, path.read_text(encoding="utf-8"), lang, frozenset(gold.get(path.stem, ()))
                )
            )
    return notes


def load_notes(data: Path, language: str = "both") -> list[LabeledNote]:
    data = Path(data)
    if data.is_file():
        notes = _jsonl_notes(data)
    elif data.is_dir() and any(data.glob("*D.tsv")):
        notes = _codiesp_notes(data, language)
    elif data.is_dir():
        files = sorted(data.glob("*.jsonl"))
        if not files:
            raise DataError(f"{data}: neither JSONL files nor a CodiEsp split (*D.tsv + text_files/)")
        notes = [n for f in files for n in _jsonl_notes(f)]
    else:
        raise DataError(f"{data}: no such file or directory")
    if language in ("en", "es") and data.is_file():
        notes = [n if n.language != "auto" else LabeledNote(n.key, n.text, language, n.gold) for n in notes]
    if not notes:
        raise DataError(f"{data}: no notes")
    return notes


def train(
    data: Path,
    out_dir: Path,
    model_id: str,
    terminology_dir: Path | None = None,
    language: str = "both",
    config: TrainConfig | None = None,
    workers: int | None = None,
) -> dict[str, Any]:
    from ..pipeline import ASSETS_DIR
    from ..terminology import Terminology

    if not MODEL_ID.match(model_id) or model_id == "default":
        raise DataError("model id: 1-64 of [A-Za-z0-9._-], starting alphanumeric, and not 'default'")
    t0 = time.perf_counter()
    terminology = Terminology.load(terminology_dir or ASSETS_DIR / "terminology")
    notes = load_notes(data, language)
    label_set = sorted({c for n in notes for c in n.gold})
    known = [c for c in label_set if c in terminology]
    log.info(
        "custom model %s: %d notes, %d distinct codes (%d in ICD-10-CM FY2026)",
        model_id,
        len(notes),
        len(label_set),
        len(known),
    )
    examples = build_examples(notes, terminology, workers=workers)
    t1 = time.perf_counter()
    manifest = train_and_write(
        examples,
        out_dir,
        model_id,
        TerminologyFacts(terminology),
        use_priors=True,
        data_sha256=data_hash([(f"{n.key}/{n.language}", n.text, sorted(n.gold)) for n in notes]),
        config=config or TrainConfig(),
        extra_manifest={
            "description": f"Custom candidate scorer trained on {len({n.key for n in notes})} coded notes",
            "training_data": {
                "source": Path(data).name,
                "notes": len({n.key for n in notes}),
                "texts": len(notes),
                "languages": sorted({n.language for n in notes}),
            },
            "label_set": label_set,
            "labels_not_in_terminology": sorted(set(label_set) - set(known)),
            "terminology": {"name": terminology.name, "artifacts": terminology.manifest.get("artifacts", {})},
        },
    )
    log.info(
        "custom model %s: pipeline %.1fs, training+export %.1fs, sha256 %s",
        model_id,
        t1 - t0,
        time.perf_counter() - t1,
        manifest["sha256"][:12],
    )
    return manifest


def summary(manifest: dict, out: Path) -> dict:
    """What a training run reports: the model's id, version, labels, data hash, thresholds, held-out scores."""
    return {
        "model_id": manifest["model_id"],
        "version": manifest["version"],
        "out": str(out),
        "labels": len(manifest["label_set"]),
        "training_data_sha256": manifest["training_data_sha256"],
        "thresholds": manifest["thresholds"],
        "held_out": manifest["metrics"]["held_out"],
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


def run(args: argparse.Namespace) -> int:
    try:
        manifest = train(
            args.data,
            args.out,
            args.model_id,
            args.terminology,
            args.language,
            TrainConfig(epochs=args.epochs, seed=args.seed),
            args.workers,
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
