"""The context object ($$) with exact values, and execution-level TimeoutSeconds.

Rules: AWS developer guide "Accessing execution data from the Context object" (Execution.Id,
Input, Name, RoleArn, StartTime, RedriveCount; State.EnteredTime, Name, RetryCount;
StateMachine.Id, Name; timestamps ISO 8601 with milliseconds and Z); recorded case
TestSnfBase::test_query_context_object_values for the shape.
"""

from __future__ import annotations

from typing import Any

from conftest import FN, at, events, machine, run, types

EXEC_ARN = "arn:aws:states:us-east-1:123456789012:execution:Classes:run-7"
SM_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:Classes"


def query(params: dict[str, Any], before: dict[str, Any] | None = None, input: Any = None) -> Any:
    states = {**(before or {}), "Q": {"Type": "Pass", "Parameters": params, "End": True}}
    ex = run(
        machine(states), {"msg": "hi"} if input is None else input, name="run-7", machine="Classes"
    )
    assert ex.status == "SUCCEEDED", ex.cause
    return ex.output


def test_execution_fields() -> None:
    """$$.Execution.Id/Name/StartTime/Input with exact values."""
    out = query(
        {
            "id.$": "$$.Execution.Id",
            "name.$": "$$.Execution.Name",
            "start.$": "$$.Execution.StartTime",
            "input.$": "$$.Execution.Input",
        }
    )
    assert out == {
        "id": EXEC_ARN,
        "name": "run-7",
        "start": "2026-01-01T00:00:00.000Z",
        "input": {"msg": "hi"},
    }


def test_execution_input_is_the_original_input() -> None:
    """$$.Execution.Input stays the execution input after states changed the data."""
    out = query(
        {"input.$": "$$.Execution.Input"},
        before={"Change": {"Type": "Pass", "Result": {"x": 1}, "Next": "Q"}},
    )
    assert out == {"input": {"msg": "hi"}}


def test_state_machine_fields() -> None:
    """$$.StateMachine.Id/Name."""
    out = query({"id.$": "$$.StateMachine.Id", "name.$": "$$.StateMachine.Name"})
    assert out == {"id": SM_ARN, "name": "Classes"}


def test_state_entered_time_and_name() -> None:
    """$$.State.EnteredTime is the simulated entry instant (after a 90.5 s wait), ms + Z."""
    out = query(
        {"t.$": "$$.State.EnteredTime", "n.$": "$$.State.Name"},
        before={"W": {"Type": "Wait", "Timestamp": "2026-01-01T00:01:30.500Z", "Next": "Q"}},
    )
    assert out == {"t": "2026-01-01T00:01:30.500Z", "n": "Q"}


def test_whole_context_object_shape_for_pass() -> None:
    """`$$` in a Pass state: Execution {Id, Input, StartTime, Name, RoleArn, RedriveCount},
    StateMachine {Id, Name}, State {Name, EnteredTime} (recorded case
    test_query_context_object_values; a Pass state has no RetryCount)."""
    out = query({"c.$": "$$"})["c"]
    assert set(out) == {"Execution", "StateMachine", "State"}
    assert set(out["Execution"]) == {"Id", "Input", "StartTime", "Name", "RoleArn", "RedriveCount"}
    assert out["Execution"]["RedriveCount"] == 0
    assert out["StateMachine"] == {"Id": SM_ARN, "Name": "Classes"}
    assert out["State"]["Name"] == "Q"
    assert out["State"]["EnteredTime"] == "2026-01-01T00:00:00.000Z"


def test_pass_state_context_has_no_retry_count() -> None:
    """`$$.State` in a Pass state is exactly {Name, EnteredTime} (recorded case
    TestSnfBase::test_query_context_object_values: "state": {"Name", "EnteredTime"})."""
    assert query({"s.$": "$$.State"}) == {
        "s": {"Name": "Q", "EnteredTime": "2026-01-01T00:00:00.000Z"}
    }


def test_task_state_retry_count_zero_on_first_attempt() -> None:
    """$$.State.RetryCount is 0 on a Task's first attempt."""
    ex = run(
        machine(
            {
                "T": {
                    "Type": "Task",
                    "Resource": FN + "f",
                    "End": True,
                    "Parameters": {"rc.$": "$$.State.RetryCount"},
                }
            }
        ),
        {},
        {"f": lambda e, c: e},
    )
    assert ex.output == {"rc": 0}


def test_context_in_map_iteration() -> None:
    """Inside a Map, $$.Execution stays the parent's; $$.Map.Item.* in ItemSelector."""
    ex = run(
        machine(
            {
                "M": {
                    "Type": "Map",
                    "End": True,
                    "ItemSelector": {"v.$": "$$.Map.Item.Value", "e.$": "$$.Execution.Name"},
                    "ItemProcessor": {
                        "StartAt": "P",
                        "States": {"P": {"Type": "Pass", "End": True}},
                    },
                }
            }
        ),
        ["a"],
        name="run-7",
    )
    assert ex.output == [{"v": "a", "e": "run-7"}]


# -- execution TimeoutSeconds ------------------------------------------------------------------


def test_execution_timeout_during_wait() -> None:
    """TimeoutSeconds 5 with a 60 s Wait → TIMED_OUT at +5 (recorded case
    TestTimeouts::test_global_timeout: status TIMED_OUT)."""
    ex = run(
        {
            "StartAt": "State_1",
            "TimeoutSeconds": 5,
            "States": {
                "State_1": {"Type": "Wait", "Seconds": 60, "Next": "State_2"},
                "State_2": {"Type": "Pass", "Result": {"Arg1": "argument1"}, "End": True},
            },
        },
        {},
    )
    assert ex.status == "TIMED_OUT"
    assert ex.output is None
    assert ex.stop_date == at(5)
    assert types(ex) == ["ExecutionStarted", "WaitStateEntered", "ExecutionTimedOut"]
    assert ex.history[-1]["timestamp"] == at(5)


def test_execution_timeout_during_task_work() -> None:
    """A handler spending 100 s under an execution TimeoutSeconds of 30 → TIMED_OUT at +30."""
    ex = run(
        {
            "StartAt": "T",
            "TimeoutSeconds": 30,
            "States": {"T": {"Type": "Task", "Resource": FN + "f", "End": True}},
        },
        {},
        {"f": lambda e, c: c.sleep(100)},
    )
    assert ex.status == "TIMED_OUT"
    assert ex.stop_date == at(30)
    assert "LambdaFunctionSucceeded" not in types(ex)


def test_execution_finishing_before_timeout_succeeds() -> None:
    """Finishing before TimeoutSeconds: SUCCEEDED at its own end."""
    ex = run(
        {
            "StartAt": "W",
            "TimeoutSeconds": 60,
            "States": {"W": {"Type": "Wait", "Seconds": 59, "End": True}},
        },
        {},
    )
    assert ex.status == "SUCCEEDED"
    assert ex.stop_date == at(59)


def test_execution_timeout_stops_parallel_branches() -> None:
    """The execution timeout stops running branches: no later branch events."""
    ex = run(
        {
            "StartAt": "Par",
            "TimeoutSeconds": 10,
            "States": {
                "Par": {
                    "Type": "Parallel",
                    "End": True,
                    "Branches": [
                        {
                            "StartAt": "A",
                            "States": {"A": {"Type": "Wait", "Seconds": 20, "End": True}},
                        },
                        {
                            "StartAt": "B",
                            "States": {"B": {"Type": "Wait", "Seconds": 30, "End": True}},
                        },
                    ],
                }
            },
        },
        {},
    )
    assert ex.status == "TIMED_OUT"
    assert ex.stop_date == at(10)
    assert events(ex, "WaitStateExited") == []
