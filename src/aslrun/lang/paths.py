"""ASL paths: compiled once at load, evaluated with AWS's (Jayway) semantics.

A path starts with ``$`` (the state's input), ``$$`` (the context object) or ``$name``
(a workflow variable).  Plain reference paths such as ``$.a.b[0]['c d']`` (or Jayway's
``$.a.['c d']``) take a fast path (a tuple of steps walked directly); anything else
(wildcards, slices, filters, deep scans) is compiled once by :mod:`aslrun.lang.jayway`, which
accepts the Jayway forms AWS accepts and refuses what cannot be evaluated. A trailing Jayway
function (``$.items.length()``) applies to what the path before it selects.

AWS semantics kept here:

* a *definite* path (no wildcard, slice, filter or deep scan) that finds nothing is an error;
  the message is Jayway's (``No results for path: $['a']`` for a missing leaf,
  ``Missing property in path $['no']`` for a missing intermediate);
* an *indefinite* path always yields an array of its matches, possibly empty.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from aslrun._json import JSON

__all__ = [
    "Path",
    "PathNotFound",
    "PathSyntaxError",
    "VariableNotFound",
    "compile_path",
    "compile_reference_path",
    "is_path",
    "resolve",
    "set_path",
]

PathKind = Literal["input", "context", "variable"]
Step = str | int


class PathSyntaxError(ValueError):
    """A path that does not parse."""


class PathNotFound(LookupError):
    """A definite path that finds nothing; ``message`` is AWS's wording of why."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


class VariableNotFound(PathNotFound):
    """A ``$name`` path naming a variable that was never assigned."""


_VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A dotted member name in a plain reference path.
_DOT_NAME = re.compile(r"\.([^.\[\]()*?@,:\s'\"$]+)")
_BRACKET_INDEX = re.compile(r"\[(\d+)\]")
_BRACKET_NAME = re.compile(r"\[(?:'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\")\]")


@dataclass(frozen=True, slots=True)
class Path:
    """A compiled ASL path.

    ``steps`` is set for plain reference paths (the fast path); otherwise ``expr`` holds
    the jsonpath-ng expression and ``definite`` tells whether it selects a single node.
    """

    text: str
    kind: PathKind
    variable: str | None
    steps: tuple[Step, ...] | None
    expr: Any
    definite: bool
    function: str | None = None

    def __str__(self) -> str:
        return self.text

    def get(self, root: JSON) -> JSON:
        """Evaluate against ``root`` (the input, the context object or the variable value)."""
        if self.steps is not None:
            value = _walk(self, root, self.steps)
        else:
            matches = [m.value for m in self.expr.find(root)]
            if self.definite:
                if not matches:
                    raise PathNotFound(self, f"No results for path: {_bracket(self.text)}")
                value = matches[0]
            else:
                value = matches
        if self.function is None:
            return value
        return _apply_function(self, value)


def is_path(text: str) -> bool:
    """True when ``text`` looks like a path (starts with ``$``)."""
    return text.startswith("$")


def compile_path(text: str) -> Path:
    """Compile a path (``$...``, ``$$...`` or ``$var...``); raise PathSyntaxError if it is
    not JSONPath AWS accepts or cannot be evaluated."""
    if not text.startswith("$"):
        raise PathSyntaxError(f"a path must start with '$': {text!r}")
    if text.startswith("$$"):
        kind: PathKind = "context"
        variable = None
        rest = text[2:]
    else:
        m = _VAR_NAME.match(text, 1)
        if m:
            kind, variable, rest = "variable", m.group(0), text[m.end() :]
        else:
            kind, variable, rest = "input", None, text[1:]
    function = None
    if rest.rstrip().endswith(")") and "(" in rest:
        from aslrun.lang import jayway  # noqa: PLC0415  (jsonpath-ng only when needed)

        try:
            rest, function = jayway.split_function(rest)
        except jayway.JaywayError as e:
            raise PathSyntaxError(f"invalid JSONPath {text!r}: {e}") from None
    steps = _plain_steps(rest)
    if steps is not None:
        return Path(text, kind, variable, steps, None, True, function)
    return _compile_extended(text, kind, variable, rest, function)


def compile_reference_path(text: str) -> Path:
    """Compile a Reference Path (ResultPath): a plain path to a single node of the input."""
    path = compile_path(text)
    if path.kind == "context":
        raise PathSyntaxError(f"a reference path cannot start with '$$': {text!r}")
    if path.steps is None:
        raise PathSyntaxError(f"a reference path must select a single node: {text!r}")
    if path.function is not None:
        raise PathSyntaxError(f"a reference path cannot call a function: {text!r}")
    return path


def resolve(
    path: Path, data: JSON, context: JSON, variables: Mapping[str, JSON] | None = None
) -> JSON:
    """Evaluate ``path`` against the state input, the context object or the variables."""
    if path.kind == "input":
        return path.get(data)
    if path.kind == "context":
        return path.get(context)
    name = path.variable
    assert name is not None
    if variables is None or name not in variables:
        raise VariableNotFound(path, f"The variable '{name}' was not found")
    return path.get(variables[name])


def set_path(data: JSON, path: Path, value: JSON) -> JSON:
    """Return a copy of ``data`` with ``value`` placed at the reference path ``path``.

    Intermediate objects are created; only the objects along the path are copied.
    Raises PathNotFound when an intermediate node is not an object.
    """
    steps = path.steps
    assert steps is not None
    if not steps:
        return value
    return _place(path, data, steps, 0, value)


def _place(path: Path, node: JSON, steps: tuple[Step, ...], i: int, value: JSON) -> JSON:
    step = steps[i]
    last = i == len(steps) - 1
    if isinstance(step, int):
        if not isinstance(node, list) or step >= len(node):
            raise PathNotFound(path, f"Unable to apply ReferencePath {path.text} to input")
        out_list = list(node)
        out_list[step] = value if last else _place(path, node[step], steps, i + 1, value)
        return out_list
    if node is None and i > 0:
        node = {}
    if not isinstance(node, dict):
        raise PathNotFound(path, f"Unable to apply ReferencePath {path.text} to input")
    out = dict(node)
    out[step] = value if last else _place(path, node.get(step), steps, i + 1, value)
    return out


def _walk(path: Path, root: JSON, steps: tuple[Step, ...]) -> JSON:
    node = root
    last = len(steps) - 1
    for i, step in enumerate(steps):
        if isinstance(step, int):
            if isinstance(node, list) and -len(node) <= step < len(node):
                node = node[step]
                continue
        elif isinstance(node, dict) and step in node:
            node = node[step]
            continue
        shown = _bracket_steps(steps[: i + 1], path)
        if i == last:
            raise PathNotFound(path, f"No results for path: {shown}")
        raise PathNotFound(path, f"Missing property in path {shown}")
    return node


def _plain_steps(rest: str) -> tuple[Step, ...] | None:
    steps: list[Step] = []
    pos = 0
    n = len(rest)
    while pos < n:
        if rest.startswith(".[", pos):
            pos += 1  # Jayway (and AWS's own example, $.abc.['def ghi']): '.[' is '['
        m = _DOT_NAME.match(rest, pos)
        if m:
            steps.append(m.group(1))
            pos = m.end()
            continue
        m = _BRACKET_INDEX.match(rest, pos)
        if m:
            steps.append(int(m.group(1)))
            pos = m.end()
            continue
        m = _BRACKET_NAME.match(rest, pos)
        if m:
            raw = m.group(1) if m.group(1) is not None else m.group(2)
            steps.append(re.sub(r"\\(.)", r"\1", raw))
            pos = m.end()
            continue
        return None
    return tuple(steps)


def _compile_extended(
    text: str, kind: PathKind, variable: str | None, rest: str, function: str | None
) -> Path:
    # Imported only when a definition has a non-plain path: most never pay for it.
    from aslrun.lang import jayway  # noqa: PLC0415 - see the comment above

    try:
        expr = jayway.compile_jayway(rest)
    except jayway.JaywayError as e:
        raise PathSyntaxError(f"invalid JSONPath {text!r}: {e}") from None
    definite = not any(tok in rest for tok in ("*", "..", "?", ":", ","))
    return Path(text, kind, variable, None, expr, definite, function)


def _apply_function(path: Path, value: JSON) -> JSON:
    from aslrun.lang import jayway  # noqa: PLC0415 - as above: only for non-plain paths

    assert path.function is not None
    try:
        return jayway.FUNCTIONS[path.function](path.function, value)
    except jayway.JaywayError as e:
        raise PathNotFound(path, f"Function {path.function}() failed: {e}") from None


def _bracket(text: str) -> str:
    """Jayway's bracket form of a path for messages: ``$.a.b`` -> ``$['a']['b']``."""
    try:
        path = compile_path(text)
    except PathSyntaxError:
        return text
    if path.steps is None:
        return text
    return _bracket_steps(path.steps, path)


def _bracket_steps(steps: tuple[Step, ...], path: Path) -> str:
    head = {"input": "$", "context": "$$"}.get(path.kind, f"${path.variable}")
    parts = [f"[{s}]" if isinstance(s, int) else f"['{s}']" for s in steps]
    return head + "".join(parts)
