"""boto3 clients, created once per container.

Endpoints and region come from boto3's own configuration (AWS_REGION, AWS_ENDPOINT_URL), which is how
`codify serve` and the tests point the same code at moto.

Time: every client checks the request's deadline before each attempt (common.deadline.guard_aws_call), so
retries stop when the request's time is up, and each attempt is bounded by short connect/read timeouts:
DynamoDB answers in milliseconds (1 s + 2 s), S3 streams up to 5 MB (2 s + 5 s between reads), Textract's
synchronous call reads a page (2 s + 10 s).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from .deadline import guard_aws_call

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import DynamoDBServiceResource  # noqa: F401


def _config(connect: float, read: float) -> Config:
    return Config(
        retries={"max_attempts": 3, "mode": "standard"},
        connect_timeout=connect,
        read_timeout=read,
        signature_version="s3v4",
    )


_DYNAMODB = _config(1, 2)
_S3 = _config(2, 5)
_TEXTRACT = _config(2, 10)
_LAMBDA = _config(2, 5)  # an asynchronous Invoke answers 202 at once


def _guarded(client: Any) -> Any:
    # First, so that no other before-send handler (moto's, in tests) sends a request past the deadline.
    client.meta.events.register_first("before-send", guard_aws_call)
    return client


@cache
def dynamodb() -> Any:
    """The DynamoDB resource (tables by name)."""
    resource = boto3.resource("dynamodb", config=_DYNAMODB)
    _guarded(resource.meta.client)
    return resource


@cache
def dynamodb_client() -> Any:
    return _guarded(boto3.client("dynamodb", config=_DYNAMODB))


@cache
def s3() -> Any:
    return _guarded(boto3.client("s3", config=_S3))


@cache
def textract() -> Any:
    return _guarded(boto3.client("textract", config=_TEXTRACT))


@cache
def lambda_client() -> Any:
    """Starts the training function (asynchronous invocation)."""
    return _guarded(boto3.client("lambda", config=_LAMBDA))


def reset() -> None:
    """Forget the clients (tests switch moto on and off)."""
    textract.cache_clear()
    lambda_client.cache_clear()
    dynamodb.cache_clear()
    dynamodb_client.cache_clear()
    s3.cache_clear()
