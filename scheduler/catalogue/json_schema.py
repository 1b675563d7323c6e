"""The JSON Schema of `jobs.yaml` that `sched schema` publishes for editors and CI.

Draft-07, which the Red Hat YAML language server (VS Code, and editors on its server) fully
supports, unlike 2020-12: `definitions` instead of `$defs`, and no keyword beside a `$ref` (draft-07
ignores it, so each description is kept with an `allOf` around the reference).
"""

from __future__ import annotations

from typing import Any

from scheduler import PROJECT_URL, __version__
from scheduler.catalogue.schema import CatalogueSpec

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
SCHEMA_ID = f"{PROJECT_URL}/schema/{__version__}/jobs.schema.json"
EXTENSION_KEYS = "^x-"
"""Top-level keys the loader leaves alone, for the YAML anchors jobs share (as in Compose)."""


def catalogue_schema() -> dict[str, Any]:
    """The schema document: every key described (an editor's hover text), unknown keys refused."""
    body = CatalogueSpec.model_json_schema(ref_template="#/definitions/{model}")
    definitions = body.pop("$defs", {})
    body["patternProperties"] = {
        EXTENSION_KEYS: {
            "description": "free for YAML anchors that jobs share: x-base: &base {...}, then "
            "<<: *base in a job"
        }
    }
    document = {
        "$schema": DRAFT_07,
        "$id": SCHEMA_ID,
        **body,
        "title": "sched catalogue (jobs.yaml)",
        "description": "Scheduled jobs for sched: what runs when, and what the jobs share. "
        "Only these keys, plus x-* keys for anchors; sched validate checks the rest.",
        "definitions": definitions,
    }
    result: dict[str, Any] = _draft_07(document)
    return result


def _draft_07(node: Any) -> Any:
    if isinstance(node, list):
        return [_draft_07(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _draft_07(value) for key, value in node.items()}
    if "$ref" in converted and len(converted) > 1:
        reference = converted.pop("$ref")
        converted["allOf"] = [{"$ref": reference}]
    return converted
