"""The one adapter between aslrun and a JSONata engine (today jsonata-python).

Expressions are compiled once, when a definition is loaded (:func:`compile_expression`,
:func:`compile_template`), and evaluated many times against :class:`Bindings`
(``$states``, workflow variables, the simulated clock and a random source).

AWS's dialect (JSONata 2.0.6, "Transforming data with JSONata in Step Functions"):

* ``{% ... %}`` marks an expression only when the string starts with ``{%`` and ends with
  ``%}`` exactly.
* ``$eval`` is not bound: calling it fails at run time with ``T1006`` (measured on AWS,
  floci-io/floci#2737). The JSONata 2.1 operators ``??`` and ``?:`` do not exist in 2.0.6.
* A path that starts with a bare field name reads a context item that does not exist, and
  AWS refuses the definition (``UNSUPPORTED_JSONATA_EXPRESSION``, floci-io/floci#2670).
* ``$partition``, ``$range``, ``$hash``, ``$random([seed])``, ``$uuid`` and ``$parse`` are
  added (:mod:`aslrun.lang.jsonata_functions`); ``$now()``/``$millis()`` read the simulated
  clock, never the wall clock.
* Failures become ``States.QueryEvaluationError`` with AWS's sentence naming the
  expression and the field.
"""

from __future__ import annotations

import functools
import json
import math
import random
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Final, Literal, TypeAlias

from aslrun._json import JSON, dumps, json_type_name
from aslrun.errors import StateFailure, StatesError
from aslrun.lang import jsonata_functions as extra
from aslrun.lang.jsonata_engine import engine as _engine
from aslrun.lang.jsonata_engine import functions as _engine_functions
from aslrun.lang.jsonata_engine import jexception as _engine_errors
from aslrun.lang.jsonata_engine import parser as _engine_parser
from aslrun.lang.jsonata_engine import utils as _engine_utils

__all__ = [
    "UNDEFINED",
    "Bindings",
    "ExpectedType",
    "Expression",
    "JsonataSyntaxError",
    "Template",
    "compile_body",
    "compile_expression",
    "compile_template",
    "evaluate_typed",
    "is_expression",
]

_EVALUATION_RECURSION_LIMIT: Final = 10000
"""The recursion limit while an expression evaluates (what jsonata-python itself assumes)."""

QUERY_EVALUATION_ERROR: Final = "States.QueryEvaluationError"

ExpectedType: TypeAlias = Literal["array", "integer", "number", "string", "object", "boolean"]

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

_STACK_OVERFLOW: Final = (
    "Stack overflow error: Check for non-terminating recursive function. "
    "Consider rewriting as tail-recursive."
)


class JsonataSyntaxError(ValueError):
    """An expression AWS refuses at definition time.

    ``code`` is AWS's diagnostic code: ``INVALID_JSONATA_EXPRESSION`` (does not parse as
    JSONata 2.0.6) or ``UNSUPPORTED_JSONATA_EXPRESSION`` (parses, but AWS does not allow it).
    ``message`` is AWS's text without the JSONata error code; ``position`` is the character
    offset inside the expression body when known.
    """

    def __init__(
        self, message: str, *, code: str = "INVALID_JSONATA_EXPRESSION", position: int | None = None
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.position = position


# --------------------------------------------------------------------------- detection


def is_expression(value: object) -> bool:
    """True when ``value`` is a string that is a whole ``{% ... %}`` expression."""
    return (
        isinstance(value, str)
        and len(value) >= 4
        and value.startswith("{%")
        and value.endswith("%}")
    )


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
        return _engine_functions.Functions.datetime_from_millis(now_ms, picture, timezone)

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
        return function(*(_from_engine(a) for a in args))

    return _Jsonata.JLambda(call)


# Bound on each compiled expression's own environment (never on the engine's global one).
# ``eval`` bound to None reads as undefined, so ``$eval(...)`` fails with T1006 as on AWS.
_STATIC_FUNCTIONS: Final[Mapping[str, tuple[Callable[..., JSON], int]]] = {
    "partition": (extra.partition, 2),
    "range": (extra.range_, 3),
    "hash": (extra.hash_, 2),
    "parse": (extra.parse, 1),
}


# --------------------------------------------------------------------------- conversion


def _number(value: int | float) -> int | float:
    """A number as AWS (JavaScript doubles) writes it: integral values as integers."""
    if isinstance(value, int):
        if -_EXACT_INTEGERS <= value <= _EXACT_INTEGERS:
            return value
        value = float(value)  # the engine keeps big integer literals exact; AWS cannot
    if not math.isfinite(value):
        raise _JException("D1001", 0, value)
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


UNDEFINED: Final[Any] = _UndefinedType()
"""What :meth:`Expression.evaluate_raw` returns for JSONata's undefined."""


def _is_function(value: Any) -> bool:
    return isinstance(value, (_Jsonata.JFunctionCallable, _engine_parser.Parser.Symbol, re.Pattern))


def _from_engine(value: Any) -> JSON:
    """A value from the engine as plain JSON; fresh containers, numbers as AWS prints
    them. Function values are dropped from objects and become null in arrays, as
    ``JSON.stringify`` does."""
    if value is None or value is _NULL:
        return None
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, dict):
        return {str(k): _from_engine(v) for k, v in value.items() if not _is_function(v)}
    if isinstance(value, list):
        return [None if _is_function(v) else _from_engine(v) for v in value]
    if _is_function(value):
        return None
    raise TypeError(f"unexpected value from the JSONata engine: {type(value).__name__}")


def _result(value: Any) -> JSON:
    """A raw engine result as JSON, or UNDEFINED (a function value is not JSON either)."""
    if value is None or _is_function(value):
        return UNDEFINED
    return _from_engine(value)


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
            return json.dumps(_from_engine(arg), ensure_ascii=False)
        except Exception:  # non-finite numbers, engine objects: fall back to their text
            return json.dumps(str(arg), ensure_ascii=False)

    return re.sub(r"\{\{\{\w+\}\}\}|\{\{\w+\}\}", substitute, template)


def _message(exc: _engine_errors.JException) -> str:
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


def _failure(detail: str) -> StatesError:
    return StateFailure(QUERY_EVALUATION_ERROR, detail)


def _threw(body: str, field: str, exc: BaseException) -> StatesError:
    head = f"The JSONata expression '{body}' specified for the field '{field}'"
    if isinstance(exc, _engine_errors.JException):
        return _failure(f"{head} threw an error during evaluation. {exc.error}: {_message(exc)}")
    if isinstance(exc, RecursionError):
        return _failure(f"{head} threw an error during evaluation: {_STACK_OVERFLOW}")
    if isinstance(exc, extra.FunctionArgumentError):
        return _failure(f"{head} threw an error during evaluation: {exc}")
    return _failure(f"{head} threw an internal error during evaluation.")


# --------------------------------------------------------------------------- compiling


class _DialectParser(_engine_parser.Parser):  # type: ignore[misc]  # untyped base class
    """jsonata-python's parser, refusing the two JSONata 2.1 operators as 2.0.6 would."""

    def advance(self, id: str | None = None, infix: bool = False) -> Any:
        node = super().advance(id, infix)
        if getattr(node, "type", None) == "operator" and node.value in ("??", "?:"):
            # 2.0.6 tokenizes "?" alone; the second character cannot start an operand.
            second = node.value[1]
            raise _JException("S0211", (node.position or 0) - 1, second)
        return node


def _top_level_names(node: Any, found: list[str]) -> None:
    """Collect field names read from the (absent) context item at the top level."""
    if node is None:
        return
    if isinstance(node, (list, tuple)):
        for item in node:
            _top_level_names(item, found)
        return
    kind = getattr(node, "type", None)
    if kind == "name":
        found.append(str(node.value))
    elif kind == "path":
        _top_level_names((node.steps or [None])[0], found)
    elif kind in ("binary", "apply"):
        _top_level_names(node.lhs, found)
        _top_level_names(node.rhs, found)
    elif kind == "unary":
        _top_level_names(getattr(node, "expression", None), found)
        _top_level_names(getattr(node, "expressions", None), found)
        _top_level_names(getattr(node, "lhs_object", None), found)
    elif kind == "condition":
        _top_level_names([node.condition, node.then, getattr(node, "_else", None)], found)
    elif kind == "block":
        _top_level_names(node.expressions, found)
    elif kind == "bind":
        _top_level_names(node.rhs, found)
    elif kind in ("function", "partial"):
        _top_level_names(node.arguments, found)


@functools.lru_cache(maxsize=4096)
def _parse(body: str) -> Any:
    """Parse and check an expression body (memoised: the validator and the compiler of one
    definition, and identical expressions, share the work; the compiled form keeps no
    execution state between evaluations, so sharing it changes nothing but the cost)."""
    try:
        _DialectParser().parse(body)
        compiled = _Jsonata(body)
    except _engine_errors.JException as exc:
        raise JsonataSyntaxError(_message(exc), position=exc.location) from None
    except RecursionError:
        raise JsonataSyntaxError("Expression nesting is too deep") from None
    names: list[str] = []
    _top_level_names(compiled.ast, names)
    if names:
        raise JsonataSyntaxError(
            f"Reference to '{names[0]}' at the top level is not supported.",
            code="UNSUPPORTED_JSONATA_EXPRESSION",
        )
    compiled.set_output_convert_nulls(False)
    compiled.set_validate_input(False)
    for name, (function, arity) in _STATIC_FUNCTIONS.items():
        compiled.register_function(name, _native(name, function, arity, arity))
    compiled.register_function("eval", None)
    return compiled


class Expression:
    """One compiled ``{% ... %}`` expression.

    ``text`` is the original string, ``body`` what is inside the delimiters, stripped (the
    form AWS quotes in causes).
    """

    __slots__ = ("_compiled", "body", "text")

    text: str
    body: str

    def __init__(self, text: str, body: str, compiled: Any) -> None:
        self.text = text
        self.body = body
        self._compiled = compiled

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"

    def evaluate_raw(self, bindings: Bindings, field: str) -> JSON:
        """Evaluate; undefined comes back as the ``UNDEFINED`` sentinel, not an error."""
        # The engine recurses deeply (JavaScript's stack is deeper than CPython's default):
        # the limit is raised for the evaluation only, then the host's is put back.
        limit = sys.getrecursionlimit()
        if limit < _EVALUATION_RECURSION_LIMIT:
            sys.setrecursionlimit(_EVALUATION_RECURSION_LIMIT)
        try:
            return _result(self._compiled.evaluate(None, bindings._frame))
        except Exception as exc:  # the engine raises anything; none may escape as a crash
            raise _threw(self.body, field, exc) from exc
        finally:
            if limit < _EVALUATION_RECURSION_LIMIT:
                sys.setrecursionlimit(limit)

    def evaluate(self, bindings: Bindings, field: str) -> JSON:
        """The expression's JSON value; undefined or a failure raises
        ``States.QueryEvaluationError`` naming ``field`` (e.g. ``Output/result``)."""
        value = self.evaluate_raw(bindings, field)
        if value is UNDEFINED:
            raise _failure(
                f"The JSONata expression '{self.body}' specified for the field "
                f"'{field}' returned nothing (undefined)."
            )
        return value


def compile_body(body: str, text: str | None = None) -> Expression:
    """Compile the inside of ``{% ... %}``; ``text`` is the original string if known."""
    stripped = body.strip()
    if not stripped:
        raise JsonataSyntaxError("Empty expression")
    return Expression(
        text if text is not None else "{% " + stripped + " %}", stripped, _parse(stripped)
    )


def compile_expression(text: str) -> Expression:
    """Compile a whole ``{% ... %}`` string. Raises :class:`JsonataSyntaxError`."""
    if not is_expression(text):
        raise JsonataSyntaxError(f"Not a JSONata expression (must be {{% ... %}}): {text!r}")
    return compile_body(text[2:-2], text)


# --------------------------------------------------------------------------- templates


def _copy(value: JSON) -> JSON:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


# A compiled node: ("lit", value) | ("expr", Expression) | ("obj", ((key, node), ...))
# | ("arr", (node, ...)). Tuples keep evaluation a tight loop with no method dispatch.
_Node: TypeAlias = tuple[str, Any]


def _compile_node(value: JSON) -> tuple[_Node, bool]:
    if isinstance(value, str):
        if is_expression(value):
            return ("expr", compile_expression(value)), True
        return ("lit", value), False
    if isinstance(value, dict):
        items = [(str(k), *_compile_node(v)) for k, v in value.items()]
        if not any(dynamic for _, _, dynamic in items):
            return ("lit", value), False
        return ("obj", tuple((k, node) for k, node, _ in items)), True
    if isinstance(value, list):
        parts = [_compile_node(v) for v in value]
        if not any(dynamic for _, dynamic in parts):
            return ("lit", value), False
        return ("arr", tuple(node for node, _ in parts)), True
    return ("lit", value), False


def _evaluate_node(node: _Node, bindings: Bindings, field: str) -> JSON:
    kind, payload = node
    if kind == "expr":
        return payload.evaluate(bindings, field)
    if kind == "lit":
        return _copy(payload)
    if kind == "obj":
        return {key: _evaluate_node(child, bindings, f"{field}/{key}") for key, child in payload}
    return [_evaluate_node(child, bindings, f"{field}[{i}]") for i, child in enumerate(payload)]


class Template:
    """A JSON value whose strings at any depth may be ``{% ... %}`` expressions.

    Compiled once; :meth:`evaluate` builds a fresh JSON value. Expressions nested in the
    value report their field as ``<field>/<key>`` (``Output/result``), array items as
    ``<field>/<index>``.
    """

    __slots__ = ("_node", "expression", "is_static", "literal")

    literal: JSON
    is_static: bool
    expression: Expression | None

    def __init__(self, literal: JSON) -> None:
        self.literal = literal
        self._node, dynamic = _compile_node(literal)
        self.is_static = not dynamic
        self.expression = self._node[1] if self._node[0] == "expr" else None

    def __repr__(self) -> str:
        return f"Template({self.literal!r})"

    def evaluate(self, bindings: Bindings, field: str) -> JSON:
        """Evaluate every expression; a static template gives a copy of its literal."""
        if self.is_static:
            return _copy(self.literal)
        return _evaluate_node(self._node, bindings, field)


def compile_template(value: JSON) -> Template:
    """Compile every expression inside ``value``. Raises :class:`JsonataSyntaxError`."""
    return Template(value)


# --------------------------------------------------------------------------- typed results


def _type_of(value: JSON, expected: ExpectedType) -> str:
    name = json_type_name(value)
    if expected == "integer" and name == "number" and isinstance(value, int):
        return "integer"
    return name


def evaluate_typed(
    source: Expression | Template | JSON, bindings: Bindings, field: str, expected: ExpectedType
) -> JSON:
    """Evaluate a field that must produce one JSON type (Items, Seconds, TimeoutSeconds,
    MaxConcurrency ...). A wrong type raises ``States.QueryEvaluationError``:
    ``... returned an unexpected result type. Expected 'array', but was 'number' for
    value: 1``."""
    if isinstance(source, Template):
        expression = source.expression
        value = source.evaluate(bindings, field)
    elif isinstance(source, Expression):
        expression = source
        value = source.evaluate(bindings, field)
    else:
        expression = None
        value = source
    actual = _type_of(value, expected)
    if actual == expected:
        return value
    described = (
        f"The JSONata expression '{expression.body}' specified for the field '{field}'"
        if expression is not None
        else f"The value of the field '{field}'"
    )
    raise _failure(
        f"{described} returned an unexpected result type. Expected "
        f"'{expected}', but was '{actual}' for value: {dumps(value)}"
    )
