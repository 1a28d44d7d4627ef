"""Load the in-process coder for CLI commands: the default model or a model directory (custom model)."""

from __future__ import annotations

from pathlib import Path


def load(model: str = "default"):
    from codify_coder.pipeline import Coder

    if model in ("", "default"):
        return Coder.load()
    path = Path(model)
    if not (path / "model.onnx").is_file():
        raise SystemExit(f"codify: --model must be 'default' or a model directory with model.onnx: {model}")
    return Coder.load(model_dir=path)


def add_options(parser) -> None:
    parser.add_argument("--language", choices=("auto", "en", "es"), default="auto")
    parser.add_argument("--setting", choices=("outpatient", "inpatient"), default="outpatient")
    parser.add_argument("--model", default="default", help="'default' or a custom model directory")
