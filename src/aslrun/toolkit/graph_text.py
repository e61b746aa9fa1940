"""Mermaid (renders in GitHub markdown) and Graphviz DOT text for a diagram and an overlay.

Both nest a Parallel's branches and a Map's item processor as subgraphs (Mermaid
``subgraph ... end``; DOT ``cluster_`` subgraphs with ``compound=true``), label Choice rules,
``Default`` and Catchers on their edges, draw Catch edges dashed, and, with an execution overlay,
colour each state by its outcome and draw the transitions taken dark.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Final

from aslrun.toolkit.graph_model import END, START, Diagram, Link, Node
from aslrun.toolkit.graph_overlay import Overlay
from aslrun.toolkit.graph_svg import COLOURS, TAKEN, UNTAKEN

__all__ = ["to_dot", "to_mermaid"]

_IDS: Final = {START: "start_marker", END: "end_marker"}
_MERMAID_SHAPES: Final[Mapping[str, tuple[str, str]]] = {
    "Task": ("(", ")"),
    "Pass": ("[", "]"),
    "Choice": ("{{", "}}"),
    "Wait": ("[/", "/]"),
    "Succeed": ("([", "])"),
    "Fail": ("([", "])"),
}
_DOT_SHAPES: Final[Mapping[str, str]] = {
    "Task": 'shape=box, style="rounded,filled"',
    "Pass": 'shape=box, style="filled"',
    "Choice": 'shape=hexagon, style="filled"',
    "Wait": 'shape=parallelogram, style="filled"',
    "Succeed": 'shape=box, style="rounded,filled,bold"',
    "Fail": 'shape=box, style="rounded,filled,bold"',
}


def _id(key: str) -> str:
    return _IDS.get(key, key)


def _names(diagram: Diagram) -> dict[str, str]:
    names = {node.id: node.name for node in diagram.walk()}
    names[START], names[END] = START, END
    return names


def _all_links(diagram: Diagram) -> Iterator[Link]:
    yield from diagram.links
    for node in diagram.nodes:
        for child in node.children:
            yield from _all_links(child)


# -- Mermaid -----------------------------------------------------------------------------------


def _m(text: str) -> str:
    """Mermaid label text: entity codes for the characters its parser would take."""
    return (
        text.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    )


def to_mermaid(diagram: Diagram, overlay: Overlay | None = None) -> str:
    """A Mermaid ``flowchart TD`` of the diagram (GitHub renders it in markdown)."""
    lines = ["flowchart TD"]
    lines += [f'    {_id(START)}(("Start"))', *_mermaid_nodes(diagram, "    ")]
    lines.append(f'    {_id(END)}(("End"))')
    names = _names(diagram)
    taken: list[int] = []
    for i, link in enumerate(_all_links(diagram)):
        arrow = "-.->" if link.kind == "catch" else "-->"
        label = f'|"{_m(link.label)}"|' if link.label else ""
        lines.append(f"    {_id(link.source)} {arrow}{label} {_id(link.target)}")
        if overlay is not None and (names[link.source], names[link.target]) in overlay.taken:
            taken.append(i)
    lines.append("    classDef marker fill:#545b64,stroke:#545b64,color:#ffffff")
    lines.append(f"    class {_id(START)},{_id(END)} marker")
    if overlay is not None:
        lines += _mermaid_colours(diagram, overlay, taken)
    return "\n".join(lines) + "\n"


def _mermaid_nodes(diagram: Diagram, indent: str) -> Iterator[str]:
    for node in diagram.nodes:
        label = f"{_m(node.name)}<br/>{_m(node.detail)}"
        if not node.children:
            left, right = _MERMAID_SHAPES.get(node.type, ("[", "]"))
            yield f'{indent}{node.id}{left}"{label}"{right}'
            continue
        yield f'{indent}subgraph {node.id}["{label}"]'
        yield f"{indent}    direction TB"
        for child in node.children:
            yield f'{indent}    subgraph {child.id}["{_m(child.label)}"]'
            yield from _mermaid_nodes(child, indent + "        ")
            yield f"{indent}    end"
        yield f"{indent}end"


def _mermaid_colours(diagram: Diagram, overlay: Overlay, taken: list[int]) -> Iterator[str]:
    by_outcome: dict[str, list[str]] = {}
    containers: list[tuple[str, str]] = []
    for node in diagram.walk():
        outcome = overlay.outcome(node.name)
        if node.children:
            containers.append((node.id, outcome))
        else:
            by_outcome.setdefault(outcome, []).append(node.id)
    for kind, ids in by_outcome.items():
        fill, stroke = COLOURS[kind]
        name = kind.replace("-", "_")
        yield f"    classDef {name} fill:{fill},stroke:{stroke},stroke-width:2px"
        yield f"    class {','.join(ids)} {name}"
    for node_id, state in containers:
        fill, stroke = COLOURS[state]
        dashed = "stroke-width:2px,stroke-dasharray:6 4"
        yield f"    style {node_id} fill:{fill},stroke:{stroke},{dashed}"
    if taken:
        yield f"    linkStyle {','.join(map(str, taken))} stroke:{TAKEN},stroke-width:2.5px"


# -- DOT -------------------------------------------------------------------------------------


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(diagram: Diagram, overlay: Overlay | None = None, *, name: str = "StateMachine") -> str:
    """A Graphviz ``digraph`` of the diagram (render with ``dot -Tsvg``)."""
    lines = [
        f"digraph {_q(name)} {{",
        '    graph [rankdir=TB, compound=true, fontname="Helvetica", fontsize=12];',
        '    node [fontname="Helvetica", fontsize=12, fillcolor="#ffffff", color="#545b64"];',
        '    edge [fontname="Helvetica", fontsize=10, color="#545b64"];',
        f'    {_id(START)} [label="Start", shape=ellipse, style=filled, fillcolor="#545b64", '
        'fontcolor="#ffffff"];',
        *_dot_nodes(diagram, overlay, "    "),
        f'    {_id(END)} [label="End", shape=ellipse, style=filled, fillcolor="#545b64", '
        'fontcolor="#ffffff"];',
    ]
    nodes = {node.id: node for node in diagram.walk()}
    names = _names(diagram)
    for link in _all_links(diagram):
        lines.append("    " + _dot_edge(link, nodes, names, overlay))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _paint(node: Node, overlay: Overlay | None) -> str:
    if overlay is None:
        return ""
    fill, stroke = COLOURS[overlay.outcome(node.name)]
    return f', fillcolor="{fill}", color="{stroke}", penwidth=2'


def _dot_nodes(diagram: Diagram, overlay: Overlay | None, indent: str) -> Iterator[str]:
    for node in diagram.nodes:
        label = _q(f"{node.name}\n{node.detail}")
        if not node.children:
            shape = _DOT_SHAPES.get(node.type, 'shape=box, style="filled"')
            yield f"{indent}{node.id} [label={label}, {shape}{_paint(node, overlay)}];"
            continue
        yield f"{indent}subgraph cluster_{node.id} {{"
        colour = ""
        if overlay is not None:
            fill, stroke = COLOURS[overlay.outcome(node.name)]
            colour = f' color="{stroke}"; bgcolor="{fill}";'
        yield f'{indent}    label={label}; style="dashed,rounded";{colour}'
        for child in node.children:
            yield f"{indent}    subgraph cluster_{child.id} {{"
            yield f'{indent}        label={_q(child.label)}; style="rounded"; color="#d5dbdb";'
            yield from _dot_nodes(child, overlay, indent + "        ")
            yield f"{indent}    }}"
        yield f"{indent}}}"


def _anchor(key: str, nodes: Mapping[str, Node]) -> tuple[str, str]:
    """The drawable node for ``key`` and, for a container, its cluster (for lhead/ltail)."""
    node = nodes.get(key)
    if node is None or not node.children:
        return _id(key), ""
    inner, _ = _anchor(node.children[0].start, nodes)
    return inner, f"cluster_{key}"


def _dot_edge(
    link: Link, nodes: Mapping[str, Node], names: Mapping[str, str], overlay: Overlay | None
) -> str:
    source, tail = _anchor(link.source, nodes)
    target, head = _anchor(link.target, nodes)
    attrs = []
    if link.label:
        attrs.append(f"label={_q(link.label)}")
    if link.kind == "catch":
        attrs.append("style=dashed")
    if tail:
        attrs.append(f"ltail={tail}")
    if head:
        attrs.append(f"lhead={head}")
    if overlay is not None:
        taken = (names[link.source], names[link.target]) in overlay.taken
        attrs.append(f'color="{TAKEN if taken else UNTAKEN}"' + (", penwidth=2.5" if taken else ""))
    return f"{source} -> {target}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";"
