"""Pictures of a definition and of an execution: SVG (parsed), Mermaid and DOT (exact text).

The outcome of each state is read from the history AWS's way: a failure event followed by the
next attempt is a retry, followed by the state's exit (a Catcher led on) is a caught error, and
otherwise the state failed.
"""

from __future__ import annotations

import io
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aslrun
from aslrun.cli.app import run as cli_run
from aslrun.errors import AslrunError
from aslrun.toolkit.graph import render, to_dot, to_mermaid, to_svg
from aslrun.toolkit.graph_model import build_diagram, choice_label, task_detail
from aslrun.toolkit.graph_overlay import StateRecord, events_of, read_history
from conftest import FN

SVG = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).parent.parent

SMALL: dict[str, Any] = {
    "StartAt": "Check",
    "States": {
        "Check": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.n", "NumericGreaterThan": 3, "Next": "Big"}],
            "Default": "Small",
        },
        "Big": {
            "Type": "Task",
            "Resource": f"{FN}Big",
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Oops"}],
            "Next": "Done",
        },
        "Small": {"Type": "Pass", "Next": "Done"},
        "Done": {"Type": "Succeed"},
        "Oops": {"Type": "Fail", "Error": "Oops"},
    },
}


def boom(event: Any, context: Any = None) -> Any:
    raise ValueError("too big")


def caught_run() -> aslrun.Execution:
    return aslrun.load(SMALL).run({"n": 5}, handlers={"Big": boom})


def states(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    return {g.attrib["data-state"]: g for g in root.iter(f"{SVG}g") if "data-state" in g.attrib}


def links(svg: str) -> dict[tuple[str, str], ET.Element]:
    root = ET.fromstring(svg)
    return {
        (g.attrib["data-source"], g.attrib["data-target"]): g
        for g in root.iter(f"{SVG}g")
        if "data-source" in g.attrib
    }


def shape_paint(group: ET.Element) -> tuple[str, str]:
    shape = next(e for e in group if e.tag in (f"{SVG}rect", f"{SVG}polygon"))
    return shape.attrib["fill"], shape.attrib["stroke"]


def label_text(group: ET.Element) -> str:
    return " ".join(
        t.text or "" for t in group.iter(f"{SVG}text") if t.attrib.get("class") == "label"
    )


# -- the definition ---------------------------------------------------------------------------


def test_svg_of_a_definition_has_every_state_shape_and_edge_label() -> None:
    svg = to_svg(SMALL)
    found = states(svg)
    assert {name: g.attrib["data-type"] for name, g in found.items()} == {
        "Check": "Choice",
        "Big": "Task",
        "Small": "Pass",
        "Done": "Succeed",
        "Oops": "Fail",
    }
    assert found["Check"][1].tag == f"{SVG}polygon"  # Choice: a hexagon
    assert found["Big"][1].attrib["rx"] == "8"  # Task: a rounded box
    texts = [t.text for t in found["Big"].iter(f"{SVG}text")]
    assert texts == ["Big", "Lambda: Invoke"]
    edges = links(svg)
    assert set(edges) == {
        ("__start__", "Check"),
        ("Check", "Big"),
        ("Check", "Small"),
        ("Big", "Done"),
        ("Big", "Oops"),
        ("Small", "Done"),
        ("Done", "__end__"),
        ("Oops", "__end__"),
    }
    assert label_text(edges[("Check", "Big")]) == "#1 $.n > 3"
    assert label_text(edges[("Check", "Small")]) == "Default"
    assert label_text(edges[("Big", "Oops")]) == "Catch: States.ALL"
    assert edges[("Big", "Oops")][0].attrib["stroke-dasharray"] == "5,4"
    assert "stroke-dasharray" not in edges[("Big", "Done")][0].attrib
    markers = [g.attrib["class"] for g in ET.fromstring(svg).iter(f"{SVG}g")]
    assert markers.count("marker start") == 1
    assert markers.count("marker end") == 1


def test_mermaid_of_a_definition() -> None:
    assert to_mermaid(SMALL) == (
        "flowchart TD\n"
        '    start_marker(("Start"))\n'
        '    m0{{"Check<br/>Choice"}}\n'
        '    m1("Big<br/>Lambda: Invoke")\n'
        '    m2["Small<br/>Pass"]\n'
        '    m3(["Done<br/>Succeed"])\n'
        '    m4(["Oops<br/>Fail"])\n'
        '    end_marker(("End"))\n'
        "    start_marker --> m0\n"
        '    m0 -->|"#35;1 $.n #gt; 3"| m1\n'
        '    m0 -->|"Default"| m2\n'
        "    m1 --> m3\n"
        '    m1 -.->|"Catch: States.ALL"| m4\n'
        "    m2 --> m3\n"
        "    m3 --> end_marker\n"
        "    m4 --> end_marker\n"
        "    classDef marker fill:#545b64,stroke:#545b64,color:#ffffff\n"
        "    class start_marker,end_marker marker\n"
    )


def test_dot_of_a_definition() -> None:
    assert to_dot(SMALL, name="Small") == (
        'digraph "Small" {\n'
        '    graph [rankdir=TB, compound=true, fontname="Helvetica", fontsize=12];\n'
        '    node [fontname="Helvetica", fontsize=12, fillcolor="#ffffff", color="#545b64"];\n'
        '    edge [fontname="Helvetica", fontsize=10, color="#545b64"];\n'
        '    start_marker [label="Start", shape=ellipse, style=filled, fillcolor="#545b64", '
        'fontcolor="#ffffff"];\n'
        '    m0 [label="Check\\nChoice", shape=hexagon, style="filled"];\n'
        '    m1 [label="Big\\nLambda: Invoke", shape=box, style="rounded,filled"];\n'
        '    m2 [label="Small\\nPass", shape=box, style="filled"];\n'
        '    m3 [label="Done\\nSucceed", shape=box, style="rounded,filled,bold"];\n'
        '    m4 [label="Oops\\nFail", shape=box, style="rounded,filled,bold"];\n'
        '    end_marker [label="End", shape=ellipse, style=filled, fillcolor="#545b64", '
        'fontcolor="#ffffff"];\n'
        "    start_marker -> m0;\n"
        '    m0 -> m1 [label="#1 $.n > 3"];\n'
        '    m0 -> m2 [label="Default"];\n'
        "    m1 -> m3;\n"
        '    m1 -> m4 [label="Catch: States.ALL", style=dashed];\n'
        "    m2 -> m3;\n"
        "    m3 -> end_marker;\n"
        "    m4 -> end_marker;\n"
        "}\n"
    )


NESTED: dict[str, Any] = {
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}},
                {"StartAt": "B", "States": {"B": {"Type": "Wait", "Seconds": 1, "End": True}}},
            ],
            "Next": "Each",
        },
        "Each": {
            "Type": "Map",
            "ItemProcessor": {"StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": True}}},
            "End": True,
        },
    },
}


def test_parallel_branches_and_map_processor_are_nested_groups() -> None:
    svg = to_svg(NESTED)
    root = ET.fromstring(svg)
    containers = {
        g.attrib["data-state"]: g.attrib["data-type"]
        for g in root.iter(f"{SVG}g")
        if "container" in g.attrib.get("class", "").split()
    }
    assert containers == {"Fan": "Parallel", "Each": "Map"}
    frames = [
        r.attrib["data-label"] for r in root.iter(f"{SVG}rect") if r.attrib.get("class") == "branch"
    ]
    assert frames == ["Branch 1", "Branch 2", "Item processor"]

    def box(name: str) -> tuple[float, float, float, float]:
        g = states(svg)[name]
        rect = next(e for e in g if e.tag in (f"{SVG}rect", f"{SVG}polygon"))
        if rect.tag == f"{SVG}polygon":
            pts = [tuple(map(float, p.split(","))) for p in rect.attrib["points"].split()]
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            return min(xs), min(ys), max(xs), max(ys)
        x, y = float(rect.attrib["x"]), float(rect.attrib["y"])
        return x, y, x + float(rect.attrib["width"]), y + float(rect.attrib["height"])

    def inside(inner: str, outer: str) -> bool:
        a, b = box(inner), box(outer)
        return b[0] <= a[0] and b[1] <= a[1] and a[2] <= b[2] and a[3] <= b[3]

    assert inside("A", "Fan")
    assert inside("B", "Fan")
    assert inside("Item", "Each")
    assert not inside("Item", "Fan")
    assert box("A")[2] <= box("B")[0]  # branches side by side


def test_mermaid_nests_subgraphs() -> None:
    assert to_mermaid(NESTED) == (
        "flowchart TD\n"
        '    start_marker(("Start"))\n'
        '    subgraph m0["Fan<br/>Parallel"]\n'
        "        direction TB\n"
        '        subgraph m0b0_["Branch 1"]\n'
        '            m0b0_0["A<br/>Pass"]\n'
        "        end\n"
        '        subgraph m0b1_["Branch 2"]\n'
        '            m0b1_0[/"B<br/>Wait"/]\n'
        "        end\n"
        "    end\n"
        '    subgraph m1["Each<br/>Map"]\n'
        "        direction TB\n"
        '        subgraph m1p_["Item processor"]\n'
        '            m1p_0["Item<br/>Pass"]\n'
        "        end\n"
        "    end\n"
        '    end_marker(("End"))\n'
        "    start_marker --> m0\n"
        "    m0 --> m1\n"
        "    m1 --> end_marker\n"
        "    classDef marker fill:#545b64,stroke:#545b64,color:#ffffff\n"
        "    class start_marker,end_marker marker\n"
    )


def test_dot_points_edges_at_clusters() -> None:
    dot = to_dot(NESTED)
    assert "    subgraph cluster_m0 {\n" in dot
    assert "        subgraph cluster_m0b1_ {\n" in dot
    assert "    start_marker -> m0b0_0 [lhead=cluster_m0];\n" in dot
    assert "    m0b0_0 -> m1p_0 [ltail=cluster_m0, lhead=cluster_m1];\n" in dot
    assert "    m1p_0 -> end_marker [ltail=cluster_m1];\n" in dot


# -- an execution ---------------------------------------------------------------------------


def test_caught_failure_colours() -> None:
    ex = caught_run()
    assert ex.status == "FAILED"
    svg = to_svg(SMALL, ex.history)
    found = states(svg)
    assert {name: g.attrib["data-outcome"] for name, g in found.items()} == {
        "Check": "succeeded",
        "Big": "caught",
        "Small": "not-reached",
        "Done": "not-reached",
        "Oops": "failed",
    }
    assert shape_paint(found["Check"]) == ("#d5ecd4", "#1d8102")
    assert shape_paint(found["Big"]) == ("#fde3c3", "#ec7211")
    assert shape_paint(found["Small"]) == ("#ffffff", "#aab7b8")
    assert shape_paint(found["Oops"]) == ("#fbd8d3", "#d13212")
    edges = links(svg)
    taken = {pair for pair, g in edges.items() if g.attrib["class"] == "link taken"}
    assert taken == {("__start__", "Check"), ("Check", "Big"), ("Big", "Oops"), ("Oops", "__end__")}
    assert edges[("Check", "Big")][0].attrib["stroke"] == "#16191f"
    assert edges[("Check", "Small")][0].attrib["stroke"] == "#aab7b8"
    legend = [
        t.text
        for g in ET.fromstring(svg).iter(f"{SVG}g")
        if g.attrib.get("class") == "legend"
        for t in g.iter(f"{SVG}text")
    ]
    assert legend == [
        "succeeded",
        "failed",
        "caught",
        "retried",
        "in-progress",
        "aborted",
        "not-reached",
    ]


def test_caught_failure_in_mermaid_and_dot() -> None:
    ex = caught_run()
    mermaid = to_mermaid(SMALL, ex.history)
    assert mermaid.endswith(
        "    classDef succeeded fill:#d5ecd4,stroke:#1d8102,stroke-width:2px\n"
        "    class m0 succeeded\n"
        "    classDef caught fill:#fde3c3,stroke:#ec7211,stroke-width:2px\n"
        "    class m1 caught\n"
        "    classDef not_reached fill:#ffffff,stroke:#aab7b8,stroke-width:2px\n"
        "    class m2,m3 not_reached\n"
        "    classDef failed fill:#fbd8d3,stroke:#d13212,stroke-width:2px\n"
        "    class m4 failed\n"
        "    linkStyle 0,1,4,7 stroke:#16191f,stroke-width:2.5px\n"
    )
    dot = to_dot(SMALL, ex.history)
    assert (
        '    m1 [label="Big\\nLambda: Invoke", shape=box, style="rounded,filled", '
        'fillcolor="#fde3c3", color="#ec7211", penwidth=2];\n'
    ) in dot
    assert (
        '    m1 -> m4 [label="Catch: States.ALL", style=dashed, color="#16191f", penwidth=2.5];\n'
    ) in dot
    assert '    m2 -> m3 [color="#aab7b8"];\n' in dot


def test_retried_then_succeeded() -> None:
    definition = {
        "StartAt": "Flaky",
        "States": {
            "Flaky": {
                "Type": "Task",
                "Resource": f"{FN}Flaky",
                "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 3}],
                "End": True,
            }
        },
    }
    calls: list[Any] = []

    def flaky(event: Any, context: Any = None) -> Any:
        calls.append(event)
        if len(calls) < 3:
            raise RuntimeError("not yet")
        return "ok"

    ex = aslrun.load(definition).run({}, handlers={"Flaky": flaky})
    assert ex.status == "SUCCEEDED"
    overlay = read_history(ex.history)
    assert overlay.states == {"Flaky": StateRecord(entered=1, exited=1, retried=2)}
    svg = to_svg(definition, ex.history)
    assert states(svg)["Flaky"].attrib["data-outcome"] == "retried"
    assert shape_paint(states(svg)["Flaky"]) == ("#fff3c4", "#b38600")
    taken = {p for p, g in links(svg).items() if g.attrib["class"] == "link taken"}
    assert taken == {("__start__", "Flaky"), ("Flaky", "__end__")}


def test_parallel_and_map_outcomes_inside_groups() -> None:
    ex = aslrun.load(NESTED).run({}, handlers={})
    assert ex.status == "SUCCEEDED"
    overlay = read_history(ex.history)
    assert {name: r.outcome for name, r in overlay.states.items()} == {
        "Fan": "succeeded",
        "A": "succeeded",
        "B": "succeeded",
        "Each": "succeeded",
        "Item": "succeeded",
    }
    # the Map iterates over the Parallel's output, one item per branch
    assert overlay.states["Item"] == StateRecord(entered=2, exited=2)


def test_uncaught_failure_in_a_branch_fails_the_parallel() -> None:
    definition = {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "Bad",
                        "States": {"Bad": {"Type": "Task", "Resource": f"{FN}Big", "End": True}},
                    }
                ],
                "End": True,
            }
        },
    }
    ex = aslrun.load(definition).run({}, handlers={"Big": boom})
    assert ex.status == "FAILED"
    outcomes = {name: r.outcome for name, r in read_history(ex.history).states.items()}
    assert outcomes == {"Fan": "failed", "Bad": "failed"}


def test_history_shapes() -> None:
    events = caught_run().history
    assert events_of(events) == events
    assert events_of({"events": events}) == events
    assert events_of({"history": events}) == events
    with pytest.raises(ValueError, match="not an execution history"):
        events_of({"executionArn": "x"})


def test_render_dispatches_and_refuses_unknown_formats() -> None:
    assert render(SMALL, "mermaid") == to_mermaid(SMALL)
    assert render(SMALL, "dot", name="Small") == to_dot(SMALL, name="Small")
    with pytest.raises(ValueError, match="unknown format 'png'"):
        render(SMALL, "png")  # type: ignore[arg-type]


# -- labels ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resource", "detail"),
    [
        (f"{FN}Big", "Lambda: Invoke"),
        ("arn:aws:states:::lambda:invoke", "Lambda: Invoke"),
        ("arn:aws:states:::lambda:invoke.waitForTaskToken", "Lambda: Invoke"),
        ("arn:aws:states:::sqs:sendMessage", "SQS: SendMessage"),
        ("arn:aws:states:::dynamodb:putItem", "DynamoDB: PutItem"),
        ("arn:aws:states:::aws-sdk:s3:getObject", "S3: GetObject"),
        ("arn:aws:states:::states:startExecution.sync:2", "Step Functions: StartExecution"),
        ("arn:aws:states:us-east-1:123456789012:activity:Review", "Activity"),
        ("not-an-arn", "Task"),
    ],
)
def test_task_subtitles(resource: str, detail: str) -> None:
    assert task_detail(resource) == detail


@pytest.mark.parametrize(
    ("rule", "label"),
    [
        ({"Variable": "$.kind", "StringEquals": "a", "Next": "X"}, '$.kind == "a"'),
        ({"Variable": "$.n", "NumericLessThanEqualsPath": "$.max", "Next": "X"}, "$.n <= $.max"),
        ({"Variable": "$.x", "IsPresent": False, "Next": "X"}, "$.x is not present"),
        (
            {
                "And": [
                    {"Variable": "$.a", "BooleanEquals": True},
                    {"Not": {"Variable": "$.b", "StringMatches": "log-*"}},
                ],
                "Next": "X",
            },
            '($.a == true) and (not ($.b matches "log-*"))',
        ),
        ({"Condition": "{% $states.input.n > 3 %}", "Next": "X"}, "$states.input.n > 3"),
    ],
)
def test_choice_labels(rule: dict[str, Any], label: str) -> None:
    assert choice_label(rule) == label


def test_long_labels_are_shortened_with_the_full_condition_kept() -> None:
    rule = {"Variable": "$.customer.address.country", "StringEquals": "Netherlands", "Next": "B"}
    definition = {
        "StartAt": "C",
        "States": {
            "C": {"Type": "Choice", "Choices": [rule], "Default": "B"},
            "B": {"Type": "Succeed"},
        },
    }
    (link,) = [k for k in build_diagram(definition).links if k.kind == "choice"]
    assert link.label == '#1 $.customer.address.country == "Nethe…'
    assert link.title == '$.customer.address.country == "Netherlands"'


# -- the command line -------------------------------------------------------------------------


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = cli_run(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


def test_cli_graph_formats_and_execution(tmp_path: Path) -> None:
    path = tmp_path / "small.asl.json"
    path.write_text(json.dumps(SMALL))
    status, out, err = cli("graph", str(path), "--format", "mermaid")
    assert (status, err) == (0, "")
    assert out == to_mermaid(SMALL)
    history = tmp_path / "run.json"
    status, out, _ = cli("run", str(path), "--input", '{"n": 1}', "--output", "json", "--history")
    assert status == 0
    history.write_text(out)
    svg_path = tmp_path / "run.svg"
    status, out, err = cli("graph", str(path), "--execution", str(history), "-o", str(svg_path))
    assert (status, out, err) == (0, "", "")
    outcomes = {n: g.attrib["data-outcome"] for n, g in states(svg_path.read_text()).items()}
    assert outcomes == {
        "Check": "succeeded",
        "Big": "not-reached",
        "Small": "succeeded",
        "Done": "succeeded",
        "Oops": "not-reached",
    }
    md = tmp_path / "small.md"
    assert cli("graph", str(path), "-o", str(md))[0] == 0
    assert md.read_text() == "```mermaid\n" + to_mermaid(SMALL) + "```\n"


def test_cli_graph_bad_history(tmp_path: Path) -> None:
    path = tmp_path / "small.asl.json"
    path.write_text(json.dumps(SMALL))
    bad = tmp_path / "bad.json"
    bad.write_text('{"executionArn": "x"}')
    status, out, err = cli("graph", str(path), "--execution", str(bad))
    assert (status, out) == (2, "")
    assert err == (
        f"aslrun graph: --execution {bad}: not an execution history: expected a list of events "
        "with 'id' and 'type' (or an object with 'events' or 'history')\n"
    )


def test_committed_picture_is_current() -> None:
    """docs/images/classroom.svg is the classroom example's run, as docs/testing.md shows."""
    picture = ROOT / "docs" / "images" / "classroom.svg"
    found = states(picture.read_text())
    assert set(found) == {
        "RecordingWait",
        "StartRecording",
        "SendLivePingWait",
        "SendLivePing",
        "StoppingWait",
        "StopRecording",
    }


def test_execution_to_svg_and_notebook_repr() -> None:
    ex = caught_run()
    svg = ex.to_svg()
    assert ex._repr_svg_() == svg
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title") is not None
    assert root.find(f"{SVG}title").text == ex.name  # type: ignore[union-attr]
    assert states(svg)["Big"].attrib["data-outcome"] == "caught"


class Busy(Exception):
    """The job service is busy: Submit's Retry catches it by name."""


def polling_run() -> tuple[aslrun.StateMachine, aslrun.Execution]:
    """tests/toolkit_data/polling.asl.json: Submit is busy once, the job is done on poll 3."""
    calls = {"Submit": 0, "Poll": 0}

    def submit(event: Any, context: Any = None) -> Any:
        calls["Submit"] += 1
        if calls["Submit"] == 1:
            raise Busy("the job service is busy")
        return {"status": "RUNNING"}

    def poll(event: Any, context: Any = None) -> Any:
        calls["Poll"] += 1
        return {"status": "DONE" if calls["Poll"] == 3 else "RUNNING"}

    machine = aslrun.load(ROOT / "tests" / "toolkit_data" / "polling.asl.json", name="Polling")
    return machine, machine.run({}, handlers={"Submit": submit, "Poll": poll}, name="poll-1")


POLLING_OUTCOMES = {
    "Submit": "retried",
    "Pause": "succeeded",
    "Poll": "succeeded",
    "Done?": "succeeded",
    "Finish": "succeeded",
    "Notify": "not-reached",
    "Failed": "not-reached",
}
POLLING_TAKEN = {
    ("__start__", "Submit"),
    ("Submit", "Pause"),
    ("Pause", "Poll"),
    ("Poll", "Done?"),
    ("Done?", "Pause"),
    ("Done?", "Finish"),
    ("Finish", "__end__"),
}


def test_polling_loop_outcomes() -> None:
    _, ex = polling_run()
    assert ex.status == "SUCCEEDED"
    overlay = read_history(ex.history)
    assert overlay.states["Poll"] == StateRecord(entered=3, exited=3)
    assert overlay.states["Submit"] == StateRecord(entered=1, exited=1, retried=1)
    svg = ex.to_svg()
    assert {n: g.attrib["data-outcome"] for n, g in states(svg).items()} == POLLING_OUTCOMES
    counts = {
        n: t.text
        for n, g in states(svg).items()
        for t in g.iter(f"{SVG}text")
        if t.attrib.get("class") == "count"
    }
    assert counts == {"Pause": "×3", "Poll": "×3", "Done?": "×3"}
    taken = {p for p, g in links(svg).items() if g.attrib["class"] == "link taken"}
    assert taken == POLLING_TAKEN


def test_committed_polling_picture_shows_the_run() -> None:
    """docs/images/polling.svg is polling_run()'s picture (docs/testing.md shows it)."""
    svg = (ROOT / "docs" / "images" / "polling.svg").read_text()
    assert {n: g.attrib["data-outcome"] for n, g in states(svg).items()} == POLLING_OUTCOMES
    taken = {p for p, g in links(svg).items() if g.attrib["class"] == "link taken"}
    assert taken == POLLING_TAKEN


def test_svg_without_the_graph_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "grandalf", None)
    with pytest.raises(AslrunError) as caught:
        to_svg(SMALL)
    assert str(caught.value) == (
        "drawing SVG needs the 'graph' extra: pip install 'aslrun[graph]' "
        "(Mermaid and DOT output need nothing)"
    )
    assert to_mermaid(SMALL).startswith("flowchart TD\n")
    status, out, err = cli("graph", str(ROOT / "examples" / "classroom.asl.json"))
    assert (status, out) == (2, "")
    assert err == f"aslrun graph: {caught.value}\n"


def test_cli_graph_invalid_definition(tmp_path: Path) -> None:
    path = tmp_path / "bad.asl.json"
    path.write_text('{"StartAt": "Nowhere", "States": {"A": {"Type": "Succeed"}}}')
    status, out, err = cli("graph", str(path), "--format", "dot")
    assert (status, out) == (2, "")
    assert err.startswith(f"aslrun graph: {path}: invalid state machine definition")


@st.composite
def machines(draw: st.DrawFn) -> dict[str, Any]:
    """Up to 8 states with arbitrary transitions: cycles, self-loops, unreachable states."""
    names = [f"S{i}" for i in range(draw(st.integers(1, 8)))]
    target = st.sampled_from(names)
    found: dict[str, Any] = {}
    for name in names:
        kind = draw(st.sampled_from(["Pass", "Task", "Choice", "Succeed"]))
        state: dict[str, Any] = {"Type": kind}
        if kind == "Choice":
            state["Choices"] = [
                {"Variable": "$.v", "NumericEquals": i, "Next": draw(target)}
                for i in range(draw(st.integers(1, 3)))
            ]
            if draw(st.booleans()):
                state["Default"] = draw(target)
        elif kind != "Succeed":
            if draw(st.booleans()):
                state["Next"] = draw(target)
            else:
                state["End"] = True
            if kind == "Task":
                state["Resource"] = f"{FN}F"
                if draw(st.booleans()):
                    state["Catch"] = [{"ErrorEquals": ["States.ALL"], "Next": draw(target)}]
        found[name] = state
    return {"StartAt": draw(target), "States": found}


@settings(max_examples=40, deadline=None)
@given(machines())
def test_any_graph_draws_every_state_and_transition(definition: dict[str, Any]) -> None:
    expected = {("__start__", definition["StartAt"])}
    for name, state in definition["States"].items():
        targets = [rule["Next"] for rule in state.get("Choices", [])]
        targets += [state[k] for k in ("Next", "Default") if k in state]
        targets += [c["Next"] for c in state.get("Catch", [])]
        expected |= {(name, t) for t in targets}
        if state.get("End") or state["Type"] == "Succeed":
            expected.add((name, "__end__"))
    svg = to_svg(definition)
    assert set(states(svg)) == set(definition["States"])
    assert set(links(svg)) == expected
    count = len(build_diagram(definition).links)
    lines = to_mermaid(definition).splitlines()
    mermaid_edges = [line for line in lines if "-->" in line or "-.->" in line]
    assert len(mermaid_edges) == count
    assert to_dot(definition).count(" -> ") == count
