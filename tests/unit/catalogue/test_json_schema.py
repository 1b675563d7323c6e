"""`sched schema`: a draft-07 schema that every example catalogue passes and bad ones fail.

Checked with `jsonschema`'s Draft7Validator, the dialect the Red Hat YAML language server reads.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from scheduler import limits
from scheduler.catalogue.json_schema import DRAFT_07, catalogue_schema

ROOT = Path(__file__).parent.parent.parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SCHEMA = catalogue_schema()
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)


class _EditorLoader(yaml.SafeLoader):
    """YAML as editors read it against the schema (YAML 1.2's core schema, as the YAML language
    server does): an unquoted 2027-01-01T09:00:00 is a string, not PyYAML's datetime."""


_EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _load(text: str) -> object:
    return yaml.load(text, Loader=_EditorLoader)


README_YAML = re.findall(r"```yaml\n(.*?)```", (ROOT / "README.md").read_text(), re.S)


def _catalogue_examples() -> list[tuple[str, Any]]:
    """The README's yaml blocks that are catalogues (a fragment gets a name), and jobs.yaml.
    Left out: local-data.yaml's block (no catalogue key) and the GitHub workflow (`on:`)."""
    keys = set(SCHEMA["properties"])
    found = [("jobs.yaml", _load((ROOT / "jobs.yaml").read_text()))]
    for number, block in enumerate(README_YAML):
        data = _load(block)
        if not isinstance(data, dict) or True in data or not keys & set(data):
            continue
        found.append((f"README block {number}", {"catalogue": "acme-ops", **data}))
    return found


EXAMPLES = _catalogue_examples()


def _errors(data: object) -> list[str]:
    return sorted(error.message for error in VALIDATOR.iter_errors(data))


def test_the_schema_is_valid_draft_07_with_an_id() -> None:
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == DRAFT_07
    assert SCHEMA["$id"].endswith("/jobs.schema.json")
    text = repr(SCHEMA)
    for newer in ("$defs", "prefixItems", "unevaluated", "dependentRequired", "$dynamicRef"):
        assert newer not in text


def test_the_readme_has_catalogue_examples_to_check() -> None:
    assert len(EXAMPLES) >= 4  # jobs.yaml, the catalogue, alerts, ignore, x- anchors


@pytest.mark.parametrize(("name", "data"), EXAMPLES, ids=[name for name, _ in EXAMPLES])
def test_every_example_catalogue_passes_the_schema(name: str, data: object) -> None:
    assert _errors(data) == []


PASSING = sorted((FIXTURES / "rules").glob("SCH*.pass.yaml"))


@pytest.mark.parametrize("path", PASSING, ids=lambda p: p.name)
def test_every_passing_rule_fixture_passes_the_schema(path: Path) -> None:
    assert _errors(_load(path.read_text())) == []


def test_x_keys_hold_anchors_and_other_unknown_top_level_keys_fail() -> None:
    text = (
        "catalogue: fx\nx-base: &base {schedule: rate(1 hour), expected_runtime: 1m}\n"
        "jobs:\n  a: {<<: *base, function: arn:aws:lambda:eu-west-1:123456789012:function:f}\n"
    )
    assert _errors(_load(text)) == []
    assert _errors({"catalogue": "fx", "y-base": {}}) == [
        "'y-base' does not match any of the regexes: '^x-'"
    ]


JOB = {"schedule": "rate(1 hour)", "expected_runtime": "1m", "handler": "jobs/a.py:main"}
INVALID = {
    "unknown job key": {"jobs": {"a": {**JOB, "timout": "5m"}}},
    "memory below Lambda's 128": {"jobs": {"a": {**JOB, "memory": 64}}},
    "memory above Lambda's 10240": {"defaults": {"memory": 10241}},
    "memory as text": {"jobs": {"a": {**JOB, "memory": "256"}}},
    "unknown runtime": {"jobs": {"a": {**JOB, "runtime": "python3.99"}}},
    "unknown backend": {"defaults": {"backend": "cron"}},
    "no schedule": {"jobs": {"a": {"expected_runtime": "1m"}}},
    "ignore with a code that is no code": {"ignore": {"overlap": "deliberate"}},
    "ignore as a list": {"jobs": {"a": {**JOB, "ignore": ["SCH108"]}}},
    "no catalogue name": {"catalogue": None},
}


@pytest.mark.parametrize("data", INVALID.values(), ids=INVALID.keys())
def test_invalid_catalogues_fail_the_schema(data: dict[str, Any]) -> None:
    document = {"catalogue": "fx", **data}
    if document["catalogue"] is None:
        del document["catalogue"]
    assert _errors(document) != []


def test_memory_is_bounded_and_runtime_listed_from_limits() -> None:
    job = SCHEMA["definitions"]["JobSpec"]["properties"]
    [memory, _] = job["memory"]["anyOf"]
    assert (memory["minimum"], memory["maximum"]) == (
        limits.LAMBDA_MIN_MEMORY_MB,
        limits.LAMBDA_MAX_MEMORY_MB,
    )
    [runtime, _] = job["runtime"]["anyOf"]
    assert runtime["enum"] == list(limits.LAMBDA_RUNTIMES)


def _properties(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    models = [("(top level)", schema), *schema["definitions"].items()]
    return [
        (model, key, value)
        for model, body in models
        for key, value in body.get("properties", {}).items()
    ]


def test_every_key_has_a_description_for_an_editors_hover() -> None:
    missing = [
        f"{model}.{key}"
        for model, key, value in _properties(SCHEMA)
        if not value.get("description")
    ]
    assert missing == []


def test_no_description_sits_beside_a_ref_where_draft_07_would_ignore_it() -> None:
    def walk(node: object) -> list[dict[str, Any]]:
        if isinstance(node, list):
            return [found for item in node for found in walk(item)]
        if not isinstance(node, dict):
            return []
        own = [node] if "$ref" in node and len(node) > 1 else []
        return own + [found for value in node.values() for found in walk(value)]

    assert walk(SCHEMA) == []


def test_durations_are_text_with_no_iso_only_format() -> None:
    timeout = SCHEMA["definitions"]["JobSpec"]["properties"]["timeout"]["anyOf"][0]
    assert timeout == {"examples": ["90s", "5m", "1h30m", "PT5M"], "type": "string"}
    assert _errors({"catalogue": "fx", "jobs": {"a": {**JOB, "timeout": "1h30m"}}}) == []
