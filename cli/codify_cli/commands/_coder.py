"""Load the in-process coder for CLI commands: the default model or a model directory (custom model)."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

from ._common import ASSET, USAGE, CliError


def load(model: str = "default"):
    from codify_coder.pipeline import Coder
    from codify_coder.score import ModelLoadError
    from codify_coder.terminology import TerminologyError

    path = None
    if model not in ("", "default"):
        path = Path(model)
        if not (path / "model.onnx").is_file():
            raise CliError(f"--model must be 'default' or a model directory with model.onnx: {model}", USAGE)
    try:
        return Coder.load(model_dir=path) if path else Coder.load()
    except (TerminologyError, ModelLoadError) as exc:
        # Missing or stale built artifacts: one line that says how to rebuild, not a traceback.
        hint = "" if path else " (run `make assets`)"
        raise CliError(f"{exc}{hint}", ASSET) from None


def add_options(parser) -> None:
    # The coder's own vocabularies (the API re-exports the same Literals), so the choices cannot drift.
    from codify_coder.types import LanguageOption, Setting

    parser.add_argument("--language", choices=get_args(LanguageOption), default="auto",
                        help="language of the notes (default auto: detected per note)")  # fmt: skip
    parser.add_argument("--setting", choices=get_args(Setting), default="outpatient",
                        help="outpatient (default): uncertain diagnoses are discarded; "
                        "inpatient: coded as confirmed")  # fmt: skip
    parser.add_argument("--model", default="default", metavar="default|DIR",
                        help="'default' or a custom model directory (model.onnx + manifest.json)")  # fmt: skip
