"""`codify train`: a custom scoring model from a center's coded notes (JSONL or a CodiEsp split).

    codify train --data notes.jsonl --out models/cardio --id cardio

The output directory (model.onnx + manifest.json) is what gets uploaded to the models store and
selected per request with `"model": "cardio"`.
"""

from __future__ import annotations


def register(subparsers) -> None:
    from codify_coder.training.train import add_arguments

    p = subparsers.add_parser("train", help="train a custom model on coded notes")
    add_arguments(p)
    p.set_defaults(func=run)


def run(args) -> int:
    import logging
    import sys

    from codify_coder.training.train import run as train_run

    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    return train_run(args)
