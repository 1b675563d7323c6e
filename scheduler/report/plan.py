"""Render a Plan (and an apply's outcome) for people and for machines."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import assert_never

from scheduler.apply import ApplyResult
from scheduler.plan import Action, Change, Plan
from scheduler.report.style import GREEN, MAGENTA, RED, YELLOW, paint
from scheduler.resources import (
    Function,
    Permission,
    Resource,
    Role,
    Rule,
    Schedule,
    ScheduleGroup,
    Target,
    Toggle,
    as_dict,
)

_SYMBOL = {
    Action.CREATE: "+",
    Action.UPDATE: "~",
    Action.REPLACE: "-/+",
    Action.DELETE: "-",
    Action.UNCHANGED: " ",
}
_COLOUR = {
    Action.CREATE: GREEN,
    Action.UPDATE: YELLOW,
    Action.REPLACE: MAGENTA,
    Action.DELETE: RED,
    Action.UNCHANGED: "",
}


def _arn_tail(arn: str) -> str:
    return arn.rsplit(":", 1)[-1].rsplit("/", 1)[-1]


def summary(resource: Resource) -> str:
    """The few facts a reviewer wants on a plan line."""
    match resource:
        case Role():
            return "assumed by " + ", ".join(resource.trust_services)
        case Function():
            return (
                f"{resource.runtime}, {resource.memory_mb} MB, timeout {resource.timeout_seconds}s"
            )
        case Permission():
            return f"{resource.principal} may invoke it"
        case Rule():
            off = " (disabled)" if resource.state is Toggle.DISABLED else ""
            return f"{resource.schedule_expression}{off}"
        case ScheduleGroup():
            return "holds the catalogue's schedules"
        case Schedule():
            off = " (disabled)" if resource.state is Toggle.DISABLED else ""
            return f"{resource.expression} in {resource.timezone}{off}"
        case Target():
            what = "ECS task" if resource.ecs else "function"
            arn = resource.ecs.task_definition_arn if resource.ecs else resource.arn
            return f"→ {what} {_arn_tail(arn)}"
        case _:
            assert_never(resource)


def change_line(change: Change, *, colour: bool = False, width: int = 40) -> str:
    symbol = _SYMBOL[change.action]
    text = f"{symbol:>3} {change.kind.value:<15} {change.name:<{width}}  {summary(change.resource)}"
    text = text.rstrip()
    return paint(text, _COLOUR[change.action], colour)


def counts_line(plan: Plan) -> str:
    parts = [
        f"{plan.count(Action.CREATE)} to create",
        f"{plan.count(Action.UPDATE)} to update",
        f"{plan.count(Action.REPLACE)} to replace",
        f"{plan.count(Action.DELETE)} to delete",
        f"{plan.count(Action.UNCHANGED)} unchanged",
    ]
    return "Plan: " + ", ".join(parts) + "."


def to_text(plan: Plan, *, header: str, colour: bool = False) -> str:
    if not plan.has_changes:
        total = len(plan.changes)
        return f"{header}\n\nNo changes: {total} resource{'s' * (total != 1)} up to date."
    lines = [header, ""]
    width = min(48, max(len(c.name) for c in plan.pending))
    for change in plan.pending:
        lines.append(change_line(change, colour=colour, width=width))
        lines.extend(f"        {field}" for field in change.fields)
    lines += ["", counts_line(plan)]
    return "\n".join(lines)


def to_json(plan: Plan) -> str:
    def entry(change: Change) -> dict[str, object]:
        return {
            "action": change.action.value,
            "kind": change.kind.value,
            "name": change.name,
            "fields": [
                {"field": f.field, "old": _plain(f.old), "new": _plain(f.new)}
                for f in change.fields
            ],
            "resource": as_dict(change.resource),
        }

    summary = {action.value: plan.count(action) for action in Action}
    document = {
        "has_changes": plan.has_changes,
        "summary": summary,
        "changes": [entry(c) for c in plan.changes],
    }
    return json.dumps(document, indent=2, default=str)


def _plain(value: object) -> object:
    from scheduler.plan import render

    return value if isinstance(value, str | int | float | bool) or value is None else render(value)


def progress_line(change: Change, status: str) -> str:
    return f"{status:>8}  {change}"


def interrupted_line(running: int) -> str:
    """What apply's `on_interrupt` says: Ctrl-C was seen, and what apply still waits for."""
    if running == 0:
        return "interrupted; no change was running"
    return f"interrupted; waiting for {running} running change(s)"


def result_summary(result: ApplyResult, *, seconds: float) -> str:
    """What was done, what failed (and why) and what was skipped: the user's next step."""
    lines = []
    if result.ok:
        lines.append(f"Apply complete: {len(result.done)} change(s) in {seconds:.1f}s.")
        return "\n".join(lines)
    head = "Apply interrupted" if result.interrupted else "Apply failed"
    lines.append(
        f"{head}: {len(result.done)} done, {len(result.failed)} failed, "
        f"{len(result.skipped)} skipped ({seconds:.1f}s)."
    )
    for failure in result.failed:
        lines.append(f"  failed   {failure.change}: {_reason(failure.error)}")
        hint = getattr(failure.error, "hint", "")
        if hint:
            lines.append(f"           hint: {hint}")
    lines.extend(f"  skipped  {change}" for change in result.skipped)
    lines.append("Nothing else was touched. Run the same command again to finish.")
    return "\n".join(lines)


def _reason(error: BaseException) -> str:
    return getattr(error, "message", None) or f"{type(error).__name__}: {error}"


def deletions(plan: Plan) -> Sequence[Change]:
    return [c for c in plan.pending if c.action in (Action.DELETE, Action.REPLACE)]
