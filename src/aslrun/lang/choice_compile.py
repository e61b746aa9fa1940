"""Compiling Choice Rules (JSONPath mode): raw JSON to the test nodes of :mod:`aslrun.lang.choice`.

:func:`compile_rule` and :func:`compile_choices` never raise on a malformed definition:
they append located Diagnostics to ``problems`` and return None (or leave the rule out).
Fields this module does not own (``Assign``, and in JSONata mode ``Condition`` and
``Output``) go through a :class:`FieldCompiler`.  The operators and the operand each takes
come from the one table, :data:`aslrun.lang.choice_operators.SPECS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal, Protocol, overload

from aslrun._json import JSON
from aslrun.errors import Diagnostic
from aslrun.lang.choice import (
    And,
    ChoiceRule,
    Comparison,
    Location,
    Not,
    Or,
    QueryLanguage,
    Test,
)
from aslrun.lang.choice_operators import SPECS, Operand, operand_ok
from aslrun.lang.paths import Path, PathSyntaxError, compile_path
from aslrun.lang.pieces import FAILED, Pieces

__all__ = ["FieldCompiler", "compile_choices", "compile_rule"]


class FieldCompiler(Protocol):
    """Compiles a field this module does not own (``Assign``, ``Output``, ``Condition``).

    It appends its own Diagnostics to ``problems`` and returns the compiled value, or
    None after recording a problem.  Arguments are positional, so any plain function of
    that shape fits.
    """

    def __call__(
        self, name: str, raw: JSON, where: Location, problems: list[Diagnostic], /
    ) -> object | None: ...


_BOOLEAN_KEYS: Final = ("And", "Or", "Not")
_RULE_COMMON: Final = frozenset({"Comment"})
_TOP_LEVEL_ONLY: Final = frozenset({"Next", "Assign"})
_JSONATA_ONLY: Final = frozenset({"Condition", "Output"})

# How a compile problem names the operand kind an operator takes.
_OPERAND_TEXT: Final[Mapping[Operand, str]] = {
    "string": "a string",
    "number": "a number",
    "boolean": "a boolean",
    "timestamp": "a timestamp string such as 2016-08-18T17:33:00Z (RFC 3339)",
}


def _open_escape(pattern: str) -> int | None:
    """Index of the first backslash that escapes neither ``*`` nor ``\\``, if any."""
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\":
            if i + 1 < len(pattern) and pattern[i + 1] in "*\\":
                i += 2
                continue
            return i
        i += 1
    return None


def _compile_path(
    raw: JSON, name: str, where: Location, problems: list[Diagnostic], pieces: Pieces | None
) -> Path | None:
    piece = None if pieces is None else pieces.get(where)
    if piece is FAILED:
        return None  # the load walk reported why
    if not isinstance(raw, str):
        problems.append(Diagnostic(where, f"'{name}' must be a path (a string starting with '$')"))
        return None
    try:
        path = piece if isinstance(piece, Path) else compile_path(raw)
    except PathSyntaxError as e:
        problems.append(Diagnostic(where, f"'{name}' is not a valid path: {e}"))
        return None
    if not path.definite:
        problems.append(
            Diagnostic(
                where, f"'{name}' must be a reference path that selects a single node: {raw!r}"
            )
        )
        return None
    return path


@overload
def compile_rule(
    raw: JSON,
    where: Location,
    problems: list[Diagnostic],
    *,
    top_level: Literal[True],
    query_language: QueryLanguage = ...,
    compile_field: FieldCompiler | None = ...,
    pieces: Pieces | None = ...,
) -> ChoiceRule | None: ...


@overload
def compile_rule(
    raw: JSON,
    where: Location,
    problems: list[Diagnostic],
    *,
    top_level: Literal[False],
    query_language: QueryLanguage = ...,
    compile_field: FieldCompiler | None = ...,
    pieces: Pieces | None = ...,
) -> Test | None: ...


def compile_rule(
    raw: JSON,
    where: Location,
    problems: list[Diagnostic],
    *,
    top_level: bool,
    query_language: QueryLanguage = "JSONPath",
    compile_field: FieldCompiler | None = None,
    pieces: Pieces | None = None,
) -> ChoiceRule | Test | None:
    """Compile one Choice Rule located at ``where`` (e.g. ``("States", "C", "Choices", 0)``).

    A top-level rule becomes a ChoiceRule (it needs ``Next``); a nested one (inside And,
    Or, Not) becomes a test node and must not have ``Next``.  Problems are appended to
    ``problems`` as located Diagnostics, and None is returned; nothing is raised.

    ``compile_field`` compiles ``Assign``, and in JSONata mode ``Condition`` and
    ``Output``; without it those fields are kept as their raw JSON values.
    """
    count = len(problems)
    if not isinstance(raw, Mapping):
        problems.append(Diagnostic(where, "a Choice Rule must be a JSON object"))
        return None
    if not top_level:
        for key in sorted(_TOP_LEVEL_ONLY & raw.keys()):
            problems.append(
                Diagnostic((*where, key), f"'{key}' is only allowed in a top-level Choice Rule")
            )
        nested = _compile_test(raw, where, problems, pieces, skip=_TOP_LEVEL_ONLY)
        return None if len(problems) > count else nested

    next_state = raw.get("Next")
    if "Next" not in raw:
        problems.append(Diagnostic(where, "a top-level Choice Rule must have a 'Next' field"))
    elif not isinstance(next_state, str) or not next_state:
        problems.append(Diagnostic((*where, "Next"), "'Next' must be a non-empty string"))

    test: Test | None = None
    condition: object | None = None
    output: object | None = None
    if query_language == "JSONata":
        condition, output = _compile_jsonata(raw, where, problems, compile_field)
    else:
        test = _compile_test(raw, where, problems, pieces, skip=_TOP_LEVEL_ONLY)
    assign = _field(raw, "Assign", where, problems, compile_field)
    if len(problems) > count:
        return None
    assert isinstance(next_state, str)
    return ChoiceRule(test, next_state, assign, where, condition, output)


def _field(
    raw: Mapping[str, JSON],
    name: str,
    where: Location,
    problems: list[Diagnostic],
    compile_field: FieldCompiler | None,
) -> object | None:
    """A field compiled by ``compile_field``, its raw JSON without one, None when absent."""
    if name not in raw:
        return None
    if compile_field is None:
        kept: object = raw[name]  # the raw JSON, opaque to this module
        return kept
    return compile_field(name, raw[name], (*where, name), problems)


def _compile_jsonata(
    raw: Mapping[str, JSON],
    where: Location,
    problems: list[Diagnostic],
    compile_field: FieldCompiler | None,
) -> tuple[object | None, object | None]:
    """``(condition, output)`` of a top-level JSONata rule; other keys are reported."""
    allowed = _RULE_COMMON | _TOP_LEVEL_ONLY | _JSONATA_ONLY
    for key in raw:
        if key not in allowed:
            problems.append(Diagnostic((*where, key), _unsupported(key, "JSONata")))
    if "Condition" not in raw:
        problems.append(Diagnostic(where, "a JSONata Choice Rule must have a 'Condition' field"))
    condition = _field(raw, "Condition", where, problems, compile_field)
    output = _field(raw, "Output", where, problems, compile_field)
    return condition, output


def compile_choices(
    raw: JSON,
    where: Location,
    problems: list[Diagnostic],
    *,
    query_language: QueryLanguage = "JSONPath",
    compile_field: FieldCompiler | None = None,
    pieces: Pieces | None = None,
) -> tuple[ChoiceRule, ...]:
    """Compile a Choice state's ``Choices`` array (``where`` locates the array itself)."""
    if not isinstance(raw, list) or not raw:
        problems.append(Diagnostic(where, "'Choices' must be a non-empty array of Choice Rules"))
        return ()
    rules = []
    for i, item in enumerate(raw):
        rule = compile_rule(
            item,
            (*where, i),
            problems,
            top_level=True,
            query_language=query_language,
            compile_field=compile_field,
            pieces=pieces,
        )
        if rule is not None:
            rules.append(rule)
    return tuple(rules)


def _unsupported(key: str, query_language: QueryLanguage) -> str:
    if key in _JSONATA_ONLY and query_language == "JSONPath":
        return f"'{key}' is only supported when the query language is JSONata"
    if (key == "Variable" or key in SPECS or key in _BOOLEAN_KEYS) and query_language == "JSONata":
        return f"'{key}' is only supported when the query language is JSONPath"
    return f"'{key}' is not a supported field of a Choice Rule"


def _compile_test(
    raw: Mapping[str, JSON],
    where: Location,
    problems: list[Diagnostic],
    pieces: Pieces | None,
    *,
    skip: frozenset[str],
) -> Test | None:
    """Compile the Boolean or data-test part of a JSONPath rule; ``skip`` keys are handled
    (or reported) by the caller."""
    count = len(problems)
    booleans = [k for k in _BOOLEAN_KEYS if k in raw]
    operators = [k for k in raw if k in SPECS]
    for key in raw:
        if key in skip or key in _RULE_COMMON or key in SPECS or key in _BOOLEAN_KEYS:
            continue
        if key != "Variable":
            problems.append(Diagnostic((*where, key), _unsupported(key, "JSONPath")))
    if booleans:
        return _compile_boolean(raw, booleans, operators, where, problems, count, pieces)
    return _compile_comparison(raw, operators, where, problems, count, pieces)


def _compile_boolean(
    raw: Mapping[str, JSON],
    booleans: list[str],
    operators: list[str],
    where: Location,
    problems: list[Diagnostic],
    count: int,
    pieces: Pieces | None,
) -> Test | None:
    """An ``And``, ``Or`` or ``Not`` node (``booleans`` are the ones present, in that order).

    ``count`` is the number of problems before this rule: any new one means None.
    """
    if len(booleans) > 1 or operators or "Variable" in raw:
        others = [*booleans[1:], *(["Variable"] if "Variable" in raw else []), *operators]
        problems.append(
            Diagnostic(
                where,
                f"a Choice Rule with '{booleans[0]}' must not also have "
                + ", ".join(f"'{k}'" for k in others),
            )
        )
        return None
    key = booleans[0]
    value = raw[key]
    if key == "Not":
        if not isinstance(value, Mapping):
            problems.append(Diagnostic((*where, key), "'Not' must be a Choice Rule object"))
            return None
        inner = compile_rule(value, (*where, key), problems, top_level=False, pieces=pieces)
        return None if inner is None or len(problems) > count else Not(inner)
    if not isinstance(value, list) or not value:
        problems.append(
            Diagnostic((*where, key), f"'{key}' must be a non-empty array of Choice Rules")
        )
        return None
    rules = [
        compile_rule(item, (*where, key, i), problems, top_level=False, pieces=pieces)
        for i, item in enumerate(value)
    ]
    if len(problems) > count:
        return None
    compiled = tuple(r for r in rules if r is not None)
    return And(compiled) if key == "And" else Or(compiled)


def _compile_comparison(
    raw: Mapping[str, JSON],
    operators: list[str],
    where: Location,
    problems: list[Diagnostic],
    count: int,
    pieces: Pieces | None,
) -> Test | None:
    """A ``Variable`` with exactly one comparison operator (``operators``, in raw order).

    ``count`` is the number of problems before this rule: any new one means None.
    """
    if "Variable" not in raw:
        if operators:
            problems.append(
                Diagnostic(
                    where, f"a Choice Rule with '{operators[0]}' must have a 'Variable' field"
                )
            )
        else:
            problems.append(
                Diagnostic(
                    where,
                    "a Choice Rule must have 'Variable' and a comparison operator, "
                    "or one of 'And', 'Or', 'Not'",
                )
            )
        return None
    variable = _compile_path(raw["Variable"], "Variable", (*where, "Variable"), problems, pieces)
    if not operators:
        problems.append(
            Diagnostic(
                where, "a Choice Rule with 'Variable' must have exactly one comparison operator"
            )
        )
        return None
    if len(operators) > 1:
        problems.append(
            Diagnostic(
                where,
                "a Choice Rule must have exactly one comparison operator, found "
                + ", ".join(f"'{k}'" for k in operators),
            )
        )
        return None
    operator = operators[0]
    operand = _compile_operand(operator, raw[operator], (*where, operator), problems, pieces)
    if variable is None or len(problems) > count:
        return None
    return Comparison(variable, operator, operand)


def _compile_operand(
    operator: str, value: JSON, where: Location, problems: list[Diagnostic], pieces: Pieces | None
) -> JSON | Path:
    kind = SPECS[operator].operand
    if kind == "path":
        return _compile_path(value, operator, where, problems, pieces)
    if not operand_ok(kind, value):
        problems.append(Diagnostic(where, f"'{operator}' must be {_OPERAND_TEXT[kind]}"))
        return None
    if operator == "StringMatches" and isinstance(value, str):
        at = _open_escape(value)
        if at is not None:
            problems.append(
                Diagnostic(
                    where,
                    f"'StringMatches' has an open escape '\\' at index {at}: "
                    "only '\\*' and '\\\\' are escapes",
                )
            )
    return value
