"""The compact event store (runtime/history.py): events kept in columns, rendered when read.

Each compact kind must read back exactly as the details dict ``add`` was given before the
store was compact: the event shapes below are GetExecutionHistory's (AWS API reference,
HistoryEvent: ``stateEnteredEventDetails`` {name, input, inputDetails.truncated},
``lambdaFunctionScheduledEventDetails`` {resource, input, inputDetails, timeoutInSeconds},
``taskScheduledEventDetails`` {resourceType, resource, region, parameters, timeoutInSeconds,
heartbeatInSeconds}, ``taskSucceededEventDetails`` {resourceType, resource, output,
outputDetails}).
"""

from __future__ import annotations

import gc
import json
import types
from datetime import datetime, timezone
from typing import Any

import pytest

import aslrun
from aslrun.errors import StatesError
from aslrun.runtime.history import (
    History,
    HistoryEvent,
    HistoryLimitReached,
    Payload,
    shape,
)

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:F"


def _reference(h: History) -> list[dict[str, Any]]:
    """Each event as a ``HistoryEvent`` made from its details renders it (the shape every
    event had before the store kept columns)."""
    return [
        HistoryEvent(e.id, e.previous_event_id, e.timestamp, e.type, e.details).as_dict() for e in h
    ]


def test_state_entered_and_exited_read_back_as_aws_details() -> None:
    h = History()
    first = h.add(10.0, "ExecutionStarted", 0, {"input": Payload({"a": 1}), "roleArn": "r"})
    entered = h.state_entered(10.0, "Pass", 0, "P", {"a": 1})
    h.state_exited(10.5, "Pass", entered, "P", [1, "x"])
    assert first == 1 and entered == 2
    e = h.event(1)
    assert (e.id, e.previous_event_id, e.timestamp, e.type) == (2, 0, 10.0, "PassStateEntered")
    assert e.details is not None and e.details["name"] == "P"
    assert h.as_dicts() == [
        {
            "timestamp": datetime(1970, 1, 1, 0, 0, 10, tzinfo=timezone.utc),
            "type": "ExecutionStarted",
            "id": 1,
            "previousEventId": 0,
            "executionStartedEventDetails": {
                "input": '{"a":1}',
                "inputDetails": {"truncated": False},
                "roleArn": "r",
            },
        },
        {
            "timestamp": datetime(1970, 1, 1, 0, 0, 10, tzinfo=timezone.utc),
            "type": "PassStateEntered",
            "id": 2,
            "previousEventId": 0,
            "stateEnteredEventDetails": {
                "name": "P",
                "input": '{"a":1}',
                "inputDetails": {"truncated": False},
            },
        },
        {
            "timestamp": datetime(1970, 1, 1, 0, 0, 10, 500_000, tzinfo=timezone.utc),
            "type": "PassStateExited",
            "id": 3,
            "previousEventId": 2,
            "stateExitedEventDetails": {
                "name": "P",
                "output": '[1,"x"]',
                "outputDetails": {"truncated": False},
            },
        },
    ]
    assert h.as_dicts() == _reference(h)


def test_shaped_events_keep_aws_field_order() -> None:
    h = History()
    after = (("timeoutInSeconds", 30), ("heartbeatInSeconds", 10))
    fields = (("resourceType", "dynamodb"), ("resource", "putItem"), ("region", "us-east-1"))
    task = shape("TaskScheduled", fields, "parameters", payload=False, after=after)
    h.shaped(1.0, 0, task, '{"k":1}')
    lam = shape("LambdaFunctionScheduled", (("resource", LAMBDA),), "input", after=after[:1])
    h.shaped(2.0, 1, lam, {"x": None})
    done = shape("TaskSucceeded", fields[:2], "output")
    h.shaped(3.0, 2, done, {"Item": {}})
    details = [e.details for e in h]
    assert details[0] == {
        "resourceType": "dynamodb",
        "resource": "putItem",
        "region": "us-east-1",
        "parameters": '{"k":1}',
        "timeoutInSeconds": 30,
        "heartbeatInSeconds": 10,
    }
    assert details[0] is not None
    assert list(details[0]) == [
        "resourceType",
        "resource",
        "region",
        "parameters",
        "timeoutInSeconds",
        "heartbeatInSeconds",
    ]
    rendered = h.as_dicts()
    assert rendered[1]["lambdaFunctionScheduledEventDetails"] == {
        "resource": LAMBDA,
        "input": '{"x":null}',
        "inputDetails": {"truncated": False},
        "timeoutInSeconds": 30,
    }
    assert list(rendered[2]["taskSucceededEventDetails"]) == [
        "resourceType",
        "resource",
        "output",
        "outputDetails",
    ]
    assert rendered == _reference(h)


def test_equal_shapes_are_shared() -> None:
    a = shape("TaskSucceeded", (("resourceType", "sqs"), ("resource", "sendMessage")), "output")
    b = shape("TaskSucceeded", (("resourceType", "sqs"), ("resource", "sendMessage")), "output")
    c = shape("TaskSucceeded", (("resourceType", "sns"), ("resource", "publish")), "output")
    assert a is b
    assert a is not c


def test_add_keeps_details_it_cannot_compact_as_given() -> None:
    h = History()
    nested = {"name": "P", "output": Payload(1), "assignedVariables": {"x": "1"}}
    two = {"input": Payload(1), "output": Payload(2)}
    number = {"input": Payload(1), "timeoutInSeconds": 5}
    flag = {"name": "M", "index": True}
    for details in (nested, two, number, flag):
        h.add(0.0, "TaskStarted", 0, details)
    h.add(0.0, "LambdaFunctionStarted", 0)
    h.add(0.0, "ActivityStarted", 0, {})
    got = [e.details for e in h]
    assert got[0] is nested and got[1] is two and got[2] is number and got[3] is flag
    assert got[4] is None
    assert got[5] == {}
    assert h.as_dicts()[5]["activityStartedEventDetails"] == {}
    assert "lambdaFunctionStartedEventDetails" not in h.as_dicts()[4]
    assert h.as_dicts() == _reference(h)
    assert h.render(-1) == h.event(-1).as_dict() == h.as_dicts()[5]


def test_add_compacts_one_payload_with_text_fields() -> None:
    h = History()
    h.add(0.0, "ExecutionStarted", 0, {"input": Payload({"a": [1]}), "roleArn": "arn:role"})
    h.add(4.0, "ExecutionSucceeded", 3, {"output": Payload("done")})
    started, succeeded = h.events
    assert started.details is not None and succeeded.details is not None
    assert list(started.details) == ["input", "roleArn"]
    assert started.details["roleArn"] == "arn:role"
    assert succeeded.details["output"].value == "done"
    assert h.as_dicts()[1]["executionSucceededEventDetails"] == {
        "output": '"done"',
        "outputDetails": {"truncated": False},
    }


def test_add_compacts_a_map_iteration_and_its_index() -> None:
    """mapIterationStartedEventDetails: {name, index} (AWS API reference,
    MapIterationEventDetails)."""
    h = History()
    h.add(0.0, "MapStateStarted", 0, {"length": 2})
    for i in range(2):
        h.add(0.0, "MapIterationStarted", 1, {"name": "M", "index": i})
        h.add(0.0, "MapIterationSucceeded", 2, {"name": "M", "index": i})
    rendered = h.as_dicts()
    assert rendered[0]["mapStateStartedEventDetails"] == {"length": 2}
    assert [r.get("mapIterationStartedEventDetails") for r in rendered[1::2]] == [
        {"name": "M", "index": 0},
        {"name": "M", "index": 1},
    ]
    assert rendered[4]["mapIterationSucceededEventDetails"] == {"name": "M", "index": 1}
    assert type(h.event(3).details["index"]) is int  # type: ignore[index]
    assert rendered == _reference(h)


def test_listener_gets_each_event_as_it_is_read_later() -> None:
    h = History()
    heard: list[HistoryEvent] = []
    h.listener = heard.append
    h.add(0.0, "ExecutionStarted", 0, {"input": Payload({}), "roleArn": "r"})
    h.state_entered(0.0, "Task", 0, "T", {})
    h.shaped(0.0, 2, shape("LambdaFunctionScheduled", (("resource", LAMBDA),), "input"), {})
    h.add(0.0, "LambdaFunctionStarted", 3)
    h.state_exited(1.0, "Task", 4, "T", {"r": 1})
    assert [e.as_dict() for e in heard] == h.as_dicts()
    assert [e.id for e in heard] == [1, 2, 3, 4, 5]


def test_iteration_sees_events_added_meanwhile() -> None:
    h = History()
    h.add(0.0, "ExecutionStarted", 0, {"input": Payload({}), "roleArn": "r"})
    seen = []
    for e in h:
        seen.append(e.id)
        if e.id < 3:
            h.state_entered(0.0, "Pass", e.id, "P", None)
    assert seen == [1, 2, 3]
    assert h.event(-1).id == 3


def test_forget_keeps_the_count_and_drops_the_events() -> None:
    h = History()
    h.listener = lambda e: None
    h.add(0.0, "ExecutionStarted", 0, {"input": Payload({}), "roleArn": "r"})
    h.state_entered(0.0, "Pass", 0, "P", {})
    h.forget()
    assert len(h) == 2
    assert h.kept == 0
    assert h.events == [] and h.as_dicts() == [] and list(h) == []
    assert h.listener is None


def test_close_trims_and_stops_telling() -> None:
    h = History()
    h.listener = lambda e: None
    h.on_limit = lambda: None
    for i in range(5):
        h.state_entered(float(i), "Wait", i, "W", i)
    before = h.as_dicts()
    h.close()
    assert h.listener is None and h.on_limit is None
    assert h.as_dicts() == before
    assert len(h) == 5


def test_load_keeps_recorded_events_and_numbering_goes_on() -> None:
    recorded = [
        HistoryEvent(1, 0, 0.0, "ExecutionStarted", {"input": "{}", "roleArn": "r"}),
        HistoryEvent(2, 0, 0.0, "PassStateEntered", {"name": "P", "input": "{}"}),
    ]
    h = History()
    heard: list[HistoryEvent] = []
    h.listener = heard.append
    h.load(recorded)
    assert heard == []
    assert h.state_exited(1.0, "Pass", 2, "P", {}) == 3
    assert [e.as_dict() for e in h][:2] == [e.as_dict() for e in recorded]


def test_limit_applies_to_compact_events() -> None:
    """The event numbered ``limit`` may only be the execution's last (MAX_EVENTS' rule)."""
    h = History(limit=3)
    h.state_entered(0.0, "Pass", 0, "P", {})
    h.state_exited(0.0, "Pass", 1, "P", {})
    with pytest.raises(StatesError) as info:
        h.state_entered(0.0, "Pass", 2, "Q", {})
    assert info.value.error == "States.Runtime"
    assert h.state_entered(0.0, "Pass", 2, "Q", {}) == 2  # dropped once refused
    assert h.add(0.0, "ExecutionFailed", 2, {"error": "States.Runtime"}) == 3

    ended: list[bool] = []
    top = History(limit=2)
    top.on_limit = lambda: ended.append(True)
    top.add(0.0, "ExecutionStarted", 0, {"input": Payload({}), "roleArn": "r"})
    with pytest.raises(HistoryLimitReached):
        top.shaped(0.0, 1, shape("LambdaFunctionScheduled", (("resource", LAMBDA),), "input"), 1)


def _reachable_types(roots: list[object], stop: tuple[type, ...]) -> set[str]:
    """The type names of every object reachable from ``roots``, not walking into ``stop``."""
    seen = {id(r) for r in roots}
    todo = list(roots)
    found: set[str] = set()
    while todo:
        obj = todo.pop()
        found.add(type(obj).__name__)
        if isinstance(obj, stop):
            continue
        for ref in gc.get_referents(obj):
            if id(ref) not in seen and not isinstance(ref, (type, types.ModuleType)):
                seen.add(id(ref))
                todo.append(ref)
    return found


def test_an_ended_execution_keeps_its_events_compact_and_no_runtime() -> None:
    """What an ended service execution keeps: its description and history columns, not the
    process that ran it (Runtime, Frame, Proc, generators, timers) nor an event object or
    details dict per event."""
    definition = {
        "StartAt": "W",
        "States": {
            "W": {"Type": "Wait", "Seconds": 5, "Next": "T"},
            "T": {"Type": "Task", "Resource": LAMBDA, "End": True},
        },
    }
    sfn = aslrun.StepFunctions(clock=aslrun.VirtualClock(start=0), handlers={"F": lambda e: e})
    arn = sfn.create_state_machine(name="m", definition=json.dumps(definition))
    started = sfn.start_execution(stateMachineArn=arn["stateMachineArn"], input='{"k": 1}')
    sfn.run()
    record = sfn._s.executions[started["executionArn"]]
    execution = record.execution
    assert execution.status == "SUCCEEDED"
    assert [e["type"] for e in execution.history] == [
        "ExecutionStarted",
        "WaitStateEntered",
        "WaitStateExited",
        "TaskStateEntered",
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
        "LambdaFunctionSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    gc.collect()
    slots = [n for cls in type(execution).__mro__ for n in getattr(cls, "__slots__", ())]
    kept = {n: getattr(execution, n) for n in slots}
    roots = [v for k, v in kept.items() if k not in ("_clock", "definition")]
    found = _reachable_types([record.input_text, *roots], stop=(aslrun.VirtualClock,))
    held = {"Runtime", "Frame", "Proc", "StateRun", "generator", "frame", "Timer"}
    held |= {"HistoryEvent", "Payload", "function", "method"}
    assert found & held == set()
