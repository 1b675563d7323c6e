"""Render a Plan (and an apply's outcome) for people and for machines."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, assert_never

from scheduler.apply import ApplyResult
from scheduler.package import RUNTIME_MODULE, CodeDiff
from scheduler.plan import Action, Change, FieldChange, Plan
from scheduler.report.style import GAP, GREEN, MAGENTA, RED, WIDTH, YELLOW, clip, paint, wrap
from scheduler.resource_dict import as_dict
from scheduler.resource_state import Unowned
from scheduler.resources import (
    NEWEST_VERSION,
    Alias,
    Function,
    Permission,
    QueueStatement,
    Resource,
    Role,
    Rule,
    Schedule,
    ScheduleGroup,
    Target,
    Toggle,
    Topic,
)
from scheduler.rules.secret_rules import looks_secret, secret_name

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
# A change line is `  + function        <name, padded to a column>  <summary>`.
_PREFIX = len(f"{'-/+':>3} {'schedule-group':<15} ")
MAX_NAME_WIDTH = 48
# The narrowest the name column gets before summaries move under long names.
MIN_NAME_WIDTH = 24
_FIELD_INDENT = " " * 8


def _arn_tail(arn: str) -> str:
    return arn.rsplit(":", 1)[-1].rsplit("/", 1)[-1]


def _target_name(arn: str) -> str:
    """What a target invokes, as a reviewer names it: a function with its qualifier
    (`acme-ops-log-backup:live`), a task definition with its revision."""
    parts = arn.split(":")
    if len(parts) >= 7 and parts[2] == "lambda" and parts[5] == "function":
        return ":".join(parts[6:8])
    if "task-definition/" in arn:
        return arn.split("task-definition/", 1)[1]
    return _arn_tail(arn)


def summary(resource: Resource) -> str:
    """The few facts a reviewer wants on a plan line."""
    match resource:
        case Role():
            return "assumed by " + ", ".join(resource.trust_services)
        case Function():
            arm = ", arm64" if resource.architecture == "arm64" else ""
            return (
                f"{resource.runtime}{arm}, {resource.memory_mb} MB, "
                f"timeout {resource.timeout_seconds}s"
            )
        case Alias():
            if resource.version == NEWEST_VERSION:
                return "→ the newest published version"
            return f"→ version {resource.version} (rolled back)"
        case Permission():
            return f"{resource.principal} may invoke it"
        case QueueStatement():
            return f"{resource.principal} may send {_arn_tail(resource.source_arn)}'s dead letters"
        case Rule():
            off = " (disabled)" if resource.state is Toggle.DISABLED else ""
            return f"{resource.schedule_expression}{off}"
        case ScheduleGroup():
            return "holds the catalogue's schedules"
        case Schedule():
            off = " (disabled)" if resource.state is Toggle.DISABLED else ""
            return f"{resource.expression} in {resource.timezone}{off}"
        case Topic():
            return f"alerts emailed to {', '.join(resource.emails) or 'nobody'}"
        case Target():
            what = "ECS task" if resource.ecs else "function"
            arn = resource.ecs.task_definition_arn if resource.ecs else resource.arn
            return f"→ {what} {_target_name(arn)}"
        case _:
            assert_never(resource)


def _head(change: Change, column: int = 0) -> str:
    return f"{_SYMBOL[change.action]:>3} {change.kind.value:<15} {change.name:<{column}}"


def _one_line(change: Change, facts: str, column: int) -> str:
    return f"{_head(change, column)}{GAP}{facts}".rstrip()


def _name_column(changes: Sequence[Change], facts: Sequence[str], width: int) -> int:
    """The longest name (at most MAX_NAME_WIDTH) when every line fits in `width`; else the
    widest column, down to MIN_NAME_WIDTH, beside which the summary of every name that fits
    the column fits too (the longer names get their summary on a line of its own)."""
    natural = min(MAX_NAME_WIDTH, max(len(c.name) for c in changes))
    pairs = list(zip(changes, facts, strict=True))
    if all(len(_one_line(c, f, natural)) <= width for c, f in pairs):
        return natural
    for column in range(natural, MIN_NAME_WIDTH - 1, -1):
        start = _PREFIX + column + len(GAP)
        if all(start + len(f) <= width for c, f in pairs if len(c.name) <= column):
            return column
    return min(natural, MIN_NAME_WIDTH)


def _change_lines(change: Change, facts: str, *, column: int, width: int) -> list[str]:
    """The change and its summary (`facts`) on one line when it fits in `width`; else the
    summary is clipped where the name fits its column, or goes under a longer name, as far to
    the right as it fits."""
    line = _one_line(change, facts, column)
    if len(line) <= width:
        return [line]
    start = _PREFIX + column + len(GAP)
    if len(change.name) <= column:
        return [_one_line(change, clip(facts, width - start), column)]
    indent = max(_PREFIX, min(start, width - len(facts)))
    return [_head(change), " " * indent + clip(facts, width - indent)]


def _statements(value: object) -> list[dict[str, object]] | None:
    """The statements of an IAM policy document given as JSON text (None: not a policy)."""
    if value is None:
        return []
    if not isinstance(value, str) or not value.startswith("{"):
        return None
    try:
        document = json.loads(value)
    except ValueError:
        return None
    statements = document.get("Statement") if isinstance(document, dict) else None
    if not isinstance(statements, list) or not all(isinstance(s, dict) for s in statements):
        return None
    return statements


def _listed(value: object) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _statement_text(statement: dict[str, object]) -> str:
    action_key = "NotAction" if "NotAction" in statement else "Action"
    resource_key = "NotResource" if "NotResource" in statement else "Resource"
    text = f"{statement.get('Effect')} {'not ' * (action_key == 'NotAction')}"
    text += _listed(statement.get(action_key, ""))
    if resource_key in statement:
        text += f" on {'all but ' * (resource_key == 'NotResource')}"
        text += _listed(statement[resource_key])
    if "Principal" in statement:
        text += f" for {json.dumps(statement['Principal'], sort_keys=True)}"
    if "Condition" in statement:
        text += f" when {json.dumps(statement['Condition'], sort_keys=True)}"
    return text


def _policy_lines(field: FieldChange, width: int) -> list[str] | None:
    """A policy change as the statements it adds and removes, one per line (a 2,000-character
    JSON line is not reviewable); None when the field is no policy document."""
    before, after = _statements(field.old), _statements(field.new)
    if before is None or after is None:
        return None
    removed = [s for s in before if s not in after]
    added = [s for s in after if s not in before]
    changed = _pairs(removed, added)
    head = (
        f"{_FIELD_INDENT}{field.field}: {len(added)} statement(s) added, {len(removed)} removed"
        + (f", {len(changed)} changed" if changed else "")
    )
    lines = [head]
    indent = _FIELD_INDENT + "  "
    for old, new in changed:
        lines += wrap(f"~ {_statement_text(old)}", width, indent=indent, hang=indent + "  ")
        for part in _statement_parts(old, new):
            lines += wrap(part, width, indent=indent + "    ", hang=indent + "      ")
    for sign, statement in [*(("-", s) for s in removed), *(("+", s) for s in added)]:
        lines += wrap(
            f"{sign} {_statement_text(statement)}", width, indent=indent, hang=indent + "  "
        )
    return lines


def _as_set(value: object) -> set[str]:
    if value is None:
        return set()
    return {str(v) for v in value} if isinstance(value, list) else {str(value)}


def _pairs(
    removed: list[dict[str, object]], added: list[dict[str, object]]
) -> list[tuple[dict[str, object], dict[str, object]]]:
    """Removed and added statements that are one statement changed: the same Sid, or the same
    effect and the same actions or resources. Paired ones leave `removed` and `added`."""
    pairs = []
    for old in list(removed):
        for new in added:
            same_sid = bool(old.get("Sid")) and old.get("Sid") == new.get("Sid")
            same_effect = old.get("Effect") == new.get("Effect")
            same_actions = _as_set(old.get("Action")) == _as_set(new.get("Action"))
            same_resources = _as_set(old.get("Resource")) == _as_set(new.get("Resource"))
            if same_sid or (same_effect and (same_actions or same_resources)):
                pairs.append((old, new))
                removed.remove(old)
                added.remove(new)
                break
    return pairs


def _statement_parts(old: dict[str, object], new: dict[str, object]) -> list[str]:
    """What changed in one statement: each action and resource added or removed, and any other
    key (effect, principal, condition) before → after."""
    parts = []
    for key, noun in (("Action", "action"), ("NotAction", "not-action"),
                      ("Resource", "resource"), ("NotResource", "not-resource")):  # fmt: skip
        was, now = _as_set(old.get(key)), _as_set(new.get(key))
        parts += [f"+ {noun} {value}" for value in sorted(now - was)]
        parts += [f"- {noun} {value}" for value in sorted(was - now)]
    for key in ("Effect", "Principal", "Condition"):
        if old.get(key) != new.get(key):
            before = json.dumps(old.get(key), sort_keys=True) if key in old else "(none)"
            after = json.dumps(new.get(key), sort_keys=True) if key in new else "(none)"
            parts.append(f"{key.lower()}: {before} → {after}")
    return parts


CODE_FIELD = "code"


def _code_lines(files: Sequence[str] | None, diff: CodeDiff | None, width: int) -> list[str]:
    """A code change: the files that changed when both packages were built here (`diff`);
    else, since what is deployed is known only by its digest, "code changed" and, when the new
    package was built here, the files it holds (sched's own runtime counted, not listed)."""
    if diff is not None:
        return wrap(_diff_text(diff), width, indent=_FIELD_INDENT, hang=_FIELD_INDENT + "  ")
    if files is None:
        return [f"{_FIELD_INDENT}code changed (the zip's hash differs)"]
    own = [name for name in files if not name.startswith(f"{RUNTIME_MODULE}/")]
    runtime = len(files) - len(own)
    text = f"code changed; the new package holds {', '.join(own) or 'no file of the job'}"
    if runtime:
        text += f" (and {runtime} file{'s' * (runtime != 1)} of {RUNTIME_MODULE}/)"
    return wrap(text, width, indent=_FIELD_INDENT, hang=_FIELD_INDENT + "  ")


def _diff_text(diff: CodeDiff) -> str:
    """`code changed: lib/keys.py changed; lib/new.py added` (sched's runtime as one entry)."""
    parts = []
    for verb, names in (
        ("changed", diff.changed),
        ("added", diff.added),
        ("removed", diff.removed),
    ):
        own = [name for name in names if not name.startswith(f"{RUNTIME_MODULE}/")]
        if len(own) < len(names):
            own.append(f"{RUNTIME_MODULE}/ (sched's wrapper)")
        if own:
            parts.append(f"{', '.join(own)} {verb}")
    return ("code changed: " + "; ".join(parts)) if parts else "code changed"


HIDDEN = "(hidden: looks like a secret)"


def _secret(name: str, *values: str) -> bool:
    """An environment variable a plan must not print: named like a secret, or any of its
    values looking like one (SCH310's judgement)."""
    return secret_name(name) or any(looks_secret(name, v) for v in values)


def shown(field: FieldChange) -> FieldChange:
    """`field` as a plan may show it: an environment value that looks like a secret (by its
    name or its value, as SCH310 judges) is never printed, old or new; plans end up in CI logs
    and pull-request comments."""
    if not field.field.startswith("environment."):
        return field
    name = field.field.removeprefix("environment.")
    values = [v for v in (field.old, field.new) if isinstance(v, str)]
    if _secret(name, *values):
        return FieldChange(
            field.field,
            HIDDEN if field.old is not None else None,
            HIDDEN if field.new is not None else None,
        )
    return field


def _field_lines(field: FieldChange, width: int) -> list[str]:
    field = shown(field)
    policy = _policy_lines(field, width)
    if policy is not None:
        return policy
    line = f"{_FIELD_INDENT}{field}"
    if len(line) <= width:
        return [line]
    return wrap(str(field), width, indent=_FIELD_INDENT, hang=_FIELD_INDENT + "  ")


def counts_line(plan: Plan) -> str:
    parts = [
        f"{plan.count(Action.CREATE)} to create",
        f"{plan.count(Action.UPDATE)} to update",
        f"{plan.count(Action.REPLACE)} to replace",
        f"{plan.count(Action.DELETE)} to delete",
        f"{plan.count(Action.UNCHANGED)} unchanged",
    ]
    return "Plan: " + ", ".join(parts) + "."


def _unowned_lines(
    title: str, symbol: str, items: Sequence[Unowned], width: int, column: int
) -> list[str]:
    if not items:
        return []
    lines = ["", title]
    for item in items:
        line = f"{symbol:>3} {item.key[0].value:<15} {item.key[1]:<{column}}{GAP}{item.why}"
        lines.append(clip(line.rstrip(), width))
    return lines


def _found_lines(plan: Plan, width: int) -> list[str]:
    """The names others hold (apply refuses) and what a person added inside sched's resources
    (shown, never a change)."""
    found = [*plan.collisions, *plan.drift]
    if not found:
        return []
    column = min(MAX_NAME_WIDTH, max(len(u.key[1]) for u in found))
    return [
        *_unowned_lines(
            "Names taken (apply refuses the whole plan until they are free):",
            "!",
            plan.collisions,
            width,
            column,
        ),
        *_unowned_lines("Not created by sched (left as they are):", "?", plan.drift, width, column),
    ]


def _pinned_lines(plan: Plan, width: int, jobs: Mapping[str, str] | None) -> list[str]:
    """Aliases a rollback pinned: the plan leaves them on their version until unpinned."""
    if not plan.pinned:
        return []
    lines = ["", "Pinned by sched rollback (apply leaves them on their version):"]
    for alias in plan.pinned:
        job = (jobs or {}).get(alias.function, "JOB")
        line = (
            f"= alias {alias.key_name}{GAP}on version {alias.version}, not the newest;"
            f" sched rollback {job} --latest moves it there"
        )
        lines += wrap(line, width, indent="  ", hang="      ")
    return lines


def _finished_lines(plan: Plan, width: int) -> list[str]:
    """One-off schedules that ran and deleted themselves: not created again."""
    if not plan.finished:
        return []
    lines = ["", "Finished one-off schedules (ran at their time and deleted themselves):"]
    for schedule in plan.finished:
        line = f"  = schedule {schedule.key_name}{GAP}ran at {schedule.fires_at}, not created again"
        lines.append(clip(line, width))
    return lines


SHARED = "shared by the catalogue's jobs"


def job_of(change: Change, jobs: Mapping[str, str]) -> str | None:
    """The job whose resource `change` is (a part of its name is one `jobs` maps), else None:
    a resource the jobs share (topics, the watcher, the shared roles, the schedule group)."""
    for part in re.split("[/:]", change.name):  # `function/statement`, `function:alias`
        if part in jobs:
            return jobs[part]
    return None


def _groups(plan: Plan, jobs: Mapping[str, str]) -> list[tuple[str, list[Change]]]:
    """The pending changes by job (in the order of their first change), the shared last."""
    by_job: dict[str | None, list[Change]] = {}
    for change in plan.pending:
        by_job.setdefault(job_of(change, jobs), []).append(change)
    shared = by_job.pop(None, [])
    groups = [(f"job {name}", changes) for name, changes in by_job.items() if name is not None]
    return [*groups, *([(SHARED, shared)] if shared else [])]


def attention_line(plan: Plan) -> str | None:
    """Deletions and replacements, counted on a line of their own: they lose data or history."""
    doomed, replaced = plan.count(Action.DELETE), plan.count(Action.REPLACE)
    if not doomed and not replaced:
        return None
    parts = [f"{doomed} to delete"] * bool(doomed) + [f"{replaced} to replace"] * bool(replaced)
    return f"Review: {' and '.join(parts)} (marked - and -/+ above)."


def to_text(
    plan: Plan,
    *,
    header: str,
    colour: bool = False,
    width: int = WIDTH,
    jobs: Mapping[str, str] | None = None,
    packages: Mapping[str, Sequence[str]] | None = None,
    diffs: Mapping[str, CodeDiff] | None = None,
    unchanged: str | None = None,
) -> str:
    """The header, then the pending changes grouped by job (`jobs`: resource name → job, see
    `job_of`; None: not grouped), the shared resources apart: one line per change (two when a
    long name leaves its summary no room) with its changed fields below. Then the counts, and
    deletions and replacements on a line of their own; lines kept within `width`. `packages`:
    function name → the files of its new package, for code changes; `diffs`: function name →
    the files that changed, where both packages were built here. Below them
    the names others hold and what sched found and did not create. `unchanged`: what to say
    instead of "No changes" when nothing is pending (a destroy with nothing left)."""
    if not plan.has_changes:
        total = len(plan.changes)
        same = unchanged or f"No changes: {total} resource{'s' * (total != 1)} up to date."
        lines = [header, "", same]
        lines += _pinned_lines(plan, width, jobs)
        return "\n".join([*lines, *_finished_lines(plan, width), *_found_lines(plan, width)])
    lines = [*wrap(header, width)]
    facts = {id(change): summary(change.resource) for change in plan.pending}
    column = _name_column(plan.pending, list(facts.values()), width)
    groups = [("", list(plan.pending))] if jobs is None else _groups(plan, jobs)
    for title, changes in groups:
        lines += ["", title] if title else [""]
        for change in changes:
            tint = _COLOUR[change.action]
            lines += (
                paint(line, tint, colour)
                for line in _change_lines(change, facts[id(change)], column=column, width=width)
            )
            for field in change.fields:
                if field.field == CODE_FIELD:
                    files = (packages or {}).get(change.name)
                    lines += _code_lines(files, (diffs or {}).get(change.name), width)
                else:
                    lines += _field_lines(field, width)
    lines += ["", *wrap(counts_line(plan), width)]
    attention = attention_line(plan)
    if attention is not None:
        lines += [paint(line, RED, colour) for line in wrap(attention, width)]
    lines += _pinned_lines(plan, width, jobs)
    lines += _finished_lines(plan, width)
    lines += _found_lines(plan, width)
    return "\n".join(lines)


def to_json(
    plan: Plan,
    *,
    jobs: Mapping[str, str] | None = None,
    extra: Mapping[str, object] | None = None,
) -> str:
    """The plan for machines; with `jobs` (see `job_of`) each change names its job (null: a
    resource the jobs share); `extra` adds keys (the quota report)."""

    def entry(change: Change) -> dict[str, object]:
        grouped = {} if jobs is None else {"job": job_of(change, jobs)}
        return {
            "action": change.action.value,
            "kind": change.kind.value,
            "name": change.name,
            **grouped,
            "fields": [
                {"field": f.field, "old": _plain(f.old), "new": _plain(f.new)}
                for f in map(shown, change.fields)
            ],
            "resource": _without_secrets(as_dict(change.resource)),
        }

    summary = {action.value: plan.count(action) for action in Action}

    def found(item: Unowned) -> dict[str, object]:
        return {"kind": item.key[0].value, "name": item.key[1], "why": item.why}

    document = {
        "has_changes": plan.has_changes,
        "summary": summary,
        "changes": [entry(c) for c in plan.changes],
        "collisions": [found(u) for u in plan.collisions],
        "not_created_by_sched": [found(u) for u in plan.drift],
        "finished": [{"name": s.key_name, "ran_at": s.fires_at} for s in plan.finished],
        "pinned": [
            {
                "name": a.key_name,
                "version": a.version,
                **({} if jobs is None else {"job": jobs.get(a.function)}),
            }
            for a in plan.pinned
        ],
        **(extra or {}),
    }
    return json.dumps(document, indent=2, default=str)


def _without_secrets(resource: dict[str, Any]) -> dict[str, Any]:
    """A resource for `plan --format json`, its secret-looking environment values hidden."""
    environment = resource.get("environment")
    if not isinstance(environment, dict):
        return resource
    hidden = {
        k: HIDDEN if isinstance(v, str) and _secret(k, v) else v for k, v in environment.items()
    }
    return {**resource, "environment": hidden}


def _plain(value: object) -> object:
    from scheduler.plan import render

    return value if isinstance(value, str | int | float | bool) or value is None else render(value)


def progress_line(change: Change, status: str) -> str:
    return f"{status:>8}  {change}"


def eta_line(finished: int, total: int, seconds: float) -> str:
    """Apply's status line at a terminal: how far it is, how fast, and when it should end (from
    the rate so far; none before the first change ends)."""
    share = finished * 100 // total if total else 100
    head = f"{finished}/{total} changes ({share}%)"
    if finished == 0 or seconds <= 0:
        return f"{head} · ETA unknown"
    rate = finished / seconds
    left = round((total - finished) / rate)
    return f"{head} · {rate:.1f}/s · ETA {left // 60}:{left % 60:02d}"


def interrupted_line(running: int) -> str:
    """What apply's `on_interrupt` says: Ctrl-C was seen, and what apply still waits for."""
    if running == 0:
        return "interrupted; no change was running"
    return f"interrupted; waiting for {running} running change(s)"


def nothing_changed_line(verb: str = "Apply") -> str:
    """What a Ctrl-C before the first change says, whether it stopped the reading, the plan or
    the apply itself."""
    return f"{verb} interrupted before any change was made: nothing was changed."


def result_summary(result: ApplyResult, *, seconds: float, verb: str = "Apply") -> str:
    """What was done, what failed (and why) and what was skipped: the user's next step. `verb`
    names the command (Apply, Destroy)."""
    lines = []
    if result.interrupted and not result.done and not result.failed:
        return nothing_changed_line(verb)
    if result.ok:
        lines.append(f"{verb} complete: {len(result.done)} change(s) in {seconds:.1f}s.")
        return "\n".join(lines)
    head = f"{verb} interrupted" if result.interrupted else f"{verb} failed"
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
    if all(getattr(f.error, "transient", False) for f in result.failed):
        lines.append("Nothing else was touched. Run the same command again to finish.")
    else:
        lines.append(
            "Nothing else was touched. Running the same command again fails the same way "
            "until what failed is fixed."
        )
    return "\n".join(lines)


def _reason(error: BaseException) -> str:
    return getattr(error, "message", None) or f"{type(error).__name__}: {error}"


def deletions(plan: Plan) -> Sequence[Change]:
    return [c for c in plan.pending if c.action in (Action.DELETE, Action.REPLACE)]
