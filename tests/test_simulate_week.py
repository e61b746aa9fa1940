"""examples/simulate_week.py (needs the simulate extra: skipped without rich/matplotlib)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytest.importorskip("rich")
pytest.importorskip("matplotlib")

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "simulate_week.py"


def test_a_small_week_runs_to_the_end_and_draws_its_plot(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("simulate_week", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["simulate_week"] = module
    spec.loader.exec_module(module)
    school = module.School(200, seed=1)
    school.plan()
    with open(tmp_path / "progress.txt", "w") as out:
        module.run_week(school, module.Console(file=out))
    listed = school.sfn.list_executions(stateMachineArn=school.machine, maxResults=1000)
    statuses = sorted({e["status"] for e in listed["executions"]})
    assert len(listed["executions"]) == 200
    assert statuses == ["ABORTED", "SUCCEEDED"]
    assert school.recording == set()  # every recording started was stopped or cancelled
    assert school.concurrency[-1][1] == 0
    module.plot(school, tmp_path / "week.png")
    assert (tmp_path / "week.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
