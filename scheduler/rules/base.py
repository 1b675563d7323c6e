"""What a validation rule is: its documentation (code, severity, examples) and its check.

Each rule is one small class with a `doc` and a `check(context)` that yields diagnostics.
Codes reported by the loader and the schedule parser are documented here too (`RuleDoc`
without a check) so that `sched rules` lists every code sched can emit.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from scheduler import RULES_URL
from scheduler.catalogue.loader import SourceMap
from scheduler.catalogue.model import Catalogue, Job
from scheduler.diagnostics import Diagnostic, Severity, Span
from scheduler.schedule import Schedule, ScheduleError, parse

T = TypeVar("T")
_MISSING: Any = object()

IGNORE_CODES = frozenset({"SCH020", "SCH021", "SCH022", "SCH023"})
"""The codes about `ignore:` entries themselves, which no entry may silence."""


@dataclass(frozen=True)
class RuleDoc:
    """How a code is explained by `sched rules CODE`."""

    code: str
    severity: Severity
    title: str
    explanation: str
    failing: str
    passing: str
    source_url: str = ""

    @property
    def suppressible(self) -> bool:
        """Whether an `ignore:` entry may silence the code: warnings and infos only, since an
        error is what AWS would refuse or sched cannot deploy; never the ignore codes."""
        return self.severity < Severity.ERROR and self.code not in IGNORE_CODES

    @property
    def url(self) -> str:
        """Where the code is documented (cfn-lint's `source_url`): the rule's own page when it
        has one, else the README's diagnostics section (`sched rules CODE` prints the rest)."""
        return self.source_url or RULES_URL


@dataclass
class Context:
    """Everything a rule may look at; each schedule text is parsed once and shared."""

    catalogue: Catalogue
    source_map: SourceMap
    now: datetime
    check_files: bool = True
    _schedules: dict[str, Schedule | ScheduleError] = field(default_factory=dict)
    _memo: dict[Hashable, Any] = field(default_factory=dict)

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """Compute once per validation run (many jobs often share one handler file)."""
        result: T = self._memo.get(key, _MISSING)
        if result is _MISSING:
            result = self._memo[key] = compute()
        return result

    def schedule(self, job: Job) -> Schedule | ScheduleError:
        """The parsed schedule of `job`, or the error that parsing it raised."""
        # Keyed by text: parsing is pure, and large catalogues repeat a few schedules many times.
        cached = self._schedules.get(job.schedule)
        if cached is None:
            try:
                cached = parse(job.schedule)
            except ScheduleError as error:
                cached = error
            self._schedules[job.schedule] = cached
        return cached

    def span(self, job: Job, *keys: str | int) -> Span:
        return self.source_map.span(("jobs", job.name, *keys))

    def setting_span(self, job: Job, *keys: str | int) -> Span:
        """Where a job's setting was written: on the job, else under `defaults:`."""
        own = ("jobs", job.name, *keys)
        return self.source_map.span(own if self.source_map.has(own) else ("defaults", *keys))

    def key_span(self, job: Job, *keys: str | int) -> Span:
        return self.source_map.key_span(("jobs", job.name, *keys))

    @cached_property
    def file(self) -> str:
        return self.source_map.file

    @cached_property
    def base(self) -> Path:
        """The catalogue's folder, resolved once: handler paths are relative to it."""
        return self.catalogue.base_dir.resolve()


class Rule:
    """Base of every checking rule: subclasses set `doc` and implement `check`."""

    doc: RuleDoc

    def check(self, context: Context) -> Iterator[Diagnostic]:
        raise NotImplementedError

    def report(self, span: Span, message: str, hint: str = "") -> Diagnostic:
        return Diagnostic(self.doc.code, self.doc.severity, message, span, hint)
