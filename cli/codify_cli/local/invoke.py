"""Invoke one function with an event file, Docker-free (the `sam local invoke` of this machine):

    python -m codify_cli.local.invoke CodifyFunction events/codify_text.json

The handler runs in-process with its template.yaml environment against a fresh moto server (tables and
buckets from the template). Authorizer context in the event is taken as given, as API Gateway would pass it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    from . import stack
    from . import template as tpl
    from .front import LambdaContext, load_handler

    functions = list(tpl.resources_of_type(tpl.load(), "AWS::Serverless::Function"))
    parser = argparse.ArgumentParser(prog="python -m codify_cli.local.invoke")
    parser.add_argument("function", choices=functions)
    parser.add_argument("event", type=Path)
    args = parser.parse_args(argv)

    moto = stack.boot()
    from common.observability import logger

    logger.registered_handler.setStream(sys.stderr)  # stdout carries only the function's result
    try:
        handler = tpl.load()["Resources"][args.function]["Properties"]["Handler"]
        event = json.loads(args.event.read_text(encoding="utf-8"))
        try:
            result = load_handler(handler)(event, LambdaContext(args.function))
        except Exception as exc:  # noqa: BLE001 (shown as Lambda shows a function error)
            result = {"errorType": type(exc).__name__, "errorMessage": str(exc)}
        print(json.dumps(result, indent=2, ensure_ascii=False))
    finally:
        moto.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
