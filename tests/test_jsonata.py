"""The JSONata adapter: detection, AWS's dialect, extra functions, results and causes.

Expected values come from AWS-recorded executions (the LocalStack snapshot ids named per
test), the AWS developer guide, and AWS behaviour measured in floci-io/floci issues.
"""

from __future__ import annotations

import random
import re

import pytest

from aslrun.errors import StatesError
from aslrun.lang.jsonata import (
    UNDEFINED,
    Bindings,
    JsonataSyntaxError,
    compile_body,
    compile_expression,
    compile_template,
    evaluate_typed,
    is_expression,
)
from aslrun.lang.jsonata_functions import java_random_double

QEE = "States.QueryEvaluationError"


def bindings(
    input_: object = None,
    *,
    now_ms: int = 0,
    seed: int = 0,
    variables: dict[str, object] | None = None,
    **states: object,
) -> Bindings:
    return Bindings(
        states={"input": input_, "context": {}, **states},
        now_ms=now_ms,
        random=random.Random(seed),
        variables=variables or {},
    )


def run(text: str, b: Bindings | None = None, field: str = "Output") -> object:
    return compile_expression(text).evaluate(b or bindings(), field)


def cause_of(text: str, b: Bindings | None = None, field: str = "Output") -> str:
    with pytest.raises(StatesError) as info:
        run(text, b, field)
    assert info.value.error == QEE
    assert info.value.cause is not None
    return info.value.cause


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize(
    "value",
    [
        "{% $states.input %}",
        "{%$lowercase($x) %}",
        "{% $states.input%}",
        "{%1%}",
        "{%\n  $states.input\n%}",
    ],
)
def test_expression_delimiters(value: str) -> None:
    assert is_expression(value)


@pytest.mark.parametrize(
    "value",
    [
        # BASE_LAMBDA_LITERALS keeps these as literal strings.
        " {% states.input %} ",
        "$states.input",
        "$no.such.var.path",
        "{% x",
        "x %}",
        "{%}",
        "",
        None,
        1,
        ["{% 1 %}"],
    ],
)
def test_not_expressions(value: object) -> None:
    assert not is_expression(value)


def test_expression_keeps_text_and_stripped_body() -> None:
    expr = compile_expression("{%  $states.input.a \n%}")
    assert expr.text == "{%  $states.input.a \n%}"
    assert expr.body == "$states.input.a"
    assert compile_body(" 1 + 1 ").evaluate(bindings(), "Output") == 2


def test_compile_expression_refuses_a_non_expression() -> None:
    with pytest.raises(JsonataSyntaxError):
        compile_expression(" {% 1 %} ")


# --------------------------------------------------------------------------- compile errors


@pytest.mark.parametrize(
    ("body", "message"),
    [
        # AWS refuses these at definition time with INVALID_JSONATA_EXPRESSION and the parser's
        # message without the code (floci-io/floci#2745).
        ("a[1,2)", 'Expected "]", got ","'),
        ('"unterminated', "String literal must be terminated by a matching quote"),
        ("1 +", "Unexpected end of expression"),
        ('{"a":}', 'The symbol "}" cannot be used as a unary operator'),
        ("$x :=", "Unexpected end of expression"),
        ('$match("a", /abc', "No terminating / in regular expression"),
        # JSONata 2.1 operators: 2.0.6 reads "?" then fails on the second character.
        ("$states.input.a ?? 1", 'The symbol "?" cannot be used as a unary operator'),
        ("$states.input.a ?: 1", 'The symbol ":" cannot be used as a unary operator'),
    ],
)
def test_invalid_expressions(body: str, message: str) -> None:
    with pytest.raises(JsonataSyntaxError) as info:
        compile_expression("{% " + body + " %}")
    assert info.value.code == "INVALID_JSONATA_EXPRESSION"
    assert info.value.message == message
    assert str(info.value) == f"INVALID_JSONATA_EXPRESSION: {message}"
    assert isinstance(info.value, ValueError)


def test_question_marks_inside_strings_and_regexes_are_fine() -> None:
    assert run("{% '??' & '?:' %}") == "???:"
    assert run("{% $contains('aa', /a??/) %}") is True


@pytest.mark.parametrize(
    ("body", "name"),
    [
        # AWS: "UNSUPPORTED_JSONATA_EXPRESSION: Reference to 'phone' at the top level is not
        # supported." (floci-io/floci#2670)
        ("phone", "phone"),
        ("a.b + 1", "a"),
        ("{'k': v}", "v"),
        ("[1, w]", "w"),
        ("$sum(z)", "z"),
        ("($a := b; $a)", "b"),
    ],
)
def test_top_level_references_are_unsupported(body: str, name: str) -> None:
    with pytest.raises(JsonataSyntaxError) as info:
        compile_expression("{% " + body + " %}")
    assert info.value.code == "UNSUPPORTED_JSONATA_EXPRESSION"
    assert info.value.message == f"Reference to '{name}' at the top level is not supported."


def test_names_relative_to_a_path_or_inside_a_lambda_are_fine() -> None:
    b = bindings({"items": [{"price": 1}, {"price": 9}]})
    assert run("{% $states.input.items[price > 5].price %}", b) == 9
    assert run("{% $map($states.input.items, function($i){$i.price}) %}", b) == [1, 9]


def test_eval_is_not_a_function() -> None:
    # AWS (TestState, floci-io/floci#2737): $eval is not bound in Step Functions.
    assert cause_of('{% $eval("1+1") %}', field="Output/r") == (
        "The JSONata expression '$eval(\"1+1\")' specified for the field 'Output/r' threw an "
        "error during evaluation. T1006: Attempted to invoke a non-function"
    )


# --------------------------------------------------------------------------- $states, variables


def test_states_and_variables() -> None:
    # BASE_LAMBDA_EXPRESSION: $sum($states.input.input_values) + $var_constant_1 = 7
    b = bindings(
        {"input_value": "string literal", "input_values": [1, 2, 3]},
        variables={"var_input_value": "string literal", "var_constant_1": 1},
    )
    assert run("{% $sum($states.input.input_values) + $var_constant_1 %}", b) == 7
    assert run("{% $var_input_value %}", b) == "string literal"
    assert run("{% $states.input %}", b) == {
        "input_value": "string literal",
        "input_values": [1, 2, 3],
    }


def test_result_error_output_and_context() -> None:
    b = bindings({"a": 1}, result={"r": 2}, errorOutput={"Error": "E", "Cause": "c"})
    b = Bindings(
        states={**b.states, "context": {"Map": {"Item": {"Value": "Item1"}}}},
        now_ms=0,
        random=random.Random(0),
    )
    assert run("{% $states.result.r %}", b) == 2
    assert run("{% $states.errorOutput.Error %}", b) == "E"
    assert run("{% $states.context.Map.Item.Value %}", b) == "Item1"


def test_null_values_are_null_not_undefined() -> None:
    b = bindings({"n": None}, variables={"v": None})
    assert run("{% $v %}", b) is None
    assert run("{% $states.input.n %}", b) is None
    assert run("{% null %}") is None
    assert run("{% [1, null] %}") == [1, None]


def test_results_do_not_alias_the_bindings() -> None:
    data = {"a": [1, {"b": 2}]}
    out = run("{% $states.input %}", bindings(data))
    assert out == data
    assert out is not data
    assert out["a"] is not data["a"]


def test_regular_expressions() -> None:
    # BASE / BASE_FALSE of test_base_jsonata_regular_expressions
    assert run('{% $contains("hello$world", /^hello\\$/) %}') is True
    assert run("{% $contains('hello$world', /^hello\\ /) %}") is False


def test_variable_binding_inside_an_expression() -> None:
    # TIMEOUT_SECONDS of test_base_task: "{% $variable := 1 %}" is 1
    assert run("{% $variable := 1 %}", field="TimeoutSeconds") == 1


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{% 2.0 %}", 2),
        ('{% $number("2") %}', 2),  # ITEMS of test_base_map: [1, "{% $number(\"2\") %}", 3]
        ("{% 4 / 2 %}", 2),
        ("{% 1 / 2 %}", 0.5),
        ("{% 10 / 3 %}", 3.3333333333333335),
        ("{% $sum([1.5, 0.5]) %}", 2),
        ("{% $states.input.f %}", 3),  # 3.0 in the input is the number 3
        ("{% 1e20 %}", 100000000000000000000),
        # AWS writes the shortest digits of the double past 2**53 (floci-io/floci#2683).
        ("{% 9223372036854775808 %}", 9223372036854776000),
        ("{% 999999999999999868928 %}", 999999999999999900000),
    ],
)
def test_numbers_come_out_as_aws_writes_them(text: str, expected: float) -> None:
    value = run(text, bindings({"f": 3.0}))
    assert value == expected
    assert type(value) is type(expected)


def test_large_doubles_stay_doubles() -> None:
    value = run("{% 1e21 %}")
    assert value == 1e21
    assert isinstance(value, float)


# --------------------------------------------------------------------------- undefined


def test_undefined_top_level_expression() -> None:
    # BASE_UNDEFINED_OUTPUT (cause after AWS's "An error occurred while executing the
    # state ..." prefix, which the engine adds)
    assert cause_of("{% $doesNotExist %}") == (
        "The JSONata expression '$doesNotExist' specified for the field 'Output' returned "
        "nothing (undefined)."
    )


def test_undefined_inside_a_template_names_the_field_path() -> None:
    # BASE_UNDEFINED_OUTPUT_FIELD and BASE_UNDEFINED_ASSIGN
    for field in ("Output", "Assign"):
        with pytest.raises(StatesError) as info:
            compile_template({"result": "{% $doesNotExist %}"}).evaluate(bindings(), field)
        assert info.value.error == QEE
        assert info.value.cause == (
            f"The JSONata expression '$doesNotExist' specified for the field "
            f"'{field}/result' returned nothing (undefined)."
        )


def test_undefined_keys_of_an_object_constructor_are_dropped() -> None:
    assert run("{% {'a': $nope, 'b': 1} %}") == {"b": 1}
    assert run("{% {'a': $nope} %}") == {}


def test_evaluate_raw_returns_undefined_instead_of_failing() -> None:
    expr = compile_expression("{% $states.input.missing %}")
    assert expr.evaluate_raw(bindings({}), "Output") is UNDEFINED
    assert compile_expression("{% $states.input %}").evaluate_raw(bindings(5), "Output") == 5


def test_function_values_are_not_json() -> None:
    # A function where a value is needed: AWS's cause is "returned an unsupported result
    # type" (issue 10); nested, JSON.stringify semantics: dropped from objects, null in arrays.
    assert cause_of("{% function($x){$x} %}") == (
        "The JSONata expression 'function($x){$x}' specified for the field 'Output' "
        "returned an unsupported result type."
    )
    assert cause_of("{% $sum %}").endswith("returned an unsupported result type.")
    assert run("{% {'f': $lowercase, 'g': 1} %}") == {"g": 1}
    assert run("{% [$lowercase, 1] %}") == [None, 1]


# --------------------------------------------------------------------------- errors


def test_non_function_call() -> None:
    # test_math_random_seeded#exec_hist_resp_0
    b = bindings({"FunctionInput": "fst"})
    assert cause_of(
        "{% $randomSeeded($states.input.FunctionInput.fst) %}", b, "Output/FunctionResult"
    ) == (
        "The JSONata expression '$randomSeeded($states.input.FunctionInput.fst)' specified "
        "for the field 'Output/FunctionResult' threw an error during evaluation. T1006: "
        "Attempted to invoke a non-function"
    )


def test_jsonata_messages_read_as_jsonata_js_writes_them() -> None:
    # AWS: 'T0412: Argument 1 of function "sum" must be an array of "numbers"' (#2668)
    assert cause_of("{% $sum('a') %}").endswith(
        'threw an error during evaluation. T0412: Argument 1 of function "sum" must be an '
        'array of "numbers"'
    )
    assert cause_of("{% $sqrt(-1) %}").endswith(
        "threw an error during evaluation. D3060: The sqrt function cannot be applied to a "
        "negative number: -1"
    )
    assert cause_of("{% $error('boom') %}").endswith(
        "threw an error during evaluation. D3137: boom"
    )


def test_python_exceptions_never_escape() -> None:
    # jsonata-python computes a remainder with int(math.fmod(...)), which raises on 0.
    cause = cause_of("{% 5 % 0 %}")
    assert cause == (
        "The JSONata expression '5 % 0' specified for the field 'Output' threw "
        "an internal error during evaluation."
    )


def test_runaway_recursion_is_a_stack_overflow() -> None:
    # AWS: "... threw an error during evaluation: Stack overflow error: Check for
    # non-terminating recursive function. Consider rewriting as tail-recursive." (#2737)
    body = "($f := function($n){$n = 0 ? 0 : 1 + $f($n - 1)}; $f(100000))"
    assert cause_of("{% " + body + " %}") == (
        f"The JSONata expression '{body}' specified for the field 'Output' threw an error "
        "during evaluation: Stack overflow error: Check for non-terminating recursive "
        "function. Consider rewriting as tail-recursive."
    )


# --------------------------------------------------------------------------- typed results


@pytest.mark.parametrize(
    ("value", "shown", "type_name"),
    [
        # test_map_state_items_variable_sampling[number|string|boolean|object|null]
        (1, "1", "number"),
        ("string", '"string"', "string"),
        (True, "true", "boolean"),
        ({"foo": "bar"}, '{"foo":"bar"}', "object"),
        (None, "null", "null"),
    ],
)
def test_unexpected_result_type(value: object, shown: str, type_name: str) -> None:
    b = bindings(variables={"ItemsVar": value})
    with pytest.raises(StatesError) as info:
        evaluate_typed(compile_expression("{% $ItemsVar %}"), b, "Items", "array")
    assert info.value.error == QEE
    assert info.value.cause == (
        "The JSONata expression '$ItemsVar' specified for the field 'Items' returned an "
        f"unexpected result type. Expected 'array', but was '{type_name}' for value: {shown}"
    )


def test_typed_results_that_match() -> None:
    b = bindings({"items": [1, 2], "n": 3.0})
    assert evaluate_typed(compile_expression("{% $states.input.items %}"), b, "Items", "array") == [
        1,
        2,
    ]
    assert evaluate_typed(compile_expression("{% $states.input.n %}"), b, "Seconds", "integer") == 3
    assert evaluate_typed(compile_template("{% 1.5 %}"), b, "X", "number") == 1.5
    assert evaluate_typed(5, b, "MaxConcurrency", "integer") == 5
    assert evaluate_typed(compile_template([1, "{% 2 %}"]), b, "Items", "array") == [1, 2]


def test_integer_expected_but_fraction_given() -> None:
    with pytest.raises(StatesError) as info:
        evaluate_typed(compile_expression("{% 1.5 %}"), bindings(), "TimeoutSeconds", "integer")
    assert info.value.cause == (
        "The JSONata expression '1.5' specified for the field 'TimeoutSeconds' returned an "
        "unexpected result type. Expected 'integer', but was 'number' for value: 1.5"
    )


# --------------------------------------------------------------------------- templates


def test_template_with_literals_only() -> None:
    # BASE_LAMBDA_LITERALS: strings that are not expressions stay as they are.
    literal = {
        "constant_not_jsonata": " {% states.input %} ",
        "constant_lst": [None, 0, 0.1, True, [], {"constant": 0}, "$states.input"],
    }
    template = compile_template(literal)
    assert template.is_static
    assert template.expression is None
    out = template.evaluate(bindings(), "Arguments")
    assert out == literal
    assert out is not literal
    assert out["constant_lst"] is not literal["constant_lst"]


def test_template_nested_expressions() -> None:
    # MAP_STATE_ITEM_SELECTOR_JSONATA
    template = compile_template(
        {
            "map_item_value": "{% $states.context.Map.Item.Value %}",
            "var_sample": "{% $ItemsVar %}",
            "string_literal": "string literal",
        }
    )
    b = Bindings(
        states={"input": {}, "context": {"Map": {"Item": {"Value": "Item1"}}}},
        now_ms=0,
        random=random.Random(0),
        variables={"ItemsVar": ["Item1", "Item2"]},
    )
    assert not template.is_static
    assert template.evaluate(b, "ItemSelector") == {
        "map_item_value": "Item1",
        "var_sample": ["Item1", "Item2"],
        "string_literal": "string literal",
    }


def test_template_array_items() -> None:
    # ITEMS of test_base_map: [1, "{% $number(\"2\") %}", 3] -> [1, 2, 3]
    assert compile_template([1, '{% $number("2") %}', 3]).evaluate(bindings(), "Items") == [1, 2, 3]


def test_template_whole_expression() -> None:
    template = compile_template("{% $states.input %}")
    assert template.expression is not None
    assert template.expression.body == "$states.input"
    assert template.evaluate(bindings([1]), "Output") == [1]


def test_template_compile_errors_surface_at_compile_time() -> None:
    with pytest.raises(JsonataSyntaxError):
        compile_template({"a": [{"b": "{% 1 + %}"}]})


# --------------------------------------------------------------------------- clock


def test_now_and_millis_read_the_simulated_clock() -> None:
    b = bindings(now_ms=1_700_000_000_123)
    assert run("{% $millis() %}", b) == 1_700_000_000_123
    assert run("{% $now() %}", b) == "2023-11-14T22:13:20.123Z"
    assert run("{% $now('[Y0001]-[M01]-[D01]') %}", b) == "2023-11-14"
    assert run("{% $now() %}", bindings(now_ms=0)) == "1970-01-01T00:00:00.000Z"


# --------------------------------------------------------------------------- extra functions


@pytest.mark.parametrize(
    ("array", "size", "expected"),
    [
        # test_array_partition (sfn JSONata): every recorded (array, size) pair
        ([0], 1, [[0]]),
        ([0], 5, [[0]]),
        ([0, 1], 1, [[0], [1]]),
        ([0, 1], 2, [[0, 1]]),
        ([0, 1], 3, [[0, 1]]),
        ([0, 1, 2], 1, [[0], [1], [2]]),
        ([0, 1, 2], 2, [[0, 1], [2]]),
        ([0, 1, 2], 3, [[0, 1, 2]]),
        ([0, 1, 2, 3], 2, [[0, 1], [2, 3]]),
        ([0, 1, 2, 3], 3, [[0, 1, 2], [3]]),
        ([0, 1, 2, 3], 5, [[0, 1, 2, 3]]),
        # AWS docs: $partition([1,2,3,4,5,6,7,8,9], 3)
        ([1, 2, 3, 4, 5, 6, 7, 8, 9], 3, [[1, 2, 3], [4, 5, 6], [7, 8, 9]]),
    ],
)
def test_partition(array: list[int], size: int, expected: list[list[int]]) -> None:
    b = bindings({"FunctionInput": {"fst": array, "snd": size}})
    assert (
        run(
            "{% $partition($states.input.FunctionInput.fst, $states.input.FunctionInput.snd) %}",
            b,
            "Output/FunctionResult",
        )
        == expected
    )


@pytest.mark.parametrize(
    "text",
    [
        "{% $partition([1], -1) %}",
        "{% $partition('a', 1) %}",
        "{% $partition() %}",
    ],
)
def test_partition_rejects_bad_arguments(text: str) -> None:
    assert "threw an error during evaluation: " in cause_of(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{% $range(0, 10, 2) %}", [0, 2, 4, 6, 8, 10]),  # AWS docs
        ("{% $range(0, 6, 2) %}", [0, 2, 4, 6]),  # floci-io/floci#2662, AWS
        ("{% $range(1, 6, 2) %}", [1, 3, 5]),
        ("{% $range(5, 1, -2) %}", [5, 3, 1]),
        ("{% $range(-1.7, 2, 1) %}", [-1, 0, 1, 2]),  # floci-io/floci#2676, AWS
        ("{% $range(5, 1, -1.5) %}", [5, 4, 3, 2, 1]),  # truncated toward zero, as AWS
    ],
)
def test_range(text: str, expected: list[int]) -> None:
    assert run(text) == expected


def test_range_rejects_a_zero_step() -> None:
    assert cause_of("{% $range(1, 2, 0) %}").endswith(
        "threw an error during evaluation: The step of $range must not be zero"
    )


@pytest.mark.parametrize(
    ("algorithm", "digest"),
    [
        ("SHA-1", "140f86aae51ab9e1cda9b4254fe98a74eb54c1a1"),  # floci-io/floci#2662, AWS
        ("MD5", "a43c1b0aa53a0c908810c06ab1ff3967"),
        ("SHA-256", "c96c6d5be8d08a12e7b5cdc1b207fa6b2430974c86803d8891675e76fd992c20"),
    ],
)
def test_hash(algorithm: str, digest: str) -> None:
    assert run("{% $hash('input', '" + algorithm + "') %}") == digest


def test_hash_lengths_and_unknown_algorithms() -> None:
    assert len(str(run("{% $hash('input', 'SHA-384') %}"))) == 96
    assert len(str(run("{% $hash('input', 'SHA-512') %}"))) == 128
    assert "threw an error during evaluation: " in cause_of("{% $hash('x', 'sha-1') %}")
    assert "threw an error during evaluation: " in cause_of("{% $hash('x', 'SHA-3') %}")


def test_java_random() -> None:
    # $random(42) on AWS is 0.7275636800328681, java.util.Random(42).nextDouble()
    # (floci-io/floci#2662); Random(0).nextDouble() is 0.730967787376657 in Java.
    assert java_random_double(42) == 0.7275636800328681
    assert java_random_double(0) == 0.730967787376657
    assert run("{% $random(42) %}") == 0.7275636800328681
    assert run("{% [$random(42), $random(42)] %}") == [0.7275636800328681] * 2


def test_unseeded_random_uses_the_bindings_source() -> None:
    first = run("{% $random() %}", bindings(seed=7))
    assert first == random.Random(7).random()
    assert isinstance(first, float)
    assert 0 <= first < 1


def test_uuid_is_v4_and_reproducible() -> None:
    value = run("{% $uuid() %}", bindings(seed=3))
    assert isinstance(value, str)
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", value
    )
    assert value == run("{% $uuid() %}", bindings(seed=3))
    assert value != run("{% $uuid() %}", bindings(seed=4))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # test_parse (sfn JSONata): every recorded input
        ("-0", 0),
        ("1", 1),
        ("1.1", 1.1),
        ("true", True),
        ('"HelloWorld"', "HelloWorld"),
        ('[1, 2, "HelloWorld"]', [1, 2, "HelloWorld"]),
        ('{"Arg1": 1, "Arg2": []}', {"Arg1": 1, "Arg2": []}),
    ],
)
def test_parse(text: str, expected: object) -> None:
    value = run("{% $parse($states.input.FunctionInput) %}", bindings({"FunctionInput": text}))
    assert value == expected
    assert type(value) is type(expected)


def test_parse_then_navigate_and_reject_bad_json() -> None:
    # floci-io/floci#2662, AWS: $parse("{\"a\":1}").a -> 1
    assert run('{% $parse("{\\"a\\":1}").a %}') == 1
    assert "threw an error during evaluation: " in cause_of("{% $parse('nope') %}")


def test_extra_functions_are_per_expression_not_global() -> None:
    import jsonata

    plain = jsonata.Jsonata("$partition")
    assert plain.evaluate(None) is None
