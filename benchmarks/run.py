"""aslrun benchmarks: workloads W1-W4 of ../shared/bench (copied into benchmarks/workloads).

Usage::

    .venv/bin/python benchmarks/run.py                # every workload, full repeats
    .venv/bin/python benchmarks/run.py --quick        # fewer repeats, 10k throughput sample
    .venv/bin/python benchmarks/run.py --only W1,W3   # some workloads (W2 = W2i and W2r)
    .venv/bin/python benchmarks/run.py --profile      # also cProfile W1 and W2-reuse

Prints figures only; nothing here asserts a timing.  Each workload is one function returning a
``Figure``; the memory figures are measured in fresh child processes (this script re-invoked
with ``--memory-child``) so that one workload's high-water mark cannot leak into another's.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import json
import os
import platform
import pstats
import resource
import shlex
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aslrun

HERE = Path(__file__).resolve().parent
WORKLOADS = HERE / "workloads"
EPOCH = 1_795_000_000.0  # 2026-11-19T08:26:40Z: a fixed virtual start (float: no parsing)
W4_FUNCTIONS = ("StartRecording", "SendLivePing", "StopRecording")


@dataclass(frozen=True)
class Options:
    repeats: int
    quick: bool
    throughput_runs: int


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str
    samples: list[float]
    note: str = ""
    higher_is_better: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


# -- helpers ----------------------------------------------------------------------------------


def _read_json(name: str) -> Any:
    return json.loads((WORKLOADS / name).read_text())


def _clock() -> aslrun.VirtualClock:
    return aslrun.VirtualClock(start=EPOCH)


def _entered(execution: aslrun.Execution) -> int:
    """States entered by an execution (its ``*StateEntered`` events)."""
    return sum(1 for e in execution.events.events if e.type.endswith("StateEntered"))


def _check(execution: aslrun.Execution, what: str) -> None:
    if execution.status != "SUCCEEDED":
        raise RuntimeError(f"{what}: {execution.status} {execution.error}: {execution.cause}")


def _timed(fn: Callable[[], object]) -> float:
    gc.collect()
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _w4_input(now: dt.datetime) -> dict[str, str]:
    start = now + dt.timedelta(days=1)
    end = start + dt.timedelta(hours=1)
    return {
        "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _w4_handlers() -> dict[str, Callable[[Any, Any], Any]]:
    def make(name: str) -> Callable[[Any, Any], Any]:
        def handler(event: Any, ctx: Any) -> Any:
            return {"ok": name}

        return handler

    return {name: make(name) for name in W4_FUNCTIONS}


# -- workloads --------------------------------------------------------------------------------


def bench_w1(opts: Options) -> Figure:
    sm = aslrun.load(WORKLOADS / "w1_pass_chain.json")
    data = _read_json("w1_input.json")
    first = sm.run(data, clock=_clock())  # warm-up; also counts the transitions
    _check(first, "W1")
    entered = _entered(first)
    samples = [
        entered / _timed(lambda: sm.run(data, clock=_clock())) for _ in range(opts.repeats * 3)
    ]
    return Figure(
        "W1",
        "W1: one execution of 1,000 Pass states",
        "transitions/s",
        samples,
        note=f"{entered} states entered per run; load excluded; 3N runs",
    )


def bench_w2_isolated(opts: Options) -> Figure:
    text = (WORKLOADS / "w2_five_states.json").read_text()

    def batch() -> None:
        for i in range(1000):
            aslrun.load(text).run({"x": i % 20}, clock=_clock())

    _check(aslrun.load(text).run({"x": 3}, clock=_clock()), "W2")
    samples = [1000 / _timed(batch) for _ in range(opts.repeats)]
    return Figure(
        "W2i",
        "W2 isolated: load(JSON text) + validate + run, x1,000",
        "exec/s",
        samples,
        note="x alternates 0..19: both Choice branches",
    )


def bench_w2_reuse(opts: Options) -> Figure:
    sm = aslrun.load(WORKLOADS / "w2_five_states.json")

    def batch() -> None:
        for i in range(1000):
            sm.run({"x": i % 20}, clock=_clock())

    _check(sm.run({"x": 3}, clock=_clock()), "W2 reuse")
    samples = [1000 / _timed(batch) for _ in range(opts.repeats)]
    return Figure("W2r", "W2 reuse: one loaded machine, 1,000 runs", "exec/s", samples)


def bench_w3(opts: Options) -> Figure:
    sm = aslrun.load(WORKLOADS / "w3_map.json")
    data = _read_json("w3_input.json")
    ex = sm.run(data, clock=_clock())
    _check(ex, "W3")
    if len(ex.output) != 1000:
        raise RuntimeError(f"W3: {len(ex.output)} results")
    samples = [_timed(lambda: sm.run(data, clock=_clock())) for _ in range(opts.repeats)]
    return Figure(
        "W3",
        "W3: Map over 1,000 items",
        "s",
        samples,
        higher_is_better=False,
        note="run only (load excluded)",
    )


def bench_w4(opts: Options) -> Figure:
    handlers = _w4_handlers()
    path = WORKLOADS / "w4_classroom.json"

    def once() -> None:
        now = dt.datetime.now(dt.timezone.utc)
        ex = aslrun.load(path).run(
            _w4_input(now), handlers=handlers, clock=aslrun.VirtualClock(start=now)
        )
        _check(ex, "W4")

    once()
    samples = [_timed(once) for _ in range(opts.repeats)]
    return Figure(
        "W4",
        "W4: classroom, start = now + 1 day (end +1 h)",
        "s",
        samples,
        higher_is_better=False,
        note="load + run; 25 simulated hours; 3 Python handlers",
    )


def bench_process(opts: Options) -> Figure:
    hello = str(WORKLOADS / "hello.json")
    code = (
        "import aslrun; ex = aslrun.load(" + repr(hello) + ").run({}); "
        "assert ex.status == 'SUCCEEDED', ex.status"
    )

    def spawn(src: str) -> float:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", src], check=True)
        return time.perf_counter() - t0

    spawn(code)  # warm the OS file cache and .pyc files
    samples = [spawn(code) for _ in range(opts.repeats)]
    bare = statistics.median(spawn("pass") for _ in range(opts.repeats))
    return Figure(
        "proc",
        "whole process: python -c 'import aslrun; load+run 1 state'",
        "s",
        samples,
        higher_is_better=False,
        note=f"bare `python -c pass` = {bare:.3f} s",
    )


def bench_throughput(opts: Options) -> Figure:
    sm = aslrun.load(WORKLOADS / "throughput_wait_pass.json")
    _check(sm.run({"i": 0}, clock=_clock()), "throughput")
    n = opts.throughput_runs

    def batch() -> None:
        for i in range(n):
            sm.run({"i": i}, clock=_clock())

    elapsed = _timed(batch)
    rate = n / elapsed
    how = "measured" if n == 100_000 else f"{n:,} sampled, extrapolated"
    return Figure(
        "tput",
        "100,000 simulated executions (Wait 1 h + Pass), one core",
        "s",
        [100_000 / rate],
        higher_is_better=False,
        note=f"{how}; {rate:,.0f} exec/s; {100_000:,} simulated hours; N=1",
    )


# -- memory (child processes) -----------------------------------------------------------------


def _rss_now() -> int:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return _rss_peak()
    return pages * os.sysconf("SC_PAGE_SIZE")


def _rss_peak() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def _memory_child(what: str, mode: str) -> dict[str, float]:
    """Run one memory workload in this (fresh) process; ``mode`` is ``rss`` or ``trace``."""
    if what == "w3":
        sm = aslrun.load(WORKLOADS / "w3_map.json")
        data = _read_json("w3_input.json")

        def work() -> object:
            return sm.run(data, clock=_clock())
    else:
        sm = aslrun.load(WORKLOADS / "w2_five_states.json")

        def work() -> object:
            return [sm.run({"x": i % 20}, clock=_clock()) for i in range(10_000)]

    gc.collect()
    if mode == "rss":
        base = _rss_now()
        kept = work()
        out = {"peak_rss": _rss_peak(), "base_rss": base}
        del kept
        return out
    tracemalloc.start()
    kept = work()
    current, peak = tracemalloc.get_traced_memory()
    gc.collect()
    retained, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del kept
    return {"trace_peak": peak, "trace_current": current, "trace_retained": retained}


def _run_child(what: str, mode: str) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--memory-child", f"{what}:{mode}"],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(proc.stdout)
    return result


def bench_memory(opts: Options) -> list[str]:
    lines = []
    mib = 1024 * 1024
    for what, label in (
        ("w3", "W3 (Map over 1,000 items), one run"),
        ("hold", "10,000 finished W2 executions held in a list"),
    ):
        rss = _run_child(what, "rss")
        trace = _run_child(what, "trace")
        line = (
            f"{label}: peak RSS {rss['peak_rss'] / mib:.1f} MiB "
            f"(+{(rss['peak_rss'] - rss['base_rss']) / mib:.1f} MiB over the loaded process); "
            f"tracemalloc peak {trace['trace_peak'] / mib:.1f} MiB"
        )
        if what == "hold":
            per = trace["trace_retained"] / 10_000
            line += (
                f", retained {trace['trace_retained'] / mib:.1f} MiB = {per / 1024:.1f} KiB each"
            )
        lines.append(line)
    return lines


# -- profiling --------------------------------------------------------------------------------


def profile_workloads(top: int = 15) -> str:
    out = io.StringIO()
    w1 = aslrun.load(WORKLOADS / "w1_pass_chain.json")
    w1_input = _read_json("w1_input.json")
    w2 = aslrun.load(WORKLOADS / "w2_five_states.json")
    w1.run(w1_input, clock=_clock())

    def run_w1() -> None:
        for _ in range(20):
            w1.run(w1_input, clock=_clock())

    def run_w2() -> None:
        for i in range(1000):
            w2.run({"x": i % 20}, clock=_clock())

    for title, fn in (
        ("W1 x20 (20,000 Pass states)", run_w1),
        ("W2 reuse x1,000 (5,000 states)", run_w2),
    ):
        prof = cProfile.Profile()
        prof.enable()
        fn()
        prof.disable()
        out.write(f"\n== cProfile: {title}, top {top} by tottime\n")
        stats = pstats.Stats(prof, stream=out)
        stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


# -- driver -----------------------------------------------------------------------------------


def _fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.4f}" if value < 1 else f"{value:.2f}"
    return f"{value:,.0f}"


def _table(figures: list[Figure]) -> str:
    rows = [("workload", "median", "unit", "min", "max", "N", "notes")]
    for f in figures:
        rows.append(
            (
                f.label,
                _fmt(f.median, f.unit),
                f.unit,
                _fmt(min(f.samples), f.unit),
                _fmt(max(f.samples), f.unit),
                str(len(f.samples)),
                f.note,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, r in enumerate(rows):
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
        if n == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def _benches() -> dict[str, Callable[[Options], Figure]]:
    return {
        "W1": bench_w1,
        "W2i": bench_w2_isolated,
        "W2r": bench_w2_reuse,
        "W3": bench_w3,
        "W4": bench_w4,
        "proc": bench_process,
        "tput": bench_throughput,
    }


def _select(only: str | None) -> tuple[list[str], bool]:
    """The benchmark keys chosen by ``--only`` and whether memory is included."""
    benches = _benches()
    if not only:
        return list(benches), True
    wanted = {w.strip().lower() for w in only.split(",") if w.strip()}
    keys = [k for k in benches if k.lower() in wanted or (k.startswith("W2") and "w2" in wanted)]
    unknown = wanted - {k.lower() for k in benches} - {"w2", "mem"}
    if unknown:
        raise SystemExit(
            f"unknown workload(s): {', '.join(sorted(unknown))}; "
            f"choose from {', '.join(benches)}, W2, mem"
        )
    return keys, "mem" in wanted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="3 repeats instead of 7; throughput from a 10,000-run sample",
    )
    parser.add_argument("--only", help="comma-separated: W1,W2,W2i,W2r,W3,W4,proc,tput,mem")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also print cProfile top 15 (tottime) for W1 and W2 reuse",
    )
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.memory_child:
        what, mode = args.memory_child.split(":")
        print(json.dumps(_memory_child(what, mode)))
        return 0

    opts = Options(
        repeats=3 if args.quick else 7,
        quick=args.quick,
        throughput_runs=10_000 if args.quick else 100_000,
    )
    keys, memory = _select(args.only)
    command = shlex.join([os.path.relpath(sys.executable), *sys.argv])
    print(f"aslrun benchmarks: {command}")
    print(
        f"Python {platform.python_version()} ({platform.python_implementation()}) on "
        f"{platform.platform()}, {platform.machine()}, {os.cpu_count()} CPUs; "
        f"N = {opts.repeats} repeats (median shown)\n",
        flush=True,
    )

    benches = _benches()
    figures: list[Figure] = []
    for key in keys:
        figures.append(benches[key](opts))
        print(
            f"  {key}: {_fmt(figures[-1].median, figures[-1].unit)} {figures[-1].unit}",
            file=sys.stderr,
            flush=True,
        )
    if figures:
        print(_table(figures))
    if memory:
        print("\nmemory (fresh child process each):")
        for line in bench_memory(opts):
            print(f"  {line}")
    if args.profile:
        print(profile_workloads())
    return 0


if __name__ == "__main__":
    sys.exit(main())
