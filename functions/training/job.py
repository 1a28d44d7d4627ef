"""One training job: the tenant's training upload -> checked -> a model in the ModelsBucket -> its status.

The upload is PHI: it is read into a private temporary folder, never logged, and deleted (from S3 and from
disk) when the job ends, whatever the outcome. Logs carry sizes, counts, timings and the failure's rule.
"""

from __future__ import annotations

import inspect
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common.ids import now_iso
from common.observability import logger
from custom_models.registry import (
    ModelFiles,
    ModelsTableRegistry,
    TrainingUploads,
    code_system_of,
    metrics_of,
)
from custom_models.validate import TrainingDataInvalid, check_training_data


@dataclass(frozen=True)
class Job:
    tenant: str
    model_id: str
    job_id: str

    @classmethod
    def of(cls, event: dict[str, Any]) -> Job:
        return cls(str(event["tenant"]), str(event["model_id"]), str(event["job_id"]))


@dataclass
class Trainer:
    registry: ModelsTableRegistry
    uploads: TrainingUploads
    files: ModelFiles
    work_dir: str = "/tmp"
    workers: int = 1
    seed: int = 0

    def run(self, job: Job) -> str:
        """Returns the status written: ready, failed, or gone (the model was deleted while training)."""
        item = self.registry.get(job.tenant, job.model_id)
        if item is None or item.get("job_id") != job.job_id:
            logger.info("training job has no model any more", extra={"model_id": job.model_id})
            return "gone"
        upload_id = str(item["training_upload_id"])
        started = time.perf_counter()
        self.registry.finish(job.tenant, job.model_id, job.job_id, {"started_at": now_iso()})
        folder = Path(tempfile.mkdtemp(prefix="codify-training-", dir=self.work_dir))
        try:
            return self._train(job, item, upload_id, folder, started)
        except Exception as exc:
            logger.error("training failed", extra={"model_id": job.model_id, "error_type": type(exc).__name__})
            self._finish(job, "failed", failure={"code": "internal_error",
                         "message": "Training failed unexpectedly; try again, or contact the operator."})  # fmt: skip
            raise  # the invocation fails: the function's error alarm and on-failure destination see it
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            try:
                self.uploads.delete(job.tenant, upload_id)
            except Exception as exc:  # noqa: BLE001 (the bucket's lifecycle rule expires it anyway)
                logger.error("training upload delete failed", extra={"error_type": type(exc).__name__})

    def _train(self, job: Job, item: dict[str, Any], upload_id: str, folder: Path, started: float) -> str:
        from codify_coder.pipeline import ASSETS_DIR
        from codify_coder.terminology import Terminology
        from codify_coder.training.custom import custom_config
        from codify_coder.training.train import DataError, train

        data = folder / "training.jsonl"  # the name DataError messages quote, never the client's file name
        if not self.uploads.download(job.tenant, upload_id, data):
            return self._failed(job, "upload_not_found", "The training upload is gone (uploads expire); upload it "
                                "again and POST /v1/models again.")  # fmt: skip
        size = data.stat().st_size
        terminology = Terminology.load(ASSETS_DIR / "terminology")
        allow_unknown = item.get("code_system_requested") == "training_data"
        try:
            with data.open("rb") as fh:
                report = check_training_data(fh, known=terminology.__contains__, allow_unknown_codes=allow_unknown)
        except TrainingDataInvalid as exc:
            logger.info("training data refused", extra={"model_id": job.model_id, "rule": exc.code, "bytes": size})
            return self._failed(job, exc.code, exc.message, exc.line)
        kwargs: dict[str, Any] = {}
        # Declaring the training data's own code set is the coder's (codify_coder.training); passed where the
        # installed coder takes it, so this job runs with the coder before and after it learns to.
        if allow_unknown and "code_system" in inspect.signature(train).parameters:
            kwargs["code_system"] = "training_data"
            if "extend_code_set" in inspect.signature(train).parameters:
                kwargs["extend_code_set"] = str(item.get("extend_code_set") or "auto")
        out = folder / "model"
        try:
            manifest = train(data, out, job.model_id, language=str(item.get("language") or "auto"),
                             config=custom_config(seed=self.seed), workers=self.workers, **kwargs)  # fmt: skip
        except DataError as exc:  # its messages name the line and the rule, never the note's text
            return self._failed(job, "invalid_training_data", str(exc))
        except ValueError as exc:
            if "no positive training candidates" not in str(exc):
                raise
            return self._failed(job, "no_learnable_codes", "No code of the training data was found in its notes "
                                "by the coder's candidates: there is nothing to learn from.")  # fmt: skip
        self.files.publish(job.tenant, job.model_id, out)
        warnings = []
        if report.unknown_codes:
            warnings.append(f"{len(report.unknown_codes)} codes are not ICD-10-CM FY2026 codes "
                            f"(e.g. {', '.join(sorted(report.unknown_codes)[:5])}); kept as the center's own")  # fmt: skip
        metrics = metrics_of(manifest)
        finished = self._finish(
            job, "ready", version=manifest.get("version"), sha256=manifest.get("sha256"),
            notes=report.notes, codes=len(report.codes),
            metrics=metrics.model_dump() if metrics else None,
            code_system=code_system_of(manifest), terminology=code_system_of({"terminology": manifest.get("terminology")}),
            warnings=warnings or None, training_seconds=round(time.perf_counter() - started, 1),
        )  # fmt: skip
        if not finished:  # deleted while training: its files must not outlive it
            self.files.delete(job.tenant, job.model_id)
            return "gone"
        logger.info("model trained", extra={"model_id": job.model_id, "notes": report.notes,
                    "codes": len(report.codes), "bytes": size, "seconds": round(time.perf_counter() - started, 1)})  # fmt: skip
        return "ready"

    def _failed(self, job: Job, code: str, message: str, line: int | None = None) -> str:
        self._finish(job, "failed", failure={"code": code, "message": message, "line": line})
        return "failed"

    def _finish(self, job: Job, status: str, **fields: Any) -> bool:
        fields = {"status": status, "updated_at": now_iso(), **fields}
        if isinstance(fields.get("failure"), dict):
            fields["failure"] = {k: v for k, v in fields["failure"].items() if v is not None}
        return self.registry.finish(job.tenant, job.model_id, job.job_id, fields)
