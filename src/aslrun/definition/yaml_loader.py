"""A safe YAML reader: YAML 1.2 core-schema scalars and CloudFormation short-form tags.

PyYAML's resolvers follow YAML 1.1, where ``Yes``, ``No``, ``On``, ``Off``, ``y``, ``n``
are booleans, ``2024-01-01`` is a date and ``017`` is octal.  The Serverless Framework
(js-yaml) and AWS's tools read YAML 1.2 core scalars instead, and published definitions
rely on it (states named ``Yes`` and ``No``, ``Next: Yes``).  :class:`AslYamlLoader`
resolves only the 1.2 core forms; everything else stays a string.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

__all__ = ["CFN_TAGS", "AslYamlLoader", "parse_yaml"]

# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)

# Short form -> long form.  ``!GetAtt A.B`` is special-cased in _construct_tag.
CFN_TAGS: dict[str, str] = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    "!Sub": "Fn::Sub",
    "!GetAtt": "Fn::GetAtt",
    "!Join": "Fn::Join",
    "!If": "Fn::If",
    "!ImportValue": "Fn::ImportValue",
    "!Select": "Fn::Select",
    "!Split": "Fn::Split",
    "!FindInMap": "Fn::FindInMap",
    "!Base64": "Fn::Base64",
    "!GetAZs": "Fn::GetAZs",
    "!Equals": "Fn::Equals",
    "!Not": "Fn::Not",
    "!And": "Fn::And",
    "!Or": "Fn::Or",
    "!Cidr": "Fn::Cidr",
    "!Length": "Fn::Length",
    "!ToJsonString": "Fn::ToJsonString",
    "!Transform": "Fn::Transform",
}


class AslYamlLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core scalars and the CloudFormation short tags."""

    # Own (empty) table, so PyYAML's YAML 1.1 resolvers are not inherited.
    yaml_implicit_resolvers = {}  # noqa: RUF012 - PyYAML's class-level table


def _int(loader: AslYamlLoader, node: yaml.Node) -> int:
    text = str(loader.construct_scalar(node))  # type: ignore[arg-type]
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text)


def _float(loader: AslYamlLoader, node: yaml.Node) -> float:
    text = str(loader.construct_scalar(node)).lower()  # type: ignore[arg-type]
    if text.endswith(".inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if text == ".nan":
        return float("nan")
    return float(text)


def _text(loader: AslYamlLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]


def _construct_tag(loader: AslYamlLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    tag = "!" + suffix
    long_name = CFN_TAGS.get(tag)
    if long_name is None:
        raise yaml.constructor.ConstructorError(None, None, f"unknown tag {tag}", node.start_mark)
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if tag == "!GetAtt":
            resource, _, attribute = str(value).partition(".")
            value = [resource, attribute]
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {long_name: value}


def _register() -> None:
    """Fill AslYamlLoader's own resolver table (class-level, built once at import)."""
    add = AslYamlLoader.add_implicit_resolver
    add("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""])
    add("tag:yaml.org,2002:bool", _BOOL, list("tTfF"))
    add("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
    add("tag:yaml.org,2002:float", _FLOAT, list("-+.0123456789"))
    add("tag:yaml.org,2002:merge", re.compile(r"^<<$"), ["<"])
    AslYamlLoader.add_constructor("tag:yaml.org,2002:int", _int)
    AslYamlLoader.add_constructor("tag:yaml.org,2002:float", _float)
    # Timestamps are never resolved implicitly; an explicit !!timestamp stays text.
    AslYamlLoader.add_constructor("tag:yaml.org,2002:timestamp", _text)
    AslYamlLoader.add_multi_constructor("!", _construct_tag)


_register()


def parse_yaml(text: str) -> Any:
    """Parse YAML text; raises ``yaml.YAMLError`` (with marks) on a syntax error."""
    return yaml.load(text, Loader=AslYamlLoader)  # AslYamlLoader is a SafeLoader
