"""The rules about a state's values: paths, payload templates, JSONata expressions, Assign.

Each rule compiles what it checks (a path, an intrinsic function call, an expression) and
records it in the state's :class:`~aslrun.lang.pieces.Pieces`, so the builders compile
nothing again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from aslrun.definition.validate.checks import (
    StateContext,
    check_intrinsic,
    check_path,
    error,
    is_expression,
    warning,
)
from aslrun.definition.validate.states import FIELDS, PATH_FIELDS
from aslrun.errors import Diagnostic
from aslrun.lang.pieces import FAILED, Pieces

__all__ = [
    "check_assign",
    "check_template",
    "rule_assign",
    "rule_jsonata",
    "rule_no_path",
    "rule_paths",
    "rule_templates",
]

Loc = tuple[str | int, ...]
_LOOKS_LIKE_PATH = re.compile(r"^\$\$?[.\[]")
_LOOKS_LIKE_INTRINSIC = re.compile(r"^States\.[A-Za-z0-9]+\(")
_VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


# -- paths, payload templates, JSONata ----------------------------------------------


def rule_paths(ctx: StateContext) -> Iterator[Diagnostic]:
    if ctx.jsonata:
        return
    for key, kind in PATH_FIELDS.items():
        if key in ctx.body and key in FIELDS.get(ctx.type, ()):
            yield from check_path(ctx.body[key], (*ctx.path, key), kind, ctx.pieces)


def check_template(value: Any, path: Loc, pieces: Pieces) -> Iterator[Diagnostic]:
    """A JSONPath payload template: ``.$`` values are paths or intrinsics (NO_DOLLAR)."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from check_template(item, (*path, i), pieces)
        return
    if not isinstance(value, dict):
        return
    plain = {k for k in value if isinstance(k, str) and not k.endswith(".$")}
    for key, item in value.items():
        here = (*path, key)
        if isinstance(key, str) and key.endswith(".$"):
            if key[:-2] in plain:
                yield error(here, f"The field '{key[:-2]}' is given twice (with and without '.$')")
            yield from _dollar_value(item, here, pieces)
        elif isinstance(item, str) and (
            _LOOKS_LIKE_PATH.match(item) or _LOOKS_LIKE_INTRINSIC.match(item)
        ):
            yield warning(
                here,
                f"The value of '{key}' looks like a JSONPath or intrinsic "
                f"function but the field name does not end with '.$': "
                f"it is passed as the literal string {item!r}",
                "NO_DOLLAR",
            )
        else:
            yield from check_template(item, here, pieces)


def _dollar_value(value: Any, path: Loc, pieces: Pieces) -> Iterator[Diagnostic]:
    field = path[-1]
    if isinstance(value, str) and value.startswith("States."):
        yield from check_intrinsic(value, path, pieces)
    elif isinstance(value, str) and value.startswith("$"):
        yield from check_path(value, path, "path", pieces)
    else:
        pieces[path] = FAILED
        yield error(
            path,
            f"The value for the field '{field}' must be a valid JSONPath or a "
            "valid intrinsic function call",
        )


def rule_templates(ctx: StateContext) -> Iterator[Diagnostic]:
    if ctx.jsonata:
        return
    body = ctx.body
    for key in ("Parameters", "ResultSelector", "ItemSelector", "Credentials", "Assign"):
        if key in body:
            yield from check_template(body[key], (*ctx.path, key), ctx.pieces)
    for key, inner in (
        ("ItemReader", "Parameters"),
        ("ResultWriter", "Parameters"),
        ("ItemBatcher", "BatchInput"),
    ):
        section = body.get(key)
        if isinstance(section, dict) and inner in section:
            yield from check_template(section[inner], (*ctx.path, key, inner), ctx.pieces)
    if ctx.type == "Pass" and "Result" in body:
        yield from _static_result(body["Result"], (*ctx.path, "Result"))


def _static_result(value: Any, path: Loc) -> Iterator[Diagnostic]:
    """PASS_RESULT_IS_STATIC: paths inside a Pass state's Result are not evaluated."""
    items: Any = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        if (isinstance(key, str) and key.endswith(".$")) or (
            isinstance(item, str) and (_LOOKS_LIKE_PATH.match(item))
        ):
            yield warning(
                (*path, key),
                "The Result of a Pass state is static: paths in it "
                "are not evaluated (use Parameters)",
                "PASS_RESULT_IS_STATIC",
            )
        else:
            yield from _static_result(item, (*path, key))


def rule_no_path(ctx: StateContext) -> Iterator[Diagnostic]:
    """NO_PATH: a path-looking value in a field whose name does not end with 'Path'."""
    if ctx.jsonata:
        return
    for key in ("Timestamp", "Error", "Cause"):
        value = ctx.body.get(key)
        if isinstance(value, str) and _LOOKS_LIKE_PATH.match(value):
            yield warning(
                (*ctx.path, key),
                f"The value of '{key}' looks like a path, but the "
                f"field name does not end with 'Path' (use "
                f"'{key}Path')",
                "NO_PATH",
            )


_SKIP_EXPRESSIONS = frozenset({"Comment", "Branches", "ItemProcessor", "Iterator"})


def rule_jsonata(ctx: StateContext) -> Iterator[Diagnostic]:
    """Every ``{% %}`` expression of a JSONata state must parse."""
    if not ctx.jsonata:
        return
    # The JSONata engine is a heavy import: only JSONata definitions pay for it.
    from aslrun.lang.jsonata import (  # noqa: PLC0415 - heavy, loaded for JSONata states only
        JsonataSyntaxError,
        compile_expression,
    )

    for key, value in ctx.body.items():
        if key in _SKIP_EXPRESSIONS:
            continue
        for path, text in _expressions(value, (*ctx.path, key)):
            try:
                ctx.pieces[path] = ctx.expressions[text] = compile_expression(text)
            except JsonataSyntaxError as exc:
                ctx.pieces[path] = FAILED
                yield error(path, f"Invalid JSONata expression {text!r}: {exc.message}", exc.code)


def _expressions(value: Any, path: Loc) -> Iterator[tuple[Loc, str]]:
    if is_expression(value):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "Comment":
                yield from _expressions(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _expressions(item, (*path, i))


def rule_assign(ctx: StateContext) -> Iterator[Diagnostic]:
    if "Assign" not in ctx.body:
        return
    yield from check_assign(ctx.body["Assign"], (*ctx.path, "Assign"))


def check_assign(assign: Any, path: Loc) -> Iterator[Diagnostic]:
    if not isinstance(assign, dict) and not is_expression(assign):
        yield error(path, "The field 'Assign' must be an object")
        return
    for key in assign if isinstance(assign, dict) else ():
        name = key[:-2] if isinstance(key, str) and key.endswith(".$") else key
        if not isinstance(name, str) or not _VARIABLE_NAME.match(name) or len(name) > 80:
            yield error(
                (*path, key),
                f"Invalid variable name {name!r}: use letters, digits and "
                "'_' (no '.' or '['), at most 80 characters",
            )
        elif name == "states":
            yield error((*path, key), "'states' is reserved and cannot be assigned")
