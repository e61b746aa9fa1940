"""A safe YAML reader: YAML 1.2 core-schema scalars and CloudFormation short-form tags.

PyYAML's resolvers follow YAML 1.1, where ``Yes``, ``No``, ``On``, ``Off``, ``y``, ``n``
are booleans, ``2024-01-01`` is a date and ``017`` is octal.  The Serverless Framework
(js-yaml) and AWS's tools read YAML 1.2 core scalars instead, and published definitions
rely on it (states named ``Yes`` and ``No``, ``Next: Yes``).  :class:`AslYamlLoader`
resolves only the 1.2 core forms; everything else stays a string.

What JSON cannot hold is refused with the YAML position: ``!!binary``, ``!!set``, ``!!omap``,
``!!pairs``, ``!!timestamp``, ``.nan``/``.inf``, integers over 4,300 digits, an alias inside
its own anchor, a collection as a key.  A scalar key that is not text (``{1: a}``) is kept as
a :class:`NonTextKey` (text, as CloudFormation and js-yaml read it: templates use
``200:`` keys outside the definition); the loader refuses one inside a definition.
Nesting deeper than :data:`~aslrun.definition.limits.MAX_DEPTH` and aliases that expand the
document past :data:`~aslrun.definition.limits.MAX_NODES` values ("billion laughs") stop the
composer early.
"""

from __future__ import annotations

import math
import re
from typing import Any, Final

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError

from aslrun.definition.limits import MAX_DEPTH, MAX_INT_DIGITS, MAX_NODES

__all__ = ["CFN_TAGS", "AslYamlLoader", "NonTextKey", "parse_yaml"]

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
    """SafeLoader with YAML 1.2 core scalars, the CloudFormation short tags and JSON's limits."""

    # Own (empty) table, so PyYAML's YAML 1.1 resolvers are not inherited.
    yaml_implicit_resolvers = {}  # noqa: RUF012 - PyYAML's class-level table

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._open: set[str] = set()
        self._sizes: dict[int, tuple[yaml.Node, int]] = {}

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        """Compose one node, refusing self-referring aliases, deep nesting and alias bombs."""
        event: Any = self.peek_event()  # type: ignore[no-untyped-call]
        mark: Any = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self._open:
                raise ComposerError(
                    None,
                    None,
                    f"YAML alias *{event.anchor} is inside its own anchor; "
                    "a structure that contains itself has no JSON form",
                    mark,
                )
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise ComposerError(
                None, None, f"YAML nested more than {MAX_DEPTH} levels deep", event.start_mark
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self._open.add(anchor)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
            self._open.discard(anchor or "")
        if node is not None:
            self._count(node, event.start_mark)
        return node

    def _count(self, node: yaml.Node, mark: Any) -> None:
        """Record how many values ``node`` stands for with every alias expanded."""
        size = 1
        if isinstance(node, yaml.SequenceNode):
            size += sum(self._size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            size += sum(self._size(k) + self._size(v) for k, v in node.value)
        self._sizes[id(node)] = (node, size)
        if size > MAX_NODES:
            raise ComposerError(
                None,
                None,
                f"YAML aliases expand to more than {MAX_NODES:,} values "
                "(aslrun's limit; the document repeats an anchor too often)",
                mark,
            )

    def _size(self, node: yaml.Node) -> int:
        known = self._sizes.get(id(node))
        return 1 if known is None else known[1]

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """A mapping with text keys.  A scalar key that is not text (``1``, ``true``) becomes
        a :class:`NonTextKey`: text, as CloudFormation and js-yaml make it, remembering where
        it is, so that the loader can refuse it inside a definition."""
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise ConstructorError(
                        None,
                        None,
                        "YAML key is a collection; JSON keys are strings",
                        key_node.start_mark,
                    )
        mapping = super().construct_mapping(node, deep=deep)
        if all(type(key) is str for key in mapping):
            return mapping
        texts = {self.construct_object(k, deep=deep): k for k, _ in node.value if k.tag != _STR}
        out: dict[Any, Any] = {}
        for key, value in mapping.items():
            if type(key) is str:
                out[key] = value
            else:
                key_node = texts[key]
                out[NonTextKey.at(key_node, self.name)] = value
        return out


_STR: Final = "tag:yaml.org,2002:str"


class NonTextKey(str):
    """A YAML mapping key that was not text (``1``, ``true``, ``null``), kept as its text."""

    tag: str
    source: str | None
    line: int
    column: int

    @classmethod
    def at(cls, node: yaml.Node, name: str) -> NonTextKey:
        key = cls(node.value)
        key.tag = _tag_name(node.tag)
        key.source = None if name.startswith("<") else name
        key.line = node.start_mark.line + 1
        key.column = node.start_mark.column + 1
        return key

    def problem(self) -> str:
        return (
            f"YAML key {str(self)!r} is not text ({self.tag}); "
            f"JSON keys are strings: quote it ('{self}')"
        )


def _tag_name(tag: str) -> str:
    return tag.rsplit(":", 1)[-1] if tag.startswith("tag:yaml.org") else tag


def _refuse(loader: AslYamlLoader, node: yaml.Node) -> Any:
    raise ConstructorError(
        None,
        None,
        f"YAML !!{_tag_name(node.tag)} has no JSON form",
        node.start_mark,
    )


def _int(loader: AslYamlLoader, node: yaml.Node) -> int:
    text = str(loader.construct_scalar(node))  # type: ignore[arg-type]
    if len(text.lstrip("+-")) > MAX_INT_DIGITS:
        raise ConstructorError(
            None,
            None,
            f"YAML integer of {len(text):,} digits; aslrun reads integers of at most 4,300",
            node.start_mark,
        )
    try:
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text)
    except ValueError:
        raise ConstructorError(
            None, None, f"YAML !!int {text!r} is not an integer", node.start_mark
        ) from None


def _float(loader: AslYamlLoader, node: yaml.Node) -> float:
    text = str(loader.construct_scalar(node))  # type: ignore[arg-type]
    try:
        value = math.inf if text.lower().lstrip("+-") in (".inf", ".nan") else float(text)
    except ValueError:
        raise ConstructorError(
            None, None, f"YAML !!float {text!r} is not a number", node.start_mark
        ) from None
    if not math.isfinite(value):
        raise ConstructorError(
            None,
            None,
            f"YAML {text} is not a JSON number (JSON has no NaN or Infinity)",
            node.start_mark,
        )
    return value


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
    elif isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    else:  # pragma: no cover - PyYAML has no other node kind
        raise yaml.constructor.ConstructorError(None, None, f"bad {tag}", node.start_mark)
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
    # Timestamps are never resolved implicitly (they stay text); explicit tags for values
    # JSON cannot hold are refused.
    for name in ("binary", "set", "omap", "pairs", "timestamp"):
        AslYamlLoader.add_constructor(f"tag:yaml.org,2002:{name}", _refuse)
    AslYamlLoader.add_multi_constructor("!", _construct_tag)


_register()


def parse_yaml(text: str, source: str | None = None) -> Any:
    """Parse YAML text; raises ``yaml.YAMLError`` (with marks) on a syntax error."""
    loader = AslYamlLoader(text)  # a SafeLoader
    if source is not None:
        loader.name = source
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
