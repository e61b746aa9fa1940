"""A week of classes on one ``aslrun.StepFunctions`` service, measured.

N classroom executions (examples/classroom.asl.json and its handlers) are started across a
simulated week, each a day or less before its class: 5 % are cancelled with
``stop_execution`` during the class, 10 % of recorders fail once (``RecorderBusy``) and are
retried by the Task's Retry.  The clock then runs to the end of the week.

Usage::

    .venv/bin/python benchmarks/simulate.py                          # 100,000, full history
    .venv/bin/python benchmarks/simulate.py -n 1000000 --history none
    .venv/bin/python benchmarks/simulate.py -n 20000 --chunks 10     # the per-10k slope

Prints wall and CPU time, peak RSS, events/s, and the slope: the CPU time of each tenth of
the executions (by end time) per 10,000 executions, which stays flat when the cost of an
execution does not grow with the number already run.  Nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

import aslrun
from aslrun.runtime.clock import format_iso

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples"))
from classroom_handlers import HANDLERS  # noqa: E402

WEEK_START = 1796083200.0  # 2026-12-01T00:00:00Z
WEEK = 7 * 86400
CLASS_SECONDS = 3600


class RecorderBusy(Exception):
    """A recorder that fails once; the Task's Retry tries again 30 s later."""


def classroom_definition() -> str:
    """The example machine with a Retry on StartRecording (recorders fail and are retried)."""
    definition = json.loads((ROOT / "examples" / "classroom.asl.json").read_text())
    definition["States"]["StartRecording"]["Retry"] = [
        {"ErrorEquals": ["RecorderBusy"], "IntervalSeconds": 30, "MaxAttempts": 2}
    ]
    return json.dumps(definition)


def build(n: int, seed: int, history: str) -> tuple[aslrun.StepFunctions, dict[str, int]]:
    """A service with ``n`` classes scheduled across the week (nothing run yet)."""
    rng = random.Random(seed)
    failing: set[str] = set()
    counts = {"started": 0, "ended": 0, "events": 0, "stopped": 0, "retried": 0}

    def start_recorder(event: Any, context: Any) -> Any:
        if context.execution_arn in failing:
            failing.discard(context.execution_arn)
            counts["retried"] += 1
            raise RecorderBusy("the recorder is busy")
        return HANDLERS["StartRecorder"](event, context)

    handlers = {**HANDLERS, "StartRecorder": start_recorder}
    clock = aslrun.VirtualClock(start=WEEK_START - 86400)
    sfn = aslrun.StepFunctions(clock=clock, handlers=handlers, seed=seed, history=history)
    arn = sfn.create_state_machine(name="classroom", definition=classroom_definition())[
        "stateMachineArn"
    ]

    def ended(execution: Any) -> None:
        counts["ended"] += 1
        counts["events"] += len(execution.events)

    def create(index: int, begins: float, fails: bool, cancel_after: float | None) -> None:
        text = json.dumps({"start": format_iso(begins), "end": format_iso(begins + CLASS_SECONDS)})
        started = sfn.start_execution(stateMachineArn=arn, name=f"class-{index}", input=text)
        execution_arn = started["executionArn"]
        counts["started"] += 1
        sfn.execution(execution_arn).add_done_callback(ended)
        if fails:
            failing.add(execution_arn)
        if cancel_after is not None:
            sfn.at(begins + cancel_after, lambda: _cancel(sfn, execution_arn, counts))

    for index in range(n):
        begins = WEEK_START + rng.random() * WEEK
        created = begins - rng.random() * 86400  # the class is created up to a day before
        fails = rng.random() < 0.10
        cancel_after = rng.random() * CLASS_SECONDS if rng.random() < 0.05 else None
        sfn.at(created, lambda i=index, b=begins, f=fails, c=cancel_after: create(i, b, f, c))
    return sfn, counts


def _cancel(sfn: aslrun.StepFunctions, arn: str, counts: dict[str, int]) -> None:
    sfn.stop_execution(executionArn=arn, error="ClassCancelled", cause="cancelled")
    counts["stopped"] += 1


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--executions", type=int, default=100_000)
    parser.add_argument("--history", choices=("full", "summary", "none"), default="full")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chunks", type=int, default=10, help="slope: measured in this many parts")
    args = parser.parse_args(argv)
    n = args.executions

    wall0, cpu0 = time.perf_counter(), time.process_time()
    sfn, counts = build(n, args.seed, args.history)
    setup_wall = time.perf_counter() - wall0

    # Run in slices of simulated time, noting CPU time and executions ended per slice.
    marks: list[tuple[int, float]] = [(0, time.process_time())]
    end = WEEK_START + WEEK + 2 * CLASS_SECONDS
    begin = sfn.clock.now()
    slices = 200
    for k in range(1, slices + 1):
        sfn.run_until(begin + (end - begin) * k / slices)
        marks.append((counts["ended"], time.process_time()))
    sfn.run()
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0

    print(f"executions: {n:,} ({args.history} history), seed {args.seed}")
    print(
        f"  started {counts['started']:,}, ended {counts['ended']:,}, "
        f"stopped {counts['stopped']:,}, recorder retries {counts['retried']:,}"
    )
    print(f"  wall {wall:.2f} s (setup {setup_wall:.2f} s), CPU {cpu:.2f} s")
    print(f"  peak RSS {peak_rss_mib():.0f} MiB")
    print(f"  events {counts['events']:,}: {counts['events'] / wall:,.0f} events/s (wall)")
    print(f"  {n / wall:,.0f} executions/s (wall), {cpu / n * 1e6:.1f} us CPU per execution")
    print("  slope (CPU s per 10,000 executions, by tenth of the run):")
    print("    " + " ".join(f"{x:.2f}" for x in _slope(marks, n, args.chunks)))


def _slope(marks: list[tuple[int, float]], n: int, chunks: int) -> list[float]:
    """CPU seconds per 10,000 ended executions in each of ``chunks`` equal parts."""
    out: list[float] = []
    step = n / chunks
    j = 0
    start_count, start_cpu = marks[0]
    for c in range(1, chunks + 1):
        target = step * c
        while j < len(marks) - 1 and marks[j][0] < target:
            j += 1
        count, cpu = marks[j]
        if count > start_count:
            out.append((cpu - start_cpu) / (count - start_count) * 10_000)
        start_count, start_cpu = count, cpu
    return out


if __name__ == "__main__":
    main()
