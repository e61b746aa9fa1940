"""What a picture of a state machine shows, independent of how it is drawn.

:func:`build_diagram` turns an ASL definition (the plain dict) into a :class:`Diagram`: the
states as :class:`Node` values (a Parallel's branches and a Map's item processor as nested
diagrams) and the transitions as labelled :class:`Link` values, as AWS's console draws them:
``Next`` unlabelled, each Choice rule labelled with its condition, ``Default``, and each Catcher
with the errors it catches.  The renderers (SVG, Mermaid, DOT) all draw this one structure.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

__all__ = [
    "END",
    "START",
    "Diagram",
    "Link",
    "LinkKind",
    "Node",
    "build_diagram",
    "choice_label",
    "task_detail",
]

START: Final = "__start__"
END: Final = "__end__"
"""The ids of the Start and End markers of the top-level diagram."""

LinkKind = Literal["next", "choice", "default", "catch", "start", "end"]
MAX_LABEL: Final = 40


@dataclass(frozen=True, slots=True)
class Node:
    """One state: ``id`` is unique in the whole picture, ``name`` is the state's name."""

    id: str
    name: str
    type: str
    detail: str
    children: tuple[Diagram, ...] = ()


@dataclass(frozen=True, slots=True)
class Link:
    """A transition from one state (or the Start marker) to another (or the End marker)."""

    source: str
    target: str
    kind: LinkKind
    label: str = ""
    title: str = ""  # the full condition when ``label`` is shortened


@dataclass(frozen=True, slots=True)
class Diagram:
    """A (sub-)machine: the top level (with Start/End markers), a branch, or an item processor."""

    id: str
    label: str
    start: str
    nodes: tuple[Node, ...]
    links: tuple[Link, ...]
    top: bool = False

    def walk(self) -> Iterator[Node]:
        """Every node, nested ones included, parents first."""
        for node in self.nodes:
            yield node
            for child in node.children:
                yield from child.walk()


def build_diagram(definition: Mapping[str, Any]) -> Diagram:
    """The picture of a (valid) definition."""
    return _diagram(definition, "m", "", top=True)


def _diagram(machine: Mapping[str, Any], prefix: str, label: str, *, top: bool) -> Diagram:
    states: Mapping[str, Any] = machine.get("States", {})
    ids = {name: f"{prefix}{i}" for i, name in enumerate(states)}
    nodes = tuple(_node(ids[name], name, state) for name, state in states.items())
    links: list[Link] = []
    start = ids.get(str(machine.get("StartAt")), "")
    if top and start:
        links.append(Link(START, start, "start"))
    for name, state in states.items():
        links.extend(_links(ids, ids[name], state, top=top))
    return Diagram(prefix, label, start, nodes, tuple(links), top)


def _node(node_id: str, name: str, state: Mapping[str, Any]) -> Node:
    kind = str(state.get("Type", ""))
    children: tuple[Diagram, ...] = ()
    if kind == "Parallel":
        children = tuple(
            _diagram(branch, f"{node_id}b{i}_", f"Branch {i + 1}", top=False)
            for i, branch in enumerate(state.get("Branches", ()))
        )
    elif kind == "Map":
        processor = state.get("ItemProcessor", state.get("Iterator"))
        if isinstance(processor, Mapping):
            children = (_diagram(processor, f"{node_id}p_", "Item processor", top=False),)
    return Node(node_id, name, kind, _detail(kind, state), children)


def _links(
    ids: Mapping[str, str], source: str, state: Mapping[str, Any], *, top: bool
) -> Iterator[Link]:
    kind = state.get("Type")
    for i, rule in enumerate(state.get("Choices", ()) if kind == "Choice" else ()):
        if rule.get("Next") in ids:
            full = choice_label(rule)
            yield Link(source, ids[rule["Next"]], "choice", _short(f"#{i + 1} {full}"), full)
    if kind == "Choice" and state.get("Default") in ids:
        yield Link(source, ids[state["Default"]], "default", "Default")
    if state.get("Next") in ids:
        yield Link(source, ids[state["Next"]], "next")
    for catcher in state.get("Catch", ()):
        if catcher.get("Next") in ids:
            errors = ", ".join(str(e) for e in catcher.get("ErrorEquals", ()))
            yield Link(source, ids[catcher["Next"]], "catch", _short(f"Catch: {errors}"), errors)
    if top and (state.get("End") is True or kind in ("Succeed", "Fail")):
        yield Link(source, END, "end")


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


# -- node subtitles: what AWS's console writes under a state's name ---------------------------

_SERVICES: Final[Mapping[str, str]] = {
    "lambda": "Lambda",
    "sqs": "SQS",
    "sns": "SNS",
    "dynamodb": "DynamoDB",
    "states": "Step Functions",
    "ecs": "ECS",
    "batch": "Batch",
    "glue": "Glue",
    "events": "EventBridge",
    "s3": "S3",
    "http": "HTTP",
    "apigateway": "API Gateway",
    "sagemaker": "SageMaker",
    "athena": "Athena",
    "bedrock": "Bedrock",
    "eks": "EKS",
    "codebuild": "CodeBuild",
}


def _detail(kind: str, state: Mapping[str, Any]) -> str:
    if kind == "Task":
        return task_detail(str(state.get("Resource", "")))
    if kind == "Map" and isinstance(state.get("ItemProcessor"), Mapping):
        mode = state["ItemProcessor"].get("ProcessorConfig", {}).get("Mode", "INLINE")
        return "Distributed Map" if mode == "DISTRIBUTED" else "Map"
    return kind


def task_detail(resource: str) -> str:
    """``Lambda: Invoke``, ``SQS: SendMessage``, ``S3: GetObject`` ... for a Task's Resource."""
    parts = resource.split(":")
    if len(parts) < 6 or parts[0] != "arn":
        return "Task"
    service, rest = parts[2], parts[5:]
    if service == "lambda":
        return "Lambda: Invoke"
    if service == "states" and rest and rest[0] == "activity":
        return "Activity"
    if service == "states" and len(rest) >= 2:
        if rest[0] == "aws-sdk" and len(rest) >= 3:
            service, action = rest[1], rest[2]
        else:
            service, action = rest[0], rest[1]
        action = action.split(".")[0]
        name = _SERVICES.get(service, service[:1].upper() + service[1:])
        return f"{name}: {action[:1].upper()}{action[1:]}"
    return "Task"


# -- Choice rule labels ---------------------------------------------------------------------

_SYMBOLS: Final[Mapping[str, str]] = {
    "Equals": "==",
    "LessThan": "<",
    "GreaterThan": ">",
    "LessThanEquals": "<=",
    "GreaterThanEquals": ">=",
    "Matches": "matches",
}
_TESTS: Final[Mapping[str, str]] = {
    "IsPresent": "present",
    "IsNull": "null",
    "IsString": "a string",
    "IsNumeric": "numeric",
    "IsBoolean": "a boolean",
    "IsTimestamp": "a timestamp",
}


def choice_label(rule: Mapping[str, Any]) -> str:
    """A Choice rule as a short condition: ``$.kind == "a"``, ``$.n > 3 and $.ok == true``."""
    if "Condition" in rule:
        text = str(rule["Condition"])
        return text[2:-2].strip() if text.startswith("{%") and text.endswith("%}") else text
    for op, joiner in (("And", " and "), ("Or", " or ")):
        if isinstance(rule.get(op), list):
            return joiner.join(f"({choice_label(r)})" for r in rule[op])
    if isinstance(rule.get("Not"), Mapping):
        return f"not ({choice_label(rule['Not'])})"
    variable = str(rule.get("Variable", "?"))
    for key, value in rule.items():
        if key in _TESTS:
            return f"{variable} is {'' if value else 'not '}{_TESTS[key]}"
        is_path = key.endswith("Path")
        base = key[:-4] if is_path else key
        for family in ("String", "Numeric", "Boolean", "Timestamp"):
            if base.startswith(family) and base[len(family) :] in _SYMBOLS:
                shown = str(value) if is_path else json.dumps(value, ensure_ascii=False)
                return f"{variable} {_SYMBOLS[base[len(family) :]]} {shown}"
    return "rule"
