"""Data flow: payload templates and the JSONPath pipeline fields.

JSONPath mode: InputPath -> Parameters -> (task) -> ResultSelector -> ResultPath -> OutputPath.
JSONata mode: Arguments -> (task) -> Output, with Assign in both.  Templates are compiled here
once, at load; evaluating one walks closures, never text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, Protocol

from aslrun._json import JSON, dumps
from aslrun.errors import Diagnostic, StateFailure
from aslrun.lang import intrinsics
from aslrun.lang.paths import (
    Path,
    PathNotFound,
    PathSyntaxError,
    compile_path,
    compile_reference_path,
    resolve,
    set_path,
)
from aslrun.lang.pieces import FAILED, Pieces

__all__ = [
    "NULL",
    "OptPath",
    "Scope",
    "Template",
    "apply_input_path",
    "apply_output_path",
    "apply_result_path",
    "compile_jsonata",
    "compile_opt_path",
    "compile_payload",
    "resolve_field",
    "resolve_in",
]

Where = tuple[str | int, ...]


class _Null:
    """The explicit ``null`` of InputPath/OutputPath/ResultPath (distinct from "absent")."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NULL"


NULL: Final = _Null()
"""Marks a path field that was given as JSON ``null``."""

OptPath = Path | _Null | None
"""A path field: a compiled path, NULL (explicit null) or None (absent: the default ``$``)."""


class Template:
    """A compiled payload template (Parameters, ResultSelector, ItemSelector, Assign, Arguments,
    Output, ...).  ``evaluate(scope)`` builds the value; ``static`` holds it when it is constant.
    """

    __slots__ = ("evaluate", "field", "inner", "raw", "static")

    def __init__(
        self,
        raw: JSON,
        evaluate: Callable[[Scope], JSON],
        static: bool,
        inner: Any = None,
        field: str | None = None,
    ) -> None:
        self.raw = raw
        self.evaluate = evaluate
        self.static = static
        self.inner = inner  # the query engine's own compiled form (JSONata), if any
        self.field = field  # the field's name in AWS's causes ('Choices[1]/Condition')

    def __repr__(self) -> str:
        return f"Template({self.raw!r})"


class RunInfo(Protocol):
    """What a template needs from the running state (provided by the engine)."""

    @property
    def variables(self) -> Mapping[str, JSON]: ...

    def context(self) -> JSON: ...

    def jsonata_bindings(self, scope: Scope) -> Any: ...


class Scope:
    """The values one template evaluation sees: ``data`` for ``$``, and the running state."""

    __slots__ = ("data", "error_output", "result", "run")

    def __init__(
        self,
        data: JSON,
        run: RunInfo,
        result: tuple[JSON] | None = None,
        error_output: dict[str, JSON] | None = None,
    ) -> None:
        self.data = data
        self.run = run
        self.result = result
        self.error_output = error_output


def resolve_in(path: Path, scope: Scope) -> JSON:
    """Evaluate a path in a scope (input, context object or variables)."""
    kind = path.kind
    if kind == "input":
        return path.get(scope.data)
    if kind == "context":
        return path.get(scope.run.context())
    return resolve(path, None, None, scope.run.variables)


def resolve_field(path: Path, scope: Scope, field: str) -> JSON:
    """Evaluate the path a named field holds; a miss fails as AWS words it for that field.

    (Used for ``.$`` keys, intrinsic arguments and ``*Path`` fields; InputPath and OutputPath
    misses have their own wording, see ``apply_input_path``.)
    """
    try:
        return resolve_in(path, scope)
    except PathNotFound:
        raise StateFailure(
            "States.Runtime",
            f"The JSONPath '{path.text}' specified for the field '{field}' could not be found "
            f"in the input '{dumps(scope.data)}'",
        ) from None


# ----------------------------------------------------------------------------------------------
# JSONPath payload templates (Parameters, ResultSelector, ItemSelector, Assign, ...)

Node = Callable[[Scope], JSON]


def compile_payload(
    raw: JSON, where: Where, problems: list[Diagnostic], pieces: Pieces | None = None
) -> Template:
    """Compile a JSONPath-mode payload template: ``.$`` keys hold paths or intrinsics.

    A path or intrinsic already compiled by the load walk is taken from ``pieces``.
    """
    node, static = _compile_node(raw, where, problems, pieces)
    if static:
        return Template(raw, lambda scope: raw, True)
    return Template(raw, node, False)


def _compile_node(
    raw: JSON, where: Where, problems: list[Diagnostic], pieces: Pieces | None
) -> tuple[Node, bool]:
    if isinstance(raw, dict):
        return _compile_object(raw, where, problems, pieces)
    if isinstance(raw, list):
        parts = [_compile_node(v, (*where, i), problems, pieces) for i, v in enumerate(raw)]
        if all(s for _, s in parts):
            return (lambda scope: raw), True
        fns = [f for f, _ in parts]
        return (lambda scope: [f(scope) for f in fns]), False
    return (lambda scope: raw), True


def _compile_object(
    raw: dict[str, JSON], where: Where, problems: list[Diagnostic], pieces: Pieces | None
) -> tuple[Node, bool]:
    entries: list[tuple[str, Node]] = []
    static = True
    for key, value in raw.items():
        if key.endswith(".$") and len(key) > 2:
            entries.append(
                (key[:-2], _compile_dynamic(key, value, (*where, key), problems, pieces))
            )
            static = False
        else:
            fn, s = _compile_node(value, (*where, key), problems, pieces)
            entries.append((key, fn))
            static = static and s
    if static:
        return (lambda scope: raw), True
    frozen = tuple(entries)

    def build(scope: Scope) -> JSON:
        return {k: f(scope) for k, f in frozen}

    return build, False


def compile_dynamic_value(
    value: JSON, field: str, where: Where, problems: list[Diagnostic], pieces: Pieces | None = None
) -> Template:
    """Compile one path-or-intrinsic value (ErrorPath, CausePath, ...) named ``field``."""
    return Template(value, _compile_dynamic(field, value, where, problems, pieces), False)


def _unresolved(scope: Scope) -> JSON:
    return None


def _compile_dynamic(
    key: str, value: JSON, where: Where, problems: list[Diagnostic], pieces: Pieces | None
) -> Node:
    piece = None if pieces is None else pieces.get(where)
    if piece is FAILED:
        return _unresolved  # the load walk reported why
    if isinstance(piece, intrinsics.Intrinsic):
        return _intrinsic_node(piece, key)
    if isinstance(piece, Path):
        return _path_node(piece, key)
    if not isinstance(value, str):
        problems.append(
            Diagnostic(
                where, "the value of a field ending in '.$' must be a path or an intrinsic function"
            )
        )
        return lambda scope: None
    if intrinsics.is_intrinsic(value):
        try:
            fn = intrinsics.compile_intrinsic(value)
        except intrinsics.IntrinsicSyntaxError as e:
            problems.append(Diagnostic(where, f"invalid intrinsic function: {e}"))
            return _unresolved
        return _intrinsic_node(fn, key)
    try:
        path = compile_path(value)
    except PathSyntaxError as e:
        problems.append(Diagnostic(where, str(e)))
        return _unresolved
    return _path_node(path, key)


def _intrinsic_node(fn: intrinsics.Intrinsic, key: str) -> Node:
    return lambda scope: fn.evaluate(
        lambda p: resolve_field(p, scope, key), random=_random_of(scope)
    )


def _path_node(path: Path, key: str) -> Node:
    if path.kind != "input":
        return lambda scope: resolve_field(path, scope, key)
    steps = path.steps
    if steps is not None and len(steps) == 1 and type(steps[0]) is str and path.function is None:
        member = steps[0]  # ``$.name``, the commonest of all: one dict lookup

        def member_of_input(scope: Scope) -> JSON:
            data = scope.data
            if type(data) is dict and member in data:
                return data[member]
            return resolve_field(path, scope, key)  # a miss or a subclass: the general way

        return member_of_input
    get = path.get  # the common case: a path into the state's input, one call deep

    def from_input(scope: Scope) -> JSON:
        try:
            return get(scope.data)
        except PathNotFound:
            return resolve_field(path, scope, key)  # raises AWS's failure for the field

    return from_input


def _random_of(scope: Scope) -> Any:
    return getattr(scope.run, "random", None)


# ----------------------------------------------------------------------------------------------
# JSONata templates (Arguments, Output, Assign, Items, ...)


def compile_jsonata(
    raw: JSON,
    field: str,
    where: Where,
    problems: list[Diagnostic],
    compiled: Mapping[str, object] | None = None,
) -> Template:
    """Compile a JSONata-mode template: ``{% ... %}`` strings at any depth are expressions.

    ``compiled``: expressions the load walk already compiled, by their text; they are reused.
    """
    from aslrun.lang import jsonata  # noqa: PLC0415  (heavy import, only for JSONata definitions)

    known = compiled or {}

    def make(text: str) -> jsonata.Expression:
        found = known.get(text)
        return found if isinstance(found, jsonata.Expression) else jsonata.compile_expression(text)

    try:
        tmpl = jsonata.compile_template(raw, make)
    except jsonata.JsonataSyntaxError as e:
        problems.append(Diagnostic(where, str(e), code=e.code))
        return Template(raw, lambda scope: raw, True)
    if tmpl.is_static:  # no expression at any depth
        return Template(raw, lambda scope: raw, True, tmpl, field)

    def run(scope: Scope) -> JSON:
        return tmpl.evaluate(scope.run.jsonata_bindings(scope), field)

    return Template(raw, run, False, tmpl, field)


# ----------------------------------------------------------------------------------------------
# InputPath, ResultPath, OutputPath


def compile_opt_path(
    raw: Any,
    where: Where,
    problems: list[Diagnostic],
    *,
    reference: bool = False,
    pieces: Pieces | None = None,
) -> OptPath:
    """Compile InputPath/OutputPath/ItemsPath (``reference``: ResultPath)."""
    if raw is None:
        return NULL
    piece = None if pieces is None else pieces.get(where)
    if isinstance(piece, Path):
        return piece
    if piece is FAILED:
        return None  # the load walk reported why
    if not isinstance(raw, str):
        problems.append(Diagnostic(where, "must be a string or null"))
        return None
    try:
        return compile_reference_path(raw) if reference else compile_path(raw)
    except PathSyntaxError as e:
        problems.append(Diagnostic(where, str(e)))
        return None


def apply_input_path(path: OptPath, data: JSON, run: RunInfo) -> JSON:
    """InputPath and OutputPath: absent is ``$``, null is ``{}``; a miss is States.Runtime."""
    if path is None:
        return data
    if path is NULL:
        return {}
    assert isinstance(path, Path)
    try:
        return resolve_in(path, Scope(data, run))
    except PathNotFound as err:
        raise StateFailure(
            "States.Runtime", f"Invalid path '{path.text}' : {err.message}"
        ) from None


apply_output_path = apply_input_path


def apply_result_path(path: OptPath, state_input: JSON, result: JSON) -> JSON:
    if path is None:
        return result
    if path is NULL:
        return state_input
    assert isinstance(path, Path)
    try:
        return set_path(state_input, path, result)
    except PathNotFound:
        raise StateFailure(
            "States.ResultPathMatchFailure",
            f"Unable to apply ReferencePath {path.text} to input {dumps(state_input)}",
        ) from None


def evaluate_typed(template: Template, run: Any, field: str, expected: str) -> Any:
    """Evaluate a JSONata field that must produce a value of one type (Items, Seconds, ...)."""
    from aslrun.lang import jsonata  # noqa: PLC0415 - heavy, only for JSONata definitions

    source = template.inner if template.inner is not None else template.raw
    return jsonata.evaluate_typed(source, run.jsonata(), template.field or field, expected)  # type: ignore[arg-type]
