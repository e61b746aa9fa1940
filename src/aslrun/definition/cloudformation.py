"""CloudFormation and SAM templates: find state machines and resolve intrinsic functions.

Only what a state machine's definition needs is resolved, lazily: a template may use
``Fn::ImportValue`` elsewhere and still load.  Physical names that CloudFormation would
generate (a function without ``FunctionName`` ...) are replaced by the logical id.  Values
CloudFormation knows only at deploy (parameters without a ``Default``, ``Fn::ImportValue``,
``Fn::GetAtt`` attributes aslrun cannot compute, resources SAM or the Serverless Framework
create implicitly) come from ``variables``, else become a recognisable placeholder
(``placeholder-<Name>``) recorded in :attr:`Env.placeholders`, which the loader reports as
warnings where the definition uses them.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from aslrun._json import JSON
from aslrun.definition.cfn_resources import RESOURCE_ATTRIBUTES, RESOURCE_ATTRIBUTES_NAME_PROPERTY
from aslrun.errors import Diagnostic, LoadError, format_location

__all__ = [
    "NO_VALUE",
    "PLACEHOLDER_PREFIX",
    "Env",
    "find_state_machines",
    "resolve",
    "substitute_strings",
    "substitute_text",
]

MACHINE_TYPES: Final = ("AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine")
_PLACEHOLDER = re.compile(r"\$\{([^}!][^}]*)\}")
_SUB_VAR = re.compile(r"\$\{([^}]*)\}")


class _NoValue:
    """``Ref: AWS::NoValue``: the property is removed."""

    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE: Final = _NoValue()
PLACEHOLDER_PREFIX: Final = "placeholder-"
Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Env:
    """What intrinsic functions resolve against."""

    template: Mapping[str, Any]
    region: str
    account: str
    partition: str = "aws"
    variables: Mapping[str, JSON] = field(default_factory=dict)
    # Extra resources by logical id -> {"Ref": ..., "Arn": ...} (serverless.yml functions).
    extra: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    source: str | None = None
    implicit: tuple[str, ...] = ()
    """Prefixes of logical ids a tool creates at deploy (SAM: ``ServerlessRestApi``, the
    ``<Function>Role`` of each function ...)."""
    creator: str = "SAM"
    placeholders: dict[str, tuple[str, Path]] = field(default_factory=dict)
    """Placeholder value -> (why, where in the template it was made), filled while resolving."""

    def placeholder(self, key: str, why: str, path: Path, *, as_list: bool = False) -> Any:
        """A recognisable stand-in for a value CloudFormation knows only at deploy."""
        value = PLACEHOLDER_PREFIX + key
        self.placeholders.setdefault(
            value,
            (
                f"{why}: using the placeholder {value!r} "
                f"(pass variables={{{key!r}: ...}} or --var {key}=...)",
                path,
            ),
        )
        return [value] if as_list else value

    def fail(self, path: Path, message: str) -> LoadError:
        return LoadError(f"{format_location(path)}: {message}", source=self.source)


Notes = list[Diagnostic]
Handler = Callable[[Any, Env, Path, Notes], Any]


def resolve(value: Any, env: Env, path: Path, notes: Notes) -> Any:
    """Resolve every intrinsic function inside ``value`` (a new value is returned)."""
    if isinstance(value, dict):
        if len(value) == 1:
            ((key, arg),) = value.items()
            handler = INTRINSICS.get(key)
            if handler is not None:
                return handler(arg, env, (*path, key), notes)
        out = {}
        for key, item in value.items():
            resolved = resolve(item, env, (*path, key), notes)
            if resolved is not NO_VALUE:
                out[key] = resolved
        return out
    if isinstance(value, list):
        items = [resolve(item, env, (*path, i), notes) for i, item in enumerate(value)]
        return [item for item in items if item is not NO_VALUE]
    return value


def _string(value: Any, env: Env, path: Path, what: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise env.fail(path, f"{what} must resolve to a string, got {json.dumps(value)}")


def _list(value: Any, env: Env, path: Path, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise env.fail(path, f"{what} must be a list, got {json.dumps(value)}")
    return value


# -- Ref and Fn::GetAtt --------------------------------------------------------------

_PSEUDO: Final[Mapping[str, Callable[[Env], Any]]] = {
    "AWS::Region": lambda env: env.region,
    "AWS::AccountId": lambda env: env.account,
    "AWS::Partition": lambda env: env.partition,
    "AWS::URLSuffix": lambda env: "amazonaws.com",
    "AWS::StackName": lambda env: env.variables.get("AWS::StackName", "aslrun"),
    "AWS::StackId": lambda env: (
        f"arn:{env.partition}:cloudformation:{env.region}:{env.account}:stack/"
        f"{env.variables.get('AWS::StackName', 'aslrun')}/00000000-0000-0000-0000-000000000000"
    ),
    "AWS::NoValue": lambda env: NO_VALUE,
}


def _ref(arg: Any, env: Env, path: Path, notes: Notes) -> Any:
    name = resolve(arg, env, path, notes)
    if not isinstance(name, str):
        raise env.fail(path, f"Ref takes a name, got {json.dumps(name)}")
    if name in env.variables:
        return env.variables[name]
    if name in _PSEUDO:
        return _PSEUDO[name](env)
    parameters = env.template.get("Parameters")
    if isinstance(parameters, dict) and name in parameters:
        return _parameter(name, parameters[name], env, path)
    attributes = _attributes(name, env, path, notes)
    if "Ref" not in attributes:
        return env.placeholder(
            name, f"{name!r} is a resource {env.creator} creates at deploy", path
        )
    return attributes["Ref"]


def _parameter(name: str, spec: Any, env: Env, path: Path) -> Any:
    if not isinstance(spec, dict) or "Default" not in spec:
        kind = str(spec.get("Type", "")) if isinstance(spec, dict) else ""
        as_list = kind == "CommaDelimitedList" or kind.startswith("List<")
        return env.placeholder(
            name,
            f"parameter {name!r} has no Default (CloudFormation asks for it at deploy)",
            path,
            as_list=as_list,
        )
    default = spec["Default"]
    if spec.get("Type") == "CommaDelimitedList" and isinstance(default, str):
        return [part.strip() for part in default.split(",")]
    return default


def _get_att(arg: Any, env: Env, path: Path, notes: Notes) -> Any:
    arg = resolve(arg, env, path, notes)
    if isinstance(arg, str) and "." in arg:
        arg = arg.split(".", 1)
    if not (isinstance(arg, list) and len(arg) == 2 and all(isinstance(a, str) for a in arg)):
        raise env.fail(path, f"Fn::GetAtt takes [LogicalId, Attribute], got {json.dumps(arg)}")
    logical, attribute = arg
    key = f"{logical}.{attribute}"
    if key in env.variables:
        return env.variables[key]
    attributes = _attributes(logical, env, path, notes)
    if attribute not in attributes:
        why = (
            f"Fn::GetAtt {key}: {logical!r} is a resource {env.creator} creates at deploy"
            if not attributes
            else f"Fn::GetAtt {key} is known only once the stack is deployed"
        )
        return env.placeholder(key, why, path)
    return attributes[attribute]


def _attributes(logical: str, env: Env, path: Path, notes: Notes) -> Mapping[str, Any]:
    if logical in env.extra:
        return env.extra[logical]
    resources = env.template.get("Resources")
    resource = resources.get(logical) if isinstance(resources, dict) else None
    if not isinstance(resource, dict):
        if env.implicit and logical.startswith(env.implicit):
            return {}  # no attribute is known: each use becomes a placeholder
        known = f" (functions: {', '.join(env.extra)})" if env.extra else ""
        raise env.fail(path, f"{logical!r} is not a parameter or resource of the template{known}")
    kind = resource.get("Type")
    props = resource.get("Properties")
    props = props if isinstance(props, dict) else {}
    builder = RESOURCE_ATTRIBUTES.get(kind) if isinstance(kind, str) else None
    if builder is None:
        return {"Ref": logical}
    spec = RESOURCE_ATTRIBUTES_NAME_PROPERTY.get(str(kind))
    name = logical
    if spec and spec in props:
        name = _string(resolve(props[spec], env, (*path, logical), notes), env, path, spec)
    return builder(name, env)


# -- string functions ----------------------------------------------------------------


def _sub(arg: Any, env: Env, path: Path, notes: Notes) -> str:
    text: Any = arg if isinstance(arg, str) else None
    names: Mapping[str, Any] | None = {} if isinstance(arg, str) else None
    if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict):
        text, names = arg[0], arg[1]
    if not isinstance(text, str) or names is None:
        raise env.fail(path, f"Fn::Sub takes a string or [string, {{...}}], got {json.dumps(arg)}")

    def replace(match: re.Match[str]) -> str:
        inner = match.group(1)
        if inner.startswith("!"):
            return "${" + inner[1:] + "}"
        if inner in names:
            value = resolve(names[inner], env, path, notes)
        elif "." in inner and not inner.startswith("AWS::"):
            value = _get_att(inner, env, path, notes)
        else:
            value = _ref(inner, env, path, notes)
        return _string(value, env, path, "${" + inner + "}")

    return _SUB_VAR.sub(replace, text)


def _join(arg: Any, env: Env, path: Path, notes: Notes) -> str:
    arg = resolve(arg, env, path, notes)
    if not (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str)):
        raise env.fail(path, f"Fn::Join takes [delimiter, [values]], got {json.dumps(arg)}")
    parts = _list(arg[1], env, path, "Fn::Join values")
    return arg[0].join(_string(p, env, path, "a Fn::Join value") for p in parts)


def _select(arg: Any, env: Env, path: Path, notes: Notes) -> Any:
    arg = resolve(arg, env, path, notes)
    if not (isinstance(arg, list) and len(arg) == 2):
        raise env.fail(path, f"Fn::Select takes [index, [values]], got {json.dumps(arg)}")
    values = _list(arg[1], env, path, "Fn::Select values")
    try:
        return values[int(arg[0])]
    except (ValueError, TypeError, IndexError):
        raise env.fail(path, f"Fn::Select index {arg[0]!r} is out of range") from None


def _split(arg: Any, env: Env, path: Path, notes: Notes) -> list[str]:
    arg = resolve(arg, env, path, notes)
    if not (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str)):
        raise env.fail(path, f"Fn::Split takes [delimiter, string], got {json.dumps(arg)}")
    return _string(arg[1], env, path, "Fn::Split source").split(arg[0])


def _base64(arg: Any, env: Env, path: Path, notes: Notes) -> str:
    text = _string(resolve(arg, env, path, notes), env, path, "Fn::Base64 value")
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _to_json_string(arg: Any, env: Env, path: Path, notes: Notes) -> str:
    return json.dumps(resolve(arg, env, path, notes), separators=(",", ":"))


def _length(arg: Any, env: Env, path: Path, notes: Notes) -> int:
    return len(_list(resolve(arg, env, path, notes), env, path, "Fn::Length value"))


def _find_in_map(arg: Any, env: Env, path: Path, notes: Notes) -> Any:
    arg = resolve(arg, env, path, notes)
    if not (isinstance(arg, list) and len(arg) in (3, 4)):
        raise env.fail(path, f"Fn::FindInMap takes [map, key, key], got {json.dumps(arg)}")
    node: Any = env.template.get("Mappings", {})
    for key in arg[:3]:
        if not isinstance(node, dict) or key not in node:
            if len(arg) == 4 and isinstance(arg[3], dict) and "DefaultValue" in arg[3]:
                return arg[3]["DefaultValue"]
            raise env.fail(path, f"Fn::FindInMap: no {key!r} in Mappings path {arg[:3]}")
        node = node[key]
    return node


def _get_azs(arg: Any, env: Env, path: Path, notes: Notes) -> list[str]:
    region = resolve(arg, env, path, notes) or env.region
    notes.append(
        Diagnostic(
            path,
            f"Fn::GetAZs: using {region}a, {region}b, {region}c",
            code="LOCAL_VALUE",
            severity="WARNING",
        )
    )
    return [f"{region}{zone}" for zone in "abc"]


def _import_value(arg: Any, env: Env, path: Path, notes: Notes) -> Any:
    name = resolve(arg, env, path, notes)
    if isinstance(name, str) and name in env.variables:
        return env.variables[name]
    if not isinstance(name, str):
        raise env.fail(path, f"Fn::ImportValue takes an export name, got {json.dumps(name)}")
    return env.placeholder(name, f"Fn::ImportValue {name!r} is an export of another stack", path)


# -- conditions ----------------------------------------------------------------------


def _condition(name: Any, env: Env, path: Path, notes: Notes) -> bool:
    conditions = env.template.get("Conditions")
    if not isinstance(conditions, dict) or name not in conditions:
        raise env.fail(path, f"unknown condition {name!r}")
    return _truth(conditions[name], env, ("Conditions", name), notes)


def _truth(value: Any, env: Env, path: Path, notes: Notes) -> bool:
    if isinstance(value, dict) and len(value) == 1 and "Condition" in value:
        return _condition(value["Condition"], env, path, notes)
    result = resolve(value, env, path, notes)
    if isinstance(result, bool):
        return result
    if result in ("true", "false"):
        return bool(result == "true")
    raise env.fail(path, f"a condition must be true or false, got {json.dumps(result)}")


def _operands(arg: Any, env: Env, path: Path, what: str) -> list[Any]:
    if not isinstance(arg, list) or not arg:
        raise env.fail(path, f"{what} takes a non-empty list, got {json.dumps(arg)}")
    return arg


def _equals(arg: Any, env: Env, path: Path, notes: Notes) -> bool:
    pair = _list(resolve(arg, env, path, notes), env, path, "Fn::Equals")
    if len(pair) != 2:
        raise env.fail(path, "Fn::Equals takes two values")
    return bool(pair[0] == pair[1])


def _not(arg: Any, env: Env, path: Path, notes: Notes) -> bool:
    return not _truth(_operands(arg, env, path, "Fn::Not")[0], env, path, notes)


def _and(arg: Any, env: Env, path: Path, notes: Notes) -> bool:
    return all(_truth(c, env, path, notes) for c in _operands(arg, env, path, "Fn::And"))


def _or(arg: Any, env: Env, path: Path, notes: Notes) -> bool:
    return any(_truth(c, env, path, notes) for c in _operands(arg, env, path, "Fn::Or"))


def _if(arg: Any, env: Env, path: Path, notes: Notes) -> Any:
    if not (isinstance(arg, list) and len(arg) == 3):
        raise env.fail(path, f"Fn::If takes [condition, then, else], got {json.dumps(arg)}")
    chosen = arg[1] if _condition(arg[0], env, path, notes) else arg[2]
    return resolve(chosen, env, path, notes)


INTRINSICS: Final[Mapping[str, Handler]] = {
    "Ref": _ref,
    "Fn::GetAtt": _get_att,
    "Fn::Sub": _sub,
    "Fn::Join": _join,
    "Fn::Select": _select,
    "Fn::Split": _split,
    "Fn::Base64": _base64,
    "Fn::ToJsonString": _to_json_string,
    "Fn::Length": _length,
    "Fn::FindInMap": _find_in_map,
    "Fn::GetAZs": _get_azs,
    "Fn::ImportValue": _import_value,
    "Fn::Equals": _equals,
    "Fn::Not": _not,
    "Fn::And": _and,
    "Fn::Or": _or,
    "Fn::If": _if,
}


# -- templates -----------------------------------------------------------------------


def find_state_machines(template: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The state machine resources of a template, by logical id, in file order."""
    resources = template.get("Resources")
    if not isinstance(resources, dict):
        return {}
    return {
        str(logical): resource
        for logical, resource in resources.items()
        if isinstance(resource, dict) and resource.get("Type") in MACHINE_TYPES
    }


def substitute_text(text: str, substitutions: Mapping[str, str]) -> str:
    """Replace each ``${Name}`` whose name has a substitution; leave the others."""
    return _PLACEHOLDER.sub(lambda m: substitutions.get(m.group(1), m.group(0)), text)


def substitute_strings(value: Any, substitutions: Mapping[str, str]) -> Any:
    """Apply :func:`substitute_text` to every string (not key) inside ``value``."""
    if not substitutions:
        return value
    if isinstance(value, str):
        return substitute_text(value, substitutions)
    if isinstance(value, dict):
        return {k: substitute_strings(v, substitutions) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute_strings(v, substitutions) for v in value]
    return value
