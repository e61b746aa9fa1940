"""Choice state rules (JSONPath mode): compiled once, evaluated with AWS's semantics.

A top-level rule is a :class:`ChoiceRule` (``Next``, an optional ``Assign``) around a test
node: a :class:`Comparison` (``Variable`` plus one comparison operator) or a Boolean
:class:`And` / :class:`Or` / :class:`Not`.  Every comparison operator is a plain function
in :data:`OPERATORS`; each ``*Path`` operator is the same function as its base operator,
its right-hand value read from the data by a path instead of written in the definition.

Semantics kept here (the recorded AWS executions and the States Language spec agree):

* a value of the wrong type makes a comparison false, never an error: ``true`` is not
  numeric, ``NumericEquals`` finds ``1`` and ``1.0`` equal, a string that is not an
  RFC 3339 timestamp never matches a ``Timestamp*`` operator;
* a ``Variable`` path that finds nothing makes ``IsPresent`` false (``IsPresent: false``
  true); with any other operator, and for a ``*Path`` value that finds nothing, the state
  fails with ``States.Runtime``, detail
  ``Invalid path '$.x': The choice state's condition path references an invalid value.``;
* strings compare ordinally by UTF-16 code unit, as Java's ``String.compareTo`` does;
* timestamps compare as instants (``...T19:00:55+01:00`` equals ``...T18:00:55Z``).

JSONata rules (``Condition``) are compiled and evaluated elsewhere; this module only keeps
the compiled condition as an opaque ``ChoiceRule.condition``.

The operators and their operand kinds are the table in :mod:`aslrun.lang.choice_operators`;
compiling rules from JSON is :mod:`aslrun.lang.choice_compile` (which imports this module,
never the reverse).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

from aslrun._json import JSON
from aslrun.errors import StateFailure
from aslrun.lang.choice_operators import OPERATORS, parse_timestamp
from aslrun.lang.paths import Path, PathNotFound

__all__ = [
    "OPERATORS",
    "And",
    "ChoiceRule",
    "Comparison",
    "Not",
    "Or",
    "Test",
    "choose",
    "evaluate",
    "invalid_path_detail",
    "parse_timestamp",
]

Location: TypeAlias = tuple[str | int, ...]
QueryLanguage: TypeAlias = Literal["JSONPath", "JSONata"]

# --------------------------------------------------------------------------- the model


@dataclass(frozen=True, slots=True)
class Comparison:
    """``Variable`` compared by ``operator`` with ``value`` (a compiled Path for ``*Path``)."""

    variable: Path
    operator: str
    value: JSON | Path


@dataclass(frozen=True, slots=True)
class And:
    """True when every rule is true (evaluated in order, stopping at the first false)."""

    rules: tuple[Test, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """True when any rule is true (evaluated in order, stopping at the first true)."""

    rules: tuple[Test, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """The inverse of ``rule``."""

    rule: Test


Test: TypeAlias = "Comparison | And | Or | Not"


@dataclass(frozen=True, slots=True)
class ChoiceRule:
    """A top-level Choice Rule.

    ``test`` is set in JSONPath mode; in JSONata mode ``test`` is None and ``condition``
    holds whatever the JSONata compiler made of ``Condition``.  ``assign`` and ``output``
    are opaque too (compiled by the data-flow module).  ``where`` locates the rule.
    """

    test: Test | None
    next: str
    assign: object | None
    where: Location
    condition: object | None = None
    output: object | None = None


# --------------------------------------------------------------------------- evaluation


def invalid_path_detail(path: Path) -> str:
    """AWS's detail when a Choice Rule path finds nothing (before the state prefix)."""
    return (
        f"Invalid path '{path.text}': "
        "The choice state's condition path references an invalid value."
    )


def evaluate(test: Test, resolve: Callable[[Path], JSON]) -> bool:
    """Evaluate a JSONPath test node.

    ``resolve`` reads a path from the state's effective input, the context object or the
    variables, and raises PathNotFound when a definite path finds nothing.  A missing
    path raises ``StateFailure("States.Runtime", invalid_path_detail(path))``, except for
    ``IsPresent``, which is then simply false (``IsPresent: false`` true).
    """
    if isinstance(test, Comparison):
        try:
            value = resolve(test.variable)
        except PathNotFound:
            if test.operator == "IsPresent":
                return test.value is False
            raise StateFailure("States.Runtime", invalid_path_detail(test.variable)) from None
        operand = test.value
        if isinstance(operand, Path):
            path = operand
            try:
                operand = resolve(path)
            except PathNotFound:
                raise StateFailure("States.Runtime", invalid_path_detail(path)) from None
        return OPERATORS[test.operator](value, operand)
    if isinstance(test, And):
        return all(evaluate(rule, resolve) for rule in test.rules)
    if isinstance(test, Or):
        return any(evaluate(rule, resolve) for rule in test.rules)
    return not evaluate(test.rule, resolve)


def choose(
    rules: Sequence[ChoiceRule],
    resolve: Callable[[Path], JSON],
    *,
    condition: Callable[[object], bool] | None = None,
) -> ChoiceRule | None:
    """The first rule that matches, or None (the engine then takes Default or fails).

    ``condition`` evaluates a JSONata rule's compiled ``Condition``; it is needed only
    for rules without a JSONPath ``test``.
    """
    for rule in rules:
        if rule.test is not None:
            if evaluate(rule.test, resolve):
                return rule
        elif condition is None:
            raise TypeError(f"rule at {rule.where!r} has a JSONata Condition; pass condition=")
        elif condition(rule.condition):
            return rule
    return None
