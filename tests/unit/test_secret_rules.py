"""SCH310 finds secrets written in plain text by their look, under any key, and by their key."""

from __future__ import annotations

import pytest

from scheduler.rules.secret_rules import looks_secret

SECRETS_BY_LOOK = [
    "AKIAIOSFODNN7EXAMPLE",
    "-----BEGIN RSA PRIVATE KEY-----",
    "-----BEGIN PRIVATE KEY-----",
    "ghp_" + "a1B2" * 9,
    "gho_" + "Z9y8" * 9,
    "xoxb-1234567890-abcdefghij",
    "sk_live_" + "4eC39HqLyjWDarjt",
    "postgres://admin:hunter2@db.internal:5432/app",
    "https://hooks.slack.com/services/T000/B000/XXXX",
]


@pytest.mark.parametrize("value", SECRETS_BY_LOOK)
def test_a_value_that_looks_like_a_secret_is_one_under_any_key(value: str) -> None:
    assert looks_secret("note", value)
    assert looks_secret("note", f"before {value} after")


@pytest.mark.parametrize(
    ("key", "value", "secret"),
    [
        ("DB_PASSWORD", "hunter2hunter2", True),
        ("api-key", "abcdefgh12345678", True),
        ("DB_PASSWORD", "short", False),  # under 8 characters: a placeholder
        ("DB_PASSWORD", "two words here", False),  # a sentence, not a password
        ("DB_PASSWORD", "/prod/db/password", False),  # a reference to a store
        ("DB_PASSWORD", "ssm:/prod/db/password", False),
        ("bucket", "bench-bucket", False),
        ("url", "https://example.com/path_with_underscores", False),
    ],
)
def test_a_value_under_a_secret_looking_key(key: str, value: str, secret: bool) -> None:
    assert looks_secret(key, value) is secret
