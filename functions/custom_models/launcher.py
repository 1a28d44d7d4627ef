"""Starting a training job: an asynchronous invocation of ModelTrainingFunction (Lambda queues the event,
retries per the function's EventInvokeConfig and sends failures to its on-failure destination).

`codify serve` and the tests install another launcher with `use()` (a background worker thread running the
same handler): Lambda's Invoke API has no local stand-in without containers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from common import aws

Launcher = Callable[[dict[str, Any]], None]

_installed: Launcher | None = None


class LambdaLauncher:
    def __init__(self, function_name: str) -> None:
        self.function_name = function_name

    def __call__(self, event: dict[str, Any]) -> None:
        response = aws.lambda_client().invoke(
            FunctionName=self.function_name, InvocationType="Event", Payload=json.dumps(event).encode()
        )
        if response.get("StatusCode") != 202:
            raise RuntimeError(f"asynchronous invoke answered {response.get('StatusCode')}")


def use(launcher: Launcher | None) -> None:
    """Install a launcher (local server, tests) or go back to invoking the Lambda function (None)."""
    global _installed
    _installed = launcher


def launcher_for(function_name: str) -> Launcher:
    return _installed or LambdaLauncher(function_name)
