"""`codify models push DIR --tenant T`: publish a model trained offline (`codify train`) for a tenant.

The model is checked first (it must load: manifest, sha256, feature schema), then its files go to
ModelsBucket under tenants/{tenant}/models/{id}/ and a `ready` item to ModelsTable, as a model trained
through POST /v1/models would. Bucket and table: --bucket/--table, else $CODIFY_MODELS_BUCKET and
$CODIFY_MODELS_TABLE, else the moto server of a running `codify serve`.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

from ._common import ASSET, USAGE, CliError, add_format, emit


def register(subparsers) -> None:
    p = subparsers.add_parser("models", help="publish custom models trained offline")
    sub = p.add_subparsers(dest="models_command", required=True, metavar="ACTION", help="push")
    push = sub.add_parser("push", help="upload a `codify train` output directory as a tenant's model")
    push.add_argument("dir", type=Path, help="the model directory (model.onnx + manifest.json)")
    push.add_argument("--tenant", required=True, help="the tenant whose clients select it")
    push.add_argument("--id", dest="model_id", default=None, help="model id (default: the manifest's model_id)")
    push.add_argument("--bucket", default=os.environ.get("CODIFY_MODELS_BUCKET"),
                      help="ModelsBucket (stack output ModelsBucketName); default: the local `codify serve`")  # fmt: skip
    push.add_argument("--table", default=os.environ.get("CODIFY_MODELS_TABLE"),
                      help="ModelsTable (stack output ModelsTableName); default: the local `codify serve`")  # fmt: skip
    push.add_argument("--endpoint-url", default=None, help="S3/DynamoDB endpoint (moto)")
    push.add_argument("--region", default=None, help="AWS region (default: boto3's configuration)")
    add_format(push, "table", "table: one line; json/jsonl: the model's id, tenant, version and location")
    push.set_defaults(func=push_model)


def _targets(args) -> tuple[str, str, str | None, str | None]:
    bucket, table, endpoint, region = args.bucket, args.table, args.endpoint_url, args.region
    if bucket and table:
        return bucket, table, endpoint, region
    from codify_cli.local import stack as local_stack
    from codify_cli.local import template as tpl

    state = local_stack.read_state()
    if not state:
        raise CliError("no --bucket/--table and no running `codify serve` (.codify/serve.json)", USAGE)
    env = tpl.function_environment("CodifyFunction")
    for key, value in local_stack.LOCAL_CREDENTIALS.items():
        os.environ.setdefault(key, value)
    print(f"codify models: using the local server's bucket and table at {state['endpoint_url']}", file=sys.stderr)
    return env["MODELS_BUCKET"], env["MODELS_TABLE"], endpoint or state["endpoint_url"], region or tpl.REGION


def push_model(args) -> int:
    import boto3
    from codify_coder.score import ModelLoadError, Scorer
    from common.ids import now_iso
    from custom_models.registry import SSE, code_system_of, metrics_of, model_files, model_prefix
    from custom_models.schema import MODEL_ID_PATTERN

    try:
        scorer = Scorer.load(args.dir)
    except ModelLoadError as exc:
        raise CliError(f"{args.dir}: {exc}", ASSET) from None
    manifest = json.loads((args.dir / "manifest.json").read_text(encoding="utf-8"))
    model_id = args.model_id or scorer.model_id
    if not re.match(MODEL_ID_PATTERN, model_id) or model_id == "default":
        raise CliError("model id: 1-64 of [A-Za-z0-9._-], starting alphanumeric, and not 'default'", USAGE)
    bucket, table, endpoint, region = _targets(args)
    session = boto3.session.Session(region_name=region)
    s3 = session.client("s3", endpoint_url=endpoint)
    prefix = model_prefix(args.tenant, model_id)
    for name in model_files(args.dir):  # the manifest last, as the training function publishes
        s3.upload_file(str(args.dir / name), bucket, prefix + name, ExtraArgs={"ServerSideEncryption": SSE})
    metrics = metrics_of(manifest)
    training = manifest.get("training_data") if isinstance(manifest.get("training_data"), dict) else {}
    now = now_iso()
    item = {
        "tenant": args.tenant, "model_id": model_id, "status": "ready", "job_id": "push", "source": "push",
        "created_at": now, "updated_at": now, "version": scorer.version, "sha256": manifest.get("sha256"),
        "code_system": code_system_of(manifest), "description": manifest.get("description"),
        "notes": training.get("notes"), "codes": len(manifest.get("label_set") or []) or None,
        "metrics": metrics.model_dump() if metrics else None,
    }  # fmt: skip
    from custom_models import registry

    resource = session.resource("dynamodb", endpoint_url=endpoint)
    resource.Table(table).put_item(Item=registry._clean(item))
    out = {"id": model_id, "tenant": args.tenant, "version": scorer.version, "location": f"s3://{bucket}/{prefix}"}
    emit(args.format, [out], lambda r: [f"pushed {r['id']} {r['version']} for tenant {r['tenant']} to {r['location']}"],
         single=True)  # fmt: skip
    return 0
