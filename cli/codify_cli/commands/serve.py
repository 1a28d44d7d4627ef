"""`codify serve`: the API on 127.0.0.1 with the real handlers and coder, moto for S3/DynamoDB."""

from __future__ import annotations

import os
import signal
import sys

from ._common import USAGE, BoundedInt


def register(subparsers) -> None:
    p = subparsers.add_parser("serve", help="run the API locally (no Docker): real handlers, moto for AWS",
                              epilog="CODIFY_DEV_TOKEN fixes the dev token (default: a new one each start).")
    p.add_argument("--port", action=BoundedInt, bounds=(0, 65535), default=3000, metavar="PORT",
                   help="port to listen on ({range}; default 3000; 0 picks a free one)")  # fmt: skip
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default loopback only)")
    p.add_argument("--tenant", default="dev", help="tenant of the dev token (default dev)")
    p.add_argument("--quiet", action="store_true", help="no access log lines")
    p.add_argument("--rate-limit", type=float, default=None, metavar="RPS",
                   help="requests per second per tenant (default: the template's TenantRateLimit)")
    p.add_argument("--burst-limit", type=int, default=None, metavar="N",
                   help="burst per tenant (default: the template's TenantBurstLimit)")
    p.add_argument("--daily-quota", type=int, default=None, metavar="N",
                   help="requests per UTC day per tenant (default: the template's TenantDailyQuota)")  # fmt: skip
    p.set_defaults(func=run)


def _say(line: str) -> None:
    print(line, flush=True)


def run(args) -> int:
    from authorizer.tokens import ALL_SCOPES, TOKEN_PATTERN, TokenRecord, hash_token, new_token, now_iso

    from codify_cli.local import stack as local_stack
    from codify_cli.local.front import LocalApi, make_server

    dev_token = os.environ.get("CODIFY_DEV_TOKEN") or new_token()
    if not TOKEN_PATTERN.match(dev_token):
        print(
            "codify serve: CODIFY_DEV_TOKEN must be 16-512 characters of [A-Za-z0-9._~+/=-]", file=sys.stderr
        )
        return USAGE

    def stop(signum, frame):  # SIGTERM (CI, process managers) cleans up like Ctrl-C
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    moto = server = worker = None
    try:
        moto = local_stack.boot()
        from codify_cli.local import training_worker

        worker = training_worker.install()  # POST /v1/models trains in a background thread
        from common import aws
        from common.coder import CoderUnavailable, get_coder

        tokens_table = os.environ["TOKENS_TABLE"]
        record = TokenRecord(hash_token(dev_token), args.tenant, "dev", ALL_SCOPES, now_iso())
        aws.dynamodb().Table(tokens_table).put_item(Item=record.to_item())

        # Load the coder now: the first request is then fast, and a missing model shows here, not later.
        try:
            model = get_coder().model
            model_line = f"model {model.id} {model.version} ({model.terminology})"
        except CoderUnavailable as exc:
            model_line = (
                f"WARNING: the coder could not load ({exc}); /v1/health answers 503. Run `make assets`."
            )

        from codify_cli.local import template as tpl
        from codify_cli.local.quota import TenantLimiter

        plan = tpl.usage_plan()
        for name, value in (("rate", args.rate_limit), ("burst", args.burst_limit),
                            ("daily_quota", args.daily_quota)):  # fmt: skip
            if value is not None:
                plan[name] = value
        server = make_server(LocalApi(limiter=TenantLimiter(**plan)), args.host, args.port, quiet=args.quiet)
        host, port = server.server_address[:2]
        url = f"http://{host}:{port}"
        local_stack.write_state(url=url, endpoint_url=moto.endpoint_url, tokens_table=tokens_table,
                                pid=os.getpid())  # fmt: skip
        _say(f"Codify API listening on {url}")
        _say(f"  Swagger UI: {url}/v1/docs   OpenAPI: {url}/v1/openapi.json")
        _say(f"  {model_line}")
        _say(f"  AWS stand-in (moto): {moto.endpoint_url}")
        _say(f"  Per-tenant limits: {plan['rate']:g} req/s, burst {plan['burst']}, {plan['daily_quota']} per day")
        _say(f"Dev token (tenant {args.tenant}): {dev_token}")
        _say(f"Try: curl -s {url}/v1/codify -H 'Authorization: Bearer {dev_token}' "
             "-H 'Content-Type: application/json' "
             "-d '{\"text\": \"Type 2 diabetes mellitus with diabetic chronic kidney disease.\"}'")  # fmt: skip
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if worker is not None:
            worker.shutdown()
        if server is not None:
            server.server_close()
        if moto is not None:
            moto.stop()
        local_stack.clear_state()
    return 0
