"""The local AWS stand-in: an in-process moto server holding template.yaml's tables and buckets."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import template as tpl

# Where a running `codify serve` says how to reach it (read by `codify tokens`); tests point it elsewhere.
STATE_FILE = Path(os.environ.get("CODIFY_STATE_FILE") or tpl.REPO_ROOT / ".codify" / "serve.json")
LOCAL_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": tpl.REGION,
    "AWS_REGION": tpl.REGION,
}


@dataclass
class MotoStack:
    endpoint_url: str
    server: Any
    resources: dict[str, str]

    def stop(self) -> None:
        self.server.stop()


def start_moto(host: str = "127.0.0.1") -> MotoStack:
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access line per moto call is noise

    server = ThreadedMotoServer(ip_address=host, port=0, verbose=False)
    server.start()
    bound_host, port = server.get_host_and_port()
    endpoint = f"http://{bound_host}:{port}"
    return MotoStack(endpoint_url=endpoint, server=server, resources={})


def handler_environment(endpoint_url: str | None) -> dict[str, str]:
    """What the functions see locally: their template environment, pointed at moto, tracing off."""
    env = dict(tpl.all_functions_environment())
    env.update(LOCAL_CREDENTIALS)
    env.update(
        POWERTOOLS_TRACE_DISABLED="true",  # no X-Ray daemon locally
        POWERTOOLS_METRICS_DISABLED="true",  # EMF lines would flood the console
        POWERTOOLS_SERVICE_NAME="codify-local",
    )
    if endpoint_url:
        env["AWS_ENDPOINT_URL"] = endpoint_url  # boto3 honours it for every client, presigned URLs included
    return env


def apply_environment(env: dict[str, str]) -> None:
    os.environ.update(env)
    from common import aws, settings

    settings.reset_caches()
    aws.reset()


def boot(host: str = "127.0.0.1") -> MotoStack:
    """Start moto, point this process at it, create the template's resources."""
    from .resources import create_resources

    stack = start_moto(host)
    apply_environment(handler_environment(stack.endpoint_url))
    stack.resources = create_resources()
    return stack


def write_state(**state: Any) -> None:
    STATE_FILE.parent.mkdir(parents=True, exist_ok=True)
    STATE_FILE.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")


def read_state() -> dict[str, Any] | None:
    try:
        return json.loads(STATE_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def clear_state(path: Path | None = None) -> None:
    """Remove the state file if this process wrote it (a second `serve` that failed must not)."""
    path = path or STATE_FILE
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass
