"""Create the template's DynamoDB tables and S3 buckets, from their own properties, in moto.

Used by `codify serve` (moto server) and by the functional tests (mock_aws): tests and infrastructure
cannot drift because both read template.yaml.
"""

from __future__ import annotations

from typing import Any

from . import template as tpl


def _table_kwargs(name: str, props: dict[str, Any]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "TableName": name,
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
    }
    if props.get("GlobalSecondaryIndexes"):
        kwargs["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
    sse = props.get("SSESpecification")
    if sse:
        kwargs["SSESpecification"] = {"Enabled": bool(sse.get("SSEEnabled"))}
    return kwargs


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation's lifecycle rule shape -> the S3 API's."""
    out: dict[str, Any] = {
        "ID": rule.get("Id", "rule"),
        "Status": rule["Status"],
        "Filter": {"Prefix": rule.get("Prefix", "")},
    }
    if "ExpirationInDays" in rule:
        out["Expiration"] = {"Days": int(rule["ExpirationInDays"])}
    if "AbortIncompleteMultipartUpload" in rule:
        out["AbortIncompleteMultipartUpload"] = {
            "DaysAfterInitiation": int(rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"])
        }
    return out


def create_resources(session: Any = None, template: dict[str, Any] | None = None) -> dict[str, str]:
    """Create every table and bucket; returns logical id -> physical name."""
    import boto3

    template = template or tpl.load()
    session = session or boto3.session.Session()
    ddb = session.client("dynamodb", region_name=tpl.REGION)
    s3 = session.client("s3", region_name=tpl.REGION)
    created: dict[str, str] = {}

    for logical_id, resource in tpl.resources_of_type(template, "AWS::DynamoDB::Table").items():
        props = tpl.resolve(resource["Properties"], template)
        name = tpl.physical_name(logical_id, resource["Type"])
        ddb.create_table(**_table_kwargs(name, props))
        ttl = props.get("TimeToLiveSpecification")
        if ttl:
            ddb.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={
                    "AttributeName": ttl["AttributeName"],
                    "Enabled": bool(ttl["Enabled"]),
                },
            )
        pitr = props.get("PointInTimeRecoverySpecification")
        if pitr:
            ddb.update_continuous_backups(
                TableName=name,
                PointInTimeRecoverySpecification={
                    "PointInTimeRecoveryEnabled": bool(pitr["PointInTimeRecoveryEnabled"])
                },
            )
        created[logical_id] = name

    for logical_id, resource in tpl.resources_of_type(template, "AWS::S3::Bucket").items():
        props = tpl.resolve(resource.get("Properties") or {}, template)
        name = tpl.physical_name(logical_id, resource["Type"])
        s3.create_bucket(Bucket=name)
        enc = props.get("BucketEncryption")
        if enc:
            rules = [
                {"ApplyServerSideEncryptionByDefault": r["ServerSideEncryptionByDefault"]}
                for r in enc["ServerSideEncryptionConfiguration"]
            ]
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
        pab = props.get("PublicAccessBlockConfiguration")
        if pab:
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=pab)
        versioning = props.get("VersioningConfiguration")
        if versioning:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": versioning["Status"]})
        lifecycle = props.get("LifecycleConfiguration")
        if lifecycle:
            s3.put_bucket_lifecycle_configuration(
                Bucket=name,
                LifecycleConfiguration={"Rules": [_lifecycle_rule(r) for r in lifecycle["Rules"]]},
            )
        # The TLS-only bucket policy is not applied: the local moto endpoint is plain HTTP on loopback.
        created[logical_id] = name
    return created
