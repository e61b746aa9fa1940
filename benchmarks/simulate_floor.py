"""The floor under benchmarks/simulate.py: the same week of classes as a bare Python loop.

No engine at all: one heap, one generator per execution written out by hand for the
classroom machine, events kept as tuples.  It does only the work any faithful local run of
that machine must do per execution -- parse the input, parse the two timestamps, give each
handler its own copy of its input and a context, take the handler's result through JSON
(as the Lambda service marshals it), record the 23 events, schedule three wake-ups -- and
the same handlers, schedule, retries and cancellations as simulate.py.  What it costs per
execution on a machine is the least any pure-Python simulator can spend there, so it tells
how far aslrun is from the floor, and whether a target is reachable on that machine at all.

Usage::

    .venv/bin/python benchmarks/simulate_floor.py              # 100,000 executions
    .venv/bin/python benchmarks/simulate_floor.py -n 20000

Prints CPU and wall time per execution.  Nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import json
import random
import re
import sys
import time
from collections.abc import Callable, Generator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples"))
from classroom_handlers import HANDLERS  # noqa: E402

WEEK_START = 1796083200.0  # 2026-12-01T00:00:00Z, as in simulate.py
WEEK = 7 * 86400
CLASS_SECONDS = 3600
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_EPOCH_ORDINAL = datetime(1970, 1, 1).toordinal()
_TIMESTAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z")
_encode = json.JSONEncoder(separators=(",", ":")).encode


class Busy(Exception):
    """A recorder that fails once (retried 30 s later)."""


class Context:
    """The least of Lambda's context a handler here reads."""

    __slots__ = ("aws_request_id", "execution_arn", "started")

    def __init__(self, started: float, arn: str, request_id: str) -> None:
        self.started = started
        self.execution_arn = arn
        self.aws_request_id = request_id

    def now(self) -> datetime:
        return _EPOCH + timedelta(milliseconds=round(self.started * 1000))


def epoch(text: str) -> float:
    m = _TIMESTAMP.fullmatch(text)
    assert m is not None
    day = datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6]))
    days = day.toordinal() - _EPOCH_ORDINAL
    return float(days * 86400 + day.hour * 3600 + day.minute * 60 + day.second)


def copy(value: Any) -> Any:
    if type(value) is dict:
        return {k: copy(v) for k, v in value.items()}
    if type(value) is list:
        return [copy(v) for v in value]
    return value


class Sim:
    def __init__(self) -> None:
        self.heap: list[tuple[float, int, Callable[[], None]]] = []
        self.seq = itertools.count()
        self.now = 0.0
        self.failing: set[str] = set()
        self.events = 0

    def at(self, when: float, action: Callable[[], None]) -> None:
        heapq.heappush(self.heap, (when, next(self.seq), action))

    def call(self, ex: Execution, name: str, data: Any) -> Any:
        """One Task attempt: the handler's result, or its exception."""
        now = self.now
        ev = ex.events
        ev.append((now, "LambdaFunctionScheduled", data))
        ev.append((now, "LambdaFunctionStarted", None))
        request_id = f"{ex.rng.getrandbits(128):032x}"
        if name == "StartRecorder" and ex.arn in self.failing:
            self.failing.discard(ex.arn)
            ev.append((now, "LambdaFunctionFailed", "Busy"))
            raise Busy
        raw = HANDLERS[name](copy(data), Context(now, ex.arn, request_id))
        result = json.loads(_encode(raw))
        ev.append((now, "LambdaFunctionSucceeded", result))
        return result

    def machine(self, ex: Execution, data: Any) -> Generator[float, None, Any]:
        ev = ex.events
        ev.append((self.now, "WaitStateEntered", data))
        yield epoch(data["start"])
        ev.append((self.now, "WaitStateExited", data))
        ev.append((self.now, "TaskStateEntered", data))
        while True:
            try:
                result = self.call(ex, "StartRecorder", data)
                break
            except Busy:
                yield self.now + 30
        data = {**data, "recording": result}
        ev.append((self.now, "TaskStateExited", data))
        ev.append((self.now, "WaitStateEntered", data))
        yield self.now + 60
        ev.append((self.now, "WaitStateExited", data))
        ev.append((self.now, "TaskStateEntered", data))
        data = {**data, "livePing": self.call(ex, "SendLivePing", data)}
        ev.append((self.now, "TaskStateExited", data))
        ev.append((self.now, "WaitStateEntered", data))
        yield epoch(data["end"])
        ev.append((self.now, "WaitStateExited", data))
        ev.append((self.now, "TaskStateEntered", data))
        data = {**data, "stopped": self.call(ex, "StopRecorder", data)}
        ev.append((self.now, "TaskStateExited", data))
        return data

    def resume(self, ex: Execution) -> None:
        if ex.done:
            return
        try:
            when = ex.gen.send(None)
        except StopIteration as stop:
            ex.done = True
            ex.events.append((self.now, "ExecutionSucceeded", stop.value))
            self.events += len(ex.events)
            return
        self.at(when, lambda: self.resume(ex))

    def start(self, index: int, text: str, fails: bool) -> Execution:
        arn = f"arn:aws:states:us-east-1:123456789012:execution:classroom:class-{index}"
        data = json.loads(text)
        ex = Execution(arn, [(self.now, "ExecutionStarted", data)], random.Random(index))
        ex.gen = self.machine(ex, data)
        if fails:
            self.failing.add(arn)
        self.at(self.now, lambda: self.resume(ex))
        return ex

    def stop(self, ex: Execution) -> None:
        if not ex.done:
            ex.done = True
            ex.gen.close()
            ex.events.append((self.now, "ExecutionAborted", None))
            self.events += len(ex.events)


class Execution:
    __slots__ = ("arn", "done", "events", "gen", "rng")

    def __init__(self, arn: str, events: list[tuple[float, str, Any]], rng: random.Random) -> None:
        self.arn = arn
        self.events = events
        self.rng = rng
        self.done = False
        self.gen: Generator[float, None, Any]


def _iso(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".000Z"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--executions", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    n = args.executions
    rng = random.Random(args.seed)
    sim = Sim()
    kept: list[Execution] = []
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for index in range(n):
        begins = WEEK_START + rng.random() * WEEK
        created = begins - rng.random() * 86400
        fails = rng.random() < 0.10
        cancel_after = rng.random() * CLASS_SECONDS if rng.random() < 0.05 else None

        def create(
            i: int = index, b: float = begins, f: bool = fails, c: Any = cancel_after
        ) -> None:
            text = json.dumps({"start": _iso(b), "end": _iso(b + CLASS_SECONDS)})
            ex = sim.start(i, text, f)
            kept.append(ex)
            if c is not None:
                sim.at(b + c, lambda: sim.stop(ex))

        sim.at(created, create)
    heap = sim.heap
    while heap:
        when, _, action = heapq.heappop(heap)
        sim.now = max(sim.now, when)
        action()
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0
    print(f"floor: {n:,} executions, {sim.events:,} events kept")
    print(f"  wall {wall:.2f} s, CPU {cpu:.2f} s: {cpu / n * 1e6:.1f} us CPU per execution")


if __name__ == "__main__":
    main()
