"""The command line itself: version, help on every option, exit codes, the API's value ranges."""

from __future__ import annotations

import argparse
import re

import pytest
from codify_cli.commands._common import EXIT_CODES
from codify_cli.main import build_parser


def _parsers(parser: argparse.ArgumentParser, name: str = "codify"):
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _parsers(sub, f"{name} {sub_name}")


def test_version_prints_the_package_version(cli):
    from importlib import metadata

    r = cli("--version")
    assert r.rc == 0
    assert r.out == f"codify {metadata.version('codify')}\n"


def test_every_option_of_every_command_has_help():
    missing = []
    for name, parser in _parsers(build_parser()):
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            if not (action.help or "").strip():
                missing.append(f"{name} {'/'.join(action.option_strings) or action.dest}")
    assert missing == []
    names = {name for name, _ in _parsers(build_parser())}
    assert {"codify code", "codify eval", "codify train", "codify serve", "codify tokens create",
            "codify tokens list", "codify tokens revoke"} <= names  # fmt: skip


def test_every_command_that_prints_data_offers_the_three_formats():
    commands = dict(_parsers(build_parser()))
    for name in ("codify code", "codify eval", "codify train", "codify tokens create", "codify tokens list",
                 "codify tokens revoke"):  # fmt: skip
        [fmt] = [a for a in commands[name]._actions if "--format" in a.option_strings]
        assert tuple(fmt.choices) == ("json", "jsonl", "table"), name


def test_help_lists_the_exit_codes(cli):
    r = cli("--help")
    assert r.rc == 0
    for code, meaning in EXIT_CODES:
        assert f"  {code}  {meaning}" in r.out
    assert [c for c, _ in EXIT_CODES] == [0, 1, 2, 3, 4]


def test_help_states_the_api_ranges(cli):
    r = cli("code", "--help")
    assert r.rc == 0
    text = " ".join(r.out.split())
    assert "range 0-100, as the API" in text and "range 1-200, as the API" in text


@pytest.mark.parametrize(
    "argv, message",
    [
        (["code", "x.txt", "--min-confidence", "500"], "argument --min-confidence: must be 0-100, got 500"),
        (["code", "x.txt", "--min-confidence", "-1"], "argument --min-confidence: must be 0-100, got -1"),
        (["code", "x.txt", "--max-codes", "0"], "argument --max-codes: must be 1-200, got 0"),
        (["code", "x.txt", "--max-codes", "201"], "argument --max-codes: must be 1-200, got 201"),
        (["code", "x.txt", "--max-codes", "ten"], "argument --max-codes: not an integer: 'ten'"),
        (["code", "x.txt", "--language", "fr"], "argument --language: invalid choice: 'fr'"),
        (["code", "x.txt", "--setting", "icu"], "argument --setting: invalid choice: 'icu'"),
        (["code", "x.txt", "--format", "xml"], "argument --format: invalid choice: 'xml'"),
        (["serve", "--port", "70000"], "argument --port: must be 0-65535, got 70000"),
        (["eval", "--notes", ".", "--gold", "x.txt", "--limit", "0"], "argument --limit: must be >= 1, got 0"),
        (["frobnicate"], "argument COMMAND: invalid choice: 'frobnicate'"),
    ],
)
def test_usage_errors_exit_2_with_one_error_line(cli, tmp_path, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.txt").write_text("Essential hypertension.", encoding="utf-8")
    r = cli(*argv)
    assert r.rc == 2
    assert r.out == ""
    errors = [line for line in r.err.splitlines() if re.match(r"codify( \w+)*: error: ", line)]
    assert len(errors) == 1 and message in errors[0], r.err
    assert "Traceback" not in r.err


def test_an_unexpected_error_is_one_line_and_exit_1(cli, notes, monkeypatch):
    from codify_cli.commands import code

    def broken(args):
        raise ZeroDivisionError("details that could quote a note")

    monkeypatch.setattr(code, "run", broken)
    r = cli("code", notes / "htn.txt")
    assert r.rc == 1
    assert r.err == "codify code: unexpected error (ZeroDivisionError); CODIFY_DEBUG=1 shows the traceback\n"
