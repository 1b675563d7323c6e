"""local-data.yaml read and checked: what it declares as exact data, and every problem as the
exact (message, hint) the CLI prints, at its line and column."""

from __future__ import annotations

import os
import textwrap
import threading
from pathlib import Path

import pytest

from scheduler.diagnostics import ECHO_LIMIT, Span, echo
from scheduler.errors import LocalDataInvalid
from scheduler.local_data.model import (
    Bucket,
    Item,
    KeyAttribute,
    LocalData,
    Parameter,
    Queue,
    S3Object,
    Secret,
    Table,
)
from scheduler.local_data.place import data_file_beside
from scheduler.local_data.read import parse_local_data, read_local_data

FILE = "local-data.yaml"
ROOT = Path(__file__).resolve().parents[3]


def parse(text: str, folder: Path = Path("/nonexistent")) -> LocalData:
    return parse_local_data(textwrap.dedent(text), FILE, folder)


def problems(text: str, folder: Path = Path("/nonexistent")) -> list[tuple[str, str]]:
    with pytest.raises(LocalDataInvalid) as raised:
        parse(text, folder)
    assert raised.value.exit_code == 2
    return list(raised.value.problems)


def span(line: int, column: int, end_line: int, end_column: int) -> Span:
    return Span(FILE, line, column, end_line, end_column)


def test_everything_it_can_declare(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "b.log").write_bytes(b"from a file\n")
    data = parse(
        """\
        buckets:
          acme-logs:
            app/a.log: |
              inline
            app/b.log: {file: logs/b.log}
            blob: !!binary aGk=
          acme-empty: {}
          acme-also-empty:
        tables:
          orders:
            key: {customer: S, placed: N}
            items:
              - {customer: ada, placed: 1, total: 42.5, tags: [a], extra: {ok: true}}
        parameters:
          /acme/host: db.example.com
          /acme/retention-days: 30
          /acme/token: {value: t0ken, type: SecureString}
        secrets:
          acme/plain: text
          acme/json: {user: u, port: 22}
        """,
        tmp_path,
    )

    assert data == LocalData(
        FILE,
        buckets=(
            Bucket(
                "acme-logs",
                (
                    S3Object("app/a.log", b"inline\n", span(3, 5, 3, 14)),
                    S3Object("app/b.log", b"from a file\n", span(5, 5, 5, 14)),
                    S3Object("blob", b"hi", span(6, 5, 6, 9)),
                ),
                span(2, 3, 2, 12),
            ),
            Bucket("acme-empty", (), span(7, 3, 7, 13)),
            Bucket("acme-also-empty", (), span(8, 3, 8, 18)),
        ),
        tables=(
            Table(
                "orders",
                (KeyAttribute("customer", "S"), KeyAttribute("placed", "N")),
                (
                    Item(
                        {
                            "customer": "ada",
                            "placed": 1,
                            "total": 42.5,
                            "tags": ["a"],
                            "extra": {"ok": True},
                        },
                        span(13, 9, 13, 78),
                    ),
                ),
                span(10, 3, 10, 9),
            ),
        ),
        parameters=(
            Parameter("/acme/host", "db.example.com", False, span(15, 3, 15, 13)),
            Parameter("/acme/retention-days", "30", False, span(16, 3, 16, 23)),
            Parameter("/acme/token", "t0ken", True, span(17, 3, 17, 14)),
        ),
        secrets=(
            Secret("acme/plain", "text", span(19, 3, 19, 13)),
            Secret("acme/json", '{"user": "u", "port": 22}', span(20, 3, 20, 12)),
        ),
    )
    assert data.summary() == "3 buckets (3 objects), 1 table (1 item), 3 parameters, 2 secrets"
    assert [p.type for p in data.parameters] == ["String", "String", "SecureString"]


def test_an_empty_file_declares_nothing() -> None:
    assert parse("# nothing yet\n") == LocalData(FILE)
    assert LocalData(FILE).summary() == "nothing"


def test_no_file_is_no_data(tmp_path: Path) -> None:
    assert read_local_data(tmp_path / "local-data.yaml") is None


def test_the_file_sits_beside_the_catalogue() -> None:
    assert data_file_beside(Path("jobs.yaml")) == Path("local-data.yaml")
    assert data_file_beside(Path("ops/jobs.yaml")) == Path("ops/local-data.yaml")


def test_the_shipped_example_is_valid() -> None:
    data = read_local_data(ROOT / "local-data.yaml")

    assert data is not None
    assert data.summary() == "4 buckets (4 objects), 1 table (3 items)"


BUCKET_RULES = (
    "bucket names are 3-63 lowercase letters, digits, dots and hyphens, starting and ending "
    "with a letter or digit"
)


@pytest.mark.parametrize(
    ("name", "why", "hint"),
    [
        ("Acme_Logs", 'it contains "A", "L", "_"', f'{BUCKET_RULES}: e.g. "acme-logs"'),
        ("ab", "it is 2 characters long, not 3-63", BUCKET_RULES),
        ("a" * 64, "it is 64 characters long, not 3-63", BUCKET_RULES),
        ("-acme", "it must start and end with a letter or digit", f'{BUCKET_RULES}: e.g. "acme"'),
        ("acme..logs", "it contains two dots in a row", BUCKET_RULES),
        ("192.168.5.4", "it is written like an IP address", BUCKET_RULES),
        ("xn--acme", 'it starts with "xn--", which AWS reserves', BUCKET_RULES),
        ("acme-s3alias", 'it ends with "-s3alias", which AWS reserves', BUCKET_RULES),
    ],
)
def test_a_bucket_name_s3_would_refuse(name: str, why: str, hint: str) -> None:
    assert problems(f"buckets:\n  {name}: {{}}\n") == [
        (f"local-data.yaml:2:3: bucket {echo(name)} is not a name S3 accepts: {why}", hint)
    ]


def test_every_problem_is_reported_not_just_the_first() -> None:
    assert problems(
        """\
        buckets:
          Acme: {}
        tables:
          orders: {items: []}
        bucket: {}
        """
    ) == [
        (
            'local-data.yaml:5:1: unknown key "bucket" in a local data file',
            "did you mean buckets?",
        ),
        (
            'local-data.yaml:2:3: bucket "Acme" is not a name S3 accepts: it contains "A"',
            f'{BUCKET_RULES}: e.g. "acme"',
        ),
        (
            'local-data.yaml:4:3: table "orders" has no key',
            "write key: {id: S}: the partition key, then an optional sort key, each with its "
            "type: S (text), N (number) or B (binary)",
        ),
    ]


KEY_HINT = (
    "write key: {id: S}: the partition key, then an optional sort key, each with its type: "
    "S (text), N (number) or B (binary)"
)


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            "orders:\n    items: []",
            ('local-data.yaml:2:3: table "orders" has no key', KEY_HINT),
        ),
        (
            "orders:",
            ('local-data.yaml:2:3: table "orders" has no key', KEY_HINT),
        ),
        (
            "orders: {key: order_id}",
            (
                'local-data.yaml:2:17: table "orders": key must map its attribute names to '
                "their types",
                KEY_HINT,
            ),
        ),
        (
            "orders: {key: {a: S, b: S, c: S}}",
            (
                'local-data.yaml:2:17: table "orders": key has 3 attributes; a DynamoDB key has '
                "a partition key and at most one sort key",
                KEY_HINT,
            ),
        ),
        (
            "orders: {key: {order_id: string}}",
            (
                'local-data.yaml:2:28: table "orders": key attribute "order_id" has type '
                '"string"; DynamoDB key types are S, N and B',
                "write `order_id: S` for text, N for a number, B for binary",
            ),
        ),
        (
            "orders: {key: {id: S}, itmes: []}",
            ('local-data.yaml:2:26: unknown key "itmes" in table "orders"', "did you mean items?"),
        ),
        (
            "or: {key: {id: S}}",
            (
                'local-data.yaml:2:3: table "or" is not a name DynamoDB accepts: it is 2 '
                "characters long, not 3-255",
                "use 3-255 letters, digits, _, . and -",
            ),
        ),
        (
            "orders: {key: {id: S}, items: {id: x}}",
            (
                'local-data.yaml:2:33: table "orders": items must be a list, one mapping per item',
                'write each item on its own line: `- {id: "1001", total: 42}`',
            ),
        ),
        (
            "orders: [id]",
            ('local-data.yaml:2:11: table "orders" must be a mapping with key and items', KEY_HINT),
        ),
    ],
)
def test_a_table_needs_a_key(table: str, expected: tuple[str, str]) -> None:
    assert problems(f"tables:\n  {table}\n") == [expected]


ITEMS = """\
tables:
  orders:
    key: {order_id: S, line: N}
    items:
"""


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (
            "{line: 1, total: 3}",
            (
                'local-data.yaml:5:9: table "orders": item 1 has no "order_id", its partition key',
                "give every item its key: order_id (text)",
            ),
        ),
        (
            '{order_id: "1"}',
            (
                'local-data.yaml:5:9: table "orders": item 1 has no "line", its sort key',
                "give every item its key: line (a number)",
            ),
        ),
        (
            "{order_id: 1001, line: 1}",
            (
                'local-data.yaml:5:20: table "orders": item 1: "order_id" is a number (1001); '
                "the partition key is S (text)",
                'quote it: "1001"',
            ),
        ),
        (
            '{order_id: "1", line: "2"}',
            (
                'local-data.yaml:5:31: table "orders": item 1: "line" is text ("2"); the sort '
                "key is N (a number)",
                "write it as a number, without quotes",
            ),
        ),
        (
            '{order_id: "", line: 1}',
            (
                'local-data.yaml:5:20: table "orders": item 1: "order_id" is empty; DynamoDB '
                "refuses empty key values",
                "give it a value",
            ),
        ),
        (
            '{order_id: "1", line: 1, total: .inf}',
            (
                'local-data.yaml:5:41: table "orders": item 1, attribute "total": inf is not a '
                "number DynamoDB can store",
                "fix the value",
            ),
        ),
        (
            "just text",
            (
                'local-data.yaml:5:9: table "orders": item 1 must be a mapping of attribute '
                'names to values, not text ("just text")',
                'write it as `- {id: "1001", total: 42}`',
            ),
        ),
    ],
)
def test_an_item_needs_its_key_attributes(item: str, expected: tuple[str, str]) -> None:
    assert problems(f"{ITEMS}      - {item}\n") == [expected]


def test_two_items_with_one_key() -> None:
    assert problems(
        f'{ITEMS}      - {{order_id: "1", line: 1}}\n      - {{order_id: "1", line: 1.0}}\n'
    ) == [
        (
            'local-data.yaml:6:9: table "orders": item 2 has the same key as item 1 '
            '(order_id "1", line 1.0)',
            "give each item its own key; the later item would replace the earlier",
        )
    ]


def test_object_content_is_text_or_a_file_under_the_folder(tmp_path: Path) -> None:
    (tmp_path / "here.log").write_text("x")
    assert problems(
        """\
        buckets:
          acme-logs:
            a.log: 42
            b.log: {file: missing.log}
            c.log: {file: ../outside.log}
            d.log: {path: here.log}
            e.log: {file: here.log}
        """,
        tmp_path,
    ) == [
        (
            'local-data.yaml:3:12: bucket "acme-logs", object "a.log": the content must be text '
            "or {file: PATH}, not a number (42)",
            "write the text (quoted, or as a `|` block), or name a file under local-data/ with "
            "{file: PATH}",
        ),
        (
            'local-data.yaml:4:19: bucket "acme-logs", object "b.log": file '
            "local-data/missing.log does not exist",
            "create it, or fix the path (it is read from local-data/ beside local-data.yaml)",
        ),
        (
            'local-data.yaml:5:19: bucket "acme-logs", object "c.log": file ../outside.log is '
            "not under local-data/",
            "put the file in local-data/ beside local-data.yaml and give its path from there",
        ),
        (
            'local-data.yaml:6:13: unknown key "path" in bucket "acme-logs", object "d.log"',
            "use file",
        ),
        (
            'local-data.yaml:6:12: bucket "acme-logs", object "d.log": say which file holds it',
            "write {file: PATH}",
        ),
    ]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            "aws/x: v",
            (
                'local-data.yaml:2:3: parameter "aws/x" is not a name SSM accepts: it starts '
                'with "aws" or "ssm", which AWS reserves',
                "use letters, digits and _ . - / (a path like /acme-ops/db/host)",
            ),
        ),
        (
            "acme/x: v",
            (
                'local-data.yaml:2:3: parameter "acme/x" is not a name SSM accepts: a name with '
                "/ in it is a path and starts with /",
                "use letters, digits and _ . - / (a path like /acme-ops/db/host)",
            ),
        ),
        (
            "/acme/a b: v",
            (
                'local-data.yaml:2:3: parameter "/acme/a b" is not a name SSM accepts: it '
                'contains " "',
                "use letters, digits and _ . - / (a path like /acme-ops/db/host)",
            ),
        ),
        (
            "/acme/flag: true",
            (
                'local-data.yaml:2:15: parameter "/acme/flag": the value must be text, not '
                "true/false",
                'quote it ("..."), or write {value: ..., type: SecureString}',
            ),
        ),
        (
            '/acme/empty: ""',
            (
                'local-data.yaml:2:16: parameter "/acme/empty": the value is 0 characters long; '
                "SSM takes 1 to 4096",
                "give it a value that fits",
            ),
        ),
        (
            "/acme/t: {value: x, type: StringList}",
            (
                'local-data.yaml:2:29: parameter "/acme/t": type "StringList" is not String or '
                "SecureString",
                "write type: SecureString for a secret value, or leave type out",
            ),
        ),
        (
            "/acme/t: {type: SecureString}",
            ('local-data.yaml:2:12: parameter "/acme/t" has no value', "add value: ..."),
        ),
    ],
)
def test_a_parameter_ssm_would_refuse(entry: str, expected: tuple[str, str]) -> None:
    assert problems(f"parameters:\n  {entry}\n") == [expected]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            "acme/port: 22",
            (
                'local-data.yaml:2:14: secret "acme/port": the value must be text, or a mapping '
                "or list (stored as JSON), not a number (22)",
                'quote it ("...")',
            ),
        ),
        (
            "acme secret: x",
            (
                'local-data.yaml:2:3: secret "acme secret" is not a name Secrets Manager accepts: '
                'it contains " "',
                "use 1-512 letters, digits and / _ + = . @ -",
            ),
        ),
        (
            "acme/bin: {key: !!binary aGk=}",
            (
                'local-data.yaml:2:13: secret "acme/bin": a mapping or list is stored as JSON, '
                "and this one has a value JSON cannot hold",
                "use text, numbers, true/false, null, lists and mappings only",
            ),
        ),
    ],
)
def test_a_secret_secrets_manager_would_refuse(entry: str, expected: tuple[str, str]) -> None:
    assert problems(f"secrets:\n  {entry}\n") == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "- buckets\n",
            (
                "local-data.yaml:1:1: a local data file is a mapping with buckets, tables, "
                "parameters, secrets and queues",
                "start a line with `buckets:`, `tables:`, `parameters:`, `secrets:` or "
                "`queues:`; see local-data.yaml in the README",
            ),
        ),
        (
            "buckets: [acme-logs]\n",
            (
                "local-data.yaml:1:10: buckets must be a mapping of bucket names to their objects",
                "see local-data.yaml in the README",
            ),
        ),
        (
            "buckets:\n  acme-logs: [a.log]\n",
            (
                'local-data.yaml:2:14: bucket "acme-logs" must be a mapping of object keys to '
                "their content",
                "write `{}` for an empty bucket, or one `key: content` line per object",
            ),
        ),
        (
            "buckets:\n  123: {}\n",
            ("local-data.yaml:2:3: bucket name 123 must be text", 'quote it: "123"'),
        ),
        (
            "buckets: {a: 1\n",
            (
                "local-data.yaml:2:1: YAML syntax error: did not find expected ',' or '}' "
                "(while parsing a flow mapping at line 1, column 10)",
                "close the mapping with }",
            ),
        ),
        (
            "buckets:\n  acme-logs: {}\n  acme-logs: {}\n",
            (
                'local-data.yaml:3:3: duplicate key "acme-logs" (first on line 2)',
                "remove one of them; only the last one is used",
            ),
        ),
    ],
)
def test_the_shape_of_the_file(text: str, expected: tuple[str, str]) -> None:
    assert problems(text) == [expected]


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "local-data.yaml"
    path.write_bytes(b"buckets:\n  caf\xe9: {}\n")

    with pytest.raises(LocalDataInvalid) as raised:
        read_local_data(path)

    assert raised.value.problems == (
        (
            f"{path}:2:6: {path} is not UTF-8: byte 0xe9 at line 2, column 6 (byte offset 14)",
            "save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)",
        ),
    )


def test_the_cli_prints_every_problem_then_what_it_means() -> None:
    with pytest.raises(LocalDataInvalid) as raised:
        parse("buckets:\n  ab: {}\n  cd: {}\n")

    assert raised.value.lines()[-1] == (
        "local-data.yaml: 2 problems; the local AWS starts from this file, so it was not created",
        "fix the file and run the command again",
    )
    assert len(raised.value.lines()) == 3


def test_a_link_out_of_the_folder_is_refused_unread(tmp_path: Path) -> None:
    (tmp_path / "secret.env").write_text("DB_URL: postgres://admin:hunter2@db\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "local-data.yaml").symlink_to(tmp_path / "secret.env")
    with pytest.raises(LocalDataInvalid) as raised:
        read_local_data(project / "local-data.yaml")
    assert "hunter2" not in str(raised.value.message)
    assert "is a symbolic link to" in raised.value.message


def test_a_named_pipe_is_refused_without_being_opened(tmp_path: Path) -> None:
    path = tmp_path / "local-data.yaml"
    os.mkfifo(path)
    done: list[BaseException] = []

    def read() -> None:
        try:
            read_local_data(path)
        except LocalDataInvalid as error:
            done.append(error)

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(5)  # opening a FIFO for reading blocks until a writer comes
    assert not worker.is_alive(), "reading the FIFO blocked"
    assert len(done) == 1
    assert "is a named pipe, not a file" in str(done[0])


def test_queues_are_declared_by_name_for_the_jobs_dead_letters() -> None:
    data = parse("queues:\n  acme-dlq:\n  acme-dlq.fifo: {}\n")
    assert data.queues == (
        Queue("acme-dlq", span(2, 3, 2, 11)),
        Queue("acme-dlq.fifo", span(3, 3, 3, 16)),
    )
    assert data.summary() == "2 queues"


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            "acme dlq: {}",
            (
                'local-data.yaml:2:3: queue "acme dlq" is not a name SQS accepts: it contains " "',
                "use 1-80 letters, digits, - and _ (a FIFO queue's name ends with .fifo)",
            ),
        ),
        (
            "acme-dlq: {fifo: true}",
            (
                'local-data.yaml:2:14: unknown key "fifo" in queue "acme-dlq"',
                "write the queue as `acme-dlq: {}`; a name ending with .fifo makes a FIFO queue",
            ),
        ),
    ],
)
def test_a_queue_sqs_would_refuse(entry: str, expected: tuple[str, str]) -> None:
    assert problems(f"queues:\n  {entry}\n") == [expected]


LONG = "Q" * 5000
NUMBER = "7" * 4000


@pytest.mark.parametrize(
    "text",
    [
        f"{LONG}: 1\n",
        f"buckets:\n  {LONG}: {{}}\n",
        f"buckets:\n  ok-bucket:\n    {LONG}: text\n",
        f"buckets:\n  ok-bucket:\n    key: {NUMBER}\n",
        f"buckets:\n  ok-bucket:\n    key: {{file: {LONG}}}\n",
        f"buckets:\n  ok-bucket:\n    key: {{file: ../{LONG}}}\n",
        f"buckets:\n  ok-bucket:\n    key: {{{LONG}: x}}\n",
        f"parameters:\n  /{LONG}: x\n",
        f"parameters:\n  /ok: {{value: x, type: {LONG}}}\n",
        f"parameters:\n  /ok: {{value: x, {LONG}: y}}\n",
        f"secrets:\n  {LONG}: x\n",
        f"secrets:\n  ok: {NUMBER}\n",
        f"queues:\n  {LONG}: {{}}\n",
        f"queues:\n  ok: {{{LONG}: 1}}\n",
        f"queues:\n  ok: {NUMBER}\n",
        f"tables:\n  {LONG}: {{key: {{id: S}}}}\n",
        f"tables:\n  ok:\n    key: {{id: {LONG}}}\n",
        f"tables:\n  ok:\n    key: {{{LONG}: X}}\n",
        f"tables:\n  ok:\n    key: {{id: S}}\n    items: [{{id: {LONG}}}, {{id: {LONG}}}]\n",
        f"tables:\n  ok:\n    key: {{id: S}}\n    {LONG}: 1\n",
    ],
)
def test_every_value_a_problem_quotes_is_cut_to_the_echo_limit(text: str) -> None:
    """A value of 5,000 characters is echoed as its first few dozen and its length, whatever
    part of the file it sits in (as catalogue values are: diagnostics.echo)."""
    found = problems(text)
    assert found
    for message, hint in found:
        for shown in (message, hint):
            assert "q" * (ECHO_LIMIT + 1) not in shown.lower(), shown[:200]
            assert "7" * (ECHO_LIMIT + 1) not in shown, shown[:200]
