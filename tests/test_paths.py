"""aslrun.lang.paths: compile_path / resolve / set_path against the AWS developer guide's path rules
(Path, context path, Reference Path for ResultPath) and Jayway's miss messages as AWS reports them.
"""

from __future__ import annotations

from typing import Any

import pytest

from aslrun.lang.paths import (
    PathNotFound,
    PathSyntaxError,
    compile_path,
    compile_reference_path,
    resolve,
    set_path,
)

DATA = {"a": {"b": [10, 20, {"c": "x"}]}, "list": [{"id": 1}, {"id": 2}], "sp ace": 1}
CONTEXT = {"Execution": {"Name": "n"}}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$", DATA),
        ("$.a.b[0]", 10),
        ("$.a.b[2].c", "x"),
        ("$['sp ace']", 1),
        ("$.list[*].id", [1, 2]),
        ("$.list[?(@.id == 2)]", [{"id": 2}]),
        ("$.a.b[-1:]", [{"c": "x"}]),
    ],
)
def test_resolve_input_paths(path: str, expected: Any) -> None:
    """Definite paths give the value; wildcard/filter/slice paths gather an array."""
    assert resolve(compile_path(path), DATA, CONTEXT) == expected


def test_resolve_context_paths() -> None:
    assert resolve(compile_path("$$.Execution.Name"), DATA, CONTEXT) == "n"
    assert resolve(compile_path("$$"), DATA, CONTEXT) == CONTEXT


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("$.x", "No results for path: $['x']"),
        ("$.no.such.result.path", "Missing property in path $['no']"),
    ],
)
def test_missing_paths(path: str, message: str) -> None:
    """Misses raise PathNotFound with Jayway's message (recorded cases
    test_invalid_jsonpath[ST.INVALID_JSONPATH_IN_INPUTPATH], test_catch_states_runtime)."""
    with pytest.raises(PathNotFound) as info:
        resolve(compile_path(path), {"a": 1}, CONTEXT)
    assert message in str(info.value)


def test_wildcard_miss_is_empty_array() -> None:
    """An indefinite path with no match gives [] rather than failing."""
    assert resolve(compile_path("$.items[*].id"), {"items": []}, CONTEXT) == []


@pytest.mark.parametrize("text", ["a.b", "", "x"])
def test_paths_must_start_with_dollar(text: str) -> None:
    with pytest.raises(PathSyntaxError):
        compile_path(text)


@pytest.mark.parametrize("text", ["$$.Execution", "$.a[*]", "$.a[?(@.x)]"])
def test_reference_paths_are_single_node_and_not_context(text: str) -> None:
    """ResultPath is a Reference Path: single node, cannot start with `$$`."""
    with pytest.raises(PathSyntaxError):
        compile_reference_path(text)


def test_set_path_creates_intermediate_objects_without_mutating() -> None:
    data = {"x": 1}
    out = set_path(data, compile_reference_path("$.a.b.c"), 9)
    assert out == {"x": 1, "a": {"b": {"c": 9}}}
    assert data == {"x": 1}


def test_set_path_root_replaces() -> None:
    assert set_path({"x": 1}, compile_reference_path("$"), [1]) == [1]


def test_set_path_merges_and_replaces() -> None:
    data = {"a": {"old": 1, "k": 0}}
    assert set_path(data, compile_reference_path("$.a.k"), 5) == {"a": {"old": 1, "k": 5}}
    assert data == {"a": {"old": 1, "k": 0}}


def test_set_path_through_a_non_object_fails() -> None:
    """An intermediate node that is not an object cannot hold the result."""
    with pytest.raises(PathNotFound):
        set_path({"a": 5}, compile_reference_path("$.a.b"), 1)
