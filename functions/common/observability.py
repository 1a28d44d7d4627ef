"""Powertools Logger, Metrics and Tracer shared by the handlers.

Service name, log level, metrics namespace and tracing switches come from Powertools' own environment
variables (POWERTOOLS_*), set in template.yaml Globals. Nothing here ever receives note text or tokens:
callers log sizes, hashes, counts and timings only.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer

METRICS_NAMESPACE = "Codify"

logger = Logger()
# The namespace is fixed in code: Metrics reads its environment once, at import, and a module imported
# before the environment is set (a test collection, a REPL) must still be able to flush.
metrics = Metrics(namespace=METRICS_NAMESPACE)
tracer = Tracer()
