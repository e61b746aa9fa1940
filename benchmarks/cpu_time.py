"""W1 and W2 reuse in CPU time (``time.process_time``), the lowest of several rounds.

On a machine shared with other busy processes, wall-clock figures (benchmarks/run.py) say more
about the neighbours than about aslrun; the CPU time a process was given is the steadier
measure (still inflated by contention for caches and cores).  Nothing here asserts a timing.

Usage::

    .venv/bin/python benchmarks/cpu_time.py
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Callable
from pathlib import Path

import aslrun

WORKLOADS = Path(__file__).resolve().parent / "workloads"
EPOCH = 1_795_000_000.0


def _clock() -> aslrun.VirtualClock:
    return aslrun.VirtualClock(start=EPOCH)


def lowest(work: Callable[[], object], rounds: int) -> float:
    """The lowest CPU seconds of ``rounds`` runs of ``work`` (after one untimed run)."""
    work()
    times = []
    for _ in range(rounds):
        gc.collect()
        began = time.process_time()
        work()
        times.append(time.process_time() - began)
    return min(times)


def main() -> None:
    w1 = aslrun.load(WORKLOADS / "w1_pass_chain.json")
    w1_input = json.loads((WORKLOADS / "w1_input.json").read_text())
    w1_cpu = lowest(lambda: w1.run(w1_input, clock=_clock()), 21)
    w2 = aslrun.load(WORKLOADS / "w2_five_states.json")

    def w2_batch() -> None:
        for i in range(1000):
            w2.run({"x": i % 20}, clock=_clock())

    w2_cpu = lowest(w2_batch, 7)
    print(f"W1: {1000 / w1_cpu:,.0f} transitions per CPU second (1,000 Pass states)")
    print(f"W2 reuse: {1000 / w2_cpu:,.0f} executions per CPU second ({w2_cpu * 1000:.0f} us each)")


if __name__ == "__main__":
    main()
