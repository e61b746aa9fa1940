"""Where AWS's JSONata evaluator differs from jsonata-python's built-ins, as measured on AWS.

* Arithmetic is JavaScript's: ``1/0`` is Infinity, ``0/0`` is NaN and ``1e308 * 10`` is
  Infinity, where jsonata-python raises (floci-io/floci#2737, measured on AWS with TestState:
  AWS returns ``"Infinity"`` for ``1/0``, ``["Infinity"]`` for ``[1/0]``).
* A path that starts with a bare field name reads a context item that does not exist, and
  AWS refuses the definition (``UNSUPPORTED_JSONATA_EXPRESSION: Reference to 'phone' at the
  top level is not supported.``, floci-io/floci#2670); so it does ``$$`` anywhere
  (``Reference to '$$' is not supported.``, floci-io/floci#2745).
* ``$parseInteger`` of text its picture cannot read is NaN, written ``"NaN"``
  (floci-io/floci#2737, measured on AWS), where jsonata-python raises.
* ``$formatNumber`` refuses a picture whose active part holds a passive character with
  ``D3086``, which jsonata-js's validation reports after (and so instead of) the earlier
  checks: AWS fails ``$formatNumber(1, "x")`` with D3086 (floci-io/floci#2737), where
  jsonata-python says D3085 or, for ``"#x#"``, formats it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

from aslrun.lang.jsonata_engine import engine as _engine
from aslrun.lang.jsonata_engine import functions as _engine_functions
from aslrun.lang.jsonata_engine import jexception as _engine_errors
from aslrun.lang.jsonata_engine import parser as _engine_parser

__all__ = [
    "format_number_function",
    "ieee_arithmetic",
    "mentions_root",
    "parse_integer_function",
    "top_level_names",
]

_JException = _engine_errors.JException
_Symbol = _engine_parser.Parser.Symbol

# The checks jsonata-js makes before D3086, each overwritten by it when both apply.
_ACTIVE_MARKS: Final = (("decimal-separator", "."), ("grouping-separator", ","), ("digit", "#"))

_BEFORE_D3086: Final = frozenset({"D3081", "D3082", "D3083", "D3084", "D3085"})


def ieee_arithmetic(lhs: float, rhs: float, op: str) -> float:
    """A double arithmetic result where Python's float operators raise."""
    if op == "/":
        if lhs == 0 or math.isnan(lhs):
            return math.nan
        return math.copysign(math.inf, lhs) * math.copysign(1.0, rhs)
    if op == "+":
        return lhs + rhs
    if op == "-":
        return lhs - rhs
    if op == "*":
        return lhs * rhs
    return math.nan


def _passive_in_active_part(picture: str, decimal_format: Mapping[str, Any]) -> bool:
    """True when a sub-picture holds a passive character between its first and last active
    character (the whole sub-picture when it has no active character at all)."""
    zero = str(decimal_format.get("zero-digit", "0"))
    digits = "".join(chr(ord(zero) + i) for i in range(10))
    separator = str(decimal_format.get("pattern-separator", ";"))
    exponent = str(decimal_format.get("exponent-separator", "e"))
    active = digits + "".join(
        str(decimal_format.get(key, default))
        for key, default in (
            ("decimal-separator", "."),
            ("grouping-separator", ","),
            ("digit", "#"),
        )
    )
    for sub in picture.split(separator):
        places = [i for i, ch in enumerate(sub) if ch in active]
        part = sub[places[0] : places[-1] + 1] if places else sub
        if any(ch not in active and ch != exponent for ch in part):
            return True
    return False


class _Checked:
    """``$formatNumber`` with jsonata-js's D3086 rule in front of jsonata-python's own."""

    @staticmethod
    def format_number(value: Any, picture: Any, decimal_format: Any) -> Any:
        engine = _engine_functions.Functions.format_number
        if not isinstance(picture, str) or not _passive_in_active_part(
            picture, decimal_format if isinstance(decimal_format, dict) else {}
        ):
            return engine(value, picture, decimal_format)
        try:
            engine(value, picture, decimal_format)
        except _JException as exc:
            if exc.error not in _BEFORE_D3086:
                raise
        raise _JException("D3086", -1)

    @staticmethod
    def parse_integer(value: Any, picture: Any) -> Any:
        # AWS answers NaN (written "NaN") for text the picture cannot read
        # (floci-io/floci#2737, measured on AWS: $parseInteger("abc", "0")).
        try:
            return _engine_functions.Functions.parse_integer(value, picture)
        except ValueError:
            return math.nan


def parse_integer_function() -> Any:
    """The ``$parseInteger`` to bind on each compiled expression (same signature)."""
    return _engine.Jsonata.function("parseInteger", "<s-s:n>", _Checked, "parse_integer")


def format_number_function() -> Any:
    """The ``$formatNumber`` to bind on each compiled expression (same signature)."""
    return _engine.Jsonata.function("formatNumber", "<n-so?:s>", _Checked, "format_number")


# --------------------------------------------------------------------------- refusals


def top_level_names(node: Any, found: list[str]) -> None:
    """Collect field names read from the (absent) context item at the top level."""
    if node is None:
        return
    if isinstance(node, (list, tuple)):
        for item in node:
            top_level_names(item, found)
        return
    kind = getattr(node, "type", None)
    if kind == "name":
        found.append(str(node.value))
    elif kind == "path":
        top_level_names((node.steps or [None])[0], found)
    elif kind in ("binary", "apply"):
        top_level_names(node.lhs, found)
        top_level_names(node.rhs, found)
    elif kind == "unary":
        top_level_names(getattr(node, "expression", None), found)
        top_level_names(getattr(node, "expressions", None), found)
        top_level_names(getattr(node, "lhs_object", None), found)
    elif kind == "condition":
        top_level_names([node.condition, node.then, getattr(node, "_else", None)], found)
    elif kind == "block":
        top_level_names(node.expressions, found)
    elif kind == "bind":
        top_level_names(node.rhs, found)
    elif kind in ("function", "partial"):
        top_level_names(node.arguments, found)


def mentions_root(tree: Any) -> bool:
    """True when ``$$`` (the root context, which a Step Functions expression does not have)
    appears anywhere in the tree. AWS refuses it: ``UNSUPPORTED_JSONATA_EXPRESSION:
    Reference to '$$' is not supported.`` (floci-io/floci#2745, measured on AWS)."""
    stack, seen = [tree], set()
    while stack:
        node = stack.pop()
        if isinstance(node, (list, tuple)):
            stack.extend(node)
            continue
        if not isinstance(node, _Symbol) or id(node) in seen:
            continue
        seen.add(id(node))
        if node.type == "variable" and node.value == "$":
            return True
        stack.extend(v for v in vars(node).values() if isinstance(v, (list, tuple, _Symbol)))
    return False
