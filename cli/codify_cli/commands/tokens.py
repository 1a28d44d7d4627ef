"""`codify tokens create|revoke|list`: bearer tokens in TokensTable (only their sha256 is stored).

Table: --table, else $CODIFY_TOKENS_TABLE, else the moto server of a running `codify serve`.
AWS credentials, region and endpoint come from boto3's usual configuration (profiles, AWS_ENDPOINT_URL).
"""

from __future__ import annotations

import argparse
import json
import os
import sys


def register(subparsers) -> None:
    p = subparsers.add_parser("tokens", help="create, revoke and list API tokens")
    sub = p.add_subparsers(dest="tokens_command", required=True)

    def common(q: argparse.ArgumentParser) -> None:
        q.add_argument(
            "--table",
            default=os.environ.get("CODIFY_TOKENS_TABLE"),
            help="TokensTable name (stack output TokensTableName); default: the local `codify serve`",
        )
        q.add_argument("--endpoint-url", default=None, help="DynamoDB endpoint (moto, DynamoDB local)")
        q.add_argument("--region", default=None)

    c = sub.add_parser("create", help="mint a token; it is printed once and never stored")
    c.add_argument("--tenant", required=True)
    c.add_argument("--name", required=True, help="who or what uses the token (for listing and revoking)")
    c.add_argument("--scopes", default=None, help="comma-separated; default: codify,runs:read,models:read")
    c.add_argument("--json", action="store_true", help="print a JSON object instead of the bare token")
    common(c)
    c.set_defaults(func=create)

    r = sub.add_parser("revoke", help="revoke a token (by the token itself or its sha256)")
    g = r.add_mutually_exclusive_group(required=True)
    g.add_argument("--token")
    g.add_argument("--sha256")
    common(r)
    r.set_defaults(func=revoke)

    ls = sub.add_parser("list", help="list tokens (hash prefix, tenant, name, scopes, created, revoked)")
    ls.add_argument("--tenant", default=None)
    common(ls)
    ls.set_defaults(func=list_tokens)


def _store(args):
    import boto3
    from authorizer.tokens import TokenStore

    from codify_cli.local import stack as local_stack

    table, endpoint, region = args.table, args.endpoint_url, args.region
    if not table:
        state = local_stack.read_state()
        if not state:
            raise SystemExit("codify tokens: no --table and no running `codify serve` (.codify/serve.json)")
        table, endpoint = state["tokens_table"], endpoint or state["endpoint_url"]
        region = region or local_stack.tpl.REGION
        for key, value in local_stack.LOCAL_CREDENTIALS.items():
            os.environ.setdefault(key, value)
        print(f"codify tokens: using the local server's table {table} at {endpoint}", file=sys.stderr)
    resource = boto3.resource("dynamodb", endpoint_url=endpoint, region_name=region)
    return TokenStore(resource.Table(table))


def create(args) -> int:
    from authorizer.tokens import ALL_SCOPES

    scopes = tuple(s.strip() for s in args.scopes.split(",") if s.strip()) if args.scopes else ALL_SCOPES
    try:
        token, record = _store(args).create(args.tenant, args.name, scopes)
    except ValueError as exc:
        raise SystemExit(f"codify tokens: {exc}") from None
    if args.json:
        print(
            json.dumps(
                {
                    "token": token,
                    "sha256": record.token_sha256,
                    "tenant": record.tenant,
                    "name": record.name,
                    "scopes": list(record.scopes),
                    "created_at": record.created_at,
                }
            )
        )
    else:
        print(token)
        print(
            f"(tenant {record.tenant}, name {record.name}, scopes {','.join(record.scopes)}; "
            "shown once: store it now)",
            file=sys.stderr,
        )
    return 0


def revoke(args) -> int:
    from authorizer.tokens import hash_token

    digest = args.sha256 or hash_token(args.token)
    if not _store(args).revoke(digest):
        print("codify tokens: no such token", file=sys.stderr)
        return 1
    print(f"revoked {digest[:12]}")
    return 0


def list_tokens(args) -> int:
    for r in _store(args).list(args.tenant):
        print(
            f"{r.token_sha256[:12]}  {r.tenant:<16} {r.name:<20} {','.join(r.scopes):<32} {r.created_at}"
            f"  {'REVOKED ' + (r.revoked_at or '') if r.revoked else 'active'}"
        )
    return 0
