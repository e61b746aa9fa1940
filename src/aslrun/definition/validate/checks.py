"""What every validation rule shares: the state as rules see it and the value checks.

:class:`StateContext`, the Diagnostic makers :func:`error` and :func:`warning`, and checks of
one value (an integer range, a path, an intrinsic function call) used by the rules in
:mod:`.states`, :mod:`.retry_catch` and :mod:`.choice`.  This module imports no other
rule module, so they can all import it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeGuard

from aslrun.errors import Diagnostic, Severity
from aslrun.lang.intrinsics import IntrinsicSyntaxError, compile_intrinsic
from aslrun.lang.paths import PathSyntaxError, compile_path, compile_reference_path
from aslrun.lang.pieces import FAILED, Pieces

__all__ = [
    "JSONATA",
    "JSONPATH",
    "MAX_SECONDS",
    "SCHEMA",
    "StateContext",
    "check_int",
    "check_intrinsic",
    "check_path",
    "error",
    "exclusive",
    "is_expression",
    "is_int",
    "is_number",
    "language_message",
    "warning",
]

Loc = tuple[str | int, ...]
JSONPATH: Final = "JSONPath"
JSONATA: Final = "JSONata"
SCHEMA: Final = "SCHEMA_VALIDATION_FAILED"
MAX_SECONDS: Final = 99999999


@dataclass(frozen=True)
class StateContext:
    """One state as the rules see it: its body, location and effective query language."""

    name: str
    body: Mapping[str, Any]
    path: Loc
    language: str
    top_language: str
    pieces: Pieces = dataclasses.field(default_factory=dict, compare=False, repr=False)
    expressions: dict[str, object] = dataclasses.field(
        default_factory=dict, compare=False, repr=False
    )  # the state's compiled JSONata expressions by their text (also in ``pieces``)

    @property
    def type(self) -> str:
        kind = self.body.get("Type")
        return kind if isinstance(kind, str) else ""

    @property
    def jsonata(self) -> bool:
        return self.language == JSONATA


def error(path: Loc, message: str, code: str = SCHEMA) -> Diagnostic:
    return Diagnostic(path, message, code, "ERROR")


def warning(path: Loc, message: str, code: str) -> Diagnostic:
    severity: Severity = "WARNING"
    return Diagnostic(path, message, code, severity)


def is_expression(value: object) -> bool:
    """A whole ``{% ... %}`` JSONata expression (any inner spacing, as AWS accepts)."""
    return isinstance(value, str) and len(value) >= 4 and value[:2] == "{%" and value[-2:] == "%}"


def is_int(value: object) -> TypeGuard[int | float]:
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, float) and value.is_integer()
    )


def is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_int(
    ctx: StateContext | None, value: Any, path: Loc, low: int, high: int = MAX_SECONDS
) -> Iterator[Diagnostic]:
    """An integer in [low, high]; a JSONata expression is accepted in JSONata states."""
    if ctx is not None and ctx.jsonata and is_expression(value):
        return
    field = path[-1]
    if not is_int(value):
        yield error(path, f"The field '{field}' must be an integer")
    elif not low <= value <= high:
        yield error(path, f"The field '{field}' must be between {low} and {high}")


def exclusive(ctx: StateContext, *fields: str) -> Iterator[Diagnostic]:
    present = [f for f in fields if f in ctx.body]
    if len(present) > 1:
        yield error(
            ctx.path, f"Fields {', '.join(repr(f) for f in present)} are mutually exclusive"
        )


def language_message(language: str, key: str) -> str:
    other = JSONPATH if language == JSONATA else JSONATA
    return (
        f"The QueryLanguage is set to '{language}', but field '{key}' is only supported "
        f"for the '{other}' QueryLanguage"
    )


def check_path(value: Any, path: Loc, kind: str, pieces: Pieces) -> Iterator[Diagnostic]:
    """A path field's syntax; the compiled path (or intrinsic) is kept in ``pieces``."""
    field = path[-1]
    if value is None and field in ("InputPath", "OutputPath", "ResultPath"):
        return
    if not isinstance(value, str):
        pieces[path] = FAILED
        yield error(path, f"The value for the field '{field}' must be a valid JSONPath")
        return
    if kind == "path-or-intrinsic" and value.startswith("States."):
        yield from check_intrinsic(value, path, pieces)
        return
    try:
        pieces[path] = (compile_reference_path if kind == "reference" else compile_path)(value)
    except PathSyntaxError as exc:
        pieces[path] = FAILED
        yield error(
            path,
            f"The value for the field '{field}' must be a valid "
            f"{'Reference Path' if kind == 'reference' else 'JSONPath'}: {exc}",
        )


def check_intrinsic(value: str, path: Loc, pieces: Pieces) -> Iterator[Diagnostic]:
    try:
        pieces[path] = compile_intrinsic(value)
    except IntrinsicSyntaxError as exc:
        pieces[path] = FAILED
        yield error(
            path,
            f"The value for the field '{path[-1]}' must be a valid intrinsic function call: {exc}",
        )
