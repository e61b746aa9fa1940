"""State machine coverage: exact counts for a small machine run with chosen inputs, the
reports (terminal, JSON, HTML with the picture) parsed, and the pytest options."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest

import aslrun
from aslrun.errors import StatesError
from aslrun.toolkit.coverage import CoverageCollector
from aslrun.toolkit.coverage_report import picture, to_html, to_json, to_text

DEFINITION: dict[str, Any] = {
    "StartAt": "Submit",
    "States": {
        "Submit": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Submit",
            "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 1, "MaxAttempts": 2}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Failed"}],
            "Next": "Check",
        },
        "Check": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"},
                {"Variable": "$.n", "NumericGreaterThan": 5, "Next": "Big"},
            ],
            "Default": "Small",
        },
        "Big": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "End": True}}},
                {"StartAt": "B2", "States": {"B2": {"Type": "Pass", "End": True}}},
            ],
            "Next": "Done",
        },
        "Small": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {"StartAt": "Each", "States": {"Each": {"Type": "Pass", "End": True}}},
            "Next": "Done",
        },
        "Failed": {"Type": "Fail", "Error": "E"},
        "Done": {"Type": "Succeed"},
    },
}
BUSY_ONCE = {"n": 7, "busy": True, "items": []}  # Busy retried, then rule #2 (7 > 5) -> Big
SMALL = {"n": 1, "items": [1, 2, 3]}  # Default -> Small, three iterations
BOOM = {"n": 1, "boom": True}  # not retried (Busy only), caught by Catch #1 -> Failed


def _handlers() -> dict[str, Any]:
    attempts: list[int] = []

    def submit(event: dict[str, Any]) -> dict[str, Any]:
        attempts.append(1)
        if event.get("busy") and len(attempts) == 1:
            raise StatesError("Busy", "try again")
        if event.get("boom"):
            raise StatesError("Boom", "broken")
        return event

    return {"Submit": submit}


def _collect(*inputs: dict[str, Any]) -> CoverageCollector:
    machine = aslrun.load(DEFINITION, name="Orders")
    collector = CoverageCollector()
    for value in inputs:
        execution = machine.run(value, handlers=_handlers())
        collector.add(machine, execution.history)
    return collector


def test_exact_counts() -> None:
    (m,) = list(_collect(BUSY_ONCE, SMALL, BOOM))
    assert m.name == "Orders" and m.executions == 3
    assert m.counts() == {
        "state": (9, 9),
        "transition": (3, 3),
        "choice": (2, 1),
        "default": (1, 1),
        "catch": (1, 1),
        "retry": (1, 1),
        "branch": (2, 2),
    }
    assert m.missing() == ["Check rule #1 -> Big"]
    assert m.hits[("state", "Submit", "")] == 3
    assert m.hits[("state", "Each", "")] == 3
    assert m.hits[("choice", "Check", "1")] == 1  # both rules lead to Big: re-evaluated
    assert m.hits[("choice", "Check", "0")] == 0
    assert m.hits[("retry", "Submit", "0")] == 1
    assert m.hits[("catch", "Submit", "0")] == 1
    assert m.hits[("transition", "Submit", "Check")] == 2
    assert dict(m.map_iterations) == {"Small": 3}
    assert m.percent() == pytest.approx(100 * 18 / 19)


def test_rule_one_by_reevaluation() -> None:
    (m,) = list(_collect({"n": 11, "items": []}))
    assert m.hits[("choice", "Check", "0")] == 1
    assert m.hits[("choice", "Check", "1")] == 0


def test_terminal_table() -> None:
    text = to_text(_collect(BUSY_ONCE, SMALL, BOOM))
    assert text.splitlines() == [
        "Name    States   Miss  Branches  BrMiss   Cover",
        "-----------------------------------------------",
        "Orders       9      0        10       1     95%",
        "-----------------------------------------------",
        "TOTAL        9      0        10       1     95%",
        "Orders: not covered: Check rule #1 -> Big",
    ]


def test_json_report() -> None:
    data = json.loads(to_json(_collect(BUSY_ONCE, BOOM)))
    (m,) = data["machines"]
    assert m["counts"]["state"] == {"total": 9, "covered": 7}  # not Small, Each
    assert sorted(m["missing"]) == sorted(
        ["Small", "Each", "Check rule #1 -> Big", "Check Default -> Small", "Small -> Done"]
    )
    assert data["percent"] == round(100 * 14 / 19, 2)


SVG = "{http://www.w3.org/2000/svg}"


def test_picture_coloured_by_coverage() -> None:
    pytest.importorskip("grandalf")
    (m,) = list(_collect(BUSY_ONCE, BOOM))
    root = ET.fromstring(picture(m))
    outcomes = {
        g.get("data-state"): g.get("data-outcome")
        for g in root.iter(f"{SVG}g")
        if "state" in (g.get("class") or "").split()
    }
    assert outcomes == {
        "Submit": "succeeded",
        "Check": "succeeded",
        "Big": "succeeded",
        "B1": "succeeded",
        "B2": "succeeded",
        "Failed": "succeeded",
        "Done": "succeeded",
        "Small": "not-reached",
        "Each": "not-reached",
    }
    fills = {
        g.get("data-state"): _fill(g)
        for g in root.iter(f"{SVG}g")
        if "state" in (g.get("class") or "").split()
    }
    assert fills["Submit"] == "#d5ecd4" and fills["Small"] == "#ffffff"


def _fill(g: ET.Element) -> str | None:
    for child in g:
        if child.get("fill") is not None and child.tag != f"{SVG}text":
            return child.get("fill")
    return None


def test_html_report_has_table_and_picture() -> None:
    pytest.importorskip("grandalf")
    page = to_html(_collect(BUSY_ONCE, BOOM))
    assert page.startswith("<!DOCTYPE html>")
    body = page.split("\n", 1)[1]
    root = ET.fromstring(body.replace("&nbsp;", " "))
    rows = [
        (tr.get("data-kind"), tr.get("data-state"), tr.get("class"))
        for tr in root.iter("tr")
        if tr.get("data-kind")
    ]
    assert ("state", "Small", "miss") in rows and ("retry", "Submit", "hit") in rows
    assert len(rows) == 19
    svgs = list(root.iter(f"{SVG}svg"))
    assert len(svgs) == 1


def test_aslrun_run_coverage(tmp_path: Any) -> None:
    import io

    from aslrun.cli.app import run as cli_run

    path = tmp_path / "orders.json"
    path.write_text(json.dumps(DEFINITION))
    out, err = io.StringIO(), io.StringIO()
    report = tmp_path / "cov.json"
    code = cli_run(
        [
            "run",
            str(path),
            "--input",
            json.dumps(SMALL),
            "--output",
            "json",
            "--coverage",
            str(report),
        ],
        out,
        err,
    )
    assert code == 1  # Submit has no handler: Lambda.ResourceNotFoundException, caught -> Failed
    data = json.loads(report.read_text())
    assert data["machines"][0]["counts"]["catch"] == {"total": 1, "covered": 1}
    assert data["machines"][0]["counts"]["state"] == {"total": 9, "covered": 2}
    out, err = io.StringIO(), io.StringIO()
    cli_run(["run", str(path), "--input", "{}", "--coverage"], out, err)
    assert "TOTAL" in err.getvalue() and "TOTAL" not in out.getvalue()
