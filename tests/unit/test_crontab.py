"""Reading a crontab: each job line's AWS schedule and command, and each refused line exactly."""

from __future__ import annotations

import pytest

from scheduler.schedule.crontab import CronLine, LineProblem, read_crontab


def only_job(text: str, system: bool = False) -> CronLine:
    crontab = read_crontab(text, system=system)
    assert crontab.problems == ()
    (job,) = crontab.jobs
    return job


@pytest.mark.parametrize(
    ("line", "schedule"),
    [
        ("0 2 * * 1 backup", "cron(0 2 ? * MON *)"),
        ("0 2 * * 0 backup", "cron(0 2 ? * SUN *)"),
        ("0 2 * * 7 backup", "cron(0 2 ? * SUN *)"),
        ("0 2 * * sun,sat backup", "cron(0 2 ? * SUN,SAT *)"),
        ("0 2 * * 1-5 backup", "cron(0 2 ? * MON-FRI *)"),
        ("0 9 1 jan,jul * report", "cron(0 9 1 JAN,JUL ? *)"),
        ("*/15 * * * * poll", "cron(*/15 * * * ? *)"),
        ("@daily clean", "cron(0 0 * * ? *)"),
        ("@midnight clean", "cron(0 0 * * ? *)"),
        ("@hourly beat", "cron(0 * * * ? *)"),
        ("@weekly digest", "cron(0 0 ? * SUN *)"),
        ("@monthly bill", "cron(0 0 1 * ? *)"),
        ("@yearly audit", "cron(0 0 1 1 ? *)"),
        ("@annually audit", "cron(0 0 1 1 ? *)"),
    ],
)
def test_schedules_translate_with_unix_semantics(line: str, schedule: str) -> None:
    assert only_job(line).schedule == schedule


def test_percent_ends_the_command_and_the_rest_is_stdin() -> None:
    job = only_job(r"5 4 * * * mail -s hi ops %Dear team,%50\% done%")
    assert (job.command, job.stdin) == ("mail -s hi ops", "Dear team,\n50% done\n")


def test_an_escaped_percent_stays_in_the_command() -> None:
    job = only_job(r"0 0 * * * date +\%Y-\%m-\%d > /tmp/day")
    assert (job.command, job.stdin) == ("date +%Y-%m-%d > /tmp/day", "")


def test_variables_apply_to_the_lines_after_them_and_quotes_go() -> None:
    crontab = read_crontab('A=1\n0 0 * * * one\nB = "two words"\n0 1 * * * two\n')
    assert [job.variables for job in crontab.jobs] == [
        (("A", "1", 1),),
        (("A", "1", 1), ("B", "two words", 3)),
    ]


def test_the_runtime_comment_applies_to_the_next_job_only() -> None:
    text = "# sched: expected_runtime 30m\n0 0 * * * one\n0 1 * * * two\n"
    assert [job.expected_runtime for job in read_crontab(text).jobs] == ["30m", None]


def test_a_system_crontab_has_a_user_column() -> None:
    job = only_job("17 * * * * root cd / && run-parts --report /etc/cron.hourly", system=True)
    assert (job.user, job.command, job.written) == (
        "root",
        "cd / && run-parts --report /etc/cron.hourly",
        "17 * * * *",
    )
    assert only_job("@daily www-data /srv/clean", system=True).user == "www-data"


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (
            "@reboot /opt/start",
            LineProblem(
                1,
                1,
                7,
                "SCH101",
                "@reboot runs when the server starts; a scheduled Lambda function has no "
                "server to start",
                "run it from your deployment instead (a CloudFormation custom resource, or a "
                "step of the pipeline), or give it a schedule",
            ),
        ),
        (
            "0 25 * * * late",
            LineProblem(1, 3, 2, "SCH101", 'hours "25" is outside 0-23', "hours run 0-23"),
        ),
        (
            "0 22-2 * * * night",
            LineProblem(
                1,
                3,
                4,
                "SCH101",
                'hours range "22-2" runs backwards',
                "Unix cron ranges do not wrap around past the end of the field; write "
                '"0 22-23,0-2 * * *"',
            ),
        ),
        (
            "0 2 * *",
            LineProblem(
                1,
                7,
                1,
                "SCH101",
                "the line has 4 of the 5 schedule fields",
                "a job line is five fields (minute hour day month weekday) or a macro, "
                "then the command",
            ),
        ),
        (
            "0 2 * * *",
            LineProblem(
                1,
                9,
                1,
                "SCH101",
                "the line has a schedule but no command",
                "a job line is five fields (minute hour day month weekday) or a macro, "
                "then the command",
            ),
        ),
        (
            "@fortnightly x",
            LineProblem(
                1,
                1,
                12,
                "SCH101",
                'unknown preset "@fortnightly"',
                "presets are @hourly, @daily, @midnight, @weekly, @monthly, @yearly and @annually",
            ),
        ),
        (
            "run backups nightly",
            LineProblem(
                1,
                1,
                19,
                "SCH101",
                "the line is not a job, a variable (NAME=value) or a comment",
                "a job line starts with five fields (minute hour day month weekday) or a "
                "macro such as @daily; put # before it if it is a note",
            ),
        ),
    ],
)
def test_refused_lines(line: str, problem: LineProblem) -> None:
    crontab = read_crontab(line + "\n")
    assert (crontab.jobs, crontab.problems) == ((), (problem,))


def test_a_system_line_without_a_command() -> None:
    crontab = read_crontab("0 2 * * * root\n0 3 * * *\n@daily\n0 2 * root\n", system=True)
    assert [(p.line, p.column, p.message) for p in crontab.problems] == [
        (1, 11, "the line has a schedule but no command"),
        (2, 9, "the line has a schedule but no user and no command"),
        (3, 1, "the line has a schedule but no user and no command"),
        (4, 7, "the line has 4 of the 5 schedule fields"),
    ]


def test_either_day_line_is_one_job_in_unix_cron() -> None:
    # Unix runs it on the 1st, the 15th and every Friday: one job, deployed as two halves.
    crontab = read_crontab("0 0 1,15 * 5 payroll\n")
    assert crontab.problems == ()
    (job,) = crontab.jobs
    assert (job.schedule, job.command) == ("0 0 1,15 * 5", "payroll")
