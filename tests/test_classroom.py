"""Issue 2's user story: the classroom workflow, a day of waiting, run in milliseconds.

Expected values are the story's (StartRecorder at 09:00:00Z, SendLivePing 60 s later,
StopRecorder at 10:00:00Z) and AWS's history for legacy Lambda function ARNs: each Task gives
TaskStateEntered, LambdaFunctionScheduled, LambdaFunctionStarted, LambdaFunctionSucceeded,
TaskStateExited; ids count from 1 and each event's previousEventId is the one before it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import aslrun

EXAMPLES = Path(__file__).parent.parent / "examples"
UTC = timezone.utc
INPUT = {"start": "2026-12-01T09:00:00Z", "end": "2026-12-01T10:00:00Z"}
ACCOUNT_FN = "arn:aws:lambda:us-east-1:123456789012:function:"


def at(hour: int, minute: int = 0, *, day: int = 1, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


START = at(12, day=30, month=11)  # the clock starts the day before the class


def run_story() -> tuple[aslrun.Execution, list[tuple[str, datetime]]]:
    sm = aslrun.load(EXAMPLES / "classroom.asl.json")
    calls: list[tuple[str, datetime]] = []

    def recorder(tag: str, result: dict[str, bool]) -> Callable[[Any, Any], dict[str, bool]]:
        def handler(event: Any, ctx: Any) -> dict[str, bool]:
            calls.append((tag, ctx.now()))
            return result

        return handler

    handlers = {
        "StartRecorder": recorder("start", {"recording": True}),
        "SendLivePing": recorder("ping", {"pinged": True}),
        "StopRecorder": recorder("stop", {"stopped": True}),
    }
    ex = sm.run(
        INPUT,
        handlers=handlers,
        clock=aslrun.VirtualClock(start="2026-11-30T12:00:00Z"),
        name="class-2026-12-01",
    )
    return ex, calls


def test_the_handlers_run_at_the_simulated_times_of_the_story() -> None:
    ex, calls = run_story()
    assert ex.status == "SUCCEEDED"
    assert calls == [("start", at(9, 0)), ("ping", at(9, 1)), ("stop", at(10, 0))]
    assert ex.start_date == START
    assert ex.stop_date == at(10, 0)
    assert ex.error is None
    assert ex.cause is None


def test_the_output_keeps_the_input_and_each_task_result_at_its_result_path() -> None:
    ex, _ = run_story()
    assert ex.output == {
        "start": "2026-12-01T09:00:00Z",
        "end": "2026-12-01T10:00:00Z",
        "recording": {"recording": True},
        "livePing": {"pinged": True},
        "stopped": {"stopped": True},
    }
    assert ex.output_json == (
        '{"start":"2026-12-01T09:00:00Z","end":"2026-12-01T10:00:00Z",'
        '"recording":{"recording":true},"livePing":{"pinged":true},"stopped":{"stopped":true}}'
    )


def test_history_event_types_ids_and_timestamps() -> None:
    ex, _ = run_story()
    expected = [
        ("ExecutionStarted", START),
        ("WaitStateEntered", START),  # RecordingWait, until $.start
        ("WaitStateExited", at(9, 0)),
        ("TaskStateEntered", at(9, 0)),  # StartRecording
        ("LambdaFunctionScheduled", at(9, 0)),
        ("LambdaFunctionStarted", at(9, 0)),
        ("LambdaFunctionSucceeded", at(9, 0)),
        ("TaskStateExited", at(9, 0)),
        ("WaitStateEntered", at(9, 0)),  # SendLivePingWait, 60 s
        ("WaitStateExited", at(9, 1)),
        ("TaskStateEntered", at(9, 1)),  # SendLivePing
        ("LambdaFunctionScheduled", at(9, 1)),
        ("LambdaFunctionStarted", at(9, 1)),
        ("LambdaFunctionSucceeded", at(9, 1)),
        ("TaskStateExited", at(9, 1)),
        ("WaitStateEntered", at(9, 1)),  # StoppingWait, until $.end
        ("WaitStateExited", at(10, 0)),
        ("TaskStateEntered", at(10, 0)),  # StopRecording
        ("LambdaFunctionScheduled", at(10, 0)),
        ("LambdaFunctionStarted", at(10, 0)),
        ("LambdaFunctionSucceeded", at(10, 0)),
        ("TaskStateExited", at(10, 0)),
        ("ExecutionSucceeded", at(10, 0)),
    ]
    got = [(e["type"], e["timestamp"], e["id"], e["previousEventId"]) for e in ex.history]
    # AWS records the first state entered with previousEventId 0, not 1 (the GetExecutionHistory
    # example; every AWS-recorded first *StateEntered in LocalStack's snapshot files).
    previous = [0, 0, *range(2, len(expected))]
    pairs = zip(expected, previous, strict=True)
    assert got == [(t, ts, i, p) for i, ((t, ts), p) in enumerate(pairs, start=1)]


def test_history_names_each_state_in_order() -> None:
    ex, _ = run_story()
    entered = [
        e["stateEnteredEventDetails"]["name"] for e in ex.history if e["type"].endswith("Entered")
    ]
    exited = [
        e["stateExitedEventDetails"]["name"] for e in ex.history if e["type"].endswith("Exited")
    ]
    order = [
        "RecordingWait",
        "StartRecording",
        "SendLivePingWait",
        "SendLivePing",
        "StoppingWait",
        "StopRecording",
    ]
    assert entered == order
    assert exited == order


def test_history_details_of_the_first_task() -> None:
    ex, _ = run_story()
    by_id = {e["id"]: e for e in ex.history}
    given = '{"start":"2026-12-01T09:00:00Z","end":"2026-12-01T10:00:00Z"}'
    assert by_id[1]["executionStartedEventDetails"] == {
        "input": given,
        "inputDetails": {"truncated": False},
        "roleArn": "arn:aws:iam::123456789012:role/service-role/StepFunctions-StateMachine-role",
    }
    assert by_id[4]["stateEnteredEventDetails"] == {
        "name": "StartRecording",
        "input": given,
        "inputDetails": {"truncated": False},
    }
    assert by_id[5]["lambdaFunctionScheduledEventDetails"] == {
        "resource": ACCOUNT_FN + "StartRecorder",
        "input": given,
        "inputDetails": {"truncated": False},
    }
    assert "lambdaFunctionStartedEventDetails" not in by_id[6]
    assert by_id[7]["lambdaFunctionSucceededEventDetails"] == {
        "output": '{"recording":true}',
        "outputDetails": {"truncated": False},
    }
    assert by_id[8]["stateExitedEventDetails"] == {
        "name": "StartRecording",
        "output": '{"start":"2026-12-01T09:00:00Z","end":"2026-12-01T10:00:00Z",'
        '"recording":{"recording":true}}',
        "outputDetails": {"truncated": False},
    }


def test_describe_is_shaped_like_describe_execution() -> None:
    ex, _ = run_story()
    arn = "arn:aws:states:us-east-1:123456789012:execution:StateMachine:class-2026-12-01"
    assert ex.arn == arn
    assert ex.describe() == {
        "executionArn": arn,
        "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:StateMachine",
        "name": "class-2026-12-01",
        "status": "SUCCEEDED",
        "startDate": START,
        "input": json.dumps(INPUT, separators=(",", ":")),
        "inputDetails": {"included": True},
        "stopDate": at(10, 0),
        "output": ex.output_json,
        "outputDetails": {"included": True},
    }


def test_a_class_that_already_started_starts_recording_at_once() -> None:
    # A past timestamp continues at once (AWS: the Wait exits immediately).
    sm = aslrun.load(EXAMPLES / "classroom.asl.json")
    seen: list[datetime] = []

    def any_task(event: Any, ctx: Any) -> dict[str, Any]:
        seen.append(ctx.now())
        return {}

    ex = sm.run(
        INPUT,
        handlers={"*": any_task},
        clock=aslrun.VirtualClock(start="2026-12-01T09:30:00Z"),
    )
    assert ex.status == "SUCCEEDED"
    assert seen == [at(9, 30), at(9, 31), at(10, 0)]


def test_the_example_handlers_module_gives_the_same_times() -> None:
    from aslrun.handlers.modules import collect_handlers, load_handler_module

    handlers: dict[str, Any] = collect_handlers(
        load_handler_module(str(EXAMPLES / "classroom_handlers.py"))
    )
    assert sorted(handlers) == [
        "SendLivePing",
        "StartRecorder",
        "StopRecorder",
        "sendLivePing",
        "startRecorder",
        "stopRecorder",
    ]
    sm = aslrun.load(EXAMPLES / "classroom.asl.json")
    given = json.loads((EXAMPLES / "classroom.input.json").read_text())
    assert given == INPUT
    ex = sm.run(given, handlers=handlers, clock=aslrun.VirtualClock(start="2026-11-30T12:00:00Z"))
    assert ex.status == "SUCCEEDED"
    assert ex.output == {
        **INPUT,
        "recording": {"recordingId": "rec-0001", "startedAt": "2026-12-01T09:00:00Z"},
        "livePing": {"recordingId": "rec-0001", "pingedAt": "2026-12-01T09:01:00Z"},
        "stopped": {"recordingId": "rec-0001", "stoppedAt": "2026-12-01T10:00:00Z"},
    }
