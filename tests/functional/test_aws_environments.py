"""Two environments of one catalogue in one account, against moto: each is a scope of its own
(its names, its `sched:environment` tag), so they deploy side by side, a change to one
environment's override is planned in that environment only, and destroying or pruning one
leaves the other as it is."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from aws_support import ACCOUNT, REGION, write_catalogue

from scheduler import naming
from scheduler.app import deploy
from scheduler.app.rename import find_old_scopes, plan_prune
from scheduler.apply import apply_plan
from scheduler.aws import AwsContext
from scheduler.catalogue.loader import load
from scheduler.catalogue.model import Catalogue
from scheduler.plan import Action
from scheduler.scopes import Scope

NOW = datetime(2026, 12, 2, tzinfo=UTC)
TEXT = f"""\
catalogue: acme
environments:
  dev: {{account: "{ACCOUNT}", region: {REGION}}}
  prod:
    account: "{ACCOUNT}"
    region: {REGION}
    jobs:
      backup: {{memory: 1024}}
jobs:
  backup:
    schedule: rate(1 hour)
    expected_runtime: 1m
    handler: jobs/backup/handler.py:main
  export:
    schedule: rate(1 day)
    expected_runtime: 1m
    handler: jobs/export/handler.py:main
    backend: scheduler
    environments: [prod]
"""
WITHOUT_ENVIRONMENTS = """\
catalogue: acme
jobs:
  backup:
    schedule: rate(1 hour)
    expected_runtime: 1m
    handler: jobs/backup/handler.py:main
"""


def _catalogue(path: Path, environment: str | None) -> Catalogue:
    loaded = load(path, environment)
    assert loaded.catalogue is not None and not loaded.diagnostics, loaded.diagnostics
    return loaded.catalogue


def _apply(aws: AwsContext, catalogue: Catalogue, *, destroy: bool = False) -> None:
    planned = deploy.plan(catalogue, aws, destroy=destroy, now=NOW)
    result = apply_plan(planned.plan, aws.writer)
    assert result.ok, [(f.change.key, repr(f.error)) for f in result.failed] or result


def _pending(aws: AwsContext, catalogue: Catalogue) -> list[tuple[str, str, str]]:
    plan = deploy.plan(catalogue, aws, now=NOW).plan
    return [(c.action.value, c.key[0].value, c.key[1]) for c in plan.pending]


def _functions(aws: AwsContext) -> dict[str, int]:
    client = aws.session.client("lambda")
    listed = client.list_functions()["Functions"]
    return {
        f["FunctionName"]: f["MemorySize"] for f in listed if f["FunctionName"] != "legacy-thing"
    }


def test_two_environments_in_one_account_deploy_side_by_side(
    aws: AwsContext, tmp_path: Path
) -> None:
    path = write_catalogue(tmp_path, TEXT)
    dev, prod = _catalogue(path, "dev"), _catalogue(path, "prod")
    _apply(aws, dev)
    _apply(aws, prod)

    assert _functions(aws) == {
        "acme-dev-backup": 256,
        "acme-prod-backup": 1024,
        "acme-prod-export": 256,
    }
    arn = naming.function_arn(REGION, ACCOUNT, "acme-prod-backup")
    tags = aws.session.client("lambda").list_tags(Resource=arn)["Tags"]
    assert {k: v for k, v in tags.items() if k != naming.TAG_KEYS_TAG} == {
        "managed-by": "sched",
        "sched:catalogue": "acme",
        "sched:environment": "prod",
        "sched:job": "backup",
    }
    assert _pending(aws, dev) == []
    assert _pending(aws, prod) == []


def _both_applied(aws: AwsContext, root: Path) -> Path:
    path = write_catalogue(root, TEXT)
    for environment in ("dev", "prod"):
        _apply(aws, _catalogue(path, environment))
    return path


def test_a_change_to_prods_override_is_planned_in_prod_only(
    aws: AwsContext, tmp_path: Path
) -> None:
    path = _both_applied(aws, tmp_path)
    path.write_text(TEXT.replace("backup: {memory: 1024}", "backup: {memory: 2048}"))

    assert _pending(aws, _catalogue(path, "dev")) == []
    assert _pending(aws, _catalogue(path, "prod")) == [("update", "function", "acme-prod-backup")]


def test_destroying_one_environment_leaves_the_other(aws: AwsContext, tmp_path: Path) -> None:
    path = _both_applied(aws, tmp_path)
    dev, prod = _catalogue(path, "dev"), _catalogue(path, "prod")

    planned = deploy.plan(dev, aws, destroy=True, now=NOW)
    doomed = {c.key[1] for c in planned.plan.pending if c.action is Action.DELETE}
    assert doomed and all(name.startswith("acme-dev") for name in doomed)
    assert apply_plan(planned.plan, aws.writer).ok

    assert _functions(aws) == {"acme-prod-backup": 1024, "acme-prod-export": 256}
    assert _pending(aws, prod) == []


def test_pruning_one_environment_scope_deletes_nothing_of_another(
    aws: AwsContext, tmp_path: Path
) -> None:
    path = _both_applied(aws, tmp_path)

    planned = plan_prune(Scope("acme", "dev"), aws, path, now=NOW)
    doomed = {c.key[1] for c in planned.plan.pending}
    assert doomed and all(name.startswith("acme-dev") for name in doomed)
    assert apply_plan(planned.plan, aws.writer).ok
    assert set(_functions(aws)) == {"acme-prod-backup", "acme-prod-export"}
    # the catalogue without an environment owns nothing of either
    assert plan_prune(Scope("acme"), aws, path, now=NOW).plan.pending == ()


def test_the_catalogue_before_it_had_environments_is_each_ones_old_scope_not_a_sibling(
    aws: AwsContext, tmp_path: Path
) -> None:
    before = write_catalogue(tmp_path / "before", WITHOUT_ENVIRONMENTS)
    _apply(aws, _catalogue(before, None))
    path = write_catalogue(tmp_path / "now", TEXT)
    dev, prod = _catalogue(path, "dev"), _catalogue(path, "prod")
    _apply(aws, prod)

    found = find_old_scopes(dev, aws, environment="dev", siblings=["prod"])

    assert [o.scope for o in found.found] == [Scope("acme")]
    assert [o.scope for o in find_old_scopes(prod, aws, environment="prod").found] == [
        Scope("acme")
    ]
