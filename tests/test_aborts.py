"""States stopped by a sibling's failure record AWS's ``*Aborted`` events.

AWS history event types (HistoryEventType): WaitStateAborted, TaskStateAborted,
MapStateAborted, ParallelStateAborted, MapIterationAborted.  A branch that fails stops the
Parallel's other branches; a Map past its failure threshold stops its other items.  An
execution that times out ends with ExecutionTimedOut and records no state aborts.
"""

from __future__ import annotations

from typing import Any

import aslrun

FN = "arn:aws:lambda:us-east-1:123456789012:function:"
START = "2026-01-01T00:00:00Z"


def _events(ex: aslrun.Execution) -> list[tuple[int, str]]:
    start = ex.history[0]["timestamp"]
    return [(int((e["timestamp"] - start).total_seconds()), e["type"]) for e in ex.history]


def test_a_failing_branch_aborts_the_states_its_siblings_stand_in() -> None:
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": True}}},
                    {
                        "StartAt": "T",
                        "States": {"T": {"Type": "Task", "Resource": FN + "slow", "End": True}},
                    },
                    {
                        "StartAt": "W3",
                        "States": {
                            "W3": {"Type": "Wait", "Seconds": 10, "Next": "F"},
                            "F": {"Type": "Fail", "Error": "Boom", "Cause": "x"},
                        },
                    },
                ],
                "End": True,
            }
        },
    }

    def slow(event: Any, ctx: Any) -> Any:
        ctx.sleep(100)
        return event

    ex = aslrun.load(definition).run(
        {}, handlers={"slow": slow}, clock=aslrun.VirtualClock(start=START)
    )
    assert (ex.status, ex.error, ex.cause) == ("FAILED", "Boom", "x")
    assert _events(ex)[-5:] == [
        (10, "FailStateEntered"),
        (10, "WaitStateAborted"),
        (10, "TaskStateAborted"),
        (10, "ParallelStateFailed"),
        (10, "ExecutionFailed"),
    ]


def test_a_map_past_its_threshold_aborts_its_running_items() -> None:
    definition = {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemProcessor": {
                    "StartAt": "C",
                    "States": {
                        "C": {
                            "Type": "Choice",
                            "Choices": [{"Variable": "$", "NumericEquals": 0, "Next": "F"}],
                            "Default": "W",
                        },
                        "W": {"Type": "Wait", "Seconds": 30, "End": True},
                        "F": {"Type": "Fail", "Error": "Zero"},
                    },
                },
                "End": True,
            }
        },
    }
    ex = aslrun.load(definition).run([1, 0], clock=aslrun.VirtualClock(start=START))
    assert (ex.status, ex.error) == ("FAILED", "Zero")
    types = [t for _, t in _events(ex)]
    assert types[-6:] == [
        "FailStateEntered",
        "MapIterationFailed",
        "WaitStateAborted",
        "MapIterationAborted",
        "MapStateFailed",
        "ExecutionFailed",
    ]
    aborted = next(e for e in ex.history if e["type"] == "MapIterationAborted")
    assert aborted["mapIterationAbortedEventDetails"] == {"name": "M", "index": 0}


def test_an_execution_timeout_records_no_state_aborts() -> None:
    definition = {
        "TimeoutSeconds": 5,
        "StartAt": "W",
        "States": {"W": {"Type": "Wait", "Seconds": 60, "End": True}},
    }
    ex = aslrun.load(definition).run({}, clock=aslrun.VirtualClock(start=START))
    assert ex.status == "TIMED_OUT"
    assert _events(ex) == [
        (0, "ExecutionStarted"),
        (0, "WaitStateEntered"),
        (5, "ExecutionTimedOut"),
    ]
