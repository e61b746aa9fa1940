"""JSONata-heavy benchmark: 200 chained JSONata Pass states, then a 200-item Map.

Usage::

    .venv/bin/python benchmarks/jsonata_workload.py              # 7 runs, median reported
    .venv/bin/python benchmarks/jsonata_workload.py --runs 15

The workload (``benchmarks/workloads/jsonata_heavy.json``): an ``Init`` Pass, 200 Pass states
each evaluating 3 Output and 2 Assign expressions against ``$states.input`` and the variables
(``$total``, ``$history``), then a Map over ``$range(1, 200, 1)`` whose ItemSelector evaluates
4 expressions per item (``$states.context.Map.Item.*`` and the outer ``$total``) and whose
item processor is a one-state JSONata Pass (2 expressions). About 1,850 expression
evaluations and 402 state transitions per execution (Init + 200 Pass + Map + 200 iteration
Pass states).

The definition is loaded (and every expression compiled) once; the timed part is
``sm.run(...)`` only. Prints the median seconds per execution and transitions per second.
Nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import aslrun

HERE = Path(__file__).resolve().parent
WORKLOAD = HERE / "workloads" / "jsonata_heavy.json"


def transitions(ex: aslrun.Execution) -> int:
    """State transitions: one per state entered (top level and inside the Map)."""
    return sum(1 for e in ex.events.as_dicts() if e["type"].endswith("StateEntered"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    sm = aslrun.load(json.loads(WORKLOAD.read_text()))
    load_s = time.perf_counter() - t0

    samples: list[float] = []
    ex = None
    for i in range(args.runs + 1):  # the first run warms caches and is not counted
        t0 = time.perf_counter()
        ex = sm.run(
            {}, clock=aslrun.VirtualClock(start="2026-01-01T00:00:00Z"), name=f"bench-{i}", seed=i
        )
        elapsed = time.perf_counter() - t0
        if i:
            samples.append(elapsed)
    assert ex is not None and ex.status == "SUCCEEDED", (ex and ex.error, ex and ex.cause)
    count = transitions(ex)
    median = statistics.median(samples)
    print(f"jsonata_heavy: load+compile {load_s * 1000:.1f} ms")
    print(f"jsonata_heavy: {count} transitions/execution, output {json.dumps(ex.output)}")
    print(
        f"jsonata_heavy: median {median:.4f} s/execution over {len(samples)} runs "
        f"(min {min(samples):.4f}, max {max(samples):.4f})"
    )
    print(f"jsonata_heavy: {count / median:,.0f} transitions/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
