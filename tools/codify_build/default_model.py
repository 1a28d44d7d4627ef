"""Build the default scoring model from the terminology and synthetic notes only.

    python -m codify_build.default_model [--out DIR] [--notes N] [--seed S]

CodiEsp (or any real note) never goes into this model: it is what custom models are for.
Reproducible: the same terminology, seed and note count give the same model.onnx bytes.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

import codify_coder
from codify_coder.score import TerminologyFacts
from codify_coder.training.core import TrainConfig, data_hash, train_and_write
from codify_coder.training.examples import LabeledNote, build_examples

from .synthetic import generate

PACKAGE_DIR = Path(codify_coder.__file__).resolve().parent
DEFAULT_OUT = PACKAGE_DIR / "assets" / "models" / "default"
DEFAULT_TERMINOLOGY = PACKAGE_DIR / "assets" / "terminology"
# 9000 notes (~1.5 min on 2 cores): with 3000, the draw of synthetic notes alone moved CodiEsp-train MAP by
# up to 0.01 and calibration error by 0.03 between seeds, more than most changes being measured.
DEFAULT_NOTES = 9000
# Smaller and more regularized than a custom model's: synthetic notes are cleaner than real ones, and
# a smoother model transfers better (chosen between two settings by the scorer's ranking on CodiEsp
# train, which is read to study errors and never trained on).
HIDDEN, L2, EPOCHS = 16, 1e-3, 30
# The final threshold. For calibrated probabilities the F1-maximizing threshold is half the F1 that can be
# reached (Lipton, Elkan & Naryanaswamy 2014). On synthetic notes that F1 is about 0.8, so their own
# optimum (0.3-0.4) is too strict for real notes, where the F1 this project aims at is about 0.4 (its
# targets are 0.40-0.45): the threshold is half of that, fixed here rather than fitted to any real note.
EXPECTED_REAL_F1 = 0.40
THRESHOLD = EXPECTED_REAL_F1 / 2
# Five members averaged: +0.008 / +0.010 scorer-alone MAP on CodiEsp train (en / es) over one.
MEMBERS = 5


def build(
    out_dir: Path = DEFAULT_OUT,
    terminology_dir: Path = DEFAULT_TERMINOLOGY,
    n_notes: int = DEFAULT_NOTES,
    seed: int = 0,
    config: TrainConfig | None = None,
    workers: int | None = None,
) -> dict:
    from codify_coder.terminology import Terminology

    t0 = time.perf_counter()
    terminology = Terminology.load(terminology_dir)
    notes = generate(terminology, n_notes, seed=seed)
    labeled = [LabeledNote(n.key, n.text, n.language, n.gold) for n in notes]
    t1 = time.perf_counter()
    examples = build_examples(labeled, terminology, workers=workers)
    t2 = time.perf_counter()
    manifest = train_and_write(
        examples,
        out_dir,
        "default",
        TerminologyFacts(terminology),
        use_priors=False,
        data_sha256=data_hash([(n.key, n.text, sorted(n.gold)) for n in notes]),
        config=config
        or TrainConfig(
            hidden=HIDDEN, l2=L2, epochs=EPOCHS, seed=seed, members=MEMBERS, note_weighting=True, threshold=THRESHOLD
        ),
        extra_manifest={
            "description": "Default candidate scorer, trained on synthetic notes generated from the terminology",
            "training_data": {
                "source": "synthetic notes from the ICD-10-CM FY2026 terminology (no real notes)",
                "notes": len(notes),
                "seed": seed,
                "languages": sorted({n.language for n in notes}),
                "intended_codes": len({c for n in notes for c, _ in n.mentions}),
            },
            "terminology": {
                "name": terminology.name,
                "artifacts": terminology.manifest.get("artifacts", {}),
            },
            "label_set": None,
        },
    )
    t3 = time.perf_counter()
    print(
        f"default model: {len(notes)} synthetic notes in {t1 - t0:.1f}s, pipeline {t2 - t1:.1f}s, "
        f"training+export {t3 - t2:.1f}s -> {out_dir} ({(Path(out_dir) / 'model.onnx').stat().st_size} bytes, "
        f"sha256 {manifest['sha256'][:12]})",
        file=sys.stderr,
    )
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--terminology", type=Path, default=DEFAULT_TERMINOLOGY)
    parser.add_argument("--notes", type=int, default=DEFAULT_NOTES)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    manifest = build(args.out, args.terminology, args.notes, args.seed, workers=args.workers)
    print(json.dumps(manifest["metrics"]["held_out"], indent=2, sort_keys=True), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
