"""Each function imports only what its layers carry: the authorizer has the base layer alone (pydantic,
Powertools; boto3 from the runtime), never the coder layer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FUNCTIONS = Path(__file__).resolve().parents[3] / "functions"


def test_the_authorizer_imports_without_the_coder_layer():
    code = (
        "import sys; sys.modules['codify_coder'] = None; sys.modules['onnxruntime'] = None; "
        "sys.modules['numpy'] = None; sys.modules['pypdf'] = None; import authorizer.app"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=FUNCTIONS, capture_output=True, text=True,
                            check=False, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
