"""`codify train`: a custom scoring model from a center's coded notes (JSONL or a CodiEsp split).

    codify train --data notes.jsonl --out models/cardio --id cardio

The output directory (model.onnx + manifest.json) is what gets uploaded to the models store and
selected per request with `"model": "cardio"`.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager

from ._common import ASSET, FAILED, INPUT, USAGE, CliError, add_format, emit, say

# Help for the options the training module declares without any.
_HELP = {
    "epochs": "passes over the training candidates (>= 1; default %(default)s)",
    "seed": "random seed: the same data and seed give the same model bytes (default %(default)s)",
    "workers": "processes that run the pipeline over the notes (>= 1; default: up to 4, one per core)",
}


def register(subparsers) -> None:
    from codify_coder.training.train import add_arguments

    p = subparsers.add_parser("train", help="train a custom model on coded notes", description=__doc__.split("\n\n")[0],
                              epilog="Progress goes to stderr; the summary to stdout.")  # fmt: skip
    add_arguments(p)
    for action in p._actions:  # argparse has no public setter for an added option's help
        if action.help is None and action.dest in _HELP:
            action.help = _HELP[action.dest]
    add_format(p, "json", "json: the summary object (model id, version, thresholds, held-out scores); "
               "jsonl: the summary on one line; table: one 'key: value' line each")  # fmt: skip
    p.set_defaults(func=run)


@contextmanager
def _progress(training):
    """A progress bar over the notes the pipeline turns into examples, the step that grows with the data.
    build_examples takes no callback: it is called on consecutive chunks of the notes (each note's
    examples do not depend on the others, so the result is the same list) and the bar moves per chunk."""
    from tqdm import tqdm

    build = training.build_examples

    def chunked(notes, terminology, workers=None):
        size = max(64, len(notes) // 20)  # >= 50 keeps build_examples' process pool in use
        examples = []
        with tqdm(total=len(notes), file=sys.stderr, unit="note", desc="pipeline") as bar:
            for start in range(0, len(notes), size):
                part = notes[start : start + size]
                examples += build(part, terminology, workers=workers)
                bar.update(len(part))
        say("codify train: fitting, quantizing and calibrating the model")
        return examples

    training.build_examples = chunked
    try:
        yield
    finally:
        training.build_examples = build


def _table(records):
    for key, value in records[0].items():
        yield f"{key}: {value}"


def run(args) -> int:
    import logging

    from codify_coder.terminology import TerminologyError
    from codify_coder.training import train as training
    from codify_coder.training.custom import custom_config

    if not training.MODEL_ID.match(args.model_id) or args.model_id == "default":
        raise CliError("--id: 1-64 of [A-Za-z0-9._-], starting alphanumeric, and not 'default'", USAGE)
    if not args.data.exists():
        raise CliError(f"--data: no such file or directory: {args.data}", USAGE)
    if args.epochs < 1 or (args.workers is not None and args.workers < 1):
        raise CliError("--epochs and --workers must be >= 1", USAGE)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        with _progress(training):
            manifest = training.train(args.data, args.out, args.model_id, args.terminology, args.language,
                                      custom_config(epochs=args.epochs, seed=args.seed), args.workers,
                                      code_system=args.code_system, extend_code_set=args.extend_code_set)  # fmt: skip
    except training.DataError as exc:
        raise CliError(str(exc), INPUT) from None
    except UnicodeDecodeError:
        raise CliError(f"{args.data}: a note file is not UTF-8 text", INPUT) from None
    except TerminologyError as exc:
        raise CliError(f"{exc} (run `make assets`)", ASSET) from None
    except ModuleNotFoundError as exc:  # onnx and the other build-time packages
        raise CliError(f"training needs the Python package {exc.name!r} (the build dependencies)", ASSET) from None
    except ValueError as exc:  # e.g. no positive candidate: nothing to learn from
        raise CliError(str(exc), FAILED) from None
    emit(args.format, [training.summary(manifest, args.out)], _table, single=True)
    return 0
