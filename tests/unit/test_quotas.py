"""The quota check of a plan (`scheduler.quotas`) against quotas a fake `QuotaSource` answers:
what would not fit, counted with the account's other resources, and the fix for each."""

from __future__ import annotations

from fakes import FakeQuotaSource, job_resources

from scheduler.ports import AccountQuotas, Quota
from scheduler.quotas import BusiestMinute, check_quotas
from scheduler.resource_state import ResourceState
from scheduler.resources import Resource, Role


def _quotas(
    *,
    rules: Quota | None = None,
    roles: Quota | None = None,
    concurrency: Quota | None = None,
    storage: Quota | None = None,
) -> FakeQuotaSource:
    return FakeQuotaSource(
        AccountQuotas(
            rules_per_bus=rules or Quota(300, 0),
            roles=roles or Quota(1000, 0),
            unreserved_concurrency=concurrency or Quota(1000),
            code_storage_bytes=storage or Quota(75 * 1024**3, 0),
        )
    )


def _jobs(count: int, start: int = 0) -> ResourceState:
    resources: list[Resource] = []
    for i in range(start, start + count):
        resources.extend(job_resources(f"job-{i}"))
    return ResourceState.of(resources)


def _roles(count: int) -> ResourceState:
    return ResourceState.of(Role(name=f"acme-job-{i}", trust_policy="{}") for i in range(count))


def test_rules_past_the_quota_are_refused_with_the_fix() -> None:
    source = _quotas(rules=Quota(300, 0, read=False, note="Service Quotas denied"))

    check = check_quotas(_jobs(301), ResourceState(), source.quotas())

    assert [(s.line(), s.fix) for s in check.blocking] == [
        (
            "EventBridge rules on the default bus: 301 needed (301 of this catalogue, 0 others), "
            "over 300 (the documented default)",
            "move at least 1 job to backend: scheduler (no rules), or ask for an increase of "
            '"Number of rules" (Amazon EventBridge; service code events, quota code L-244521F2) '
            "in Service Quotas",
        )
    ]
    assert check.notes == ("Service Quotas denied",)
    assert not check.fits
    assert source.reads == 1


def test_the_rules_the_catalogue_owns_now_are_replaced_and_others_stay() -> None:
    # 280 rules on the bus: 200 of this catalogue (deployed), 80 of others.
    deployed = _jobs(200)
    fits = check_quotas(_jobs(220), deployed, _quotas(rules=Quota(300, 280)).quotas())
    over = check_quotas(_jobs(221), deployed, _quotas(rules=Quota(300, 280)).quotas())

    assert fits.shortfalls == ()
    assert [(s.needed, s.ours, s.others) for s in over.shortfalls] == [(301, 221, 80)]


def test_roles_past_the_quota_name_shared_roles_as_the_fix_unless_already_shared() -> None:
    source = _quotas(roles=Quota(1000, 995))

    per_job = check_quotas(_roles(10), ResourceState(), source.quotas())
    shared = check_quotas(_roles(10), ResourceState(), source.quotas(), shared_roles=True)

    assert [s.line() for s in per_job.blocking] == [
        "IAM roles in the account: 1005 needed (10 of this catalogue, 995 others), over 1000 "
        "(the account's)"
    ]
    assert per_job.blocking[0].fix == (
        'share roles (defaults: {roles: shared}), or ask for an increase of "Roles per '
        'account" (AWS Identity and Access Management; service code iam, quota code L-FE177D64) '
        "in Service Quotas"
    )
    assert shared.blocking[0].fix.startswith('ask for an increase of "Roles per account"')


def test_unknown_usage_is_not_counted() -> None:
    check = check_quotas(_roles(2000), ResourceState(), _quotas(roles=Quota(1000, None)).quotas())

    assert check.shortfalls == ()


def test_code_storage_counts_the_packages_the_plan_uploads() -> None:
    source = _quotas(storage=Quota(1000, 900))

    fits = check_quotas(ResourceState(), ResourceState(), source.quotas(), new_code_bytes=100)
    over = check_quotas(ResourceState(), ResourceState(), source.quotas(), new_code_bytes=101)

    assert fits.shortfalls == ()
    assert [(s.what, s.needed, s.limit) for s in over.blocking] == [
        ("Lambda code storage (bytes)", 1001, 1000)
    ]


def test_a_busy_minute_over_the_unreserved_concurrency_warns_without_refusing() -> None:
    busiest = BusiestMinute("2026-12-03 00:00", 7, ("a", "b", "c", "d", "e", "f", "g"))
    source = _quotas(concurrency=Quota(6))

    check = check_quotas(ResourceState(), ResourceState(), source.quotas(), busiest=busiest)

    assert [(s.line(), s.blocking) for s in check.shortfalls] == [
        (
            "Lambda runs at once at 2026-12-03 00:00 UTC (a, b, c, d, e and 2 more): 7 needed "
            "(7 of this catalogue, 0 others), over 6 (the account's)",
            False,
        )
    ]
    assert check.fits
    assert "flexible_window" in check.shortfalls[0].fix
    assert "L-B99A9384" in check.shortfalls[0].fix
