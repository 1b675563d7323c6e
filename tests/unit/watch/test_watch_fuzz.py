"""The watcher against hostile log lines (anyone who can write to a job's or the watcher's log
group can write anything): random text, truncated and mutated copies of genuine run and state
lines, Lambda's JSON log format wrapping any of these. A pass never raises, writes a state line
the next pass reads back, and neither turns junk into a bad fire nor hides a good one."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from run_fakes import FakeDeployments, FakeLogs
from run_support import at, group, job, ms, run_events
from watch_support import watch_config

from scheduler.catalogue.model import AlertRule, Channel
from scheduler.ports import LogEvent
from scheduler.watch.config import WatchConfig
from scheduler.watch.state import JobState, WatchState, parse_state_line, state_line
from scheduler.watch.watcher import run_pass

RULE = AlertRule(channels=("ops",), grace=timedelta(minutes=10))
FIRE = at("2026-12-01T01:00:00")
NOW = at("2026-12-01T01:15:00")
BEFORE = at("2026-12-01T00:30:00")
# Each job's function as deployed: only lines carrying its SCHED_DEPLOY are its runs.
DEPLOYMENTS = FakeDeployments(
    {"acme-ops-canary": BEFORE, "acme-ops-silent": BEFORE},
    deploys={"acme-ops-canary": "d1", "acme-ops-silent": "d2"},
)


@dataclass
class FakeSns:
    subjects: list[str] = field(default_factory=list)

    def publish(self, topic_arn: str, subject: str, message: str) -> str:
        self.subjects.append(subject)
        return f"m{len(self.subjects)}"


def _config() -> WatchConfig:
    return watch_config(
        job("canary", "cron(0 * * * ? *)", alert=RULE),
        job("silent", "cron(0 * * * ? *)", alert=RULE),
        channels=(Channel("ops", emails=("ops@example.com",)),),
    )


GENUINE_RUN = run_events("canary", FIRE, request_id="r1", deploy="d1")
RUN_LINE: dict[str, Any] = json.loads(GENUINE_RUN[1].message)
STATE: dict[str, Any] = json.loads(
    state_line(
        WatchState({"canary": JobState(since=BEFORE), "silent": JobState(since=BEFORE)}),
        now=BEFORE,
        sent=[],
    )
)

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


def _mutated(line: dict[str, Any]) -> st.SearchStrategy[str]:
    """The line with one key's value replaced by anything, or one key dropped."""
    keys = sorted(line)
    replaced = st.tuples(st.sampled_from(keys), _json_values).map(
        lambda kv: json.dumps({**line, kv[0]: kv[1]})
    )
    dropped = st.sampled_from(keys).map(
        lambda k: json.dumps({n: v for n, v in line.items() if n != k})
    )
    return replaced | dropped


def _truncated(text: str) -> st.SearchStrategy[str]:
    return st.integers(0, len(text) - 1).map(lambda n: text[:n])


_junk = st.one_of(
    st.text(max_size=200),
    st.binary(max_size=100).map(lambda b: b.decode("utf-8", "surrogateescape")),
    _truncated(json.dumps(RUN_LINE)),
    _truncated(json.dumps(STATE)),
    _mutated(RUN_LINE),
    _mutated(STATE),
    st.just('{"sched": "run", "v": 1}'),
    st.just('{"sched_watch": 1, "jobs": {"canary": {"since": "x", "open": "yes"}}}'),
    st.just("[" * 5000),
)
_wrapped = _junk | _junk.map(lambda m: json.dumps({"message": m, "type": "function"}))
_offsets = st.integers(-(10**13), 10**13) | st.integers(0, 3_600_000)
# The wrapper's run line is the last line its invocation writes (a handler prints before it), so
# junk in canary's own group comes before it: anywhere from long ago up to that line.
_RUN_LINE_AT = GENUINE_RUN[1].timestamp_ms - ms(FIRE)
_before_run_line = st.integers(-(10**13), _RUN_LINE_AT - 1) | st.integers(0, _RUN_LINE_AT - 1)


def _events(lines: list[tuple[str, int]], base: int, stream: str) -> list[LogEvent]:
    return [LogEvent(base + offset, text, stream) for text, offset in lines]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    in_job=st.lists(st.tuples(_wrapped, _before_run_line), max_size=12),
    in_silent=st.lists(st.tuples(_wrapped, _offsets), max_size=12),
    in_watcher=st.lists(st.tuples(_wrapped, st.integers(-600_000, -1)), max_size=8),
)
def test_a_pass_survives_any_log_line_and_never_misattributes_runs(
    in_job: list[tuple[str, int]],
    in_silent: list[tuple[str, int]],
    in_watcher: list[tuple[str, int]],
) -> None:
    config = _config()
    # The genuine state line is the newest in the watcher's group: the junk comes before it.
    told = LogEvent(ms(BEFORE), json.dumps(STATE), "w")
    logs = FakeLogs(
        {
            group("canary"): [*GENUINE_RUN, *_events(in_job, ms(FIRE), "s")],
            group("silent"): _events(in_silent, ms(FIRE), "s"),
            config.log_group: [*_events(in_watcher, ms(BEFORE), "w"), told],
        }
    )
    sns, emitted = FakeSns(), []

    done = run_pass(config, logs, sns, emitted.append, now=NOW, deployments=DEPLOYMENTS)

    decisions = {d.job: d for d in done.decisions}
    # canary's 01:00 fire succeeded: whatever else its group holds, nothing to tell
    assert decisions["canary"].alert is None
    assert not decisions["canary"].state.open
    # silent's group holds no line its deployment wrote: its 01:00 fire was missed
    alert = decisions["silent"].alert
    assert alert is not None and alert.outcome == "missed"
    assert sns.subjects == ["sched: silent missed (acme-ops)"]
    [line] = emitted
    again = parse_state_line(line)
    assert again is not None and set(again.jobs) == {"canary", "silent"}
    assert again.jobs["silent"].open
