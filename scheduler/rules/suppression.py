"""Suppressing findings on purpose: the `ignore:` mappings of a job and of the whole catalogue.

Owns which codes may be silenced (warnings and infos only: an error is something AWS would refuse
or sched cannot deploy, so silencing it would only move the failure to apply), which findings an
entry covers, and the codes about the entries themselves (SCH020-SCH023).
"""

from __future__ import annotations

import re
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
    index = _Index(entries, source_map)
    used: set[_Entry] = set()
    marked = []
    for finding in findings:
        entry = index.covering(finding)
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


def _one_off(typed: str, code: str) -> bool:
    """One character wrong, or two neighbours swapped (SCH180 for SCH108): what a typo of a
    code looks like; a shared prefix is not (SCH999 is no SCH409)."""
    if len(typed) != len(code):
        return False
    wrong = [i for i, (a, b) in enumerate(zip(typed, code, strict=True)) if a != b]
    if len(wrong) == 1:
        return True
    return (
        len(wrong) == 2
        and wrong[1] == wrong[0] + 1
        and typed[wrong[0]] == code[wrong[1]]
        and typed[wrong[1]] == code[wrong[0]]
    )


def _check(
    ignore: Ignore, source_map: SourceMap, docs: Mapping[str, RuleDoc]
) -> _Entry | Diagnostic:
    key = source_map.key_span(_path(ignore))
    code = ignore.code
    doc = docs.get(code)
    if doc is None:
        candidates = [c for c, d in docs.items() if d.suppressible]
        close = [c for c in sorted(candidates) if _one_off(code.upper(), c)][:1]
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


_NAMED_JOB = re.compile(r'job "([^"]*)"')


class _Index:
    """The valid entries by code (and job), so that matching stays linear in the findings: a
    catalogue of thousands of jobs may carry an entry on each."""

    def __init__(self, entries: list[_Entry], source_map: SourceMap) -> None:
        self.source_map = source_map
        self.wide = {e.ignore.code: e for e in entries if e.ignore.job is None}
        self.own: dict[str, dict[str, _Entry]] = {}
        for entry in entries:
            if entry.ignore.job is not None:
                self.own.setdefault(entry.ignore.code, {})[entry.ignore.job] = entry

    def covering(self, finding: Diagnostic) -> _Entry | None:
        """The entry that silences `finding`: its job's own first (it says more), else the
        catalogue-wide one. Errors are never silenced."""
        if finding.suppressed is not None or finding.severity >= Severity.ERROR:
            return None
        jobs = self.own.get(finding.code, {})
        job = self.job_of(finding, jobs)
        return jobs.get(job) if job in jobs else self.wide.get(finding.code)

    def job_of(self, finding: Diagnostic, candidates: Mapping[str, _Entry]) -> str | None:
        """The job `finding` is about: the one its message starts with, as every rule's does
        (also for a setting taken from `defaults:` or an `x-` anchor), else the job it is
        written inside."""
        named = _NAMED_JOB.match(finding.message)
        if named:
            return named.group(1)
        for job in candidates:
            if self.inside(finding.span, job):
                return job
        return None

    def inside(self, span: Span, job: str) -> bool:
        area = self.source_map.span(("jobs", job))
        if area.end_line is None or not self.source_map.has(("jobs", job)):
            return False
        start = (area.line, area.column)
        end = (area.end_line, area.end_column or 1)
        return span.file == area.file and start <= (span.line, span.column) <= end


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
