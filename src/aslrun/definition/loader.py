"""Load a state machine definition from wherever users keep it.

``load_definition`` accepts a dict, JSON or YAML text, or a path to a ``.json``/``.yaml``/
``.yml`` file holding one of:

* a bare ASL definition (``StartAt``/``States``), optionally with ``${Name}`` placeholders
  filled from ``substitutions``;
* a ``serverless.yml`` (``stepFunctions.stateMachines``; Serverless variables resolved);
* a CloudFormation or SAM template (``AWS::StepFunctions::StateMachine`` or
  ``AWS::Serverless::StateMachine``; intrinsic functions resolved).

It returns the plain ASL dict; checking it is :mod:`aslrun.definition.validate`'s job.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Union

import yaml

from aslrun._json import deep_copy
from aslrun.definition import cloudformation as _cfn
from aslrun.definition import serverless as _serverless
from aslrun.definition.yaml_loader import parse_yaml
from aslrun.errors import Diagnostic, LoadError

__all__ = [
    "Kind",
    "LoadOptions",
    "LoadedDefinition",
    "Source",
    "StateMachineEntry",
    "list_state_machines",
    "load_definition",
    "parse_text",
]

Kind = Literal["asl", "serverless", "cloudformation", "sam"]
Source = Union[Mapping[str, Any], str, "os.PathLike[str]"]
Loc = tuple[str | int, ...]

_SUFFIXES = (".json", ".yaml", ".yml")
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_.:-]+)\}")
_SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True)
class LoadedDefinition:
    """A loaded definition: the plain ASL dict and where it came from."""

    definition: dict[str, Any]
    name: str | None = None
    source: str | None = None
    kind: Kind = "asl"
    key: str | None = None
    warnings: tuple[Diagnostic, ...] = ()
    region: str | None = None
    """The region the file deploys to (serverless ``provider.region``), when it says."""
    function_aliases: Mapping[str, str] = field(default_factory=dict)
    """Deployed Lambda function name -> the key the file declares it under (serverless.yml)."""


@dataclass(frozen=True)
class StateMachineEntry:
    """One state machine a file holds (``aslrun list``)."""

    key: str | None
    name: str | None
    kind: Kind
    states: int | None


@dataclass(frozen=True)
class LoadOptions:
    """The options of :func:`load_definition`, passed along as one value."""

    state_machine: str | None = None
    substitutions: Mapping[str, str] = field(default_factory=dict)
    stage: str | None = None
    region: str | None = None
    account: str | None = None
    variables: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Document:
    data: dict[str, Any]
    source: str | None
    base_dir: Path
    kind: Kind


def load_definition(
    source: Source,
    *,
    state_machine: str | None = None,
    substitutions: Mapping[str, str] | None = None,
    stage: str | None = None,
    region: str | None = None,
    variables: Mapping[str, Any] | None = None,
    account: str | None = None,
) -> LoadedDefinition:
    """Load one state machine definition; raise :class:`LoadError` when it cannot be read.

    ``state_machine`` picks a machine by key/logical id or name when a file holds several.
    ``substitutions`` fill ``${Name}`` placeholders (on top of ``DefinitionSubstitutions``).
    ``stage``/``region`` are the Serverless ``--stage``/``--region`` options (``region`` and
    ``account`` also build ARNs); ``variables`` supply values only AWS knows: CloudFormation
    parameters and imports by name, ``"Logical.Attr"`` for ``Fn::GetAtt``, and Serverless
    sources such as ``"ssm:/path"`` or ``"env:NAME"``.
    """
    options = LoadOptions(
        state_machine, dict(substitutions or {}), stage, region, account, dict(variables or {})
    )
    return _load(_read(source), options)


def list_state_machines(
    source: Source,
    *,
    substitutions: Mapping[str, str] | None = None,
    stage: str | None = None,
    region: str | None = None,
    variables: Mapping[str, Any] | None = None,
    account: str | None = None,
) -> list[StateMachineEntry]:
    """The state machines a file holds; ``states`` is None when one cannot be loaded."""
    document = _read(source)
    options = LoadOptions(
        None, dict(substitutions or {}), stage, region, account, dict(variables or {})
    )
    if document.kind == "asl":
        keys: list[str | None] = [None]
    elif document.kind == "serverless":
        keys = list(_serverless.state_machines(document.data))
    else:
        keys = list(_cfn.find_state_machines(document.data))
    entries = []
    for key in keys:
        try:
            loaded = _load(
                document,
                LoadOptions(key, options.substitutions, stage, region, account, options.variables),
            )
        except LoadError:
            entries.append(StateMachineEntry(key, None, document.kind, None))
            continue
        states = loaded.definition.get("States")
        count = len(states) if isinstance(states, dict) else None
        entries.append(StateMachineEntry(key, loaded.name, document.kind, count))
    return entries


# -- reading ------------------------------------------------------------------------


def _read(source: Source) -> _Document:
    if isinstance(source, Mapping):
        data = deep_copy(dict(source))
        return _Document(data, None, Path(), _kind(data, None))
    if isinstance(source, os.PathLike):
        return _read_file(Path(source))
    if not isinstance(source, str):
        raise LoadError(f"cannot load a {type(source).__name__}: pass a dict, text or a path")
    if "\n" not in source and len(source) < 4096 and os.path.isfile(source):
        return _read_file(Path(source))
    stripped = source.strip()
    if stripped.startswith("{") or "\n" in source:
        data = parse_text(source, None)
        return _Document(data, None, Path(), _kind(data, None))
    raise _missing(Path(source))


def _missing(path: Path) -> LoadError:
    hint = ""
    try:
        folder = path.parent if str(path.parent) else Path()
        matches = [p.name for p in folder.iterdir() if p.name.lower() == path.name.lower()]
    except OSError:
        matches = []
    if matches:
        hint = f" (did you mean {str(folder / matches[0])!r}? names are case-sensitive)"
    what = "file" if path.suffix.lower() in _SUFFIXES else "file or definition text"
    return LoadError(f"{what} not found: {str(path)!r}{hint}", source=str(path))


def _read_file(path: Path) -> _Document:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _missing(path) from None
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror}", source=str(path)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(f"not UTF-8 text (byte {exc.start})", source=str(path)) from None
    data = parse_text(text, str(path), suffix=path.suffix.lower())
    return _Document(data, str(path), path.parent, _kind(data, str(path)))


def parse_text(text: str, source: str | None, *, suffix: str = "") -> dict[str, Any]:
    """Parse JSON or YAML text into a dict; syntax errors carry line and column."""
    looks_json = suffix == ".json" or (not suffix and text.lstrip().startswith("{"))
    data: Any
    if looks_json:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            if suffix == ".json":
                raise LoadError(
                    f"invalid JSON: {exc.msg}", source=source, line=exc.lineno, column=exc.colno
                ) from None
            try:
                data = parse_yaml(text)
            except yaml.YAMLError:
                raise LoadError(
                    f"invalid JSON: {exc.msg}", source=source, line=exc.lineno, column=exc.colno
                ) from None
    else:
        data = _parse_yaml(text, source)
    if not isinstance(data, dict):
        kind = "nothing" if data is None else f"a {type(data).__name__}"
        raise LoadError(f"expected an object at the top level, got {kind}", source=source)
    return data


def _parse_yaml(text: str, source: str | None) -> Any:
    try:
        return parse_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise LoadError(
            f"invalid YAML: {message}",
            source=source,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise LoadError(f"invalid YAML: {exc}", source=source) from None


def _kind(data: Mapping[str, Any], source: str | None) -> Kind:
    if "StartAt" in data or "States" in data:
        return "asl"
    if "stepFunctions" in data or (
        "service" in data and ("provider" in data or "functions" in data)
    ):
        return "serverless"
    resources = data.get("Resources")
    if isinstance(resources, dict) or "AWSTemplateFormatVersion" in data:
        transform = data.get("Transform")
        transforms = transform if isinstance(transform, list) else [transform]
        serverless_types = any(
            isinstance(r, dict) and str(r.get("Type", "")).startswith("AWS::Serverless::")
            for r in (resources or {}).values()
        )
        return "sam" if _SAM_TRANSFORM in transforms or serverless_types else "cloudformation"
    keys = ", ".join(sorted(map(str, data))[:8]) or "none"
    raise LoadError(
        "not a state machine definition (no StartAt/States), serverless.yml "
        f"(no stepFunctions) or CloudFormation/SAM template (no Resources); top-level keys: {keys}",
        source=source,
    )


# -- loading by kind ----------------------------------------------------------------


def _load(document: _Document, options: LoadOptions) -> LoadedDefinition:
    if document.kind == "asl":
        definition = _cfn.substitute_strings(document.data, options.substitutions)
        return LoadedDefinition(
            definition, None, document.source, "asl", None, _placeholder_warnings(definition)
        )
    if document.kind == "serverless":
        return _load_serverless(document, options)
    return _load_template(document, options)


def _pick(names: Mapping[str, str | None], wanted: str | None, document: _Document) -> str:
    described = ", ".join(k if not n or n == k else f"{k} (name: {n})" for k, n in names.items())
    if not names:
        raise LoadError(f"no state machines in this {document.kind} file", source=document.source)
    if wanted is not None:
        if wanted in names:
            return wanted
        by_name = [k for k, n in names.items() if n == wanted]
        if len(by_name) == 1:
            return by_name[0]
        raise LoadError(
            f"no state machine {wanted!r}; this file holds: {described}", source=document.source
        )
    if len(names) == 1:
        return next(iter(names))
    raise LoadError(
        f"{len(names)} state machines; pick one with state_machine= (--state-machine): {described}",
        source=document.source,
    )


def _load_serverless(document: _Document, options: LoadOptions) -> LoadedDefinition:
    doc = document.data
    ctx = _serverless.make_context(
        doc,
        stage=options.stage,
        region=options.region,
        account=options.account,
        variables=options.variables,
        base_dir=document.base_dir,
        source=document.source,
    )
    machines = _serverless.state_machines(doc)
    names = {key: _soft_name(spec.get("name"), ctx, key) for key, spec in machines.items()}
    key = _pick(names, options.state_machine, document)
    spec = machines[key]
    where: Loc = ("stepFunctions", "stateMachines", key, "definition")
    if "definition" not in spec:
        raise ctx.fail(where, "state machine has no 'definition'")
    raw = _serverless.resolve_variables(spec["definition"], ctx, where)
    if isinstance(raw, str):
        raw = parse_text(raw, document.source)
    if not isinstance(raw, dict):
        raise ctx.fail(where, "the definition must be an object")
    env = _cfn.Env(
        _serverless.resources(doc),
        ctx.region,
        ctx.account,
        variables=options.variables,
        extra=_serverless.functions(ctx),
        source=document.source,
    )
    notes: list[Diagnostic] = []
    definition = _cfn.resolve(_serverless.resolve_variables(raw, ctx, where), env, where, notes)
    definition = _cfn.substitute_strings(definition, options.substitutions)
    aliases = {
        str(attrs["Ref"]): str(fn_key)
        for fn_key, attrs in zip(
            (doc.get("functions") or {}), _serverless.functions(ctx).values(), strict=False
        )
    }
    return LoadedDefinition(
        definition,
        names[key],
        document.source,
        "serverless",
        key,
        (*notes, *_placeholder_warnings(definition)),
        ctx.region,
        aliases,
    )


def _soft_name(value: Any, ctx: _serverless.Serverless, key: str) -> str | None:
    if value is None:
        return None
    try:
        return str(_serverless.resolve_variables(value, ctx, ("stepFunctions", key, "name")))
    except LoadError:
        return str(value)


def _load_template(document: _Document, options: LoadOptions) -> LoadedDefinition:
    machines = _cfn.find_state_machines(document.data)
    env = _cfn.Env(
        document.data,
        options.region or DEFAULT_REGION,
        options.account or DEFAULT_ACCOUNT,
        variables=options.variables,
        source=document.source,
    )
    names = {key: _template_name(resource, env) for key, resource in machines.items()}
    key = _pick(names, options.state_machine, document)
    props = machines[key].get("Properties")
    props = props if isinstance(props, dict) else {}
    where: Loc = ("Resources", key, "Properties")
    notes: list[Diagnostic] = []
    subs = _resolve_substitutions(props.get("DefinitionSubstitutions"), env, where, notes)
    subs.update(options.substitutions)
    definition = _template_definition(props, env, where, subs=subs, document=document, notes=notes)
    definition = _cfn.substitute_strings(definition, subs)
    return LoadedDefinition(
        definition,
        names[key],
        document.source,
        document.kind,
        key,
        (*notes, *_placeholder_warnings(definition)),
    )


def _template_name(resource: Mapping[str, Any], env: _cfn.Env) -> str | None:
    props = resource.get("Properties")
    if not isinstance(props, dict):
        return None
    value = props.get("StateMachineName", props.get("Name"))
    if value is None:
        return None
    try:
        name = _cfn.resolve(value, env, (), [])
    except LoadError:
        return None
    return name if isinstance(name, str) else None


def _resolve_substitutions(
    value: Any, env: _cfn.Env, where: Loc, notes: list[Diagnostic]
) -> dict[str, str]:
    if value is None:
        return {}
    resolved = _cfn.resolve(value, env, (*where, "DefinitionSubstitutions"), notes)
    if not isinstance(resolved, dict):
        raise env.fail((*where, "DefinitionSubstitutions"), "must be an object")
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in resolved.items()}


def _template_definition(
    props: Mapping[str, Any],
    env: _cfn.Env,
    where: Loc,
    *,
    subs: Mapping[str, str],
    document: _Document,
    notes: list[Diagnostic],
) -> dict[str, Any]:
    if "Definition" in props:
        definition = _cfn.resolve(props["Definition"], env, (*where, "Definition"), notes)
    elif "DefinitionString" in props:
        text = _cfn.resolve(props["DefinitionString"], env, (*where, "DefinitionString"), notes)
        if not isinstance(text, str):
            raise env.fail((*where, "DefinitionString"), "must resolve to a string")
        source = f"{document.source or '<template>'} ({where[1]}.DefinitionString)"
        definition = parse_text(_cfn.substitute_text(text, subs), source, suffix=".json")
    elif "DefinitionUri" in props:
        definition = _definition_uri(props["DefinitionUri"], env, where, document)
    elif "DefinitionS3Location" in props:
        raise env.fail(
            (*where, "DefinitionS3Location"),
            "a definition in S3 cannot be read locally; use a local file",
        )
    else:
        raise env.fail(
            where, "the state machine has no Definition, DefinitionString or DefinitionUri"
        )
    if not isinstance(definition, dict):
        raise env.fail(where, "the definition must be an object")
    return definition


def _definition_uri(uri: Any, env: _cfn.Env, where: Loc, document: _Document) -> dict[str, Any]:
    if not isinstance(uri, str):
        raise env.fail(
            (*where, "DefinitionUri"),
            "a definition in S3 cannot be read locally; use a local file path",
        )
    if uri.startswith("s3://"):
        raise env.fail(
            (*where, "DefinitionUri"),
            f"{uri} is in S3 and cannot be read locally; use a local file path",
        )
    return _read_file(document.base_dir / uri).data


def _placeholder_warnings(definition: Any, path: Loc = ()) -> tuple[Diagnostic, ...]:
    """``${Name}`` left in the definition (a Resource is reported by the validator)."""
    if isinstance(definition, dict):
        return tuple(
            w
            for k, v in definition.items()
            if k != "Resource"
            for w in _placeholder_warnings(v, (*path, k))
        )
    if isinstance(definition, list):
        return tuple(
            w for i, v in enumerate(definition) for w in _placeholder_warnings(v, (*path, i))
        )
    if isinstance(definition, str):
        return tuple(
            Diagnostic(
                path,
                f"placeholder ${{{name}}} has no substitution "
                f"(pass substitutions={{{name!r}: ...}} or --sub {name}=...)",
                code="UNSUBSTITUTED_PLACEHOLDER",
                severity="WARNING",
            )
            for name in dict.fromkeys(_PLACEHOLDER.findall(definition))
        )
    return ()
