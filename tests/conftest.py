"""Shared by every test folder: paths, event files, and the coder assets the real-coder tests need."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "events"
ASSETS = ROOT / "layers" / "coder" / "codify_coder" / "assets"


def load_event(name: str) -> dict:
    return json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def coder_assets() -> Path:
    """The real terminology and default model (`make setup` builds them; a bare pytest builds them once)."""
    steps = [
        (ASSETS / "terminology" / "manifest.json", "codify_build.terminology"),
        (ASSETS / "models" / "default" / "manifest.json", "codify_build.default_model"),
    ]
    for marker, module in steps:
        if not marker.is_file():
            # A bare pytest has the source roots on sys.path only through pyproject's pythonpath: pass them on.
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
            subprocess.run([sys.executable, "-m", module], cwd=ROOT, check=True, env=env)
    return ASSETS
