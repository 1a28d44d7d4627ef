"""template.yaml as data: CloudFormation tags, intrinsic functions, routes, function environments.

A ten-line YAML loader for the CFN short tags (!Ref, !Sub, !GetAtt…) is enough here and keeps
`codify serve` from importing aws-sam-cli; the template tests check the same file with the real tools.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[3]
TEMPLATE_PATH = REPO_ROOT / "template.yaml"
LOCAL_PREFIX = "codify-local"
REGION = "us-east-1"
ACCOUNT = "123456789012"
API_ID = "local"


class _CfnLoader(yaml.SafeLoader):
    pass


def _cfn_tag(loader: yaml.Loader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_CfnLoader.add_multi_constructor("!", _cfn_tag)


@cache
def load(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_CfnLoader)


def physical_name(logical_id: str, resource_type: str) -> str:
    """Local names: buckets must be lower case; tables keep the logical id for readability."""
    if resource_type == "AWS::S3::Bucket":
        return f"{LOCAL_PREFIX}-{logical_id.lower()}"
    return f"{LOCAL_PREFIX}-{logical_id}"


def references(template: dict[str, Any]) -> dict[str, Any]:
    """What !Ref resolves to locally: parameter defaults and local physical names."""
    refs: dict[str, Any] = {
        "AWS::Region": REGION,
        "AWS::AccountId": ACCOUNT,
        "AWS::StackName": LOCAL_PREFIX,
        "AWS::Partition": "aws",
    }
    for name, param in (template.get("Parameters") or {}).items():
        refs[name] = param.get("Default")
    for logical_id, resource in (template.get("Resources") or {}).items():
        refs[logical_id] = physical_name(logical_id, resource["Type"])
    return refs


def _arn(template: dict[str, Any], logical_id: str) -> str:
    rtype = template["Resources"][logical_id]["Type"]
    name = physical_name(logical_id, rtype)
    if rtype == "AWS::S3::Bucket":
        return f"arn:aws:s3:::{name}"
    if rtype == "AWS::DynamoDB::Table":
        return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"
    return f"arn:aws:local:{REGION}:{ACCOUNT}:{name}"


def resolve(value: Any, template: dict[str, Any]) -> Any:
    refs = references(template)
    if isinstance(value, list):
        return [resolve(v, template) for v in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"}:
        return refs[value["Ref"]]
    if set(value) == {"Fn::GetAtt"}:
        logical_id, attribute = value["Fn::GetAtt"]
        return _arn(template, logical_id) if attribute == "Arn" else refs[logical_id]
    if set(value) == {"Fn::Sub"}:
        text = value["Fn::Sub"]

        def sub(match: re.Match[str]) -> str:
            name = match.group(1)
            if "." in name:
                return str(resolve({"Fn::GetAtt": name.split(".", 1)}, template))
            return str(refs[name])

        return re.sub(r"\$\{([^}!]+)\}", sub, text)
    return {k: resolve(v, template) for k, v in value.items()}


def resources_of_type(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == resource_type}


@dataclass(frozen=True)
class Route:
    method: str  # upper case
    path: str  # "/v1/runs/{run_id}"
    function: str  # logical id
    handler: str  # "codify/app.lambda_handler"
    authorized: bool

    @property
    def regex(self) -> re.Pattern[str]:
        return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.path)) + "$")


def routes(template: dict[str, Any] | None = None) -> list[Route]:
    template = template or load()
    out: list[Route] = []
    for logical_id, fn in resources_of_type(template, "AWS::Serverless::Function").items():
        props = fn["Properties"]
        for event in (props.get("Events") or {}).values():
            if event.get("Type") != "Api":
                continue
            ep = event["Properties"]
            auth = (ep.get("Auth") or {}).get("Authorizer")
            out.append(Route(ep["Method"].upper(), ep["Path"], logical_id, props["Handler"], auth != "NONE"))
    return out


def authorizer_handler(template: dict[str, Any] | None = None) -> str:
    template = template or load()
    api = next(iter(resources_of_type(template, "AWS::Serverless::Api").values()))
    auth = api["Properties"]["Auth"]
    function_arn = auth["Authorizers"][auth["DefaultAuthorizer"]]["FunctionArn"]
    logical_id = function_arn["Fn::GetAtt"][0]
    return template["Resources"][logical_id]["Properties"]["Handler"]


def authorizer_identity(template: dict[str, Any] | None = None) -> dict[str, Any]:
    """The authorizer's Identity block (header, validation expression, cache TTL)."""
    template = template or load()
    api = next(iter(resources_of_type(template, "AWS::Serverless::Api").values()))
    auth = api["Properties"]["Auth"]
    return auth["Authorizers"][auth["DefaultAuthorizer"]].get("Identity", {})


def stage(template: dict[str, Any] | None = None) -> str:
    template = template or load()
    api = next(iter(resources_of_type(template, "AWS::Serverless::Api").values()))
    return str(resolve(api["Properties"]["StageName"], template))


def gateway_responses(template: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    template = template or load()
    api = next(iter(resources_of_type(template, "AWS::Serverless::Api").values()))
    return api["Properties"].get("GatewayResponses") or {}


def function_environment(logical_id: str, template: dict[str, Any] | None = None) -> dict[str, str]:
    """Globals + the function's own variables, with references resolved to the local resources."""
    template = template or load()
    env: dict[str, Any] = {}
    env.update(
        ((template.get("Globals") or {}).get("Function") or {}).get("Environment", {}).get("Variables", {})
    )
    props = template["Resources"][logical_id]["Properties"]
    env.update((props.get("Environment") or {}).get("Variables", {}))
    return {k: str(resolve(v, template)) for k, v in env.items()}


def all_functions_environment(template: dict[str, Any] | None = None) -> dict[str, str]:
    """The union of every function's environment (the local front runs them in one process)."""
    template = template or load()
    env: dict[str, str] = {}
    for logical_id in resources_of_type(template, "AWS::Serverless::Function"):
        env.update(function_environment(logical_id, template))
    return env


def usage_plan(template: dict[str, Any] | None = None) -> dict[str, float]:
    """The API's per-tenant usage plan (Auth.UsagePlan), parameters resolved to their defaults:
    {"rate": …, "burst": …, "daily_quota": …}."""
    template = template or load()
    api = next(iter(resources_of_type(template, "AWS::Serverless::Api").values()))
    plan = resolve(api["Properties"]["Auth"]["UsagePlan"], template)
    return {
        "rate": float(plan["Throttle"]["RateLimit"]),
        "burst": int(plan["Throttle"]["BurstLimit"]),
        "daily_quota": int(plan["Quota"]["Limit"]),
    }


def function_timeout(logical_id: str, template: dict[str, Any] | None = None) -> float:
    """The function's Timeout (its own, else the Globals'), in seconds; Lambda's default is 3."""
    template = template or load()
    props = template["Resources"][logical_id]["Properties"]
    glob = (template.get("Globals") or {}).get("Function") or {}
    return float(props.get("Timeout", glob.get("Timeout", 3)))
