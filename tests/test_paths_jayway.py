"""JSONPath as AWS evaluates it (Jayway JsonPath), beyond plain reference paths (issues 9, 10).

Rules: AWS developer guide "Paths" ("Paths follow JsonPath syntax", linking Jayway; the example
``$.abc.['def ghi']``; Reference Paths support no functions); Jayway's README (functions
``length() min() max() avg() stddev() sum() keys() first() last()``, filters with ``&&``,
``||``, ``=~ /regex/flags``, evaluated with ``Matcher.matches()``); a published AWS sample
filtering with ``$.[?(@.OU > 0)]``.
"""

from __future__ import annotations

from typing import Any

import pytest

import aslrun
from aslrun.lang.paths import (
    PathNotFound,
    PathSyntaxError,
    compile_path,
    compile_reference_path,
    resolve,
)
from conftest import machine, run

ACCOUNTS = [{"Name": "a", "OU": 2}, {"Name": "b", "OU": 0}, {"Name": "c", "OU": 5}]


def get(path: str, data: Any) -> Any:
    return resolve(compile_path(path), data, None)


def test_filter_after_a_dot_as_in_a_published_sample() -> None:
    """``$.[?(@.OU > 0)]`` (dot, then bracket) is Jayway's spelling of ``$[?(@.OU > 0)]``."""
    assert get("$.[?(@.OU > 0)]", ACCOUNTS) == [ACCOUNTS[0], ACCOUNTS[2]]
    assert get("$.accounts.[?(@.OU > 0)].Name", {"accounts": ACCOUNTS}) == ["a", "c"]


def test_dot_before_brackets_in_plain_paths() -> None:
    """AWS's own example ``$.abc.['def ghi']``; also ``.[0]``."""
    data = {"abc": {"def ghi": [7, 8]}}
    assert get("$.abc.['def ghi']", data) == [7, 8]
    assert get("$.abc.['def ghi'].[1]", data) == 8
    assert compile_reference_path("$.abc.['def ghi']").steps == ("abc", "def ghi")


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("$['Test\\\"Name']", 'Test"Name'),
        ('$["Test\\"Name"]', 'Test"Name'),
        ("$['Test\\'Name']", "Test'Name"),
        ("$['Test\\\\\"Name']", 'Test\\"Name'),
    ],
)
def test_bracket_keys_with_escaped_quotes(path: str, key: str) -> None:
    """Jayway's bracket notation: a backslash escapes the next character."""
    data = {key: 1, "other": 2}
    assert get(path, data) == 1
    assert get(path + ".x", {key: {"x": 3}}) == 3
    assert get("$[*]" + path[1:], [data]) == [1]


def test_escaped_quote_keys_through_a_state_machine() -> None:
    definition = machine(
        {
            "P": {
                "Type": "Pass",
                "Parameters": {
                    "v.$": "$['Test\\\"Name']",
                    "f.$": "States.Format('{}', $['Test\\\"Name'])",
                },
                "ResultPath": "$['out\\\"put']",
                "End": True,
            }
        }
    )
    ex = run(definition, {'Test"Name': 1})
    assert ex.output == {'Test"Name': 1, 'out"put': {"v": 1, "f": "1"}}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$.n.length()", 4),
        ("$.o.length()", 2),
        ("$.n.sum()", 10.0),  # Jayway's numeric functions return doubles
        ("$.n.avg()", 2.5),
        ("$.n.min()", 1.0),
        ("$.n.max()", 4.0),
        ("$.n.stddev()", 1.118033988749895),
        ("$.o.keys()", ["k", "j"]),
        ("$.n.first()", 1),
        ("$.n.last()", 4),
        ("$.items[*].v.sum()", 5.0),
        ("$.items.length()", 2),
    ],
)
def test_jayway_functions(path: str, expected: Any) -> None:
    data = {"n": [1, 2, 3, 4], "o": {"k": 1, "j": 2}, "items": [{"v": 2}, {"v": 3}]}
    got = get(path, data)
    assert got == expected
    assert type(got) is type(expected)


def test_an_aggregation_over_no_numbers_fails_as_jayway() -> None:
    with pytest.raises(PathNotFound) as info:
        get("$.n.sum()", {"n": []})
    assert info.value.message == (
        "Function sum() failed: Aggregation function attempted to calculate value using empty array"
    )


def test_reference_paths_take_no_functions() -> None:
    """AWS "Reference Paths": functions such as length() aren't supported."""
    with pytest.raises(PathSyntaxError):
        compile_reference_path("$.n.length()")


def test_filters_and_or_not_and_paths() -> None:
    assert get("$[?(@.OU > 0 && @.Name == 'c')].Name", ACCOUNTS) == ["c"]
    assert get("$[?(@.OU == 0 || @.Name == 'a')].Name", ACCOUNTS) == ["a", "b"]
    assert get("$.a[?(@.OU == $.min)].Name", {"a": ACCOUNTS, "min": 5}) == ["c"]


def test_a_filter_on_an_object_tests_the_object_itself() -> None:
    """Jayway applies a filter on an object to the object (not to its members)."""
    assert get("$.acct[?(@.OU > 1)]", {"acct": ACCOUNTS[0]}) == [ACCOUNTS[0]]
    assert get("$.acct[?(@.OU > 9)]", {"acct": ACCOUNTS[0]}) == []


def test_regex_filters_match_the_whole_string() -> None:
    """Jayway evaluates ``=~`` with ``Matcher.matches()``: the whole string must match."""
    data = [{"s": "aab"}, {"s": "xaab"}, {"s": "AB"}]
    assert get("$[?(@.s =~ /a+b/)].s", data) == ["aab"]
    assert get("$[?(@.s =~ /a+b/i)].s", data) == ["aab", "AB"]
    assert get("$[?(@.s =~ /.*a\\/?b/)].s", data) == ["aab", "xaab"]


@pytest.mark.parametrize(
    "path",
    [
        "$&$",  # jsonpath-ng intersection
        "$.obj[/k]",  # jsonpath-ng sorting
        "$.a | $.b",  # union
        "$.a.concat('x')",
        "$.a.foo()",
        "$[?(@.a in [1, 2])]",
        "$[?(@.s =~ /(?=x)(a+)+/)]",  # a regex that could backtrack exponentially
        "$[?(@.s =~ /a/q)]",
    ],
)
def test_forms_evaluation_cannot_support_are_refused(path: str) -> None:
    """Validation accepts exactly what evaluation supports (issue 9, class 5)."""
    with pytest.raises(PathSyntaxError):
        compile_path(path)


def test_backtick_names_are_property_names_as_in_jayway() -> None:
    """jsonpath-ng's `parent`/`this`/`len` extensions do not exist in Jayway: there a dotted
    name with backticks is a property name. They used to pass validation and crash."""
    data = {"a": [{"`parent`": 1, "`len`": 2}, {"x": 0}]}
    assert get("$.a[*].`parent`", data) == [1]
    assert get("$.a[*].`len`", data) == [2]
    assert get("$.a[0].`parent`", data) == 1
    assert get("$[*].`this`", [{"`this`": 3}]) == [3]


def test_validate_reports_an_unsupported_path_where_it_is() -> None:
    definition = machine({"P": {"Type": "Pass", "Parameters": {"x.$": "$.obj[/k]"}, "End": True}})
    problems = aslrun.validate(definition)
    assert [(d.severity, d.path) for d in problems] == [
        ("ERROR", ("States", "P", "Parameters", "x.$"))
    ]
