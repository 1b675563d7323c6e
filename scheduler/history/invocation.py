"""What one synchronous invocation (`sched run` on AWS) says of its run: the run reconstructed
from the log tail Lambda returned (the wrapper's lines and REPORT, as history reads them), its
error from Lambda's error document when the tail lost it, and the handler's own stack frames.
The tail and the document are the function's output: untrusted text, shown through `safe`.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from scheduler.history.model import Run, RunOutcome, RunStatus
from scheduler.history.reconstruct import reconstruct
from scheduler.ports import Invoked, LogEvent

# The packaged wrapper's folder (package.RUNTIME_MODULE); its frames are sched's, not the job's.
_WRAPPER_FRAME = "/sched_runtime/"
TAIL_STREAM = "(log tail)"


def _document(text: str) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return text


def _tail_events(tail: str, now: datetime) -> list[LogEvent]:
    # The tail has no timestamps: every line is stamped `now`; REPORT and the wrapper's run
    # line carry the durations. A text-format error keeps its traceback in one line split by \r.
    stamp = int(now.timestamp() * 1000)
    return [LogEvent(stamp, line + "\n", TAIL_STREAM) for line in tail.split("\n") if line]


def _frames(document: Any) -> str | None:
    trace = document.get("stackTrace") if isinstance(document, dict) else None
    if not isinstance(trace, list):
        return None
    frames = [f for f in trace if isinstance(f, str) and _WRAPPER_FRAME not in f]
    if not frames:
        return None
    return "Traceback (most recent call last):\n" + "".join(
        f if f.endswith("\n") else f + "\n" for f in frames
    )


def _run(invoked: Invoked, job: str, now: datetime) -> Run | None:
    runs = reconstruct(_tail_events(invoked.log_tail, now), job, now=now).runs
    same = [r for r in runs if invoked.request_id and r.request_id == invoked.request_id]
    chosen = same or runs
    return chosen[-1] if chosen else None


def invocation_outcome(
    invoked: Invoked, job: str, *, function: str, log_group: str, now: datetime
) -> RunOutcome:
    """The outcome of `job`'s run that `invoked` answered, started at `now`."""
    document = _document(invoked.payload)
    run = _run(invoked, job, now)
    error = document if invoked.function_error and isinstance(document, dict) else {}
    if run is not None and run.status is not RunStatus.RUNNING:
        status = run.status
    else:
        status = RunStatus.FAILED if invoked.function_error else RunStatus.SUCCEEDED
    duration = (run.duration if run else None) or timedelta(0)
    failed = status is not RunStatus.SUCCEEDED
    error_type = (run.error_type if run else None) or _text(error.get("errorType"))
    message = (run.error_message if run else None) or _text(error.get("errorMessage"))
    return RunOutcome(
        job=job,
        request_id=invoked.request_id or (run.request_id if run else ""),
        status=status,
        scheduled_time=run.scheduled_time if run else None,
        start=now,
        end=now + duration,
        duration=duration,
        error_type=error_type if failed else None,
        error_message=message if failed else None,
        record={},
        result=None if invoked.function_error else document,
        log_group=log_group,
        log_stream=function,
        events=(),
        traceback=_frames(error) if failed else None,
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
