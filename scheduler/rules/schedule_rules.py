"""Rules about when a job fires: syntax, never firing, time zones, DST and overlapping runs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import partial
from typing import Literal

from scheduler import limits, naming
from scheduler.catalogue.durations import format_duration
from scheduler.catalogue.model import Backend, Compute, Job
from scheduler.diagnostics import Diagnostic, Severity, Span, echo
from scheduler.rules.base import Context, Rule, RuleDoc
from scheduler.schedule import Schedule, ScheduleError, is_known_timezone
from scheduler.schedule.zones import closest_timezones


def _error_span(value: Span, source: str, error: ScheduleError) -> Span:
    """Point inside the schedule string when the parser knows where the bad part is."""
    if error.offset is None or value.end_column is None or value.end_line != value.line:
        return value
    quoted = value.end_column - value.column == len(source) + 2
    start = value.column + (1 if quoted else 0) + error.offset
    return Span(value.file, value.line, start, value.line, start + max(error.length or 1, 1))


def _schedule(context: Context, job: Job) -> Schedule | None:
    parsed = context.schedule(job)
    return parsed if isinstance(parsed, Schedule) else None


class ScheduleSyntax(Rule):
    doc = RuleDoc(
        "SCH101",
        Severity.ERROR,
        "invalid schedule expression",
        "The schedule must be AWS cron(...), rate(...), at(...), a 5-field Unix cron or a preset "
        "such as @daily. AWS cron has 6 fields, exactly one of day-of-month and day-of-week is "
        "'?', and weekdays are 1-7 = SUN-SAT; a range may wrap past the end of its field "
        "(hours 20-2), but not a year range. AWS takes the text exactly: one space between "
        "values, none inside the parentheses or around the expression.",
        'schedule: "cron(0 2 * * MON *)"',
        'schedule: "cron(0 2 ? * MON *)"',
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in context.catalogue.jobs:
            parsed = context.schedule(job)
            if isinstance(parsed, ScheduleError):
                span = _error_span(context.span(job, "schedule"), job.schedule, parsed)
                yield Diagnostic(
                    parsed.code,
                    Severity.ERROR,
                    f'job "{job.name}": {parsed.message}',
                    span,
                    parsed.hint,
                )


SUB_MINUTE = RuleDoc(
    "SCH103",
    Severity.ERROR,
    "schedule finer than one minute",
    "EventBridge fires at most once a minute: there is no seconds field and no rate in seconds.",
    'schedule: "rate(30 seconds)"',
    'schedule: "rate(1 minute)"',
)


class EitherDayHalves(Rule):
    doc = RuleDoc(
        "SCH104",
        Severity.ERROR,
        "Unix either-day job that cannot deploy as its two halves",
        "A Unix line restricting both day-of-month and day-of-week runs when EITHER matches; "
        "one AWS expression cannot say that, so sched deploys the job as two rules or "
        f"schedules, the second named like a job called <job>{naming.DAY_OF_WEEK_SUFFIX}, "
        "whose fire on a day the first also fires ends before the job runs. That needs the "
        "name free, and a Lambda job (a Fargate task has no wrapper to skip the second run).",
        'jobs:\n  payroll: {schedule: "0 0 1,15 * MON"}\n'
        f"  payroll{naming.DAY_OF_WEEK_SUFFIX}: {{...}}",
        'jobs:\n  payroll: {schedule: "0 0 1,15 * MON"}',
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        names = {job.name for job in context.catalogue.jobs}
        for job in context.catalogue.jobs:
            schedule = _schedule(context, job)
            if schedule is None or schedule.also is None:
                continue
            second = naming.day_of_week_half(job.name)
            if job.compute is Compute.FARGATE:
                yield self.report(
                    context.span(job, "schedule"),
                    f'job "{job.name}" runs when either day field matches, which takes two '
                    "rules, and a Fargate task cannot skip the second run of a day both match",
                    "run it on Lambda, or keep one of the two day fields",
                )
            elif second in names:
                yield self.report(
                    context.span(job, "schedule"),
                    f'job "{job.name}" runs when either day field matches, so its day-of-week '
                    f'rule is named like job "{second}", which exists',
                    f'rename job "{second}"',
                )


class NeverFires(Rule):
    doc = RuleDoc(
        "SCH102",
        Severity.ERROR,
        "schedule never fires",
        "The expression is valid but matches no future time: a day a month never has "
        "(30 February) or a year in the past (an at() time gone is SCH115, a warning).",
        'schedule: "cron(0 0 30 2 ? *)"',
        'schedule: "cron(0 0 28 2 ? *)"',
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in context.catalogue.jobs:
            schedule = _schedule(context, job)
            if schedule is None or not is_known_timezone(job.timezone):
                continue
            if schedule.kind == "at":  # a one-off that has run: SCH115
                continue
            fires = context.memo(
                ("fires", job.schedule, job.timezone),
                partial(schedule.next_fire_times, context.now, 1, tz=job.timezone),
            )
            if fires:
                continue
            yield self.report(
                context.span(job, "schedule"),
                f'job "{job.name}": {schedule.source} never fires after '
                f"{context.now:%Y-%m-%d %H:%M} UTC",
                "check the day, month and year fields; a job that never runs should be removed",
            )


class UnknownTimezone(Rule):
    doc = RuleDoc(
        "SCH105",
        Severity.ERROR,
        "unknown time zone",
        "Time zones are IANA names such as Europe/Paris or America/New_York.",
        "timezone: CEST",
        "timezone: Europe/Paris",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in context.catalogue.jobs:
            if not is_known_timezone(job.timezone):
                yield self.report(
                    context.setting_span(job, "timezone"),
                    f'job "{job.name}": unknown time zone {echo(job.timezone)}',
                    _zone_hint(job.timezone),
                )


def _zone_hint(name: object) -> str:
    close = closest_timezones(name) if isinstance(name, str) else []
    if close:
        return f"did you mean {close[0]}?"
    return "use an IANA name such as Europe/Paris, America/New_York or UTC"


class TimezoneNeedsScheduler(Rule):
    doc = RuleDoc(
        "SCH106",
        Severity.ERROR,
        "time zone on the rules backend",
        "EventBridge rules always run in UTC. EventBridge Scheduler accepts a time zone.",
        "timezone: Europe/Paris\nbackend: rules",
        "timezone: Europe/Paris\nbackend: scheduler",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in context.catalogue.jobs:
            if job.backend is Backend.RULES and job.timezone not in ("UTC", "Etc/UTC"):
                yield self.report(
                    context.setting_span(job, "timezone"),
                    f'job "{job.name}" sets timezone {echo(job.timezone, str)} but EventBridge '
                    "rules run in UTC",
                    "set backend: scheduler (EventBridge Scheduler honours time zones), "
                    "or write the schedule in UTC",
                )


class AtNeedsScheduler(Rule):
    doc = RuleDoc(
        "SCH109",
        Severity.ERROR,
        "one-time at() schedule on the rules backend",
        "EventBridge rules take only cron() and rate(); one-time at() schedules exist only in "
        "EventBridge Scheduler.",
        'schedule: "at(2027-01-01T09:00:00)"\nbackend: rules',
        'schedule: "at(2027-01-01T09:00:00)"\nbackend: scheduler',
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in context.catalogue.jobs:
            schedule = _schedule(context, job)
            if schedule and schedule.kind == "at" and job.backend is Backend.RULES:
                yield self.report(
                    context.span(job, "schedule"),
                    f'job "{job.name}": at() schedules need EventBridge Scheduler',
                    "set backend: scheduler on this job",
                )


class FlexibleWindowNeedsScheduler(Rule):
    doc = RuleDoc(
        "SCH110",
        Severity.ERROR,
        "flexible window on a job that is not on EventBridge Scheduler",
        "A flexible time window lets EventBridge Scheduler start a run up to that long after its "
        "time; EventBridge rules always fire on time and have no such setting.",
        "flexible_window: 15m\nbackend: rules",
        "flexible_window: 15m\nbackend: scheduler",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in context.catalogue.jobs:
            if job.flexible_window is not None and job.backend is not Backend.SCHEDULER:
                yield self.report(
                    context.setting_span(job, "flexible_window"),
                    f'job "{job.name}": flexible_window needs EventBridge Scheduler; '
                    "EventBridge rules fire on time",
                    "set backend: scheduler on this job, or remove flexible_window",
                )


class FlexibleWindowOutOfRange(Rule):
    doc = RuleDoc(
        "SCH111",
        Severity.ERROR,
        "flexible window outside what EventBridge Scheduler allows",
        "EventBridge Scheduler takes a flexible time window of whole minutes, from "
        f"{limits.SCHEDULER_FLEXIBLE_WINDOW_MIN_MINUTES} to "
        f"{limits.SCHEDULER_FLEXIBLE_WINDOW_MAX_MINUTES} (24 hours).",
        "flexible_window: 90s",
        "flexible_window: 2m",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        low = limits.SCHEDULER_FLEXIBLE_WINDOW_MIN_MINUTES * 60
        high = limits.SCHEDULER_FLEXIBLE_WINDOW_MAX_MINUTES * 60
        for job in context.catalogue.jobs:
            window = job.flexible_window
            if window is None:
                continue
            seconds = window.total_seconds()
            if low <= seconds <= high and seconds % 60 == 0:
                continue
            yield self.report(
                context.setting_span(job, "flexible_window"),
                f'job "{job.name}": flexible_window is {format_duration(window)}; EventBridge '
                "Scheduler takes whole minutes from 1m to 24h",
                "set flexible_window to whole minutes between 1m and 24h",
            )


class OneOffPassed(Rule):
    doc = RuleDoc(
        "SCH115",
        Severity.WARNING,
        "one-off at() schedule whose time has passed",
        "A one-off schedule runs once and then deletes itself (ActionAfterCompletion DELETE). "
        "Once its time has passed, apply does not create it again: the job has run, or (first "
        "deployed too late) never will.",
        'schedule: "at(2001-01-01T09:00:00)"',
        'schedule: "at(2199-01-01T09:00:00)"',
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in context.catalogue.jobs:
            schedule = _schedule(context, job)
            if schedule is None or schedule.kind != "at" or not is_known_timezone(job.timezone):
                continue
            if schedule.next_fire_times(context.now, 1, tz=job.timezone):
                continue
            yield self.report(
                context.span(job, "schedule"),
                f'job "{job.name}": {schedule.source} has passed; the one-off has run (and '
                "deleted itself) or never will, and apply does not create it again",
                "remove the job once it has run, or give it a time in the future",
            )


class DatesNeedScheduler(Rule):
    doc = RuleDoc(
        "SCH112",
        Severity.ERROR,
        "start or end date on a job that is not on EventBridge Scheduler",
        "EventBridge Scheduler schedules take a StartDate and an EndDate; EventBridge rules "
        "have neither.",
        "start: 2027-01-01T00:00:00\nbackend: rules",
        "start: 2027-01-01T00:00:00\nbackend: scheduler",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in context.catalogue.jobs:
            if job.backend is Backend.SCHEDULER:
                continue
            for key, value in (("start", job.start), ("end", job.end)):
                if value is not None:
                    yield self.report(
                        context.setting_span(job, key),
                        f'job "{job.name}": {key} needs EventBridge Scheduler; EventBridge '
                        "rules have no start or end date",
                        f"set backend: scheduler on this job, or remove {key}",
                    )


class EndNotAfterStart(Rule):
    doc = RuleDoc(
        "SCH113",
        Severity.ERROR,
        "end date not after the start date",
        "A schedule runs between its start and its end date; an end at or before the start "
        "leaves no time to run in, and EventBridge Scheduler refuses it.",
        "start: 2027-06-01T00:00:00\nend: 2027-01-01T00:00:00",
        "start: 2027-01-01T00:00:00\nend: 2027-06-01T00:00:00",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in context.catalogue.jobs:
            if job.start is None or job.end is None or job.end > job.start:
                continue
            yield self.report(
                context.setting_span(job, "end"),
                f'job "{job.name}": end {job.end:%Y-%m-%d %H:%M} UTC is not after start '
                f"{job.start:%Y-%m-%d %H:%M} UTC",
                "set end after start, or remove one of them",
            )


def _passed(context: Context, key: Literal["start", "end"]) -> Iterator[tuple[Job, datetime]]:
    """The jobs whose `start` or `end` date is not after now, with that date."""
    for job in context.catalogue.jobs:
        when = job.start if key == "start" else job.end
        if when is not None and when <= context.now:
            yield job, when


class StartPassed(Rule):
    doc = RuleDoc(
        "SCH114",
        Severity.WARNING,
        "start date already passed",
        "EventBridge Scheduler refuses to create a schedule whose StartDate is more than 5 "
        "minutes old; a start that has passed no longer holds anything back.",
        "start: 2001-01-01T00:00:00",
        "start: 2199-01-01T00:00:00",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job, start in _passed(context, "start"):
            yield self.report(
                context.setting_span(job, "start"),
                f'job "{job.name}": start {start:%Y-%m-%d %H:%M} UTC has passed; AWS '
                "refuses a start date more than 5 minutes old when it creates the schedule",
                "remove start, or set a date in the future",
            )


class EndPassed(Rule):
    doc = RuleDoc(
        "SCH116",
        Severity.WARNING,
        "end date already passed",
        "A schedule past its EndDate never fires again: the job is deployed and does nothing, "
        "and `sched next` says it never fires.",
        "end: 2001-01-01T00:00:00",
        "end: 2199-01-01T00:00:00",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job, end in _passed(context, "end"):
            yield self.report(
                context.setting_span(job, "end"),
                f'job "{job.name}": end {end:%Y-%m-%d %H:%M} UTC has passed, so it never '
                "fires again",
                "remove the job (or set enabled: false), or move end into the future",
            )


class DstAffected(Rule):
    doc = RuleDoc(
        "SCH107",
        Severity.WARNING,
        "fire time falls in a daylight-saving change",
        "In a zone with daylight saving, a local time that does not exist (clocks go forward) "
        "is skipped by EventBridge Scheduler, and a repeated one (clocks go back) runs once.",
        'schedule: "cron(30 2 * * ? *)"\ntimezone: Europe/London',
        'schedule: "cron(30 3 * * ? *)"\ntimezone: Europe/London',
        # The page's own anchor is spelled "daylist".
        source_url="https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html"
        "#daylist-savings-time",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in context.catalogue.jobs:
            schedule = _schedule(context, job)
            if schedule is None or schedule.kind != "cron" or job.backend is not Backend.SCHEDULER:
                continue
            if not is_known_timezone(job.timezone) or job.timezone in ("UTC", "Etc/UTC"):
                continue
            events = schedule.dst_transitions(
                context.now, context.now + timedelta(days=366), job.timezone
            )
            skipped = [e for e in events if e.kind == "skipped"]
            if skipped:
                first = skipped[0].local_time
                yield self.report(
                    context.span(job, "schedule"),
                    f'job "{job.name}" fires at {first:%H:%M} {job.timezone}, which does not '
                    f"exist on {first:%Y-%m-%d}: that run is skipped",
                    "move the job out of the 01:00-03:00 window, or schedule it in UTC",
                )
            elif events:
                first = events[0].local_time
                yield self.report(
                    context.span(job, "schedule"),
                    f'job "{job.name}" fires at {first:%H:%M} {job.timezone}, which happens '
                    f"twice on {first:%Y-%m-%d}: it runs once",
                    "this is usually fine; move the job if it must run twice or at a fixed "
                    "interval",
                )


class OverlappingRuns(Rule):
    doc = RuleDoc(
        "SCH108",
        Severity.WARNING,
        "runs may overlap",
        "The schedule fires again before a run is expected to finish, so two runs of the job "
        "can be active at once.",
        'schedule: "rate(5 minutes)"\nexpected_runtime: 10m',
        'schedule: "rate(15 minutes)"\nexpected_runtime: 10m',
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in context.catalogue.jobs:
            schedule = _schedule(context, job)
            if schedule is None or not is_known_timezone(job.timezone):
                continue
            gap = context.memo(
                ("min interval", job.schedule, job.timezone),
                partial(schedule.min_interval, tz=job.timezone),
            )
            if gap is not None and gap < job.expected_runtime:
                yield self.report(
                    context.span(job, "schedule"),
                    f'job "{job.name}" can fire every {format_duration(gap)} but expects to '
                    f"run for {format_duration(job.expected_runtime)}: runs will overlap",
                    "fire less often, make the job faster, or make it safe to run concurrently",
                )
