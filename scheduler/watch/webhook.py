"""Webhook alert channels (Slack's incoming webhooks, or any URL taking JSON): the message as
each expects it, and one POST with the standard library's urllib (the watcher ships no HTTP
library). The URL is a secret, read through a `SecretSource` when first needed, and never
written into an error, a log line or the output: only the channel and its reference are.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from scheduler.ports import SecretSource

SLACK = "slack"
WEBHOOK = "webhook"
# An alert must not hold the watcher's pass for long: one slow hook delays every other channel.
TIMEOUT_SECONDS = 10.0
# Plain http only to this machine (a local test receiver); anything else must be https.
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
USER_AGENT = "sched-watcher"

Post = Callable[[str, bytes], int]


class WebhookError(Exception):
    """A webhook could not be sent; the message names no URL (it is a secret)."""


@dataclass(frozen=True)
class Webhook:
    """A webhook channel: `kind` is SLACK or WEBHOOK, `secret` the reference of its URL."""

    channel: str
    kind: str
    secret: str


def check_url(url: str) -> str:
    """`url` stripped, when it is one to POST to: https, or http to this machine only."""
    text = url.strip()
    try:
        parts = urllib.parse.urlsplit(text)
        host = parts.hostname
    except ValueError:
        host = None
        parts = None
    if parts is None or not host:
        raise WebhookError("the secret does not hold a URL")
    if parts.scheme == "https" or (parts.scheme == "http" and host in _LOOPBACK):
        return text
    raise WebhookError(f"the secret's URL is {parts.scheme or 'no'} scheme: write an https:// URL")


def _slack_escape(text: str) -> str:
    # Slack reads &, < and > as markup in message text:
    # https://api.slack.com/reference/surfaces/formatting#escaping
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def body(kind: str, subject: str, message: str, fields: Mapping[str, Any]) -> bytes:
    """What is POSTed: Slack's `{"text": ...}` (the subject in bold, then the message), or
    sched's own JSON document (`fields`, with the subject and message)."""
    if kind == SLACK:
        text = f"*{_slack_escape(subject)}*\n{_slack_escape(message.rstrip())}"
        document: dict[str, Any] = {"text": text}
    else:
        document = {"sched_alert": 1, **fields, "subject": subject, "message": message}
    return json.dumps(document, sort_keys=True).encode("utf-8")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a hop: urllib would resend a POST as a GET elsewhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def post_json(url: str, data: bytes) -> int:
    """POST `data` as JSON to `url`; the HTTP status of a 2xx answer, else WebhookError."""
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": USER_AGENT},
    )
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as answer:
            answer.read()
            return int(answer.status)
    except urllib.error.HTTPError as error:
        raise WebhookError(f"the webhook answered HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise WebhookError(f"the webhook could not be reached: {error.reason}") from None
    except (OSError, http.client.HTTPException, ValueError) as error:  # a timeout is an OSError
        raise WebhookError(f"the webhook could not be reached: {type(error).__name__}") from None


class HookSender:
    """Sends to webhook channels: each URL read once (per sender: one pass, one test)."""

    def __init__(self, secrets: SecretSource, post: Post = post_json) -> None:
        self.secrets = secrets
        self.post = post
        self._urls: dict[str, str] = {}

    def send(self, hook: Webhook, subject: str, message: str, fields: Mapping[str, Any]) -> str:
        """POST the message; a receipt (`HTTP 200`), or an exception saying what failed."""
        url = self._urls.get(hook.secret)
        if url is None:
            url = self._urls[hook.secret] = check_url(self.secrets.value(hook.secret))
        status = self.post(url, body(hook.kind, subject, message, fields))
        return f"HTTP {status}"
