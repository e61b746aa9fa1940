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
import sys
from collections.abc import Callable
from typing import Any, Final, Literal, TypeAlias

from aslrun._json import JSON, dumps, json_type_name
from aslrun.errors import StatesError
from aslrun.lang.jsonata_dialect import (
    format_number_function,
    ieee_arithmetic,
    mentions_root,
    parse_integer_function,
    top_level_names,
)
from aslrun.lang.jsonata_engine import engine as _engine
from aslrun.lang.jsonata_engine import functions as _engine_functions
from aslrun.lang.jsonata_engine import jexception as _engine_errors
from aslrun.lang.jsonata_engine import parser as _engine_parser
from aslrun.lang.jsonata_engine import utils as _engine_utils
from aslrun.lang.jsonata_values import (
    _STATIC_FUNCTIONS,
    MEMORY_LIMIT,
    STACK_OVERFLOW,
    TIMEOUT,
    UNDEFINED,
    Bindings,
    EvaluationLimitExceeded,
    _native,
    failure,
    message,
    result,
    returned_nothing,
    threw,
)
from aslrun.lang.regex import UnsafePatternError, compile_safe

__all__ = [
    "MAX_DEPTH",
    "MAX_SEQUENCE",
    "MAX_STEPS",
    "MAX_STRING",
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

MAX_STEPS: Final = 200_000
"""Expression nodes one evaluation may visit, aslrun's stand-in for AWS's one-second
evaluation time bound (AWS guide: "Expression evaluation timeout"): an infinite (tail)
recursion would otherwise run forever. Past it the evaluation fails with
``States.QueryEvaluationError`` and AWS's timeout text. A step count rather than a clock
keeps the outcome independent of the machine. jsonata-python takes 20-45 microseconds a
step, about twenty times AWS's evaluator, so a runaway ends within 4-9 s; filtering ~40,000
items or mapping a function over ~65,000 stays inside it, while AWS also accepts
``$sum($map([1..200000], function($v){$v * 2}))`` (600,000 steps here; floci-io/floci#2737)."""

MAX_DEPTH: Final = 100
"""Nested evaluations one evaluation may reach, AWS's own ceiling (floci-io/floci#2737,
measured on AWS with TestState): AWS accepts ``1+1+...+1`` with 100 terms, 99 nested
parentheses, 99 nested array brackets, 99 ``~>`` stages and the non-tail-recursive
``$f(31)`` of ``$f := function($x){ $x <= 0 ? 0 : 1 + $f($x-1) }`` (98 levels), and refuses
one more of each with AWS's stack overflow text. The engine's entry/exit hooks count depth
as AWS's evaluator does, so each of those lands exactly on AWS's boundary here."""

MAX_SEQUENCE: Final = 873_782
"""Items in one array or sequence (``[0..n]``, any intermediate result) an evaluation may
build: AWS accepts ``[1..873782] ~> $count()`` and fails ``[1..873783] ~> $count()`` with
"Expression evaluation memory limit exceeded" (floci-io/floci#2737, measured on AWS)."""

MAX_STRING: Final = 6_990_256
"""Characters in one string an evaluation may build. AWS accepts a string doubled 22 times
(4,194,304 characters) and refuses the 23rd doubling (8,388,608) with its memory limit
(floci-io/floci#2737, measured on AWS); the bound reads AWS's sequence limit at 8 bytes an
item as bytes of text, which falls inside that bracket."""

ExpectedType: TypeAlias = Literal["array", "integer", "number", "string", "object", "boolean"]

_Jsonata = _engine.Jsonata
_NULL: Final = _engine_utils.Utils.NULL_VALUE
_JException = _engine_errors.JException
_RangeList = _engine_utils.Utils.RangeList


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


def _regex_engine(pattern: str, flags: Any) -> Any:
    """JSONata regex literals run on RE2 (linear time), see :mod:`aslrun.lang.regex`."""
    return compile_safe(
        pattern, ignore_case=bool(flags.case_insensitive), multiline=bool(flags.multiline)
    )


class _BoundedJsonata(_engine.Jsonata):  # type: ignore[misc]  # untyped base class
    """The engine, refusing a range (``[0..n]``) past MAX_SEQUENCE before allocating it."""

    def evaluate_range_expression(self, lhs: Any, rhs: Any) -> Any:
        if isinstance(lhs, int) and isinstance(rhs, int) and rhs - lhs + 1 > MAX_SEQUENCE:
            raise EvaluationLimitExceeded(MEMORY_LIMIT)
        return super().evaluate_range_expression(lhs, rhs)

    def evaluate_numeric_expression(self, lhs: Any, rhs: Any, op: Any) -> Any:
        # JavaScript arithmetic: 1/0 is Infinity, 0/0 is NaN, 1e308*10 is Infinity; AWS then
        # writes them as strings (floci-io/floci#2737, measured on AWS). The engine raises.
        try:
            return super().evaluate_numeric_expression(lhs, rhs, op)
        except (ZeroDivisionError, OverflowError, _JException) as exc:
            if isinstance(exc, _JException) and exc.error != "D1001":
                raise
            return ieee_arithmetic(float(lhs), float(rhs), op)

    def apply_inner(self, proc: Any, args: Any, input: Any, environment: Any) -> Any:
        # Invoking a non-function is T1006; the engine would also print "Proc not found"
        # to the process's stdout (the CLI's output) before raising it.
        if not _is_callable(proc):
            raise _JException("T1006", 0)
        return super().apply_inner(proc, args, input, environment)


def _is_callable(proc: Any) -> bool:
    engine_functions = _engine_functions.Functions
    return bool(
        engine_functions.is_lambda(proc)
        or isinstance(proc, (_Jsonata.JFunction, _Jsonata.JLambda))
        or engine_functions.is_regex(proc)
    )


def _syntax_error(body: str, exc: BaseException) -> JsonataSyntaxError:
    """The located refusal of an expression the parser could not read."""
    if isinstance(exc, _JException):
        return JsonataSyntaxError(message(exc), position=exc.location)
    if isinstance(exc, RecursionError):
        return JsonataSyntaxError("Expression nesting is too deep")
    if isinstance(exc, UnsafePatternError):
        return JsonataSyntaxError(str(exc))
    # jsonata-python's tokenizer and parser index past the end of the text or into their
    # tables on some inputs ('!', '/', an unterminated comment): jsonata-js's words.
    if isinstance(exc, KeyError):
        return JsonataSyntaxError(f'Unknown operator: "{exc.args[0] if exc.args else body}"')
    if "/*" in body and "*/" not in body[body.index("/*") + 2 :]:
        return JsonataSyntaxError("Comment has no closing tag")
    return JsonataSyntaxError("Unexpected end of expression", position=len(body))


_FORMAT_NUMBER: Final = format_number_function()
_PARSE_INTEGER: Final = parse_integer_function()


@functools.lru_cache(maxsize=4096)
def _parse(body: str) -> Any:
    """Parse and check an expression body (memoised: the validator and the compiler of one
    definition, and identical expressions, share the work; the compiled form keeps no
    execution state between evaluations, so sharing it changes nothing but the cost)."""
    try:
        _DialectParser().parse(body, _regex_engine)
        compiled = _BoundedJsonata(body, _regex_engine)
    except Exception as exc:  # the parser raises anything on bad text; none may escape
        raise _syntax_error(body, exc) from None
    if mentions_root(compiled.ast):
        raise JsonataSyntaxError(
            "Reference to '$$' is not supported.", code="UNSUPPORTED_JSONATA_EXPRESSION"
        )
    names: list[str] = []
    top_level_names(compiled.ast, names)
    if names:
        raise JsonataSyntaxError(
            f"Reference to '{names[0]}' at the top level is not supported.",
            code="UNSUPPORTED_JSONATA_EXPRESSION",
        )
    compiled.set_output_convert_nulls(False)
    compiled.set_validate_input(False)
    for name, (function, least, most) in _STATIC_FUNCTIONS.items():
        compiled.register_function(name, _native(name, function, least, most))
    compiled.register_function("eval", None)
    compiled.register_function("pad", _Jsonata.JLambda(_bounded_pad))
    compiled.register_function("formatNumber", _FORMAT_NUMBER)
    compiled.register_function("parseInteger", _PARSE_INTEGER)
    return compiled


def _bounded_pad(*args: Any) -> Any:
    """``$pad`` allocates its width before the step hooks see the result: refuse a width past
    MAX_STRING first (``$pad('x', 1e10)`` would take 10 GB)."""
    width = args[1] if len(args) > 1 else None
    if isinstance(width, (int, float)) and not isinstance(width, bool) and abs(width) > MAX_STRING:
        raise EvaluationLimitExceeded(MEMORY_LIMIT)
    return _engine_functions.Functions.pad(*args)


class _Budget:
    """The bounds of one evaluation, counted by the engine's entry/exit hooks: steps (nodes
    visited), depth (nested evaluations) and the size of every intermediate result."""

    __slots__ = ("depth", "steps")

    def __init__(self) -> None:
        self.steps = MAX_STEPS
        self.depth = 0

    def enter(self, expr: Any, input: Any, env: Any) -> None:
        self.steps -= 1
        if self.steps < 0:
            raise EvaluationLimitExceeded(TIMEOUT)
        if not env.is_parallel_call:
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise EvaluationLimitExceeded(STACK_OVERFLOW)

    def exit(self, expr: Any, input: Any, env: Any, res: Any) -> None:
        if not env.is_parallel_call:
            self.depth -= 1
        if isinstance(res, list):
            # A range is bounded (and mis-sized) by the engine, checked before it is built.
            if len(res) > MAX_SEQUENCE and not isinstance(res, _RangeList):
                raise EvaluationLimitExceeded(MEMORY_LIMIT)
        elif isinstance(res, str) and len(res) > MAX_STRING:
            raise EvaluationLimitExceeded(MEMORY_LIMIT)


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
        """Evaluate; undefined comes back as the ``UNDEFINED`` sentinel, not an error. A
        function value fails ("returned an unsupported result type")."""
        budget = _Budget()
        frame = {
            **bindings._frame,
            "__evaluate_entry": budget.enter,
            "__evaluate_exit": budget.exit,
        }
        # The engine recurses deeply (JavaScript's stack is deeper than CPython's default):
        # the limit is raised for the evaluation only, then the host's is put back.
        limit = sys.getrecursionlimit()
        if limit < _EVALUATION_RECURSION_LIMIT:
            sys.setrecursionlimit(_EVALUATION_RECURSION_LIMIT)
        try:
            return result(self._compiled.evaluate(None, frame), self.body, field)
        except StatesError:
            raise
        except Exception as exc:  # the engine raises anything; none may escape as a crash
            raise threw(self.body, field, exc) from exc
        finally:
            if limit < _EVALUATION_RECURSION_LIMIT:
                sys.setrecursionlimit(limit)

    def evaluate(self, bindings: Bindings, field: str) -> JSON:
        """The expression's JSON value; undefined or a failure raises
        ``States.QueryEvaluationError`` naming ``field`` (e.g. ``Output/result``)."""
        value = self.evaluate_raw(bindings, field)
        if value is UNDEFINED:
            raise returned_nothing(self.body, field)
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


def _compile_node(value: JSON, make: Callable[[str], Expression]) -> tuple[_Node, bool]:
    if isinstance(value, str):
        if is_expression(value):
            return ("expr", make(value)), True
        return ("lit", value), False
    if isinstance(value, dict):
        items = [(str(k), *_compile_node(v, make)) for k, v in value.items()]
        if not any(dynamic for _, _, dynamic in items):
            return ("lit", value), False
        return ("obj", tuple((k, node) for k, node, _ in items)), True
    if isinstance(value, list):
        parts = [_compile_node(v, make) for v in value]
        if not any(dynamic for _, dynamic in parts):
            return ("lit", value), False
        return ("arr", tuple(node for node, _ in parts)), True
    return ("lit", value), False


def _evaluate_node(node: _Node, bindings: Bindings, field: str) -> JSON:
    kind, payload = node
    if kind == "expr":
        value: JSON = payload.evaluate(bindings, field)
        return value
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

    def __init__(
        self, literal: JSON, make: Callable[[str], Expression] = compile_expression
    ) -> None:
        self.literal = literal
        self._node, dynamic = _compile_node(literal, make)
        self.is_static = not dynamic
        self.expression = self._node[1] if self._node[0] == "expr" else None

    def __repr__(self) -> str:
        return f"Template({self.literal!r})"

    def evaluate(self, bindings: Bindings, field: str) -> JSON:
        """Evaluate every expression; a static template gives a copy of its literal."""
        if self.is_static:
            return _copy(self.literal)
        return _evaluate_node(self._node, bindings, field)


def compile_template(
    value: JSON, make: Callable[[str], Expression] = compile_expression
) -> Template:
    """Compile every expression inside ``value``. Raises :class:`JsonataSyntaxError`.

    ``make`` compiles one expression; the load walk passes the expressions it has already
    compiled, so none is compiled twice.
    """
    return Template(value, make)


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
    raise failure(
        f"{described} returned an unexpected result type. Expected "
        f"'{expected}', but was '{actual}' for value: {dumps(value)}"
    )
