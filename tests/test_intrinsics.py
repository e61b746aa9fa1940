"""Intrinsic functions: parsing, every function's results and failures, and properties.

Expected values come from the AWS developer guide page "Intrinsic functions for JSONPath states
in Step Functions" (marked "docs") and from executions recorded against AWS (marked with the
recorded case's id, ``test_<file>.py::<test>#<response>`` of the LocalStack snapshot suite).
"""

from __future__ import annotations

import json
import random
import re
import uuid
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aslrun.errors import StateFailure
from aslrun.lang.intrinsic_functions import JavaRandom, java_double, java_round
from aslrun.lang.intrinsics import (
    ARITY,
    FUNCTIONS,
    STRING_RESULT_FUNCTIONS,
    Intrinsic,
    IntrinsicSyntaxError,
    compile_intrinsic,
    is_intrinsic,
)
from aslrun.lang.paths import Path, PathNotFound, resolve

JSON = Any


def run(
    text: str,
    data: JSON = None,
    *,
    context: JSON = None,
    variables: Mapping[str, JSON] | None = None,
    rng: random.Random | None = None,
) -> JSON:
    """Compile ``text`` and evaluate it against ``data`` / ``context`` / ``variables``."""
    return compile_intrinsic(text).evaluate(
        lambda p: resolve(p, data, context, variables), random=rng
    )


def fn(name: str, *args: JSON) -> JSON:
    """Call one intrinsic with argument values passed in through paths."""
    data = {f"a{i}": a for i, a in enumerate(args)}
    text = f"{name}({', '.join(f'$.a{i}' for i in range(len(args)))})"
    return run(text, data)


def failure(name: str, *args: JSON) -> str:
    """Call an intrinsic that must fail with States.IntrinsicFailure; return the cause."""
    with pytest.raises(StateFailure) as info:
        fn(name, *args)
    assert info.value.error == "States.IntrinsicFailure"
    assert info.value.cause is not None
    assert name in info.value.cause
    return info.value.cause


def syntax_error(text: str) -> IntrinsicSyntaxError:
    with pytest.raises(IntrinsicSyntaxError) as info:
        compile_intrinsic(text)
    return info.value


# ----------------------------------------------------------------------------- the table


def test_the_table_has_all_eighteen_functions_with_arities() -> None:
    assert sorted(FUNCTIONS) == sorted(
        [
            "States.Format",
            "States.StringToJson",
            "States.JsonToString",
            "States.Array",
            "States.ArrayPartition",
            "States.ArrayContains",
            "States.ArrayRange",
            "States.ArrayGetItem",
            "States.ArrayLength",
            "States.ArrayUnique",
            "States.Base64Encode",
            "States.Base64Decode",
            "States.Hash",
            "States.JsonMerge",
            "States.MathRandom",
            "States.MathAdd",
            "States.StringSplit",
            "States.UUID",
        ]
    )
    assert ARITY.keys() == FUNCTIONS.keys()
    assert FUNCTIONS.keys() >= STRING_RESULT_FUNCTIONS


# ----------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("States.Array()", True),
        ("States.Format('{}', $.a)", True),
        ("States.Nope(1)", True),  # looks like one; compiling rejects it
        ("$.a", False),
        ("States.Format", False),
        ("states.Array()", False),
        ("", False),
    ],
)
def test_is_intrinsic(text: str, expected: bool) -> None:
    assert is_intrinsic(text) is expected


def test_compiled_intrinsic_keeps_text_name_and_paths() -> None:
    f = compile_intrinsic("States.Format('{} {}', $.a['b c'][0], States.ArrayLength($$.x))")
    assert isinstance(f, Intrinsic)
    assert f.text == str(f) == "States.Format('{} {}', $.a['b c'][0], States.ArrayLength($$.x))"
    assert f.name == "States.Format"
    assert [(p.text, p.kind) for p in f.paths] == [("$.a['b c'][0]", "input"), ("$$.x", "context")]
    assert f.returns_string
    assert not compile_intrinsic("States.ArrayLength($)").returns_string
    assert not f.uses_random
    assert compile_intrinsic("States.Array(States.UUID())").uses_random


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("States.Array()", []),
        (
            "States.Array(1, -2, 3.5, -0.25, 1e3, true, false, null, 'x')",
            [1, -2, 3.5, -0.25, 1000.0, True, False, None, "x"],
        ),
        ("States.Array( 1 ,2 , 'a b' )", [1, 2, "a b"]),
        ("States.Array(1.0)", [1.0]),
        ("States.Array('')", [""]),
        ("States.Array('$.a')", ["$.a"]),  # a quoted path is just text
        ("States.Array('a,b)c')", ["a,b)c"]),
    ],
)
def test_literal_arguments(text: str, expected: JSON) -> None:
    result = run(text)
    assert result == expected
    assert [type(v) for v in result] == [type(v) for v in expected]


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        (r"'it\'s'", "it's"),
        (r"'\{\}'", "{}"),
        (r"'back\\slash'", "back\\slash"),
        (r"'\\'", "\\"),
        (r"'a\nb'", "a\\nb"),  # not an intrinsic escape: kept as it is
        ("'line\nbreak'", "line\nbreak"),  # a real newline inside a literal
    ],
)
def test_string_literal_escapes(literal: str, value: str) -> None:
    assert run(f"States.Array({literal})") == [value]


def test_real_newlines_in_literals() -> None:
    # test_generic.py::test_escape_sequence#exec_hist_resp_0
    assert run("States.StringSplit('Hello\nWorld', '\n')") == ["Hello", "World"]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("$", {"a": {"b c": [10, 20]}, "l": [1, 2], "x,y": 5, "p(q)": 6}),
        ("$.a['b c'][1]", 20),
        ('$.a["b c"][0]', 10),
        ("$.l[0]", 1),
        ("$['x,y']", 5),
        ("$['p(q)']", 6),
        ("$.l[*]", [1, 2]),
        ("$.l[?(@ > 1)]", [2]),
    ],
)
def test_path_arguments_may_hold_brackets_quotes_commas_and_parens(path: str, value: JSON) -> None:
    data = {"a": {"b c": [10, 20]}, "l": [1, 2], "x,y": 5, "p(q)": 6}
    assert run(f"States.Array({path}, 'end')", data) == [value, "end"]
    assert run(f"States.Array({path})", data) == [value]


def test_context_and_variable_paths() -> None:
    context = {"Execution": {"Id": "arn:aws:states:us-east-1:1:execution:sm:e1"}}
    assert run(
        "States.Array($$.Execution.Id, $v, $w.k[0])",
        {},
        context=context,
        variables={"v": 1, "w": {"k": ["z"]}},
    ) == ["arn:aws:states:us-east-1:1:execution:sm:e1", 1, "z"]


def test_nested_calls() -> None:
    # test_generic.py::test_nested_calls_2#exec_hist_resp_0, with the machine name "a-b-last"
    text = (
        "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), "
        "States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))"
    )
    assert run(text, {}, context={"StateMachine": {"Name": "a-b-last"}}) == "last"


def test_docs_nine_nested_calls() -> None:
    # docs: the myArn example with nine nested intrinsic functions; the docs' template reads
    # '{}.{}.{}' but passes two values, which is a States.IntrinsicFailure here
    text = (
        "States.Format('{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem("
        "States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem("
        "States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2),"
        " '.'), 1))"
    )
    arn = "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/r/1.2.3"
    assert run(text, {"ImageRecipe": {"Arn": arn}}) == "1.2"


def test_missing_path_propagates_path_not_found_unchanged() -> None:
    f = compile_intrinsic("States.Format('{}', States.Array($.missing))")
    with pytest.raises(PathNotFound) as info:
        f.evaluate(lambda p: resolve(p, {"a": 1}, None))
    assert info.value.message == "No results for path: $['missing']"

    sentinel = PathNotFound(compile_intrinsic("States.Array($.x)").paths[0], "custom")

    def resolver(path: Path) -> JSON:
        raise sentinel

    with pytest.raises(PathNotFound) as info2:
        compile_intrinsic("States.Array($.x)").evaluate(resolver)
    assert info2.value is sentinel


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("States.Nope(1)", 1, "unknown intrinsic function 'States.Nope'"),
        ("States.Array(1, States.Nope())", 17, "unknown intrinsic function 'States.Nope'"),
        ("States.Array(1 2)", 16, "expected ',' or ')', found '2'"),
        ("States.Array(1,)", 16, "expected an argument, found ')'"),
        ("States.Array(,1)", 14, "expected an argument, found ','"),
        ("States.Array(1", 15, "expected ',' or ')', found the end of the text"),
        ("States.Array('abc)", 14, "unterminated string literal"),
        (r"States.Array('abc\')", 14, "unterminated string literal"),
        ("States.Array(1) x", 17, "unexpected word 'x'"),
        ("States.Array(1))", 16, "unexpected ')' after the function call"),
        ("States.Array(1) States.Array()", 17, "unexpected 'States.Array' after the function call"),
        ("States.Array(foo)", 14, "unexpected word 'foo'"),
        ("States.Array(#)", 14, "unexpected character '#'"),
        ("States.Array($.a[0)", 17, "unclosed '[' in path"),
        ("States.Array($.a[0", 17, "unclosed '[' in path"),
        ("States.Array($.a[?(@.x ]", 19, "unclosed '(' in path"),
        ("States.Array($.a['x)", 18, "unterminated quote in path"),
        ("States.Array($.a])", 17, "unbalanced ']' in path"),
        ("States.Array", 13, "expected '(' after States.Array, found the end of the text"),
        ("'x'", 1, "expected an intrinsic function name (States.*), found string 'x'"),
        ("States.UUID(1)", 1, "States.UUID takes 0 arguments, got 1"),
        ("States.ArrayLength()", 1, "States.ArrayLength takes 1 argument, got 0"),
        ("States.Array(States.Hash('a'))", 14, "States.Hash takes 2 arguments, got 1"),
        ("States.MathRandom(1)", 1, "States.MathRandom takes 2 to 3 arguments, got 1"),
        ("States.Format()", 1, "States.Format takes at least 1 argument, got 0"),
        ("States.JsonMerge($.a, $.b)", 1, "States.JsonMerge takes 3 arguments, got 2"),
    ],
)
def test_syntax_errors_say_where(text: str, column: int, message: str) -> None:
    error = syntax_error(text)
    assert (error.message, error.column) == (message, column)
    assert error.text == text
    assert str(error) == f"{message} (at column {column} of {text!r})"


def test_invalid_path_argument_is_a_syntax_error_at_the_path() -> None:
    error = syntax_error("States.Array(1, $.a[?(@.x ==)])")
    assert error.column == 17
    assert error.message.startswith("invalid path '$.a[?(@.x ==)]'")


# ----------------------------------------------------------------------------- States.Format


def test_format_docs_example() -> None:
    # docs: States.Format('Hello, my name is {}.', $.name) with {"name": "Arnav"}
    assert (
        run("States.Format('Hello, my name is {}.', $.name)", {"name": "Arnav"})
        == "Hello, my name is Arnav."
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        # test_generic.py::test_format_2#exec_hist_resp_0..7
        ("", ""),
        (" ", " "),
        ("HelloWorld", "HelloWorld"),
        (None, "null"),
        (1, "1"),
        (1.1, "1.1"),
        ('{"Arg1": 1, "Arg2": []}', '{"Arg1": 1, "Arg2": []}'),
        ({"Arg1": 1, "Arg2": []}, "{Arg1=1, Arg2=[]}"),
    ],
)
def test_format_recorded_values(value: JSON, shown: str) -> None:
    text = "States.Format('Formatting arguments fst={} and snd={}.', $.fst, $.snd)"
    assert run(text, {"fst": value, "snd": value}) == (
        f"Formatting arguments fst={shown} and snd={shown}."
    )


def test_format_context_object_as_java_map() -> None:
    # test_generic.py::test_context_json_path#exec_hist_resp_0 ($$.StateMachine)
    context = {
        "Execution": {"Name": "exec-1"},
        "StateMachine": {
            "Id": "arn:aws:states:us-east-1:111111111111:stateMachine:sm",
            "Name": "sm",
        },
    }
    assert run(
        "States.Format('Formatting arguments fst={} and snd={}.', "
        "$$.Execution.Name, $$.StateMachine)",
        {},
        context=context,
    ) == (
        "Formatting arguments fst=exec-1 and "
        "snd={Id=arn:aws:states:us-east-1:111111111111:stateMachine:sm, Name=sm}."
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (True, "true"),
        (False, "false"),
        (1.0, "1.0"),
        (-0.5, "-0.5"),
        (1e7, "1.0E7"),
        (1.5e-5, "1.5E-5"),
        (123456789.5, "1.234567895E8"),
        (10**20, "100000000000000000000"),
        ([1, "a", None, [True]], "[1, a, null, [true]]"),
        ({"k": {"n": [1.0, "s"]}}, "{k={n=[1.0, s]}}"),
        ([], "[]"),
        ({}, "{}"),
    ],
)
def test_format_renders_non_strings_as_java_to_string(value: JSON, shown: str) -> None:
    assert run("States.Format('<{}>', $.v)", {"v": value}) == f"<{shown}>"


def test_format_escapes() -> None:
    assert run(r"States.Format('\{\} is {} and \\{}', 'x', 'y')") == "{} is x and \\y"
    assert run(r"States.Format('it\'s {}', $.v)", {"v": "me"}) == "it's me"
    assert run("States.Format('no placeholders')") == "no placeholders"
    assert run("States.Format('{}{}', 'a', 'b')") == "ab"
    assert run("States.Format('{ } {x}')") == "{ } {x}"
    # an escaped-brace value substituted into the template stays as it is
    assert run("States.Format('{}', '{}')") == "{}"


def test_format_template_from_a_path_or_variable() -> None:
    # test_assign_reference_variables.py::test_reference_in_map_state
    #   [MAP_STATE_REFERENCE_IN_INTRINSIC_FUNCTION]
    assert (
        run(
            "States.Format($AnswerTemplate, $$.Map.Item.Value)",
            {},
            context={"Map": {"Item": {"Value": "Pikachu"}}},
            variables={"AnswerTemplate": "It's {}!"},
        )
        == "It's Pikachu!"
    )


def test_format_failures() -> None:
    cause = failure("States.Format", "{} and {}", "only one")
    assert cause == (
        "Invalid arguments in States.Format: the template has 2 placeholder(s) '{}' "
        "but 1 value(s) were given"
    )
    assert failure("States.Format", 5) == (
        "Invalid arguments in States.Format: the template must be a string, but was number 5"
    )
    with pytest.raises(StateFailure):
        run("States.Format('{}', 1, 2)")


# ----------------------------------------------------------------------------- JSON


@pytest.mark.parametrize(
    ("value", "text"),
    [
        # test_json_manipulation.py::test_json_to_string#exec_hist_resp_0..7
        (None, "null"),
        (0, "0"),
        (1, "1"),
        (1.1, "1.1"),
        (True, "true"),
        ("HelloWorld", '"HelloWorld"'),
        ([1, 2, "HelloWorld"], '[1,2,"HelloWorld"]'),
        ({"Arg1": 1, "Arg2": []}, '{"Arg1":1,"Arg2":[]}'),
        # compact, key order and number forms kept, no ASCII escaping
        ({"b": 1.0, "a": "é"}, '{"b":1.0,"a":"é"}'),
    ],
)
def test_json_to_string(value: JSON, text: str) -> None:
    assert fn("States.JsonToString", value) == text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('{"foo": "bar"}', {"foo": "bar"}),  # docs
        ('{"key":"value"}', {"key": "value"}),  # BASE_REFERENCE_IN_INTRINSIC_FUNCTION
        ("[1, 2.0, null]", [1, 2.0, None]),
        ("  42 ", 42),
        ('"s"', "s"),
    ],
)
def test_string_to_json(text: str, value: JSON) -> None:
    result = fn("States.StringToJson", text)
    assert result == value
    assert json.dumps(result) == json.dumps(value)


def test_string_to_json_failures() -> None:
    assert failure("States.StringToJson", "{bad") == (
        "Invalid arguments in States.StringToJson: the string is not valid JSON: {bad"
    )
    failure("States.StringToJson", "NaN")  # ("" is null on AWS: test_intrinsics_edges.py)
    assert failure("States.StringToJson", {"a": 1}) == (
        "Invalid arguments in States.StringToJson: "
        'the argument must be a string, but was object {"a":1}'
    )


def test_json_merge() -> None:
    # test_json_manipulation.py::test_json_merge#exec_hist_resp_0 (also the docs example)
    first = {"a": {"a1": 1, "a2": 2}, "b": 2, "d": 3}
    second = {"a": {"a3": 1, "a4": 2}, "c": 3, "d": 4}
    merged = fn("States.JsonMerge", first, second, False)
    assert merged == {"a": {"a3": 1, "a4": 2}, "b": 2, "c": 3, "d": 4}
    assert list(merged) == ["a", "b", "d", "c"]
    assert first == {"a": {"a1": 1, "a2": 2}, "b": 2, "d": 3}  # inputs untouched
    assert run("States.JsonMerge($.x, $.y, false)", {"x": {"a": 1}, "y": {"b": 2}}) == {
        "a": 1,
        "b": 2,
    }


def test_json_merge_failures() -> None:
    assert failure("States.JsonMerge", {"a": 1}, {"b": 1}, True) == (
        "Invalid arguments in States.JsonMerge: deep merging is not supported; "
        "the third argument must be false"
    )
    failure("States.JsonMerge", [1], {"b": 1}, False)
    failure("States.JsonMerge", {"a": 1}, "x", False)
    failure("States.JsonMerge", {"a": 1}, {"b": 1}, "false")


# ----------------------------------------------------------------------------- arrays


@pytest.mark.parametrize(
    "value",
    # test_array.py::test_array_2#exec_hist_resp_0..7
    ["", " ", "HelloWorld", None, 1, 1.1, '{"Arg1": 1, "Arg2": []}', {"Arg1": 1, "Arg2": []}],
)
def test_array_recorded(value: JSON) -> None:
    assert fn("States.Array", value, value) == [value, value]


def test_array_docs_and_empty() -> None:
    assert run("States.Array($.Id)", {"Id": 123456}) == [123456]  # docs
    assert run("States.Array()") == []  # test_array.py::test_array_0#exec_hist_resp_0


@pytest.mark.parametrize(
    ("array", "size", "chunks"),
    [
        # test_array.py::test_array_partition#exec_hist_resp_0..24 (a selection)
        ([], 1, []),
        ([], 5, []),
        ([0], 1, [[0]]),
        ([0], 5, [[0]]),
        ([0, 1], 1, [[0], [1]]),
        ([0, 1], 2, [[0, 1]]),
        ([0, 1, 2], 2, [[0, 1], [2]]),
        ([0, 1, 2, 3], 3, [[0, 1, 2], [3]]),
        ([0, 1, 2, 3], 4, [[0, 1, 2, 3]]),
        ([0, 1, 2, 3], 5, [[0, 1, 2, 3]]),
        # docs
        ([1, 2, 3, 4, 5, 6, 7, 8, 9], 4, [[1, 2, 3, 4], [5, 6, 7, 8], [9]]),
    ],
)
def test_array_partition(array: list[JSON], size: int, chunks: list[JSON]) -> None:
    assert fn("States.ArrayPartition", array, size) == chunks


def test_array_partition_failures() -> None:
    assert failure("States.ArrayPartition", [1], 0) == (
        "Invalid arguments in States.ArrayPartition: "
        "the chunk size must be a positive integer, but was number 0"
    )
    failure("States.ArrayPartition", [1], -1)
    failure("States.ArrayPartition", [1], 1.5)
    failure("States.ArrayPartition", [1], True)
    assert failure("States.ArrayPartition", "abc", 1) == (
        "Invalid arguments in States.ArrayPartition: "
        'the first argument must be an array, but was string "abc"'
    )


@pytest.mark.parametrize(
    ("array", "value", "found"),
    [
        # test_array.py::test_array_contains#exec_hist_resp_0..8
        ([], None, False),
        ([], [], False),
        ([], 1, False),
        ([[1, 2, 3], 2], None, False),
        ([[1, 2, 3], 2], [1, 2, 3], True),
        ([{"1": 2, "2": []}], [], False),
        ([{"1": 2, "2": []}], {"1": 2, "2": []}, True),
        ([True, False], True, True),
        ([True, False], False, True),
        # docs
        ([1, 2, 3, 4, 5, 6, 7, 8, 9], 5, True),
        # deep equality ignores key order; booleans, integers and doubles differ (Jackson)
        ([{"a": 1, "b": [2]}], {"b": [2], "a": 1}, True),
        ([1], True, False),
        ([True], 1, False),
        ([0], False, False),
        ([1], 1.0, False),
        ([[1]], [1.0], False),
        ([None], None, True),
    ],
)
def test_array_contains(array: list[JSON], value: JSON, found: bool) -> None:
    assert fn("States.ArrayContains", array, value) is found


def test_array_contains_failure() -> None:
    failure("States.ArrayContains", {"a": 1}, 1)


@pytest.mark.parametrize(
    ("start", "end", "step", "values"),
    [
        # test_array.py::test_array_range#exec_hist_resp_0..3
        (0, 9, 3, [0, 3, 6, 9]),
        (0, 10, 3, [0, 3, 6, 9]),
        (1, 9, 9, [1]),
        (1, 9, 2, [1, 3, 5, 7, 9]),  # also the docs example
        # test_base_scenarios.py::test_map_state_config_distributed_reentrant
        (0, 3, 1, [0, 1, 2, 3]),
        (5, 5, 1, [5]),
        (10, 0, -4, [10, 6, 2]),
        (0, -3, -1, [0, -1, -2, -3]),
        (3, 0, 1, []),
        (0, 3, -1, []),
        (1, 1000, 1, list(range(1, 1001))),
    ],
)
def test_array_range(start: int, end: int, step: int, values: list[int]) -> None:
    assert run(f"States.ArrayRange({start}, {end}, {step})") == values
    assert fn("States.ArrayRange", start, end, step) == values


def test_array_range_failures() -> None:
    assert failure("States.ArrayRange", 0, 1000, 1) == (
        "Invalid arguments in States.ArrayRange: "
        "the range has 1001 items, more than the maximum of 1000"
    )
    assert failure("States.ArrayRange", 0, 10, 0) == (
        "Invalid arguments in States.ArrayRange: the step must not be 0"
    )
    assert failure("States.ArrayRange", 0, 1.5, 1) == (
        "Invalid arguments in States.ArrayRange: the end must be an integer, but was number 1.5"
    )
    failure("States.ArrayRange", "0", 1, 1)
    failure("States.ArrayRange", 0, 1, True)


def test_array_get_item() -> None:
    assert fn("States.ArrayGetItem", [1, 2, 3, 4, 5, 6, 7, 8, 9], 5) == 6  # docs
    assert fn("States.ArrayGetItem", [{"a": 1}], 0) == {"a": 1}
    assert run("States.ArrayGetItem(States.StringSplit('a-b-c', '-'), 0)") == "a"


def test_array_get_item_failures() -> None:
    assert failure("States.ArrayGetItem", [1, 2, 3], 3) == (
        "Invalid arguments in States.ArrayGetItem: "
        "the index 3 is out of bounds for an array of length 3"
    )
    assert failure("States.ArrayGetItem", [1, 2, 3], -1) == (
        "Invalid arguments in States.ArrayGetItem: "
        "the index must be a non-negative integer, but was number -1"
    )
    failure("States.ArrayGetItem", [1, 2, 3], 1.0)
    failure("States.ArrayGetItem", [1, 2, 3], "1")
    failure("States.ArrayGetItem", {"0": 1}, 0)


def test_array_length() -> None:
    # test_array.py::test_array_length#exec_hist_resp_0 and test_array_unique#exec_hist_resp_0
    assert fn("States.ArrayLength", [1, 2, 3, 4, 5, 6, 7, 8, 9]) == 9
    mixed = [
        None,
        None,
        True,
        True,
        False,
        False,
        1,
        1,
        1.1,
        0,
        0,
        "HelloWorld",
        "HelloWorld",
        [],
        [],
        [None],
        [None],
        {"a": 1, "b": 2},
        {"a": 1, "b": 2},
        {"a": 1, "b": 1},
    ]
    assert fn("States.ArrayLength", mixed) == 20
    assert fn("States.ArrayLength", []) == 0
    assert failure("States.ArrayLength", "abc") == (
        "Invalid arguments in States.ArrayLength: "
        'the argument must be an array, but was string "abc"'
    )


def test_array_unique() -> None:
    assert fn("States.ArrayUnique", [1, 2, 3, 3, 3, 3, 3, 3, 4]) == [1, 2, 3, 4]  # docs
    mixed = [
        None,
        None,
        True,
        True,
        False,
        False,
        1,
        1,
        1.1,
        0,
        0,
        "HelloWorld",
        "HelloWorld",
        [],
        [],
        [None],
        [None],
        {"a": 1, "b": 2},
        {"b": 2, "a": 1},
        {"a": 1, "b": 1},
    ]
    assert fn("States.ArrayUnique", mixed) == [
        None, True, False, 1, 1.1, 0, "HelloWorld", [], [None], {"a": 1, "b": 2}, {"a": 1, "b": 1}
    ]  # fmt: skip
    assert fn("States.ArrayUnique", [1, 1.0, True, "1"]) == [1, 1.0, True, "1"]
    failure("States.ArrayUnique", None)


# ----------------------------------------------------------------------------- encoding, hash


@pytest.mark.parametrize(
    ("text", "encoded"),
    [
        ("", ""),  # test_encode_decode.py::test_base_64_encode#exec_hist_resp_0
        ("Data to encode", "RGF0YSB0byBlbmNvZGU="),  # ...#exec_hist_resp_1 and docs
        ("Hello World", "SGVsbG8gV29ybGQ="),  # BASE_REFERENCE_IN_INTRINSIC_FUNCTION
        ("é€", "w6nigqw="),  # UTF-8 bytes
    ],
)
def test_base64(text: str, encoded: str) -> None:
    assert fn("States.Base64Encode", text) == encoded
    assert fn("States.Base64Decode", encoded) == text


def test_lone_surrogates_encode_as_question_marks() -> None:
    assert fn("States.Base64Encode", "a\ud800b") == "YT9i"  # "a?b", as Java's getBytes(UTF_8)
    assert fn("States.Hash", "\ud800", "MD5") == fn("States.Hash", "?", "MD5")


def test_base64_decode_accepts_missing_padding() -> None:
    assert fn("States.Base64Decode", "SGVsbG8gV29ybGQ") == "Hello World"


def test_base64_failures() -> None:
    assert failure("States.Base64Encode", "x" * 10_001) == (
        "Invalid arguments in States.Base64Encode: "
        "the input string must not exceed 10000 characters, but has 10001"
    )
    assert fn("States.Base64Encode", "x" * 10_000).startswith("eHh4")
    assert failure("States.Base64Decode", "not base64!") == (
        "Invalid arguments in States.Base64Decode: the string is not valid Base64: not base64!"
    )
    failure("States.Base64Decode", "A" * 10_004)
    failure("States.Base64Decode", "abcde")
    failure("States.Base64Encode", 5)
    failure("States.Base64Decode", None)


@pytest.mark.parametrize(
    ("algorithm", "digest"),
    [
        # test_hash_calculations.py::test_hash#exec_hist_resp_0..4 ("input data")
        ("MD5", "812f45842bc6d66ee14572ce20db8e86"),
        ("SHA-1", "aaff4a450a104cd177d28d18d74485e8cae074b7"),
        ("SHA-256", "b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3"),
        (
            "SHA-384",
            "d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b"
            "87525bdc835ebb27e1fb9e9374a15562",
        ),
        (
            "SHA-512",
            "6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce"
            "2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4",
        ),
    ],
)
def test_hash(algorithm: str, digest: str) -> None:
    assert fn("States.Hash", "input data", algorithm) == digest


def test_hash_literal_algorithm() -> None:
    # BASE_REFERENCE_IN_INTRINSIC_FUNCTION: States.Hash($inputString, 'SHA-256')
    assert (
        run("States.Hash($s, 'SHA-256')", {}, variables={"s": "Hash this string"})
        == "1cac63f39fd68d8c531f27b807610fb3d50f0fc3f186995767fb6316e7200a3e"
    )


def test_hash_failures() -> None:
    assert failure("States.Hash", "x", "SHA-3") == (
        "Invalid arguments in States.Hash: the algorithm must be one of "
        'MD5, SHA-1, SHA-256, SHA-384, SHA-512, but was string "SHA-3"'
    )
    failure("States.Hash", "x", "sha-256")
    assert failure("States.Hash", "x", ["MD5"]) == (
        "Invalid arguments in States.Hash: the algorithm must be one of "
        'MD5, SHA-1, SHA-256, SHA-384, SHA-512, but was array ["MD5"]'
    )
    failure("States.Hash", 1, "MD5")
    failure("States.Hash", "x" * 10_001, "MD5")


# ----------------------------------------------------------------------------- math


@pytest.mark.parametrize(
    ("a", "b", "total"),
    [
        # test_math_operations.py::test_math_add#exec_hist_resp_0..20: arguments are rounded
        # with Java's Math.round (half up) before they are added
        (-9, 3, -6),
        (1.49, 1.5, 3),
        (1.5, 1.51, 4),
        (-1.49, -1.5, -2),
        (-1.5, -1.51, -3),
        (1.49, 0, 1),
        (1.49, -1.49, 0),
        (1.5, 0, 2),
        (1.51, 0, 2),
        (-1.49, 0, -1),
        (-1.5, 0, -1),
        (-1.51, 0, -2),
        (0.5, 0, 1),
        (2.5, 0, 3),
        (3.5, 0, 4),
        (-0.5, 0.5, 1),
        (-0.5, 0, 0),
        (-2.5, 0, -2),
        (-3.5, 0, -3),
        # docs
        (111, -1, 110),
        (5, 3, 8),
    ],
)
def test_math_add(a: float, b: float, total: int) -> None:
    result = fn("States.MathAdd", a, b)
    assert result == total
    assert type(result) is int


def test_math_add_literals_and_nesting() -> None:
    # test_base_scenarios.py::test_map_state_config_distributed_reentrant: MathAdd($.Iterations, -1)
    assert run("States.MathAdd($.Iterations, -1)", {"Iterations": 1}) == 0
    assert run("States.MathAdd(States.MathAdd(1, 2), -0.5)") == 3


def test_math_add_failures() -> None:
    assert failure("States.MathAdd", "1", 2) == (
        "Invalid arguments in States.MathAdd: "
        'the first argument must be a number, but was string "1"'
    )
    failure("States.MathAdd", 1, True)
    failure("States.MathAdd", 1, None)
    assert failure("States.MathAdd", 2147483648, 0) == (
        "Invalid arguments in States.MathAdd: "
        "the first argument must be between -2147483648 and 2147483647, but was 2147483648"
    )
    failure("States.MathAdd", 0, -2147483649)
    failure("States.MathAdd", 0, 2147483647.5)


@pytest.mark.parametrize(
    ("value", "rounded"),
    [(0.49999999999999994, 0), (-0.5, 0), (-0.51, -1), (4503599627370497.0, 4503599627370497)],
)
def test_java_round(value: float, rounded: int) -> None:
    assert java_round(value) == rounded


@pytest.mark.parametrize(
    ("start", "end"),
    # test_math_operations.py::test_math_random#exec_hist_resp_0..2 (the value is random)
    [(12.5, 44.51), (9999, 99999), (-99999, -9999)],
)
def test_math_random_recorded_ranges(start: float, end: float) -> None:
    low, high = java_round(start), java_round(end)
    for seed in range(50):
        value = fn_rng("States.MathRandom", random.Random(seed), start, end)
        assert type(value) is int
        assert low <= value < high


def fn_rng(name: str, rng: random.Random, *args: JSON) -> JSON:
    data = {f"a{i}": a for i, a in enumerate(args)}
    text = f"{name}({', '.join(f'$.a{i}' for i in range(len(args)))})"
    return run(text, data, rng=rng)


def test_math_random_uses_the_given_random_source() -> None:
    first = [fn_rng("States.MathRandom", random.Random(7), 0, 1000) for _ in range(3)]
    assert first == [random.Random(7).randrange(0, 1000)] * 3
    assert fn_rng("States.MathRandom", random.Random(1), 5, 6) == 5


def test_math_random_with_a_seed_is_java_random() -> None:
    # java.util.Random(42).nextInt() is -1170105035, so nextInt(10) is 0 and nextInt(1000) 130
    assert JavaRandom(42).next_int(10) == 0
    assert JavaRandom(42).next_int(1000) == 130
    assert JavaRandom(0).next_int(1 << 30) == (-1155484576 & 0xFFFFFFFF) >> 2
    assert run("States.MathRandom(0, 10, 42)") == 0
    assert run("States.MathRandom(100, 1100, 42)") == 230
    assert run("States.MathRandom(1, 1000, $.seed)", {"seed": 7}) == run(
        "States.MathRandom(1, 1000, 7)"
    )


def test_math_random_failures() -> None:
    assert failure("States.MathRandom", 5, 5) == (
        "Invalid arguments in States.MathRandom: the start (5) must be less than the end (5)"
    )
    failure("States.MathRandom", "1", 5)
    failure("States.MathRandom", 1, 5, 1.5)
    failure("States.MathRandom", 1, 2**31)


# ----------------------------------------------------------------------------- strings, UUID


@pytest.mark.parametrize(
    ("text", "delimiters", "pieces"),
    [
        ("1,2,3,4,5", ",", ["1", "2", "3", "4", "5"]),  # docs
        ("This.is+a,test=string", ".+,=", ["This", "is", "a", "test", "string"]),  # docs
        ("a,b,c,d,e", ",", ["a", "b", "c", "d", "e"]),  # BASE_REFERENCE_IN_INTRINSIC_FUNCTION
        # test_string_operations.py::test_string_split_context_object#exec_hist_resp_0
        (
            "Value1,Value2,Value3\nValue4,Value5,Value6\n,,,\n"
            "true,1,'HelloWorld'\nNull,None,\n   \n",
            ",",
            ["Value1", "Value2", "Value3\nValue4", "Value5", "Value6\n", "\ntrue", "1",
             "'HelloWorld'\nNull", "None", "\n   \n"],
        ),
        (",,a,,b,,", ",", ["a", "b"]),
        ("", ",", []),
        (",,,", ",", []),
        ("abc", "", ["abc"]),
        ("abc", "x", ["abc"]),
    ],
)  # fmt: skip
def test_string_split(text: str, delimiters: str, pieces: list[str]) -> None:
    assert fn("States.StringSplit", text, delimiters) == pieces


def test_string_split_from_context_input() -> None:
    text = "States.StringSplit($$.Execution.Input.FunctionInput, ',')"
    context = {"Execution": {"Input": {"FunctionInput": "a,b"}}}
    assert run(text, {}, context=context) == ["a", "b"]


def test_string_split_failures() -> None:
    failure("States.StringSplit", 1, ",")
    failure("States.StringSplit", "a,b", None)


def test_uuid_is_v4_from_the_random_source() -> None:
    value = run("States.UUID()", rng=random.Random(3))
    parsed = uuid.UUID(value)
    assert str(parsed) == value
    assert parsed.version == 4
    assert parsed.variant == uuid.RFC_4122
    assert run("States.UUID()", rng=random.Random(3)) == value
    assert run("States.UUID()", rng=random.Random(4)) != value
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                        run("States.UUID()"))  # fmt: skip


def test_java_double() -> None:
    assert [java_double(v) for v in (0.0, -0.0, 1.0, 1e-3, 9.99e-4, 1e21, -2.5e-10)] == [
        "0.0", "-0.0", "1.0", "0.001", "9.99E-4", "1.0E21", "-2.5E-10"
    ]  # fmt: skip


# ----------------------------------------------------------------------------- properties

json_scalars: st.SearchStrategy[JSON] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=10),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_string_to_json_inverts_json_to_string(value: JSON) -> None:
    text = fn("States.JsonToString", value)
    assert isinstance(text, str)
    back = fn("States.StringToJson", text)
    assert json.dumps(back) == json.dumps(value)
    assert run("States.StringToJson(States.JsonToString($))", value) == back


@given(st.lists(json_values, max_size=30), st.integers(1, 40))
def test_array_partition_concatenates_back(array: list[JSON], size: int) -> None:
    chunks = fn("States.ArrayPartition", array, size)
    assert [item for chunk in chunks for item in chunk] == array
    assert all(len(chunk) == size for chunk in chunks[:-1])
    assert all(0 < len(chunk) <= size for chunk in chunks)


@given(st.integers(-500, 500), st.integers(-500, 500), st.integers(-50, 50).filter(bool))
def test_array_range_length_and_bounds(start: int, end: int, step: int) -> None:
    values = fn("States.ArrayRange", start, end, step)
    assert values == list(range(start, end + (1 if step > 0 else -1), step))
    assert len(values) == max(0, (end - start) // step + 1)


@given(st.lists(json_values, max_size=20))
def test_array_unique_keeps_first_occurrences(array: list[JSON]) -> None:
    unique = fn("States.ArrayUnique", array)
    assert fn("States.ArrayUnique", unique) == unique
    assert all(fn("States.ArrayContains", unique, item) for item in array)
    assert fn("States.ArrayLength", unique) <= len(array)


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=200))
def test_base64_round_trip(text: str) -> None:
    assert fn("States.Base64Decode", fn("States.Base64Encode", text)) == text


@given(st.text(max_size=50), st.text(min_size=1, max_size=3))
def test_string_split_pieces_have_no_delimiters(text: str, delimiters: str) -> None:
    pieces = fn("States.StringSplit", text, delimiters)
    assert all(piece and not set(piece) & set(delimiters) for piece in pieces)
    assert "".join(pieces) == "".join(c for c in text if c not in delimiters)


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=30))
def test_escaped_literals_round_trip(value: str) -> None:
    escaped = "".join("\\" + c if c in "'{}\\" else c for c in value)
    assert run(f"States.Array('{escaped}')") == [value]
    assert run(f"States.Format('{escaped}')") == value
