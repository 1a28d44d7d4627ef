"""ModelTrainingFunction: one training job per asynchronous invocation (event: tenant, model_id, job_id),
started by POST /v1/models. Its layers carry the training code and onnx; the serving functions' do not."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from common.observability import logger, metrics, tracer
from common.settings import training_settings
from custom_models.registry import ModelFiles, ModelsTableRegistry, TrainingUploads

from .job import Job, Trainer


def trainer() -> Trainer:
    settings = training_settings()
    return Trainer(
        registry=ModelsTableRegistry(settings.models_table),
        uploads=TrainingUploads(settings.staging_bucket),
        files=ModelFiles(settings.models_bucket),
        work_dir=settings.work_dir,
        workers=settings.workers,
        seed=settings.seed,
    )


@logger.inject_lambda_context(log_event=False, clear_state=True)  # the event holds ids only; still not logged
@tracer.capture_lambda_handler(capture_response=False, capture_error=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    job = Job.of(event)
    logger.append_keys(tenant=job.tenant, model_id=job.model_id)
    status = trainer().run(job)
    metrics.add_metric(name=f"Training_{status}", unit="Count", value=1)
    return {"model_id": job.model_id, "status": status}
