"""The local API Gateway: an HTTP server on loopback that turns requests into REST proxy events, runs the
authorizer first (TOKEN type, IAM policy evaluated like API Gateway), then the real handler.

Routes, stage and gateway responses (the error envelope for 401/403/404…) come from template.yaml.
"""

from __future__ import annotations

import base64
import importlib
import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import template as tpl
from .quota import TenantLimiter

MAX_BODY_BYTES = 6 * 1024 * 1024  # Lambda's synchronous payload limit


@dataclass
class LambdaContext:
    """What the Lambda runtime passes as `context` (the attributes Powertools reads)."""

    function_name: str
    memory_limit_in_mb: int = 2048
    function_version: str = "$LATEST"
    timeout_s: float = 29.0

    def __post_init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())
        self.invoked_function_arn = f"arn:aws:lambda:{tpl.REGION}:{tpl.ACCOUNT}:function:{self.function_name}"
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + self.timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def load_handler(handler: str) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """'codify/app.lambda_handler' -> the function, imported the way the Lambda runtime does."""
    module_path, function = handler.rsplit(".", 1)
    return getattr(importlib.import_module(module_path.replace("/", ".")), function)


def proxy_event(
    *,
    method: str,
    path: str,
    resource: str,
    path_parameters: dict[str, str] | None,
    query: str,
    headers: list[tuple[str, str]],
    body: bytes | None,
    stage: str,
    request_id: str,
    source_ip: str = "127.0.0.1",
    authorizer: dict[str, Any] | None = None,
) -> dict[str, Any]:
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in headers:
        single[name] = value
        multi.setdefault(name, []).append(value)
    qs = parse_qs(query, keep_blank_values=True)
    text: str | None = None
    is_b64 = False
    if body:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:  # API Gateway passes bytes it cannot decode as base64
            text, is_b64 = base64.b64encode(body).decode("ascii"), True
    now = time.time()
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": single or None,
        "multiValueHeaders": multi or None,
        "queryStringParameters": {k: v[-1] for k, v in qs.items()} or None,
        "multiValueQueryStringParameters": qs or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "local",
            "resourcePath": resource,
            "httpMethod": method,
            "extendedRequestId": request_id,
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "path": path,  # custom-domain style (no stage prefix), as `sam local start-api` sends
            "accountId": tpl.ACCOUNT,
            "protocol": "HTTP/1.1",
            "stage": stage,
            "domainPrefix": "localhost",
            "requestTimeEpoch": int(now * 1000),
            "requestId": request_id,
            "identity": {"sourceIp": source_ip, "userAgent": single.get("User-Agent")},
            "domainName": "localhost",
            "apiId": tpl.API_ID,
            **({"authorizer": authorizer} if authorizer is not None else {}),
        },
        "body": text,
        "isBase64Encoded": is_b64,
    }


def policy_allows(policy: dict[str, Any], method_arn: str) -> bool:
    """IAM evaluation as API Gateway applies it to an authorizer policy: explicit Deny wins, then Allow."""
    statements = policy.get("policyDocument", {}).get("Statement", [])

    def matches(statement: dict[str, Any]) -> bool:
        resources = statement.get("Resource", [])
        resources = [resources] if isinstance(resources, str) else resources
        return any(fnmatchcase(method_arn, r) for r in resources)

    if any(s.get("Effect") == "Deny" and matches(s) for s in statements):
        return False
    return any(s.get("Effect") == "Allow" and matches(s) for s in statements)


class LocalApi:
    def __init__(self, template: dict[str, Any] | None = None, limiter: TenantLimiter | None = None) -> None:
        self.template = template or tpl.load()
        # The usage plan per tenant (template defaults unless `codify serve` was given other limits).
        self.limiter = limiter or TenantLimiter(**tpl.usage_plan(self.template))
        self.routes = tpl.routes(self.template)
        self.stage = tpl.stage(self.template)
        self.gateway_responses = tpl.gateway_responses(self.template)
        self.authorizer = load_handler(tpl.authorizer_handler(self.template))
        identity = tpl.authorizer_identity(self.template)
        self.identity_header = identity.get("Header", "Authorization").lower()
        self.identity_pattern = (
            re.compile(identity["ValidationExpression"]) if "ValidationExpression" in identity else None
        )
        self._handlers: dict[str, Callable[..., dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def handler(self, name: str) -> Callable[..., dict[str, Any]]:
        with self._lock:
            if name not in self._handlers:
                self._handlers[name] = load_handler(name)
        return self._handlers[name]

    def gateway_response(self, kind: str, status: int, request_id: str) -> tuple[int, dict[str, str], bytes]:
        spec = self.gateway_responses.get(kind) or self.gateway_responses.get(
            "DEFAULT_4XX" if status < 500 else "DEFAULT_5XX", {}
        )
        status = int(spec.get("StatusCode", status))
        body = (spec.get("ResponseTemplates") or {}).get("application/json")
        if body is None:
            body = json.dumps({"message": kind})
        body = body.replace("$context.requestId", request_id)
        headers = {"Content-Type": "application/json"}
        # Static header values are written '...' (quoted literals) in a gateway response.
        for name, value in ((spec.get("ResponseParameters") or {}).get("Headers") or {}).items():
            headers[name] = str(value).strip("'")
        return status, headers, body.encode()

    def handle(
        self, method: str, raw_path: str, headers: list[tuple[str, str]], body: bytes | None
    ) -> tuple[int, dict[str, str] | list[tuple[str, str]], bytes]:
        request_id = str(uuid.uuid4())
        parts = urlsplit(raw_path)
        path = parts.path
        route, params = None, None
        for candidate in self.routes:
            match = candidate.regex.match(path)
            if match and candidate.method == method:
                route, params = candidate, match.groupdict()
                break
        if route is None:
            return self.gateway_response("MISSING_AUTHENTICATION_TOKEN", 403, request_id)
        if body is not None and len(body) > MAX_BODY_BYTES:
            return self.gateway_response("REQUEST_TOO_LARGE", 413, request_id)

        authorizer_context = None
        if route.authorized:
            lowered = {k.lower(): v for k, v in headers}
            token = lowered.get(self.identity_header)
            # Missing, or not matching the validation expression: 401 without calling the authorizer.
            if not token or (self.identity_pattern is not None and not self.identity_pattern.match(token)):
                return self.gateway_response("UNAUTHORIZED", 401, request_id)
            method_arn = (
                f"arn:aws:execute-api:{tpl.REGION}:{tpl.ACCOUNT}:{tpl.API_ID}/{self.stage}/{method}{path}"
            )
            event = {"type": "TOKEN", "authorizationToken": token, "methodArn": method_arn}
            try:
                policy = self.authorizer(event, LambdaContext("authorizer", 256))
            except Exception as exc:  # noqa: BLE001 (API Gateway's contract: any raise is a failure)
                if str(exc) == "Unauthorized":
                    return self.gateway_response("UNAUTHORIZED", 401, request_id)
                return self.gateway_response("AUTHORIZER_FAILURE", 500, request_id)
            if not policy_allows(policy, method_arn):
                return self.gateway_response("ACCESS_DENIED", 403, request_id)
            authorizer_context = {"principalId": policy.get("principalId"), **(policy.get("context") or {})}
            # API Gateway counts the usage plan per the key the authorizer named (ApiKeySourceType AUTHORIZER).
            usage_key = policy.get("usageIdentifierKey")
            if not usage_key:
                return self.gateway_response("INVALID_API_KEY", 403, request_id)
            refused = self.limiter.take(usage_key)
            if refused:
                return self.gateway_response(refused, 429, request_id)

        event = proxy_event(
            method=method, path=path, resource=route.path, path_parameters=params, query=parts.query,
            headers=headers, body=body, stage=self.stage, request_id=request_id, authorizer=authorizer_context,
        )  # fmt: skip
        try:
            # The template's timeout: the handler's request deadline is derived from the remaining time.
            context = LambdaContext(route.function, timeout_s=tpl.function_timeout(route.function, self.template))
            result = self.handler(route.handler)(event, context)
        except Exception:  # noqa: BLE001 (a crashed function is a 502 from API Gateway)
            return self.gateway_response("DEFAULT_5XX", 502, request_id)
        out_headers: list[tuple[str, str]] = []
        for name, value in (result.get("headers") or {}).items():
            out_headers.append((name, str(value)))
        for name, values in (result.get("multiValueHeaders") or {}).items():
            if name not in (result.get("headers") or {}):
                out_headers.extend((name, str(v)) for v in values)
        payload = result.get("body") or ""
        data = base64.b64decode(payload) if result.get("isBase64Encoded") else payload.encode("utf-8")
        return int(result.get("statusCode", 200)), out_headers, data


def make_server(api: LocalApi, host: str, port: int, quiet: bool = False) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                status, headers, data = api.gateway_response("REQUEST_TOO_LARGE", 413, str(uuid.uuid4()))
                self.close_connection = True  # do not read a body this large
            else:
                body = self.rfile.read(length) if length else None
                status, headers, data = api.handle(self.command, self.path, list(self.headers.items()), body)
            self.send_response(status)
            items = headers.items() if isinstance(headers, dict) else headers
            for name, value in items:
                if name.lower() not in {"content-length", "connection", "transfer-encoding"}:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _serve

        def __getattr__(self, name: str) -> Any:
            # Any other method (TRACE, QUERY…) too, as API Gateway answers it: an undefined method on a route
            # is its MISSING_AUTHENTICATION_TOKEN gateway response, never http.server's HTML 501.
            if name.startswith("do_"):
                return self._serve
            raise AttributeError(name)

        def log_message(self, fmt: str, *args: Any) -> None:  # method, path, status; never bodies
            if not quiet:
                super().log_message(fmt, *args)

    class Server(ThreadingHTTPServer):
        # socketserver's listen backlog is 5: a burst of concurrent clients beyond it was reset before any
        # thread could accept it (found by the 200-concurrent-calls proof, tests/e2e/test_proofs.py).
        request_queue_size = 512
        daemon_threads = True

    server = Server((host, port), Handler)
    return server
