"""The opt-in freezegun bridge: handler code calling datetime.now() sees simulated time."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any

import aslrun

DEFINITION = {
    "StartAt": "Wait",
    "States": {
        "Wait": {"Type": "Wait", "Seconds": 3600, "Next": "Stamp"},
        "Stamp": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Stamp",
            "End": True,
        },
    },
}


def stamp(event: Any) -> dict[str, Any]:
    return {
        "now": datetime.now(timezone.utc).isoformat(),
        "epoch": int(time.time()),
    }


def test_with_freeze_time_the_handler_reads_the_simulated_clock() -> None:
    ex = aslrun.load(DEFINITION).run(
        {},
        handlers={"Stamp": stamp},
        clock=aslrun.VirtualClock(start="2026-12-01T09:00:00Z"),
        freeze_time=True,
    )
    assert ex.status == "SUCCEEDED"
    assert ex.output == {
        "now": "2026-12-01T10:00:00+00:00",
        "epoch": int(datetime(2026, 12, 1, 10, tzinfo=timezone.utc).timestamp()),
    }


def test_without_it_the_handler_reads_the_wall_clock() -> None:
    ex = aslrun.load(DEFINITION).run(
        {}, handlers={"Stamp": stamp}, clock=aslrun.VirtualClock(start="2026-12-01T09:00:00Z")
    )
    assert ex.status == "SUCCEEDED"
    assert ex.output["now"] != "2026-12-01T10:00:00+00:00"
    assert abs(ex.output["epoch"] - time.time()) < 3600


def test_the_cli_flag_and_an_oversize_input(tmp_path: Any) -> None:
    import io
    import json

    from aslrun.cli.app import run

    definition = tmp_path / "sm.json"
    definition.write_text(json.dumps(DEFINITION))
    handlers = tmp_path / "handlers.py"
    handlers.write_text(
        "from datetime import datetime, timezone\n"
        "HANDLERS = {'Stamp': lambda e: datetime.now(timezone.utc).isoformat()}\n"
    )
    out, err = io.StringIO(), io.StringIO()
    argv = ["run", str(definition), "--handlers", str(handlers), "--start", "2026-12-01T09:00:00Z"]
    code = run([*argv, "--freeze-time", "--output", "json"], stdout=out, stderr=err)
    assert (code, err.getvalue()) == (0, "")
    assert json.loads(out.getvalue())["output"] == '"2026-12-01T10:00:00+00:00"'

    big = tmp_path / "big.json"
    big.write_text(json.dumps("x" * 262144))
    out, err = io.StringIO(), io.StringIO()
    code = run([*argv, "--input-file", str(big)], stdout=out, stderr=err)
    assert code == 2
    assert err.getvalue() == (
        f"aslrun run: --input-file {big}: the execution input is 262146 bytes; "
        "the maximum is 262144 bytes\n"
    )
