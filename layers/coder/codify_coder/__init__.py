"""Codify's coder: ICD-10-CM FY2026 codes from clinical notes. Pure Python; no AWS, no Lambda types."""

from .types import CodeOptions, CodingResult, Document  # noqa: F401
