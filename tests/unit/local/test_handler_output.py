"""captured_output: what a handler prints and logs while it runs here, one log event per line or
record as Lambda's Python runtime writes them (JSON log format), and sched's own streams and
logging tree given back afterwards, whatever ended the run."""

from __future__ import annotations

import io
import json
import logging
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from scheduler.local.handler_output import OutputLine, captured_output, root_level

T0 = 1_764_036_000.0  # 2025-11-25T02:00:00Z


def ticking(start: float = T0, step: float = 0.25) -> Callable[[], float]:
    """A wall clock that moves `step` seconds at each reading."""
    readings = iter(start + i * step for i in range(1000))
    return readings.__next__


def capture(**options: Any) -> Any:
    return captured_output(request_id="req-1", log_level=options.pop("log_level", None), **options)


@pytest.fixture
def fresh_logger() -> Iterator[str]:
    """A logger name no other test uses, removed from the logging tree afterwards."""
    name = f"handler-{uuid.uuid4().hex}"
    yield name
    logging.Logger.manager.loggerDict.pop(name, None)


def test_each_printed_line_is_one_event_at_the_time_it_was_written() -> None:
    with capture(wall=ticking()) as output:
        print("first")
        print("to stderr", file=sys.stderr)
        print("two\nlines", end="")
        sys.stdout.write(" continued\n")
        print("unterminated", end="")
    assert output.lines == [
        OutputLine(1_764_036_000_000, "first"),
        OutputLine(1_764_036_000_250, "to stderr"),
        OutputLine(1_764_036_000_500, "two"),
        OutputLine(1_764_036_000_750, "lines continued"),
        # Lambda logs what is left unterminated when the function returns.
        OutputLine(1_764_036_001_000, "unterminated"),
    ]


def test_a_record_at_warning_is_one_event_in_lambdas_json_log_format(fresh_logger: str) -> None:
    with capture(wall=lambda: T0 + 0.123) as output:
        logging.getLogger(fresh_logger).warning("bucket %s is empty", "app-logs")
    [line] = output.lines
    assert line.timestamp_ms == 1_764_036_000_123
    assert json.loads(line.text) == {
        "timestamp": "2025-11-25T02:00:00.123Z",
        "level": "WARNING",
        "message": "bucket app-logs is empty",
        "logger": fresh_logger,
        "requestId": "req-1",
    }


def test_the_root_logger_lets_through_warning_and_up_unless_told_otherwise(
    fresh_logger: str,
) -> None:
    def logged(level: str | None) -> list[str]:
        with capture(wall=lambda: T0, log_level=level) as output:
            log = logging.getLogger(fresh_logger)
            log.debug("d")
            log.info("i")
            log.warning("w")
            log.error("e")
        return [json.loads(line.text)["message"] for line in output.lines]

    assert logged(None) == ["w", "e"]
    assert logged("INFO") == ["i", "w", "e"]
    assert logged("trace") == ["d", "i", "w", "e"]  # Lambda's TRACE is Python's DEBUG
    assert logged("ERROR") == ["e"]
    assert logged("loud") == ["w", "e"]


def test_the_level_of_each_value_lambda_takes() -> None:
    assert [root_level(v) for v in (None, "", "TRACE", "debug", "WARN", "FATAL", "nope")] == [
        logging.WARNING,
        logging.WARNING,
        logging.DEBUG,
        logging.DEBUG,
        logging.WARNING,
        logging.CRITICAL,
        logging.WARNING,
    ]


def test_an_exception_logged_carries_its_type_message_frames_and_place(fresh_logger: str) -> None:
    with capture(wall=lambda: T0) as output:
        try:
            {}["missing"]
        except KeyError:
            here = sys._getframe()
            function, lineno = here.f_code.co_name, here.f_lineno + 1
            logging.getLogger(fresh_logger).exception("lookup failed", extra={"bucket": "b"})
    [logged] = output.lines
    body = json.loads(logged.text)
    frames = body.pop("stackTrace")
    assert body == {
        "timestamp": "2025-11-25T02:00:00.000Z",
        "level": "ERROR",
        "message": "lookup failed",
        "logger": fresh_logger,
        "errorType": "KeyError",
        "errorMessage": "'missing'",
        "requestId": "req-1",
        "location": f"{__file__}:{function}:{lineno}",
        "bucket": "b",
    }
    assert len(frames) == 1 and '{}["missing"]' in frames[0]


def test_a_custom_level_is_logged_as_the_standard_one_below(fresh_logger: str) -> None:
    with capture(wall=lambda: T0) as output:
        logging.getLogger(fresh_logger).log(35, "between warning and error")
    assert json.loads(output.lines[0].text)["level"] == "WARNING"


def test_basic_config_in_the_handler_changes_nothing_as_in_lambda(fresh_logger: str) -> None:
    """Lambda's root logger already has a handler, so logging.basicConfig() does nothing: a
    handler's info records stay out of the log until AWS_LAMBDA_LOG_LEVEL lets them in."""
    with capture(wall=lambda: T0) as output:
        logging.basicConfig(level=logging.INFO, format="%(message)s")
        logging.getLogger(fresh_logger).info("hidden")
        logging.getLogger(fresh_logger).warning("shown")
    assert [json.loads(line.text)["message"] for line in output.lines] == ["shown"]


def test_a_stream_handler_the_job_adds_writes_plain_lines_to_the_log(fresh_logger: str) -> None:
    with capture(wall=lambda: T0) as output:
        log = logging.getLogger(fresh_logger)
        log.addHandler(logging.StreamHandler())  # sys.stderr, as the job sees it
        log.propagate = False
        log.warning("to my own handler")
    assert output.lines == [OutputLine(1_764_036_000_000, "to my own handler")]


def test_output_of_a_thread_the_handler_runs_is_captured() -> None:
    with capture(wall=lambda: T0) as output:
        worker = threading.Thread(target=print, args=("from a thread",))
        worker.start()
        worker.join()
    assert output.lines == [OutputLine(1_764_036_000_000, "from a thread")]


def _state() -> tuple[object, ...]:
    root = logging.getLogger()
    return sys.stdout, sys.stderr, tuple(root.handlers), root.level, logging.root.manager.disable


@pytest.mark.parametrize("raised", [RuntimeError("boom"), KeyboardInterrupt()])
def test_streams_and_logging_are_sched_s_again_after_the_run_whatever_ended_it(
    raised: BaseException, fresh_logger: str
) -> None:
    botocore = logging.getLogger("botocore")
    before, botocore_before = _state(), (tuple(botocore.handlers), botocore.level)
    with pytest.raises(type(raised)), capture(wall=lambda: T0):
        logging.getLogger().addHandler(logging.StreamHandler())
        logging.getLogger().setLevel(logging.DEBUG)
        botocore.setLevel(logging.DEBUG)
        botocore.addHandler(logging.StreamHandler())
        logging.getLogger(fresh_logger).addHandler(logging.StreamHandler())
        logging.disable(logging.CRITICAL)
        sys.stdout = sys.stderr = io.StringIO()  # the job's own doing
        raise raised
    assert _state() == before
    assert (tuple(botocore.handlers), botocore.level) == botocore_before
    # A logger the job made keeps no handler of the run's, which would outlive it.
    assert logging.getLogger(fresh_logger).handlers == []


def test_a_logger_the_job_made_keeps_the_null_handler_a_library_adds(fresh_logger: str) -> None:
    null = logging.NullHandler()
    with capture(wall=lambda: T0):
        logging.getLogger(fresh_logger).addHandler(null)
        logging.getLogger(fresh_logger).addHandler(logging.StreamHandler())
    assert logging.getLogger(fresh_logger).handlers == [null]


def test_what_a_stream_handler_writes_after_the_run_is_dropped(
    fresh_logger: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with capture(wall=lambda: T0) as output:
        stream = sys.stdout
    stream.write("late\n")
    assert output.lines == []
    assert capsys.readouterr() == ("", "")


def test_nothing_reaches_sched_s_own_streams(
    fresh_logger: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with capture(wall=lambda: T0) as output:
        print("printed")
        print("warned", file=sys.stderr)
        logging.getLogger(fresh_logger).error("logged")
    assert len(output.lines) == 3
    assert capsys.readouterr() == ("", "")


def test_a_formatter_the_job_gives_the_root_handler_is_used_as_in_lambda(fresh_logger: str) -> None:
    with capture(wall=lambda: T0) as output:
        [handler] = logging.getLogger().handlers
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        logging.getLogger(fresh_logger).warning("custom")
    assert output.lines == [OutputLine(1_764_036_000_000, f"WARNING {fresh_logger}: custom")]
