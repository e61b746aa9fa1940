"""The README's "Many executions on one clock" example and docs/service-api.md's example run
and print what the text says they print."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def _run_block(path: Path, after_heading: str, monkeypatch: pytest.MonkeyPatch) -> str:
    text = path.read_text(encoding="utf-8")
    section = text[text.index(after_heading) :]
    block = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert block is not None
    monkeypatch.chdir(ROOT)
    printed = io.StringIO()
    namespace: dict[str, object] = {"print": lambda *a: printed.write(" ".join(map(str, a)) + "\n")}
    exec(compile(block.group(1), str(path), "exec"), namespace)  # the asserts inside run too
    return printed.getvalue()


def test_readme_many_executions_example(monkeypatch: pytest.MonkeyPatch) -> None:
    out = _run_block(ROOT / "README.md", "## Many executions on one clock", monkeypatch)
    assert out.splitlines() == [
        "['StoppingWait']",
        "art ABORTED 2026-12-01T08:55:00+00:00",
        "physics SUCCEEDED 2026-12-01T12:00:00+00:00",
        "maths SUCCEEDED 2026-12-01T10:00:00+00:00",
    ]


def test_service_api_doc_example(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _run_block(ROOT / "docs" / "service-api.md", "# The local service", monkeypatch) == ""


def test_service_api_callbacks_and_activities_example(monkeypatch: pytest.MonkeyPatch) -> None:
    out = _run_block(
        ROOT / "docs" / "service-api.md", "### A worked example: a recording", monkeypatch
    )
    assert out.splitlines() == [
        '{"class":"7b","approval":{"approved":true}}',
        "09:00 ExecutionStarted",
        "09:00 TaskStateEntered",
        "09:00 TaskScheduled",
        "09:00 TaskStarted",
        "09:00 TaskSubmitted",
        "10:10 TaskSucceeded",
        "10:10 TaskStateExited",
        "10:10 TaskStateEntered",
        "10:10 ActivityScheduled",
        "10:20 ActivityStarted",
        "10:35 ActivitySucceeded",
        "10:35 TaskStateExited",
        "10:35 ExecutionSucceeded",
        '{"score":9}',
    ]
