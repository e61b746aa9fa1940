"""Tests for aslrun.lang.choice: JSONPath Choice rules, their operators and their compilation.

Expected values come from executions recorded on AWS (the LocalStack snapshot suite, test
ids ``tests/aws/services/stepfunctions/v2/choice_operators/...`` cited per table), from the
States Language spec (states-language.net) and from the AWS developer guide's Choice page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aslrun.errors import Diagnostic, StateFailure
from aslrun.lang.choice import (
    OPERATORS,
    And,
    ChoiceRule,
    Comparison,
    Not,
    Or,
    Test,
    choose,
    evaluate,
    invalid_path_detail,
    parse_timestamp,
)
from aslrun.lang.choice_compile import compile_choices, compile_rule
from aslrun.lang.paths import Path, compile_path, resolve

JSON = Any
HERE: tuple[str | int, ...] = ("States", "C", "Choices", 0)


def resolver(data: JSON, variables: dict[str, JSON] | None = None) -> Callable[[Path], JSON]:
    context = {"Execution": {"Input": data}}
    return lambda path: resolve(path, data, context, variables or {})


def node_of(raw: dict[str, JSON]) -> Test:
    problems: list[Diagnostic] = []
    node = compile_rule(raw, HERE, problems, top_level=False)
    assert problems == []
    assert node is not None
    return node


def run(raw: dict[str, JSON], data: JSON) -> bool:
    return evaluate(node_of(raw), resolver(data))


def problems_of(raw: JSON, *, top_level: bool = True) -> list[tuple[str, str]]:
    problems: list[Diagnostic] = []
    if top_level:
        assert compile_rule(raw, HERE, problems, top_level=True) is None
    else:
        assert compile_rule(raw, HERE, problems, top_level=False) is None
    return [(p.location, p.message) for p in problems]


# --------------------------------------------------------------------------- the table

BASE_OPERATORS = [
    "StringEquals",
    "StringLessThan",
    "StringGreaterThan",
    "StringLessThanEquals",
    "StringGreaterThanEquals",
    "NumericEquals",
    "NumericLessThan",
    "NumericGreaterThan",
    "NumericLessThanEquals",
    "NumericGreaterThanEquals",
    "BooleanEquals",
    "TimestampEquals",
    "TimestampLessThan",
    "TimestampGreaterThan",
    "TimestampLessThanEquals",
    "TimestampGreaterThanEquals",
]
UNARY_OPERATORS = [
    "StringMatches",
    "IsNull",
    "IsPresent",
    "IsNumeric",
    "IsString",
    "IsBoolean",
    "IsTimestamp",
]


def test_operator_table_lists_every_aws_operator() -> None:
    expected = {*BASE_OPERATORS, *(op + "Path" for op in BASE_OPERATORS), *UNARY_OPERATORS}
    assert set(OPERATORS) == expected
    assert len(OPERATORS) == 39


@pytest.mark.parametrize("op", BASE_OPERATORS)
def test_path_form_is_the_same_function(op: str) -> None:
    assert OPERATORS[op + "Path"] is OPERATORS[op]


# --------------------------------------------------------------------------- recorded: Is*

# The input palette of test_is_operators.py / test_boolean_equals.py / test_numeric.py:
# each case ran {"Variable": <v>, "Value": <operand>} through one rule on $.Variable.
PALETTE: list[JSON] = [
    None,
    0,
    0.0,
    1,
    1.1,
    "",
    " ",
    "HelloWorld",
    "2012-10-09T19:00:55",
    "2012-10-09T19:00:55Z",
    "2012-10-09T19:00:55+01:00",
    "2023-02-24",
    [],
    [""],
    {},
    {"A": 0},
    True,
    False,
]

# Result with operand true for each palette entry, in order ("1" = ConditionTrue).
# Source: .../choice_operators/test_is_operators.py::TestIsOperators::test_is_<x>
# cases[0,2,4,...,32,33]; the odd cases (operand false) recorded the exact negation.
IS_RECORDED = {
    "IsNull": "100000000000000000",
    "IsBoolean": "000000000000000011",
    "IsNumeric": "011110000000000000",
    "IsString": "000001111111000000",
    "IsPresent": "111111111111111111",
}


@pytest.mark.parametrize("op", sorted(IS_RECORDED))
@pytest.mark.parametrize("index", range(len(PALETTE)))
def test_is_operators_recorded(op: str, index: int) -> None:
    value = PALETTE[index]
    want = IS_RECORDED[op][index] == "1"
    assert run({"Variable": "$.Variable", op: True}, {"Variable": value}) is want
    assert run({"Variable": "$.Variable", op: False}, {"Variable": value}) is (not want)


def test_is_timestamp_accepts_only_rfc3339_strings() -> None:
    # Not in the recordings: the AWS guide's timestamp rules (uppercase T, Z or offset).
    got = "".join("1" if OPERATORS["IsTimestamp"](v, True) else "0" for v in PALETTE)
    assert got == "000000000110000000"
    assert OPERATORS["IsTimestamp"]("2012-10-09t19:00:55z", True) is False
    assert OPERATORS["IsTimestamp"]("2012-10-09T19:00:55.123456789-07:30", True) is True
    assert OPERATORS["IsTimestamp"]("HelloWorld", False) is True


# Source: .../test_boolean_equals.py::TestBooleanEquals::test_boolean_equals cases[0..35]:
# only true == true (cases[32]) and false == false (cases[35]) matched.
@pytest.mark.parametrize("operand", [True, False])
@pytest.mark.parametrize("index", range(len(PALETTE)))
def test_boolean_equals_recorded(operand: bool, index: int) -> None:
    value = PALETTE[index]
    want = isinstance(value, bool) and value is operand
    assert run({"Variable": "$.Variable", "BooleanEquals": operand}, {"Variable": value}) is want
    assert (
        run(
            {"Variable": "$.Variable", "BooleanEqualsPath": "$.Value"},
            {"Variable": value, "Value": operand},
        )
        is want
    )


# --------------------------------------------------------------------------- recorded: numbers

# Source: .../test_numeric.py::TestNumerics::test_numeric_equals(_path) cases[0..87]: for
# operands 0, 0.0, 1, 1.0 only the numerically equal palette numbers matched (0 and 0.0 for
# 0 and 0.0; 1 for 1 and 1.0); true/false never matched 1/0, nor "" / [] / null matched 0.
NUMERIC_EQUALS_MATCHES: dict[str, list[JSON]] = {
    "0": [0, 0.0],
    "0.0": [0, 0.0],
    "1": [1],
    "1.0": [1],
}


@pytest.mark.parametrize("operand", [0, 0.0, 1, 1.0])
@pytest.mark.parametrize("index", range(len(PALETTE)))
def test_numeric_equals_recorded(operand: float, index: int) -> None:
    value = PALETTE[index]
    matches = NUMERIC_EQUALS_MATCHES[repr(operand)]
    want = any(value == m and type(value) is type(m) for m in matches)
    assert run({"Variable": "$.Variable", "NumericEquals": operand}, {"Variable": value}) is want
    assert (
        run(
            {"Variable": "$.Variable", "NumericEqualsPath": "$.Value"},
            {"Variable": value, "Value": operand},
        )
        is want
    )


# (operator, variable, value, recorded result); source: .../test_numeric.py::TestNumerics
# test_numeric_equals cases[88..90], test_numeric_greater_than_path, ..._equals(_path),
# test_numeric_less_than(_path), test_numeric_less_than_equals_path.
NUMERIC_RECORDED = [
    ("NumericEquals", 2.22, 2.22, True),
    ("NumericEquals", 0.0, 0, True),
    ("NumericGreaterThan", 0, 0, False),
    ("NumericGreaterThan", 0.0, 0, False),
    ("NumericGreaterThan", 0, 1, False),
    ("NumericGreaterThan", 1, 1, False),
    ("NumericGreaterThan", 1, 0, True),
    ("NumericGreaterThanEquals", 0, 0, True),
    ("NumericGreaterThanEquals", 0.0, 0, True),
    ("NumericGreaterThanEquals", 0, 1, False),
    ("NumericGreaterThanEquals", 1, 1, True),
    ("NumericGreaterThanEquals", 1, 0, True),
    ("NumericLessThan", 0, 0, False),
    ("NumericLessThan", 0.0, 0, False),
    ("NumericLessThan", 0, 1, True),
    ("NumericLessThan", 1, 1, False),
    ("NumericLessThan", 1, 0, False),
    ("NumericLessThanEquals", 0, 0, True),
    ("NumericLessThanEquals", 0.0, 0, True),
    ("NumericLessThanEquals", 0, 1, True),
    ("NumericLessThanEquals", 1, 1, True),
    ("NumericLessThanEquals", 1, 0, False),
]


@pytest.mark.parametrize(("op", "variable", "value", "want"), NUMERIC_RECORDED)
def test_numeric_ordering_recorded(op: str, variable: float, value: float, want: bool) -> None:
    data = {"Variable": variable, "Value": value}
    assert run({"Variable": "$.Variable", op: value}, data) is want
    assert run({"Variable": "$.Variable", op + "Path": "$.Value"}, data) is want


def test_numeric_operators_reject_booleans_and_strings() -> None:
    for op in (
        "NumericLessThan",
        "NumericGreaterThan",
        "NumericLessThanEquals",
        "NumericGreaterThanEquals",
        "NumericEquals",
    ):
        assert OPERATORS[op](True, 1) is False
        assert OPERATORS[op](False, 0) is False
        assert OPERATORS[op]("1", 1) is False
        assert OPERATORS[op](1, "1") is False
    assert OPERATORS["NumericLessThan"](-1.5, 2) is True
    assert OPERATORS["NumericGreaterThan"](1e300, 2**62) is True


# --------------------------------------------------------------------------- recorded: strings

# Source: .../test_string_operators.py::TestStrings (test_string_equals_path,
# test_string_greater_than_equals(_path), test_string_less_than_equals(_path)) cases[0..2].
STRING_RECORDED = [
    ("StringEquals", " ", "     ", False),
    ("StringEquals", "\t\n", "\t\r\n", False),
    ("StringEquals", "Hello", "Hello", True),
    ("StringGreaterThanEquals", "", "", True),
    ("StringGreaterThanEquals", "A", "AB", False),
    ("StringGreaterThanEquals", "AB", "A", True),
    ("StringLessThanEquals", "", "", True),
    ("StringLessThanEquals", "A", "AB", True),
    ("StringLessThanEquals", "AB", "A", False),
]


@pytest.mark.parametrize(("op", "variable", "value", "want"), STRING_RECORDED)
def test_string_operators_recorded(op: str, variable: str, value: str, want: bool) -> None:
    data = {"Variable": variable, "Value": value}
    assert run({"Variable": "$.Variable", op: value}, data) is want
    assert run({"Variable": "$.Variable", op + "Path": "$.Value"}, data) is want


def test_string_strict_ordering() -> None:
    assert OPERATORS["StringLessThan"]("A", "AB") is True
    assert OPERATORS["StringLessThan"]("AB", "AB") is False
    assert OPERATORS["StringGreaterThan"]("b", "B") is True  # no case folding
    assert OPERATORS["StringGreaterThan"]("AB", "A") is True
    assert OPERATORS["StringGreaterThan"]("A", "A") is False


def test_strings_compare_by_utf16_code_unit_like_java() -> None:
    # U+1F600 is the surrogate pair D83D DE00 in UTF-16, which Java's compareTo puts
    # before U+FFFF (code-point order would put it after).
    assert OPERATORS["StringLessThan"]("\U0001f600", "\uffff") is True
    assert OPERATORS["StringGreaterThan"]("\uffff", "\U0001f600") is True
    assert OPERATORS["StringLessThanEquals"]("\U0001f600", "\U0001f600") is True
    assert OPERATORS["StringGreaterThanEquals"]("\ue000", "\U0001f600") is True


def test_string_operators_never_match_other_types() -> None:
    for op in (
        "StringEquals",
        "StringLessThan",
        "StringGreaterThan",
        "StringLessThanEquals",
        "StringGreaterThanEquals",
        "StringMatches",
    ):
        others: list[JSON] = [None, 1, True, [], {}]
        for other in others:
            assert OPERATORS[op](other, "1") is False
        assert OPERATORS[op]("1", 1) is False


def test_timestamp_strings_match_string_operators() -> None:
    # AWS guide: "a field considered to be a timestamp can be matched by StringEquals".
    assert (
        run(
            {"Variable": "$.t", "StringEquals": "2016-08-18T17:33:00Z"},
            {"t": "2016-08-18T17:33:00Z"},
        )
        is True
    )


# --------------------------------------------------------------------------- StringMatches


@pytest.mark.parametrize(
    ("pattern", "text", "want"),
    [
        # the States Language spec's examples
        ("foo*.log", "foo23.log", True),
        ("*.log", "zebra.log", True),
        ("foo*.*", "foobar.zebra", True),
        ("foo*.log", "foo23.txt", False),
        # no wildcard: the whole string must be equal
        ("log", "log", True),
        ("log", "logs", False),
        ("", "", True),
        ("", "a", False),
        # '*' matches zero or more characters, anywhere
        ("*", "", True),
        ("*", "anything at all", True),
        ("a*", "a", True),
        ("*a", "ba", True),
        ("a*a", "a", False),
        ("a*a", "aa", True),
        ("a*b*c", "aXXbYYc", True),
        ("a*b*c", "acb", False),
        ("*ab*ab", "xabab", True),
        ("*abc", "ababc", True),
        ("**", "x", True),
        ("a*\n", "ab\n", True),
        # only '*' is special: '?', '.', '[' are literal
        ("a?c", "abc", False),
        ("a?c", "a?c", True),
        ("a.c", "abc", False),
        ("[ab]", "[ab]", True),
        # escapes (the JSON text "\\*" is the two characters \*): \* is '*', \\ is '\'
        ("\\*", "*", True),
        ("\\*", "x", False),
        ("a\\*b", "a*b", True),
        ("a\\*b", "axb", False),
        ("\\\\", "\\", True),
        ("\\\\*", "\\anything", True),
        ("\\\\*", "anything", False),
        ("*\\**", "a*b", True),
        ("*\\**", "ab", False),
    ],
)
def test_string_matches(pattern: str, text: str, want: bool) -> None:
    assert run({"Variable": "$.v", "StringMatches": pattern}, {"v": text}) is want


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("*", "\\*")


@given(st.text())
def test_escaped_literal_matches_only_itself(text: str) -> None:
    assert OPERATORS["StringMatches"](text, _escape(text)) is True
    assert OPERATORS["StringMatches"](text + "x", _escape(text)) is False


@given(st.text(), st.text(), st.text())
def test_wildcards_around_a_literal_mean_contains(before: str, middle: str, after: str) -> None:
    pattern = "*" + _escape(middle) + "*"
    assert OPERATORS["StringMatches"](before + middle + after, pattern) is True
    assert OPERATORS["StringMatches"](before + after, pattern) is (middle in before + after)


# --------------------------------------------------------------------------- timestamps

# Source: .../test_timestamp_operators.py::TestTimestamps (test_timestamp_equals(_path),
# test_timestamp_greater_than_path, ..._greater_than_equals, ..._less_than,
# ..._less_than_equals_path).
TS55, TS56 = "2012-10-09T19:00:55Z", "2012-10-09T19:00:56Z"
TIMESTAMP_RECORDED = [
    ("TimestampEquals", TS55, TS55, True),
    ("TimestampEquals", TS55, TS56, False),
    ("TimestampEquals", TS56, TS55, False),
    ("TimestampGreaterThan", TS55, TS56, False),
    ("TimestampGreaterThanEquals", TS55, TS55, True),
    ("TimestampGreaterThanEquals", TS55, TS56, False),
    ("TimestampGreaterThanEquals", TS56, TS55, True),
    ("TimestampLessThan", TS55, TS55, False),
    ("TimestampLessThan", TS55, TS56, True),
    ("TimestampLessThan", TS56, TS55, False),
    ("TimestampLessThanEquals", TS56, TS55, False),
]


@pytest.mark.parametrize(("op", "variable", "value", "want"), TIMESTAMP_RECORDED)
def test_timestamp_operators_recorded(op: str, variable: str, value: str, want: bool) -> None:
    data = {"Variable": variable, "Value": value}
    assert run({"Variable": "$.Variable", op: value}, data) is want
    assert run({"Variable": "$.Variable", op + "Path": "$.Value"}, data) is want


# Source: .../test_timestamp_operators.py::TestTimestamps::test_timestamp_equals cases[0..13]:
# nothing but a matching RFC 3339 string matched TimestampEquals "2012-10-09T19:00:55Z",
# not even "2023-02-24 12:15:56.832957" (space, no zone).
@pytest.mark.parametrize("value", [*PALETTE, "2023-02-24 12:15:56.832957"])
def test_timestamp_equals_type_mismatch_recorded(value: JSON) -> None:
    want = value == TS55
    assert run({"Variable": "$.Variable", "TimestampEquals": TS55}, {"Variable": value}) is want


@pytest.mark.parametrize(
    ("a", "b", "op", "want"),
    [
        # instants, not text: offsets and fractions are honoured
        ("2012-10-09T19:00:55+01:00", "2012-10-09T18:00:55Z", "TimestampEquals", True),
        ("2012-10-09T19:00:55-00:30", "2012-10-09T19:30:55Z", "TimestampEquals", True),
        ("2012-10-09T19:00:55.000Z", "2012-10-09T19:00:55Z", "TimestampEquals", True),
        ("2012-10-09T19:00:55.5Z", "2012-10-09T19:00:55.500000000Z", "TimestampEquals", True),
        ("2012-10-09T19:00:55.1Z", "2012-10-09T19:00:55.01Z", "TimestampGreaterThan", True),
        ("2012-10-09T19:00:55.000000001Z", "2012-10-09T19:00:55Z", "TimestampGreaterThan", True),
        ("2012-10-09T19:00:55.000000001Z", "2012-10-09T19:00:55Z", "TimestampEquals", False),
        ("2012-10-09T23:30:00-01:00", "2012-10-10T00:00:00Z", "TimestampGreaterThan", True),
        ("2012-10-10T00:30:00+01:00", "2012-10-10T00:00:00Z", "TimestampLessThan", True),
        ("2012-10-10T00:00:00+01:00", "2012-10-09T23:00:00Z", "TimestampLessThanEquals", True),
        ("2012-10-10T00:00:00+01:00", "2012-10-09T23:00:00Z", "TimestampGreaterThanEquals", True),
        # not RFC 3339 as AWS reads it: never matches, never fails
        ("2012-10-09T19:00:55", "2012-10-09T19:00:55", "TimestampEquals", False),
        ("2012-10-09t19:00:55Z", "2012-10-09t19:00:55Z", "TimestampEquals", False),
        ("2012-10-09T19:00:55z", "2012-10-09T19:00:55Z", "TimestampEquals", False),
        ("2012-10-09 19:00:55Z", "2012-10-09T19:00:55Z", "TimestampEquals", False),
        ("2012-10-09T19:00Z", "2012-10-09T19:00:00Z", "TimestampEquals", False),
        ("2012-10-09T19:00:55+0100", "2012-10-09T18:00:55Z", "TimestampEquals", False),
        ("2012-10-09", "2012-10-09", "TimestampEquals", False),
    ],
)
def test_timestamps_compare_as_instants(a: str, b: str, op: str, want: bool) -> None:
    assert OPERATORS[op](a, b) is want


def test_parse_timestamp() -> None:
    utc = timezone.utc
    assert parse_timestamp("2016-08-18T17:33:00Z") == datetime(2016, 8, 18, 17, 33, tzinfo=utc)
    got = parse_timestamp("2016-08-18T17:33:00.123456789+05:30")
    assert got == datetime(
        2016, 8, 18, 17, 33, 0, 123456, tzinfo=timezone(timedelta(hours=5, minutes=30))
    )
    assert got is not None
    assert got.utcoffset() == timedelta(hours=5, minutes=30)
    assert parse_timestamp("2016-08-18T17:33:00.5-07:00") == datetime(
        2016, 8, 19, 0, 33, 0, 500000, tzinfo=utc
    )
    assert parse_timestamp("2016-02-29T00:00:00Z") == datetime(2016, 2, 29, tzinfo=utc)
    for bad in (
        "2016-08-18t17:33:00Z",
        "2016-08-18T17:33:00z",
        "2016-08-18T17:33:00",
        "2016-08-18 17:33:00Z",
        "2016-08-18T17:33Z",
        "2016-08-18T17:33:00.Z",
        "2016-13-01T00:00:00Z",
        "2015-02-29T00:00:00Z",
        "2016-08-18T24:00:00Z",
        "2016-08-18T17:60:00Z",
        "2016-08-18T17:33:60Z",
        "2016-08-18T17:33:00+19:00",
        "2016-08-18T17:33:00+01:60",
        "2016-08-18T17:33:00+0100",
        "16-08-18T17:33:00Z",
        " 2016-08-18T17:33:00Z",
        "2016-08-18T17:33:00Z ",
        "",
        "２０１６-08-18T17:33:00Z",
    ):
        assert parse_timestamp(bad) is None, bad


# --------------------------------------------------------------------------- missing paths

MISSING = "Invalid path '{}': The choice state's condition path references an invalid value."


def test_missing_variable_fails_with_aws_cause() -> None:
    with pytest.raises(StateFailure) as info:
        run({"Variable": "$.type", "StringEquals": "Private"}, {"value": 22})
    assert info.value.error == "States.Runtime"
    assert info.value.cause == MISSING.format("$.type")
    assert invalid_path_detail(compile_path("$.type")) == MISSING.format("$.type")


def test_missing_intermediate_fails_the_same_way() -> None:
    with pytest.raises(StateFailure) as info:
        run({"Variable": "$.a.b.c", "NumericEquals": 1}, {"a": {}})
    assert info.value.cause == MISSING.format("$.a.b.c")


def test_missing_path_operand_names_the_operand_path() -> None:
    with pytest.raises(StateFailure) as info:
        run({"Variable": "$.num1", "NumericEqualsPath": "$.missing"}, {"num1": 1})
    assert info.value.error == "States.Runtime"
    assert info.value.cause == MISSING.format("$.missing")


def test_missing_variable_reference_fails_the_same_way() -> None:
    node = node_of({"Variable": "$guess", "StringEqualsPath": "$answer"})
    with pytest.raises(StateFailure) as info:
        evaluate(node, resolver({}, {"answer": "x"}))
    assert info.value.cause == MISSING.format("$guess")


@pytest.mark.parametrize(("expected", "want"), [(True, False), (False, True)])
def test_is_present_on_a_missing_path(expected: bool, want: bool) -> None:
    assert run({"Variable": "$.nope", "IsPresent": expected}, {}) is want
    assert run({"Variable": "$.a.b", "IsPresent": expected}, {"a": 1}) is want


@pytest.mark.parametrize("op", ["IsNull", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"])
def test_other_is_operators_on_a_missing_path_fail(op: str) -> None:
    # The spec exempts only IsPresent from the missing-path error.
    with pytest.raises(StateFailure) as info:
        run({"Variable": "$.nope", op: True}, {})
    assert info.value.cause == MISSING.format("$.nope")


def test_variables_and_context_paths_resolve() -> None:
    # Source: .../v2/assign/test_assign_reference_variables.py::...[BASE_REFERENCE_IN_CHOICE]
    # and .../v2/context_object/test_context_object.py::TestSnfBase::test_variable.
    node = node_of({"Variable": "$guess", "StringEqualsPath": "$answer"})
    assert evaluate(node, resolver({}, {"guess": "a", "answer": "a"})) is True
    assert evaluate(node, resolver({}, {"guess": "a", "answer": "b"})) is False
    assert (
        run(
            {"Variable": "$$.Execution.Input.input-value", "NumericLessThanEquals": 0},
            {"input-value": 0},
        )
        is True
    )


def test_whole_input_as_variable() -> None:
    # Source: .../scenarios/test_base_scenarios.py::...::test_map_state_break_condition
    rule = {
        "And": [
            {"IsPresent": True, "Variable": "$"},
            {"And": [{"IsNumeric": True, "Variable": "$"}, {"NumericEquals": 3, "Variable": "$"}]},
        ]
    }
    assert run(rule, 3) is True
    assert run(rule, 2) is False
    assert run(rule, "3") is False


# --------------------------------------------------------------------------- And / Or / Not

# The AWS guide's and the spec's example Choice state.
DOC_CHOICES = [
    {"Not": {"Variable": "$.type", "StringEquals": "Private"}, "Next": "Public"},
    {"Variable": "$.value", "NumericEquals": 0, "Next": "ValueIsZero"},
    {
        "And": [
            {"Variable": "$.value", "IsPresent": True},
            {"Variable": "$.value", "IsNumeric": True},
            {"Variable": "$.value", "NumericGreaterThanEquals": 20},
            {"Variable": "$.value", "NumericLessThan": 30},
        ],
        "Next": "ValueInTwenties",
    },
    {"Variable": "$.rating", "NumericGreaterThanPath": "$.auditThreshold", "Next": "StartAudit"},
]


def compiled_doc_choices() -> tuple[ChoiceRule, ...]:
    problems: list[Diagnostic] = []
    rules = compile_choices(DOC_CHOICES, ("States", "DispatchEvent", "Choices"), problems)
    assert problems == []
    return rules


@pytest.mark.parametrize(
    ("data", "want"),
    [
        ({"type": "Private", "value": 22}, "ValueInTwenties"),  # the documented run
        ({"type": "Public", "value": 22}, "Public"),
        ({"type": "Private", "value": 0}, "ValueIsZero"),
        ({"type": "Private", "value": 30, "rating": 5, "auditThreshold": 4}, "StartAudit"),
        ({"type": "Private", "value": 30, "rating": 4, "auditThreshold": 4}, None),
    ],
)
def test_documented_choice_state(data: JSON, want: str | None) -> None:
    rule = choose(compiled_doc_choices(), resolver(data))
    assert (rule.next if rule else None) == want


def test_documented_choice_state_fails_without_type() -> None:
    # AWS guide: "If the state input doesn't contain the $.type field, the execution fails".
    with pytest.raises(StateFailure) as info:
        choose(compiled_doc_choices(), resolver({"value": 22}))
    assert info.value.cause == MISSING.format("$.type")


def test_compiled_shape() -> None:
    rules = compiled_doc_choices()
    assert rules[0].where == ("States", "DispatchEvent", "Choices", 0)
    assert rules[0].next == "Public"
    assert rules[0].assign is None
    assert rules[0].condition is None
    assert rules[0].test == Not(Comparison(compile_path("$.type"), "StringEquals", "Private"))
    third = rules[2].test
    assert isinstance(third, And) and len(third.rules) == 4
    fourth = rules[3].test
    assert fourth == Comparison(
        compile_path("$.rating"), "NumericGreaterThanPath", compile_path("$.auditThreshold")
    )


def test_and_or_short_circuit_before_a_missing_path() -> None:
    # The spec: array processing stops once the value is determined.
    missing = {"Variable": "$.nope", "StringEquals": "x"}
    false = {"Variable": "$.n", "NumericEquals": 2}
    true = {"Variable": "$.n", "NumericEquals": 1}
    assert run({"And": [false, missing]}, {"n": 1}) is False
    assert run({"Or": [true, missing]}, {"n": 1}) is True
    with pytest.raises(StateFailure):
        run({"And": [true, missing]}, {"n": 1})
    with pytest.raises(StateFailure):
        run({"Or": [false, missing]}, {"n": 1})


def test_nesting() -> None:
    t = {"Variable": "$.n", "NumericEquals": 1}
    f = {"Variable": "$.n", "NumericEquals": 2}
    data = {"n": 1}
    assert run({"And": [t]}, data) is True
    assert run({"And": [t, f]}, data) is False
    assert run({"Or": [f, f]}, data) is False
    assert run({"Or": [f, t]}, data) is True
    assert run({"Not": f}, data) is True
    assert run({"Not": {"Not": t}}, data) is True
    assert run({"Or": [{"And": [t, {"Not": f}]}, f]}, data) is True
    assert run({"Not": {"Or": [f, {"And": [t, f]}]}}, data) is True
    assert evaluate(Or(()), resolver(data)) is False
    assert evaluate(And(()), resolver(data)) is True


def test_choose_takes_the_first_match_in_order() -> None:
    problems: list[Diagnostic] = []
    rules = compile_choices(
        [
            {"Variable": "$.n", "NumericGreaterThan": 0, "Next": "A"},
            {"Variable": "$.n", "NumericGreaterThan": 1, "Next": "B"},
        ],
        ("Choices",),
        problems,
    )
    assert problems == []
    first = choose(rules, resolver({"n": 5}))
    assert first is not None and first.next == "A"
    assert choose(rules, resolver({"n": 0})) is None


def test_assign_is_kept_opaque_on_the_matching_rule() -> None:
    # Source: .../v2/assign/test_assign_reference_variables.py::...::test_assign_in_choice_state
    problems: list[Diagnostic] = []
    rules = compile_choices(
        [
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
        ("States", "C", "Choices"),
        problems,
    )
    assert problems == []
    assert [r.assign for r in rules] == [{"status": "UNKNOWN"}, {"status": "CORRECT"}]
    assert choose(rules, resolver({"input_value": "42"})) is None  # a string is not 42


# --------------------------------------------------------------------------- JSONata seam


def test_jsonata_rules_keep_condition_opaque() -> None:
    seen: list[tuple[str, JSON, tuple[str | int, ...]]] = []

    def compile_field(
        name: str, raw: JSON, where: tuple[str | int, ...], problems: list[Diagnostic]
    ) -> object | None:
        seen.append((name, raw, where))
        return ("compiled", name)

    problems: list[Diagnostic] = []
    rules = compile_choices(
        [
            {
                "Condition": "{% $states.input.condition %}",
                "Next": "ConditionTrue",
                "Assign": {"Assignment": "Condition assignment"},
                "Output": "out",
            }
        ],
        ("States", "C", "Choices"),
        problems,
        query_language="JSONata",
        compile_field=compile_field,
    )
    assert problems == []
    (rule,) = rules
    assert rule.test is None
    assert rule.condition == ("compiled", "Condition")
    assert rule.assign == ("compiled", "Assign")
    assert rule.output == ("compiled", "Output")
    assert [s[0] for s in seen] == ["Condition", "Output", "Assign"]
    assert seen[0][2] == ("States", "C", "Choices", 0, "Condition")
    assert choose(rules, resolver({}), condition=lambda c: c == ("compiled", "Condition")) is rule
    with pytest.raises(TypeError):
        choose(rules, resolver({}))


def test_jsonata_rule_problems() -> None:
    problems: list[Diagnostic] = []
    rule = compile_rule(
        {"Variable": "$.x", "StringEquals": "a", "Next": "N"},
        HERE,
        problems,
        top_level=True,
        query_language="JSONata",
    )
    assert rule is None
    assert [(p.location, p.message) for p in problems] == [
        (
            "$.States.C.Choices[0].Variable",
            "'Variable' is only supported when the query language is JSONPath",
        ),
        (
            "$.States.C.Choices[0].StringEquals",
            "'StringEquals' is only supported when the query language is JSONPath",
        ),
        ("$.States.C.Choices[0]", "a JSONata Choice Rule must have a 'Condition' field"),
    ]


def test_field_compiler_problems_make_the_rule_fail() -> None:
    def compile_field(
        name: str, raw: JSON, where: tuple[str | int, ...], problems: list[Diagnostic]
    ) -> object | None:
        problems.append(Diagnostic(where, "bad Assign"))
        return None

    problems: list[Diagnostic] = []
    rule = compile_rule(
        {"Variable": "$.x", "IsNull": True, "Next": "N", "Assign": 1},
        HERE,
        problems,
        top_level=True,
        compile_field=compile_field,
    )
    assert rule is None
    assert [str(p) for p in problems] == ["$.States.C.Choices[0].Assign: bad Assign"]


# --------------------------------------------------------------------------- compile problems

R = "$.States.C.Choices[0]"


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("nope", [(R, "a Choice Rule must be a JSON object")]),
        (
            {"Variable": "$.x", "StringEquals": "a"},
            [(R, "a top-level Choice Rule must have a 'Next' field")],
        ),
        (
            {"Variable": "$.x", "StringEquals": "a", "Next": 3},
            [(R + ".Next", "'Next' must be a non-empty string")],
        ),
        (
            {"Variable": "$.x", "StringEquals": "a", "Next": ""},
            [(R + ".Next", "'Next' must be a non-empty string")],
        ),
        (
            {"StringEquals": "a", "Next": "N"},
            [(R, "a Choice Rule with 'StringEquals' must have a 'Variable' field")],
        ),
        (
            {"Next": "N"},
            [
                (
                    R,
                    "a Choice Rule must have 'Variable' and a comparison operator, "
                    "or one of 'And', 'Or', 'Not'",
                )
            ],
        ),
        (
            {"Variable": "$.x", "Next": "N"},
            [(R, "a Choice Rule with 'Variable' must have exactly one comparison operator")],
        ),
        (
            {"Variable": "$.x", "StringEquals": "a", "NumericEquals": 1, "Next": "N"},
            [
                (
                    R,
                    "a Choice Rule must have exactly one comparison operator, found "
                    "'StringEquals', 'NumericEquals'",
                )
            ],
        ),
        (
            {"Variable": "$.x", "NumericEquals": "1", "Next": "N"},
            [(R + ".NumericEquals", "'NumericEquals' must be a number")],
        ),
        (
            {"Variable": "$.x", "NumericLessThan": True, "Next": "N"},
            [(R + ".NumericLessThan", "'NumericLessThan' must be a number")],
        ),
        (
            {"Variable": "$.x", "StringEquals": 1, "Next": "N"},
            [(R + ".StringEquals", "'StringEquals' must be a string")],
        ),
        (
            {"Variable": "$.x", "BooleanEquals": "true", "Next": "N"},
            [(R + ".BooleanEquals", "'BooleanEquals' must be a boolean")],
        ),
        (
            {"Variable": "$.x", "IsPresent": 1, "Next": "N"},
            [(R + ".IsPresent", "'IsPresent' must be a boolean")],
        ),
        (
            {"Variable": "$.x", "TimestampEquals": "2016-08-18", "Next": "N"},
            [
                (
                    R + ".TimestampEquals",
                    "'TimestampEquals' must be a timestamp string such as "
                    "2016-08-18T17:33:00Z (RFC 3339)",
                )
            ],
        ),
        (
            {"Variable": "$.x", "StringMatches": "a\\b", "Next": "N"},
            [
                (
                    R + ".StringMatches",
                    "'StringMatches' has an open escape '\\' at index 1: "
                    "only '\\*' and '\\\\' are escapes",
                )
            ],
        ),
        (
            {"Variable": "$.x", "StringMatches": "a\\", "Next": "N"},
            [
                (
                    R + ".StringMatches",
                    "'StringMatches' has an open escape '\\' at index 1: "
                    "only '\\*' and '\\\\' are escapes",
                )
            ],
        ),
        (
            {"Variable": "x", "IsNull": True, "Next": "N"},
            [(R + ".Variable", "'Variable' is not a valid path: a path must start with '$': 'x'")],
        ),
        (
            {"Variable": 7, "IsNull": True, "Next": "N"},
            [(R + ".Variable", "'Variable' must be a path (a string starting with '$')")],
        ),
        (
            {"Variable": "$.a[*]", "IsNull": True, "Next": "N"},
            [
                (
                    R + ".Variable",
                    "'Variable' must be a reference path that selects a single node: '$.a[*]'",
                )
            ],
        ),
        (
            {"Variable": "$.x", "NumericEqualsPath": 3, "Next": "N"},
            [
                (
                    R + ".NumericEqualsPath",
                    "'NumericEqualsPath' must be a path (a string starting with '$')",
                )
            ],
        ),
        (
            {"Variable": "$.x", "StringEqualsPath": "$..y", "Next": "N"},
            [
                (
                    R + ".StringEqualsPath",
                    "'StringEqualsPath' must be a reference path that selects a single node: "
                    "'$..y'",
                )
            ],
        ),
        (
            {"Variable": "$.x", "IsNull": True, "Next": "N", "Foo": 1},
            [(R + ".Foo", "'Foo' is not a supported field of a Choice Rule")],
        ),
        (
            {"Variable": "$.x", "IsNull": True, "Next": "N", "Condition": "{% true %}"},
            [
                (
                    R + ".Condition",
                    "'Condition' is only supported when the query language is JSONata",
                )
            ],
        ),
        (
            {"And": [], "Next": "N"},
            [(R + ".And", "'And' must be a non-empty array of Choice Rules")],
        ),
        (
            {"Or": {"Variable": "$.x", "IsNull": True}, "Next": "N"},
            [(R + ".Or", "'Or' must be a non-empty array of Choice Rules")],
        ),
        (
            {"Not": [{"Variable": "$.x", "IsNull": True}], "Next": "N"},
            [(R + ".Not", "'Not' must be a Choice Rule object")],
        ),
        (
            {
                "And": [{"Variable": "$.x", "IsNull": True}],
                "Variable": "$.x",
                "IsNull": True,
                "Next": "N",
            },
            [(R, "a Choice Rule with 'And' must not also have 'Variable', 'IsNull'")],
        ),
        (
            {
                "And": [{"Variable": "$.x", "IsNull": True}],
                "Not": {"Variable": "$.x", "IsNull": True},
                "Next": "N",
            },
            [(R, "a Choice Rule with 'And' must not also have 'Not'")],
        ),
    ],
)
def test_compile_problems(raw: JSON, want: list[tuple[str, str]]) -> None:
    assert problems_of(raw) == want


def test_nested_problems_are_located_inside_the_tree() -> None:
    raw = {
        "And": [
            {"Variable": "$.a", "NumericEquals": 1},
            {"Variable": "$.b", "NumericEquals": 1, "Next": "X"},
            {"Or": [{"Variable": "$.c"}, {"Not": {"Variable": "$.d", "IsNull": "yes"}}]},
            {"Variable": "$.e", "IsNull": True, "Assign": {"a": 1}},
        ],
        "Next": "N",
    }
    assert problems_of(raw) == [
        (R + ".And[1].Next", "'Next' is only allowed in a top-level Choice Rule"),
        (
            R + ".And[2].Or[0]",
            "a Choice Rule with 'Variable' must have exactly one comparison operator",
        ),
        (R + ".And[2].Or[1].Not.IsNull", "'IsNull' must be a boolean"),
        (R + ".And[3].Assign", "'Assign' is only allowed in a top-level Choice Rule"),
    ]


def test_nested_rule_compiles_to_a_test_node() -> None:
    problems: list[Diagnostic] = []
    node = compile_rule(
        {"Variable": "$.x", "IsNull": True, "Comment": "ok"}, HERE, problems, top_level=False
    )
    assert problems == []
    assert node == Comparison(compile_path("$.x"), "IsNull", True)
    assert problems_of({"Variable": "$.x", "IsNull": True, "Next": "N"}, top_level=False) == [
        (R + ".Next", "'Next' is only allowed in a top-level Choice Rule"),
    ]


def test_comments_are_allowed_at_every_level() -> None:
    # Source: .../v2/comments/test_comments.py::TestComments::test_comments_as_per_docs
    problems: list[Diagnostic] = []
    rule = compile_rule(
        {
            "And": [
                {
                    "Variable": "$.status",
                    "StringEquals": "complete",
                    "Comment": "If task is complete",
                }
            ],
            "Comment": "Set the next state",
            "Next": "SuccessState",
        },
        HERE,
        problems,
        top_level=True,
    )
    assert problems == []
    assert rule is not None and rule.next == "SuccessState"


@pytest.mark.parametrize("raw", [None, [], {}, "x", 0])
def test_compile_choices_needs_a_non_empty_array(raw: JSON) -> None:
    problems: list[Diagnostic] = []
    assert compile_choices(raw, ("States", "C", "Choices"), problems) == ()
    assert [str(p) for p in problems] == [
        "$.States.C.Choices: 'Choices' must be a non-empty array of Choice Rules"
    ]


def test_compile_choices_reports_every_rule() -> None:
    problems: list[Diagnostic] = []
    rules = compile_choices(
        [
            {"Variable": "$.a", "IsNull": True, "Next": "A"},
            {"Variable": "$.b"},
            {"Variable": "$.c", "IsNull": True, "Next": "C"},
        ],
        ("States", "C", "Choices"),
        problems,
    )
    assert [r.next for r in rules] == ["A", "C"]
    assert [p.location for p in problems] == ["$.States.C.Choices[1]", "$.States.C.Choices[1]"]


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "Variable",
                        "Next",
                        "And",
                        "Or",
                        "Not",
                        "IsNull",
                        "StringMatches",
                        "NumericEqualsPath",
                        "Foo",
                    ]
                ),
                inner,
                max_size=4,
            )
        ),
        max_leaves=12,
    )
)
def test_compile_never_raises_on_garbage(raw: JSON) -> None:
    for top_level in (True, False):
        problems: list[Diagnostic] = []
        if top_level:
            result: object = compile_rule(raw, HERE, problems, top_level=True)
        else:
            result = compile_rule(raw, HERE, problems, top_level=False)
        assert (result is None) == bool(problems)
