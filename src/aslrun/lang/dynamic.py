"""A "value, path or expression" field, compiled once: :class:`Dynamic`.

Wait ``Seconds``/``SecondsPath``/``Timestamp``/``TimestampPath``, Task ``TimeoutSeconds(Path)``
and ``HeartbeatSeconds(Path)``, Map ``MaxConcurrency(Path)`` and
``ToleratedFailureCount(Path)``/``ToleratedFailurePercentage(Path)`` each give one number in
one of three forms: written in the definition, read by a ``*Path`` from the state's input,
or (JSONata) computed by an expression.  The builder makes one frozen :class:`Dynamic` per
field; the runtime calls :meth:`Dynamic.resolve`, which checks the value read at run time
and fails with AWS's texts for that field.  A written value was checked at load (and a
written Timestamp parsed there), so it is returned as it is.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeAlias

from aslrun._json import JSON, dumps
from aslrun.errors import StateFailure
from aslrun.lang.choice_operators import epoch_seconds
from aslrun.lang.paths import Path, PathNotFound
from aslrun.lang.templates import Scope, Template, evaluate_typed, resolve_field

__all__ = ["Dynamic", "Kind", "epoch_seconds"]

Kind: TypeAlias = Literal["delay", "instant", "positive", "integer", "count", "percentage"]
"""What the field holds: ``delay`` Wait seconds, ``instant`` a Wait timestamp (epoch
seconds), ``positive`` Task timeout/heartbeat seconds, ``integer`` MaxConcurrency,
``count`` ToleratedFailureCount, ``percentage`` ToleratedFailurePercentage."""

Number: TypeAlias = int | float


@dataclass(frozen=True, slots=True)
class Dynamic:
    """One compiled "value, path or expression" field; exactly one form is set.

    ``field`` is the field's base name (``Seconds``, ``TimeoutSeconds`` ...); AWS's texts
    name ``<field>Path`` for the path form.
    """

    field: str
    kind: Kind
    value: Number | None = None
    path: Path | None = None
    expression: Template | None = None

    def resolve(self, run: Any, data: JSON) -> Number:
        """The field's number for this state run (``data``: the state's effective input)."""
        path = self.path
        if path is not None:
            try:  # a path into the input (the common case) is read straight from ``data``
                got = path.get(data) if path.kind == "input" else _UNREAD
            except PathNotFound:
                got = _UNREAD
            if got is _UNREAD:  # elsewhere, or a miss: the general way, with AWS's wording
                got = resolve_field(path, Scope(data, run), f"{self.field}Path")
            return _FROM_PATH[self.kind](self, path, got)
        if self.expression is not None:
            expected, check = _FROM_EXPRESSION[self.kind]
            return check(self, evaluate_typed(self.expression, run, self.field, expected))
        assert self.value is not None
        return self.value


_UNREAD: Any = object()
"""Not read by the short way (see ``Dynamic.resolve``)."""


def _show(value: JSON) -> str:
    return value if isinstance(value, str) else dumps(value)


def _runtime(detail: str) -> StateFailure:
    return StateFailure("States.Runtime", detail)


# -- the path form: AWS checks the value read, and names the path -----------------------------


def _delay_path(d: Dynamic, path: Path, got: JSON) -> Number:
    if isinstance(got, float) and got.is_integer():
        got = int(got)
    if isinstance(got, bool) or not isinstance(got, int):
        raise _runtime(
            f"The {d.field}Path parameter cannot be parsed as a long value: "
            f"{path.text} == {_show(got)}"
        )
    if got < 0:
        raise _runtime(
            f"The {d.field}Path parameter references a negative value: {path.text} == {got}"
        )
    return got


def _instant_path(d: Dynamic, path: Path, got: JSON) -> Number:
    at = epoch_seconds(got)
    if at is None:
        raise _runtime(
            f"The {d.field}Path parameter does not reference a valid ISO-8601 extended offset "
            f"date-time format string: {path.text} == {_show(got)}"
        )
    return at


def _positive_path(d: Dynamic, path: Path, got: JSON) -> Number:
    if isinstance(got, bool) or not isinstance(got, int) or got <= 0:
        raise _runtime(
            f'The {d.field}Path field refers to value "{got}" which is not a valid '
            f"positive integer: {path.text}"
        )
    return float(got)


def _integer_path(d: Dynamic, path: Path, got: JSON) -> Number:
    if isinstance(got, str) and got.strip().lstrip("-").isdigit():
        got = int(got)  # AWS reads a numeric string too
    if isinstance(got, bool) or (
        not isinstance(got, int) and not (isinstance(got, float) and got.is_integer())
    ):
        raise _runtime(
            f'The {d.field}Path field refers to value "{_show(got)}" which is not a valid '
            f"integer: {path.text}"
        )
    return int(got)


def _count_path(d: Dynamic, path: Path, got: JSON) -> Number:
    return _not_negative(d, _integer_path(d, path, got))


def _percentage_path(d: Dynamic, path: Path, got: JSON) -> Number:
    if isinstance(got, str):
        with contextlib.suppress(ValueError):
            got = float(got)
    if isinstance(got, bool) or not isinstance(got, (int, float)):
        raise _runtime(
            f'The {d.field}Path field refers to value "{_show(got)}" which is '
            f"not a valid float: {path.text}"
        )
    return _within_percent(d, got)


_FROM_PATH: Final[Mapping[Kind, Callable[[Dynamic, Path, JSON], Number]]] = {
    "delay": _delay_path,
    "instant": _instant_path,
    "positive": _positive_path,
    "integer": _integer_path,
    "count": _count_path,
    "percentage": _percentage_path,
}


# -- the expression form: the type is checked by evaluate_typed, then the range ---------------


def _delay_value(d: Dynamic, got: Any) -> Number:
    if got < 0:
        raise StateFailure(
            "States.QueryEvaluationError", f"The {d.field} field references a negative value: {got}"
        )
    return int(got)


def _instant_value(d: Dynamic, got: Any) -> Number:
    at = epoch_seconds(got)
    if at is None:
        raise StateFailure(
            "States.QueryEvaluationError",
            f"The {d.field} field cannot be parsed as an ISO-8601 extended offset date-time "
            f"format string: {got}",
        )
    return at


def _not_negative(d: Dynamic, got: Any) -> Number:
    if got < 0:
        raise _runtime(f"{d.field} cannot be negative.")
    return int(got)


def _within_percent(d: Dynamic, got: Any) -> Number:
    if not 0 <= got <= 100:
        raise _runtime(f"{d.field} must be between 0 and 100.")
    return float(got)


_FROM_EXPRESSION: Final[Mapping[Kind, tuple[str, Callable[[Dynamic, Any], Number]]]] = {
    "delay": ("integer", _delay_value),
    "instant": ("string", _instant_value),
    "positive": ("integer", lambda d, got: float(got)),
    "integer": ("integer", lambda d, got: int(got)),
    "count": ("integer", _not_negative),
    "percentage": ("number", _within_percent),
}
