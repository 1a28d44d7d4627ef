"""Fixtures for the coder: the real built assets (terminology + default model), built once if missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ASSETS = Path(__file__).resolve().parents[3] / "layers" / "coder" / "codify_coder" / "assets"


def ensure_terminology() -> Path:
    """Only the terminology (a few seconds to build): for tests that need no model. Rebuilt when the
    lexicons or the normalizer changed since the last build."""
    from codify_coder.terminology import is_stale

    if is_stale(ASSETS / "terminology"):
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        subprocess.run([sys.executable, "-m", "codify_build.terminology"], check=True, env=env)
    return ASSETS / "terminology"


@pytest.fixture(scope="session")
def terminology_dir() -> Path:
    return ensure_terminology()


@pytest.fixture(autouse=True)
def _no_network(socket_disabled):
    """The coder is a pure library: nothing in it may touch the network (pytest-socket)."""
    yield


@pytest.fixture(scope="session")
def assets_dir(coder_assets) -> Path:
    """The real terminology and default model (tests/conftest.py builds them once if missing)."""
    return coder_assets


@pytest.fixture(scope="session")
def coder(assets_dir):
    from codify_coder.pipeline import Coder

    return Coder.load(assets_dir=assets_dir)
