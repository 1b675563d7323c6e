"""The engine against independent references, on generated expressions.

* croniter (test-only dependency) on plain Unix expressions, in UTC;
* a day-by-day brute force written from the AWS documentation's words for the AWS-only
  forms (L, LW, nW, nL, n#k, years), on the wall clock of zones with DST, where a wall
  time's instant is found by trying both folds (the earliest real one wins, none in a gap).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from itertools import islice, pairwise
from zoneinfo import ZoneInfo

from croniter import croniter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.schedule import parse

MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]


@dataclass(frozen=True)
class Field:
    text: str
    values: frozenset[int]


@st.composite
def field(
    draw: st.DrawFn,
    low: int,
    high: int,
    names: list[str] | None = None,
    base: int = 0,
    *,
    single_ranges: bool = True,
    star_steps: bool = True,
) -> Field:
    """A cron field over low..high: *, */s, or a list of values, ranges and stepped ranges.

    `single_ranges=False` never writes a range like 8-8: croniter 7 reads it as `*`.
    `star_steps=False` never writes */s (for a field drawn over part of its real range).
    """

    def spell(value: int) -> str:
        if names and 0 <= value - base < len(names) and draw(st.booleans()):
            return names[value - base]
        return str(value)

    if draw(st.integers(0, 4)) == 0:
        step = draw(st.integers(1, high - low))
        if step == 1 or not star_steps or draw(st.booleans()):
            return Field("*", frozenset(range(low, high + 1)))
        return Field(f"*/{step}", frozenset(range(low, high + 1, step)))
    items: list[str] = []
    values: set[int] = set()
    for _ in range(draw(st.integers(1, 3))):
        first = draw(st.integers(low, high))
        match draw(st.integers(0, 2)):
            case 0:
                items.append(spell(first))
                values.add(first)
            case 1:
                last = draw(st.integers(first if single_ranges else min(first + 1, high), high))
                items.append(
                    f"{spell(first)}-{spell(last)}"
                    if last > first or single_ranges
                    else spell(first)
                )
                values.update(range(first, last + 1))
            case _:
                last = draw(st.integers(first if single_ranges else min(first + 1, high), high))
                if last == first and not single_ranges:
                    items.append(spell(first))
                    values.add(first)
                    continue
                step = draw(st.integers(1, high - low))
                items.append(f"{spell(first)}-{spell(last)}/{step}")
                values.update(range(first, last + 1, step))
    return Field(",".join(items), frozenset(values))


# ---------------------------------------------------------------- croniter, Unix dialect


@st.composite
def unix_expression(draw: st.DrawFn) -> str:
    minute, hour = draw(field(0, 59, single_ranges=False)), draw(field(0, 23, single_ranges=False))
    month = draw(field(1, 12, MONTHS, 1, single_ranges=False))
    # Days the month may lack would make croniter search for decades; keep them to `*` months.
    dom = draw(field(1, 31 if month.text == "*" else 28, single_ranges=False))
    dow = draw(field(0, 7, DAYS, 0, single_ranges=False))
    match draw(st.integers(0, 2)):  # Unix ORs two restricted day fields: AWS refuses that
        case 0:
            days = f"{dom.text} {month.text} *"
        case 1:
            days = f"* {month.text} {dow.text}"
        case _:
            days = f"* {month.text} *"
    return f"{minute.text} {hour.text} {days}"


instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expression=unix_expression(), start=instants)
def test_unix_expressions_fire_like_croniter(expression: str, start: datetime) -> None:
    ours = parse(expression).next_fire_times(start, 6)
    theirs = croniter(expression, start)
    assert ours == [theirs.get_next(datetime) for _ in range(6)]


@settings(max_examples=100, deadline=None)
@given(expression=unix_expression(), start=instants)
def test_unix_expressions_agree_on_the_exact_minute(expression: str, start: datetime) -> None:
    start = start.replace(second=0, microsecond=0)
    theirs = croniter(expression, start)
    assert parse(expression).next_fire_times(start, 3) == [
        theirs.get_next(datetime) for _ in range(3)
    ]


# ---------------------------------------------------------- brute force, AWS dialect + DST


def aws_weekday(day: date) -> int:
    """1 = Sunday .. 7 = Saturday."""
    return (day.weekday() + 1) % 7 + 1


def month_days(day: date) -> list[date]:
    return _month_days(day.year, day.month)


@cache
def _month_days(year: int, month: int) -> list[date]:
    first = date(year, month, 1)
    return [first + timedelta(n) for n in range(31) if (first + timedelta(n)).month == month]


def nearest_weekday_of(n: int) -> Callable[[date], bool]:
    def matches(day: date) -> bool:
        weekdays = [d for d in month_days(day) if d.weekday() < 5]
        if n > len(month_days(day)) or day not in weekdays:
            return False
        return abs(day.day - n) == min(abs(d.day - n) for d in weekdays)

    return matches


@st.composite
def day_rule(draw: st.DrawFn) -> tuple[str, str, Callable[[date], bool]]:
    """(day-of-month, day-of-week, predicate) per the wording of the AWS cron reference."""
    kind = draw(st.sampled_from(["dom", "dow", "L", "LW", "W", "nL", "#", "every"]))
    weekday = draw(st.integers(1, 7))
    name = draw(st.sampled_from([str(weekday), DAYS[weekday - 1]]))
    n = draw(st.integers(1, 31))
    match kind:
        case "dom":
            dom = draw(field(1, 31))
            return dom.text, "?", lambda d: d.day in dom.values
        case "dow":
            dow = draw(field(1, 7, DAYS, 1).filter(lambda f: "/" not in f.text))
            return "?", dow.text, lambda d: aws_weekday(d) in dow.values
        case "L":
            return "L", "?", lambda d: (d + timedelta(1)).month != d.month
        case "LW":
            return "LW", "?", lambda d: max(x for x in month_days(d) if x.weekday() < 5) == d
        case "W":
            return f"{n}W", "?", nearest_weekday_of(n)
        case "nL":
            return (
                "?",
                f"{name}L",
                lambda d: aws_weekday(d) == weekday and (d + timedelta(7)).month != d.month,
            )
        case "#":
            nth = draw(st.integers(1, 5))
            return (
                "?",
                f"{name}#{nth}",
                lambda d: aws_weekday(d) == weekday and (d.day - 1) // 7 + 1 == nth,
            )
        case _:
            return "*", "?", lambda d: True


@dataclass(frozen=True)
class AwsCase:
    expression: str
    minutes: frozenset[int]
    hours: frozenset[int]
    day_ok: Callable[[date], bool]

    def walls_between(self, day: date, last: date) -> Iterator[datetime]:
        times = sorted((h, m) for h in self.hours for m in self.minutes)
        while day <= last:
            if self.day_ok(day):
                for h, m in times:
                    yield datetime(day.year, day.month, day.day, h, m)
            day += timedelta(1)


@st.composite
def aws_case(draw: st.DrawFn) -> AwsCase:
    minutes = draw(field(0, 59))
    hours = draw(field(0, 23))
    dom, dow, day_ok = draw(day_rule())
    month = draw(field(1, 12, MONTHS, 1))
    year = draw(field(2020, 2040, star_steps=False))
    expression = f"cron({minutes.text} {hours.text} {dom} {month.text} {dow} {year.text})"

    def ok(d: date) -> bool:
        return d.month in month.values and (year.text == "*" or d.year in year.values) and day_ok(d)

    return AwsCase(expression, minutes.values, hours.values, ok)


def first_instant(wall: datetime, zone: ZoneInfo) -> datetime | None:
    """The earliest instant whose wall time in `zone` is `wall`; None when it does not exist."""
    real = []
    for fold in (0, 1):
        instant = wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)
        if instant.astimezone(zone).replace(tzinfo=None) == wall:
            real.append(instant)
    return min(real, default=None)


ZONES = ["UTC", "Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]
# Near a DST change in either hemisphere, so gaps and repeats are crossed often.
starts = st.sampled_from(
    [datetime(2026, 3, 27), datetime(2026, 10, 23), datetime(2026, 10, 1), datetime(2027, 4, 1)]
).flatmap(lambda base: st.integers(0, 5 * 24 * 60).map(lambda m: base + timedelta(minutes=m)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=aws_case(), tz=st.sampled_from(ZONES), local_start=starts)
def test_aws_expressions_fire_like_the_documented_rules(
    case: AwsCase, tz: str, local_start: datetime
) -> None:
    zone = ZoneInfo(tz)
    start = local_start.replace(tzinfo=zone).astimezone(UTC)
    end = start + timedelta(days=3 * 366)
    expected: list[datetime] = []
    for wall in case.walls_between(local_start.date() - timedelta(1), end.date() + timedelta(2)):
        instant = first_instant(wall, zone)
        if instant is not None and instant > start:
            if instant > end or len(expected) == 40:
                break
            expected.append(instant)
    schedule = parse(case.expression)
    assert list(islice(schedule.fire_times(start, end, tz=tz), 40)) == expected
    assert schedule.next_fire_times(start, 40, tz=tz)[: len(expected)] == expected


@settings(max_examples=150, deadline=None)
@given(expression=unix_expression(), start=instants)
def test_min_interval_is_never_above_a_sampled_gap_in_utc(expression: str, start: datetime) -> None:
    # In UTC every consecutive pair inside the 2000-2027 window is measured, so the result
    # can be no larger than any gap seen there, and a cron never fires twice in a minute.
    start = start.replace(year=2000 + start.year % 20, day=min(start.day, 28))
    schedule = parse(expression)
    fires = [t for t in schedule.next_fire_times(start, 300) if t.year < 2028]
    gap = schedule.min_interval("UTC")
    assert gap is None or gap >= timedelta(minutes=1)
    if len(fires) >= 2:
        sampled = min(b - a for a, b in pairwise(fires))
        assert gap is not None
        assert gap <= sampled


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    case=aws_case(),
    tz=st.sampled_from(["Europe/London", "America/New_York", "Australia/Lord_Howe"]),
    start=instants,
)
def test_min_interval_is_never_above_a_sampled_gap_across_dst(
    case: AwsCase, tz: str, start: datetime
) -> None:
    start = start.replace(year=2020 + start.year % 6, day=min(start.day, 28))
    schedule = parse(case.expression)
    fires = [t for t in schedule.next_fire_times(start, 300, tz=tz) if t.year < 2028]
    gap = schedule.min_interval(tz)
    assert gap is None or gap >= timedelta(minutes=1)
    if len(fires) >= 2:
        assert gap is not None
        assert gap <= min(b - a for a, b in pairwise(fires))


@st.composite
def sparse_case(draw: st.DrawFn) -> str:
    """An AWS cron firing at most a few times a day, only in 2020-2027."""
    minute = draw(st.integers(0, 59))
    hours = draw(st.lists(st.integers(0, 23), min_size=1, max_size=4, unique=True))
    dom, dow, _ = draw(day_rule())
    month = draw(field(1, 12, MONTHS, 1))
    years = draw(st.lists(st.integers(2020, 2027), min_size=1, max_size=8, unique=True))
    hour_text = ",".join(map(str, hours))
    year_text = ",".join(map(str, years))
    return f"cron({minute} {hour_text} {dom} {month.text} {dow} {year_text})"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    expression=sparse_case(),
    tz=st.sampled_from(["UTC", "Europe/London", "America/New_York", "Australia/Lord_Howe"]),
)
def test_min_interval_is_exact_when_every_fire_is_in_the_window(expression: str, tz: str) -> None:
    schedule = parse(expression)
    fires = list(
        schedule.fire_times(
            datetime(2019, 1, 1, tzinfo=UTC), datetime(2029, 1, 1, tzinfo=UTC), tz=tz
        )
    )
    truth = min((b - a for a, b in pairwise(fires)), default=None)
    assert schedule.min_interval(tz) == truth
