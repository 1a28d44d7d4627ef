"""Codify's coder: ICD-10-CM FY2026 codes from clinical notes. Pure Python; no AWS, no Lambda types."""

from .types import CodeOptions, CodingResult, Document  # noqa: F401


def load_coder(*args, **kwargs):
    """Import lazily so `import codify_coder` stays cheap for tools that only need the types."""
    from .pipeline import Coder

    return Coder.load(*args, **kwargs)
