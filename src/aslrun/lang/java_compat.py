"""Java's behaviour where AWS runs intrinsic functions on the JVM and it shows in results.

* ``Math.round`` (half up: ``-0.5`` -> ``0``, ``-1.5`` -> ``-1``, ``2.5`` -> ``3``);
* ``toString`` of values: ``Double.toString`` (``1.0E7``, ``Infinity``), ``BigInteger``
  (every digit), maps as ``{a=1, b=[x, y]}``;
* Jackson's ``JsonNode.equals`` (deep, key order ignored; ``1``, ``1.0`` and ``true``
  differ);
* ``java.util.Random`` (the 48-bit LCG) for States.MathRandom's seeded form.

Split from :mod:`aslrun.lang.intrinsic_functions` along that seam: the functions say *what*
each intrinsic does, this module *how Java renders and compares* the values.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Final

from aslrun._json import JSON

__all__ = ["JavaRandom", "int_text", "java_double", "java_round", "java_string", "json_key"]


def java_round(value: float) -> int:
    """Java's ``Math.round``: the nearest integer, halves rounded up (towards +infinity)."""
    floor = math.floor(value)
    return floor + 1 if value - floor >= 0.5 else floor  # value - floor is exact for doubles


# --------------------------------------------------------------------------- Java renderings


def java_double(value: float) -> str:
    """Java's ``Double.toString``: ``1.5``, ``1.0``, ``1.0E7``, ``1.5E-5``."""
    if not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    if 1e-3 <= abs(value) < 1e7:
        text = repr(value)
        return text if "." in text else f"{text}.0"
    sign, digits, exponent = Decimal(repr(value)).as_tuple()
    assert isinstance(exponent, int)
    shown = "".join(map(str, digits)).rstrip("0") or "0"
    power = len(digits) - 1 + exponent
    return f"{'-' if sign else ''}{shown[0]}.{shown[1:] or '0'}E{power}"


def java_string(value: JSON) -> str:
    """A JSON value as Java's ``toString`` shows it (strings as they are, maps as ``{k=v}``)."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, int):
        return int_text(value)
    if isinstance(value, list):
        return "[" + ", ".join(java_string(v) for v in value) + "]"
    return "{" + ", ".join(f"{k}={java_string(v)}" for k, v in value.items()) + "}"


def int_text(value: int) -> str:
    """An integer's digits, however many (``str`` refuses past 4,300 digits; Java's
    BigInteger does not)."""
    try:
        return str(value)
    except ValueError:
        return str(Decimal(value))


# --------------------------------------------------------------------------- JSON equality


def json_key(value: JSON) -> object:
    """A hashable key equal exactly when Jackson's JsonNode.equals would be."""
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, int):
        return ("i", value)
    if isinstance(value, float):
        return ("f", repr(value))
    if isinstance(value, str):
        return ("s", value)
    if value is None:
        return ("n",)
    if isinstance(value, list):
        return ("a", tuple(json_key(v) for v in value))
    return ("o", frozenset((k, json_key(v)) for k, v in value.items()))


class JavaRandom:
    """``java.util.Random`` (48-bit LCG), for States.MathRandom's seeded form."""

    __slots__ = ("_seed",)
    _MULT: Final = 0x5DEECE66D
    _MASK: Final = (1 << 48) - 1

    def __init__(self, seed: int) -> None:
        self._seed = (seed ^ self._MULT) & self._MASK

    def _next(self, bits: int) -> int:
        self._seed = (self._seed * self._MULT + 0xB) & self._MASK
        return self._seed >> (48 - bits)

    def next_int(self, bound: int) -> int:
        """``nextInt(bound)``: uniform in ``[0, bound)``; ``bound`` must be positive."""
        if bound & -bound == bound:
            return (bound * self._next(31)) >> 31
        while True:
            bits = self._next(31)
            value = bits % bound
            if bits - value + (bound - 1) < 2**31:
                return value
