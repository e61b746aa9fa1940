"""Load a state machine definition from wherever users keep it.

``load_definition`` accepts a dict, JSON or YAML text, or a path to a ``.json``/``.yaml``/
``.yml`` file holding one of:

* a bare ASL definition (``StartAt``/``States``), optionally with ``${Name}`` placeholders
  filled from ``substitutions``;
* a ``serverless.yml`` (``stepFunctions.stateMachines``; Serverless variables resolved);
* a CloudFormation or SAM template (``AWS::StepFunctions::StateMachine`` or
  ``AWS::Serverless::StateMachine``; intrinsic functions resolved).

It returns the plain ASL dict; checking it is :mod:`aslrun.definition.validate`'s job.

Only a *path* is resolved against this machine: ``${file()}``, ``${env:}`` and
``DefinitionUri`` are refused in a definition given as text or as a dict, and the files a
path's references name must lie in its folder or below unless ``allow_outside=True``.
Limits (file size, depth, YAML aliases, AWS's definition size) are in :mod:`.limits`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Union

from aslrun._json import JSON, deep_copy
from aslrun.definition import cloudformation as _cfn
from aslrun.definition import placeholders as _placeholders
from aslrun.definition import serverless as _serverless
from aslrun.definition.reading import (
    check_definition_size,
    check_json,
    check_keys,
    confine,
    missing,
    parse_text,
    read_text,
)
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
    "state_machine_keys",
]

Kind = Literal["asl", "serverless", "cloudformation", "sam"]
Source = Union[Mapping[str, Any], str, "os.PathLike[str]"]
Loc = tuple[str | int, ...]

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
    placeholder_paths: tuple[Loc, ...] = ()
    """Where the definition holds a value filled only at deploy (see :mod:`.placeholders`)."""

    def screen(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        """The validator's diagnostics, less those about placeholder values AWS never sees."""
        return _placeholders.screen(diagnostics, self.placeholder_paths)


@dataclass(frozen=True)
class StateMachineEntry:
    """One state machine a file holds (``aslrun list``)."""

    key: str | None
    name: str | None
    kind: Kind
    states: int | None
    warnings: tuple[Diagnostic, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class LoadOptions:
    """The options of :func:`load_definition`, passed along as one value."""

    state_machine: str | None = None
    substitutions: Mapping[str, str] = field(default_factory=dict)
    stage: str | None = None
    region: str | None = None
    account: str | None = None
    variables: Mapping[str, JSON] = field(default_factory=dict)
    allow_outside: bool = False


@dataclass(frozen=True)
class _Document:
    data: dict[str, Any]
    source: str | None
    base_dir: Path
    kind: Kind
    from_path: bool = False
    """Read from a path: only then are ``${file()}``, ``${env:}`` and DefinitionUri resolved."""


def load_definition(
    source: Source,
    *,
    state_machine: str | None = None,
    substitutions: Mapping[str, str] | None = None,
    stage: str | None = None,
    region: str | None = None,
    variables: Mapping[str, JSON] | None = None,
    account: str | None = None,
    allow_outside: bool = False,
) -> LoadedDefinition:
    """Load one state machine definition; raise :class:`LoadError` when it cannot be read.

    ``state_machine`` picks a machine by key/logical id or name when a file holds several.
    ``substitutions`` fill ``${Name}`` placeholders (on top of ``DefinitionSubstitutions``).
    ``stage``/``region`` are the Serverless ``--stage``/``--region`` options (``region`` and
    ``account`` also build ARNs); ``variables`` supply values only AWS knows: CloudFormation
    parameters and imports by name, ``"Logical.Attr"`` for ``Fn::GetAtt``, and Serverless
    sources such as ``"ssm:/path"`` or ``"env:NAME"``; a CloudFormation value given neither
    way becomes a placeholder reported in ``warnings``.  ``allow_outside`` lets a file's
    ``${file()}``/``DefinitionUri`` read outside its folder.
    """
    options = LoadOptions(
        state_machine,
        dict(substitutions or {}),
        stage,
        region,
        account,
        dict(variables or {}),
        allow_outside,
    )
    return _load(_read(source), options)


def state_machine_keys(source: Source, **options: Any) -> list[str | None]:
    """The keys (logical ids) of the state machines a file holds; ``[None]`` for bare ASL."""
    del options  # accepted so callers can pass the load options along unchanged
    return _keys(_read(source))


def _keys(document: _Document) -> list[str | None]:
    if document.kind == "asl":
        return [None]
    if document.kind == "serverless":
        return list(_serverless.state_machines(document.data))
    return list(_cfn.find_state_machines(document.data))


def list_state_machines(
    source: Source,
    *,
    substitutions: Mapping[str, str] | None = None,
    stage: str | None = None,
    region: str | None = None,
    variables: Mapping[str, JSON] | None = None,
    account: str | None = None,
    allow_outside: bool = False,
) -> list[StateMachineEntry]:
    """The state machines a file holds; ``states`` is None (and ``error`` says why) when one
    cannot be loaded; ``warnings`` are its load warnings (placeholders ...)."""
    document = _read(source)
    entries = []
    for key in _keys(document):
        options = LoadOptions(
            key,
            dict(substitutions or {}),
            stage,
            region,
            account,
            dict(variables or {}),
            allow_outside,
        )
        try:
            loaded = _load(document, options)
        except LoadError as exc:
            if document.kind == "asl":  # the file is the machine: it cannot be listed
                raise
            entries.append(StateMachineEntry(key, None, document.kind, None, (), exc.message))
            continue
        states = loaded.definition.get("States")
        count = len(states) if isinstance(states, dict) else None
        entries.append(StateMachineEntry(key, loaded.name, document.kind, count, loaded.warnings))
    return entries


# -- reading ------------------------------------------------------------------------


def _read(source: Source) -> _Document:
    if isinstance(source, Mapping):
        check_json(source, None)
        data = deep_copy(dict(source))
        return _Document(data, None, Path(), _kind(data, None))
    if isinstance(source, os.PathLike):
        return _read_file(Path(source))
    if not isinstance(source, str):
        raise LoadError(f"cannot load a {type(source).__name__}: pass a dict, text or a path")
    short = "\n" not in source and len(source) < 4096 and "\x00" not in source
    if short and os.path.lexists(source):
        return _read_file(Path(source))
    stripped = source.strip()
    if stripped.startswith("{") or "\n" in source:
        data = parse_text(source, None)
        return _Document(data, None, Path(), _kind(data, None))
    if "\x00" in source:
        raise LoadError(f"the path {source!r} contains a NUL byte")
    raise missing(Path(source))


def _read_file(path: Path) -> _Document:
    data = parse_text(read_text(path), str(path), suffix=path.suffix.lower())
    return _Document(data, str(path), path.parent, _kind(data, str(path)), from_path=True)


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
        return _finish(LoadedDefinition(definition, None, document.source), document, {})
    if document.kind == "serverless":
        return _load_serverless(document, options)
    return _load_template(document, options)


def _finish(
    loaded: LoadedDefinition,
    document: _Document,
    placeholders: Mapping[str, tuple[str, Loc]],
) -> LoadedDefinition:
    """Check AWS's size limit; add the warnings and paths of values left for deploy."""
    check_keys(loaded.definition, loaded.source)
    text = check_definition_size(loaded.definition, loaded.source)
    alone = document.kind == "asl" and document.from_path
    subs: list[Diagnostic] = []
    sub_paths: list[Loc] = []
    if "${" in text:
        deployers = (
            _placeholders.find_deployers(Path(document.source)) if alone and document.source else []
        )
        subs, sub_paths = _placeholders.substitution_warnings(
            loaded.definition, alone=alone, deployers=deployers
        )
    deploy, deploy_paths = _placeholders.deploy_time_warnings(loaded.definition, placeholders)
    return replace(
        loaded,
        kind=document.kind,
        warnings=(*loaded.warnings, *deploy, *subs),
        placeholder_paths=(*deploy_paths, *sub_paths),
    )


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
        reads_machine=document.from_path,
        allow_outside=options.allow_outside,
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
        extra={
            **_serverless.functions(ctx),
            **_serverless.function_keys(ctx),
            **_serverless.activities(ctx),
        },
        source=document.source,
        implicit=_serverless.implicit_prefixes(ctx),
        creator="the Serverless Framework",
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
    loaded = LoadedDefinition(
        definition,
        names[key],
        document.source,
        "serverless",
        key,
        tuple(notes),
        ctx.region,
        aliases,
    )
    return _finish(loaded, document, {**ctx.placeholders, **env.placeholders})


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
        implicit=_placeholders.sam_implicit(document.data) if document.kind == "sam" else (),
    )
    names = {key: _template_name(resource, env) for key, resource in machines.items()}
    key = _pick(names, options.state_machine, document)
    props = machines[key].get("Properties")
    props = props if isinstance(props, dict) else {}
    where: Loc = ("Resources", key, "Properties")
    notes: list[Diagnostic] = []
    subs = _resolve_substitutions(props.get("DefinitionSubstitutions"), env, where, notes)
    subs.update(options.substitutions)
    definition = _template_definition(
        props, env, where, subs=subs, document=document, notes=notes, options=options
    )
    definition = _cfn.substitute_strings(definition, subs)
    loaded = LoadedDefinition(
        definition, names[key], document.source, key=key, warnings=tuple(notes)
    )
    return _finish(loaded, document, env.placeholders)


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
    options: LoadOptions,
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
        definition = _definition_uri(props["DefinitionUri"], env, where, document, options)
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


def _definition_uri(
    uri: Any, env: _cfn.Env, where: Loc, document: _Document, options: LoadOptions
) -> dict[str, Any]:
    here = (*where, "DefinitionUri")
    if not isinstance(uri, str):
        raise env.fail(here, "a definition in S3 cannot be read locally; use a local file path")
    if uri.startswith("s3://"):
        raise env.fail(here, f"{uri} is in S3 and cannot be read locally; use a local file path")
    if not document.from_path:
        raise env.fail(
            here,
            "a template given as text or a dict cannot read files; load the template by its path",
        )
    try:
        path = confine(
            Path(uri), document.base_dir, what=repr(uri), allow_outside=options.allow_outside
        )
    except LoadError as exc:
        raise env.fail(here, exc.message) from None
    return _read_file(path).data
