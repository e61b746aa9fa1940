"""Draw a laid-out :class:`~aslrun.toolkit.graph_layout.Scene` as SVG text (no system binary).

States are drawn in their type's shape (Task: rounded box, Pass: box, Choice: hexagon, Wait:
slanted box, Succeed/Fail: pill, Parallel/Map: a dashed group holding their branches), under
the state's name the service or type as AWS's console writes it.  With an execution overlay
each state is coloured by its outcome (the palette of AWS's execution graph: green succeeded,
red failed, orange caught error, blue in progress, grey aborted; amber for a state that
succeeded after retries) and the transitions taken are drawn dark, the others pale.  Every
element carries ``class``/``data-*`` attributes, so tests (and CSS) can find it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Final
from xml.sax.saxutils import escape, quoteattr

from aslrun.toolkit.graph_layout import Box, Frame, Route, Scene, text_width
from aslrun.toolkit.graph_model import END, START
from aslrun.toolkit.graph_overlay import OUTCOMES, Outcome, Overlay

__all__ = ["COLOURS", "render_svg"]

COLOURS: Final[Mapping[str, tuple[str, str]]] = {
    # outcome: (fill, stroke)
    "succeeded": ("#d5ecd4", "#1d8102"),
    "failed": ("#fbd8d3", "#d13212"),
    "caught": ("#fde3c3", "#ec7211"),
    "retried": ("#fff3c4", "#b38600"),
    "in-progress": ("#d6e9f8", "#0073bb"),
    "aborted": ("#e9ebed", "#545b64"),
    "not-reached": ("#ffffff", "#aab7b8"),
    "definition": ("#ffffff", "#545b64"),
}
TAKEN: Final = "#16191f"
UNTAKEN: Final = "#aab7b8"
PLAIN: Final = "#545b64"
LABEL_AT: Final = 0.6
LABEL_CHARS: Final = 20
FONT: Final = "'Amazon Ember', 'Helvetica Neue', Roboto, Arial, sans-serif"


_ARROWS: Final = {"taken": TAKEN, "not-taken": UNTAKEN, "plain": PLAIN}


def _marker(name: str, colour: str) -> str:
    return (
        f'<marker id="arrow-{name}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="10" '
        'markerHeight="10" markerUnits="userSpaceOnUse" orient="auto">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
    )


def _legend_width() -> float:
    return sum(19 + text_width(outcome, 11) + 14 for outcome in OUTCOMES) + 32


def _f(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def render_svg(scene: Scene, overlay: Overlay | None = None, *, title: str = "") -> str:
    """The SVG document for ``scene``, coloured by ``overlay`` when given."""
    legend_h = 36.0 if overlay is not None else 0.0
    width = max(scene.w, _legend_width()) if overlay is not None else scene.w
    height = scene.h + legend_h
    dx = (width - scene.w) / 2
    if dx:
        scene = scene.shifted(dx, 0)
    names = {b.id: b.node.name for b in scene.boxes if b.node is not None}
    names[START], names[END] = START, END
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_f(width)}" height="{_f(height)}" '
        f'viewBox="0 0 {_f(width)} {_f(height)}" font-family="{FONT}" font-size="13">',
        f"<title>{escape(title)}</title>" if title else "",
        "<defs>" + "".join(_marker(name, colour) for name, colour in _ARROWS.items()) + "</defs>",
        f'<rect class="background" width="{_f(width)}" height="{_f(height)}" fill="#ffffff"/>',
    ]
    for box in scene.boxes:
        if box.kind == "container":
            out.extend(_container(box, overlay))
    out.extend(_frame(frame) for frame in scene.frames)
    for route in sorted(scene.routes, key=lambda r: (r.source, r.target)):
        out.extend(_route(route, names, overlay))
    for box in scene.boxes:
        if box.kind != "container":
            out.extend(_box(box, overlay))
    if overlay is not None:
        out.extend(_legend(scene.h))
    out.append("</svg>")
    return "\n".join(line for line in out if line) + "\n"


def _outcome(box: Box, overlay: Overlay | None) -> str:
    if overlay is None or box.node is None:
        return "definition"
    return overlay.outcome(box.node.name)


def _shape(box: Box, fill: str, stroke: str, width: float) -> str:
    x, y, w, h = box.x, box.y, box.w, box.h
    paint = f'fill="{fill}" stroke="{stroke}" stroke-width="{_f(width)}"'
    kind = box.node.type if box.node is not None else box.kind
    if kind == "Choice":
        d = 12.0
        pts = [
            (x + d, y),
            (x + w - d, y),
            (x + w, y + h / 2),
            (x + w - d, y + h),
            (x + d, y + h),
            (x, y + h / 2),
        ]
        return f'<polygon points="{" ".join(f"{_f(a)},{_f(b)}" for a, b in pts)}" {paint}/>'
    if kind == "Wait":
        d = 8.0
        pts = [(x + d, y), (x + w, y), (x + w - d, y + h), (x, y + h)]
        return f'<polygon points="{" ".join(f"{_f(a)},{_f(b)}" for a, b in pts)}" {paint}/>'
    radius = {
        "Task": 8.0,
        "Pass": 2.0,
        "Succeed": h / 2,
        "Fail": h / 2,
        "start": h / 2,
        "end": h / 2,
    }
    r = radius.get(kind, 6.0)
    return f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(w)}" height="{_f(h)}" rx="{_f(r)}" {paint}/>'


def _box(box: Box, overlay: Overlay | None) -> Iterator[str]:
    cx = box.x + box.w / 2
    if box.node is None:  # the Start / End marker
        label = "Start" if box.kind == "start" else "End"
        yield f'<g class="marker {box.kind}">'
        yield _shape(box, "#545b64", "#545b64", 1)
        yield (
            f'<text x="{_f(cx)}" y="{_f(box.y + box.h / 2 + 4.5)}" text-anchor="middle" '
            f'fill="#ffffff" font-weight="bold">{label}</text>'
        )
        yield "</g>"
        return
    outcome = _outcome(box, overlay)
    fill, stroke = COLOURS[outcome]
    node = box.node
    yield (
        f'<g class="state outcome-{outcome}" data-state={quoteattr(node.name)} '
        f'data-type="{node.type}" data-outcome="{outcome}">'
    )
    yield f"<title>{escape(_tooltip(node.name, node.type, outcome, overlay))}</title>"
    yield _shape(box, fill, stroke, 2 if outcome != "definition" else 1.2)
    yield (
        f'<text x="{_f(cx)}" y="{_f(box.y + 22)}" text-anchor="middle" font-size="14" '
        f'font-weight="bold" fill="#16191f">{escape(node.name)}</text>'
    )
    yield (
        f'<text class="detail" x="{_f(cx)}" y="{_f(box.y + 40)}" text-anchor="middle" '
        f'font-size="12" fill="#545b64">{escape(node.detail)}</text>'
    )
    record = overlay.states.get(node.name) if overlay is not None else None
    if record is not None and record.entered > 1:
        inset = 20 if node.type in ("Choice", "Wait") else 7  # clear of the slanted sides
        yield (
            f'<text class="count" x="{_f(box.x + box.w - inset)}" y="{_f(box.y + 14)}" '
            f'text-anchor="end" font-size="11" fill="{stroke}">×{record.entered}</text>'
        )
    yield "</g>"


def _tooltip(name: str, kind: str, outcome: str, overlay: Overlay | None) -> str:
    if overlay is None:
        return f"{name} ({kind})"
    record = overlay.states.get(name)
    counts = ""
    if record is not None:
        parts = [f"entered {record.entered}"]
        parts += [
            f"{k} {v}"
            for k, v in (
                ("retried", record.retried),
                ("caught", record.caught),
                ("failed", record.failed),
            )
            if v
        ]
        counts = ": " + ", ".join(parts)
    return f"{name} ({kind}) {outcome}{counts}"


def _container(box: Box, overlay: Overlay | None) -> Iterator[str]:
    assert box.node is not None
    outcome = _outcome(box, overlay)
    fill, stroke = COLOURS[outcome]
    node = box.node
    yield (
        f'<g class="state container outcome-{outcome}" data-state={quoteattr(node.name)} '
        f'data-type="{node.type}" data-outcome="{outcome}">'
    )
    yield f"<title>{escape(_tooltip(node.name, node.type, outcome, overlay))}</title>"
    yield (
        f'<rect x="{_f(box.x)}" y="{_f(box.y)}" width="{_f(box.w)}" height="{_f(box.h)}" rx="8" '
        f'fill="{fill}" fill-opacity="0.35" stroke="{stroke}" stroke-width="1.5" '
        'stroke-dasharray="6,4"/>'
    )
    cx = box.x + box.w / 2
    yield (
        f'<text x="{_f(cx)}" y="{_f(box.y + 18)}" text-anchor="middle" font-size="14" '
        f'font-weight="bold" fill="#16191f">{escape(node.name)}</text>'
    )
    yield (
        f'<text class="detail" x="{_f(cx)}" y="{_f(box.y + 33)}" text-anchor="middle" '
        f'font-size="12" fill="#545b64">{escape(node.detail)}</text>'
    )
    yield "</g>"


def _frame(frame: Frame) -> str:
    return (
        f'<rect class="branch" data-label={quoteattr(frame.label)} x="{_f(frame.x)}" '
        f'y="{_f(frame.y)}" width="{_f(frame.w)}" height="{_f(frame.h)}" rx="6" fill="none" '
        'stroke="#d5dbdb" stroke-width="1"/>'
    )


def _route(route: Route, names: Mapping[str, str], overlay: Overlay | None) -> Iterator[str]:
    pair = (names.get(route.source, route.source), names.get(route.target, route.target))
    kinds = {link.kind for link in route.links}
    catch_only = kinds == {"catch"}
    if overlay is None:
        colour, width, state = PLAIN, 1.4, "plain"
    elif pair in overlay.taken:
        colour, width, state = TAKEN, 2.2, "taken"
    else:
        colour, width, state = UNTAKEN, 1.2, "not-taken"
    dash = ' stroke-dasharray="5,4"' if catch_only else ""
    d = " ".join(
        f"{'M' if i == 0 else 'L'}{_f(x)},{_f(y)}" for i, (x, y) in enumerate(route.points)
    )
    yield (
        f'<g class="link {state}" data-source={quoteattr(pair[0])} '
        f'data-target={quoteattr(pair[1])} data-kind="{"+".join(sorted(kinds))}">'
    )
    yield (
        f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{_f(width)}"{dash} '
        f'marker-end="url(#arrow-{state})"/>'
    )
    if route.label:
        yield from _label(route, colour)
    yield "</g>"


def _wrap(text: str, width: int = LABEL_CHARS, lines: int = 2) -> list[str]:
    """Break ``text`` at spaces into at most ``lines`` lines of about ``width`` characters."""
    out: list[str] = []
    for word in text.split(" "):
        if out and len(out[-1]) + 1 + len(word) <= width:
            out[-1] += " " + word
        else:
            out.append(word)
    if len(out) > lines:
        out = [*out[: lines - 1], " ".join(out[lines - 1 :])]
    return [line if len(line) <= width else line[: width - 1] + "…" for line in out]


def _label(route: Route, colour: str) -> Iterator[str]:
    pts = route.points
    i = max(
        range(len(pts) - 1),
        key=lambda k: abs(pts[k + 1][1] - pts[k][1]) + abs(pts[k + 1][0] - pts[k][0]),
    )
    t = LABEL_AT if i == len(pts) - 2 else 0.5  # on the last leg: nearer the target, where
    x = pts[i][0] + t * (pts[i + 1][0] - pts[i][0])  # the edges of a fan are apart
    y = pts[i][1] + t * (pts[i + 1][1] - pts[i][1])
    lines = [line for link in route.links if link.label for line in _wrap(link.label)]
    w = max(text_width(line, 11) for line in lines) + 8
    h = 13.0 * len(lines) + 4
    top = y - h / 2
    titles = "; ".join(link.title for link in route.links if link.title)
    if titles:
        yield f"<title>{escape(titles)}</title>"
    yield (
        f'<rect class="label-bg" x="{_f(x - w / 2)}" y="{_f(top)}" width="{_f(w)}" '
        f'height="{_f(h)}" rx="3" fill="#ffffff" fill-opacity="0.9"/>'
    )
    fill = colour if colour != UNTAKEN else PLAIN
    for n, line in enumerate(lines):
        yield (
            f'<text class="label" x="{_f(x)}" y="{_f(top + 12 + 13 * n)}" text-anchor="middle" '
            f'font-size="11" fill="{fill}">{escape(line)}</text>'
        )


def _legend(top: float) -> Iterator[str]:
    yield f'<g class="legend" transform="translate(16,{_f(top + 8)})">'
    x = 0.0
    shown: tuple[Outcome, ...] = OUTCOMES
    for outcome in shown:
        fill, stroke = COLOURS[outcome]
        yield (
            f'<rect x="{_f(x)}" y="0" width="14" height="14" rx="3" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="2"/>'
        )
        yield f'<text x="{_f(x + 19)}" y="11.5" font-size="11" fill="#16191f">{outcome}</text>'
        x += 19 + text_width(outcome, 11) + 14
    yield "</g>"
