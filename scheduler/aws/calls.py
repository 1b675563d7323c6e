"""Counts the AWS API calls a session makes, per `service:Operation` (IAM action names).

Hooked on botocore's `before-call` event, which fires once per call and once per page of a
paginated listing (retries of one call are not counted again). Benchmarks and the
calls-per-job check read it.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

# Where the endpoint prefix differs from the IAM action prefix.
_IAM_PREFIX = {"tagging": "tag"}


class CallCounter:
    """Thread-safe tally of API calls. Register it as a `before-call.*.*` handler."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def __call__(self, model: Any = None, **_: Any) -> None:
        if model is None:
            return
        prefix = model.service_model.endpoint_prefix
        action = f"{_IAM_PREFIX.get(prefix, prefix)}:{model.name}"
        with self._lock:
            self._counts[action] += 1

    def counts(self) -> dict[str, int]:
        """Calls so far, by action, sorted by action."""
        with self._lock:
            return dict(sorted(self._counts.items()))

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self._counts.values())

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()

    def mutations(self) -> int:
        """Calls that may have changed something (anything but Get/List/Describe/Filter)."""
        with self._lock:
            return sum(n for action, n in self._counts.items() if not _is_read(action))


def is_read(operation: str) -> bool:
    """Whether an operation (`ListRules`) only reads."""
    return operation.startswith(("Get", "List", "Describe", "Filter"))


def _is_read(action: str) -> bool:
    return is_read(action.split(":", 1)[1])
