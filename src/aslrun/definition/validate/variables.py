"""Warnings about workflow variables: assigned and never read, read and never assigned.

Scope-insensitive on purpose (a name assigned anywhere counts as assigned): these are
hints, never errors.  References are found in JSONPath paths (``$name...`` in ``.$`` values,
``*Path`` fields, ``Variable``), in intrinsic function arguments and in JSONata expressions
(``$name`` that is not a function call, a local ``:=`` binding, a lambda parameter or a
built-in function passed as a value).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Final

from aslrun.definition.validate.checks import is_expression, warning
from aslrun.errors import Diagnostic

__all__ = ["rule_variables"]

Loc = tuple[str | int, ...]
_PATH_VARIABLE = re.compile(r"^\$([A-Za-z_][A-Za-z0-9_]*)")
_ANY_VARIABLE = re.compile(r"(?<![\w$])\$([A-Za-z_][A-Za-z0-9_]*)")
_JSONATA_VARIABLE = re.compile(r"(?<![\w$])\$([A-Za-z_][A-Za-z0-9_]*)(\s*\()?")
_BOUND = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)\s*:=")
_LAMBDA = re.compile(r"function\s*\(([^)]*)\)")
_STRING_LITERAL = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'")
BUILTINS: Final = frozenset(
    [
        "string",
        "length",
        "substring",
        "substringBefore",
        "substringAfter",
        "uppercase",
        "lowercase",
        "trim",
        "pad",
        "contains",
        "split",
        "join",
        "match",
        "replace",
        "eval",
        "base64encode",
        "base64decode",
        "encodeUrlComponent",
        "encodeUrl",
        "decodeUrlComponent",
        "decodeUrl",
        "formatNumber",
        "formatBase",
        "formatInteger",
        "parseInteger",
        "number",
        "abs",
        "floor",
        "ceil",
        "round",
        "power",
        "sqrt",
        "random",
        "sum",
        "max",
        "min",
        "average",
        "boolean",
        "not",
        "exists",
        "count",
        "append",
        "sort",
        "reverse",
        "shuffle",
        "distinct",
        "zip",
        "keys",
        "lookup",
        "spread",
        "merge",
        "sift",
        "each",
        "error",
        "assert",
        "type",
        "map",
        "filter",
        "single",
        "reduce",
        "now",
        "millis",
        "fromMillis",
        "toMillis",
        "partition",
        "range",
        "hash",
        "uuid",
        "parse",
        "states",
    ]
)


def rule_variables(definition: Mapping[str, Any]) -> Iterator[Diagnostic]:
    assigned: dict[str, Loc] = {}
    used: dict[str, Loc] = {}
    _walk(definition, (), None, assigned, used)
    for name, path in used.items():
        if name not in assigned:
            yield warning(
                path, f"Variable '${name}' is read but never assigned", "UNDEFINED_VARIABLE"
            )
    for name, path in assigned.items():
        if name not in used:
            yield warning(path, f"Variable '{name}' is assigned but never used", "UNUSED_VARIABLE")


def _walk(value: Any, path: Loc, key: Any, assigned: dict[str, Loc], used: dict[str, Loc]) -> None:
    if isinstance(value, dict):
        for k, item in value.items():
            if k == "Assign" and isinstance(item, dict):
                for name in item:
                    if isinstance(name, str):
                        assigned.setdefault(name.removesuffix(".$"), (*path, k, name))
            if k != "Comment":
                _walk(item, (*path, k), k, assigned, used)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk(item, (*path, i), key, assigned, used)
    elif isinstance(value, str):
        for name in _references(value, key):
            used.setdefault(name, path)


def _references(text: str, key: Any) -> list[str]:
    if is_expression(text):
        return _jsonata_references(text[2:-2])
    if not isinstance(key, str) or not (key.endswith((".$", "Path")) or key == "Variable"):
        return []
    if text.startswith("States."):
        return _ANY_VARIABLE.findall(_STRING_LITERAL.sub("", text))
    match = _PATH_VARIABLE.match(text)
    return [match.group(1)] if match else []


def _jsonata_references(body: str) -> list[str]:
    body = _STRING_LITERAL.sub("", body)
    local = set(_BOUND.findall(body))
    for params in _LAMBDA.findall(body):
        local.update(_ANY_VARIABLE.findall(params))
    return [
        name
        for name, call in _JSONATA_VARIABLE.findall(body)
        if not call and name not in local and name not in BUILTINS
    ]
