"""The corrected classroom service in examples/serverless.yml runs from the CLI (issue 4)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from aslrun.cli.app import run

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _in_project_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_the_serverless_classroom_runs_with_handlers_keyed_by_function_key() -> None:
    out, err = io.StringIO(), io.StringIO()
    code = run(
        [
            "run",
            "examples/serverless.yml",
            "--state-machine",
            "classroom-state-machine",
            "--handlers",
            "examples/classroom_handlers.py",
            "--input-file",
            "examples/classroom.input.json",
            "--start",
            "2026-11-30T12:00:00Z",
            "--output",
            "json",
            "--history",
        ],
        stdout=out,
        stderr=err,
    )
    assert err.getvalue() == ""
    assert code == 0
    import json

    described = json.loads(out.getvalue())
    assert described["status"] == "SUCCEEDED"
    scheduled = [
        (e["timestamp"], e["lambdaFunctionScheduledEventDetails"]["resource"])
        for e in described["history"]
        if e["type"] == "LambdaFunctionScheduled"
    ]
    # Functions are deployed as <service>-<stage>-<key> (Serverless Framework naming).
    arn = "arn:aws:lambda:ap-southeast-1:123456789012:function:consult-api-dev-"
    assert [r for _, r in scheduled] == [
        arn + "startRecorder",
        arn + "sendLivePing",
        arn + "stopRecorder",
    ]
    assert [t[:19] for t, _ in scheduled] == [
        "2026-12-01T09:00:00",
        "2026-12-01T09:01:00",
        "2026-12-01T10:00:00",
    ]
