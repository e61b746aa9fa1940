"""Runtime failures (States.Runtime and friends) with AWS's exact cause text and event ids.

Cause shape (recorded on AWS): ``An error occurred while executing the state '<S>' (entered at
the event id #<N>). <detail>`` where N is the id of the state's ...StateEntered event. Details
are Jayway JSONPath's messages; recorded case ids cited per test.
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import FN, machine, run, types


def cause(state: str, event_id: int, detail: str) -> str:
    return (
        f"An error occurred while executing the state '{state}' "
        f"(entered at the event id #{event_id}). {detail}"
    )


def test_input_path_miss() -> None:
    """InputPath that matches nothing (recorded case
    test_invalid_jsonpath[ST.INVALID_JSONPATH_IN_INPUTPATH])."""
    ex = run(
        machine({"pass": {"Type": "Pass", "InputPath": "$.NoSuchInputPath", "End": True}}),
        {"int-literal": 0},
    )
    assert ex.status == "FAILED"
    assert ex.error == "States.Runtime"
    assert ex.cause == cause(
        "pass", 2, "Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']"
    )
    assert types(ex) == ["ExecutionStarted", "PassStateEntered", "ExecutionFailed"]


def test_output_path_miss() -> None:
    """OutputPath that matches nothing (recorded case
    test_invalid_jsonpath[ST.INVALID_JSONPATH_IN_OUTPUTPATH])."""
    ex = run(
        machine({"pass": {"Type": "Pass", "OutputPath": "$.NoSuchOutputPath", "End": True}}),
        {"int-literal": 0},
    )
    assert ex.error == "States.Runtime"
    assert ex.cause == cause(
        "pass", 2, "Invalid path '$.NoSuchOutputPath' : No results for path: $['NoSuchOutputPath']"
    )


def test_short_input_path_miss_from_brief() -> None:
    """InputPath `$.x` on {"a":1}: No results for path: $['x']."""
    ex = run(machine({"S": {"Type": "Pass", "InputPath": "$.x", "End": True}}), {"a": 1})
    assert ex.cause == cause("S", 2, "Invalid path '$.x' : No results for path: $['x']")


def test_output_path_missing_intermediate_property_after_task() -> None:
    """A missing intermediate property reads 'Missing property in path'; the task's events
    count towards ids but the entered id is cited; no Catch applies to States.Runtime
    (recorded case TestBaseScenarios::test_catch_states_runtime)."""
    definition = machine(
        {
            "RaiseRuntime": {
                "Type": "Task",
                "Resource": FN + "f",
                "OutputPath": "$.no.such.result.path",
                "Catch": [{"ErrorEquals": ["States.Runtime"], "Next": "CaughtRuntime"}],
                "Next": "Final",
            },
            "CaughtRuntime": {"Type": "Pass", "End": True},
            "Final": {"Type": "Pass", "End": True},
        }
    )
    ex = run(definition, {}, {"f": lambda e, c: e})
    assert ex.status == "FAILED"
    assert ex.error == "States.Runtime"
    assert ex.cause == cause(
        "RaiseRuntime", 2, "Invalid path '$.no.such.result.path' : Missing property in path $['no']"
    )
    assert types(ex) == [
        "ExecutionStarted",
        "TaskStateEntered",
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
        "LambdaFunctionSucceeded",
        "ExecutionFailed",
    ]


def test_parameters_path_miss() -> None:
    """Parameters `.$` path miss (recorded case
    test_invalid_jsonpath[INVALID_JSONPATH_IN_STRING_EXPR_JSONPATH])."""
    ex = run(
        machine(
            {"pass": {"Type": "Pass", "Parameters": {"value.$": "$.no_such_jsonpath"}, "End": True}}
        ),
        {"int-literal": 0},
    )
    assert ex.error == "States.Runtime"
    assert ex.cause == cause(
        "pass",
        2,
        "The JSONPath '$.no_such_jsonpath' specified for the "
        "field 'value.$' could not be found in the input "
        "'{\"int-literal\":0}'",
    )


def test_parameters_path_miss_from_brief() -> None:
    """The input is quoted as compact JSON in the cause."""
    ex = run(machine({"S": {"Type": "Pass", "Parameters": {"x.$": "$.x"}, "End": True}}), {"a": 1})
    assert ex.cause == cause(
        "S",
        2,
        "The JSONPath '$.x' specified for the field 'x.$' could not "
        "be found in the input '{\"a\":1}'",
    )


def test_context_path_miss_in_parameters() -> None:
    """A `$$` path miss names the context path (recorded case
    test_invalid_jsonpath[INVALID_JSONPATH_IN_STRING_EXPR_CONTEXTPATH])."""
    ex = run(
        machine(
            {
                "pass": {
                    "Type": "Pass",
                    "Parameters": {"value.$": "$$.Execution.Input.no_such_jsonpath"},
                    "End": True,
                }
            }
        ),
        {"int-literal": 0},
    )
    assert ex.error == "States.Runtime"
    assert ex.cause == cause(
        "pass",
        2,
        "The JSONPath '$$.Execution.Input.no_such_jsonpath' "
        "specified for the field 'value.$' could not be found in "
        "the input '{\"int-literal\":0}'",
    )


def test_error_path_miss_cites_later_event_id() -> None:
    """Fail ErrorPath miss, entered at event #4 after a Pass (recorded case
    test_invalid_jsonpath[INVALID_JSONPATH_IN_ERRORPATH])."""
    ex = run(
        machine(
            {
                "pass": {"Type": "Pass", "Next": "fail", "Parameters": {"Error": "error-value"}},
                "fail": {"Type": "Fail", "ErrorPath": "$.ErrorX"},
            }
        ),
        {"int-literal": 0},
    )
    assert ex.error == "States.Runtime"
    assert ex.cause == cause(
        "fail",
        4,
        "The JSONPath '$.ErrorX' specified for the field "
        "'ErrorPath' could not be found in the input "
        '\'{"Error":"error-value"}\'',
    )
    assert types(ex) == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "FailStateEntered",
        "ExecutionFailed",
    ]


def test_cause_path_miss() -> None:
    """Fail CausePath miss (recorded case
    test_invalid_jsonpath[ST.INVALID_JSONPATH_IN_CAUSEPATH])."""
    ex = run(
        machine(
            {
                "pass": {"Type": "Pass", "Next": "fail"},
                "fail": {"Type": "Fail", "Error": "E", "CausePath": "$.NoSuchCausePath"},
            }
        ),
        {"int-literal": 0},
    )
    assert ex.cause == cause(
        "fail",
        4,
        "The JSONPath '$.NoSuchCausePath' specified for the field "
        "'CausePath' could not be found in the input "
        "'{\"int-literal\":0}'",
    )


@pytest.mark.parametrize(
    ("before", "entered_id"),
    [
        # Pass: Entered, Exited (2 events each)
        ({"A": {"Type": "Pass", "Next": "S"}}, 4),
        # legacy Lambda Task: Entered, Scheduled, Started, Succeeded, Exited
        ({"A": {"Type": "Task", "Resource": FN + "f", "Next": "S"}}, 7),
        # Wait: Entered, Exited
        ({"A": {"Type": "Wait", "Seconds": 1, "Next": "S"}}, 4),
        # Choice then Pass
        (
            {
                "A": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.a", "IsPresent": True, "Next": "B"}],
                },
                "B": {"Type": "Pass", "Next": "S"},
            },
            6,
        ),
    ],
)
def test_event_id_numbering(before: dict[str, Any], entered_id: int) -> None:
    """The cited id is the failing state's ...StateEntered event id, counting every event."""
    states = {**before, "S": {"Type": "Pass", "InputPath": "$.x", "End": True}}
    ex = run(machine(states), {"a": 1}, {"f": lambda e, c: e})
    assert ex.cause == cause("S", entered_id, "Invalid path '$.x' : No results for path: $['x']")
    entered = [e for e in ex.history if e["type"].endswith("StateEntered")][-1]
    assert entered["id"] == entered_id


def test_choice_variable_miss_is_runtime() -> None:
    """A Choice Variable that does not exist → States.Runtime (IsPresent exists to test it)."""
    ex = run(
        machine(
            {
                "C": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.missing", "NumericEquals": 1, "Next": "E"}],
                    "Default": "E",
                },
                "E": {"Type": "Succeed"},
            }
        ),
        {"a": 1},
    )
    assert ex.status == "FAILED"
    assert ex.error == "States.Runtime"
    assert ex.cause.startswith(
        "An error occurred while executing the state 'C' (entered at the event id #2). "
    )


def test_intrinsic_failure() -> None:
    """A failing intrinsic → States.IntrinsicFailure (States.StringToJson of non-JSON text)."""
    ex = run(
        machine(
            {"P": {"Type": "Pass", "Parameters": {"v.$": "States.StringToJson($.s)"}, "End": True}}
        ),
        {"s": "{not json"},
    )
    assert ex.status == "FAILED"
    assert ex.error == "States.IntrinsicFailure"


def test_pass_result_over_256_kib() -> None:
    """A state output over 256 KiB → States.DataLimitExceeded naming the state (recorded case
    TestStatesErrors::test_start_large_input; history ExecutionStarted, PassStateEntered,
    ExecutionFailed)."""
    ex = run(
        machine({"State_1": {"Type": "Pass", "Result": {"Arg1": "a" * 270_000}, "End": True}}), {}
    )
    assert ex.error == "States.DataLimitExceeded"
    assert ex.cause == (
        "The state/task 'State_1' returned a result with a size exceeding the "
        "maximum number of bytes service limit."
    )
    assert types(ex) == ["ExecutionStarted", "PassStateEntered", "ExecutionFailed"]
