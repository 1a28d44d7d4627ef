"""The API response body of the design, from a CodingResult: shared by the service and `codify code`."""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from typing import Any

from .types import CodingResult, Document


def input_summary(document: Document, language: str) -> dict[str, Any]:
    return {
        "type": document.type,
        "language": language,
        "characters": len(document.text),
        "pages": len(document.pages) if document.pages else (1 if document.type == "pdf" else None),
        "sha256": hashlib.sha256(document.text.encode("utf-8")).hexdigest(),
    }


def response_body(result: CodingResult, document: Document, *, run_id: str, created_at: str) -> dict[str, Any]:
    analysis = asdict(result.analysis)
    analysis["warnings"] = list(result.analysis.warnings)
    return {
        "run_id": run_id,
        "created_at": created_at,
        "model": asdict(result.model),
        "input": input_summary(document, result.language),
        "final_assessments": [_assessment(asdict(a)) for a in result.final_assessments],
        "discarded_assessments": [_assessment(asdict(d)) for d in result.discarded_assessments],
        "analysis": analysis,
    }


def _assessment(item: dict[str, Any]) -> dict[str, Any]:
    item["evidence"] = [dict(e) for e in item["evidence"]]
    return item
