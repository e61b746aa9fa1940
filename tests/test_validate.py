"""iter_diagnostics: one case per diagnostic, expected codes and locations from AWS's docs.

Graph diagnostics follow what ValidateStateMachineDefinition returns: a dangling target is
MISSING_TRANSITION_TARGET "Missing 'Next' target: X", an unreachable state is
MISSING_TRANSITION_TARGET 'State "X" is not reachable.', a loop without a terminal state is
MISSING_END_STATE "Workflow has no terminal state" (and suppresses the reachability walk).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

import aslrun
from aslrun.definition.validate import MAX_NESTING, iter_diagnostics, validate
from aslrun.errors import Diagnostic

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:work"


def machine(**states: Any) -> dict[str, Any]:
    return {"StartAt": next(iter(states)), "States": states}


def found(definition: Any, severity: str | None = None) -> list[tuple[str, str, str]]:
    return [
        (d.severity, d.code, d.location)
        for d in iter_diagnostics(definition)
        if severity is None or d.severity == severity
    ]


def errors(definition: Any) -> list[tuple[str, str]]:
    return [(code, where) for _, code, where in found(definition, "ERROR")]


PASS_END = {"Type": "Pass", "End": True}


def test_valid_minimal_machine_has_no_diagnostics() -> None:
    assert found(machine(A=PASS_END)) == []


# -- graph -------------------------------------------------------------------------


def test_unreachable_state() -> None:
    d = machine(A={"Type": "Pass", "Next": "C"}, B=PASS_END, C=PASS_END)
    [diag] = list(iter_diagnostics(d))
    assert diag == Diagnostic(
        ("States", "B"), 'State "B" is not reachable.', "MISSING_TRANSITION_TARGET", "ERROR"
    )
    assert str(diag) == '$.States.B: State "B" is not reachable.'


def test_dangling_next_default_and_catch() -> None:
    d = machine(
        T={
            "Type": "Task",
            "Resource": LAMBDA,
            "Next": "C",
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Nope3"}],
        },
        C={
            "Type": "Choice",
            "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "Nope1"}],
            "Default": "Nope2",
        },
    )
    d["States"]["End"] = {"Type": "Succeed"}
    assert [
        (d.message, d.location)
        for d in iter_diagnostics(d)
        if d.code == "MISSING_TRANSITION_TARGET"
    ][:3] == [
        ("Missing 'Next' target: Nope3", "$.States.T.Catch[0].Next"),
        ("Missing 'Next' target: Nope2", "$.States.C.Default"),
        ("Missing 'Next' target: Nope1", "$.States.C.Choices[0].Next"),
    ]


def test_start_at_must_name_a_state() -> None:
    d = {"StartAt": "Missing", "States": {"A": PASS_END}}
    assert errors(d) == [("MISSING_TRANSITION_TARGET", "$.StartAt")]


def test_loop_without_terminal_state_is_missing_end_state_only() -> None:
    d = machine(
        A={"Type": "Pass", "Next": "B"},
        B={"Type": "Pass", "Next": "A"},
        C={"Type": "Pass", "Next": "A"},
    )
    [diag] = list(iter_diagnostics(d))
    assert (diag.code, diag.message, diag.location) == (
        "MISSING_END_STATE",
        "Workflow has no terminal state",
        "$",
    )


def test_transition_cannot_leave_a_parallel_branch() -> None:
    d = machine(
        P={
            "Type": "Parallel",
            "Next": "Done",
            "Branches": [machine(B1={"Type": "Pass", "Next": "Done"})],
        },
        Done={"Type": "Succeed"},
    )
    diag, no_end = iter_diagnostics(d)
    assert diag.code == "MISSING_TRANSITION_TARGET"
    assert diag.location == "$.States.P.Branches[0].States.B1.Next"
    assert "cannot leave" in diag.message
    # The branch itself then has no terminal state.
    assert (no_end.code, no_end.location) == ("MISSING_END_STATE", "$.States.P.Branches[0]")


def test_duplicate_state_name_across_nested_branches() -> None:
    inner = {
        "StartAt": "Final State",
        "States": {"Final State": {"Type": "Wait", "Seconds": 20, "End": True}},
    }
    d = {
        "StartAt": "Map",
        "States": {
            "Map": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "Iterator": inner,
                "Next": "Final State",
            },
            "Final State": PASS_END,
        },
    }
    assert errors(d) == [("DUPLICATE_STATE_NAME", "$.States['Final State']")]


@pytest.mark.parametrize("name", ["x" * 81, "bad\nname"])
def test_invalid_state_name(name: str) -> None:
    d = {"StartAt": name, "States": {name: PASS_END}}
    assert [code for code, _ in errors(d)] == ["INVALID_STATE_NAME"]


def test_eighty_character_name_is_fine() -> None:
    name = "x" * 80
    assert errors({"StartAt": name, "States": {name: PASS_END}}) == []


def test_too_deeply_nested() -> None:
    d: dict[str, Any] = machine(A=PASS_END)
    for level in range(MAX_NESTING + 1):
        d = machine(**{f"P{level}": {"Type": "Parallel", "Branches": [d], "End": True}})
    codes = {code for code, _ in errors(d)}
    assert codes == {"TOO_DEEPLY_NESTED"}


# -- schema ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("definition", "expected"),
    [
        ({}, [("SCHEMA_VALIDATION_FAILED", "$.StartAt"), ("SCHEMA_VALIDATION_FAILED", "$.States")]),
        ({"StartAt": "A", "States": []}, [("SCHEMA_VALIDATION_FAILED", "$.States")]),
        (
            {"StartAt": "A", "States": {"A": PASS_END}, "Foo": 1},
            [("SCHEMA_VALIDATION_FAILED", "$.Foo")],
        ),
        (
            {"StartAt": "A", "States": {"A": PASS_END}, "TimeoutSeconds": 0},
            [("SCHEMA_VALIDATION_FAILED", "$.TimeoutSeconds")],
        ),
        (machine(A={"End": True}), [("SCHEMA_VALIDATION_FAILED", "$.States.A")]),
        (
            machine(A={"Type": "Sleep", "End": True}),
            [("SCHEMA_VALIDATION_FAILED", "$.States.A.Type")],
        ),
        (machine(A=[1]), [("SCHEMA_VALIDATION_FAILED", "$.States.A"), ("MISSING_END_STATE", "$")]),
        (
            machine(A={"Type": "Pass"}),
            [("SCHEMA_VALIDATION_FAILED", "$.States.A"), ("MISSING_END_STATE", "$")],
        ),
        (
            machine(A={"Type": "Pass", "Next": "A", "End": True}),
            [("SCHEMA_VALIDATION_FAILED", "$.States.A")],
        ),
        (
            machine(A={"Type": "Succeed", "End": True}),
            [("SCHEMA_VALIDATION_FAILED", "$.States.A.End")],
        ),
        (machine(A={"Type": "Task", "End": True}), [("SCHEMA_VALIDATION_FAILED", "$.States.A")]),
        (
            machine(A={"Type": "Pass", "End": True, "Retry": []}),
            [("SCHEMA_VALIDATION_FAILED", "$.States.A.Retry")],
        ),
        (
            machine(
                M={
                    "Type": "Map",
                    "End": True,
                    "TimeoutSeconds": 5,
                    "ItemProcessor": machine(X=PASS_END),
                }
            ),
            [("SCHEMA_VALIDATION_FAILED", "$.States.M.TimeoutSeconds")],
        ),
    ],
)
def test_schema_errors(definition: Any, expected: list[tuple[str, str]]) -> None:
    assert errors(definition) == expected


def test_unsupported_field_message_is_awss() -> None:
    d = machine(
        P={"Type": "Parallel", "End": True, "TimeoutSeconds": 3, "Branches": [machine(X=PASS_END)]}
    )
    [diag] = list(iter_diagnostics(d))
    assert diag.message == "Field 'TimeoutSeconds' is not supported"


@pytest.mark.parametrize(
    "garbage",
    [
        None,
        [],
        "text",
        3,
        {"StartAt": 1, "States": {"A": None}},
        {"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": "x"}}},
        {
            "StartAt": "A",
            "States": {"A": {"Type": "Choice", "Choices": [1, {"And": 3}, {"Not": []}]}},
        },
        {
            "StartAt": "A",
            "States": {
                "A": {"Type": "Map", "ItemProcessor": 1, "Retry": [None], "Catch": [[]], "Next": 4}
            },
        },
        {"StartAt": "A", "States": {"A": {"Type": "Parallel", "Branches": [None, {}], "End": 1}}},
        {
            "StartAt": "A",
            "States": {
                "A": {
                    "Type": "Task",
                    "Resource": {"Ref": "X"},
                    "Parameters": {"a.$": 3, "b.$": None},
                    "End": True,
                }
            },
        },
        {
            "StartAt": "A",
            "States": {
                "A": {"Type": "Wait", "Timestamp": 5, "Assign": [], "InputPath": 3, "End": True}
            },
        },
        {
            "StartAt": "A",
            "QueryLanguage": "JSONata",
            "States": {
                "A": {
                    "Type": "Pass",
                    "Output": "{% $$ %}",
                    "Assign": {"x": "{% 1 + %}"},
                    "End": True,
                }
            },
        },
    ],
)
def test_garbage_never_raises(garbage: Any) -> None:
    result = list(iter_diagnostics(garbage))
    assert any(d.severity == "ERROR" for d in result)


# -- query language ----------------------------------------------------------------


def test_jsonata_only_field_in_jsonpath_state() -> None:
    d = machine(A={"Type": "Pass", "Output": {"a": 1}, "End": True})
    [diag] = list(iter_diagnostics(d))
    assert diag.location == "$.States.A.Output"
    assert diag.message == (
        "The QueryLanguage is set to 'JSONPath', but field 'Output' is only "
        "supported for the 'JSONata' QueryLanguage"
    )


def test_jsonpath_only_fields_in_jsonata_state() -> None:
    d = {
        "QueryLanguage": "JSONata",
        **machine(
            A={
                "Type": "Task",
                "Resource": LAMBDA,
                "InputPath": "$.a",
                "Parameters": {},
                "ResultPath": "$.r",
                "End": True,
            }
        ),
    }
    assert errors(d) == [
        ("SCHEMA_VALIDATION_FAILED", "$.States.A.InputPath"),
        ("SCHEMA_VALIDATION_FAILED", "$.States.A.Parameters"),
        ("SCHEMA_VALIDATION_FAILED", "$.States.A.ResultPath"),
    ]


def test_jsonata_machine_cannot_downgrade_a_state() -> None:
    d = {
        "QueryLanguage": "JSONata",
        **machine(A={"Type": "Pass", "QueryLanguage": "JSONPath", "End": True}),
    }
    [diag] = list(iter_diagnostics(d))
    assert diag.message == (
        "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine"
    )


def test_processor_cannot_declare_query_language() -> None:
    d = machine(
        M={
            "Type": "Map",
            "End": True,
            "ItemProcessor": {"QueryLanguage": "JSONata", **machine(X=PASS_END)},
        }
    )
    assert errors(d) == [("SCHEMA_VALIDATION_FAILED", "$.States.M.ItemProcessor.QueryLanguage")]


def test_nested_states_inherit_top_level_language_not_the_parents() -> None:
    inner = machine(X={"Type": "Pass", "Output": "{% $states.input %}", "End": True})
    d = machine(M={"Type": "Map", "QueryLanguage": "JSONata", "End": True, "ItemProcessor": inner})
    assert errors(d) == [("SCHEMA_VALIDATION_FAILED", "$.States.M.ItemProcessor.States.X.Output")]


@pytest.mark.parametrize(
    "expression",
    [
        "{%$lowercase($x) %}",
        "{% $states.input%}",
        "{%\n  $states.input.a\n  + 1\n%}",
    ],
)
def test_jsonata_spacing_variants_aws_deploys(expression: str) -> None:
    d = {
        "QueryLanguage": "JSONata",
        **machine(
            A={"Type": "Pass", "Output": {"v": expression}, "Assign": {"x": "a"}, "End": True}
        ),
    }
    assert errors(d) == []


def test_invalid_jsonata_syntax() -> None:
    d = {
        "QueryLanguage": "JSONata",
        **machine(A={"Type": "Pass", "Output": "{% 1 + %}", "End": True}),
    }
    [diag] = list(iter_diagnostics(d))
    assert (diag.code, diag.location) == ("INVALID_JSONATA_EXPRESSION", "$.States.A.Output")


# -- paths, templates, warnings ----------------------------------------------------


def test_invalid_paths_and_intrinsics() -> None:
    d = machine(
        A={
            "Type": "Pass",
            "InputPath": "a.b",
            "ResultPath": "$$.x",
            "Parameters": {"x.$": "$.ok", "y.$": "States.Format('{}'", "z.$": "plain"},
            "End": True,
        }
    )
    assert errors(d) == [
        ("SCHEMA_VALIDATION_FAILED", "$.States.A.InputPath"),
        ("SCHEMA_VALIDATION_FAILED", "$.States.A.ResultPath"),
        ("SCHEMA_VALIDATION_FAILED", "$.States.A.Parameters['y.$']"),
        ("SCHEMA_VALIDATION_FAILED", "$.States.A.Parameters['z.$']"),
    ]


def test_duplicate_key_with_and_without_dollar() -> None:
    d = machine(A={"Type": "Pass", "Parameters": {"a": 1, "a.$": "$.x"}, "End": True})
    assert errors(d) == [("SCHEMA_VALIDATION_FAILED", "$.States.A.Parameters['a.$']")]


def test_no_dollar_warning() -> None:
    d = machine(
        A={
            "Type": "Task",
            "Resource": LAMBDA,
            "End": True,
            "Parameters": {"id": "$.order.id", "n": {"f": "States.UUID()"}},
        }
    )
    assert found(d) == [
        ("WARNING", "NO_DOLLAR", "$.States.A.Parameters.id"),
        ("WARNING", "NO_DOLLAR", "$.States.A.Parameters.n.f"),
    ]


def test_no_path_warning() -> None:
    d = machine(
        W={"Type": "Wait", "Timestamp": "$.when", "Next": "C"},
        C={
            "Type": "Choice",
            "Choices": [{"Variable": "$.a", "StringEquals": "$.b", "Next": "F"}],
            "Default": "F",
        },
        F={"Type": "Fail", "Error": "$.error"},
    )
    assert ("WARNING", "NO_PATH", "$.States.C.Choices[0].StringEquals") in found(d)
    assert ("WARNING", "NO_PATH", "$.States.F.Error") in found(d)
    # A path is not a timestamp: the Wait is also refused.
    assert ("ERROR", "SCHEMA_VALIDATION_FAILED", "$.States.W.Timestamp") in found(d)


def test_pass_result_is_static() -> None:
    d = machine(
        A={"Type": "Pass", "Result": {"x.$": "$.a", "y": ["$.b"], "z": "text"}, "End": True}
    )
    assert found(d) == [
        ("WARNING", "PASS_RESULT_IS_STATIC", "$.States.A.Result['x.$']"),
        ("WARNING", "PASS_RESULT_IS_STATIC", "$.States.A.Result.y[0]"),
    ]


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        (
            "arn:aws:lambda:ap-southeast-1:13######:function:f",
            [("WARNING", "INVALID_RESOURCE", "$.States.A.Resource")],
        ),
        (
            "arn:aws:lambda:nowhere:123456789012:function:f",
            [("WARNING", "INVALID_RESOURCE", "$.States.A.Resource")],
        ),
        ("lambda-function-name", [("ERROR", "INVALID_RESOURCE", "$.States.A.Resource")]),
        ("${StartFunctionArn}", [("ERROR", "INVALID_RESOURCE", "$.States.A.Resource")]),
        ("arn:aws:states:::lambda:invoke", []),
        ("arn:aws:states:::aws-sdk:s3:listObjectsV2", []),
        ("arn:aws:states:::states:startExecution.sync:2", []),
        ("arn:aws:states:us-east-1:123456789012:activity:approve", []),
        ("arn:aws-cn:lambda:cn-north-1:123456789012:function:f", []),
    ],
)
def test_resource_arns(resource: str, expected: list[tuple[str, str, str]]) -> None:
    assert found(machine(A={"Type": "Task", "Resource": resource, "End": True})) == expected


def test_unsubstituted_placeholder_is_named() -> None:
    d = machine(A={"Type": "Task", "Resource": "${StartFunctionArn}", "End": True})
    [diag] = list(iter_diagnostics(d))
    assert "${StartFunctionArn}" in diag.message


def test_variables_unused_and_never_assigned() -> None:
    d = machine(
        A={"Type": "Pass", "Assign": {"kept": 1, "unused": 2}, "Next": "B"},
        B={"Type": "Pass", "Parameters": {"a.$": "$kept", "b.$": "$ghost.x"}, "End": True},
    )
    assert found(d) == [
        ("WARNING", "UNDEFINED_VARIABLE", "$.States.B.Parameters['b.$']"),
        ("WARNING", "UNUSED_VARIABLE", "$.States.A.Assign.unused"),
    ]


def test_jsonata_variables_ignore_functions_and_local_bindings() -> None:
    d = {
        "QueryLanguage": "JSONata",
        **machine(
            A={"Type": "Pass", "Assign": {"total": 1}, "Next": "B"},
            B={
                "Type": "Pass",
                "End": True,
                "Output": (
                    "{% ($double := function($v) { $v * 2 }; $map([$total], $double) ~> $string) %}"
                ),
            },
        ),
    }
    assert found(d) == []


def test_invalid_variable_names() -> None:
    d = machine(A={"Type": "Pass", "Assign": {"a.b": 1, "states": 2}, "End": True})
    assert errors(d) == [
        ("SCHEMA_VALIDATION_FAILED", "$.States.A.Assign['a.b']"),
        ("SCHEMA_VALIDATION_FAILED", "$.States.A.Assign.states"),
    ]


# -- Retry and Catch ---------------------------------------------------------------


def task_with(**fields: Any) -> dict[str, Any]:
    return machine(
        T={"Type": "Task", "Resource": LAMBDA, "Next": "Done", **fields}, Done={"Type": "Succeed"}
    )


@pytest.mark.parametrize(
    ("retry", "where"),
    [
        ([{"ErrorEquals": ["States.ALL", "X"]}], "$.States.T.Retry[0].ErrorEquals"),
        (
            [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["X"]}],
            "$.States.T.Retry[0].ErrorEquals",
        ),
        ([{"ErrorEquals": []}], "$.States.T.Retry[0].ErrorEquals"),
        ([{"ErrorEquals": ["X"], "BackoffRate": 0.5}], "$.States.T.Retry[0].BackoffRate"),
        ([{"ErrorEquals": ["X"], "MaxAttempts": -1}], "$.States.T.Retry[0].MaxAttempts"),
        ([{"ErrorEquals": ["X"], "IntervalSeconds": 0}], "$.States.T.Retry[0].IntervalSeconds"),
        ([{"ErrorEquals": ["X"], "JitterStrategy": "HALF"}], "$.States.T.Retry[0].JitterStrategy"),
        ([{"ErrorEquals": ["X"], "Next": "Done"}], "$.States.T.Retry[0].Next"),
    ],
)
def test_retry_rules(retry: Any, where: str) -> None:
    assert errors(task_with(Retry=retry)) == [("SCHEMA_VALIDATION_FAILED", where)]


def test_valid_retry() -> None:
    retry = [
        {
            "ErrorEquals": ["Lambda.ServiceException"],
            "IntervalSeconds": 2,
            "MaxAttempts": 0,
            "BackoffRate": 1,
            "MaxDelaySeconds": 10,
            "JitterStrategy": "FULL",
        },
        {"ErrorEquals": ["States.ALL"]},
    ]
    assert errors(task_with(Retry=retry)) == []


def test_catch_rules() -> None:
    catch = [{"ErrorEquals": ["States.ALL"], "Next": "Done"}, {"ErrorEquals": ["X"], "Output": {}}]
    assert errors(task_with(Catch=catch)) == [
        ("SCHEMA_VALIDATION_FAILED", "$.States.T.Catch[0].ErrorEquals"),
        ("SCHEMA_VALIDATION_FAILED", "$.States.T.Catch[1].Output"),
        ("SCHEMA_VALIDATION_FAILED", "$.States.T.Catch[1].Next"),
    ]


# -- mutually exclusive fields -------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "where"),
    [
        ({"Type": "Wait", "End": True}, "$.States.A"),
        ({"Type": "Wait", "Seconds": 1, "SecondsPath": "$.s", "End": True}, "$.States.A"),
        ({"Type": "Wait", "Seconds": -1, "End": True}, "$.States.A.Seconds"),
        ({"Type": "Wait", "Timestamp": "2016-03-14 01:59:00", "End": True}, "$.States.A.Timestamp"),
        (
            {
                "Type": "Task",
                "Resource": LAMBDA,
                "TimeoutSeconds": 5,
                "TimeoutSecondsPath": "$.t",
                "End": True,
            },
            "$.States.A",
        ),
        (
            {
                "Type": "Task",
                "Resource": LAMBDA,
                "TimeoutSeconds": 5,
                "HeartbeatSeconds": 5,
                "End": True,
            },
            "$.States.A.HeartbeatSeconds",
        ),
        ({"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}, "$.States.A"),
        ({"Type": "Fail", "Cause": "C", "CausePath": "$.c"}, "$.States.A"),
        (
            {
                "Type": "Map",
                "End": True,
                "MaxConcurrency": 1,
                "MaxConcurrencyPath": "$.m",
                "ItemProcessor": machine(X=PASS_END),
            },
            "$.States.A",
        ),
        (
            {
                "Type": "Map",
                "End": True,
                "ToleratedFailurePercentage": 101,
                "ItemProcessor": machine(X=PASS_END),
            },
            "$.States.A.ToleratedFailurePercentage",
        ),
        ({"Type": "Map", "End": True}, "$.States.A"),
    ],
)
def test_mutually_exclusive_and_ranges(state: dict[str, Any], where: str) -> None:
    assert errors(machine(A=state)) == [("SCHEMA_VALIDATION_FAILED", where)]


def test_wait_timestamp_forms_aws_accepts() -> None:
    for stamp in ("2016-03-14T01:59:00Z", "2016-03-14T01:59:00.123Z", "2016-03-14T01:59:00+02:00"):
        assert errors(machine(A={"Type": "Wait", "Timestamp": stamp, "End": True})) == []


@pytest.mark.parametrize("stamp", ["2016-02-30T00:00:00Z", "2016-03-14T01:59:00+19:00"])
def test_one_timestamp_rule_for_wait_and_choice(stamp: str) -> None:
    """Validation uses the same RFC 3339 reading as evaluation (Java's offset date-time, as
    AWS parses: no February 30, offsets within +-18:00), so validate() and load() agree."""
    wait = machine(A={"Type": "Wait", "Timestamp": stamp, "End": True})
    assert errors(wait) == [("SCHEMA_VALIDATION_FAILED", "$.States.A.Timestamp")]
    rule = choice({"Variable": "$.a", "TimestampEquals": stamp, "Next": "D"})
    assert errors(rule) == [("SCHEMA_VALIDATION_FAILED", "$.States.C.Choices[0].TimestampEquals")]
    for definition in (wait, rule):
        with pytest.raises(aslrun.DefinitionError):
            aslrun.load(definition)


def test_invalid_label() -> None:
    d = machine(
        A={"Type": "Map", "End": True, "Label": "has space", "ItemProcessor": machine(X=PASS_END)}
    )
    assert errors(d) == [("INVALID_LABEL_NAME", "$.States.A.Label")]


# -- Choice ------------------------------------------------------------------------


def choice(*rules: Any) -> dict[str, Any]:
    return machine(
        C={"Type": "Choice", "Choices": list(rules), "Default": "D"}, D={"Type": "Succeed"}
    )


@pytest.mark.parametrize(
    ("rule", "where"),
    [
        (
            {"Variable": "$.a", "StringEquals": "x", "NumericEquals": 1, "Next": "D"},
            "$.States.C.Choices[0]",
        ),
        ({"Variable": "$.a", "Next": "D"}, "$.States.C.Choices[0]"),
        (
            {"Variable": "$.a", "NumericEquals": "1", "Next": "D"},
            "$.States.C.Choices[0].NumericEquals",
        ),
        ({"Variable": "$.a", "StringEquals": "x"}, "$.States.C.Choices[0].Next"),
        (
            {"And": [{"Variable": "$.a", "IsNull": True, "Next": "D"}], "Next": "D"},
            "$.States.C.Choices[0].And[0].Next",
        ),
        ({"Or": [], "Next": "D"}, "$.States.C.Choices[0].Or"),
        (
            {
                "Not": {"Variable": "$.a", "BooleanEquals": True},
                "And": [{"Variable": "$.b", "IsNull": False}],
                "Next": "D",
            },
            "$.States.C.Choices[0]",
        ),
        (
            {"Condition": "{% true %}", "Variable": "$.a", "IsNull": True, "Next": "D"},
            "$.States.C.Choices[0].Condition",
        ),
        (
            {"Variable": "$.a", "TimestampEquals": "yesterday", "Next": "D"},
            "$.States.C.Choices[0].TimestampEquals",
        ),
    ],
)
def test_choice_rules(rule: Any, where: str) -> None:
    assert errors(choice(rule)) == [("SCHEMA_VALIDATION_FAILED", where)]


def test_choice_with_and_or_not_is_valid() -> None:
    rule = {
        "And": [
            {"Variable": "$.a", "IsPresent": True},
            {
                "Or": [
                    {"Variable": "$.b", "NumericGreaterThanEqualsPath": "$.c"},
                    {"Not": {"Variable": "$.d", "StringMatches": "log-*.txt"}},
                ]
            },
        ],
        "Next": "D",
    }
    assert found(choice(rule)) == []


def test_jsonata_choice_rules() -> None:
    d = {
        "QueryLanguage": "JSONata",
        **choice(
            {"Condition": "{% $states.input.a > 1 %}", "Next": "D"},
            {"Variable": "$.a", "IsNull": True, "Next": "D"},
            {"Next": "D"},
        ),
    }
    assert errors(d) == [
        ("SCHEMA_VALIDATION_FAILED", "$.States.C.Choices[1].Variable"),
        ("SCHEMA_VALIDATION_FAILED", "$.States.C.Choices[1].IsNull"),
        ("SCHEMA_VALIDATION_FAILED", "$.States.C.Choices[1]"),
        ("SCHEMA_VALIDATION_FAILED", "$.States.C.Choices[2]"),
    ]


def test_validate_includes_load_warnings_first() -> None:
    definition = machine(A={"Type": "Pass", "Result": "${Greeting}", "End": True})
    result = validate(copy.deepcopy(definition))
    assert [(d.code, d.location) for d in result] == [
        ("UNSUBSTITUTED_PLACEHOLDER", "$.States.A.Result")
    ]
    assert validate(definition, substitutions={"Greeting": "hi"}) == []
