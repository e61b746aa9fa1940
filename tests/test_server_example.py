"""examples/scheduling/run.py: the classroom system's scheduling function against
``aslrun serve`` on a virtual clock, end to end in a subprocess (bounded by a timeout)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("boto3")

EXAMPLE = Path(__file__).parent.parent / "examples" / "scheduling" / "run.py"


def test_the_scheduling_example_runs_the_class_on_the_virtual_clock() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, TZ="Asia/Tokyo")
    done = subprocess.run(
        [sys.executable, str(EXAMPLE)],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("server: http://127.0.0.1:")
    assert lines[1:] == [
        "scheduled: arn:aws:states:us-east-1:123456789012:execution:classroom:Algebra-101",
        "status: RUNNING",
        "2026-12-01T10:00:00.000Z",  # aslrun clock run-until prints the server's new time
        "status: SUCCEEDED at 2026-12-01T10:00:00+00:00",
        "  09:00:00 StartRecording",  # the class's start, from the input
        "  09:01:00 SendLivePing",  # SendLivePingWait: Seconds 60
        "  10:00:00 StopRecording",  # the class's end
        "output: {'recordingId': 'rec-0001', 'stoppedAt': '2026-12-01T10:00:00Z'}",
    ]
