"""The JSONata classroom example (examples/classroom.jsonata.asl.json) on simulated time.

Start 2026-12-01T09:00:00Z, end 10:00:00Z, the clock starting the day before at 12:00:00Z:
recording starts at 09:00:00, the live ping goes out at 09:01:00 (start + 60 s computed in
JSONata) and recording stops at 10:00:00, with the recording id carried in a variable.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import aslrun

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "classroom.jsonata.asl.json"
INPUT = {"start": "2026-12-01T09:00:00Z", "end": "2026-12-01T10:00:00Z"}


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def run_classroom() -> tuple[aslrun.Execution, list[tuple[str, str, Any]]]:
    calls: list[tuple[str, str, Any]] = []

    def start(event: Any, context: Any) -> Any:
        calls.append(("StartRecorder", iso(context.now()), event))
        return {"recordingId": "rec-42"}

    def ping(event: Any, context: Any) -> Any:
        calls.append(("SendLivePing", iso(context.now()), event))
        return {"pinged": True}

    def stop(event: Any, context: Any) -> Any:
        calls.append(("StopRecorder", iso(context.now()), event))
        return {"stoppedAt": iso(context.now())}

    sm = aslrun.load(json.loads(EXAMPLE.read_text()))
    ex = sm.run(
        INPUT,
        handlers={"StartRecorder": start, "SendLivePing": ping, "StopRecorder": stop},
        clock=aslrun.VirtualClock(start="2026-11-30T12:00:00Z"),
        name="class-1",
    )
    return ex, calls


def test_the_example_validates_clean() -> None:
    from aslrun.definition.validate import validate

    assert [d for d in validate(str(EXAMPLE)) if d.severity == "ERROR"] == []


def test_the_public_validate_function() -> None:
    assert [d for d in aslrun.validate(str(EXAMPLE)) if d.severity == "ERROR"] == []


def test_exact_simulated_times_and_the_recording_id_through_the_variable() -> None:
    ex, calls = run_classroom()
    assert ex.status == "SUCCEEDED", (ex.error, ex.cause)
    assert calls == [
        ("StartRecorder", "2026-12-01T09:00:00Z", {"classStart": "2026-12-01T09:00:00Z"}),
        ("SendLivePing", "2026-12-01T09:01:00Z", {"recordingId": "rec-42"}),
        ("StopRecorder", "2026-12-01T10:00:00Z", {"recordingId": "rec-42"}),
    ]
    assert ex.output == {"recordingId": "rec-42", "stoppedAt": "2026-12-01T10:00:00Z"}
    assert iso(ex.start_date) == "2026-11-30T12:00:00Z"
    assert ex.stop_date is not None and iso(ex.stop_date) == "2026-12-01T10:00:00Z"


def test_history_records_the_assignment_and_the_waits() -> None:
    ex, _ = run_classroom()
    exited = {
        e["stateExitedEventDetails"]["name"]: e
        for e in ex.history
        if e["type"].endswith("StateExited")
    }
    details = exited["StartRecording"]["stateExitedEventDetails"]
    assert details["assignedVariables"] == {"recordingId": '"rec-42"'}
    assert [
        iso(exited[name]["timestamp"])
        for name in ("RecordingWait", "SendLivePingWait", "StoppingWait")
    ] == ["2026-12-01T09:00:00Z", "2026-12-01T09:01:00Z", "2026-12-01T10:00:00Z"]


def test_start_is_free_to_move() -> None:
    calls: list[str] = []
    sm = aslrun.load(json.loads(EXAMPLE.read_text()))

    def handler(name: str) -> Any:
        def call(event: Any, context: Any) -> Any:
            calls.append(f"{name}@{iso(context.now())}")
            return {"recordingId": "r", "stoppedAt": iso(context.now())}

        return call

    ex = sm.run(
        {"start": "2026-12-01T09:30:00Z", "end": "2026-12-01T09:45:00Z"},
        handlers={n: handler(n) for n in ("StartRecorder", "SendLivePing", "StopRecorder")},
        clock=aslrun.VirtualClock(start="2026-11-30T12:00:00Z"),
    )
    assert ex.status == "SUCCEEDED"
    assert calls == [
        "StartRecorder@2026-12-01T09:30:00Z",
        "SendLivePing@2026-12-01T09:31:00Z",
        "StopRecorder@2026-12-01T09:45:00Z",
    ]
