"""Coverage reports: a terminal table like coverage.py's, JSON, and HTML with each machine's
picture coloured by what was covered (green: entered; white: never entered; dark arrows: the
transitions taken)."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from aslrun.toolkit.coverage import KINDS, CoverageCollector, MachineCoverage

__all__ = ["to_html", "to_json", "to_text"]

_BRANCH_KINDS = tuple(k for k in KINDS if k != "state")


def _row(m: MachineCoverage) -> tuple[int, int, int, int]:
    counts = m.counts()
    states, states_hit = counts["state"]
    branches = sum(counts[k][0] for k in _BRANCH_KINDS)
    branches_hit = sum(counts[k][1] for k in _BRANCH_KINDS)
    return states, states - states_hit, branches, branches - branches_hit


def to_text(collector: CoverageCollector, *, show_missing: bool = True) -> str:
    """The terminal table: per machine, states and branches (transitions, Choice rules and
    Defaults, Catchers, Retriers, Parallel branches) and the percentage covered."""
    machines = list(collector)
    width = max([len("Name"), len("TOTAL"), *(len(m.name) for m in machines)])
    head = f"{'Name':<{width}}  States   Miss  Branches  BrMiss   Cover"
    lines = [head, "-" * len(head)]
    totals = [0, 0, 0, 0]
    for m in machines:
        row = _row(m)
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        lines.append(
            f"{m.name:<{width}}  {row[0]:>6}  {row[1]:>5}  {row[2]:>8}  {row[3]:>6}  "
            f"{m.percent():>5.0f}%"
        )
    lines.append("-" * len(head))
    lines.append(
        f"{'TOTAL':<{width}}  {totals[0]:>6}  {totals[1]:>5}  {totals[2]:>8}  {totals[3]:>6}  "
        f"{collector.percent():>5.0f}%"
    )
    if show_missing:
        for m in machines:
            missing = m.missing()
            if missing:
                lines.append(f"{m.name}: not covered: " + "; ".join(missing))
    return "\n".join(lines) + "\n"


def _machine_json(m: MachineCoverage) -> dict[str, Any]:
    return {
        "name": m.name,
        "executions": m.executions,
        "percent": round(m.percent(), 2),
        "counts": {k: {"total": t, "covered": h} for k, (t, h) in m.counts().items()},
        "points": [
            {"kind": p[0], "state": p[1], "detail": p[2], "label": label, "hits": m.hits[p]}
            for p, label in m.labels.items()
        ],
        "mapIterations": dict(m.map_iterations),
        "missing": m.missing(),
    }


def to_json(collector: CoverageCollector) -> str:
    """The JSON report: totals and, per machine, every point with its hit count."""
    data = {
        "percent": round(collector.percent(), 2),
        "machines": [_machine_json(m) for m in collector],
    }
    return json.dumps(data, indent=2) + "\n"


def picture(m: MachineCoverage) -> str:
    """The machine's SVG, states coloured by coverage (needs the ``graph`` extra)."""
    from aslrun.toolkit.graph import to_svg  # noqa: PLC0415 - the graph extra, loaded on use
    from aslrun.toolkit.graph_overlay import Overlay, StateRecord  # noqa: PLC0415 - on use

    records = {
        point[1]: StateRecord(entered=hits, exited=hits)
        for point, hits in m.hits.items()
        if point[0] == "state" and hits
    }
    overlay = Overlay(records, frozenset(m.taken), frozenset(), "SUCCEEDED")
    return to_svg(m.definition, overlay, title=m.name)


_STYLE = """body{font-family:Arial,sans-serif;margin:2em}table{border-collapse:collapse}
td,th{border:1px solid #aab7b8;padding:2px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}
.hit{background:#d5ecd4}.miss{background:#fbd8d3}"""


def to_html(collector: CoverageCollector) -> str:
    """A page: the table, then per machine its picture and every point with its hits."""
    parts = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8"/><title>aslrun coverage</title>',
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>aslrun coverage: {collector.percent():.0f}%</h1>",
        f"<pre>{html.escape(to_text(collector, show_missing=False))}</pre>",
    ]
    for m in collector:
        parts.append(
            f'<h2 id="{html.escape(m.name)}">{html.escape(m.name)}: '
            f"{m.percent():.0f}% ({m.executions} executions)</h2>"
        )
        try:
            parts.append(f'<div class="picture">{picture(m)}</div>')
        except ImportError as exc:  # the graph extra is missing: the table still helps
            parts.append(f"<p>(no picture: {html.escape(str(exc))})</p>")
        parts.append("<table><tr><th>point</th><th>kind</th><th>hits</th></tr>")
        for point, label in m.labels.items():
            hits = m.hits[point]
            cls = "hit" if hits else "miss"
            parts.append(
                f'<tr class="{cls}" data-kind="{point[0]}" data-state="{html.escape(point[1])}">'
                f"<td>{html.escape(label)}</td><td>{point[0]}</td><td>{hits}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_run_coverage(machine: Any, execution: Any, target: str, stderr: Any) -> None:
    """``aslrun run --coverage [PATH]``: the table on stderr (``-``), or a report to PATH
    (JSON for ``.json``, HTML for ``.html``/``.htm``, else the table)."""

    collector = CoverageCollector()
    collector.add(machine.definition, execution.history, name=machine.name)
    if target == "-":
        stderr.write(to_text(collector))
        return
    suffix = Path(target).suffix.lower()
    text = (
        to_json(collector)
        if suffix == ".json"
        else to_html(collector)
        if suffix in (".html", ".htm")
        else to_text(collector)
    )
    Path(target).write_text(text, encoding="utf-8")
