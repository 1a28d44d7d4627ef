"""`codify tokens`: output formats against a TokensTable (moto in-process, no sockets)."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def table(monkeypatch):
    import boto3
    from moto import mock_aws

    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "us-east-1"}.items():  # fmt: skip
        monkeypatch.setenv(key, value)
    with mock_aws():
        boto3.client("dynamodb").create_table(
            TableName="tokens", BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "token_sha256", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "token_sha256", "KeyType": "HASH"}],
        )  # fmt: skip
        yield "tokens"


def test_create_list_revoke_in_each_format(cli, table):
    bare = cli("tokens", "create", "--tenant", "clinic-a", "--name", "ehr", "--table", table)
    assert bare.rc == 0 and len(bare.out.splitlines()) == 1 and "shown once" in bare.err
    made = cli("tokens", "create", "--tenant", "clinic-b", "--name", "lab", "--scopes", "codify",
               "--table", table, "--format", "json")  # fmt: skip
    created = json.loads(made.out)
    assert created["tenant"] == "clinic-b" and created["scopes"] == ["codify"] and len(created["sha256"]) == 64
    assert json.loads(cli("tokens", "create", "--tenant", "c", "--name", "n", "--table", table, "--json").out)["token"]

    listed = json.loads(cli("tokens", "list", "--table", table, "--format", "json").out)
    assert [t["tenant"] for t in listed] == ["c", "clinic-a", "clinic-b"]
    assert all("token" not in t for t in listed)  # only hashes are stored
    lines = cli("tokens", "list", "--table", table, "--tenant", "clinic-b", "--format", "jsonl").out.splitlines()
    assert [json.loads(line)["name"] for line in lines] == ["lab"]

    revoked = cli("tokens", "revoke", "--token", created["token"], "--table", table, "--format", "json")
    assert revoked.rc == 0 and json.loads(revoked.out) == {"revoked": created["sha256"]}
    table_out = cli("tokens", "list", "--table", table, "--tenant", "clinic-b").out
    assert table_out.startswith(created["sha256"][:12]) and "REVOKED" in table_out


def test_revoking_an_unknown_token_is_exit_1(cli, table):
    r = cli("tokens", "revoke", "--sha256", "0" * 64, "--table", table)
    assert r.rc == 1 and r.err == "codify tokens: no such token\n" and r.out == ""


def test_an_unknown_scope_is_a_usage_error(cli, table):
    r = cli("tokens", "create", "--tenant", "a", "--name", "b", "--scopes", "admin", "--table", table)
    assert r.rc == 2 and r.err.startswith("codify tokens: unknown scopes: ['admin']")


def test_create_with_a_usage_plan_gives_the_tenant_one_api_key_in_the_plan(cli, table):
    import boto3
    from authorizer.tokens import usage_key

    apigw = boto3.client("apigateway")
    plan = apigw.create_usage_plan(name="codify", throttle={"rateLimit": 10, "burstLimit": 20})["id"]
    for name in ("ehr", "lab"):  # two tokens of one tenant share its key (and its quota)
        r = cli("tokens", "create", "--tenant", "clinic-a", "--name", name, "--table", table, "--usage-plan", plan)
        assert r.rc == 0, r.err
    cli("tokens", "create", "--tenant", "clinic-b", "--name", "ehr", "--table", table, "--usage-plan", plan)
    keys = apigw.get_api_keys(includeValues=True)["items"]
    assert sorted(k["value"] for k in keys) == sorted([usage_key("clinic-a"), usage_key("clinic-b")])
    attached = {k["id"] for k in apigw.get_usage_plan_keys(usagePlanId=plan)["items"]}
    assert attached == {k["id"] for k in keys}
