"""Execution history in GetExecutionHistory's shape: ids, previousEventId, simulated timestamps,
*EventDetails, and the classroom workflow's timeline (issue 2's user story).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from aslrun.runtime.history import History, Payload
from conftest import FN, events, machine, run, types

CLASSROOM = {
    "StartAt": "RecordingWait",
    "States": {
        "RecordingWait": {"Type": "Wait", "TimestampPath": "$.start", "Next": "StartRecording"},
        "StartRecording": {
            "Type": "Task",
            "Resource": FN + "StartRecorder",
            "ResultPath": "$.recording",
            "Next": "SendLivePingWait",
        },
        "SendLivePingWait": {"Type": "Wait", "Seconds": 60, "Next": "SendLivePing"},
        "SendLivePing": {
            "Type": "Task",
            "Resource": FN + "SendLivePing",
            "ResultPath": "$.livePing",
            "Next": "StoppingWait",
        },
        "StoppingWait": {"Type": "Wait", "TimestampPath": "$.end", "Next": "StopRecording"},
        "StopRecording": {
            "Type": "Task",
            "Resource": FN + "StopRecorder",
            "ResultPath": "$.stopped",
            "End": True,
        },
    },
}


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_classroom_timeline() -> None:
    """The classroom workflow: StartRecorder at 09:00:00Z, SendLivePing at 09:01:00Z,
    StopRecorder at 10:00:00Z, all simulated, starting the day before."""
    calls: list[tuple[str, datetime]] = []

    def handler(label: str) -> Any:
        return lambda event, ctx: calls.append((label, ctx.now())) or {label: True}

    ex = run(
        CLASSROOM,
        {"start": "2026-12-01T09:00:00Z", "end": "2026-12-01T10:00:00Z"},
        {
            "StartRecorder": handler("start"),
            "SendLivePing": handler("ping"),
            "StopRecorder": handler("stop"),
        },
        start="2026-11-30T12:00:00Z",
    )
    assert ex.status == "SUCCEEDED"
    assert calls == [
        ("start", utc("2026-12-01T09:00:00Z")),
        ("ping", utc("2026-12-01T09:01:00Z")),
        ("stop", utc("2026-12-01T10:00:00Z")),
    ]
    assert ex.output == {
        "start": "2026-12-01T09:00:00Z",
        "end": "2026-12-01T10:00:00Z",
        "recording": {"start": True},
        "livePing": {"ping": True},
        "stopped": {"stop": True},
    }
    timeline = [
        (e["type"], e["timestamp"])
        for e in ex.history
        if e["type"].endswith(("StateEntered", "StateExited"))
    ]
    assert timeline == [
        ("WaitStateEntered", utc("2026-11-30T12:00:00Z")),
        ("WaitStateExited", utc("2026-12-01T09:00:00Z")),
        ("TaskStateEntered", utc("2026-12-01T09:00:00Z")),
        ("TaskStateExited", utc("2026-12-01T09:00:00Z")),
        ("WaitStateEntered", utc("2026-12-01T09:00:00Z")),
        ("WaitStateExited", utc("2026-12-01T09:01:00Z")),
        ("TaskStateEntered", utc("2026-12-01T09:01:00Z")),
        ("TaskStateExited", utc("2026-12-01T09:01:00Z")),
        ("WaitStateEntered", utc("2026-12-01T09:01:00Z")),
        ("WaitStateExited", utc("2026-12-01T10:00:00Z")),
        ("TaskStateEntered", utc("2026-12-01T10:00:00Z")),
        ("TaskStateExited", utc("2026-12-01T10:00:00Z")),
    ]
    assert ex.start_date == utc("2026-11-30T12:00:00Z")
    assert ex.stop_date == utc("2026-12-01T10:00:00Z")


def test_ids_are_sequential_and_previous_ids_chain() -> None:
    """Event ids are 1..n; previousEventId of a sequential run names the preceding event."""
    ex = run(
        CLASSROOM,
        {"start": "2026-01-01T00:00:00Z", "end": "2026-01-01T00:00:00Z"},
        {"StartRecorder": lambda e: 1, "SendLivePing": lambda e: 2, "StopRecorder": lambda e: 3},
    )
    ids = [e["id"] for e in ex.history]
    assert ids == list(range(1, len(ids) + 1))
    # AWS: the first state entered records previousEventId 0 (not ExecutionStarted's 1); recorded
    # in the GetExecutionHistory example and LocalStack's AWS snapshots (test_base.snapshot.json).
    assert [e["previousEventId"] for e in ex.history] == [0, 0, *ids[1:-1]]
    assert len(ids) == 1 + 3 * 2 + 3 * 5 + 1


def test_timestamps_are_aware_utc_and_non_decreasing() -> None:
    """Every timestamp is an aware UTC datetime; history is in time order."""
    ex = run(
        machine(
            {
                "A": {"Type": "Wait", "Seconds": 3, "Next": "B"},
                "B": {"Type": "Wait", "Seconds": 4, "End": True},
            }
        ),
        {},
    )
    stamps = [e["timestamp"] for e in ex.history]
    assert all(t.tzinfo is not None and t.utcoffset().total_seconds() == 0 for t in stamps)
    assert stamps == sorted(stamps)


def test_event_details_shapes() -> None:
    """ExecutionStarted carries input + roleArn; state events name + input/output as compact
    JSON text with *Details.truncated; ExecutionSucceeded the output."""
    ex = run(
        machine({"P": {"Type": "Pass", "Result": {"b": 2}, "ResultPath": "$.r", "End": True}}),
        {"a": 1},
        machine="M",
    )
    started, entered, exited, succeeded = ex.history
    assert started["executionStartedEventDetails"]["input"] == '{"a":1}'
    assert started["executionStartedEventDetails"]["inputDetails"] == {"truncated": False}
    assert "roleArn" in started["executionStartedEventDetails"]
    assert entered["stateEnteredEventDetails"] == {
        "name": "P",
        "input": '{"a":1}',
        "inputDetails": {"truncated": False},
    }
    assert exited["stateExitedEventDetails"] == {
        "name": "P",
        "output": '{"a":1,"r":{"b":2}}',
        "outputDetails": {"truncated": False},
    }
    assert succeeded["executionSucceededEventDetails"]["output"] == '{"a":1,"r":{"b":2}}'


def test_failed_task_event_details() -> None:
    """LambdaFunctionFailed carries error and cause; ExecutionFailed repeats them."""

    def f(event: Any, ctx: Any) -> Any:
        raise ValueError("nope")

    ex = run(machine({"T": {"Type": "Task", "Resource": FN + "f", "End": True}}), {}, {"f": f})
    failed = events(ex, "LambdaFunctionFailed")[0]["lambdaFunctionFailedEventDetails"]
    assert failed["error"] == "ValueError"
    assert json.loads(failed["cause"])["errorMessage"] == "nope"
    assert ex.history[-1]["executionFailedEventDetails"] == {
        "error": "ValueError",
        "cause": failed["cause"],
    }


def test_map_iteration_events_carry_index() -> None:
    """MapIterationStarted/Succeeded carry the Map's name and the item index."""
    ex = run(
        machine(
            {
                "M": {
                    "Type": "Map",
                    "End": True,
                    "ItemProcessor": {
                        "StartAt": "P",
                        "States": {"P": {"Type": "Pass", "End": True}},
                    },
                }
            }
        ),
        ["a", "b"],
    )
    started = [e["mapIterationStartedEventDetails"] for e in events(ex, "MapIterationStarted")]
    assert started == [{"name": "M", "index": 0}, {"name": "M", "index": 1}]
    assert events(ex, "MapStateStarted")[0]["mapStateStartedEventDetails"] == {"length": 2}


def test_history_unit_numbering() -> None:
    """History.add numbers events from 1 and renders payloads as compact JSON."""
    h = History()
    first = h.add(0.0, "ExecutionStarted", 0, {"input": Payload({"k": [1, 2]}), "roleArn": "r"})
    h.add(1.5, "PassStateEntered", first, {"name": "P", "input": Payload({})})
    dicts = h.as_dicts()
    assert [d["id"] for d in dicts] == [1, 2]
    assert dicts[1]["previousEventId"] == 1
    assert dicts[0]["executionStartedEventDetails"]["input"] == '{"k":[1,2]}'
    assert dicts[1]["timestamp"] == datetime(1970, 1, 1, 0, 0, 1, 500_000, tzinfo=timezone.utc)
    assert len(h) == 2
    assert [e.type for e in h] == ["ExecutionStarted", "PassStateEntered"]


def test_choice_and_succeed_types() -> None:
    """Choice and Succeed record their Entered/Exited pairs."""
    ex = run(
        machine(
            {
                "C": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.a", "NumericEquals": 1, "Next": "S"}],
                },
                "S": {"Type": "Succeed"},
            }
        ),
        {"a": 1},
    )
    assert types(ex) == [
        "ExecutionStarted",
        "ChoiceStateEntered",
        "ChoiceStateExited",
        "SucceedStateEntered",
        "SucceedStateExited",
        "ExecutionSucceeded",
    ]
