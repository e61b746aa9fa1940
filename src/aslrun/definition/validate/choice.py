"""Validation of Choice states: the rule grammar of JSONPath and JSONata Choice rules."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Final

from aslrun.definition.validate.checks import (
    StateContext,
    check_path,
    error,
    is_expression,
    warning,
)
from aslrun.definition.validate.payloads import check_assign
from aslrun.errors import Diagnostic
from aslrun.lang.choice_operators import SPECS, Operand, operand_ok
from aslrun.lang.pieces import Pieces

__all__ = ["rule_choice"]

Loc = tuple[str | int, ...]
_LOOKS_LIKE_PATH = re.compile(r"^\$\$?[.\[]")
_MAX_RULE_DEPTH: Final = 64


# How a problem names the operand kind an operator takes (the kinds: lang.choice_operators).
_OPERAND_TEXT: Final[Mapping[Operand, str]] = {
    "string": "a string",
    "number": "a number",
    "boolean": "a boolean",
    "timestamp": "an ISO-8601 timestamp",
    "path": "a path",
}
_OPERATORS: Final = ("And", "Or", "Not")
_JSONPATH_RULE: Final = frozenset({"Variable", *SPECS, *_OPERATORS})


def rule_choice(ctx: StateContext) -> Iterator[Diagnostic]:
    """Choices is a non-empty array of rules; Default names a state."""
    if ctx.type != "Choice":
        return
    choices = ctx.body.get("Choices")
    if not isinstance(choices, list) or not choices:
        yield error((*ctx.path, "Choices"), "The field 'Choices' must be a non-empty array")
        return
    if "Default" in ctx.body and not isinstance(ctx.body["Default"], str):
        yield error((*ctx.path, "Default"), "The field 'Default' must be a state name")
    for i, rule in enumerate(choices):
        path = (*ctx.path, "Choices", i)
        if not isinstance(rule, dict):
            yield error(path, "A Choice rule must be an object")
        elif ctx.jsonata:
            yield from _jsonata_rule(ctx, rule, path)
        else:
            yield from _top_rule(ctx, rule, path)


def _jsonata_rule(ctx: StateContext, rule: Mapping[str, Any], path: Loc) -> Iterator[Diagnostic]:
    for key in rule:
        if key in _JSONPATH_RULE:
            yield error(
                (*path, key),
                f"The QueryLanguage is set to 'JSONata', but field "
                f"'{key}' is only supported for the 'JSONPath' "
                "QueryLanguage",
            )
        elif key not in ("Condition", "Next", "Assign", "Output", "Comment"):
            yield error((*path, key), f"Field '{key}' is not supported")
    condition = rule.get("Condition")
    if "Condition" not in rule:
        yield error(path, "The field 'Condition' is required in a JSONata Choice rule")
    elif not (is_expression(condition) or isinstance(condition, bool)):
        yield error(
            (*path, "Condition"), "The field 'Condition' must be a JSONata expression or a boolean"
        )
    yield from _next(rule, path)
    if "Assign" in rule:
        yield from check_assign(rule["Assign"], (*path, "Assign"))


def _next(rule: Mapping[str, Any], path: Loc) -> Iterator[Diagnostic]:
    if not isinstance(rule.get("Next"), str):
        yield error((*path, "Next"), "The field 'Next' is required in a top-level Choice rule")


def _top_rule(ctx: StateContext, rule: Mapping[str, Any], path: Loc) -> Iterator[Diagnostic]:
    for key in rule:
        if key == "Condition":
            yield error(
                (*path, key),
                "The QueryLanguage is set to 'JSONPath', but field "
                "'Condition' is only supported for the 'JSONata' "
                "QueryLanguage",
            )
        elif key not in _JSONPATH_RULE and key not in ("Next", "Assign", "Comment"):
            yield error((*path, key), f"Field '{key}' is not supported")
    yield from _next(rule, path)
    if "Assign" in rule:
        yield from check_assign(rule["Assign"], (*path, "Assign"))
    yield from _rule_body(rule, path, 0, ctx.pieces)


def _nested_rule(rule: Any, path: Loc, depth: int, pieces: Pieces) -> Iterator[Diagnostic]:
    if not isinstance(rule, dict):
        yield error(path, "A Choice rule must be an object")
        return
    for key in rule:
        if key in ("Next", "Assign"):
            yield error((*path, key), f"A nested Choice rule cannot have '{key}'")
        elif key not in _JSONPATH_RULE and key != "Comment":
            yield error((*path, key), f"Field '{key}' is not supported")
    yield from _rule_body(rule, path, depth, pieces)


def _rule_body(
    rule: Mapping[str, Any], path: Loc, depth: int, pieces: Pieces
) -> Iterator[Diagnostic]:
    if depth > _MAX_RULE_DEPTH:
        yield error(path, "Choice rules are nested too deeply", "TOO_DEEPLY_NESTED")
        return
    comparators = [k for k in rule if k in SPECS]
    operators = [k for k in rule if k in _OPERATORS]
    if "Variable" in rule:
        yield from check_path(rule["Variable"], (*path, "Variable"), "path", pieces)
        if len(comparators) != 1 or operators:
            yield error(
                path,
                "A Choice rule with 'Variable' must have exactly one comparison "
                f"operator (found: {', '.join(comparators + operators) or 'none'})",
            )
    elif len(operators) != 1 or comparators:
        yield error(
            path,
            "A Choice rule must have 'Variable' and one comparison operator, "
            "or exactly one of 'And', 'Or', 'Not'",
        )
    for key in comparators:
        yield from _comparator(key, rule[key], (*path, key), pieces)
    for key in operators:
        yield from _operator(key, rule[key], (*path, key), depth, pieces)


def _comparator(key: str, value: Any, path: Loc, pieces: Pieces) -> Iterator[Diagnostic]:
    kind = SPECS[key].operand
    if not operand_ok(kind, value):
        yield error(path, f"The value of '{key}' must be {_OPERAND_TEXT[kind]}")
    elif kind == "path":
        yield from check_path(value, path, "path", pieces)
    elif isinstance(value, str) and _LOOKS_LIKE_PATH.match(value):
        yield warning(
            path,
            f"The value of '{key}' looks like a path, but the field name "
            f"does not end with 'Path' (use '{key}Path')",
            "NO_PATH",
        )


def _operator(key: str, value: Any, path: Loc, depth: int, pieces: Pieces) -> Iterator[Diagnostic]:
    if key == "Not":
        yield from _nested_rule(value, path, depth + 1, pieces)
    elif not isinstance(value, list) or not value:
        yield error(path, f"The field '{key}' must be a non-empty array of rules")
    else:
        for i, rule in enumerate(value):
            yield from _nested_rule(rule, (*path, i), depth + 1, pieces)
