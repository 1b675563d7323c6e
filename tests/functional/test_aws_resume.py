"""A resumable apply against moto: interrupted half-way (Ctrl-C) or stopped by a failure, the
next plan holds exactly the changes not made, and its apply writes only those."""

from __future__ import annotations

from pathlib import Path

from aws_support import (
    RecordingWriter,
    compile_for,
    load_catalogue,
    mixed_catalogue,
    read_back,
    write_catalogue,
)

from scheduler.apply import ApplyResult, Progress, apply_plan
from scheduler.aws import AwsContext
from scheduler.errors import AccessDenied
from scheduler.plan import Change, Plan, make_plan
from scheduler.ports import ResourceWriter
from scheduler.resource_state import DesiredState
from scheduler.resources import Resource, Schedule


def _desired(aws: AwsContext, tmp_path: Path) -> DesiredState:
    return compile_for(load_catalogue(write_catalogue(tmp_path, mixed_catalogue(6))), aws, tmp_path)


def _rerun_writes_only_the_rest(
    aws: AwsContext, desired: DesiredState, plan: Plan, first: ApplyResult
) -> None:
    """The next plan holds exactly what `first` did not do, and its apply writes only that."""
    rest = make_plan(desired, read_back(aws, "acme", desired))
    done = {_key(c) for c in first.done}
    assert [_key(c) for c in rest.pending] == [_key(c) for c in plan.pending if _key(c) not in done]
    recording = RecordingWriter(aws.writer)
    assert apply_plan(rest, recording, concurrency=1).ok
    assert sorted(recording.calls) == sorted(map(_key, rest.pending))  # creates, all of them
    assert make_plan(desired, read_back(aws, "acme", desired)).pending == ()


def _key(change: Change) -> tuple[str, str, str]:
    kind, name = change.key
    return (change.action.value, kind.value, name)


def test_a_rerun_after_ctrl_c_writes_only_what_the_first_run_did_not(
    aws: AwsContext, tmp_path: Path
) -> None:
    desired = _desired(aws, tmp_path)
    plan = make_plan(desired, read_back(aws, "acme", desired))
    finished = []

    def ctrl_c_after_ten(change: Change, status: str) -> None:
        if status == Progress.DONE:
            finished.append(change)
            if len(finished) == 10:
                raise KeyboardInterrupt

    first = apply_plan(plan, aws.writer, on_progress=ctrl_c_after_ten, concurrency=1)

    assert first.interrupted and len(first.done) == 10 and first.skipped
    _rerun_writes_only_the_rest(aws, desired, plan, first)


class FailingOnce(RecordingWriter):
    """The real writer, but the first create of a schedule fails as AWS would refuse it."""

    def __init__(self, inner: ResourceWriter) -> None:
        super().__init__(inner)
        self.failed = False

    def create(self, resource: Resource) -> None:
        if isinstance(resource, Schedule) and not self.failed:
            self.failed = True
            raise AccessDenied("scheduler:CreateSchedule", "not allowed (once)")
        super().create(resource)


def test_a_rerun_after_a_failure_writes_only_what_the_first_run_did_not(
    aws: AwsContext, tmp_path: Path
) -> None:
    desired = _desired(aws, tmp_path)
    plan = make_plan(desired, read_back(aws, "acme", desired))
    failing = FailingOnce(aws.writer)

    first = apply_plan(plan, failing, concurrency=1)

    assert len(first.failed) == 1 and first.skipped and first.done
    _rerun_writes_only_the_rest(aws, desired, plan, first)
