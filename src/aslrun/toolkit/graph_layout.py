"""Place a :class:`~aslrun.toolkit.graph_model.Diagram` on a plane: a layered (Sugiyama) layout.

Each (sub-)diagram is laid out on its own by grandalf's :class:`SugiyamaLayout` (the pure-Python
layered layout, the same family as graphviz's ``dot``), innermost first: a Parallel or Map state
is then one big node whose size holds its branches side by side (or its item processor), which
is how AWS's console nests them.  Needs the ``graph`` extra (``pip install aslrun[graph]``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from aslrun.errors import AslrunError
from aslrun.toolkit.graph_model import END, START, Diagram, Link, Node

__all__ = ["Box", "Frame", "Route", "Scene", "layout", "text_width"]

NODE_H: Final = 52.0
MARKER_W, MARKER_H = 64.0, 28.0
HEADER_H: Final = 40.0
PAD: Final = 16.0
GAP: Final = 24.0
X_SPACE: Final = 44.0
Y_SPACE: Final = 64.0
ROUTE_MARGIN: Final = 12.0

Point = tuple[float, float]


def text_width(text: str, size: float = 13.0) -> float:
    """An estimate of the width of ``text`` in a sans-serif font (no font metrics needed)."""
    return sum(
        size * (0.35 if c in "ijlrtf.,:;'|! " else 0.62 if c.isupper() else 0.55) for c in text
    )


@dataclass(frozen=True, slots=True)
class Box:
    """A placed state (``kind`` "state" or "container") or marker ("start"/"end")."""

    id: str
    kind: str
    x: float
    y: float
    w: float
    h: float
    node: Node | None = None


@dataclass(frozen=True, slots=True)
class Frame:
    """A branch or item processor inside a container: a labelled area."""

    id: str
    label: str
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True, slots=True)
class Route:
    """A drawn transition: one or more links between the same two boxes, with its path."""

    source: str
    target: str
    links: tuple[Link, ...]
    points: tuple[Point, ...]

    @property
    def label(self) -> str:
        return " / ".join(link.label for link in self.links if link.label)


@dataclass(slots=True)
class Scene:
    """Everything to draw, in absolute coordinates; ``w``/``h`` is the picture's size."""

    w: float = 0.0
    h: float = 0.0
    boxes: list[Box] = field(default_factory=list)
    frames: list[Frame] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)

    def shifted(self, dx: float, dy: float) -> Scene:
        return Scene(
            self.w,
            self.h,
            [Box(b.id, b.kind, b.x + dx, b.y + dy, b.w, b.h, b.node) for b in self.boxes],
            [Frame(f.id, f.label, f.x + dx, f.y + dy, f.w, f.h) for f in self.frames],
            [
                Route(r.source, r.target, r.links, tuple((x + dx, y + dy) for x, y in r.points))
                for r in self.routes
            ],
        )


def layout(diagram: Diagram) -> Scene:
    """Lay ``diagram`` out; coordinates start at (PAD, PAD)."""
    inner = _lay(diagram)
    scene = inner.shifted(PAD, PAD)
    scene.w, scene.h = inner.w + 2 * PAD, inner.h + 2 * PAD
    return scene


# -- one level -----------------------------------------------------------------------------------


class _View:
    def __init__(self, w: float, h: float) -> None:
        self.w, self.h = w, h
        self.xy: Point = (0.0, 0.0)


class _EdgeView:
    def __init__(self) -> None:
        self.pts: list[Point] = []

    def setpath(self, pts: list[Point]) -> None:
        self.pts = pts


def _grandalf() -> Any:
    try:
        from grandalf import graphs, layouts, routing  # noqa: PLC0415 - optional extra
    except ImportError:
        raise AslrunError(
            "drawing SVG needs the 'graph' extra: pip install 'aslrun[graph]' "
            "(Mermaid and DOT output need nothing)"
        ) from None
    return graphs, layouts, routing


def _lay(diagram: Diagram) -> Scene:
    """Lay out one level; nested diagrams first, each container is one sized box."""
    inner: dict[str, Scene] = {}
    sizes: dict[str, Point] = {}
    for node in diagram.nodes:
        if node.children:
            inner[node.id] = _container(node)
            sizes[node.id] = (inner[node.id].w, inner[node.id].h)
        else:
            label = max(text_width(node.name, 14), text_width(node.detail, 12))
            sizes[node.id] = (max(132.0, label + 32), NODE_H)
    if diagram.top:
        sizes[START] = sizes[END] = (MARKER_W, MARKER_H)
    routes = _merge(diagram.links)
    scene = _sugiyama(diagram, sizes, routes)
    nodes = {node.id: node for node in diagram.nodes}
    scene.boxes = [
        Box(b.id, "container" if nodes[b.id].children else "state", b.x, b.y, b.w, b.h, nodes[b.id])
        if b.id in nodes
        else b
        for b in scene.boxes
    ]
    for node in diagram.nodes:
        if node.id in inner:
            box = next(b for b in scene.boxes if b.id == node.id)
            sub = inner[node.id].shifted(box.x, box.y)
            scene.boxes.extend(sub.boxes)
            scene.frames.extend(sub.frames)
            scene.routes.extend(sub.routes)
    return scene


def _container(node: Node) -> Scene:
    """A Parallel/Map box: its branches (or processor) side by side under a header."""
    parts = [_lay(child) for child in node.children]
    header = max(text_width(node.name, 14), text_width(node.detail, 12)) + 2 * PAD
    inner_w = sum(p.w + 2 * PAD for p in parts) + GAP * (len(parts) - 1)
    w = max(header, inner_w + 2 * PAD)
    h = HEADER_H + max(p.h + 2 * PAD for p in parts) + PAD
    scene = Scene(w, h)
    x = (w - inner_w) / 2
    for child, part in zip(node.children, parts, strict=True):
        frame_h = h - HEADER_H - PAD
        scene.frames.append(Frame(child.id, child.label, x, HEADER_H, part.w + 2 * PAD, frame_h))
        placed = part.shifted(x + PAD, HEADER_H + PAD)
        scene.boxes.extend(placed.boxes)
        scene.frames.extend(placed.frames)
        scene.routes.extend(placed.routes)
        x += part.w + 2 * PAD + GAP
    return scene


def _merge(links: Iterable[Link]) -> dict[tuple[str, str], list[Link]]:
    merged: dict[tuple[str, str], list[Link]] = {}
    for link in links:
        merged.setdefault((link.source, link.target), []).append(link)
    return merged


def _sugiyama(
    diagram: Diagram, sizes: dict[str, Point], merged: dict[tuple[str, str], list[Link]]
) -> Scene:
    graphs, layouts, routing = _grandalf()
    vertices = {key: graphs.Vertex(key) for key in sizes}
    for key, vertex in vertices.items():
        vertex.view = _View(*sizes[key])
    edges = []
    for (source, target), links in merged.items():
        if source != target and source in vertices and target in vertices:
            edge = graphs.Edge(vertices[source], vertices[target], data=tuple(links))
            edge.view = _EdgeView()
            edges.append(edge)
    graph = graphs.Graph(list(vertices.values()), edges)
    scene = Scene()
    x = 0.0
    first = START if diagram.top else diagram.start
    for component in graph.C:
        sug = layouts.SugiyamaLayout(component)
        sug.xspace, sug.yspace = X_SPACE, Y_SPACE
        sug.route_edge = routing.route_with_lines
        roots = (
            [v for v in component.sV if v.data == first]
            or [v for v in component.sV if not v.e_in()]
            or [component.sV[0]]
        )
        sug.init_all(roots=roots)
        sug.draw()
        part = _collect(component, merged, sizes)
        placed = part.shifted(x, 0)
        scene.boxes.extend(placed.boxes)
        scene.routes.extend(placed.routes)
        scene.w = x + part.w
        scene.h = max(scene.h, part.h)
        x += part.w + X_SPACE
    for (source, target), links in merged.items():
        if source == target:
            scene.routes.append(_self_loop(scene, source, tuple(links)))
    return scene


def _collect(
    component: Any, merged: dict[tuple[str, str], list[Link]], sizes: dict[str, Point]
) -> Scene:
    centres = {v.data: v.view.xy for v in component.sV}
    xs = [x + d * sizes[k][0] / 2 for k, (x, _) in centres.items() for d in (-1, 1)]
    ys = [y + d * sizes[k][1] / 2 for k, (_, y) in centres.items() for d in (-1, 1)]
    for edge in component.sE:
        xs += [px + d * ROUTE_MARGIN for px, _ in edge.view.pts for d in (-1, 1)]
        ys += [py for _, py in edge.view.pts]
    left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)
    scene = Scene(right - left, bottom - top)
    for key, (cx, cy) in centres.items():
        w, h = sizes[key]
        kind = "start" if key == START else "end" if key == END else "state"
        scene.boxes.append(Box(key, kind, cx - w / 2 - left, cy - h / 2 - top, w, h))
    for edge in component.sE:
        points = tuple((px - left, py - top) for px, py in edge.view.pts)
        links = edge.data
        scene.routes.append(Route(links[0].source, links[0].target, links, points))
    return scene


def _self_loop(scene: Scene, key: str, links: Sequence[Link]) -> Route:
    box = next(b for b in scene.boxes if b.id == key)
    right, top, bottom = box.x + box.w, box.y + box.h * 0.3, box.y + box.h * 0.7
    points = ((right, top), (right + 24, top), (right + 24, bottom), (right, bottom))
    return Route(key, key, tuple(links), points)
