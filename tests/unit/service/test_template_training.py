"""template.yaml for custom model training: the training function (asynchronous, its own layers, least
privilege, failures to a queue and alarms), the models table, and what the serving function may do."""

from __future__ import annotations

from codify_cli.local import template as tpl

from tests.unit.service.test_template import _actions, _statements, transformed  # noqa: F401 (fixture)


def test_the_training_function_is_asynchronous_with_no_retry_and_failures_to_a_queue(transformed):  # noqa: F811
    props = tpl.load()["Resources"]["ModelTrainingFunction"]["Properties"]
    from custom_models.schema import TRAINING_MAX_QUEUE_SECONDS, TRAINING_TIMEOUT_SECONDS

    # The limits GET /v1/models/{id} uses to call a job that never reported back failed.
    assert props["Handler"] == "training/app.lambda_handler" and props["Timeout"] == TRAINING_TIMEOUT_SECONDS
    config = props["EventInvokeConfig"]
    assert config["MaximumEventAgeInSeconds"] == TRAINING_MAX_QUEUE_SECONDS
    assert config["MaximumRetryAttempts"] == 0  # deterministic; its data is gone after one attempt
    assert config["DestinationConfig"]["OnFailure"] == {"Type": "SQS",
                                                         "Destination": {"Fn::GetAtt": ["TrainingFailuresQueue", "Arn"]}}  # fmt: skip
    queue = tpl.load()["Resources"]["TrainingFailuresQueue"]["Properties"]
    assert queue["SqsManagedSseEnabled"] is True
    invoke_configs = [r for r in transformed["Resources"].values() if r["Type"] == "AWS::Lambda::EventInvokeConfig"]
    assert len(invoke_configs) == 1
    alarms = tpl.resources_of_type(tpl.load(), "AWS::CloudWatch::Alarm")
    watched = {str(d.get("Value")) for a in alarms.values() for d in a["Properties"].get("Dimensions", [])}
    assert "{'Ref': 'ModelTrainingFunction'}" in watched
    assert "{'Fn::GetAtt': ['TrainingFailuresQueue', 'QueueName']}" in watched


def test_only_the_training_function_carries_the_training_code_and_onnx():
    resources = tpl.load()["Resources"]
    layers = {name: [ly["Ref"] for ly in resources[name]["Properties"]["Layers"]]
              for name in ("CodifyFunction", "HealthFunction", "ModelTrainingFunction")}  # fmt: skip
    assert layers["ModelTrainingFunction"] == ["TrainingDepsLayer", "TrainingCoderLayer"]
    for serving in ("CodifyFunction", "HealthFunction"):
        assert layers[serving] == ["DepsLayer", "CoderLayer"]


def test_the_training_function_is_least_privilege(transformed):  # noqa: F811
    statements = _statements(transformed, "ModelTrainingFunction", {})
    assert _actions(statements) == {
        "dynamodb:GetItem", "dynamodb:UpdateItem", "s3:GetObject", "s3:DeleteObject", "s3:ListBucket",
        "s3:PutObject", "s3:DeleteObjectVersion", "s3:ListBucketVersions", "sqs:SendMessage",
    }  # fmt: skip
    by_sid = {s.get("Sid"): s for s in statements}
    assert by_sid["TrainingUploads"]["Resource"] == {"Fn::Sub": "${StagingBucket.Arn}/tenants/*/training-uploads/*"}
    assert by_sid["ModelFiles"]["Resource"] == {"Fn::Sub": "${ModelsBucket.Arn}/tenants/*/models/*"}


def test_the_serving_function_may_start_training_and_manage_models_but_not_scan_them(transformed):  # noqa: F811
    statements = _statements(transformed, "CodifyFunction", {"OcrOn": False})
    by_sid = {s.get("Sid"): s for s in statements}
    assert by_sid["StartTraining"]["Action"] == ["lambda:InvokeFunction"]
    assert by_sid["StartTraining"]["Resource"] == {"Fn::GetAtt": ["ModelTrainingFunction", "Arn"]}
    assert set(by_sid["ModelsRegistry"]["Action"]) == {"dynamodb:GetItem", "dynamodb:PutItem",
                                                       "dynamodb:DeleteItem", "dynamodb:Query"}  # fmt: skip
    assert "dynamodb:Scan" not in _actions(statements) and "dynamodb:UpdateItem" not in by_sid["ModelsRegistry"]["Action"]


def test_the_models_table_is_keyed_by_tenant_encrypted_and_recoverable():
    props = tpl.load()["Resources"]["ModelsTable"]["Properties"]
    assert [k["AttributeName"] for k in props["KeySchema"]] == ["tenant", "model_id"]
    assert props["SSESpecification"] == {"SSEEnabled": True}
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
