"""What `sched trigger` says it did: an asynchronous invoke is accepted, not run; an emulator
may accept it and run nothing (moto's Lambda without Docker)."""

from __future__ import annotations

import pytest

from scheduler.app.connect import lambda_endpoint
from scheduler.report.runs import triggered_text


def test_on_aws_the_invoke_is_said_to_be_queued_not_run() -> None:
    assert triggered_text("daily", "acme-daily", "req-1", endpoint=None) == (
        "daily: invoked acme-daily asynchronously (request req-1); Lambda queued the run\n"
        "  follow it with: sched history daily --since 1h"
    )


def test_at_an_endpoint_it_says_the_endpoint_may_not_run_functions() -> None:
    text = triggered_text("daily", "acme-daily", None, endpoint="http://localhost:5000")
    assert text == (
        "daily: invoked acme-daily asynchronously at http://localhost:5000; the endpoint "
        "accepted it\n"
        "  follow it with: sched history daily --since 1h\n"
        "  if nothing shows in history within a minute, the endpoint may not run functions "
        "(moto's Lambda without Docker runs nothing)"
    )


def test_the_lambda_endpoint_is_the_service_one_else_the_global_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_LAMBDA", raising=False)
    assert lambda_endpoint() is None
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://localhost:4566")
    assert lambda_endpoint() == "http://localhost:4566"
    monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", "http://localhost:5000")
    assert lambda_endpoint() == "http://localhost:5000"
