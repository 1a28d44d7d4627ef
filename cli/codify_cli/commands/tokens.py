"""`codify tokens create|revoke|list`: bearer tokens in TokensTable (only their sha256 is stored).

Table: --table, else $CODIFY_TOKENS_TABLE, else the moto server of a running `codify serve`.
AWS credentials, region and endpoint come from boto3's usual configuration (profiles, AWS_ENDPOINT_URL).
"""

from __future__ import annotations

import argparse
import os
import sys

from ._common import FAILED, USAGE, CliError, add_format, emit


def register(subparsers) -> None:
    p = subparsers.add_parser("tokens", help="create, revoke and list API tokens")
    sub = p.add_subparsers(dest="tokens_command", required=True, metavar="ACTION", help="create, revoke or list")

    def common(q: argparse.ArgumentParser) -> None:
        q.add_argument(
            "--table",
            default=os.environ.get("CODIFY_TOKENS_TABLE"),
            help="TokensTable name (stack output TokensTableName); default: the local `codify serve`",
        )
        q.add_argument("--endpoint-url", default=None, help="DynamoDB endpoint (moto, DynamoDB local)")
        q.add_argument("--region", default=None, help="AWS region (default: boto3's configuration)")

    c = sub.add_parser("create", help="mint a token; it is printed once and never stored")
    c.add_argument("--tenant", required=True, help="the tenant the token acts for")
    c.add_argument("--name", required=True, help="who or what uses the token (for listing and revoking)")
    c.add_argument("--scopes", default=None, help="comma-separated; default: codify,runs:read,models:read,models:write")
    c.add_argument("--usage-plan", default=os.environ.get("CODIFY_USAGE_PLAN_ID"),
                   help="usage plan id (stack output UsagePlanId): creates the tenant's API key if missing and "
                   "attaches it, so the tenant's rate and daily quota apply (needed on a deployed stack)")  # fmt: skip
    c.add_argument("--json", dest="format", action="store_const", const="json", default=argparse.SUPPRESS,
                   help="same as --format json")
    add_format(c, "table", "table: the bare token (details on stderr); json: an object with the token, "
               "its sha256, tenant, name, scopes, created_at; jsonl: that object on one line")
    common(c)
    c.set_defaults(func=create)

    r = sub.add_parser("revoke", help="revoke a token (by the token itself or its sha256)")
    g = r.add_mutually_exclusive_group(required=True)
    g.add_argument("--token", help="the token itself")
    g.add_argument("--sha256", help="the token's sha256 (as `tokens list` and the audit show it)")
    add_format(r, "table", "table: 'revoked <hash prefix>'; json/jsonl: {\"revoked\": sha256}")
    common(r)
    r.set_defaults(func=revoke)

    ls = sub.add_parser("list", help="list tokens (hash prefix, tenant, name, scopes, created, revoked)")
    ls.add_argument("--tenant", default=None, help="only this tenant's tokens")
    add_format(ls, "table", "table: one line per token; json: a list of token objects (no token, its "
               "sha256); jsonl: one object per line")
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
            raise CliError("no --table and no running `codify serve` (.codify/serve.json)", USAGE)
        table, endpoint = state["tokens_table"], endpoint or state["endpoint_url"]
        region = region or local_stack.tpl.REGION
        for key, value in local_stack.LOCAL_CREDENTIALS.items():
            os.environ.setdefault(key, value)
        print(f"codify tokens: using the local server's table {table} at {endpoint}", file=sys.stderr)
    resource = boto3.resource("dynamodb", endpoint_url=endpoint, region_name=region)
    return TokenStore(resource.Table(table))


def _record(r) -> dict:
    return {"sha256": r.token_sha256, "tenant": r.tenant, "name": r.name, "scopes": list(r.scopes),
            "created_at": r.created_at, "revoked": bool(r.revoked), "revoked_at": r.revoked_at}  # fmt: skip


def create(args) -> int:
    from authorizer.tokens import ALL_SCOPES

    scopes = tuple(s.strip() for s in args.scopes.split(",") if s.strip()) if args.scopes else ALL_SCOPES
    try:
        token, record = _store(args).create(args.tenant, args.name, scopes)
    except ValueError as exc:
        raise CliError(str(exc), USAGE) from None
    if args.usage_plan:
        import boto3

        client = boto3.client("apigateway", endpoint_url=args.endpoint_url, region_name=args.region)
        key_id = attach_usage_key(client, args.usage_plan, record.tenant)
        print(f"(tenant {record.tenant}: API key {key_id} in usage plan {args.usage_plan})", file=sys.stderr)
    if args.format == "table":
        print(token)
        print(
            f"(tenant {record.tenant}, name {record.name}, scopes {','.join(record.scopes)}; "
            "shown once: store it now)",
            file=sys.stderr,
        )
    else:
        out = {"token": token, "sha256": record.token_sha256, "tenant": record.tenant, "name": record.name,
               "scopes": list(record.scopes), "created_at": record.created_at}  # fmt: skip
        emit(args.format, [out], lambda _: (), single=True)
    return 0


def attach_usage_key(client, usage_plan_id: str, tenant: str) -> str:
    """The tenant's API key (value authorizer.tokens.usage_key(tenant)), created if missing, in the usage
    plan; returns its id. Idempotent: a second token of the same tenant shares the key and its quota."""
    from authorizer.tokens import usage_key

    value, name = usage_key(tenant), f"codify-tenant-{tenant}"[:1024]
    keys = client.get_api_keys(nameQuery=name, includeValues=True).get("items", [])
    key = next((k for k in keys if k.get("value") == value), None)
    if key is None:
        key = client.create_api_key(name=name, value=value, enabled=True, description=f"Codify tenant {tenant}")
    attached = {k["id"] for k in client.get_usage_plan_keys(usagePlanId=usage_plan_id).get("items", [])}
    if key["id"] not in attached:
        client.create_usage_plan_key(usagePlanId=usage_plan_id, keyId=key["id"], keyType="API_KEY")
    return key["id"]


def revoke(args) -> int:
    from authorizer.tokens import hash_token

    digest = args.sha256 or hash_token(args.token)
    if not _store(args).revoke(digest):
        raise CliError("no such token", FAILED)
    emit(args.format, [{"revoked": digest}], lambda _: [f"revoked {digest[:12]}"], single=True)
    return 0


def _list_table(records):
    for r in records:
        state = "REVOKED " + (r["revoked_at"] or "") if r["revoked"] else "active"
        yield (f"{r['sha256'][:12]}  {r['tenant']:<16} {r['name']:<20} {','.join(r['scopes']):<32} "
               f"{r['created_at']}  {state}")  # fmt: skip


def list_tokens(args) -> int:
    emit(args.format, [_record(r) for r in _store(args).list(args.tenant)], _list_table)
    return 0
