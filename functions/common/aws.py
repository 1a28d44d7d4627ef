"""boto3 clients, created once per container.

Endpoints and region come from boto3's own configuration (AWS_REGION, AWS_ENDPOINT_URL), which is how
`codify serve` and the tests point the same code at moto.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import DynamoDBServiceResource  # noqa: F401

_CONFIG = Config(
    retries={"max_attempts": 3, "mode": "standard"},
    connect_timeout=3,
    read_timeout=10,
    signature_version="s3v4",
)


@cache
def dynamodb() -> Any:
    """The DynamoDB resource (tables by name)."""
    return boto3.resource("dynamodb", config=_CONFIG)


@cache
def dynamodb_client() -> Any:
    return boto3.client("dynamodb", config=_CONFIG)


@cache
def s3() -> Any:
    return boto3.client("s3", config=_CONFIG)


@cache
def textract() -> Any:
    return boto3.client("textract", config=_CONFIG)


@cache
def lambda_client() -> Any:
    """Starts the training function (asynchronous invocation)."""
    return boto3.client("lambda", config=_CONFIG)


def reset() -> None:
    """Forget the clients (tests switch moto on and off)."""
    textract.cache_clear()
    lambda_client.cache_clear()
    dynamodb.cache_clear()
    dynamodb_client.cache_clear()
    s3.cache_clear()
