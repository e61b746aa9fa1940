"""JSONata mode run end to end through ``aslrun.load(...).run(...)``.

Expected values come from the AWS developer guide ("Transforming data with JSONata in Step
Functions") or from executions recorded on AWS (the LocalStack snapshot case id is named in a
comment next to each copied value). The adapter itself is unit-tested in ``test_jsonata.py``;
this file checks what a user sees: outputs, errors, causes, history and simulated time.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

import aslrun
from conftest import FN, START, at, events, machine, offsets, run

QEE = "States.QueryEvaluationError"
JSONATA = {"QueryLanguage": "JSONata"}


def jsonata(states: dict[str, Any], **top: Any) -> dict[str, Any]:
    """A definition whose top level is JSONata."""
    return machine(states, **JSONATA, **top)


def echo(event: Any, context: Any = None) -> Any:
    return event


def output_of(expr: Any, input: Any = None, **run_options: Any) -> Any:
    """The output of a single JSONata Pass state whose Output is ``expr``."""
    ex = run(jsonata({"P": {"Type": "Pass", "Output": expr, "End": True}}), input, **run_options)
    assert ex.status == "SUCCEEDED", (ex.error, ex.cause)
    return ex.output


def failure(
    definition: dict[str, Any], input: Any = None, handlers: Any = None, **kw: Any
) -> aslrun.Execution:
    ex = run(definition, input, handlers, **kw)
    assert ex.status == "FAILED"
    return ex


# --------------------------------------------------------------------------- QueryLanguage


def test_top_level_jsonata_pass_without_output_passes_its_input() -> None:
    # test_base_query_language_field[JSONATA]: {} in, {} out.
    assert run(jsonata({"S": {"Type": "Pass", "End": True}}), {}).output == {}
    assert run(jsonata({"S": {"Type": "Pass", "End": True}}), {"a": [1]}).output == {"a": [1]}


def test_per_state_jsonata_inside_a_jsonpath_machine() -> None:
    definition = machine(
        {
            "Path": {"Type": "Pass", "Parameters": {"n.$": "$.n"}, "Next": "Ata"},
            "Ata": {
                "Type": "Pass",
                "QueryLanguage": "JSONata",
                "Output": {"double": "{% $states.input.n * 2 %}"},
                "End": True,
            },
        }
    )
    assert run(definition, {"n": 21}).output == {"double": 42}


def test_a_jsonata_top_level_cannot_be_downgraded_per_state() -> None:
    definition = jsonata({"S": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": True}})
    with pytest.raises(aslrun.DefinitionError):
        aslrun.load(definition)


@pytest.mark.parametrize(
    "field", ["InputPath", "Parameters", "ResultSelector", "ResultPath", "OutputPath"]
)
def test_jsonpath_only_fields_are_rejected_in_jsonata_states(field: str) -> None:
    value = {"a.$": "$.a"} if field in ("Parameters", "ResultSelector") else "$.a"
    definition = jsonata({"S": {"Type": "Pass", field: value, "End": True}})
    with pytest.raises(aslrun.DefinitionError):
        aslrun.load(definition)


@pytest.mark.parametrize(
    ("state", "field", "value"),
    [
        ({"Type": "Pass", "End": True}, "Output", {"a": 1}),
        ({"Type": "Task", "Resource": FN + "f", "End": True}, "Arguments", {"a": 1}),
        (
            {
                "Type": "Map",
                "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}},
                "End": True,
            },
            "Items",
            [1],
        ),
    ],
)
def test_jsonata_only_fields_are_rejected_in_jsonpath_states(
    state: dict[str, Any], field: str, value: Any
) -> None:
    with pytest.raises(aslrun.DefinitionError):
        aslrun.load(machine({"S": {**state, field: value}}))


def test_condition_is_rejected_in_a_jsonpath_choice() -> None:
    definition = machine(
        {
            "C": {
                "Type": "Choice",
                "Choices": [{"Condition": "{% true %}", "Next": "D"}],
                "Default": "D",
            },
            "D": {"Type": "Succeed"},
        }
    )
    with pytest.raises(aslrun.DefinitionError):
        aslrun.load(definition)


def test_a_syntax_error_is_a_definition_error() -> None:
    with pytest.raises(aslrun.DefinitionError):
        aslrun.load(
            jsonata({"S": {"Type": "Pass", "Output": "{% $states.input.( %}", "End": True}})
        )


# --------------------------------------------------------------------------- {% %} in fields


def test_output_template_at_any_depth_and_literals_kept() -> None:
    # BASE_LAMBDA_LITERALS: strings that do not start with {% and end with %} are literals.
    out = output_of(
        {
            "a": "{% $states.input.x %}",
            "nested": {"list": [1, "{% $states.input.x + 1 %}", {"deep": "{% 'v' %}"}]},
            "literal_padded": " {% states.input %} ",
            "literal_path": "$states.input",
        },
        {"x": 1},
    )
    assert out == {
        "a": 1,
        "nested": {"list": [1, 2, {"deep": "v"}]},
        "literal_padded": " {% states.input %} ",
        "literal_path": "$states.input",
    }


def test_whitespace_inside_the_delimiters_is_optional() -> None:
    assert output_of("{%$lowercase($states.input.s) %}", {"s": "AB"}) == "ab"
    assert output_of("{% $states.input%}", {"s": 1}) == {"s": 1}
    assert output_of("{%\n  $states.input.s\n%}", {"s": 2}) == 2


def test_arguments_build_the_task_event_and_the_result_is_the_default_output() -> None:
    seen: list[Any] = []

    def handler(event: Any, context: Any) -> Any:
        seen.append(event)
        return {"got": event["v"]}

    definition = jsonata(
        {
            "T": {
                "Type": "Task",
                "Resource": FN + "f",
                "Arguments": {"v": "{% $states.input.n + 1 %}", "k": "lit"},
                "End": True,
            }
        }
    )
    ex = run(definition, {"n": 1}, {"f": handler})
    assert seen == [{"v": 2, "k": "lit"}]
    assert ex.output == {"got": 2}


def test_task_without_arguments_sends_the_state_input() -> None:
    seen: list[Any] = []

    def handler(event: Any, context: Any) -> Any:
        seen.append(event)
        return "done"

    ex = run(
        jsonata({"T": {"Type": "Task", "Resource": FN + "f", "End": True}}),
        {"a": 1},
        {"f": handler},
    )
    assert seen == [{"a": 1}]
    assert ex.output == "done"


def test_task_output_sees_input_and_result() -> None:
    definition = jsonata(
        {
            "T": {
                "Type": "Task",
                "Resource": FN + "f",
                "Arguments": {"x": 5},
                "Output": {"in": "{% $states.input %}", "res": "{% $states.result %}"},
                "End": True,
            }
        }
    )
    ex = run(definition, {"a": 1}, {"f": lambda e, c: {"r": e["x"] * 2}})
    assert ex.output == {"in": {"a": 1}, "res": {"r": 10}}


def test_items_expression_and_item_selector_with_the_map_context() -> None:
    # MAP_STATE_ITEM_SELECTOR_JSONATA (output copied from the recording).
    definition = jsonata(
        {
            "Start": {
                "Type": "Pass",
                "Assign": {"ItemsVar": ["Item1", "Item2"]},
                "Next": "MapIterateState",
            },
            "MapIterateState": {
                "Type": "Map",
                "MaxConcurrency": 1,
                "Items": "{% $ItemsVar %}",
                "ItemSelector": {
                    "map_item_value": "{% $states.context.Map.Item.Value %}",
                    "var_sample": "{% $ItemsVar %}",
                    "string_literal": "string literal",
                },
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "INLINE"},
                    "StartAt": "Pass",
                    "States": {"Pass": {"Type": "Pass", "End": True}},
                },
                "End": True,
            },
        }
    )
    ex = run(definition, {})
    assert ex.output_json == (
        '[{"map_item_value":"Item1","var_sample":["Item1","Item2"],'
        '"string_literal":"string literal"},'
        '{"map_item_value":"Item2","var_sample":["Item1","Item2"],'
        '"string_literal":"string literal"}]'
    )


def test_items_literal_array_and_item_index() -> None:
    definition = jsonata(
        {
            "M": {
                "Type": "Map",
                "Items": ["a", "b", "c"],
                "ItemSelector": {
                    "i": "{% $states.context.Map.Item.Index %}",
                    "v": "{% $states.context.Map.Item.Value %}",
                },
                "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
                "End": True,
            }
        }
    )
    assert run(definition).output == [{"i": 0, "v": "a"}, {"i": 1, "v": "b"}, {"i": 2, "v": "c"}]


def test_map_without_items_iterates_the_input_array() -> None:
    definition = jsonata(
        {
            "M": {
                "Type": "Map",
                "ItemProcessor": {
                    "StartAt": "P",
                    "States": {
                        "P": {"Type": "Pass", "Output": "{% $states.input * 10 %}", "End": True}
                    },
                },
                "End": True,
            }
        }
    )
    assert run(definition, [1, 2, 3]).output == [10, 20, 30]


@pytest.mark.parametrize(
    ("items_var", "shown", "type_name"),
    [
        (1, "1", "number"),
        ("string", '"string"', "string"),
        (True, "true", "boolean"),
        ({"k": 1}, '{"k":1}', "object"),
        (None, "null", "null"),
    ],
)
def test_items_must_be_an_array(items_var: Any, shown: str, type_name: str) -> None:
    # test_map_state_items_variable_sampling[number|string|boolean|object|null]; the number
    # cause is copied verbatim; the others follow the same sentence.
    definition = jsonata(
        {
            "Start": {"Type": "Pass", "Assign": {"ItemsVar": items_var}, "Next": "MapIterateState"},
            "MapIterateState": {
                "Type": "Map",
                "MaxConcurrency": 1,
                "Items": "{% $ItemsVar %}",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "INLINE"},
                    "StartAt": "Pass",
                    "States": {"Pass": {"Type": "Pass", "End": True}},
                },
                "End": True,
            },
        }
    )
    ex = failure(definition, {})
    assert ex.error == QEE
    if type_name == "number":
        assert ex.cause == (
            "An error occurred while executing the state 'MapIterateState' (entered at the event "
            "id #4). The JSONata expression '$ItemsVar' specified for the field 'Items' returned "
            "an unexpected result type. Expected 'array', but was 'number' for value: 1"
        )
    else:
        assert ex.cause is not None
        assert f"Expected 'array', but was '{type_name}' for value: {shown}" in ex.cause


def test_choice_condition_and_default() -> None:
    definition = jsonata(
        {
            "C": {
                "Type": "Choice",
                "Choices": [
                    {"Condition": "{% $states.input.n > 10 %}", "Next": "Big"},
                ],
                "Default": "Small",
            },
            "Big": {"Type": "Pass", "Output": "big", "End": True},
            "Small": {"Type": "Pass", "Output": "small", "End": True},
        }
    )
    assert run(definition, {"n": 11}).output == "big"
    assert run(definition, {"n": 3}).output == "small"


def test_choice_output_on_a_rule_and_the_choice_passes_its_input_by_default() -> None:
    # test_assign_in_choice[CONDITION_TRUE]: the Choice output defaults to its input.
    definition = jsonata(
        {
            "ChoiceState": {
                "Type": "Choice",
                "Choices": [
                    {
                        "Condition": "{% $states.input.condition %}",
                        "Next": "ConditionTrue",
                        "Assign": {"Assignment": "Condition assignment"},
                    }
                ],
                "Default": "DefaultState",
                "Assign": {"Assignment": "Default Assignment"},
            },
            "ConditionTrue": {"Type": "Pass", "End": True},
            "DefaultState": {"Type": "Fail", "Cause": "Condition is false"},
        }
    )
    assert run(definition, {"condition": True}).output == {"condition": True}
    # test_output_in_choice[CONDITION_FALSE]: the Default path reaches the Fail.
    ex = failure(definition, {"condition": False})
    assert ex.cause == "Condition is false"


def test_fail_error_and_cause_expressions() -> None:
    definition = jsonata(
        {
            "F": {
                "Type": "Fail",
                "Error": "{% 'E.' & $states.input.kind %}",
                "Cause": "{% $string($states.input.n) & ' items' %}",
            }
        }
    )
    ex = failure(definition, {"kind": "Bad", "n": 3})
    assert (ex.error, ex.cause) == ("E.Bad", "3 items")


def test_wait_seconds_expression_spends_simulated_time() -> None:
    definition = jsonata(
        {
            "W": {"Type": "Wait", "Seconds": "{% $states.input.s * 2 %}", "Next": "P"},
            "P": {"Type": "Pass", "Output": "{% $now() %}", "End": True},
        }
    )
    ex = run(definition, {"s": 45})
    assert offsets(ex, "PassStateEntered") == [90.0]
    assert ex.output == "2026-01-01T00:01:30.000Z"


def test_wait_timestamp_expression() -> None:
    # test_wait_timestamp_jsonata[SECONDS]: the output is the input.
    definition = jsonata(
        {"W": {"Type": "Wait", "Timestamp": "{% $states.input.TimestampValue %}", "End": True}}
    )
    ex = run(definition, {"TimestampValue": "2026-01-01T02:00:00Z"})
    assert ex.status == "SUCCEEDED"
    assert ex.output == {"TimestampValue": "2026-01-01T02:00:00Z"}
    assert ex.stop_date == at(7200)


def test_wait_timestamp_invalid_date_cause() -> None:
    # test_wait_timestamp_jsonata[INVALID_DATE] (cause copied).
    definition = {
        "Comment": "WAIT_TIMESTAMP_JSONATA",
        "QueryLanguage": "JSONata",
        "StartAt": "WaitState",
        "States": {
            "WaitState": {
                "Type": "Wait",
                "Timestamp": "{% $states.input.TimestampValue %}",
                "End": True,
            }
        },
    }
    ex = failure(definition, {"TimestampValue": "2016-13-05T21:29:29Z"})
    assert ex.error == QEE
    assert ex.cause == (
        "An error occurred while executing the state 'WaitState' (entered at the event id #2). "
        "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format "
        "string: 2016-13-05T21:29:29Z"
    )


def test_timeout_seconds_expression_times_the_task_out() -> None:
    def slow(event: Any, context: Any) -> Any:
        context.sleep(10)
        return "late"

    definition = jsonata(
        {
            "T": {
                "Type": "Task",
                "Resource": FN + "slow",
                "TimeoutSeconds": "{% $states.input.limit %}",
                "End": True,
            }
        }
    )
    ex = failure(definition, {"limit": 5}, {"slow": slow})
    assert ex.error == "States.Timeout"
    assert ex.stop_date == at(5)
    assert run(definition, {"limit": 20}, {"slow": slow}).output == "late"


def test_max_concurrency_expression() -> None:
    # test_base_map[MAX_CONCURRENCY]: "{% $variable := 1 %}" is accepted; output [1].
    definition = {
        "Comment": "BASE_MAP",
        "QueryLanguage": "JSONata",
        "StartAt": "Start",
        "States": {
            "Start": {
                "Type": "Map",
                "Items": [1],
                "MaxConcurrency": "{% $variable := 1 %}",
                "ItemProcessor": {
                    "StartAt": "Process",
                    "States": {"Process": {"Type": "Pass", "End": True}},
                },
                "End": True,
            }
        },
    }
    ex = run(definition, {})
    assert ex.output_json == "[1]"


def test_max_concurrency_expression_limits_parallelism() -> None:
    def work(event: Any, context: Any) -> Any:
        context.sleep(10)
        return event

    definition = jsonata(
        {
            "M": {
                "Type": "Map",
                "Items": [1, 2, 3, 4],
                "MaxConcurrency": "{% $states.input.mc %}",
                "ItemProcessor": {
                    "StartAt": "T",
                    "States": {"T": {"Type": "Task", "Resource": FN + "work", "End": True}},
                },
                "End": True,
            }
        }
    )
    ex = run(definition, {"mc": 2}, {"work": work})
    assert ex.output == [1, 2, 3, 4]
    assert ex.stop_date == at(20)


# --------------------------------------------------------------------------- $states


def test_states_context_fields() -> None:
    definition = jsonata(
        {
            "W": {"Type": "Wait", "Seconds": 30, "Next": "P"},
            "P": {
                "Type": "Pass",
                "Output": {
                    "name": "{% $states.context.Execution.Name %}",
                    "input": "{% $states.context.Execution.Input %}",
                    "start": "{% $states.context.Execution.StartTime %}",
                    "state": "{% $states.context.State.Name %}",
                    "entered": "{% $states.context.State.EnteredTime %}",
                },
                "End": True,
            },
        }
    )
    ex = run(definition, {"k": 1}, name="my-exec")
    assert ex.output["name"] == "my-exec"
    assert ex.output["input"] == {"k": 1}
    assert ex.output["state"] == "P"
    assert ex.output["start"].startswith("2026-01-01T00:00:00")
    assert ex.output["entered"].startswith("2026-01-01T00:00:30")


def test_states_result_is_undefined_outside_task_map_parallel() -> None:
    definition = jsonata({"P": {"Type": "Pass", "Output": "{% $states.result %}", "End": True}})
    ex = failure(definition, {})
    assert ex.error == QEE


def test_catch_output_sees_input_and_error_output() -> None:
    # TASK_CATCH_ERROR_OUTPUT: the Catcher's Output sees $states.input and
    # $states.errorOutput ({"Error","Cause"}).
    def boom(event: Any, context: Any) -> Any:
        raise ValueError("nope")

    definition = {
        "StartAt": "Task",
        "States": {
            "Task": {
                "Type": "Task",
                "QueryLanguage": "JSONata",
                "Resource": FN + "boom",
                "Catch": [
                    {
                        "ErrorEquals": ["States.ALL"],
                        "Output": {
                            "stateInput": "{% $states.input %}",
                            "stateError": "{% $states.errorOutput %}",
                        },
                        "Next": "Fallback",
                    }
                ],
                "Output": {"stateResult": "{% $states.result %}"},
                "Next": "Finish",
            },
            "Fallback": {
                "Type": "Pass",
                "QueryLanguage": "JSONata",
                "Output": {"error": "{% $states.input %}"},
                "End": True,
            },
            "Finish": {
                "Type": "Pass",
                "QueryLanguage": "JSONata",
                "Output": {"result": "{% $states.input %}"},
                "End": True,
            },
        },
    }
    ex = run(definition, {"inputData": "dummy"}, {"boom": boom})
    assert ex.status == "SUCCEEDED"
    error = ex.output["error"]
    assert error["stateInput"] == {"inputData": "dummy"}
    assert error["stateError"]["Error"] == "ValueError"
    assert json.loads(error["stateError"]["Cause"])["errorMessage"] == "nope"


def test_catch_without_output_passes_the_error_output() -> None:
    # test_assign_in_catch_state: the output after the Catcher is {"Error","Cause"}.
    def boom(event: Any, context: Any) -> Any:
        raise RuntimeError("x")

    definition = jsonata(
        {
            "T": {
                "Type": "Task",
                "Resource": FN + "boom",
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}],
                "End": True,
            },
            "F": {"Type": "Pass", "End": True},
        }
    )
    ex = run(definition, {"a": 1}, {"boom": boom})
    assert set(ex.output) == {"Error", "Cause"}
    assert ex.output["Error"] == "RuntimeError"


def test_errors_output_is_undefined_outside_a_catcher() -> None:
    definition = jsonata(
        {"P": {"Type": "Pass", "Output": "{% $states.errorOutput %}", "End": True}}
    )
    assert failure(definition, {}).error == QEE


# --------------------------------------------------------------------------- Output defaults


def test_output_defaults_per_state_type() -> None:
    definition = jsonata(
        {
            "Pass": {"Type": "Pass", "Next": "Wait"},
            "Wait": {"Type": "Wait", "Seconds": 1, "Next": "Choice"},
            "Choice": {"Type": "Choice", "Choices": [{"Condition": "{% true %}", "Next": "Task"}]},
            "Task": {"Type": "Task", "Resource": FN + "f", "Next": "Parallel"},
            "Parallel": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "Output": 1, "End": True}}},
                    {"StartAt": "B2", "States": {"B2": {"Type": "Pass", "End": True}}},
                ],
                "Next": "Map",
            },
            "Map": {
                "Type": "Map",
                "Items": "{% [1, 2] %}",
                "ItemProcessor": {
                    "StartAt": "I",
                    "States": {
                        "I": {"Type": "Pass", "Output": "{% $states.input + 1 %}", "End": True}
                    },
                },
                "End": True,
            },
        }
    )
    ex = run(definition, {"in": 0}, {"f": lambda e, c: {"task": e}})
    outputs = {
        e["stateExitedEventDetails"]["name"]: e["stateExitedEventDetails"]["output"]
        for e in ex.history
        if e["type"].endswith("StateExited")
    }
    assert outputs["Pass"] == '{"in":0}'
    assert outputs["Wait"] == '{"in":0}'
    assert outputs["Choice"] == '{"in":0}'
    assert outputs["Task"] == '{"task":{"in":0}}'
    assert outputs["Parallel"] == '[1,{"task":{"in":0}}]'
    assert ex.output == [2, 3]


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("output", "field"),
    [
        ("{% $doesNotExist %}", "Output"),
        ({"result": "{% $doesNotExist %}"}, "Output/result"),
    ],
)
def test_undefined_output_cause(output: Any, field: str) -> None:
    # test_undefined_reference[BASE_UNDEFINED_OUTPUT] and [BASE_UNDEFINED_OUTPUT_FIELD].
    definition = {
        "StartAt": "State0",
        "QueryLanguage": "JSONata",
        "States": {"State0": {"Type": "Pass", "Output": output, "End": True}},
    }
    ex = failure(definition, {})
    assert ex.error == QEE
    assert ex.cause == (
        "An error occurred while executing the state 'State0' (entered at the event id #2). "
        f"The JSONata expression '$doesNotExist' specified for the field '{field}' returned "
        "nothing (undefined)."
    )


def test_undefined_cause_names_the_entered_event_of_a_later_state() -> None:
    # test_undefined_reference[BASE_UNDEFINED_OUTPUT_MULTIPLE_STATES]
    definition = {
        "StartAt": "State0",
        "QueryLanguage": "JSONata",
        "States": {
            "State0": {"Type": "Pass", "Next": "State1"},
            "State1": {"Type": "Pass", "Next": "State2"},
            "State2": {"Type": "Pass", "Output": {"result": "{% $doesNotExist %}"}, "End": True},
        },
    }
    ex = failure(definition, {})
    assert ex.cause == (
        "An error occurred while executing the state 'State2' (entered at the event id #6). "
        "The JSONata expression '$doesNotExist' specified for the field 'Output/result' "
        "returned nothing (undefined)."
    )
    assert events(ex, "EvaluationFailed")


def test_the_exact_example_cause_for_an_undefined_variable_x() -> None:
    definition = jsonata({"S": {"Type": "Pass", "Output": "{% $x %}", "End": True}})
    ex = failure(definition, {})
    assert ex.cause == (
        "An error occurred while executing the state 'S' (entered at the event id #2). "
        "The JSONata expression '$x' specified for the field 'Output' returned nothing "
        "(undefined)."
    )


def test_undefined_keys_inside_an_object_constructor_are_dropped() -> None:
    assert output_of("{% {'a': $states.input.missing, 'b': 1} %}", {}) == {"b": 1}


def test_query_evaluation_error_is_catchable() -> None:
    definition = jsonata(
        {
            "S": {"Type": "Pass", "Output": "{% $nope %}", "End": True},
        }
    )
    # Pass has no Catch; wrap it in a Parallel to catch the branch failure.
    wrapped = jsonata(
        {
            "Par": {
                "Type": "Parallel",
                "Branches": [definition],
                "Catch": [
                    {
                        "ErrorEquals": [QEE],
                        "Output": "{% $states.errorOutput.Error %}",
                        "Next": "Done",
                    }
                ],
                "End": True,
            },
            "Done": {"Type": "Pass", "End": True},
        }
    )
    assert run(wrapped, {}).output == QEE


@pytest.mark.parametrize(
    "expr",
    ["{% $sqrt(-1) %}", "{% $number('x') %}", "{% $error('boom') %}", "{% $states.input.a.b() %}"],
)
def test_runtime_expression_failures_are_query_evaluation_errors(expr: str) -> None:
    definition = jsonata({"S": {"Type": "Pass", "Output": expr, "End": True}})
    ex = failure(definition, {"a": {"b": 1}})
    assert ex.error == QEE
    assert ex.cause is not None
    assert ex.cause.startswith(
        "An error occurred while executing the state 'S' (entered at the event id #2). "
        f"The JSONata expression '{expr[3:-3]}' specified for the field 'Output' "
    )


def test_random_seeded_is_not_a_function() -> None:
    # test_math_random_seeded#exec_hist_resp_0 (cause copied).
    definition = {
        "StartAt": "State_0",
        "States": {
            "State_0": {
                "QueryLanguage": "JSONata",
                "Type": "Pass",
                "Output": {
                    "FunctionResult": "{% $randomSeeded($states.input.FunctionInput.fst) %}"
                },
                "End": True,
            }
        },
    }
    ex = failure(definition, {"FunctionInput": "fst"})
    assert ex.cause == (
        "An error occurred while executing the state 'State_0' (entered at the event id #2). "
        "The JSONata expression '$randomSeeded($states.input.FunctionInput.fst)' specified for "
        "the field 'Output/FunctionResult' threw an error during evaluation. "
        "T1006: Attempted to invoke a non-function"
    )


# --------------------------------------------------------------------------- numbers


def test_integral_results_print_as_integers() -> None:
    # BASE_LAMBDA_EXPRESSION / BASE_EXPR: $sum([1,2,3]) + 1 is 7.
    ex = run(
        jsonata(
            {
                "S": {
                    "Type": "Pass",
                    "Output": {
                        "sum": "{% $sum($states.input.v) + 1 %}",
                        "product": "{% 2.5 * 2 %}",
                        "half": "{% 3 / 2 %}",
                        "avg": "{% $average([2, 4]) %}",
                    },
                    "End": True,
                }
            }
        ),
        {"v": [1, 2, 3]},
    )
    assert ex.output_json == '{"sum":7,"product":5,"half":1.5,"avg":3}'
    assert isinstance(ex.output["product"], int)


def test_merge_with_dynamic_args() -> None:
    # test_merge_with_dynamic_args
    assert output_of(
        "{% $merge([$states.input.part1, $states.input.part2]) %}",
        {"part1": {"hello": "world"}, "part2": {"foo": "bar"}},
    ) == {"hello": "world", "foo": "bar"}


# --------------------------------------------------------------------------- clock


def test_now_and_millis_read_the_simulated_clock() -> None:
    definition = jsonata(
        {
            "W": {"Type": "Wait", "Seconds": 3600, "Next": "P"},
            "P": {
                "Type": "Pass",
                "Output": {"now": "{% $now() %}", "ms": "{% $millis() %}"},
                "End": True,
            },
        }
    )
    ex = run(definition, {})
    # 2026-01-01T00:00:00Z is 1767225600 s after the epoch; one hour later:
    assert ex.output == {"now": "2026-01-01T01:00:00.000Z", "ms": 1767229200000}


def test_now_with_a_custom_clock_start() -> None:
    sm = aslrun.load(jsonata({"P": {"Type": "Pass", "Output": "{% $now() %}", "End": True}}))
    ex = sm.run({}, clock=aslrun.VirtualClock(start="2026-11-30T12:00:00Z"))
    assert ex.output == "2026-11-30T12:00:00.000Z"


def test_from_millis_arithmetic_on_timestamps() -> None:
    out = output_of(
        "{% $fromMillis($toMillis($states.input.t) + 60000) %}", {"t": "2026-12-01T09:00:00Z"}
    )
    assert out == "2026-12-01T09:01:00.000Z"


# --------------------------------------------------------------------------- AWS's functions


@pytest.mark.parametrize(
    ("array", "size", "expected"),
    [
        ([0], 1, [[0]]),  # test_array_partition#exec_hist_resp_0 (JSONata)
        ([0, 1], 1, [[0], [1]]),  # test_array_partition#exec_hist_resp_5 (JSONata)
        ([1, 2, 3, 4, 5, 6, 7, 8, 9], 3, [[1, 2, 3], [4, 5, 6], [7, 8, 9]]),  # AWS guide
        ([1, 2, 3, 4, 5], 2, [[1, 2], [3, 4], [5]]),
    ],
)
def test_partition(array: list[int], size: int, expected: list[Any]) -> None:
    out = output_of("{% $partition($states.input.a, $states.input.s) %}", {"a": array, "s": size})
    assert out == expected


def test_range() -> None:
    # AWS guide: $range(0, 10, 2) is [0, 2, 4, 6, 8, 10] (the end is included).
    assert output_of("{% $range(0, 10, 2) %}") == [0, 2, 4, 6, 8, 10]
    assert output_of("{% $range(5, 1, -2) %}") == [5, 3, 1]


def test_hash() -> None:
    assert output_of("{% $hash('input', 'SHA-1') %}") == "140f86aae51ab9e1cda9b4254fe98a74eb54c1a1"
    assert output_of("{% $hash('hello', 'SHA-256') %}") == (
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    )
    assert output_of("{% $hash('hello', 'MD5') %}") == "5d41402abc4b2a76b9719d911017c592"


@pytest.mark.parametrize(
    ("text", "expected_json"),
    [
        ("-0", "0"),  # test_parse#exec_hist_resp_0
        ("1", "1"),  # test_parse#exec_hist_resp_1
        ("1.1", "1.1"),  # test_parse#exec_hist_resp_2
        ("true", "true"),  # test_parse#exec_hist_resp_3
        ('"HelloWorld"', '"HelloWorld"'),  # test_parse#exec_hist_resp_4
        ('[1, 2, "HelloWorld"]', '[1,2,"HelloWorld"]'),  # test_parse#exec_hist_resp_5
        ('{"Arg1": 1, "Arg2": []}', '{"Arg1":1,"Arg2":[]}'),  # test_parse#exec_hist_resp_6
    ],
)
def test_parse(text: str, expected_json: str) -> None:
    definition = {
        "StartAt": "State_0",
        "States": {
            "State_0": {
                "QueryLanguage": "JSONata",
                "Type": "Pass",
                "Output": "{% $parse($states.input.FunctionInput) %}",
                "End": True,
            }
        },
    }
    ex = run(definition, {"FunctionInput": text})
    assert ex.output_json == expected_json


UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_uuid_is_v4_and_reproducible_with_a_seed() -> None:
    definition = jsonata(
        {"P": {"Type": "Pass", "Output": ["{% $uuid() %}", "{% $uuid() %}"], "End": True}}
    )
    first = run(definition, {}, seed=7).output
    assert all(UUID4.match(u) for u in first)
    assert first[0] != first[1]
    assert run(definition, {}, seed=7).output == first
    assert run(definition, {}, seed=8).output != first


def test_random_is_reproducible_with_the_run_seed() -> None:
    definition = jsonata(
        {"P": {"Type": "Pass", "Output": ["{% $random() %}", "{% $random() %}"], "End": True}}
    )
    first = run(definition, {}, seed=1).output
    assert all(0 <= r < 1 for r in first)
    assert run(definition, {}, seed=1).output == first
    assert run(definition, {}, seed=2).output != first


def test_random_with_a_seed_argument_is_javas_random() -> None:
    # $random(42) on AWS is java.util.Random(42).nextDouble() = 0.7275636800328681
    # (the same value on every execution, whatever the run seed).
    assert output_of("{% $random(42) %}", seed=1) == 0.7275636800328681
    assert output_of("{% $random(42) %}", seed=2) == 0.7275636800328681


def test_eval_is_not_available() -> None:
    definition = jsonata({"S": {"Type": "Pass", "Output": "{% $eval('1 + 1') %}", "End": True}})
    try:
        sm = aslrun.load(definition)
    except aslrun.DefinitionError:
        return
    ex = sm.run({}, clock=aslrun.VirtualClock(start=START))
    assert ex.status == "FAILED"
    assert ex.error == QEE


# Field names in causes, as AWS words them (measured against AWS and published in
# floci-io/floci#2689): array items are indexed with brackets, and a Choice rule's fields are
# named under the rule.


def test_an_undefined_array_item_is_named_with_its_index() -> None:
    sm = aslrun.load(
        {
            "QueryLanguage": "JSONata",
            "StartAt": "P",
            "States": {
                "P": {"Type": "Pass", "Output": {"values": ["{% $nothing %}", 1]}, "End": True}
            },
        }
    )
    ex = sm.run({})
    assert ex.error == "States.QueryEvaluationError"
    assert ex.cause == (
        "An error occurred while executing the state 'P' (entered at the event id #2). "
        "The JSONata expression '$nothing' specified for the field 'Output/values[0]' "
        "returned nothing (undefined)."
    )


def test_a_choice_condition_is_named_under_its_rule() -> None:
    sm = aslrun.load(
        {
            "QueryLanguage": "JSONata",
            "StartAt": "C",
            "States": {
                "C": {
                    "Type": "Choice",
                    "Choices": [
                        {"Condition": "{% false %}", "Next": "Done"},
                        {"Condition": "{% $states.input.missing %}", "Next": "Done"},
                    ],
                    "Default": "Done",
                },
                "Done": {"Type": "Succeed"},
            },
        }
    )
    ex = sm.run({})
    assert ex.error == "States.QueryEvaluationError"
    assert ex.cause == (
        "An error occurred while executing the state 'C' (entered at the event id #2). "
        "The JSONata expression '$states.input.missing' specified for the field "
        "'Choices[1]/Condition' returned nothing (undefined)."
    )
