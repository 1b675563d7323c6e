"""Suppressing findings on purpose: the `ignore:` mappings of a job and of the whole catalogue.

Owns which codes may be silenced (warnings and infos only: an error is something AWS would refuse
or sched cannot deploy, so silencing it would only move the failure to apply), which findings an
entry covers, and the codes about the entries themselves (SCH020-SCH023).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from scheduler.catalogue.loader import LoadResult
from scheduler.catalogue.model import Ignore
from scheduler.catalogue.source_map import SourceMap
from scheduler.diagnostics import Diagnostic, Severity, Span, Suppression
from scheduler.rules.base import RuleDoc

_EXPLAINED = (
    " An entry is `CODE: reason` under `ignore:` on a job (findings of that job) or at the top "
    "level (the whole catalogue); only warnings and infos can be silenced."
)

UNKNOWN_CODE = RuleDoc(
    "SCH020",
    Severity.ERROR,
    "ignore: names no diagnostic code",
    "An `ignore:` entry names a code sched never reports, so it silences nothing; usually a "
    "typo." + _EXPLAINED,
    'ignore:\n  SCH801: "runs overlap on purpose: the job takes a lock"',
    'ignore:\n  SCH108: "runs overlap on purpose: the job takes a lock"',
)
NO_REASON = RuleDoc(
    "SCH021",
    Severity.ERROR,
    "ignore: entry without a reason",
    "A silenced finding must say why, so that the next reader can tell a decision from a "
    "shortcut." + _EXPLAINED,
    "ignore:\n  SCH108:",
    'ignore:\n  SCH108: "runs overlap on purpose: the job takes a lock"',
)
STALE = RuleDoc(
    "SCH022",
    Severity.WARNING,
    "ignore: entry suppresses nothing",
    "Nothing reports the code where the entry applies any more (the cause was fixed, or the "
    "entry sits on the wrong job); a stale entry would silently hide the finding when it comes "
    "back." + _EXPLAINED,
    'schedule: rate(1 hour)\nexpected_runtime: 5m\nignore:\n  SCH108: "overlap on purpose"',
    "schedule: rate(1 hour)\nexpected_runtime: 5m",
)
UNSUPPRESSIBLE = RuleDoc(
    "SCH023",
    Severity.ERROR,
    "ignore: names an error, which cannot be silenced",
    "Errors are what AWS would refuse, or what sched cannot deploy: silencing one would only move "
    "the failure to apply. The codes about `ignore:` itself cannot be silenced either."
    + _EXPLAINED,
    'ignore:\n  SCH201: "it runs 20 minutes"',
    "compute: fargate  # a job longer than Lambda's 15 minutes",
)

DOCS: tuple[RuleDoc, ...] = (UNKNOWN_CODE, NO_REASON, STALE, UNSUPPRESSIBLE)


@dataclass(frozen=True)
class _Entry:
    ignore: Ignore
    key: Span
    reason: str


def suppress(
    loaded: LoadResult, found: Iterable[Diagnostic], docs: Mapping[str, RuleDoc]
) -> list[Diagnostic]:
    """`found` with the findings valid entries cover marked suppressed, followed by the findings
    about the entries themselves (unknown code, no reason, unsuppressible, stale)."""
    findings = list(found)
    if loaded.catalogue is None or not loaded.catalogue.ignores:
        return findings
    source_map = loaded.source_map
    about: list[Diagnostic] = []
    entries: list[_Entry] = []
    for ignore in loaded.catalogue.ignores:
        checked = _check(ignore, source_map, docs)
        if isinstance(checked, Diagnostic):
            about.append(checked)
        else:
            entries.append(checked)
    # A job's own entry is tried before the catalogue-wide one: it says more about the finding.
    entries.sort(key=lambda e: e.ignore.job is None)
    used: set[_Entry] = set()
    marked = []
    for finding in findings:
        entry = _covering(finding, entries, source_map)
        if entry is None:
            marked.append(finding)
            continue
        used.add(entry)
        marked.append(replace(finding, suppressed=Suppression(entry.reason, entry.key)))
    for entry in entries:
        if entry not in used:
            about.append(_stale(entry))
    return [*marked, *about]


def _path(ignore: Ignore) -> tuple[str, ...]:
    if ignore.job is None:
        return ("ignore", ignore.code)
    return ("jobs", ignore.job, "ignore", ignore.code)


def _where(ignore: Ignore) -> str:
    return "the catalogue" if ignore.job is None else f'job "{ignore.job}"'


def _check(
    ignore: Ignore, source_map: SourceMap, docs: Mapping[str, RuleDoc]
) -> _Entry | Diagnostic:
    key = source_map.key_span(_path(ignore))
    code = ignore.code
    doc = docs.get(code)
    if doc is None:
        candidates = [c for c, d in docs.items() if d.suppressible]
        close = difflib.get_close_matches(code.upper(), candidates, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        return Diagnostic(
            UNKNOWN_CODE.code,
            UNKNOWN_CODE.severity,
            f"ignore: sched reports no code {code!r} ({_where(ignore)})",
            key,
            f"{hint}`sched rules` lists every code",
        )
    if not doc.suppressible:
        what = "an error" if doc.severity is Severity.ERROR else "about ignore: itself"
        return Diagnostic(
            UNSUPPRESSIBLE.code,
            UNSUPPRESSIBLE.severity,
            f"ignore: {code} is {what} and cannot be silenced ({_where(ignore)})",
            key,
            f"fix its cause instead (`sched rules {code}` explains it), and remove the entry",
        )
    reason = (ignore.reason or "").strip()
    if not reason:
        return Diagnostic(
            NO_REASON.code,
            NO_REASON.severity,
            f"ignore: {code} gives no reason ({_where(ignore)})",
            key,
            f'say why the finding is intended, e.g. {code}: "the overlap is deliberate: ..."',
        )
    return _Entry(ignore, key, reason)


def _covering(finding: Diagnostic, entries: list[_Entry], source_map: SourceMap) -> _Entry | None:
    if finding.suppressed is not None or finding.severity >= Severity.ERROR:
        return None
    for entry in entries:
        if entry.ignore.code != finding.code:
            continue
        job = entry.ignore.job
        if job is None or _of_job(finding, job, source_map):
            return entry
    return None


def _of_job(finding: Diagnostic, job: str, source_map: SourceMap) -> bool:
    """Whether `finding` is about `job`: it is written inside the job, or (for a setting the job
    takes from `defaults:` or an `x-` anchor) its message names the job, as every rule's does."""
    if finding.message.startswith(f'job "{job}"'):
        return True
    area = source_map.span(("jobs", job))
    if area == source_map.span(()) or area.end_line is None:
        return False
    start = (area.line, area.column)
    end = (area.end_line, area.end_column or 1)
    return (
        finding.span.file == area.file and start <= (finding.span.line, finding.span.column) <= end
    )


def _stale(entry: _Entry) -> Diagnostic:
    code = entry.ignore.code
    where = _where(entry.ignore)
    return Diagnostic(
        STALE.code,
        STALE.severity,
        f"ignore: {code} suppresses nothing: {where} has no {code} finding",
        entry.key,
        "remove the entry, so that it cannot hide the finding if it comes back",
    )
