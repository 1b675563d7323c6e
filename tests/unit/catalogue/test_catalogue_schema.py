"""Schema problems (SCH005 unknown key, SCH006 wrong type or value, SCH007 missing key), each job
validated on its own, and how valid jobs are resolved into the `Catalogue`."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from catalogue_support import VALID_JOB, found, loaded

from scheduler.catalogue.model import Backend, Compute, Job

HEAD = "catalogue: acme-ops\njobs:\n  log-backup:\n"


def _one(text: str) -> tuple[str, int, int, str, str]:
    result = loaded(text)
    assert len(result.diagnostics) == 1, result.diagnostics
    d = result.diagnostics[0]
    return (d.code, d.span.line, d.span.column, d.message, d.hint)


# --- SCH005 -----------------------------------------------------------------------------------


def test_unknown_key_points_at_the_key_and_suggests_the_closest() -> None:
    text = HEAD + "    shedule: rate(1 day)\n    schedule: rate(1 day)\n    expected_runtime: 5m\n"
    assert _one(text) == (
        "SCH005",
        4,
        5,
        'unknown key "shedule" in job "log-backup"',
        'did you mean "schedule"?',
    )


def test_unknown_key_without_a_close_match_lists_the_valid_keys() -> None:
    code, line, column, message, hint = _one("catalogue: a\nfavourite_colour: blue\n")
    assert (code, line, column) == ("SCH005", 2, 1)
    assert message == 'unknown key "favourite_colour" in the top level'
    assert hint == "valid keys: catalogue, defaults, policy, jobs, alerts, environments, ignore"


def test_unknown_key_in_a_nested_model_suggests_from_that_model() -> None:
    text = (
        HEAD + VALID_JOB + "    fargate: {cluster: c, task_definition: t, subnets: [s], "
        "securty_groups: [g]}\n"
    )
    assert _one(text) == (
        "SCH005",
        6,
        61,
        'unknown key "securty_groups" in job "log-backup" (fargate)',
        'did you mean "security_groups"?',
    )


def test_unknown_key_in_defaults() -> None:
    assert _one("catalogue: a\ndefaults:\n  memroy: 512\n") == (
        "SCH005",
        3,
        3,
        'unknown key "memroy" in defaults',
        'did you mean "memory"?',
    )


def test_unknown_top_level_key_still_loads_the_catalogue() -> None:
    result = loaded("catalogue: a\njbos: {}\njobs:\n  j:\n" + VALID_JOB)
    assert found(result) == [("SCH005", 2, 1)]
    assert result.diagnostics[0].hint == 'did you mean "jobs"?'
    assert result.catalogue is not None
    assert [job.name for job in result.catalogue.jobs] == ["j"]


def test_a_job_with_an_unknown_key_is_left_out() -> None:
    result = loaded(HEAD + VALID_JOB + "    timout: 5m\n  other:\n" + VALID_JOB)
    assert found(result) == [("SCH005", 6, 5)]
    assert result.invalid_jobs == frozenset({"log-backup"})
    assert result.catalogue is not None
    assert [job.name for job in result.catalogue.jobs] == ["other"]


# --- SCH006 -----------------------------------------------------------------------------------


def test_number_in_quotes_points_at_the_value() -> None:
    assert _one(HEAD + VALID_JOB + '    memory: "256"\n') == (
        "SCH006",
        6,
        13,
        'memory must be an integer, got "256"',
        "write a whole number without quotes, e.g. memory: 256 (MB, 128-10240)",
    )


@pytest.mark.parametrize(
    ("line", "hint"),
    [
        ('retries: "2"', "retries: 2 (0-2: Lambda re-runs a failed run at most twice)"),
        (
            'delivery_retries: "x"',
            "delivery_retries: 2 (0-185: EventBridge's retries of a refused delivery)",
        ),
        ('versions: "three"', "versions: 3 (published versions kept)"),
        ('log_retention: "2w"', "log_retention: 14 (days: 1, 3, 5, 7, 14, 30, 60, 90, ...)"),
    ],
)
def test_an_integer_settings_hint_gives_an_example_that_fits_it(line: str, hint: str) -> None:
    found = _one(HEAD + VALID_JOB + f"    {line}\n")[4]
    assert found == f"write a whole number without quotes, e.g. {hint}"


def test_an_alerts_after_gets_an_example_of_its_own() -> None:
    text = 'catalogue: a\ndefaults:\n  alert: {after: "two"}\njobs:\n  j:\n' + VALID_JOB
    assert _one(text)[3:] == (
        'defaults.alert.after must be an integer, got "two"',
        "write a whole number without quotes, e.g. after: 2 (consecutive bad fires, at least 1)",
    )


def test_max_concurrent_jobs_gets_an_example_of_its_own() -> None:
    text = "catalogue: a\npolicy:\n  max_concurrent_jobs: lots\njobs:\n  j:\n" + VALID_JOB
    assert _one(text)[4] == (
        "write a whole number without quotes, e.g. max_concurrent_jobs: 100 (at least 1)"
    )


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("description: 3", 18, "description must be text, got 3"),
        ("handler: yes", 14, "handler must be text, got true"),
        ("enabled: 'no'", 14, 'enabled must be true or false, got "no"'),
        ("tags: [a]", 11, "tags must be a mapping, got a list"),
        ("environment:", 17, "environment must be a mapping, got null"),
        ("input: 5", 12, "input must be a mapping, got 5"),
        ("tags: {team: 5}", 18, "tags.team must be text, got 5"),
        ("backend: lambda", 14, 'backend must be "rules" or "scheduler", got "lambda"'),
        ("retries: -1", 14, "retries must be at least 0, got -1"),
        ("retries: 3", 14, "retries must be at most 2, got 3"),
        ("delivery_retries: 186", 23, "delivery_retries must be at most 185, got 186"),
        ("memory: 1.5", 13, "memory must be an integer, got 1.5"),
        (
            "timeout: 300",
            14,
            "timeout: a duration is text with a unit, like 90s, 5m, 1h30m or PT5M",
        ),
        ("timeout: 5 minutes", 14, "timeout: '5 minutes' is not a duration"),
        (
            "max_event_age: 99999999999d",
            20,
            "max_event_age: '99999999999d' is longer than any duration sched can handle",
        ),
        ("fargate: on", 14, "fargate must be a mapping, got true"),
    ],
)
def test_wrong_values_are_explained(line: str, column: int, message: str) -> None:
    assert _one(HEAD + VALID_JOB + f"    {line}\n")[:4] == ("SCH006", 6, column, message)


def test_wrong_item_in_a_list_points_at_the_item() -> None:
    text = HEAD + VALID_JOB + "    fargate:\n      cluster: c\n      task_definition: t\n"
    text += "      subnets:\n        - subnet-1\n        - 42\n"
    assert _one(text)[:4] == ("SCH006", 11, 11, "fargate.subnets[1] must be text, got 42")


def test_empty_list_where_one_item_is_needed() -> None:
    text = HEAD + VALID_JOB + "    fargate: {cluster: c, task_definition: t, subnets: []}\n"
    assert _one(text)[:4] == (
        "SCH006",
        6,
        56,
        "fargate.subnets must have at least 1 item(s), got 0",
    )


def test_non_text_key_in_a_text_mapping_points_at_the_key() -> None:
    assert _one(HEAD + VALID_JOB + "    environment:\n      1: one\n")[:4] == (
        "SCH006",
        7,
        7,
        "keys of environment must be text, got 1",
    )


def test_job_names_must_be_text() -> None:
    result = loaded("catalogue: a\njobs:\n  2024:\n" + VALID_JOB + "  null:\n" + VALID_JOB)
    assert [
        (*f, d.message, d.hint) for f, d in zip(found(result), result.diagnostics, strict=True)
    ] == [
        ("SCH006", 3, 3, "job name must be text, got 2024", 'put the name in quotes: "2024":'),
        ("SCH006", 6, 3, "job name must be text, got null", 'put the name in quotes: "null":'),
    ]
    assert result.invalid_jobs == frozenset({"2024", "null"})


def test_job_without_settings_points_at_its_name() -> None:
    assert _one("catalogue: a\njobs:\n  log-backup:\n")[:4] == (
        "SCH006",
        3,
        3,
        'job "log-backup" must be a mapping of settings, got null',
    )


def test_wrong_top_level_value_leaves_no_catalogue_but_jobs_are_still_checked() -> None:
    result = loaded("catalogue: a\ndefaults:\n  memory: lots\njobs:\n  j:\n    schedule: x\n")
    assert found(result) == [("SCH006", 3, 11), ("SCH007", 5, 3)]
    assert result.diagnostics[0].message == 'defaults.memory must be an integer, got "lots"'
    assert result.catalogue is None
    assert result.invalid_jobs == frozenset({"j"})


def test_policy_ratio_bounds() -> None:
    assert _one("catalogue: a\npolicy:\n  timeout_warning_ratio: 1.5\n")[:4] == (
        "SCH006",
        3,
        26,
        "policy.timeout_warning_ratio must be at most 1.0, got 1.5",
    )


# --- SCH007 -----------------------------------------------------------------------------------


def test_missing_schedule_points_at_the_job_name() -> None:
    assert _one(HEAD + "    expected_runtime: 5m\n") == (
        "SCH007",
        3,
        3,
        'job "log-backup" is missing required key "schedule"',
        "add `schedule: ...` (cron(...), rate(...), at(...), Unix cron or @daily-style)",
    )


def test_missing_catalogue_name_points_at_the_document() -> None:
    result = loaded("# ops\njobs:\n  j:\n" + VALID_JOB)
    assert found(result) == [("SCH007", 2, 1)]
    assert result.diagnostics[0].message == 'the top level is missing required key "catalogue"'
    assert result.catalogue is None
    assert result.invalid_jobs == frozenset()


def test_missing_key_in_a_nested_model_points_at_its_key() -> None:
    text = HEAD + VALID_JOB + "    compute: fargate\n    fargate:\n      cluster: c\n"
    text += "      subnets: [s]\n"
    assert _one(text)[:4] == (
        "SCH007",
        7,
        5,
        'job "log-backup" (fargate) is missing required key "task_definition"',
    )


# --- together ---------------------------------------------------------------------------------


def test_several_problems_are_reported_together_in_order() -> None:
    text = (
        "catalogue: acme-ops\n"  # 1
        "defaults:\n"  # 2
        "  memory: '512'\n"  # 3  SCH006
        "jobs:\n"  # 4
        "  log-backup:\n"  # 5  SCH007 (no schedule)
        "    shedule: cron(0 2 ? * MON *)\n"  # 6  SCH005
        "    expected_runtime: 5m\n"  # 7
        "  reindex:\n"  # 8
        "    schedule: rate(1 day)\n"  # 9
        "    schedule: rate(2 days)\n"  # 10 SCH003
        "    expected_runtime: soon\n"  # 11 SCH006
        "  ok:\n"  # 12
        + VALID_JOB  # 13-14
        + "  3: {}\n"  # 15 SCH006
    )
    result = loaded(text)
    assert found(result) == [
        ("SCH006", 3, 11),
        ("SCH007", 5, 3),
        ("SCH005", 6, 5),
        ("SCH003", 10, 5),
        ("SCH006", 11, 23),
        ("SCH006", 15, 3),
    ]
    assert result.invalid_jobs == frozenset({"log-backup", "reindex", "3"})
    assert result.catalogue is None


# --- resolution -------------------------------------------------------------------------------


def test_valid_jobs_are_resolved_with_defaults_and_policy() -> None:
    text = (
        "catalogue: acme-ops\n"
        "defaults: {memory: 512, backend: scheduler, tags: {team: platform}, timezone: UTC}\n"
        "policy: {max_runtime: 10m}\n"
        "jobs:\n"
        "  log-backup:\n"
        "    schedule: '  cron(0 2 ? * MON *) '\n"
        "    expected_runtime: 1h\n"
        "    tags: {owner: me}\n"
        "  quick:\n"
        "    schedule: rate(5 minutes)\n"
        "    expected_runtime: 20s\n"
        "    compute: fargate\n"
        "    timeout: 2m\n"
    )
    result = loaded(text)
    assert found(result) == []
    catalogue = result.catalogue
    assert catalogue is not None
    assert catalogue.name == "acme-ops"
    assert catalogue.policy.max_runtime == timedelta(minutes=10)
    backup, quick = catalogue.jobs
    assert (backup.name, backup.schedule, backup.memory) == (
        "log-backup",
        "cron(0 2 ? * MON *)",
        512,
    )
    assert backup.backend is Backend.SCHEDULER
    assert backup.tags == (("owner", "me"), ("team", "platform"))
    assert (backup.timeout, backup.timeout_is_explicit) == (timedelta(minutes=10), False)
    assert (quick.timeout, quick.timeout_is_explicit) == (timedelta(minutes=2), True)
    assert quick.compute is Compute.FARGATE
    assert result.invalid_jobs == frozenset()


def test_huge_expected_runtime_does_not_overflow_the_default_timeout() -> None:
    result = loaded(HEAD + "    schedule: x\n    expected_runtime: 999999999d\n")
    assert found(result) == []
    assert result.catalogue is not None
    assert result.catalogue.jobs[0].timeout == timedelta(minutes=15)


def test_top_level_x_keys_hold_shared_anchors_and_are_not_unknown_keys() -> None:
    from scheduler.catalogue.loader import load_text

    text = (
        "catalogue: acme\n"
        "x-backup: &backup\n"
        "  expected_runtime: 5m\n"
        "  handler: jobs/b/handler.py:main\n"
        "jobs:\n"
        "  a:\n"
        "    <<: *backup\n"
        "    schedule: rate(1 day)\n"
    )
    result = load_text(text, "jobs.yaml")
    assert result.diagnostics == ()
    assert result.catalogue is not None
    [job] = result.catalogue.jobs
    assert (job.name, job.handler, job.expected_runtime.seconds) == (
        "a",
        "jobs/b/handler.py:main",
        300,
    )


def test_a_zero_duration_is_refused_and_an_explicit_timeout_is_never_replaced() -> None:
    from scheduler.catalogue.loader import load_text

    text = (
        "catalogue: acme\ndefaults:\n  timeout: 5m\njobs:\n"
        "  zero:\n    schedule: rate(1 day)\n    expected_runtime: 1m\n    timeout: 0s\n"
        "    handler: jobs/b/handler.py:main\n"
        "  own:\n    schedule: rate(1 day)\n    expected_runtime: 1m\n    timeout: 90s\n"
        "    handler: jobs/b/handler.py:main\n"
    )
    result = load_text(text, "jobs.yaml")
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("SCH006", 8)]
    assert "is no time at all" in result.diagnostics[0].message
    assert result.catalogue is not None
    [own] = result.catalogue.jobs
    assert (own.name, own.timeout.seconds, own.timeout_is_explicit) == ("own", 90, True)


def test_a_resolved_job_is_the_job_its_fields_make() -> None:
    text = (
        "catalogue: acme\ndefaults:\n  tags: {team: a}\n  permissions: [AWSLambdaBasic]\n"
        "jobs:\n"
        "  plain:\n" + VALID_JOB + "  full:\n" + VALID_JOB + "    handler: jobs/b/handler.py:main\n"
        "    timeout: 2m\n    memory: 512\n    tags: {cost: x}\n    environment: {A: b}\n"
        "    secrets: {TOKEN: 'ssm:/t'}\n    permissions: [{S3ReadPolicy: {BucketName: b}}]\n"
        "    backend: scheduler\n    timezone: Europe/Paris\n    start: 2027-01-01\n"
        "    code: {shared: [jobs/lib]}\n    alert: {after: 2}\n    versions: 3\n"
    )
    result = loaded(text)
    assert result.catalogue is not None
    fields = [f.name for f in dataclasses.fields(Job)]
    for job in result.catalogue.jobs:
        assert list(vars(job)) == fields
        same = Job(**vars(job))
        assert (job, repr(job)) == (same, repr(same))
        with pytest.raises(dataclasses.FrozenInstanceError):
            job.memory = 1  # type: ignore[misc]


# --- settings of more than one form (pydantic's union tags) -------------------------------------


def test_a_mapping_alert_is_checked_as_the_mapping_it_is_at_the_key_it_gets_wrong() -> None:
    assert _one(HEAD + VALID_JOB + '    alert: {after: "two"}\n') == (
        "SCH006",
        6,
        20,
        'alert.after must be an integer, got "two"',
        "write a whole number without quotes, e.g. after: 2 (consecutive bad fires, at least 1)",
    )


def test_an_unknown_key_of_a_mapping_alert_names_no_type() -> None:
    code, line, column, message, hint = _one(HEAD + VALID_JOB + "    alert: {aftr: 2}\n")
    assert (code, line, column, message, hint) == (
        "SCH005",
        6,
        13,
        'unknown key "aftr" in job "log-backup" (alert)',
        'did you mean "after"?',
    )


def test_a_value_of_no_form_gets_one_error_naming_every_form() -> None:
    assert _one(HEAD + VALID_JOB + "    alert: 5\n") == (
        "SCH006",
        6,
        12,
        "alert must be a mapping or true or false, got 5",
        "write `key: value` pairs indented below it, or {key: value}; or write true or false "
        "without quotes",
    )
    assert _one(HEAD + VALID_JOB + "    permissions: [5]\n")[3] == (
        "permissions[0] must be text or a mapping, got 5"
    )
