"""`sched import crontab`: a 20-line crontab's exact output, a result that validates, and
nothing of the user's overwritten."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from scheduler.cli import cli

ROOT = Path(__file__).parent.parent.parent
CRONTAB = ROOT / "tests" / "fixtures" / "crontab" / "server.crontab"
IMPORTED = (
    "poll-queue",
    "backup-db",
    "rotate-logs",
    "report",
    "find",
    "heartbeat",
    "mail",
    "payroll",
    "send-invoices",
    "backup-db-2",
)


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin, env={"GITHUB_ACTIONS": ""})


# What stderr says about the fixture: long lines, so kept beside it ({crontab} is its path).
REPORT = (CRONTAB.parent / "server.report").read_text().replace("{crontab}", str(CRONTAB))


def _entry(line: int, text: str, name: str, command: str, schedule: str, runtime: str) -> str:
    return (
        f"  # server.crontab line {line}: {text}\n"
        f"  {name}:\n"
        f'    description: "From server.crontab line {line}: {command}"\n'
        f"    schedule: {schedule}\n"
        f"    expected_runtime: {runtime}\n"
        f"    handler: jobs/{name}/handler.py:main\n"
        "    environment:\n"
        '      APP_ENV: "production"\n'
    )


GUESS = "5m  # a guess: set how long a run takes"
ENTRIES = "\n".join(
    [
        _entry(5, "*/15 * * * * /opt/app/bin/poll-queue.sh", "poll-queue",
               "/opt/app/bin/poll-queue.sh", "cron(*/15 * * * ? *)", GUESS),
        _entry(6, "30 2 * * 1-5 /opt/app/bin/backup-db.sh --full", "backup-db",
               "/opt/app/bin/backup-db.sh --full", "cron(30 2 ? * MON-FRI *)", GUESS),
        _entry(7, "0 3 * * 7 /opt/app/bin/rotate-logs", "rotate-logs",
               "/opt/app/bin/rotate-logs", "cron(0 3 ? * SUN *)", GUESS),
        _entry(8, "0 9 1 jan,jul * /opt/app/bin/report.py --half-year", "report",
               "/opt/app/bin/report.py --half-year", "cron(0 9 1 JAN,JUL ? *)", GUESS),
        _entry(9, "@daily /usr/bin/find /tmp -mtime +1 -delete", "find",
               "/usr/bin/find /tmp -mtime +1 -delete", "cron(0 0 * * ? *)", GUESS),
        _entry(10, "@hourly cd /opt/app && ./bin/heartbeat", "heartbeat",
               "cd /opt/app && ./bin/heartbeat", "cron(0 * * * ? *)", GUESS),
        _entry(11, '5 4 * * sun mail -s "weekly digest" ops@example.com %Hello team,%the '
               "digest is attached.", "mail", 'mail -s \\"weekly digest\\" ops@example.com',
               "cron(5 4 ? * SUN *)", GUESS),
        _entry(13, "0 0 1,15 * 5 /opt/app/bin/payroll", "payroll",
               "/opt/app/bin/payroll", '"0 0 1,15 * 5"', GUESS),
        _entry(17, "0 6 * * mon-fri /opt/app/bin/send-invoices.sh", "send-invoices",
               "/opt/app/bin/send-invoices.sh", "cron(0 6 ? * MON-FRI *)", "10m"),
        _entry(20, "0 12 * * * /opt/app/bin/backup-db.sh --incremental", "backup-db-2",
               "/opt/app/bin/backup-db.sh --incremental", "cron(0 12 * * ? *)", GUESS),
    ]
)  # fmt: skip


def test_the_crontab_becomes_entries_to_paste_and_every_refused_line_is_reported() -> None:
    result = run("import", "crontab", str(CRONTAB))
    assert result.exit_code == 1
    assert result.stdout == "# 10 job(s) to paste under jobs: in jobs.yaml\n" + ENTRIES
    assert result.stderr == REPORT + (
        f"{CRONTAB}: 10 job(s) imported, 4 line(s) not imported; "
        "--write adds them to the catalogue with their handler stubs\n"
    )


def test_write_creates_a_catalogue_and_stubs_that_validate(tmp_path: Path) -> None:
    catalogue = tmp_path / "jobs.yaml"
    result = run("import", "crontab", str(CRONTAB), "--write", str(catalogue))
    assert result.exit_code == 1  # four lines were not imported
    assert result.stdout == "".join(
        [f"wrote {tmp_path}/jobs/{name}/handler.py\n" for name in IMPORTED]
        + [f"wrote {catalogue}\n"]
    )
    assert (
        catalogue.read_text() == f"catalogue: {tmp_path.name.lower().replace('_', '-')}\n\n"
        "jobs:\n" + ENTRIES
    )
    checked = run("validate", str(catalogue))
    assert (checked.exit_code, checked.stdout) == (0, f"{catalogue}: no problems found\n")


def test_a_stub_says_what_to_port_and_fails_until_ported(tmp_path: Path) -> None:
    run("import", "crontab", str(CRONTAB), "--write", str(tmp_path / "jobs.yaml"))
    stub = (tmp_path / "jobs" / "mail" / "handler.py").read_text()
    assert (
        stub
        == '''\
"""Ported from server.crontab line 11: port the command below to Python, then delete
the raise at the end of main().

The line ran 5 4 * * sun:

    mail -s "weekly digest" ops@example.com

with this on its standard input (cron's %):

    Hello team,
    the digest is attached.

Its variables APP_ENV are set for it (environment:, secrets:).
It also had MAILTO, SHELL, which Lambda does not use.

On Lambda there is no server: local files, programs and the crontab's user are not
there. Read inputs from the event (the job's input:), S3 or a database; put the
permissions it needs under the job's permissions:; keep a run under 15 minutes.
"""

from __future__ import annotations

from typing import Any


def main(event: dict[str, Any], context: Any) -> dict[str, Any]:
    raise NotImplementedError("server.crontab line 11 is not ported yet")
'''
    )


def test_nothing_the_user_has_is_overwritten_without_force(tmp_path: Path) -> None:
    catalogue = tmp_path / "jobs.yaml"
    run("import", "crontab", str(CRONTAB), "--write", str(catalogue))
    ported = tmp_path / "jobs" / "report" / "handler.py"
    ported.write_text("def main(event, context):\n    return {}\n")
    before = catalogue.read_bytes()
    again = run("import", "crontab", str(CRONTAB), "--write", str(catalogue))
    assert again.exit_code == 2
    assert again.stdout == ""
    lines = again.stderr.splitlines()
    assert lines[0] == f'error: {catalogue} already has a job "poll-queue" (crontab line 5)'
    assert f"error: {ported} already exists" in lines
    assert lines[-1] == (
        "  hint: pass --force to replace them, or rename or move yours; nothing was written"
    )
    assert (catalogue.read_bytes(), ported.read_text()) == (
        before,
        "def main(event, context):\n    return {}\n",
    )
    forced = run("import", "crontab", str(CRONTAB), "--write", "--force", str(catalogue))
    assert forced.exit_code == 1
    assert catalogue.read_bytes() == before  # the same jobs, replaced in place
    assert ported.read_text().startswith('"""Ported from server.crontab line 8')


MINE = """\
# Our jobs. Keep this comment.
catalogue: acme-ops

jobs:
  # the one job we have
  log-backup:
    description: Back up logs   # an inline comment
    schedule: cron(0 2 ? * MON *)
    expected_runtime: 5m
    handler: jobs/log_backup/handler.py:main
# a trailing note
"""


def test_appending_keeps_the_users_comments_and_lines(tmp_path: Path) -> None:
    catalogue = tmp_path / "jobs.yaml"
    catalogue.write_text(MINE)
    (tmp_path / "jobs" / "log_backup").mkdir(parents=True)
    (tmp_path / "jobs" / "log_backup" / "handler.py").write_text("def main(e, c):\n    pass\n")
    crontab = tmp_path / "crontab"
    crontab.write_text("# nightly\n0 3 * * * /usr/local/bin/vacuum-db\n")
    result = run("import", "crontab", str(crontab), "--write", str(catalogue))
    assert result.exit_code == 0, result.output
    assert catalogue.read_text() == MINE.replace(
        "# a trailing note\n",
        "\n"
        "  # crontab line 2: 0 3 * * * /usr/local/bin/vacuum-db\n"
        "  vacuum-db:\n"
        '    description: "From crontab line 2: /usr/local/bin/vacuum-db"\n'
        "    schedule: cron(0 3 * * ? *)\n"
        "    expected_runtime: 5m  # a guess: set how long a run takes\n"
        "    handler: jobs/vacuum-db/handler.py:main\n"
        "# a trailing note\n",
    )
    assert run("validate", str(catalogue)).exit_code == 0


def test_stdin_and_a_time_zone(tmp_path: Path) -> None:
    result = run(
        "import", "crontab", "-", "--timezone", "Europe/Paris", stdin="30 1 * * * /bin/export\n"
    )
    assert (result.exit_code, result.stdout) == (
        0,
        "# 1 job(s) to paste under jobs: in jobs.yaml\n"
        "  # <stdin> line 1: 30 1 * * * /bin/export\n"
        "  export:\n"
        '    description: "From <stdin> line 1: /bin/export"\n'
        "    schedule: cron(30 1 * * ? *)\n"
        "    expected_runtime: 5m  # a guess: set how long a run takes\n"
        "    handler: jobs/export/handler.py:main\n"
        "    backend: scheduler\n"
        '    timezone: "Europe/Paris"\n',
    )


def test_an_unknown_time_zone_is_refused_before_anything() -> None:
    result = run("import", "crontab", "-", "--timezone", "CEST", stdin="0 1 * * * /bin/x\n")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "error: --timezone 'CEST' is not an IANA time zone\n"
        "  hint: give the server's zone as a name such as Europe/Paris or America/New_York\n",
    )


def test_cron_tz_sets_the_zone_of_the_lines_after_it_and_an_unknown_one_is_refused() -> None:
    text = "0 1 * * * /bin/utc\nCRON_TZ=Europe/Paris\n0 2 * * * /bin/paris\nCRON_TZ=Mars/Base\n"
    result = run("import", "crontab", "-", stdin=text + "0 3 * * * /bin/mars\n")
    assert result.exit_code == 1
    assert '    timezone: "Europe/Paris"\n' in result.stdout
    assert result.stdout.count("timezone:") == 1
    assert result.stderr.startswith(
        "<stdin>:4:1: error SCH105 line 5 not imported: CRON_TZ=Mars/Base (line 4) is not an "
        "IANA time zone\n"
        "  hint: write the zone as a name such as Europe/Paris or America/New_York\n"
    )


def test_a_system_crontab_keeps_the_user_in_the_description() -> None:
    result = run("import", "crontab", "--system", "-", stdin="@daily root /usr/sbin/logrotate\n")
    assert '    description: "From <stdin> line 1 (as root): /usr/sbin/logrotate"\n' in (
        result.stdout
    )


def test_an_unreadable_crontab_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    missing = run("import", "crontab", str(tmp_path / "nope"))
    assert (missing.exit_code, missing.stderr) == (
        2,
        f"error: cannot read {tmp_path / 'nope'}: No such file or directory\n"
        "  hint: check the path and permissions\n",
    )
    binary = tmp_path / "crontab.bin"
    binary.write_bytes(b"0 0 * * * \xff\n")
    bad = run("import", "crontab", str(binary))
    assert (bad.exit_code, bad.stderr) == (
        2,
        f"error: {binary} is not UTF-8 text (byte 10)\n"
        "  hint: pass a crontab, as `crontab -l` prints it\n",
    )


def test_a_secret_looking_variable_is_not_copied_but_read_from_ssm() -> None:
    result = run(
        "import", "crontab", "-", stdin="DB_PASSWORD=hunter2hunter2\n0 1 * * * /bin/dump-db\n"
    )
    assert "hunter2" not in result.output
    assert result.stdout.endswith(
        "    handler: jobs/dump-db/handler.py:main\n"
        "    secrets:\n"
        '      DB_PASSWORD: "ssm:/crontab/db_password"\n'
    )
    assert result.stderr.startswith(
        "<stdin>:1: note: DB_PASSWORD looks like a secret: its value is not copied; the jobs "
        "read it from the SSM parameter /crontab/db_password (secrets:)\n"
        "  hint: store it there: aws ssm put-parameter --type SecureString --name "
        "/crontab/db_password --value ...\n"
    )


def test_a_short_password_is_not_copied_either() -> None:
    # SCH310 lets a short value pass as a word; a crontab's PASSWORD is never copied.
    result = run("import", "crontab", "-", stdin="DB_PASSWORD=hunter2\n0 1 * * * /bin/dump-db\n")
    assert "hunter2" not in result.output
    assert '      DB_PASSWORD: "ssm:/crontab/db_password"\n' in result.stdout


def test_secrets_written_into_a_command_are_masked_and_an_assignment_read_from_ssm(
    tmp_path: Path,
) -> None:
    """The command goes into the description (so to AWS), a comment and the stub: a password
    before the program, in `curl -u`, in a URL or a --token option never goes with it."""
    crontab = (
        "0 2 * * * PGPASSWORD=s3cr3tpw pg_dump db\n"
        "5 3 * * * curl -u admin:Sup3rS3cret https://x\n"
        "6 3 * * * psql postgres://app:hunter2xx@db/x --token=abc123tok --port=5432\n"
    )
    printed = run("import", "crontab", "-", stdin=crontab)
    for secret in ("s3cr3tpw", "Sup3rS3cret", "hunter2xx", "abc123tok"):
        assert secret not in printed.output
    assert '    description: "From <stdin> line 1: PGPASSWORD=*** pg_dump db"\n' in printed.stdout
    assert '      PGPASSWORD: "ssm:/crontab/pgpassword"\n' in printed.stdout
    assert "curl -u admin:*** https://x" in printed.stdout
    assert "postgres://app:***@db/x --token=*** --port=5432" in printed.stdout

    (tmp_path / "crontab").write_text(crontab)
    catalogue = tmp_path / "jobs.yaml"
    written = run("import", "crontab", str(tmp_path / "crontab"), "--write", str(catalogue))
    assert written.exit_code == 0, written.output
    files = [catalogue, *sorted((tmp_path / "jobs").rglob("handler.py"))]
    for secret in ("s3cr3tpw", "Sup3rS3cret", "hunter2xx", "abc123tok"):
        assert all(secret not in f.read_text() for f in files), secret
