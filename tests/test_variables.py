"""Workflow variables (``Assign``) in both query languages, run end to end.

Rules from the AWS developer guide ("Passing data between states with variables"); values from
executions recorded on AWS where one exists (the LocalStack snapshot case id is named in a
comment next to each copied value).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import aslrun
from conftest import FN, INVOKE, events, machine, run

QEE = "States.QueryEvaluationError"
JSONATA = {"QueryLanguage": "JSONata"}


def jsonata(states: dict[str, Any], **top: Any) -> dict[str, Any]:
    return machine(states, **JSONATA, **top)


def assigned(ex: aslrun.Execution, state: str) -> dict[str, str] | None:
    """The ``assignedVariables`` of ``state``'s (last) StateExited event."""
    found = None
    for e in ex.history:
        details = e.get("stateExitedEventDetails")
        if details and details["name"] == state:
            found = details.get("assignedVariables")
    return found


def ok(
    definition: dict[str, Any], input: Any = None, handlers: Any = None, **kw: Any
) -> aslrun.Execution:
    ex = run(definition, input, handlers, **kw)
    assert ex.status == "SUCCEEDED", (ex.error, ex.cause)
    return ex


def fails(
    definition: dict[str, Any], input: Any = None, handlers: Any = None, **kw: Any
) -> aslrun.Execution:
    ex = run(definition, input, handlers, **kw)
    assert ex.status == "FAILED", ex.output
    return ex


def boom(event: Any, context: Any) -> Any:
    raise ValueError("Some exception was raised.")


# --------------------------------------------------------------------------- Pass


def test_pass_assign_jsonpath_literals_paths_and_intrinsics() -> None:
    definition = machine(
        {
            "A": {
                "Type": "Pass",
                "Assign": {
                    "lit": {"k": [1, 2]},
                    "num": 42,
                    "path.$": "$.name",
                    "fmt.$": "States.Format('hi {}', $.name)",
                    "ctx.$": "$$.Execution.Name",
                },
                "Next": "B",
            },
            "B": {
                "Type": "Pass",
                "Parameters": {
                    "lit.$": "$lit",
                    "num.$": "$num",
                    "path.$": "$path",
                    "fmt.$": "$fmt",
                    "ctx.$": "$ctx",
                    "deep.$": "$lit.k[1]",
                },
                "End": True,
            },
        }
    )
    ex = ok(definition, {"name": "Ann"}, name="e1")
    assert ex.output == {
        "lit": {"k": [1, 2]},
        "num": 42,
        "path": "Ann",
        "fmt": "hi Ann",
        "ctx": "e1",
        "deep": 2,
    }


def test_pass_assign_jsonata() -> None:
    definition = jsonata(
        {
            "A": {
                "Type": "Pass",
                "Assign": {
                    "x": "{% $states.input.n * 2 %}",
                    "lit": "text",
                    "obj": {"deep": "{% $states.input.n %}"},
                },
                "Next": "B",
            },
            "B": {
                "Type": "Pass",
                "Output": {"x": "{% $x %}", "lit": "{% $lit %}", "deep": "{% $obj.deep %}"},
                "End": True,
            },
        }
    )
    assert ok(definition, {"n": 4}).output == {"x": 8, "lit": "text", "deep": 4}


def test_jsonpath_pass_assign_path_reads_the_result() -> None:
    # BASE_EVALUATION_ORDER_PASS_STATE: "question.$": "$.theQuestion" reads the Result; the
    # next state's InputPath/OutputPath "$answer" read the variable; output 42.
    definition = {
        "Comment": "BASE_EVALUATION_ORDER_PASS_STATE",
        "StartAt": "State0",
        "States": {
            "State0": {
                "Type": "Pass",
                "Result": {
                    "theQuestion": "What is the answer to life the universe and everything?"
                },
                "Assign": {"question.$": "$.theQuestion", "answer": 42},
                "Next": "State1",
            },
            "State1": {
                "Type": "Pass",
                "InputPath": "$answer",
                "ResultPath": "$.theAnswer",
                "OutputPath": "$answer",
                "Assign": {"answer": "<omitted>"},
                "End": True,
            },
        },
    }
    ex = ok(definition, {})
    assert ex.output_json == "42"
    assert assigned(ex, "State0") == {
        "question": '"What is the answer to life the universe and everything?"',
        "answer": "42",
    }


# --------------------------------------------------------------------------- Task


def test_task_assign_jsonpath_dollar_is_the_result() -> None:
    # BASE_ASSIGN_FROM_LAMBDA_TASK_RESULT: "result.$": "$.Payload" reads the lambda:invoke
    # result; the function name, payload and timeout come from variables; output "HelloWorld!".
    definition = {
        "StartAt": "Pass",
        "States": {
            "Pass": {
                "Type": "Pass",
                "Assign": {
                    "functionName.$": "$.FunctionName",
                    "inputData": {"foo": "oof", "bar": "rab"},
                    "timeout": 300,
                },
                "Next": "Task",
            },
            "Task": {
                "Type": "Task",
                "Resource": INVOKE,
                "TimeoutSecondsPath": "$timeout",
                "Parameters": {"Payload.$": "$inputData", "FunctionName.$": "$functionName"},
                "Assign": {"result.$": "$.Payload"},
                "OutputPath": "$.Payload",
                "Next": "End",
            },
            "End": {
                "Type": "Pass",
                "Assign": {"previousResult.$": "$result", "timeout": 150},
                "End": True,
            },
        },
    }
    seen: list[Any] = []

    def hello(event: Any, context: Any) -> Any:
        seen.append(event)
        return "HelloWorld!"

    ex = ok(definition, {"FunctionName": FN + "hello"}, {"hello": hello})
    assert seen == [{"foo": "oof", "bar": "rab"}]
    assert ex.output_json == '"HelloWorld!"'
    assert assigned(ex, "End") == {"previousResult": '"HelloWorld!"', "timeout": "150"}


def test_task_assign_jsonata_sees_input_and_result() -> None:
    definition = jsonata(
        {
            "T": {
                "Type": "Task",
                "Resource": FN + "f",
                "Arguments": {"n": 2},
                "Assign": {"in": "{% $states.input %}", "res": "{% $states.result.v %}"},
                "Output": "{% $states.result.v %}",
                "Next": "P",
            },
            "P": {
                "Type": "Pass",
                "Output": {"in": "{% $in %}", "res": "{% $res %}", "out": "{% $states.input %}"},
                "End": True,
            },
        }
    )
    ex = ok(definition, {"a": 1}, {"f": lambda e, c: {"v": e["n"] * 10}})
    assert ex.output == {"in": {"a": 1}, "res": 20, "out": 20}


def test_task_arguments_read_variables_assigned_in_jsonpath() -> None:
    # BASE_LAMBDA_EXPRESSION (JSONPath Assign, JSONata Arguments and Assign).
    definition = {
        "StartAt": "Init",
        "States": {
            "Init": {
                "Type": "Pass",
                "Assign": {"var_input_value.$": "$.input_value", "var_constant_1": 1},
                "Next": "State0",
            },
            "State0": {
                "QueryLanguage": "JSONata",
                "Type": "Task",
                "Resource": FN + "echo",
                "Arguments": {
                    "ja_var_access": "{% $var_input_value %}",
                    "ja_expr": "{% $sum($states.input.input_values) + $var_constant_1 %}",
                },
                "Assign": {
                    "ja_var_access": "{% $var_input_value %}",
                    "ja_expr": "{% $sum($states.input.input_values) + $var_constant_1 %}",
                },
                "End": True,
            },
        },
    }
    ex = ok(
        definition,
        {"input_value": "string literal", "input_values": [1, 2, 3]},
        {"echo": lambda e, c: e},
    )
    assert ex.output_json == '{"ja_var_access":"string literal","ja_expr":7}'
    assert assigned(ex, "State0") == {"ja_var_access": '"string literal"', "ja_expr": "7"}


# --------------------------------------------------------------------------- Wait


def test_wait_assign() -> None:
    # test_assign_in_wait_state: output {}.
    definition = {
        "StartAt": "WaitState",
        "States": {
            "WaitState": {"Type": "Wait", "Seconds": 0, "Assign": {"foo": "oof"}, "End": True}
        },
    }
    ex = ok(definition, {})
    assert ex.output == {}
    assert assigned(ex, "WaitState") == {"foo": '"oof"'}


def test_wait_reads_variables_for_seconds_and_timestamp() -> None:
    # BASE_REFERENCE_IN_WAIT (SecondsPath/TimestampPath read variables); output {}.
    definition = {
        "StartAt": "Start",
        "States": {
            "Start": {
                "Type": "Pass",
                "Assign": {"waitTime": 30, "startAt": "2026-01-01T01:00:00Z"},
                "Next": "WaitSecondsState",
            },
            "WaitSecondsState": {
                "Type": "Wait",
                "SecondsPath": "$waitTime",
                "Next": "WaitUntilState",
            },
            "WaitUntilState": {"Type": "Wait", "TimestampPath": "$startAt", "End": True},
        },
    }
    ex = ok(definition, {})
    assert ex.output == {}
    waits = [e["timestamp"] for e in events(ex, "WaitStateExited")]
    assert [w.isoformat() for w in waits] == [
        "2026-01-01T00:00:30+00:00",
        "2026-01-01T01:00:00+00:00",
    ]


def test_wait_assign_jsonata_and_seconds_from_a_variable() -> None:
    definition = jsonata(
        {
            "A": {"Type": "Pass", "Assign": {"delay": 5}, "Next": "W"},
            "W": {
                "Type": "Wait",
                "Seconds": "{% $delay * 2 %}",
                "Assign": {"waited": "{% $delay * 2 %}"},
                "Next": "P",
            },
            "P": {
                "Type": "Pass",
                "Output": {"waited": "{% $waited %}", "at": "{% $now() %}"},
                "End": True,
            },
        }
    )
    assert ok(definition, {}).output == {"waited": 10, "at": "2026-01-01T00:00:10.000Z"}


# --------------------------------------------------------------------------- Choice


CHOICE_JSONPATH = {
    "Comment": "BASE_ASSIGN_IN_CHOICE",
    "StartAt": "CheckInputState",
    "States": {
        "CheckInputState": {
            "Type": "Choice",
            "Choices": [
                {
                    "Variable": "$.input_value",
                    "IsPresent": False,
                    "Assign": {"status": "UNKNOWN"},
                    "Next": "FinalState",
                },
                {
                    "Variable": "$.input_value",
                    "NumericEquals": 42,
                    "Assign": {"status": "CORRECT"},
                    "Next": "FinalState",
                },
            ],
            "Assign": {"status": "INCORRECT", "guess.$": "$.input_value"},
            "Default": "FinalState",
        },
        "FinalState": {"Type": "Pass", "Parameters": {"result.$": "$status"}, "End": True},
    },
}


@pytest.mark.parametrize("value", ["42", "0"])
def test_choice_default_applies_the_state_assign(value: str) -> None:
    # test_assign_in_choice_state[CORRECT] / [INCORRECT]: a string "42" is not NumericEquals
    # 42, so Default is taken with the state-level Assign: {"result": "INCORRECT"}.
    ex = ok(CHOICE_JSONPATH, {"input_value": value})
    assert ex.output == {"result": "INCORRECT"}
    assert assigned(ex, "CheckInputState") == {"status": '"INCORRECT"', "guess": f'"{value}"'}


@pytest.mark.parametrize(("input", "status"), [({"input_value": 42}, "CORRECT"), ({}, "UNKNOWN")])
def test_choice_matching_rule_assign_wins(input: dict[str, Any], status: str) -> None:
    ex = ok(CHOICE_JSONPATH, input)
    assert ex.output == {"result": status}
    # only the rule's Assign applies: the state's "guess" is not assigned
    assert assigned(ex, "CheckInputState") == {"status": json.dumps(status)}


@pytest.mark.parametrize(
    ("condition", "expected"), [(True, "Condition assignment"), (False, "Default Assignment")]
)
def test_choice_assign_jsonata(condition: bool, expected: str) -> None:
    # test_assign_in_choice[CONDITION_TRUE] shape, both ways.
    definition = jsonata(
        {
            "ChoiceState": {
                "Type": "Choice",
                "Choices": [
                    {
                        "Condition": "{% $states.input.condition %}",
                        "Next": "Done",
                        "Assign": {"Assignment": "Condition assignment"},
                    }
                ],
                "Default": "Done",
                "Assign": {"Assignment": "Default Assignment"},
            },
            "Done": {"Type": "Pass", "Output": "{% $Assignment %}", "End": True},
        }
    )
    ex = ok(definition, {"condition": condition})
    assert ex.output == expected
    assert assigned(ex, "ChoiceState") == {"Assignment": json.dumps(expected)}


def test_choice_variable_reads_variables() -> None:
    # BASE_REFERENCE_IN_CHOICE: loops once through WrongAnswer; output {"state": "CORRECT"}.
    definition = {
        "StartAt": "Setup",
        "States": {
            "Setup": {
                "Type": "Pass",
                "Assign": {"guess": "the_guess", "answer": "the_answer"},
                "Next": "CheckAnswer",
            },
            "CheckAnswer": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$guess", "StringEqualsPath": "$answer", "Next": "CorrectAnswer"}
                ],
                "Default": "WrongAnswer",
            },
            "CorrectAnswer": {"Type": "Pass", "Result": {"state": "CORRECT"}, "End": True},
            "WrongAnswer": {
                "Type": "Pass",
                "Assign": {"guess.$": "$answer"},
                "Result": {"state": "WRONG"},
                "Next": "CheckAnswer",
            },
        },
    }
    ex = ok(definition, {})
    assert ex.output == {"state": "CORRECT"}
    assert len(events(ex, "ChoiceStateEntered")) == 2


# --------------------------------------------------------------------------- Parallel / Map


def test_parallel_assign_sees_the_branch_results() -> None:
    definition = jsonata(
        {
            "Par": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "A", "States": {"A": {"Type": "Pass", "Output": 1, "End": True}}},
                    {"StartAt": "B", "States": {"B": {"Type": "Pass", "Output": 2, "End": True}}},
                ],
                "Assign": {"total": "{% $sum($states.result) %}"},
                "Next": "P",
            },
            "P": {"Type": "Pass", "Output": "{% $total %}", "End": True},
        }
    )
    ex = ok(definition, {})
    assert ex.output == 3
    assert assigned(ex, "Par") == {"total": "3"}


def test_parallel_assign_jsonpath() -> None:
    definition = machine(
        {
            "Par": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "a", "End": True}}}
                ],
                "Assign": {"first.$": "$[0]"},
                "Next": "P",
            },
            "P": {"Type": "Pass", "Parameters": {"f.$": "$first"}, "End": True},
        }
    )
    assert ok(definition, {}).output == {"f": "a"}


def test_map_assign_sees_the_results() -> None:
    definition = jsonata(
        {
            "M": {
                "Type": "Map",
                "Items": [1, 2, 3],
                "ItemProcessor": {
                    "StartAt": "I",
                    "States": {
                        "I": {"Type": "Pass", "Output": "{% $states.input * 2 %}", "End": True}
                    },
                },
                "Assign": {
                    "doubled": "{% $states.result %}",
                    "count": "{% $count($states.result) %}",
                },
                "Next": "P",
            },
            "P": {
                "Type": "Pass",
                "Output": {"d": "{% $doubled %}", "n": "{% $count %}"},
                "End": True,
            },
        }
    )
    assert ok(definition, {}).output == {"d": [2, 4, 6], "n": 3}


def test_map_assign_jsonpath() -> None:
    definition = machine(
        {
            "M": {
                "Type": "Map",
                "ItemsPath": "$.xs",
                "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}},
                "Assign": {"results.$": "$"},
                "Next": "P",
            },
            "P": {"Type": "Pass", "Parameters": {"r.$": "$results"}, "End": True},
        }
    )
    assert ok(definition, {"xs": [1, 2]}).output == {"r": [1, 2]}


# --------------------------------------------------------------------------- Catch


def test_catch_assign_replaces_the_state_assign_jsonata() -> None:
    # test_assign_in_catch_state: the state's Assign {"result": "SUCCESS"} is not applied;
    # the Catcher's {"result": $states.errorOutput} is; the output is the error output.
    definition = {
        "StartAt": "Task",
        "States": {
            "Task": {
                "QueryLanguage": "JSONata",
                "Type": "Task",
                "Assign": {"result": "SUCCESS"},
                "Resource": INVOKE,
                "Arguments": {
                    "FunctionName": "{% $states.input.input_value %}",
                    "Payload": {"foo": "oof"},
                },
                "Catch": [
                    {
                        "ErrorEquals": ["States.ALL"],
                        "Assign": {"result": "{% $states.errorOutput %}"},
                        "Next": "fallback",
                    }
                ],
                "End": True,
            },
            "fallback": {
                "Type": "Pass",
                "QueryLanguage": "JSONata",
                "Output": {"out": "{% $states.input %}", "var": "{% $result %}"},
                "End": True,
            },
        },
    }
    ex = ok(definition, {"input_value": FN + "boom"}, {"boom": boom})
    assert ex.output["var"] == ex.output["out"]
    assert ex.output["var"]["Error"] == "ValueError"
    cause = json.loads(ex.output["var"]["Cause"])
    assert cause["errorMessage"] == "Some exception was raised."
    assert set(assigned(ex, "Task") or {}) == {"result"}
    assert "SUCCESS" not in (assigned(ex, "Task") or {})["result"]


def test_catch_assign_jsonpath_dollar_is_the_error_output() -> None:
    definition = machine(
        {
            "T": {
                "Type": "Task",
                "Resource": FN + "boom",
                "Assign": {"ok": True},
                "Catch": [
                    {
                        "ErrorEquals": ["States.ALL"],
                        "Assign": {"err.$": "$.Error"},
                        "ResultPath": "$.caught",
                        "Next": "P",
                    }
                ],
                "End": True,
            },
            "P": {"Type": "Pass", "Parameters": {"err.$": "$err", "in.$": "$.a"}, "End": True},
        }
    )
    ex = ok(definition, {"a": 1}, {"boom": boom})
    assert ex.output == {"err": "ValueError", "in": 1}
    assert assigned(ex, "T") == {"err": '"ValueError"'}


def test_catch_on_parallel_may_assign_outer_variables() -> None:
    # PARALLEL_CATCH_ERROR_VARIABLE_SAMPLING: the Catcher assigns errorVar in the outer scope;
    # the branch's own variables vanished with the branch.
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "Init",
        "States": {
            "Init": {"Type": "Pass", "Assign": {"errorVar": "none"}, "Next": "ParallelState"},
            "ParallelState": {
                "Type": "Parallel",
                "Next": "Finish",
                "Branches": [
                    {
                        "StartAt": "ExecuteLambdaTask",
                        "States": {
                            "ExecuteLambdaTask": {
                                "Assign": {
                                    "inputVar": "{% $states.input %}",
                                    "resultVar": "{% $states.result %}",
                                },
                                "Type": "Task",
                                "Resource": INVOKE,
                                "Arguments": {
                                    "FunctionName": FN + "boom",
                                    "Payload": {"foo": "foobar"},
                                },
                                "End": True,
                            }
                        },
                    }
                ],
                "Catch": [
                    {
                        "ErrorEquals": ["States.ALL"],
                        "Assign": {
                            "inputVar": "{% $states.input %}",
                            "errorVar": "{% $states.errorOutput %}",
                        },
                        "Next": "Fallback",
                    }
                ],
            },
            "Fallback": {
                "Type": "Pass",
                "Output": {"error": "{% $errorVar %}", "input": "{% $inputVar %}"},
                "End": True,
            },
            "Finish": {"Type": "Pass", "Output": {"result": "{% $resultVar %}"}, "End": True},
        },
    }
    ex = ok(definition, {"inputData": "dummy"}, {"boom": boom})
    assert ex.output["error"]["Error"] == "ValueError"
    assert json.loads(ex.output["error"]["Cause"])["errorMessage"] == "Some exception was raised."
    assert ex.output["input"] == {"inputData": "dummy"}


# --------------------------------------------------------------------------- evaluation order


def test_swap_two_variables_jsonata() -> None:
    definition = jsonata(
        {
            "Init": {"Type": "Pass", "Assign": {"a": 1, "b": 2}, "Next": "Swap"},
            "Swap": {"Type": "Pass", "Assign": {"a": "{% $b %}", "b": "{% $a %}"}, "Next": "Show"},
            "Show": {"Type": "Pass", "Output": {"a": "{% $a %}", "b": "{% $b %}"}, "End": True},
        }
    )
    ex = ok(definition, {})
    assert ex.output == {"a": 2, "b": 1}
    assert assigned(ex, "Swap") == {"a": "2", "b": "1"}


def test_swap_two_variables_jsonpath() -> None:
    definition = machine(
        {
            "Init": {"Type": "Pass", "Assign": {"a": "x", "b": "y"}, "Next": "Swap"},
            "Swap": {"Type": "Pass", "Assign": {"a.$": "$b", "b.$": "$a"}, "Next": "Show"},
            "Show": {"Type": "Pass", "Parameters": {"a.$": "$a", "b.$": "$b"}, "End": True},
        }
    )
    assert ok(definition, {}).output == {"a": "y", "b": "x"}


def test_output_sees_the_values_as_of_state_entry() -> None:
    definition = jsonata(
        {
            "Init": {"Type": "Pass", "Assign": {"x": 1}, "Next": "S"},
            "S": {
                "Type": "Pass",
                "Assign": {"x": "{% $x + 1 %}"},
                "Output": {"seen": "{% $x %}"},
                "Next": "After",
            },
            "After": {
                "Type": "Pass",
                "Output": {"before": "{% $states.input.seen %}", "now": "{% $x %}"},
                "End": True,
            },
        }
    )
    assert ok(definition, {}).output == {"before": 1, "now": 2}


def test_a_variable_is_not_visible_within_the_state_that_assigns_it() -> None:
    definition = jsonata(
        {"S": {"Type": "Pass", "Assign": {"x": 1}, "Output": "{% $x %}", "End": True}}
    )
    ex = fails(definition, {})
    assert ex.error == QEE
    assert ex.cause is not None
    assert ex.cause.endswith(
        "The JSONata expression '$x' specified for the field 'Output' returned nothing (undefined)."
    )


@pytest.mark.parametrize(
    ("first_ql", "second", "old"),
    [
        # test_variable_sampling[JSONATA_ASSIGN_JSONPATH_REF]
        (
            "JSONPath",
            {
                "QueryLanguage": "JSONPath",
                "Assign": {"theAnswerVar": 18, "oldAnswerVar.$": "$theAnswerVar"},
            },
            "oldAnswerVar",
        ),
        # test_variable_sampling[JSONPATH_ASSIGN_JSONATA_REF]
        (
            "JSONPath",
            {
                "QueryLanguage": "JSONata",
                "Assign": {"theAnswerVar": 18, "oldAnswerVar": "{% $theAnswerVar %}"},
            },
            "oldAnswerVar",
        ),
    ],
)
def test_variable_sampling_across_query_languages(
    first_ql: str, second: dict[str, Any], old: str
) -> None:
    definition = {
        "StartAt": "First",
        "States": {
            "First": {
                "QueryLanguage": first_ql,
                "Type": "Pass",
                "Assign": {"theAnswerVar": 42},
                "Next": "Second",
            },
            "Second": {"Type": "Pass", **second, "End": True},
        },
    }
    ex = ok(definition, {})
    assert ex.output == {}
    assert assigned(ex, "Second") == {"theAnswerVar": "18", old: "42"}


# --------------------------------------------------------------------------- references


def test_intrinsics_read_variables() -> None:
    # BASE_REFERENCE_IN_INTRINSIC_FUNCTION (a subset of the recorded output).
    definition = {
        "StartAt": "State0",
        "States": {
            "State0": {
                "Type": "Pass",
                "Assign": {
                    "rawString": "Hello World",
                    "encodedString": "SGVsbG8gV29ybGQ=",
                    "inputString": "Hash this string",
                    "json1": {"a": 1, "b": 2},
                    "json2": {"c": 3, "d": 4},
                    "value1": 5,
                    "value2": 3,
                    "csvString": "a,b,c,d,e",
                    "name": "John",
                    "place": "LocalStack",
                },
                "Next": "State1",
            },
            "State1": {
                "Type": "Pass",
                "Parameters": {
                    "encoded.$": "States.Base64Encode($rawString)",
                    "decoded.$": "States.Base64Decode($encodedString)",
                    "hashValue.$": "States.Hash($inputString, 'SHA-256')",
                    "mergedJson.$": "States.JsonMerge($json1, $json2, false)",
                    "sum.$": "States.MathAdd($value1, $value2)",
                    "splitString.$": "States.StringSplit($csvString, ',')",
                    "formattedString.$": "States.Format('Hello {}, welcome to {}!', $name, $place)",
                },
                "End": True,
            },
        },
    }
    assert ok(definition, {}).output == {
        "encoded": "SGVsbG8gV29ybGQ=",
        "decoded": "Hello World",
        "hashValue": "1cac63f39fd68d8c531f27b807610fb3d50f0fc3f186995767fb6316e7200a3e",
        "mergedJson": {"a": 1, "b": 2, "c": 3, "d": 4},
        "sum": 8,
        "splitString": ["a", "b", "c", "d", "e"],
        "formattedString": "Hello John, welcome to LocalStack!",
    }


def test_a_variable_reference_without_dot_dollar_is_a_literal() -> None:
    # MAP_STATE_REFERENCE_IN_ITEM_SELECTOR: "bucketName": "$bucket" stays the text "$bucket".
    definition = machine(
        {
            "Start": {
                "Type": "Pass",
                "Assign": {"bucket": "test-name"},
                "Result": {"Values": [1, 2, 3]},
                "Next": "MapState",
            },
            "MapState": {
                "Type": "Map",
                "MaxConcurrency": 1,
                "ItemsPath": "$.Values",
                "ItemSelector": {
                    "value.$": "$$.Map.Item.Value",
                    "bucketName": "$bucket",
                    "real.$": "$bucket",
                },
                "ItemProcessor": {
                    "StartAt": "MapPass",
                    "States": {"MapPass": {"Type": "Pass", "End": True}},
                },
                "End": True,
            },
        }
    )
    assert ok(definition, {}).output == [
        {"bucketName": "$bucket", "value": v, "real": "test-name"} for v in (1, 2, 3)
    ]


def test_unassigned_variable_in_jsonata_assign_fails() -> None:
    # test_undefined_reference[BASE_UNDEFINED_ASSIGN] (cause copied).
    definition = {
        "StartAt": "State0",
        "QueryLanguage": "JSONata",
        "States": {
            "State0": {"Type": "Pass", "Assign": {"result": "{% $doesNotExist %}"}, "End": True}
        },
    }
    ex = fails(definition, {})
    assert ex.error == QEE
    assert ex.cause == (
        "An error occurred while executing the state 'State0' (entered at the event id #2). "
        "The JSONata expression '$doesNotExist' specified for the field 'Assign/result' "
        "returned nothing (undefined)."
    )


def test_unassigned_variable_in_a_jsonpath_field_fails() -> None:
    definition = machine({"S": {"Type": "Pass", "Parameters": {"x.$": "$nope"}, "End": True}})
    try:
        ex = run(definition, {})
    except aslrun.DefinitionError:
        return
    assert ex.status == "FAILED"
    assert ex.error == "States.Runtime"


# --------------------------------------------------------------------------- scopes


def test_map_iteration_reads_outer_variables_and_its_own_vanish() -> None:
    # BASE_REFERENCE_IN_ITERATOR_OUTER_SCOPE: nested Maps read $bias and the outer iteration's
    # variables; the output is the input (recorded output_raw).
    definition = {
        "StartAt": "Input",
        "States": {
            "Input": {
                "Type": "Pass",
                "Result": [[9, 44, 6], [82, 25, 76], [18, 42, 2]],
                "Assign": {"bias": 4.3},
                "Next": "IterateLevels",
            },
            "IterateLevels": {
                "Type": "Map",
                "MaxConcurrency": 1,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "INLINE"},
                    "StartAt": "AssignCurrentVector",
                    "States": {
                        "AssignCurrentVector": {
                            "Type": "Pass",
                            "Assign": {
                                "xCurrent.$": "$[0]",
                                "yCurrent.$": "$[1]",
                                "zCurrent.$": "$[2]",
                            },
                            "Next": "Calculate",
                        },
                        "Calculate": {
                            "Type": "Map",
                            "MaxConcurrency": 1,
                            "ItemProcessor": {
                                "ProcessorConfig": {"Mode": "INLINE"},
                                "StartAt": "Summate",
                                "States": {
                                    "Summate": {
                                        "Type": "Pass",
                                        "Assign": {
                                            "Sum.$": "States.MathAdd(States.MathAdd(States.MathAdd("
                                            "$yCurrent, $xCurrent), $zCurrent), $bias)"
                                        },
                                        "End": True,
                                    }
                                },
                            },
                            "End": True,
                        },
                    },
                },
                "End": True,
            },
        },
    }
    ex = ok(definition, {})
    assert ex.output_json == "[[9,44,6],[82,25,76],[18,42,2]]"


def test_iteration_variables_vanish_after_the_map() -> None:
    definition = jsonata(
        {
            "M": {
                "Type": "Map",
                "Items": [1],
                "ItemProcessor": {
                    "StartAt": "I",
                    "States": {"I": {"Type": "Pass", "Assign": {"inner": 1}, "End": True}},
                },
                "Next": "After",
            },
            "After": {"Type": "Pass", "Output": "{% $inner %}", "End": True},
        }
    )
    ex = fails(definition, {})
    assert ex.error == QEE
    assert ex.cause is not None
    assert "'$inner' specified for the field 'Output' returned nothing" in ex.cause


def test_parallel_branch_reads_outer_and_its_variables_vanish() -> None:
    definition = jsonata(
        {
            "Init": {"Type": "Pass", "Assign": {"outer": 10}, "Next": "Par"},
            "Par": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "A",
                        "States": {
                            "A": {
                                "Type": "Pass",
                                "Assign": {"inner": "{% $outer + 1 %}"},
                                "Next": "B",
                            },
                            "B": {"Type": "Pass", "Output": "{% $inner %}", "End": True},
                        },
                    }
                ],
                "Next": "After",
            },
            "After": {
                "Type": "Pass",
                "Output": {"r": "{% $states.input %}", "has_inner": "{% $exists($inner) %}"},
                "End": True,
            },
        }
    )
    assert ok(definition, {}).output == {"r": [11], "has_inner": False}


def test_map_iterations_do_not_share_variables() -> None:
    definition = jsonata(
        {
            "M": {
                "Type": "Map",
                "Items": [1, 2],
                "MaxConcurrency": 1,
                "ItemProcessor": {
                    "StartAt": "Check",
                    "States": {
                        "Check": {
                            "Type": "Pass",
                            "Output": "{% $exists($seen) %}",
                            "Assign": {"seen": True},
                            "End": True,
                        }
                    },
                },
                "End": True,
            }
        }
    )
    assert ok(definition, {}).output == [False, False]


@pytest.mark.parametrize(
    ("container", "entered", "events_seen"),
    [
        (
            "Map",
            7,
            [
                "ExecutionStarted",
                "PassStateEntered",
                "PassStateExited",
                "MapStateEntered",
                "MapStateStarted",
                "MapIterationStarted",
                "PassStateEntered",
                "MapIterationFailed",
                "MapStateFailed",
                "ExecutionFailed",
            ],
        ),
        (
            "Parallel",
            6,
            [
                "ExecutionStarted",
                "PassStateEntered",
                "PassStateExited",
                "ParallelStateEntered",
                "ParallelStateStarted",
                "PassStateEntered",
                "ParallelStateFailed",
                "ExecutionFailed",
            ],
        ),
    ],
)
def test_a_branch_cannot_assign_an_outer_name(
    container: str, entered: int, events_seen: list[str]
) -> None:
    # AWS developer guide, "Variable scope": a Parallel branch or Map iteration reads the
    # outer scope's variables but cannot assign a name that exists there.  The definition is
    # accepted; the inner Assign fails the execution with States.Runtime when it runs (the
    # cause's detail is aslrun's wording: no AWS recording of this case is available).
    processor = {
        "StartAt": "I",
        "States": {"I": {"Type": "Pass", "Assign": {"outer": 2}, "End": True}},
    }
    inner: dict[str, Any] = (
        {"Type": "Map", "Items": [1], "ItemProcessor": processor}
        if container == "Map"
        else {"Type": "Parallel", "Branches": [processor]}
    )
    definition = jsonata(
        {"Init": {"Type": "Pass", "Assign": {"outer": 1}, "Next": "C"}, "C": {**inner, "End": True}}
    )
    ex = fails(definition, {})
    assert (ex.error, ex.cause) == (
        "States.Runtime",
        f"An error occurred while executing the state 'I' (entered at the event id #{entered}). "
        "The variable 'outer' is defined in an outer scope and cannot be assigned inside a "
        "Parallel branch or Map iteration.",
    )
    assert [e["type"] for e in ex.history] == events_seen


def test_reserved_name_states_cannot_be_assigned() -> None:
    with pytest.raises(aslrun.DefinitionError):
        aslrun.load(jsonata({"S": {"Type": "Pass", "Assign": {"states": 1}, "End": True}}))


# --------------------------------------------------------------------------- size limits

KIB = 1024


def test_a_variable_of_exactly_256_kib_is_accepted() -> None:
    # The input itself may not pass 256 KiB, so the value is built inside the workflow:
    # a string of 262142 characters, whose JSON text (with quotes) is 262144 bytes.
    half = "x" * (128 * KIB)
    definition = jsonata(
        {
            "S": {
                "Type": "Pass",
                "Assign": {"v": "{% $substring($states.input.t & $states.input.t, 0, 262142) %}"},
                "Output": "ok",
                "End": True,
            }
        }
    )
    assert ok(definition, {"t": half}).output == "ok"


def test_a_variable_over_256_kib_fails() -> None:
    half = "x" * (128 * KIB)
    definition = jsonata(
        {
            "S": {
                "Type": "Pass",
                "Assign": {"v": "{% $substring($states.input.t & $states.input.t, 0, 262143) %}"},
                "End": True,
            }
        }
    )
    ex = fails(definition, {"t": half})
    # AWS developer guide, "Variable size limits": at most 256 KiB per variable, or the
    # state fails with States.DataLimitExceeded (the cause's detail is aslrun's wording).
    assert (ex.error, ex.cause) == (
        "States.DataLimitExceeded",
        "An error occurred while executing the state 'S' (entered at the event id #2). "
        "The value assigned to the variable 'v' exceeds the maximum size of 262144 bytes.",
    )
    assert [e["type"] for e in ex.history] == [
        "ExecutionStarted",
        "PassStateEntered",
        "ExecutionFailed",
    ]


def test_an_execution_input_over_256_kib_is_refused_at_start() -> None:
    # AWS: the maximum input size of an execution is 256 KiB (service quotas).
    sm = aslrun.load(jsonata({"S": {"Type": "Pass", "End": True}}))
    with pytest.raises(aslrun.InvalidExecutionInput, match="262145 bytes; the maximum is 262144"):
        sm.run("x" * (256 * KIB - 1))


def test_an_execution_input_that_is_not_json_is_refused_at_start() -> None:
    sm = aslrun.load(jsonata({"S": {"Type": "Pass", "End": True}}))
    with pytest.raises(aslrun.InvalidExecutionInput, match="not JSON"):
        sm.run({"when": object()})


def test_one_assign_over_256_kib_in_total_fails() -> None:
    half = "x" * (150 * KIB)
    definition = jsonata(
        {
            "S": {
                "Type": "Pass",
                "Assign": {"a": "{% $states.input.t %}", "b": "{% $states.input.t %}"},
                "End": True,
            }
        }
    )
    ex = fails(definition, {"t": half})
    # AWS developer guide, "Variable size limits": at most 256 KiB in one Assign in all (each
    # value here is 150 KiB); the cause's detail is aslrun's wording.
    assert (ex.error, ex.cause) == (
        "States.DataLimitExceeded",
        "An error occurred while executing the state 'S' (entered at the event id #2). "
        "The variables assigned by one state exceed the maximum size of 262144 bytes.",
    )
    assert [e["type"] for e in ex.history] == [
        "ExecutionStarted",
        "PassStateEntered",
        "ExecutionFailed",
    ]


def test_variables_over_10_mib_per_execution_fail() -> None:
    chunk = "x" * (200 * KIB)
    states: dict[str, Any] = {}
    for i in range(60):  # 60 x 200 KiB = 12000 KiB > 10 MiB
        states[f"S{i}"] = {
            "Type": "Pass",
            "Assign": {f"v{i}": "{% $states.input %}"},
            "Next": f"S{i + 1}",
        }
    states["S60"] = {"Type": "Succeed"}
    ex = fails(jsonata(states), chunk)
    failed_at = [e for e in ex.history if e["type"] == "PassStateEntered"][-1]
    # 51 x 200 KiB stays under 10 MiB, the 52nd does not.
    assert failed_at["stateEnteredEventDetails"]["name"] == "S51"


def test_reassigning_a_variable_replaces_its_size() -> None:
    chunk = "x" * (200 * KIB)
    states: dict[str, Any] = {}
    for i in range(60):  # the same name 60 times: never more than 200 KiB stored
        states[f"S{i}"] = {
            "Type": "Pass",
            "Assign": {"v": "{% $states.input %}"},
            "Next": f"S{i + 1}",
        }
    states["S60"] = {"Type": "Succeed"}
    ok(jsonata(states), chunk)


# --------------------------------------------------------------------------- history


def test_assigned_variables_in_history_are_json_texts() -> None:
    definition = jsonata(
        {
            "S": {
                "Type": "Pass",
                "Assign": {
                    "n": 1,
                    "f": 1.5,
                    "s": "a",
                    "o": {"k": [1, 2]},
                    "nul": None,
                    "b": True,
                    "calc": "{% 2 * 3 %}",
                },
                "End": True,
            }
        }
    )
    ex = ok(definition, {})
    exited = events(ex, "PassStateExited")[0]["stateExitedEventDetails"]
    assert exited["assignedVariables"] == {
        "n": "1",
        "f": "1.5",
        "s": '"a"',
        "o": '{"k":[1,2]}',
        "nul": "null",
        "b": "true",
        "calc": "6",
    }
    assert exited["assignedVariablesDetails"] == {"truncated": False}


def test_states_without_assign_record_no_assigned_variables() -> None:
    ex = ok(jsonata({"S": {"Type": "Pass", "End": True}}), {})
    exited = events(ex, "PassStateExited")[0]["stateExitedEventDetails"]
    assert not exited.get("assignedVariables")
