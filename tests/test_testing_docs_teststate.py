"""docs/testing.md's TestState, coverage and "four ways" snippets run as written, print what
the doc says, and the committed coverage picture is the one the snippet renders."""

from __future__ import annotations

import io
import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest

from aslrun.cli.app import run as cli_run

ROOT = Path(__file__).parent.parent
DOC = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
PICTURE = ROOT / "docs" / "images" / "classroom-coverage.svg"


def block(language: str, after: str) -> str:
    section = DOC[DOC.index(after) :]
    found = re.search(rf"```{language}\n(.*?)```", section, re.DOTALL)
    assert found is not None
    return found.group(1)


def run_python(after: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, dict[str, Any]]:
    monkeypatch.chdir(ROOT)
    printed = io.StringIO()
    namespace: dict[str, Any] = {"print": lambda *a: printed.write(" ".join(map(str, a)) + "\n")}
    exec(compile(block("python", after), "docs/testing.md", "exec"), namespace)
    return printed.getvalue(), namespace


def test_way_3_test_state_on_the_wait_states(monkeypatch: pytest.MonkeyPatch) -> None:
    out, _ = run_python("**3. TestState on the Wait states alone.**", monkeypatch)
    assert out == ""  # the asserts inside did the checking


def test_way_4_coverage_prints_the_table_and_draws_the_picture(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("grandalf")
    out, namespace = run_python("**4. Coverage, with a picture.**", monkeypatch)
    assert out == block("text", "**4. Coverage, with a picture.**")
    svg = namespace["svg"]
    assert 'data-state="StartRecording" data-type="Task" data-outcome="succeeded"' in svg
    assert svg == PICTURE.read_text(encoding="utf-8"), (
        "docs/images/classroom-coverage.svg is out of date: write the snippet's svg there"
    )


def test_the_test_state_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    command = block("sh", "## Offline TestState: one state alone").replace("\\\n", " ")
    argv = shlex.split(command)
    assert argv[0] == "aslrun"
    out, err = io.StringIO(), io.StringIO()
    assert cli_run(argv[1:], out, err) == 0, err.getvalue()
    answer = json.loads(out.getvalue())
    assert (answer["status"], answer["nextState"]) == ("SUCCEEDED", "StartRecording")
    assert answer["inspectionData"]["afterInputPath"] == '{"start":"2026-12-01T09:00:00Z"}'
