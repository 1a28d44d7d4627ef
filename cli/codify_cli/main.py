"""Entry point of the `codify` command. Subcommands import their heavy dependencies lazily."""

from __future__ import annotations

import argparse
import importlib
import sys

# Subcommand modules under codify_cli.commands, each with register(subparsers).
COMMANDS = ("code", "eval", "eval_real", "train", "serve", "tokens")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="codify", description="ICD-10-CM coding of clinical notes")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        module = importlib.import_module(f"codify_cli.commands.{name}")
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
