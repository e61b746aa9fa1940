"""What crosses between aslrun and the JSONata engine: bindings in, values and failures out.

Split from :mod:`aslrun.lang.jsonata` (compiling and running expressions) along the engine's
boundary: the names an expression sees (``$states``, variables, the simulated clock and the
random source, AWS's extra functions), engine values as AWS's JSON (numbers as JavaScript
doubles print, function values that are not JSON), and the jsonata-js wording of every
``States.QueryEvaluationError``.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Final, cast

from aslrun._json import JSON
from aslrun.errors import StateFailure, StatesError
from aslrun.lang import jsonata_functions as extra
from aslrun.lang.intrinsic_functions import MAX_JSON_DEPTH
from aslrun.lang.jsonata_engine import engine as _engine
from aslrun.lang.jsonata_engine import functions as _engine_functions
from aslrun.lang.jsonata_engine import jexception as _engine_errors
from aslrun.lang.jsonata_engine import parser as _engine_parser
from aslrun.lang.jsonata_engine import utils as _engine_utils
from aslrun.lang.regex import SafePattern, UnsafePatternError

__all__ = [
    "MEMORY_LIMIT",
    "QUERY_EVALUATION_ERROR",
    "STACK_OVERFLOW",
    "UNDEFINED",
    "Bindings",
    "EvaluationLimitExceeded",
    "failure",
    "from_engine",
    "is_function_value",
    "message",
    "result",
    "returned_nothing",
    "threw",
]

QUERY_EVALUATION_ERROR: Final = "States.QueryEvaluationError"

_Jsonata = _engine.Jsonata
_NULL: Final = _engine_utils.Utils.NULL_VALUE
_JException = _engine_errors.JException
_ERROR_CODES: Final[Mapping[str, str]] = _engine_errors.JException.error_codes

# Integral doubles below this print as integers in JavaScript (and on AWS); larger ones use
# an exponent, which Python's float repr also does.
_INTEGRAL_LIMIT: Final = 1e21
_EXACT_INTEGERS: Final = 2**53

# jsonata-js's words for a signature's array item type (T0412).
_ARRAY_ITEM_TYPES: Final[Mapping[str, str]] = {
    "a": "arrays",
    "b": "booleans",
    "f": "functions",
    "n": "numbers",
    "o": "objects",
    "s": "strings",
}

STACK_OVERFLOW: Final = (
    "Stack overflow error: Check for non-terminating recursive function. "
    "Consider rewriting as tail-recursive."
)
"""AWS's cause text past its evaluation depth (floci-io/floci#2737, measured on AWS)."""

TIMEOUT: Final = "Expression evaluation timeout: Check for infinite loop"
"""The cause text past the evaluation time bound. AWS's guide names the error ("A JSONata
expression that takes longer than 1 second to evaluate will fail with an `Expression
evaluation timeout` error"); the rest of the sentence is jsonata-js's timebox text, the
family AWS's measured stack overflow text comes from."""

MEMORY_LIMIT: Final = (
    "Expression evaluation memory limit exceeded: Check for excessive memory usage"
)
"""AWS's cause text past its evaluation memory limit (floci-io/floci#2737, measured on AWS:
``[1..900000] ~> $count()``; the AWS guide names the error "Expression evaluation memory
limit exceeded")."""


class EvaluationLimitExceeded(_engine_errors.JException):  # type: ignore[misc]  # untyped base class
    """An evaluation went past one of aslrun's bounds (steps, depth, sequence size).

    A JException subclass so that the engine's own handlers (which turn any other exception
    into "Unexpected") pass it through unchanged."""

    def __init__(self, detail: str) -> None:
        super().__init__("ASLRUN_LIMIT", -1)
        self.detail = detail

    def __str__(self) -> str:
        return self.detail


# --------------------------------------------------------------------------- bindings


@dataclass(frozen=True, slots=True, kw_only=True)
class Bindings:
    """What an expression sees: ``$states``, ``$<variable>``, the clock and randomness.

    ``states`` holds ``input`` and ``context`` and, where they exist, ``result`` and
    ``errorOutput``. ``now_ms`` is the simulated epoch time in milliseconds that ``$now()``
    and ``$millis()`` return. ``random`` feeds ``$random()`` and ``$uuid()``.
    """

    states: Mapping[str, JSON]
    now_ms: int
    random: random.Random
    variables: Mapping[str, JSON] = field(default_factory=lambda: MappingProxyType({}))
    _frame: dict[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_frame", _frame_bindings(self))


def _engine_value(value: JSON) -> Any:
    # jsonata-python reads a top-level None binding as undefined; JSON null is NULL_VALUE.
    return _NULL if value is None else value


def _frame_bindings(b: Bindings) -> dict[str, Any]:
    """The names bound for one evaluation: built once per Bindings, reused by every
    expression evaluated with it."""
    rng = b.random
    now_ms = b.now_ms

    def now(picture: JSON = None, timezone: JSON = None) -> JSON:
        text: JSON = _engine_functions.Functions.datetime_from_millis(now_ms, picture, timezone)
        return text

    def millis() -> int:
        return now_ms

    def random_(seed: JSON = None) -> float:
        return extra.random_(rng, seed)

    def uuid() -> str:
        return extra.uuid4(rng)

    frame: dict[str, Any] = {name: _engine_value(value) for name, value in b.variables.items()}
    frame["states"] = dict(b.states)
    frame["now"] = _native("now", now, 0, 2)
    frame["millis"] = _native("millis", millis, 0, 0)
    frame["random"] = _native("random", random_, 0, 1)
    frame["uuid"] = _native("uuid", uuid, 0, 0)
    return frame


def _native(name: str, function: Callable[..., JSON], least: int, most: int) -> Any:
    """Wrap a Python function as a JSONata function: arguments arrive as plain JSON."""

    def call(*args: Any) -> Any:
        if not least <= len(args) <= most:
            wanted = str(least) if least == most else f"{least} to {most}"
            raise extra.FunctionArgumentError(
                f"The function ${name} takes {wanted} arguments, but was given {len(args)}"
            )
        return function(*(from_engine(a) for a in args))

    return _Jsonata.JLambda(call)


# Bound on each compiled expression's own environment (never on the engine's global one).
# ``eval`` bound to None reads as undefined, so ``$eval(...)`` fails with T1006 as on AWS.
# (function, fewest arguments, most arguments): a missing step or algorithm is undefined on
# AWS, not a signature error (floci-io/floci#2676, measured on AWS).
_STATIC_FUNCTIONS: Final[Mapping[str, tuple[Callable[..., JSON], int, int]]] = {
    "partition": (extra.partition, 2, 2),
    "range": (extra.range_, 2, 3),
    "hash": (extra.hash_, 1, 2),
    "parse": (extra.parse, 1, 1),
}


# --------------------------------------------------------------------------- conversion


_NON_FINITE: Final[Mapping[str, str]] = {"inf": "Infinity", "-inf": "-Infinity", "nan": "NaN"}


def _number(value: int | float) -> int | float | str:
    """A number as AWS (JavaScript doubles) writes it: integral values as integers; JSON has
    no infinite or NaN number, and AWS writes JavaScript's name for one as a string (``1/0``
    is ``"Infinity"``, ``0/0`` is ``"NaN"``: floci-io/floci#2737, measured on AWS)."""
    if isinstance(value, int):
        if -_EXACT_INTEGERS <= value <= _EXACT_INTEGERS:
            return value
        try:
            value = float(value)  # the engine keeps big integer literals exact; AWS cannot
        except OverflowError:  # past the largest double: JavaScript's Infinity
            raise _JException("D1001", 0, "Infinity") from None
    if not math.isfinite(value):
        return _NON_FINITE[repr(value)]
    if value.is_integer() and abs(value) < _INTEGRAL_LIMIT:
        if abs(value) <= _EXACT_INTEGERS:
            return int(value)
        # Past 2**53 AWS writes the shortest digits that read back as the same double
        # (2**63 prints as 9223372036854776000), which is what repr() holds.
        return int(Decimal(repr(value)))
    return value


class _UndefinedType:
    __slots__ = ()

    def __repr__(self) -> str:
        return "UNDEFINED"


UNDEFINED: Final[JSON] = cast("JSON", _UndefinedType())
"""What :meth:`Expression.evaluate_raw` returns for JSONata's undefined.

Typed as JSON because it stands where a value would (a missing field, no result): every
consumer tests ``is UNDEFINED`` before the value is written out."""


def is_function_value(value: Any) -> bool:
    return isinstance(
        value, (_Jsonata.JFunctionCallable, _engine_parser.Parser.Symbol, re.Pattern, SafePattern)
    )


def from_engine(value: Any, depth: int = 0) -> JSON:
    """A value from the engine as plain JSON; fresh containers, numbers as AWS prints
    them. Function values are dropped from objects and become null in arrays, as
    ``JSON.stringify`` does. A value nested deeper than MAX_JSON_DEPTH is refused, as
    States.StringToJson refuses such text."""
    if value is None or value is _NULL:
        return None
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, (dict, list)) and depth >= MAX_JSON_DEPTH:
        raise EvaluationLimitExceeded(
            f"The result is nested more than {MAX_JSON_DEPTH} levels deep (aslrun's bound on "
            "JSON nesting)"
        )
    if isinstance(value, dict):
        return {
            str(k): from_engine(v, depth + 1) for k, v in value.items() if not is_function_value(v)
        }
    if isinstance(value, list):
        return [None if is_function_value(v) else from_engine(v, depth + 1) for v in value]
    if is_function_value(value):
        return None
    raise TypeError(f"unexpected value from the JSONata engine: {type(value).__name__}")


def result(value: Any, body: str, field: str) -> JSON:
    """A raw engine result as JSON, UNDEFINED for undefined; a function is no JSON value
    (AWS: "returned an unsupported result type")."""
    if value is None:
        return UNDEFINED
    if is_function_value(value):
        raise failure(
            f"The JSONata expression '{body}' specified for the field '{field}' returned an "
            "unsupported result type."
        )
    return from_engine(value)


def returned_nothing(body: str, field: str) -> StatesError:
    return failure(
        f"The JSONata expression '{body}' specified for the field '{field}' returned nothing "
        "(undefined)."
    )


# --------------------------------------------------------------------------- errors


def _fill(template: str, args: tuple[Any, ...]) -> str:
    """Render a JSONata message template as jsonata-js does: ``{{x}}`` gets the JSON text
    of the next argument, ``{{{x}}}`` its plain text."""
    values = iter(args)

    def substitute(match: re.Match[str]) -> str:
        arg = next(values, None)
        if match.group(0).startswith("{{{"):
            return "" if arg is None else str(arg)
        try:
            return json.dumps(from_engine(arg), ensure_ascii=False)
        except Exception:  # non-finite numbers, engine objects: fall back to their text
            return json.dumps(str(arg), ensure_ascii=False)

    return re.sub(r"\{\{\{\w+\}\}\}|\{\{\w+\}\}", substitute, template)


def message(exc: _engine_errors.JException) -> str:
    """The message of a JSONata error as jsonata-js words it (no code)."""
    template = _ERROR_CODES.get(exc.error)
    if template is None:
        return str(exc)
    # jsonata-python's catalogue says "Object" where jsonata-js says "function".
    template = re.sub(r"\bObject\b", "function", template)
    extra_arg = exc.extra
    if exc.error == "T0412":  # jsonata-js names the array's item type in words
        extra_arg = _ARRAY_ITEM_TYPES.get(str(extra_arg), extra_arg)
    return _fill(template, (exc.current, exc.expected, extra_arg))


def failure(detail: str) -> StatesError:
    return StateFailure(QUERY_EVALUATION_ERROR, detail)


def threw(body: str, field: str, exc: BaseException) -> StatesError:
    head = f"The JSONata expression '{body}' specified for the field '{field}'"
    if isinstance(exc, EvaluationLimitExceeded):
        return failure(f"{head} threw an error during evaluation: {exc.detail}")
    if isinstance(exc, _engine_errors.JException):
        return failure(f"{head} threw an error during evaluation. {exc.error}: {message(exc)}")
    if isinstance(exc, RecursionError):
        return failure(f"{head} threw an error during evaluation: {STACK_OVERFLOW}")
    if isinstance(exc, extra.NumberOutOfRange):
        return failure(
            f"{head} threw an error during evaluation. D1001: Number out of range: {exc}"
        )
    if isinstance(exc, extra.MemoryLimitExceeded):
        return failure(f"{head} threw an error during evaluation: {MEMORY_LIMIT}")
    if isinstance(exc, (extra.FunctionArgumentError, UnsafePatternError)):
        return failure(f"{head} threw an error during evaluation: {exc}")
    return failure(f"{head} threw an internal error during evaluation.")
