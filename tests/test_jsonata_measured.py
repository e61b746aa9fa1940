"""JSONata behaviours measured on AWS (Step Functions TestState, us-east-1) and published in the
issue tracker of floci-io/floci: each test names the issue that carries the measurement.
Only the measured facts are used here; expected values are AWS's, not aslrun's output."""

from __future__ import annotations

import random
from typing import Any

import pytest

from aslrun.errors import StatesError
from aslrun.lang.jsonata import Bindings, compile_expression

QEE = "States.QueryEvaluationError"


def bindings(input_: Any = None) -> Bindings:
    return Bindings(states={"input": input_, "context": {}}, now_ms=0, random=random.Random(0))


def value(body: str, input_: Any = None) -> Any:
    return compile_expression("{% " + body + " %}").evaluate(bindings(input_), "Output/r")


def cause(body: str, input_: Any = None) -> str:
    with pytest.raises(StatesError) as info:
        value(body, input_)
    assert info.value.error == QEE
    assert info.value.cause is not None
    return info.value.cause


def undefined(body: str) -> str:
    return (
        f"The JSONata expression '{body}' specified for the field 'Output/r' returned "
        "nothing (undefined)."
    )


# --------------------------------------------------------------------------- dialect functions


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("$range(-1.7, 2, 1)", [-1, 0, 1, 2]),  # rounding toward zero, not down
        ("$range(0, 6, 2)", [0, 2, 4, 6]),
        ("$range(3, 3, 1)", 3),  # a one-element range is the bare number
        ("$partition([1,2,3,4,5], 2.9)", [[1, 2], [3, 4], [5]]),  # chunk size truncated
        ("$count($range(1, 200000, 1))", 200_000),  # no 1000-element cap (that is ArrayRange's)
    ],
)
def test_dialect_function_values_measured_on_aws(body: str, expected: Any) -> None:
    """floci-io/floci#2662 and #2676: values AWS returns for the Step Functions functions."""
    assert value(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        "$range(1, 5)",  # no step
        "$range(5, 1, 1)",  # a step against the direction
        "$partition([1,2,3], 0)",  # chunk size 0
        "$partition([], 2)",  # an empty array
        "$partition([1,2,3,4], -0.5)",  # truncated to 0
        '$hash("Hello")',  # no algorithm
    ],
)
def test_dialect_function_cases_that_are_undefined_on_aws(body: str) -> None:
    """floci-io/floci#2676 (measured on AWS): these evaluate to undefined rather than
    failing inside the function, so the field fails with "returned nothing (undefined)"."""
    assert cause(body) == undefined(body)


def test_partition_by_a_negative_size_fails_on_aws() -> None:
    """floci-io/floci#2676 (AWS): ``$partition(a, -1)`` is the one argument that raises."""
    assert "threw an error during evaluation" in cause("$partition([1,2,3], -1)")


def test_a_one_element_range_as_map_items_is_not_an_array() -> None:
    """The bare number AWS returns for a one-element ``$range`` (floci-io/floci#2676) is what
    a field that needs an array sees."""
    from aslrun.lang.jsonata import evaluate_typed

    expression = compile_expression("{% $range(1, 1, 1) %}")
    with pytest.raises(StatesError) as info:
        evaluate_typed(expression, bindings(), "Items", "array")
    assert info.value.cause == (
        "The JSONata expression '$range(1, 1, 1)' specified for the field 'Items' returned an "
        "unexpected result type. Expected 'array', but was 'number' for value: 1"
    )
