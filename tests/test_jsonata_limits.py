"""JSONata at the edges (issues 9 and 10): text the parser cannot read, evaluations that would
not end, regular expressions that would backtrack exponentially, values that are not JSON,
and one-item sequences.

Rules: AWS "Transforming data with JSONata in Step Functions" (JSONata 2.0.6; failures are
``States.QueryEvaluationError`` naming the expression and the field); AWS's stack overflow
text measured in floci-io/floci#2737; the JSONata documentation ("Sequences", ``$map``:
"If the input argument is an array with 1 element, returns the single result").
"""

from __future__ import annotations

from typing import Any

import pytest

import aslrun
from aslrun.lang import jsonata
from aslrun.lang.jsonata import JsonataSyntaxError, compile_expression
from conftest import machine, run
from jsonata_helpers import bindings, cause, value


def head(body: str) -> str:
    return f"The JSONata expression '{body}' specified for the field 'Output' "


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("!", 'Unknown operator: "!"'),
        ("/", "Unexpected end of expression"),
        ("/* never closed", "Comment has no closing tag"),
        ("1 + /* never closed", "Comment has no closing tag"),
        ('$match("a", /a{2,1}/)', "Invalid regular expression: /a{2,1}/: "),
        ('$match("a", /(?=a)(b+)+/)', "the regular expression /(?=a)(b+)+/ needs a "),
    ],
)
def test_text_the_parser_cannot_read_is_a_syntax_error(body: str, message: str) -> None:
    """KeyError/IndexError/re.error from the parser become INVALID_JSONATA_EXPRESSION."""
    with pytest.raises(JsonataSyntaxError) as info:
        compile_expression("{% " + body + " %}")
    assert info.value.code == "INVALID_JSONATA_EXPRESSION"
    assert info.value.message.startswith(message)


def test_validate_locates_an_unreadable_expression() -> None:
    """validate() reports it at the field, never raises (issue 9, class 5)."""
    definition = machine(
        {"P": {"Type": "Pass", "Output": {"x": "{% ! %}"}, "End": True}}, QueryLanguage="JSONata"
    )
    problems = aslrun.validate(definition)
    assert [(d.code, d.path) for d in problems] == [
        ("INVALID_JSONATA_EXPRESSION", ("States", "P", "Output", "x"))
    ]


# --------------------------------------------------------------------------- bounds


def test_an_infinite_tail_recursion_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    """jsonata-js runs a tail-recursive loop forever; AWS stops it after one second with
    "Expression evaluation timeout" (AWS guide), aslrun after MAX_STEPS (lowered here so the
    test is quick: the default is 200,000) with that text."""
    monkeypatch.setattr(jsonata, "MAX_STEPS", 5_000)
    body = "($f := function($n){$f($n + 1)}; $f(0))"
    assert cause(body) == head(body) + (
        "threw an error during evaluation: Expression evaluation timeout: Check for infinite loop"
    )


def test_the_step_budget_is_per_evaluation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each evaluation starts with the whole budget: repeating one under it always works."""
    monkeypatch.setattr(jsonata, "MAX_STEPS", 5_000)
    expression = compile_expression("{% $sum($map([1..100], function($v){$v})) %}")
    for _ in range(20):
        assert expression.evaluate(bindings(), "Output") == 5050


STACK = (
    "threw an error during evaluation: Stack overflow error: Check for non-terminating "
    "recursive function. Consider rewriting as tail-recursive."
)
MEMORY = (
    "threw an error during evaluation: Expression evaluation memory limit exceeded: "
    "Check for excessive memory usage"
)
RECURSE = "($f := function($x){ $x <= 0 ? 0 : 1 + $f($x-1) }; $f(%d))"


@pytest.mark.parametrize(
    ("accepted", "refused"),
    [
        ("+".join(["1"] * 100), "+".join(["1"] * 101)),
        ("(" * 99 + "1" + ")" * 99, "(" * 100 + "1" + ")" * 100),
        ("[" * 99 + "1" + "]" * 99, "[" * 100 + "1" + "]" * 100),
        ("1" + " ~> $abs()" * 99, "1" + " ~> $abs()" * 100),
        (RECURSE % 31, RECURSE % 32),
    ],
)
def test_depth_boundaries_are_aws_measured_ones(accepted: str, refused: str) -> None:
    """floci-io/floci#2737, measured on AWS with TestState (us-east-1): AWS accepts 100
    terms of ``1+1+...``, 99 parentheses, 99 brackets, 99 ``~>`` stages and a
    non-tail-recursive ``$f(31)``, and refuses one more of each with its stack overflow
    text (a 200-term sum is its example)."""
    assert value(accepted) is not None
    assert cause(refused) == head(refused) + STACK


def test_deep_recursion_fails_with_aws_stack_overflow_text() -> None:
    """floci-io/floci#2737 (AWS): 200 terms of ``1+1+...`` fail with this text."""
    body = "+".join(["1"] * 200)
    assert cause(body) == head(body) + STACK
    assert value(RECURSE % 31) == 31


@pytest.mark.parametrize(
    ("accepted", "count", "refused"),
    [
        ("[1..873782] ~> $count()", 873_782, "[1..873783] ~> $count()"),
        ("$count($range(1, 360145, 1))", 360_145, "$count($range(1, 360146, 1))"),
    ],
)
def test_memory_boundaries_are_aws_measured_ones(accepted: str, count: int, refused: str) -> None:
    """floci-io/floci#2737 and #2676, measured on AWS: the largest sequence and ``$range``
    AWS builds; one element more fails with AWS's memory limit text."""
    assert value(accepted) == count
    assert cause(refused) == head(refused) + MEMORY


def test_a_huge_range_is_refused_before_it_is_built() -> None:
    """floci-io/floci#2737 (AWS): ``[1..900000] ~> $count()`` and ``$sum([1..900000])`` fail
    with the memory limit; ten million items are refused before they are built."""
    for body in ("[1..900000] ~> $count()", "$sum([1..900000])", "$sum([0..9999999])"):
        assert cause(body) == head(body) + MEMORY
    body = "$sum($range(0, 9999999, 1))"
    assert cause(body) == head(body) + MEMORY


def test_a_string_past_the_bound_fails() -> None:
    """floci-io/floci#2737 (AWS): a string doubled 22 times (4,194,304 characters) is
    accepted, the 23rd doubling fails with the memory limit; any intermediate value counts."""
    body = "($p := function($s, $n) { $n = 0 ? $s : $p($s & $s, $n - 1) }; $length($p('x', %d)))"
    assert value(body % 22) == 4_194_304
    assert cause(body % 23) == head(body % 23) + MEMORY


# --------------------------------------------------------------------------- regular expressions


EVIL = "a" * 5000 + "!"  # backtracking (a+)+b over this would not end in a lifetime


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("$contains($states.input, /(a+)+b/)", False),
        ("$count($match($states.input, /(a+)+b/))", 0),
        ("$length($replace($states.input, /(a+)+b/, 'x'))", 5001),
        ("$count($split($states.input, /(a+)+b/))", 1),
    ],
)
def test_nested_quantifiers_run_in_linear_time(body: str, expected: Any) -> None:
    """Regex literals run on RE2: nested quantifiers cannot blow up (issue 9, class 7)."""
    assert value(body, EVIL) == expected


def test_regex_functions_keep_jsonata_semantics_on_re2() -> None:
    """Groups, $N references, flags and the match objects are JSONata's."""
    assert value("$replace('John Smith', /(\\w+)\\s(\\w+)/, '$2, $1')") == "Smith, John"
    assert value("$match('ababbabbcc', /a(b+)/)") == [
        {"match": "ab", "index": 0, "groups": ["b"]},
        {"match": "abb", "index": 2, "groups": ["bb"]},
        {"match": "abb", "index": 5, "groups": ["bb"]},
    ]
    assert value("$contains('Hello', /^h/i)") is True
    assert value("$split('a1b22c', /\\d+/)") == ["a", "b", "c"]
    assert value("$replace('abc', /(b)/, '[$1$9]')") == "a[b]c"


def test_lookahead_falls_back_to_a_guarded_backtracking_engine() -> None:
    """RE2 has no lookaround: such a pattern runs on ``re`` when its shape cannot backtrack
    exponentially, on subjects of at most 10,000 characters."""
    assert value("$match('price: 30 USD', /\\d+(?= USD)/).match") == "30"
    body = "$contains($states.input, /a(?=b)/)"
    assert cause(body, "a" * 10_001) == head(body) + (
        "threw an error during evaluation: the regular expression /a(?=b)/ uses lookaround "
        "or backreferences, which aslrun runs only on text of at most 10000 characters; "
        "this text has 10001"
    )


def test_jsonpath_regex_filters_run_in_linear_time() -> None:
    """JSONPath ``=~`` filters use the same engine (issue 9, class 7)."""
    definition = machine(
        {"P": {"Type": "Pass", "Parameters": {"m.$": "$.items[?(@.s =~ /(a+)+b/)]"}, "End": True}}
    )
    ex = run(definition, {"items": [{"s": EVIL}, {"s": "aab"}]})
    assert ex.output == {"m": [{"s": "aab"}]}


# --------------------------------------------------------------------------- results


def test_a_function_where_a_value_is_needed() -> None:
    """AWS: "returned an unsupported result type" (issue 10), not "returned nothing"."""
    for body in ("$sum", "function($x){$x}", "$states.input ? $uppercase : 1"):
        assert cause(body, True) == head(body) + "returned an unsupported result type."


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("$map([2], function($v){$v * 2})", 4),  # JSONata $map doc: a one-item result is the item
        ("$map([2], function($v){$v * 2})[]", [4]),  # [] keeps the singleton array
        ("$filter([1, 2], function($v){$v > 1})", 2),
        ("$distinct([1, 1])", 1),
        ("[1]", [1]),  # an array constructor is an array, never unwrapped
        ("[[1]]", [[1]]),
        ("$states.input.a", [5]),  # a real array at the last step is returned as it is
        ("$states.input.o.b", 1),  # a one-item sequence from a path step
        ("$states.input.o.b[]", [1]),
        ("{'x': $map([2], function($v){$v * 2})}", {"x": 4}),
        ("$partition([0], 1)", [[0]]),  # recorded: AWS's own functions return real arrays
    ],
)
def test_one_item_sequences_collapse_as_jsonata_says(body: str, expected: Any) -> None:
    assert value(body, {"a": [5], "o": [{"b": 1}]}) == expected


def test_lone_surrogates_flow_through_jsonata() -> None:
    """A lone surrogate from a JSON escape flows through functions and the size check."""
    definition = machine(
        {
            "P": {
                "Type": "Pass",
                "Output": "{% $parse('\"\\\\ud800\"') & $uppercase('x') %}",
                "End": True,
            }
        },
        QueryLanguage="JSONata",
    )
    ex = run(definition, {})
    assert ex.status == "SUCCEEDED"
    assert ex.output == "\ud800X"


def test_pad_past_the_bound_is_refused_before_allocating() -> None:
    """``$pad('x', 1e10)`` would allocate 10 GB before any step hook saw it."""
    body = "$pad('x', 1e10)"
    assert cause(body) == head(body) + MEMORY
    assert value("$pad('x', -3, '#')") == "##x"  # the engine's own $pad still does the work


@pytest.mark.parametrize(
    ("body", "input_"),
    [
        ("$parse('1e999')", None),
        ("$states.input", 10**400),
        ("$spread({'a': $states.input})", 10**400),
    ],
)
def test_numbers_no_double_holds_fail_as_jsonata_does(body: str, input_: Any) -> None:
    """A value past the largest double is JSONata's D1001, never an OverflowError."""
    assert "threw an error during evaluation. D1001: Number out of range" in cause(body, input_)


def test_hash_of_a_lone_surrogate() -> None:
    """$hash writes a lone surrogate as Java's UTF-8 encoder does ('?'): MD5('?')."""
    assert value("$hash($states.input, 'MD5')", "\ud800") == "d1457b72c3fb323a2671125aef3eab5d"


def test_regular_expressions_over_lone_surrogates() -> None:
    """RE2 reads UTF-8: a lone surrogate in the text is matched as U+FFFD, never a crash."""
    assert value("$contains($states.input, /a.b/)", "a\ud800b") is True
    assert get_filtered([{"s": "a\ud800b"}, {"s": "ab"}]) == [{"s": "a\ud800b"}]


def get_filtered(items: list[Any]) -> Any:
    from aslrun.lang.paths import compile_path

    return compile_path("$[?(@.s =~ /a.b/)]").get(items)


def test_invoking_a_non_function_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    """T1006 as AWS words it (test_math_random_seeded); the engine's own 'Proc not found'
    line must not reach the process's stdout, which is the CLI's output."""
    body = "$randomSeeded(1)"
    assert cause(body) == head(body) + (
        "threw an error during evaluation. T1006: Attempted to invoke a non-function"
    )
    assert capsys.readouterr().out == ""


def test_nesting_past_the_json_depth_bound_is_refused() -> None:
    """$parse of text nested past MAX_JSON_DEPTH (256), and any result nested past it, fail
    cleanly, as States.StringToJson does (issue 9, class 1)."""
    text = "[" * 600 + "]" * 600
    body = f"$parse('{text}')"
    assert cause(body) == head(body) + (
        "threw an error during evaluation: The argument of $parse is nested 600 levels "
        "deep, more than 256"
    )
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(700):
        node["a"] = {}
        node = node["a"]
    assert cause("$states.input", deep) == head("$states.input") + (
        "threw an error during evaluation: The result is nested more than 256 levels deep "
        "(aslrun's bound on JSON nesting)"
    )
    shallower = value("$states.input" + ".a" * 500, deep)
    assert isinstance(shallower, dict)
