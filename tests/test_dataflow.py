"""JSONPath-mode data flow: InputPath → Parameters → (result) → ResultSelector → ResultPath →
OutputPath, as the AWS developer guide's "Processing input and output" pages define it.
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import FN, INVOKE, machine, run


def pass_state(**fields: Any) -> dict[str, Any]:
    return machine({"P": {"Type": "Pass", "End": True, **fields}})


def test_input_path_selects_the_effective_input() -> None:
    """InputPath selects part of the raw input as the state's input."""
    assert run(pass_state(InputPath="$.a.b"), {"a": {"b": [1, 2]}, "c": 3}).output == [1, 2]


def test_input_path_null_gives_empty_object() -> None:
    """InputPath null → the effective input is {} (recorded case
    test_state_pass_result_null_input_output_paths)."""
    assert run(pass_state(InputPath=None), {"a": 1}).output == {}


def test_output_path_null_gives_empty_object() -> None:
    """OutputPath null → the state output is {}."""
    assert run(pass_state(OutputPath=None), {"a": 1}).output == {}


def test_output_path_selects_from_the_result_path_output() -> None:
    """OutputPath applies after ResultPath, to the combined output."""
    ex = run(pass_state(Result={"r": 1}, ResultPath="$.res", OutputPath="$.res.r"), {"a": 1})
    assert ex.output == 1


def test_context_path_as_input_path() -> None:
    """InputPath `$$.Execution.Input` (recorded case test_input_path[$$.Execution.Input])."""
    ex = run(pass_state(InputPath="$$.Execution.Input"), {"input-value": 0})
    assert ex.output == {"input-value": 0}


def test_parameters_static_and_dollar_keys() -> None:
    """Parameters: keys ending in `.$` take a path's value and lose the suffix;
    others are literal."""
    ex = run(pass_state(Parameters={"lit": "$.a", "val.$": "$.a", "n": 1}), {"a": "A"})
    assert ex.output == {"lit": "$.a", "val": "A", "n": 1}


def test_parameters_nested_objects_at_any_depth() -> None:
    """Parameters: `.$` keys are evaluated in nested objects at any depth."""
    ex = run(pass_state(Parameters={"x": {"y": {"z.$": "$.v", "k": [1, 2]}}}), {"v": {"w": True}})
    assert ex.output == {"x": {"y": {"z": {"w": True}, "k": [1, 2]}}}


def test_parameters_context_object_paths() -> None:
    """Parameters: `$$.` paths read the context object."""
    ex = run(
        pass_state(Parameters={"name.$": "$$.Execution.Name", "state.$": "$$.State.Name"}),
        {},
        name="my-exec",
    )
    assert ex.output == {"name": "my-exec", "state": "P"}


def test_parameters_intrinsic_functions() -> None:
    """Parameters: a `.$` value may be an intrinsic function, also nested in another."""
    ex = run(
        pass_state(
            Parameters={
                "greeting.$": "States.Format('Hello, {}!', $.who)",
                "len.$": "States.ArrayLength(States.Array(1, $.who, 3))",
                "json.$": "States.JsonToString($.obj)",
            }
        ),
        {"who": "Ann", "obj": {"a": 1, "b": [1, 2]}},
    )
    assert ex.output == {"greeting": "Hello, Ann!", "len": 3, "json": '{"a":1,"b":[1,2]}'}


def test_parameters_apply_after_input_path() -> None:
    """Parameters paths resolve against the InputPath-filtered input."""
    ex = run(
        pass_state(InputPath="$.inner", Parameters={"v.$": "$.x"}), {"inner": {"x": 5}, "x": 0}
    )
    assert ex.output == {"v": 5}


def test_parameters_path_yielding_a_list_from_wildcard() -> None:
    """A non-definite path (wildcard) in Parameters gives an array of the matches."""
    ex = run(
        pass_state(Parameters={"ids.$": "$.items[*].id"}),
        {"items": [{"id": 1}, {"id": 2}, {"id": 3}]},
    )
    assert ex.output == {"ids": [1, 2, 3]}


def test_result_path_null_keeps_input() -> None:
    """ResultPath null → the result is discarded and the input passes through."""
    assert run(pass_state(Result={"r": 1}, ResultPath=None), {"a": 1}).output == {"a": 1}


def test_result_path_creates_intermediate_objects() -> None:
    """ResultPath creates the missing objects along the path."""
    ex = run(pass_state(Result=9, ResultPath="$.a.b.c"), {"x": 1})
    assert ex.output == {"x": 1, "a": {"b": {"c": 9}}}


def test_result_path_merges_into_existing_object() -> None:
    """ResultPath into an existing object adds the key and keeps siblings."""
    ex = run(pass_state(Result=9, ResultPath="$.a.new"), {"a": {"old": 1}})
    assert ex.output == {"a": {"old": 1, "new": 9}}


def test_result_path_replaces_an_existing_value() -> None:
    """ResultPath onto an existing key replaces its value."""
    ex = run(pass_state(Result={"n": 2}, ResultPath="$.a"), {"a": {"old": 1}, "b": 0})
    assert ex.output == {"a": {"n": 2}, "b": 0}


def test_result_path_uses_raw_input_not_input_path_output() -> None:
    """ResultPath places the result into the state's raw input, not the InputPath selection
    (AWS developer guide, ResultPath: 'combine the state input with the result')."""
    ex = run(pass_state(InputPath="$.sub", Result=1, ResultPath="$.r"), {"sub": {"s": 0}, "t": 2})
    assert ex.output == {"sub": {"s": 0}, "t": 2, "r": 1}


def test_result_path_into_non_object_input_fails() -> None:
    """ResultPath into an input that is not an object → States.ResultPathMatchFailure."""
    ex = run(pass_state(Result=1, ResultPath="$.r"), [1, 2])
    assert ex.status == "FAILED"
    assert ex.error == "States.ResultPathMatchFailure"


def test_result_selector_on_task_result() -> None:
    """ResultSelector builds a new result from the task result before ResultPath."""
    ex = run(
        machine(
            {
                "T": {
                    "Type": "Task",
                    "Resource": FN + "f",
                    "End": True,
                    "ResultSelector": {"v.$": "$.deep.v", "k": "const"},
                    "ResultPath": "$.out",
                }
            }
        ),
        {"in": 1},
        {"f": lambda e, c: {"deep": {"v": 42}, "noise": 0}},
    )
    assert ex.output == {"in": 1, "out": {"v": 42, "k": "const"}}


def test_result_selector_payload_of_lambda_invoke() -> None:
    """ResultSelector `$.Payload` unwraps an optimised Lambda result (recorded case
    test_result_selector: {"Payload.$": "$.Payload"} style)."""
    ex = run(
        machine(
            {
                "T": {
                    "Type": "Task",
                    "Resource": INVOKE,
                    "Parameters": {"FunctionName": "f", "Payload.$": "$"},
                    "ResultSelector": {"p.$": "$.Payload", "code.$": "$.StatusCode"},
                    "End": True,
                }
            }
        ),
        {"x": 1},
        {"f": lambda e, c: {"echo": e}},
    )
    assert ex.output == {"p": {"echo": {"x": 1}}, "code": 200}


def test_full_pipeline_order_on_a_task() -> None:
    """InputPath, Parameters, ResultSelector, ResultPath, OutputPath in AWS's order."""
    seen: list[Any] = []

    def f(event: Any, ctx: Any) -> Any:
        seen.append(event)
        return {"sum": event["a"] + event["b"], "junk": True}

    ex = run(
        machine(
            {
                "T": {
                    "Type": "Task",
                    "Resource": FN + "f",
                    "End": True,
                    "InputPath": "$.args",
                    "Parameters": {"a.$": "$.x", "b.$": "$.y"},
                    "ResultSelector": {"total.$": "$.sum"},
                    "ResultPath": "$.args.result",
                    "OutputPath": "$.args",
                }
            }
        ),
        {"args": {"x": 2, "y": 3}, "other": 1},
        {"f": f},
    )
    assert seen == [{"a": 2, "b": 3}]
    assert ex.output == {"x": 2, "y": 3, "result": {"total": 5}}


@pytest.mark.parametrize("value", [0, 1.5, "s", True, None, [1], {"k": {}}])
def test_values_of_every_json_type_flow_unchanged(value: Any) -> None:
    """Pass with Parameters `.$` copies a JSON value of any type exactly."""
    assert run(pass_state(Parameters={"v.$": "$.v"}), {"v": value}).output == {"v": value}


def test_output_json_keeps_key_order_and_number_forms() -> None:
    """Output text is compact, keeps key order and number forms (1.0 stays 1.0)."""
    ex = run(pass_state(), {"b": 1.0, "a": 1, "c": "é"})
    assert ex.output_json == '{"b":1.0,"a":1,"c":"é"}'
