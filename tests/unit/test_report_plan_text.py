"""A plan as text within a width: one line per change when it fits, the summary under a name too
long for the column otherwise, and changed fields wrapped."""

from __future__ import annotations

from dataclasses import replace

from fakes import execution_role, job_resources

from scheduler.canonical import canonical_json
from scheduler.package import CodeDiff
from scheduler.plan import Plan, make_plan
from scheduler.report import plan as report
from scheduler.resource_state import ResourceState
from scheduler.resources import Function, Resource, Role

HEADER = "Catalogue acme-ops → AWS account 123456789012 in eu-west-1"


def _plan() -> Plan:
    def resources(job: str, expression: str) -> list[Resource]:
        return job_resources(job, expression, catalogue="acme-ops")

    old = [
        replace(r, environment=(*r.environment, ("SCHED_OLD", "a value long enough to wrap")))
        if isinstance(r, Function)
        else r
        for r in resources("log-backup", "rate(1 day)")
    ]
    desired = ResourceState.of(
        [
            execution_role("acme-ops"),
            *resources("log-backup", "cron(0 2 ? * MON *)"),
            *resources("nightly-export", "cron(30 1 * * ? *)"),
        ]
    )
    return make_plan(desired, ResourceState.of([execution_role("acme-ops"), *old]))


AT_80 = f"""\
{HEADER}

  ~ function        acme-ops-log-backup          python3.12, 256 MB, timeout 60s
        environment.SCHED_OLD: a value long enough to wrap → (none)
  + function        acme-ops-nightly-export      python3.12, 256 MB, timeout 60s
  + permission      acme-ops-nightly-export/acme-ops-nightly-export
                                              events.amazonaws.com may invoke it
  ~ rule            acme-ops-log-backup          cron(0 2 ? * MON *)
        schedule_expression: rate(1 day) → cron(0 2 ? * MON *)
  + rule            acme-ops-nightly-export      cron(30 1 * * ? *)
  + target          acme-ops-nightly-export/sched
                                              → function acme-ops-nightly-export

Plan: 4 to create, 2 to update, 0 to replace, 0 to delete, 3 unchanged."""

AT_120 = "\n".join(
    [
        HEADER,
        "",
        "  ~ function        acme-ops-log-backup                              "
        "python3.12, 256 MB, timeout 60s",
        "        environment.SCHED_OLD: a value long enough to wrap → (none)",
        "  + function        acme-ops-nightly-export                          "
        "python3.12, 256 MB, timeout 60s",
        "  + permission      acme-ops-nightly-export/acme-ops-nightly-export  "
        "events.amazonaws.com may invoke it",
        "  ~ rule            acme-ops-log-backup                              cron(0 2 ? * MON *)",
        "        schedule_expression: rate(1 day) → cron(0 2 ? * MON *)",
        "  + rule            acme-ops-nightly-export                          cron(30 1 * * ? *)",
        "  + target          acme-ops-nightly-export/sched                    "
        "→ function acme-ops-nightly-export",
        "",
        "Plan: 4 to create, 2 to update, 0 to replace, 0 to delete, 3 unchanged.",
    ]
)


def _widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


def test_at_80_columns_long_names_put_their_summary_on_the_next_line() -> None:
    text = report.to_text(_plan(), header=HEADER, width=80)
    assert text == AT_80
    assert _widest(text) == 80


def test_at_120_columns_every_change_is_one_line_with_names_in_one_column() -> None:
    text = report.to_text(_plan(), header=HEADER, width=120)
    assert text == AT_120
    assert _widest(text) == 103


def test_fields_and_counts_wrap_summaries_clip_and_names_stay_whole_at_60_columns() -> None:
    lines = report.to_text(_plan(), header=HEADER, width=60).splitlines()
    assert lines[2:8] == [
        "  ~ function        acme-ops-log-backup       python3.12, 2…",
        "        environment.SCHED_OLD: a value long enough to wrap →",
        "          (none)",
        "  + function        acme-ops-nightly-export   python3.12, 2…",
        "  + permission      acme-ops-nightly-export/acme-ops-nightly-export",
        "                          events.amazonaws.com may invoke it",
    ]
    assert lines[-2:] == [
        "Plan: 4 to create, 2 to update, 0 to replace, 0 to delete, 3",
        "unchanged.",
    ]
    assert [len(line) for line in lines if len(line) > 60] == [67]  # the name, never clipped


def test_colour_paints_each_line_of_a_change() -> None:
    lines = report.to_text(_plan(), header=HEADER, colour=True, width=80).splitlines()
    assert lines[5:7] == [
        "\x1b[32m  + permission      acme-ops-nightly-export/acme-ops-nightly-export\x1b[0m",
        "\x1b[32m                                              events.amazonaws.com may invoke it"
        "\x1b[0m",
    ]


def test_a_policy_change_shows_the_statements_it_adds_and_removes() -> None:
    def role(*statements: dict[str, object]) -> Role:
        document = {"Version": "2012-10-17", "Statement": list(statements)}
        return replace(execution_role("acme-ops"), inline_policy=canonical_json(document))

    logs = {"Effect": "Allow", "Action": ["logs:PutLogEvents"], "Resource": ["*"]}
    read = {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::logs/*"]}
    write = {
        "Effect": "Allow",
        "Action": ["s3:PutObject"],
        "Resource": ["arn:aws:s3:::backups/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "true"}},
    }
    plan = make_plan(ResourceState.of([role(logs, write)]), ResourceState.of([role(logs, read)]))
    assert report.to_text(plan, header=HEADER).splitlines()[2:7] == [
        "  ~ role            acme-ops-sched-exec  assumed by",  # the fake's trust names no one
        "        inline_policy: 1 statement(s) added, 1 removed",
        "          - Allow s3:GetObject on arn:aws:s3:::logs/*",
        "          + Allow s3:PutObject on arn:aws:s3:::backups/* when "
        '{"Bool": {"aws:SecureTransport":',
        '            "true"}}',  # wrapped at the width, hanging under the statement
    ]


def test_names_others_hold_and_what_a_person_added_are_listed_apart_from_changes() -> None:
    from fakes import ACCOUNT, REGION, FakeCloud

    from scheduler.ports import ReadScope
    from scheduler.resources import Rule, Target

    deployed = [execution_role(), *job_resources("a")]
    hand_made = [
        Target(rule="acme-a", id="audit", arn="arn:aws:sqs:eu-west-1:123456789012:q"),
        Rule(name="acme-b", schedule_expression="rate(1 day)"),
    ]
    cloud = FakeCloud([*deployed, *hand_made])
    desired = ResourceState.of([*deployed, *job_resources("b")])

    plan = make_plan(desired, cloud.read(ReadScope("acme", ACCOUNT, REGION)))
    text = report.to_text(plan, header="Catalogue acme", width=100)

    assert text.endswith(
        "\n".join(
            [
                "Plan: 4 to create, 0 to update, 0 to replace, 0 to delete, 5 unchanged.",
                "",
                "Names taken (apply refuses the whole plan until they are free):",
                "  ! rule            acme-b        exists, not created by sched",
                "",
                "Not created by sched (left as they are):",
                "  ? target          acme-a/audit  not created by sched",
            ]
        )
    )
    unchanged = make_plan(
        ResourceState.of(deployed), cloud.read(ReadScope("acme", ACCOUNT, REGION))
    )
    assert report.to_text(unchanged, header="Catalogue acme").splitlines()[-2:] == [
        "Not created by sched (left as they are):",
        "  ? target          acme-a/audit  not created by sched",
    ]


def test_a_plan_is_grouped_by_job_with_the_shared_resources_apart() -> None:
    jobs = {"acme-ops-log-backup": "log-backup", "acme-ops-nightly-export": "nightly-export"}
    text = report.to_text(_plan(), header=HEADER, width=80, jobs=jobs)
    assert text.splitlines()[1:15] == [
        "",
        "job log-backup",
        "  ~ function        acme-ops-log-backup          python3.12, 256 MB, timeout 60s",
        "        environment.SCHED_OLD: a value long enough to wrap → (none)",
        "  ~ rule            acme-ops-log-backup          cron(0 2 ? * MON *)",
        "        schedule_expression: rate(1 day) → cron(0 2 ? * MON *)",
        "",
        "job nightly-export",
        "  + function        acme-ops-nightly-export      python3.12, 256 MB, timeout 60s",
        "  + permission      acme-ops-nightly-export/acme-ops-nightly-export",
        "                                              events.amazonaws.com may invoke it",
        "  + rule            acme-ops-nightly-export      cron(30 1 * * ? *)",
        "  + target          acme-ops-nightly-export/sched",
        "                                              → function acme-ops-nightly-export",
    ]


def test_resources_of_no_job_are_listed_as_shared() -> None:
    shared = execution_role("acme-ops")
    plan = make_plan(ResourceState.of([shared]), ResourceState.of([]))
    lines = report.to_text(plan, header=HEADER, jobs={}).splitlines()
    assert lines[2] == "shared by the catalogue's jobs"
    assert lines[3].startswith("  + role            acme-ops-sched-exec")


def test_deletions_and_replacements_are_counted_on_a_line_of_their_own_in_red() -> None:
    gone = job_resources("old-job", catalogue="acme-ops")
    plan = make_plan(ResourceState.of([]), ResourceState.of(gone))
    lines = report.to_text(plan, header=HEADER, colour=True, jobs={}).splitlines()
    assert lines[-2:] == [
        "Plan: 0 to create, 0 to update, 0 to replace, 4 to delete, 0 unchanged.",
        "\x1b[31mReview: 4 to delete (marked - and -/+ above).\x1b[0m",
    ]
    assert report.attention_line(_plan()) is None


def test_a_changed_statement_shows_the_actions_and_resources_it_gains_and_loses() -> None:
    def role(*statements: dict[str, object]) -> Role:
        document = {"Version": "2012-10-17", "Statement": list(statements)}
        return replace(execution_role("acme-ops"), inline_policy=canonical_json(document))

    before = {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::logs/*"]}
    after = {
        "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:PutObject"],
        "Resource": ["arn:aws:s3:::logs/*"],
    }
    moved = {"Sid": "Backups", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "a"}
    plan = make_plan(
        ResourceState.of([role(after, {**moved, "Resource": "b"})]),
        ResourceState.of([role(before, moved)]),
    )
    assert report.to_text(plan, header=HEADER).splitlines()[3:9] == [
        "        inline_policy: 0 statement(s) added, 0 removed, 2 changed",
        "          ~ Allow s3:GetObject on arn:aws:s3:::logs/*",
        "              + action s3:PutObject",
        "          ~ Allow s3:PutObject on a",
        "              + resource b",
        "              - resource a",
    ]


def test_a_code_change_says_so_with_the_files_of_the_new_package_not_two_hashes() -> None:
    [old] = [
        r for r in job_resources("log-backup", catalogue="acme-ops") if isinstance(r, Function)
    ]
    new = replace(old, code="files:new")
    plan = make_plan(ResourceState.of([new]), ResourceState.of([old]))
    files = ["handler.py", "lib/s3.py", "sched_runtime/__init__.py", "sched_runtime/wrapper.py"]
    with_files = report.to_text(plan, header=HEADER, packages={old.name: files})
    assert with_files.splitlines()[3] == (
        "        code changed; the new package holds handler.py, lib/s3.py "
        "(and 2 files of sched_runtime/)"
    )
    assert report.to_text(plan, header=HEADER).splitlines()[3] == (
        "        code changed (the zip's hash differs)"
    )
    assert "bmV3IGNvZGU=" not in with_files


def test_a_code_change_between_two_packages_built_here_names_the_files_that_changed() -> None:
    [old] = [
        r for r in job_resources("log-backup", catalogue="acme-ops") if isinstance(r, Function)
    ]
    plan = make_plan(ResourceState.of([replace(old, code="b2")]), ResourceState.of([old]))
    diff = CodeDiff(
        added=("lib/new.py",),
        changed=("handler.py", "sched_runtime/wrapper.py"),
        removed=("lib/old.py", "lib/older.py"),
    )
    text = report.to_text(plan, header=HEADER, packages={old.name: ["x"]}, diffs={old.name: diff})
    assert text.splitlines()[3:5] == [
        "        code changed: handler.py, sched_runtime/ (sched's wrapper) changed; lib/new.py "
        "added;",
        "          lib/old.py, lib/older.py removed",
    ]


def test_an_environment_value_that_looks_like_a_secret_is_never_printed_in_a_plan() -> None:
    """Plans go to CI logs and pull requests: a password in a URL, a live API key, or any value
    of a variable named like a password is hidden, old and new, in text and in JSON."""
    [old] = [
        r for r in job_resources("log-backup", catalogue="acme-ops") if isinstance(r, Function)
    ]
    before = {
        "DATABASE_URL": "postgres://admin:Sup3rS3cret@db.example.com/app",
        "STRIPE": "sk_live_51Habcdefghijklmnopqrstuv",
        "DB_PASSWORD": "short1",
        "LOG_LEVEL": "info",
    }
    after = {
        "DATABASE_URL": "postgres://admin:NewPass99@db.example.com/app",
        "STRIPE": "sk_live_51Hzyxwvutsrqponmlkjihgfe",
        "DB_PASSWORD": "short2",
        "LOG_LEVEL": "debug",
    }
    deployed = replace(old, environment=tuple(sorted(before.items())))
    wanted = replace(old, environment=tuple(sorted(after.items())))
    plan = make_plan(ResourceState.of([wanted]), ResourceState.of([deployed]))
    text, document = report.to_text(plan, header=HEADER), report.to_json(plan)
    for secret in ("Sup3rS3cret", "NewPass99", "sk_live_51H", "short1", "short2"):
        assert secret not in text and secret not in document, secret
    assert "        environment.LOG_LEVEL: info → debug" in text.splitlines()
    assert (
        "        environment.DB_PASSWORD: (hidden: looks like a secret) → "
        "(hidden: looks like a secret)"
    ) in text.splitlines()


def test_a_target_names_the_function_with_its_alias() -> None:
    from scheduler.resources import Target

    live = Target(rule="r", id="sched", arn="arn:aws:lambda:eu-west-1:1:function:acme-j:live")
    plain = Target(rule="r", id="sched", arn="arn:aws:lambda:eu-west-1:1:function:acme-j")
    assert report.summary(live) == "→ function acme-j:live"
    assert report.summary(plain) == "→ function acme-j"
