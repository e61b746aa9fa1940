"""JSONata behaviours measured on AWS (Step Functions TestState, us-east-1) and published in the
issue tracker of floci-io/floci: each test names the issue that carries the measurement.
Only the measured facts are used here; expected values are AWS's, not aslrun's output."""

from __future__ import annotations

from typing import Any

import pytest

import jsonata_helpers
from aslrun.errors import StatesError
from aslrun.lang.jsonata import JsonataSyntaxError, compile_expression
from jsonata_helpers import bindings


def value(body: str, input_: Any = None) -> Any:
    return jsonata_helpers.value(body, input_, "Output/r")


def cause(body: str, input_: Any = None) -> str:
    return jsonata_helpers.cause(body, input_, "Output/r")


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


# --------------------------------------------------------------------------- which expressions fail


def threw(body: str, tail: str) -> str:
    return (
        f"The JSONata expression '{body}' specified for the field 'Output/r' threw an error "
        f"during evaluation{tail}"
    )


def test_eval_is_not_a_function_on_aws() -> None:
    """floci-io/floci#2737, group 1 (AWS's cause, verbatim)."""
    body = '$eval("1+1")'
    assert cause(body) == threw(body, ". T1006: Attempted to invoke a non-function")


@pytest.mark.parametrize("picture", ["x", "#x#"])
def test_format_number_with_a_passive_character_inside_is_d3086(picture: str) -> None:
    """floci-io/floci#2737, group 1: AWS fails ``$formatNumber(1, "x")`` with D3086 (jsonata-js
    reports D3086 after, and so instead of, D3085); a passive character between two active
    ones is the rule's own case."""
    body = f'$formatNumber(1, "{picture}")'
    assert cause(body) == threw(
        body,
        ". D3086: The sub-picture must not contain a passive character that is preceded by "
        "an active character and that is followed by another active character",
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("$formatNumber(1234.5, '#,##0.00')", "1,234.50"),  # JSONata docs
        ("$formatNumber(0.14, '01%')", "14%"),  # JSONata docs
        ("$formatNumber(12, '$#0')", "$12"),  # a passive prefix is not inside
    ],
)
def test_format_number_pictures_without_the_fault_still_format(body: str, expected: str) -> None:
    assert value(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("1/0", "Infinity"),
        ("-1/0", "-Infinity"),
        ("1e308 * 10", "Infinity"),
        ("0/0", "NaN"),
        ("[1/0]", ["Infinity"]),
        ("{'k': 1/0}", {"k": "Infinity"}),
        ('$parseInteger("abc", "0")', "NaN"),
        ('[$parseInteger("abc", "0")]', ["NaN"]),
    ],
)
def test_non_finite_numbers_are_written_as_javascript_names_them(body: str, expected: Any) -> None:
    """floci-io/floci#2737, group 2 (AWS returns a value where a stricter evaluator fails):
    JSON has no Infinity or NaN, and AWS writes the JavaScript name as a string."""
    assert value(body) == expected


def test_root_context_reference_is_refused_at_load() -> None:
    """floci-io/floci#2745 (AWS refuses the definition): ``$$`` names the root context, which a
    Step Functions expression does not have."""
    for text in ("{% $$ %}", "{% $$.a %}", "{% $map([1], function($v){ $$ }) %}"):
        with pytest.raises(JsonataSyntaxError) as info:
            compile_expression(text)
        assert (info.value.code, info.value.message) == (
            "UNSUPPORTED_JSONATA_EXPRESSION",
            "Reference to '$$' is not supported.",
        )


def test_top_level_reference_is_refused_at_load() -> None:
    """floci-io/floci#2670 (AWS's text at /States/E/Output/v)."""
    with pytest.raises(JsonataSyntaxError) as info:
        compile_expression("{% phone %}")
    assert (info.value.code, info.value.message) == (
        "UNSUPPORTED_JSONATA_EXPRESSION",
        "Reference to 'phone' at the top level is not supported.",
    )
    compile_expression("{% $states.input.items[value > 3] %}")  # later steps stay legal
