"""Entry point of the `codify` command. Subcommands import their heavy dependencies lazily."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback

from codify_cli.commands._common import EXIT_CODES, FAILED, CliError

# Subcommand modules under codify_cli.commands, each with register(subparsers).
COMMANDS = ("code", "eval", "eval_real", "train", "serve", "tokens", "models")


def version() -> str:
    """The installed distribution's version (whichever distribution ships codify_cli)."""
    from importlib import metadata

    for dist in [*metadata.packages_distributions().get("codify_cli", []), "codify"]:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return "unknown"


class _Version(argparse.Action):
    """Like argparse's "version" action, but the version is only looked up when asked for."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest, nargs=0, default=default, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"codify {version()}")
        parser.exit(0)


EPILOG = "exit codes:\n" + "\n".join(f"  {code}  {meaning}" for code, meaning in EXIT_CODES) + (
    "\n\n`codify COMMAND --help` describes each command's options and output formats."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="codify", description="ICD-10-CM coding of clinical notes",
                                     epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--version", action=_Version, help="print the version and exit")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                       help="what to do (each has its own --help)")
    for name in COMMANDS:
        module = importlib.import_module(f"codify_cli.commands.{name}")
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Returns the exit status (see EXIT_CODES); errors are one line on stderr, never a traceback
    unless CODIFY_DEBUG is set."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version (0) and usage errors (2), already printed by argparse
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    command = f"codify {args.command}"
    try:
        return int(args.func(args) or 0)
    except CliError as exc:
        print(f"{command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `codify code … | head`: the reader left; say nothing more
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):  # no real stdout (in-process callers)
            pass
        return FAILED
    except Exception as exc:  # noqa: BLE001 - a bug: its type, and the traceback on request (messages may quote notes)
        if os.environ.get("CODIFY_DEBUG"):
            traceback.print_exc()
        print(f"{command}: unexpected error ({type(exc).__name__}); CODIFY_DEBUG=1 shows the traceback",
              file=sys.stderr)  # fmt: skip
        return FAILED


if __name__ == "__main__":
    sys.exit(main())
