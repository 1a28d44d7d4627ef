"""The CLI run in-process: `main([...])`, its exit status, and what it printed on stdout and stderr."""

from __future__ import annotations

from dataclasses import dataclass

import pytest


@pytest.fixture(autouse=True)
def _no_network(socket_disabled):
    """Nothing the CLI does in these tests may touch the network (tokens use moto in-process)."""
    yield


@dataclass
class Result:
    rc: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        # tqdm redraws its bar with carriage returns: keep the messages, not the bar's frames.
        return [part for line in self.err.splitlines() for part in line.split("\r")
                if part.strip() and "it/s]" not in part and "note/s]" not in part]  # fmt: skip


@pytest.fixture
def cli(capsys):
    from codify_cli.main import main

    def run(*argv: str) -> Result:
        rc = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return Result(rc, captured.out, captured.err)

    return run


@pytest.fixture
def notes(tmp_path):
    """Notes written by the test (not CodiEsp), one per clinical fact the assertions rely on."""
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "htn.txt").write_text("Assessment: essential hypertension. No evidence of pneumonia.\n", encoding="utf-8")
    (folder / "dm.txt").write_text("Type 2 diabetes mellitus without complications.\n", encoding="utf-8")
    return folder
