"""A picture of a state machine, and of one execution of it: SVG, Mermaid or Graphviz DOT.

>>> svg = to_svg(machine.definition, execution.history)   # doctest: +SKIP

``definition`` is an ASL dict (``StateMachine.definition``) or anything with a ``definition``
attribute (a :class:`~aslrun.api.StateMachine`).  ``history`` (optional) is an execution's
events in GetExecutionHistory's shape (``Execution.history``, the ``history`` of
``aslrun run --output json --history``, or ``{"events": [...]}`` from the AWS CLI); with it the
states are coloured by outcome and the transitions taken are drawn dark.  SVG needs the
``graph`` extra (grandalf, pure Python); Mermaid and DOT need nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal

from aslrun.toolkit import graph_text
from aslrun.toolkit.graph_layout import layout
from aslrun.toolkit.graph_model import Diagram, build_diagram
from aslrun.toolkit.graph_overlay import Overlay, events_of, read_history
from aslrun.toolkit.graph_svg import render_svg

__all__ = ["FORMATS", "Format", "render", "to_dot", "to_mermaid", "to_svg"]

Format = Literal["svg", "mermaid", "dot"]
FORMATS: Final[tuple[Format, ...]] = ("svg", "mermaid", "dot")
History = Sequence[Mapping[str, Any]] | Mapping[str, Any] | Overlay | None


def _diagram(definition: Any) -> Diagram:
    if not isinstance(definition, Mapping):
        definition = getattr(definition, "definition", definition)
    if not isinstance(definition, Mapping):
        raise TypeError("expected an ASL definition (a dict) or a StateMachine")
    return build_diagram(definition)


def _overlay(history: History) -> Overlay | None:
    if history is None or isinstance(history, Overlay):
        return history
    return read_history(events_of(history))


def to_svg(definition: Any, history: History = None, *, title: str = "") -> str:
    """SVG text: the definition as AWS's console draws it, coloured by ``history`` if given."""
    return render_svg(layout(_diagram(definition)), _overlay(history), title=title)


def to_mermaid(definition: Any, history: History = None) -> str:
    """Mermaid ``flowchart`` text (GitHub renders it in a ```` ```mermaid ```` block)."""
    return graph_text.to_mermaid(_diagram(definition), _overlay(history))


def to_dot(definition: Any, history: History = None, *, name: str = "StateMachine") -> str:
    """Graphviz DOT text."""
    return graph_text.to_dot(_diagram(definition), _overlay(history), name=name)


def render(
    definition: Any, format: Format = "svg", history: History = None, *, name: str = "StateMachine"
) -> str:
    """The picture in ``format`` ("svg", "mermaid" or "dot")."""
    if format == "svg":
        return to_svg(definition, history, title=name)
    if format == "mermaid":
        return to_mermaid(definition, history)
    if format == "dot":
        return to_dot(definition, history, name=name)
    raise ValueError(f"unknown format {format!r}: expected one of {', '.join(FORMATS)}")
