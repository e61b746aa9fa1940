"""Intrinsic functions at the edges (issues 9 and 10): blank JSON text, numbers no double can
hold, nesting past the documented depth, lone surrogates.

Rules: recorded case TestJsonManipulation::test_string_to_json (AWS, 2023: ``''`` and ``' '``
give ``null``, ``'-0'`` gives ``0``); JSON (RFC 8259) has no infinite numbers; Java's
``Double.toString`` for non-finite values.
"""

from __future__ import annotations

from typing import Any

import pytest

from aslrun.errors import StateFailure
from aslrun.lang.intrinsic_functions import MAX_JSON_DEPTH, java_double, java_string
from aslrun.lang.intrinsics import IntrinsicSyntaxError, compile_intrinsic
from aslrun.lang.paths import resolve
from conftest import machine, run


def call(text: str, data: Any = None) -> Any:
    return compile_intrinsic(text).evaluate(lambda p: resolve(p, data, None))


def fails(text: str, data: Any = None) -> str:
    with pytest.raises(StateFailure) as info:
        call(text, data)
    assert info.value.error == "States.IntrinsicFailure"
    assert info.value.cause is not None
    return info.value.cause


@pytest.mark.parametrize("text", ["", " ", "   ", "\n\t "])
def test_string_to_json_of_empty_or_blank_text_is_null(text: str) -> None:
    """Recorded on AWS: States.StringToJson of "" and " " succeed with null."""
    assert call("States.StringToJson($.s)", {"s": text}) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("-0", 0), ("null", None), ("1.1", 1.1), ('"HelloWorld"', "HelloWorld")],
)
def test_string_to_json_recorded_values(text: str, expected: Any) -> None:
    """The other recorded values of the same AWS case."""
    got = call("States.StringToJson($.s)", {"s": text})
    assert got == expected
    assert type(got) is type(expected)


def test_string_to_json_refuses_text_nested_past_the_limit() -> None:
    """2 KB of nested brackets used to raise RecursionError; past MAX_JSON_DEPTH (256) the
    function fails cleanly, and exactly at the limit it parses."""
    deep = "[" * 1000 + "]" * 1000
    assert fails("States.StringToJson($.s)", {"s": deep}) == (
        "Invalid arguments in States.StringToJson: the JSON text is nested 1000 levels "
        "deep, more than 256"
    )
    at_limit = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    value = call("States.StringToJson($.s)", {"s": at_limit})
    depth = 0
    while isinstance(value, list):
        value = value[0] if value else None
        depth += 1
    assert depth == MAX_JSON_DEPTH


def test_string_to_json_brackets_inside_strings_do_not_count() -> None:
    text = '["' + "[" * 2000 + '\\"]"]'
    assert call("States.StringToJson($.s)", {"s": text}) == ["[" * 2000 + '"]']


def test_string_to_json_of_an_infinite_number_fails() -> None:
    """1e999 is no JSON value (no double holds it): an intrinsic failure, not inf."""
    assert fails("States.StringToJson($.s)", {"s": "1e999"}) == (
        "Invalid arguments in States.StringToJson: the string is not valid JSON: 1e999"
    )


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("States.Format('{}', 1e999)", 21),
        ("States.MathAdd(1e999, 1)", 16),
        ("States.MathAdd(-1e400, 1)", 16),
        ("States.Array(" + "9" * 5000 + ")", 14),
    ],
)
def test_number_literals_no_double_holds_are_refused_at_load(text: str, column: int) -> None:
    """An intrinsic literal out of the double range (1e999, an integer of 5,000 digits) is
    refused with the definition, located, instead of an assertion or ValueError at run time."""
    with pytest.raises(IntrinsicSyntaxError) as info:
        compile_intrinsic(text)
    assert info.value.column == column
    assert "is out of range (not a finite double)" in info.value.message


def test_large_but_finite_literals_still_work() -> None:
    assert call("States.Array(1e308, 123456789012345678901234567890)") == [
        1e308,
        123456789012345678901234567890,
    ]


def test_format_renders_any_integer_and_non_finite_doubles_as_java() -> None:
    """Java's BigInteger prints every digit; Double.toString gives Infinity/NaN."""
    big = 10**5000
    assert java_string(big) == "1" + "0" * 5000
    assert call("States.Format('{}', $.n)", {"n": big}) == "1" + "0" * 5000
    assert java_double(float("inf")) == "Infinity"
    assert java_double(float("-inf")) == "-Infinity"
    assert java_double(float("nan")) == "NaN"


def test_math_add_overflowing_arguments_fail_and_sums_are_exact() -> None:
    """States.MathAdd takes 32-bit integers (Java int): an argument outside fails; the sum
    of two in-range arguments is exact (no wrap-around)."""
    assert fails("States.MathAdd($.a, 1)", {"a": 2**31}) == (
        "Invalid arguments in States.MathAdd: the first argument must be between "
        "-2147483648 and 2147483647, but was 2147483648"
    )
    assert call("States.MathAdd(2147483647, 1)") == 2147483648


def test_json_to_string_of_an_integer_past_4300_digits_fails_cleanly() -> None:
    cause = fails("States.JsonToString($.n)", {"n": 10**5000})
    assert cause.startswith("Invalid arguments in States.JsonToString: the value cannot be")


def test_lone_surrogate_flows_through_intrinsics_and_the_size_check() -> None:
    """A lone surrogate (JSON text may escape one) flows through StringToJson, Format,
    Hash and the 256 KiB size check without crashing (issue 9, class 3)."""
    definition = machine(
        {
            "P": {
                "Type": "Pass",
                "Parameters": {
                    "j.$": "States.StringToJson($.s)",
                    "f.$": "States.Format('<{}>', States.StringToJson($.s))",
                    "h.$": "States.Hash(States.StringToJson($.s), 'MD5')",
                },
                "End": True,
            }
        }
    )
    ex = run(definition, {"s": '"\\ud800"'})
    assert ex.status == "SUCCEEDED"
    assert ex.output["j"] == "\ud800"
    assert ex.output["f"] == "<\ud800>"
    # Java's getBytes(UTF_8) writes a lone surrogate as '?': MD5("?")
    assert ex.output["h"] == "d1457b72c3fb323a2671125aef3eab5d"


def test_a_failure_naming_an_integer_past_4300_digits() -> None:
    """The cause shows the value's digits instead of failing to print it."""
    cause = fails("States.ArrayUnique($.n)", {"n": 10**5000})
    assert cause == (
        "Invalid arguments in States.ArrayUnique: the argument must be an array, but was "
        "number 1" + "0" * 5000
    )


def test_comparing_values_at_the_json_depth_bound_does_not_crash() -> None:
    """Found by make fuzz: States.StringToJson accepted 500 levels while States.ArrayContains
    recursed past Python's limit at ~400. Both now stop at aslrun's one bound (256 levels):
    text nested 256 deep is parsed and compared; one level more is refused."""
    at_limit = '{"a":[' * 128 + "]}" * 128  # 256 levels: objects and arrays alternate
    body = "States.ArrayContains(States.Array(States.StringToJson($.s)), States.StringToJson($.s))"
    assert call(body, {"s": at_limit}) is True
    over = "[" + at_limit + "]"
    assert fails("States.StringToJson($.s)", {"s": over}) == (
        "Invalid arguments in States.StringToJson: the JSON text is nested 257 levels "
        "deep, more than 256"
    )
