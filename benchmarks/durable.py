"""What a state directory costs: executions with and without ``state_dir``, and a restart.

N executions of a small machine (Pass, Task, Wait 60 s, Pass) are started on one service
and run to their end, once in memory and once with ``state_dir``; the difference per
execution is the store's write cost.  Then N executions are left in their Wait, the service
is dropped, and a new one opened on the directory: the restart time (reading, replaying).

Usage::

    .venv/bin/python benchmarks/durable.py -n 2000

Nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from typing import Any

from aslrun import StepFunctions
from aslrun.runtime.clock import VirtualClock

ROLE = "arn:aws:iam::123456789012:role/bench"
DEFINITION = {
    "StartAt": "A",
    "States": {
        "A": {"Type": "Pass", "Result": {"n": 1}, "Next": "T"},
        "T": {"Type": "Task", "Resource": "arn:aws:lambda:::function:echo", "Next": "W"},
        "W": {"Type": "Wait", "Seconds": 60, "Next": "B"},
        "B": {"Type": "Pass", "End": True},
    },
}


def _echo(event: Any, context: Any) -> Any:
    return event


def _service(state_dir: str | None) -> StepFunctions:
    return StepFunctions(
        clock=VirtualClock("2024-01-01T00:00:00Z"),
        seed=1,
        handlers={"echo": _echo},
        state_dir=state_dir,
    )


def _run(n: int, state_dir: str | None, finish: bool) -> tuple[float, StepFunctions]:
    sfn = _service(state_dir)
    arn = sfn.create_state_machine(name="m", definition=json.dumps(DEFINITION), roleArn=ROLE)[
        "stateMachineArn"
    ]
    t = time.perf_counter()
    for i in range(n):
        sfn.start_execution(stateMachineArn=arn, input=json.dumps({"i": i}))
    sfn.advance(1)
    if finish:
        sfn.run()
    return time.perf_counter() - t, sfn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000)
    n = parser.parse_args().n
    memory, _ = _run(n, None, True)
    with tempfile.TemporaryDirectory() as d:
        durable, sfn = _run(n, d, True)
        sfn.close()
    per = (durable - memory) / n * 1e6
    print(f"{n} executions to their end: in memory {memory:.3f} s, with state_dir {durable:.3f} s")
    print(f"store write cost: {per:.0f} us per execution (12 events each)")
    with tempfile.TemporaryDirectory() as d:
        _, sfn = _run(n, d, False)  # all in their Wait
        sfn.close()
        t = time.perf_counter()
        again = _service(d)
        restart = time.perf_counter() - t
        t = time.perf_counter()
        again.run()
        rest = time.perf_counter() - t
        again.close()
    print(f"restart with {n} running executions: {restart:.3f} s; running them out: {rest:.3f} s")


if __name__ == "__main__":
    main()
