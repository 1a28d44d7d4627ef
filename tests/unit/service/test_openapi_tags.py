"""The Swagger page lists tag groups in the order of the document's top-level `tags`: codify first."""

from __future__ import annotations

# Imported at collection, like the other handler imports here: aws_xray_sdk opens its UDP socket on
# import, before the tests' socket guard is on.
from codify.app import openapi_document


def test_codify_is_the_first_tag_and_every_used_tag_is_declared():
    doc = openapi_document()
    declared = [tag["name"] for tag in doc["tags"]]
    assert declared[0] == "codify"
    used = {t for item in doc["paths"].values() for op in item.values() for t in op.get("tags", [])}
    # A tag missing from the list would be shown after the declared ones, in path order.
    assert used == set(declared) == {"codify", "uploads", "runs", "models", "health"}
    assert doc["paths"]["/v1/codify"]["post"]["tags"] == ["codify"]
