"""Each state type end to end: what it outputs, how it ends the execution, which events it records.

Rules are from the AWS developer guide (state pages "Pass", "Succeed", "Fail", "Choice", "Wait",
"Task") and from executions recorded on AWS (conformance case ids cited in the docstrings).
"""

from __future__ import annotations

from conftest import FN, at, events, machine, run, types


def test_pass_without_result_passes_input_through() -> None:
    """Pass: with no Result, the output is the (effective) input."""
    ex = run(machine({"P": {"Type": "Pass", "End": True}}), {"a": 1, "b": [1, 2]})
    assert ex.status == "SUCCEEDED"
    assert ex.output == {"a": 1, "b": [1, 2]}
    assert ex.output_json == '{"a":1,"b":[1,2]}'


def test_pass_result_replaces_input_by_default() -> None:
    """Pass Result: the static result, placed at ResultPath (default `$`, replacing the input)."""
    ex = run(machine({"P": {"Type": "Pass", "Result": {"x": [1, "two"]}, "End": True}}), {"a": 1})
    assert ex.output == {"x": [1, "two"]}


def test_pass_result_dollar_keys_are_literal() -> None:
    """Pass Result is static: a key ending in `.$` is not evaluated (recorded case
    base/test_base.py::TestSnfBase::test_state_pass_result_jsonpaths)."""
    ex = run(machine({"P": {"Type": "Pass", "Result": {"v.$": "$.a"}, "End": True}}), {"a": 1})
    assert ex.output == {"v.$": "$.a"}


def test_pass_result_with_result_path_merges_into_input() -> None:
    """Pass Result + ResultPath `$.r`: the result is added to the input."""
    ex = run(
        machine({"P": {"Type": "Pass", "Result": "hi", "ResultPath": "$.r", "End": True}}), {"a": 1}
    )
    assert ex.output == {"a": 1, "r": "hi"}


def test_pass_history_events_and_ids() -> None:
    """Pass records PassStateEntered/PassStateExited; ids count from ExecutionStarted #1 and each
    event's previousEventId names the event before it, except the first state entered, which AWS
    records with 0 (GetExecutionHistory example; LocalStack's AWS snapshot test_base)."""
    ex = run(machine({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "End": True}}), {})
    assert types(ex) == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    assert [e["id"] for e in ex.history] == [1, 2, 3, 4, 5, 6]
    assert [e["previousEventId"] for e in ex.history] == [0, 0, 2, 3, 4, 5]
    entered = events(ex, "PassStateEntered")
    assert [e["stateEnteredEventDetails"]["name"] for e in entered] == ["A", "B"]


def test_succeed_ends_execution_with_its_output_path() -> None:
    """Succeed: stops successfully; InputPath/OutputPath apply; states after it never run."""
    ex = run(
        machine(
            {
                "S": {"Type": "Succeed", "InputPath": "$.keep", "OutputPath": "$.v"},
            }
        ),
        {"keep": {"v": 7}, "drop": 1},
    )
    assert ex.status == "SUCCEEDED"
    assert ex.output == 7
    assert types(ex) == [
        "ExecutionStarted",
        "SucceedStateEntered",
        "SucceedStateExited",
        "ExecutionSucceeded",
    ]


def test_fail_error_and_cause() -> None:
    """Fail: Error and Cause become the execution's error and cause (recorded case
    test_state_fail: SomeFailure / This state machines raises a 'SomeFailure' failure.)."""
    ex = run(
        machine(
            {
                "F": {
                    "Type": "Fail",
                    "Error": "SomeFailure",
                    "Cause": "This state machines raises a 'SomeFailure' failure.",
                }
            }
        ),
        {},
    )
    assert ex.status == "FAILED"
    assert ex.error == "SomeFailure"
    assert ex.cause == "This state machines raises a 'SomeFailure' failure."
    assert ex.output is None and ex.output_json is None


def test_fail_records_entered_then_execution_failed_without_exit() -> None:
    """Fail history: FailStateEntered then ExecutionFailed (no FailStateExited) with error/cause."""
    ex = run(machine({"F": {"Type": "Fail", "Error": "E", "Cause": "C"}}), {})
    assert types(ex) == ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"]
    assert ex.history[-1]["executionFailedEventDetails"] == {"error": "E", "cause": "C"}


def test_fail_error_path_and_cause_path() -> None:
    """Fail ErrorPath/CausePath take the values from the state input (recorded case
    test_state_fail_path: error string / cause string)."""
    ex = run(
        machine({"F": {"Type": "Fail", "ErrorPath": "$.e", "CausePath": "$.c"}}),
        {"e": "error string", "c": "cause string"},
    )
    assert (ex.error, ex.cause) == ("error string", "cause string")


def test_fail_cause_path_may_use_an_intrinsic() -> None:
    """Fail CausePath accepts a string-returning intrinsic (AWS developer guide, Fail state)."""
    ex = run(
        machine({"F": {"Type": "Fail", "Error": "E", "CausePath": "States.Format('bad {}', $.n)"}}),
        {"n": 3},
    )
    assert (ex.error, ex.cause) == ("E", "bad 3")


def test_fail_without_cause_has_no_cause() -> None:
    """Fail: an absent Cause is absent (None), not null or empty; the event omits the key."""
    ex = run(machine({"F": {"Type": "Fail", "Error": "OnlyError"}}), {})
    assert ex.error == "OnlyError"
    assert ex.cause is None
    assert ex.history[-1]["executionFailedEventDetails"] == {"error": "OnlyError"}


def test_fail_without_error_or_cause() -> None:
    """Fail: both fields optional; both absent → error and cause None."""
    ex = run(machine({"F": {"Type": "Fail"}}), {})
    assert ex.status == "FAILED"
    assert (ex.error, ex.cause) == (None, None)
    assert "cause" not in ex.history[-1].get("executionFailedEventDetails", {})
    assert "error" not in ex.history[-1].get("executionFailedEventDetails", {})


def test_choice_follows_first_matching_rule_then_default() -> None:
    """Choice: rules in order, first match wins; no match → Default."""
    definition = machine(
        {
            "C": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"},
                    {"Variable": "$.n", "NumericGreaterThan": 0, "Next": "Small"},
                ],
                "Default": "Zero",
            },
            "Big": {"Type": "Pass", "Result": "big", "End": True},
            "Small": {"Type": "Pass", "Result": "small", "End": True},
            "Zero": {"Type": "Pass", "Result": "zero", "End": True},
        }
    )
    assert run(definition, {"n": 11}).output == "big"
    assert run(definition, {"n": 11.5}).output == "big"
    assert run(definition, {"n": 5}).output == "small"
    assert run(definition, {"n": 0}).output == "zero"


def test_choice_output_is_its_input_and_records_choice_events() -> None:
    """Choice passes its (InputPath/OutputPath-filtered) input on; ChoiceStateEntered/Exited."""
    ex = run(
        machine(
            {
                "C": {
                    "Type": "Choice",
                    "OutputPath": "$.x",
                    "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "E"}],
                },
                "E": {"Type": "Succeed"},
            }
        ),
        {"x": {"k": 1}},
    )
    assert ex.output == {"k": 1}
    assert types(ex)[1:3] == ["ChoiceStateEntered", "ChoiceStateExited"]


def test_choice_without_match_and_default_fails_no_choice_matched() -> None:
    """Choice: no rule matches and no Default → States.NoChoiceMatched."""
    ex = run(
        machine(
            {
                "C": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "E"}],
                },
                "E": {"Type": "Succeed"},
            }
        ),
        {"n": 2},
    )
    assert ex.status == "FAILED"
    assert ex.error == "States.NoChoiceMatched"


def test_wait_then_task_then_end_timeline() -> None:
    """Wait, Task and Pass in sequence: each state's events at the simulated instant it ran."""
    ex = run(
        machine(
            {
                "W": {"Type": "Wait", "Seconds": 10, "Next": "T"},
                "T": {"Type": "Task", "Resource": FN + "f", "Next": "P"},
                "P": {"Type": "Pass", "End": True},
            }
        ),
        {"a": 1},
        {"f": lambda e, c: {"r": 1}},
    )
    assert ex.status == "SUCCEEDED"
    assert ex.output == {"r": 1}
    assert [(e["type"], e["timestamp"]) for e in ex.history] == [
        ("ExecutionStarted", at(0)),
        ("WaitStateEntered", at(0)),
        ("WaitStateExited", at(10)),
        ("TaskStateEntered", at(10)),
        ("LambdaFunctionScheduled", at(10)),
        ("LambdaFunctionStarted", at(10)),
        ("LambdaFunctionSucceeded", at(10)),
        ("TaskStateExited", at(10)),
        ("PassStateEntered", at(10)),
        ("PassStateExited", at(10)),
        ("ExecutionSucceeded", at(10)),
    ]
    assert ex.start_date == at(0) and ex.stop_date == at(10)


def test_execution_identity() -> None:
    """Execution ARN: arn:aws:states:<region>:<account>:execution:<machine>:<name>."""
    ex = run(machine({"P": {"Type": "Pass", "End": True}}), {}, name="run-1", machine="M")
    assert ex.name == "run-1"
    assert ex.arn == "arn:aws:states:us-east-1:123456789012:execution:M:run-1"
