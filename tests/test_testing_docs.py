"""docs/testing.md's plugin and mock-file snippets run as written: the test file under pytest
(golden file written, then compared), the mock file they use, the Python examples and the
``aslrun run --mock-config`` command."""

from __future__ import annotations

import io
import json
import re
import shlex
import shutil
from pathlib import Path

import pytest

from aslrun.cli.app import run as cli_run

ROOT = Path(__file__).parent.parent
DOC = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")


def block(language: str, after: str, index: int = 0) -> str:
    section = DOC[DOC.index(after) :]
    found = re.findall(rf"```{language}\n(.*?)```", section, re.DOTALL)
    return str(found[index])


@pytest.fixture
def project(pytester: pytest.Pytester) -> Path:
    """A project laid out as the doc says: examples/, tests/ with the test file and mocks/."""
    shutil.copytree(ROOT / "examples", pytester.path / "examples")
    tests = pytester.path / "tests"
    (tests / "mocks").mkdir(parents=True)
    (tests / "test_recording_workflow.py").write_text(block("python", "## The pytest plugin"))
    mock_file = block("json", "### Running under a test case")
    (tests / "mocks" / "classroom.json").write_text(mock_file)
    return pytester.path


def test_the_plugin_example_passes_and_writes_its_golden_file(
    project: Path, pytester: pytest.Pytester
) -> None:
    args = ("-p", "no:hypothesispytest", "tests")
    pytester.runpytest(*args).assert_outcomes(passed=1, failed=1)  # no golden file yet
    pytester.runpytest("--aslrun-update-golden", *args).assert_outcomes(passed=2)
    golden = json.loads((project / "tests" / "golden" / "classroom.json").read_text())
    assert [e["type"] for e in golden["events"]][-2:] == ["TaskStateExited", "ExecutionSucceeded"]
    assert golden["events"][-1]["timestamp"] == "2026-12-01T10:00:00+00:00"
    pytester.runpytest(*args).assert_outcomes(passed=2)


def test_the_python_mock_examples_run(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    code = block("python", "### Running under a test case")
    exec(compile(code, "docs/testing.md", "exec"), {})  # the asserts inside run too


def test_the_cli_mock_example_runs(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    monkeypatch.delenv("SFN_MOCK_CONFIG", raising=False)
    command = block("sh", "### Running under a test case").replace("\\\n", " ")
    words = shlex.split(command)
    assert words[0] == "aslrun"
    out, err = io.StringIO(), io.StringIO()
    assert cli_run(words[1:], out, err) == 0
    assert err.getvalue() == ""
    output = json.loads(json.loads(out.getvalue())["output"])
    assert output["recording"] == {"recordingId": "rec-mock", "startedAt": "2026-12-01T09:00:00Z"}
    assert output["stopped"]["recordingId"] == "rec-mock"  # StopRecording: the real handler
