"""serverless.yml: Serverless Framework variables and the ``stepFunctions`` section.

Variables (``${self:custom.x}``, ``${opt:stage, 'dev'}``, ``${sls:stage}``, ``${env:X}``,
``${file(./f.yml):key}``, ``${aws:region}``, fallbacks after commas, nesting) are resolved
lazily: only the values the chosen state machine needs.  A ``${...}`` whose source the
framework does not know (``${AWS::Region}`` in ``Fn::Sub``, ``${Name}`` placeholders) is left
for CloudFormation or substitutions.  Values only AWS knows (``ssm:``, ``cf:``, ``s3:``,
``param:``) come from ``variables={"ssm:/path": ...}``, else (after any fallback) become a
``placeholder-<reference>`` recorded in :attr:`Serverless.placeholders`.

``${env:NAME}`` is the only way the environment is read, and ``${file()}`` the only way other
files are; both only when the serverless.yml was loaded from a path (``reads_machine``), and
``${file()}`` only inside its folder unless ``allow_outside``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from aslrun._json import JSON
from aslrun.definition.cloudformation import PLACEHOLDER_PREFIX
from aslrun.definition.reading import confine, parse_text, read_text
from aslrun.errors import LoadError, format_location

__all__ = [
    "Serverless",
    "activities",
    "function_keys",
    "function_logical_id",
    "functions",
    "implicit_prefixes",
    "make_context",
    "resolve_variables",
    "resources",
    "service_name",
    "state_machines",
]

_SOURCE = re.compile(r"^(self|opt|sls|env|aws|cf|ssm|s3|param|file)\b")
_FILE = re.compile(r"^file\((?P<path>[^)]*)\)(?::(?P<address>.*))?$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_MAX_DEPTH: Final = 32
_FROM_AWS: Final = frozenset({"ssm", "cf", "s3", "param"})
Loc = tuple[str | int, ...]


class _Keep:
    """Marks a ``${...}`` that is not a Serverless variable: left as written."""


_KEEP: Final = _Keep()


@dataclass(frozen=True)
class Serverless:
    """A serverless.yml document and the options its variables resolve against."""

    doc: Mapping[str, Any]
    stage: str
    region: str
    account: str
    variables: Mapping[str, JSON] = field(default_factory=dict)
    options: Mapping[str, str] = field(default_factory=dict)  # --stage / --region as given
    base_dir: Path = Path()
    source: str | None = None
    reads_machine: bool = False
    """Loaded from a path: ``${env:}`` and ``${file()}`` may read this machine."""
    allow_outside: bool = False
    placeholders: dict[str, tuple[str, Loc]] = field(default_factory=dict)
    """``${ssm:...}``-style values the framework reads from AWS at deploy, given a placeholder."""

    def fail(self, path: Loc, message: str) -> LoadError:
        return LoadError(f"{format_location(path)}: {message}", source=self.source)


def make_context(
    doc: Mapping[str, Any],
    *,
    stage: str | None,
    region: str | None,
    account: str | None,
    variables: Mapping[str, JSON],
    base_dir: Path,
    source: str | None,
    reads_machine: bool = False,
    allow_outside: bool = False,
) -> Serverless:
    """The context with stage and region settled (option, then provider, then default)."""
    provider = doc.get("provider")
    provider = provider if isinstance(provider, dict) else {}
    options = {k: v for k, v in (("stage", stage), ("region", region)) if v is not None}
    ctx = Serverless(
        doc,
        stage or "dev",
        region or "us-east-1",
        account or "123456789012",
        variables,
        options,
        base_dir,
        source,
        reads_machine,
        allow_outside,
    )
    if stage is None and "stage" in provider:
        ctx = replace(
            ctx, stage=str(resolve_variables(provider["stage"], ctx, ("provider", "stage")))
        )
    if region is None and "region" in provider:
        ctx = replace(
            ctx, region=str(resolve_variables(provider["region"], ctx, ("provider", "region")))
        )
    return ctx


def resolve_variables(value: Any, ctx: Serverless, path: Loc, depth: int = 0) -> Any:
    """Resolve the Serverless variables in every string inside ``value``."""
    if depth > _MAX_DEPTH:
        raise ctx.fail(path, "variables refer to each other in a cycle")
    if isinstance(value, str):
        return _interpolate(value, ctx, path, depth)
    if isinstance(value, dict):
        return {k: resolve_variables(v, ctx, (*path, k), depth) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_variables(v, ctx, (*path, i), depth) for i, v in enumerate(value)]
    return value


def _closing(text: str, start: int) -> int:
    """Index of the ``}`` closing the ``${`` at ``start``, or -1."""
    level = 0
    for i in range(start + 2, len(text)):
        if text.startswith("${", i):
            level += 1
        elif text[i] == "}":
            if level == 0:
                return i
            level -= 1
    return -1


def _interpolate(text: str, ctx: Serverless, path: Loc, depth: int) -> Any:
    pieces: list[str] = []
    i = 0
    while (start := text.find("${", i)) >= 0:
        end = _closing(text, start)
        if end < 0:
            break
        value = _variable(text[start + 2 : end], ctx, path, depth)
        if isinstance(value, _Keep):
            pieces.append(text[i : end + 1])
        elif start == 0 and end == len(text) - 1:
            return value
        else:
            pieces.append(text[i:start])
            pieces.append(value if isinstance(value, str) else json.dumps(value))
        i = end + 1
    pieces.append(text[i:])
    return "".join(pieces)


def _split_top(text: str) -> list[str]:
    """Split on commas outside quotes and parentheses."""
    parts: list[str] = []
    current: list[str] = []
    level, quote = 0, ""
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            level += 1
        elif ch == ")":
            level -= 1
        elif ch == "," and level == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    parts.append("".join(current).strip())
    return parts


def _variable(inner: str, ctx: Serverless, path: Loc, depth: int) -> Any:
    inner = str(_interpolate(inner, ctx, path, depth + 1)) if "${" in inner else inner
    candidates = _split_top(inner)
    if not _SOURCE.match(candidates[0]):
        return _KEEP
    for candidate in candidates:
        if len(candidate) >= 2 and candidate[0] == candidate[-1] and candidate[0] in "'\"":
            return candidate[1:-1]
        if _NUMBER.match(candidate):
            return json.loads(candidate)
        if candidate in ("true", "false", "null"):
            return json.loads(candidate)
        value = _lookup(candidate, ctx, path, depth)
        if value is not None:
            return value
    first = candidates[0]
    if first.partition(":")[0] in _FROM_AWS:
        value = PLACEHOLDER_PREFIX + first
        why = (
            f"${{{inner}}} is read from AWS by the Serverless Framework at deploy: using the "
            f"placeholder {value!r} (pass variables={{{first!r}: ...}} or --var {first}=...)"
        )
        ctx.placeholders.setdefault(value, (why, path))
        return value
    hint = _hint(first, ctx)
    raise ctx.fail(path, f"cannot resolve ${{{inner}}}{hint}")


def _hint(reference: str, ctx: Serverless) -> str:
    if reference.startswith("env:") and not ctx.reads_machine:
        return (
            "; a serverless.yml given as text or a dict does not read environment variables: "
            f"pass variables={{{reference!r}: ...}}"
        )
    if reference in ("opt:stage", "opt:region"):
        return f"; pass {reference[4:]}=..."
    if reference.startswith(("self:", "file(")):
        return ""
    return f"; pass variables={{{reference!r}: ...}}"


def _lookup(reference: str, ctx: Serverless, path: Loc, depth: int) -> Any:
    source, _, address = reference.partition(":")
    if reference in ctx.variables:
        return ctx.variables[reference]
    if source == "self":
        return _self(ctx, address, path, depth)
    if source == "opt":
        return ctx.options.get(address)
    if reference == "sls:stage":
        return ctx.stage
    if reference == "aws:region":
        return ctx.region
    if reference == "aws:accountId":
        return ctx.account
    if source == "env":
        return os.environ.get(address) if ctx.reads_machine else None
    if reference.startswith("file("):
        return _file(reference, ctx, path, depth)
    return None


def _self(ctx: Serverless, address: str, path: Loc, depth: int) -> Any:
    """``${self:a.b}``, resolving variables met on the way (``custom.x: ${file(...)}``)."""
    node: Any = ctx.doc
    for key in address.split(".") if address else []:
        if isinstance(node, str) and "${" in node:
            node = resolve_variables(node, ctx, path, depth + 1)
        node = _address(node, key)
        if node is None:
            return None
    return resolve_variables(node, ctx, path, depth + 1)


def _address(node: Any, address: str) -> Any:
    if not address:
        return node
    for key in address.split("."):
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return None
    return node


def _file(reference: str, ctx: Serverless, path: Loc, depth: int) -> Any:
    match = _FILE.match(reference)
    if match is None:
        raise ctx.fail(path, f"cannot read ${{{reference}}}")
    if not ctx.reads_machine:
        raise ctx.fail(
            path,
            f"${{{reference}}}: a serverless.yml given as text or a dict cannot read files; "
            "load it by its path",
        )
    name = match.group("path").strip().strip("'\"")
    if Path(name).suffix not in (".yml", ".yaml", ".json"):
        raise ctx.fail(path, f"${{{reference}}}: only .yml, .yaml and .json files can be read")
    try:
        file = confine(
            Path(name), ctx.base_dir, what=f"${{{reference}}}", allow_outside=ctx.allow_outside
        )
        data = parse_text(read_text(file), str(file), suffix=file.suffix)
    except LoadError as exc:
        raise ctx.fail(path, exc.message if exc.source is None else str(exc)) from None
    found = _address(data, (match.group("address") or "").strip())
    return None if found is None else resolve_variables(found, ctx, path, depth + 1)


def function_logical_id(key: str) -> str:
    """The framework's logical id for a function key (``startRecorder`` ->
    ``StartRecorderLambdaFunction``; ``-`` becomes ``Dash``, ``_`` becomes ``Underscore``)."""
    return _normalized(key) + "LambdaFunction"


def service_name(ctx: Serverless) -> str:
    service = ctx.doc.get("service")
    if isinstance(service, dict):
        service = service.get("name")
    if service is None:
        raise ctx.fail(("service",), "serverless.yml has no 'service'")
    return str(resolve_variables(service, ctx, ("service",)))


def functions(ctx: Serverless, partition: str = "aws") -> dict[str, dict[str, Any]]:
    """Lambda attributes by logical id: ``{"Ref": name, "Arn": arn}`` per function."""
    declared = ctx.doc.get("functions")
    if not isinstance(declared, dict):
        return {}
    service = service_name(ctx)
    out: dict[str, dict[str, Any]] = {}
    for key, spec in declared.items():
        name = spec.get("name") if isinstance(spec, dict) else None
        if name is not None:
            name = str(resolve_variables(name, ctx, ("functions", key, "name")))
        else:
            name = f"{service}-{ctx.stage}-{key}"
        arn = f"arn:{partition}:lambda:{ctx.region}:{ctx.account}:function:{name}"
        out[function_logical_id(str(key))] = {"Ref": name, "Arn": arn}
    return out


def function_keys(ctx: Serverless) -> dict[str, dict[str, Any]]:
    """Lambda attributes by function key (``Fn::GetAtt: [openRoom, Arn]``, as the
    serverless-step-functions plugin allows besides the logical id)."""
    declared = ctx.doc.get("functions")
    by_id = functions(ctx)
    if not isinstance(declared, dict):
        return {}
    return {str(key): by_id[function_logical_id(str(key))] for key in declared}


def activities(ctx: Serverless, partition: str = "aws") -> dict[str, dict[str, Any]]:
    """Activity attributes under both the name declared in ``stepFunctions.activities`` and
    the plugin's logical id (``myTask`` -> ``MyTaskStepFunctionsActivity``); ``Ref`` is the ARN."""
    section = ctx.doc.get("stepFunctions")
    declared = section.get("activities") if isinstance(section, dict) else None
    out: dict[str, dict[str, Any]] = {}
    for item in declared if isinstance(declared, list) else []:
        name = item.get("name") if isinstance(item, dict) else item
        if not isinstance(name, str):
            continue
        arn = f"arn:{partition}:states:{ctx.region}:{ctx.account}:activity:{name}"
        attrs = {"Ref": arn, "Arn": arn, "Name": name}
        out[name] = attrs
        out[_normalized(name) + "StepFunctionsActivity"] = attrs
    return out


def implicit_prefixes(ctx: Serverless) -> tuple[str, ...]:
    """Logical-id prefixes of the resources the framework creates (``IamRoleLambdaExecution``,
    ``ApiGatewayRestApi``, a function's ``<Name>LogGroup`` ...)."""
    declared = ctx.doc.get("functions")
    names = [_normalized(str(k)) for k in declared] if isinstance(declared, dict) else []
    generated = ("LogGroup", "LambdaVersion", "LambdaPermission", "EventSourceMapping")
    return (
        "IamRoleLambdaExecution",
        "ServerlessDeploymentBucket",
        "ApiGateway",
        "HttpApi",
        *(name + suffix for name in names for suffix in generated),
    )


def _normalized(key: str) -> str:
    normalized = key.replace("-", "Dash").replace("_", "Underscore")
    return normalized[:1].upper() + normalized[1:]


def state_machines(doc: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """``stepFunctions.stateMachines`` by key (raw, variables unresolved)."""
    section = doc.get("stepFunctions")
    machines = section.get("stateMachines") if isinstance(section, dict) else None
    if not isinstance(machines, dict):
        return {}
    return {str(k): v for k, v in machines.items() if isinstance(v, dict)}


def resources(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The CloudFormation fragment under ``resources`` (a dict, or a list of fragments)."""
    section = doc.get("resources")
    fragments = section if isinstance(section, list) else [section]
    merged: dict[str, Any] = {"Resources": {}}
    for fragment in fragments:
        if isinstance(fragment, dict):
            for key, value in fragment.items():
                if key == "Resources" and isinstance(value, dict):
                    merged["Resources"].update(value)
                else:
                    merged[key] = value
    return merged
