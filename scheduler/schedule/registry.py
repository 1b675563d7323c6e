"""Compiled specs by AWS expression, so a `Schedule` value carries only plain strings.

`parse` records what it compiled; a `Schedule` built by hand compiles on first use.
"""

from __future__ import annotations

from scheduler.schedule.forms import parse_aws
from scheduler.schedule.spec import Spec

_LIMIT = 4096
_SPECS: dict[str, Spec] = {}


def remember(aws_expression: str, spec: Spec) -> None:
    if len(_SPECS) >= _LIMIT:
        _SPECS.clear()
    _SPECS[aws_expression] = spec


def spec_for(aws_expression: str) -> Spec:
    """The compiled spec of an AWS expression; raises ScheduleError when it is invalid."""
    spec = _SPECS.get(aws_expression)
    if spec is None:
        _, spec, _ = parse_aws(aws_expression.strip())
        remember(aws_expression, spec)
    return spec
