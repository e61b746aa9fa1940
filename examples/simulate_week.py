"""A week of recorded classes, simulated in seconds on one ``aslrun.StepFunctions`` service.

A school creates classes through the week; each class starts an execution of the classroom
workflow (examples/classroom.asl.json: wait for the class, start the recorder, ping the live
stream, stop the recorder at the end).  Some classes are cancelled while they run
(``stop_execution``), and some recorders are busy the first time and succeed when the Task's
Retry tries again.  The simulated clock jumps from one due event to the next, so the week
takes seconds.

    make simulate                                    # installs aslrun[simulate] into .venv
    .venv/bin/python examples/simulate_week.py --classes 20000 --plot week.png

Needs the ``simulate`` extra (``pip install 'aslrun[simulate]'``): rich draws the progress
bar and the summary table, matplotlib the plot of concurrent recordings.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import aslrun

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from classroom_handlers import HANDLERS  # noqa: E402

try:
    import matplotlib
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.table import Table
except ImportError:  # the optional extra is missing: say how to get it
    sys.exit("examples/simulate_week.py needs the simulate extra: pip install 'aslrun[simulate]'")

matplotlib.use("Agg")  # write files; no display needed
from matplotlib import pyplot as plt  # noqa: E402

MONDAY = datetime(2026, 11, 30, tzinfo=timezone.utc)
CLASS = timedelta(hours=1)


class RecorderBusy(Exception):
    """The recorder is in use; StartRecording's Retry tries again 30 seconds later."""


class School:
    """The week's workload and what it observed (recorders running over time)."""

    def __init__(self, classes: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.classes = classes
        self.busy_once: set[str] = set()
        self.recording: set[str] = set()
        self.concurrency: list[tuple[datetime, int]] = [(MONDAY, 0)]
        self.retries = 0
        self.sfn = aslrun.StepFunctions(
            clock=aslrun.VirtualClock(start=MONDAY - timedelta(days=1)),
            handlers={
                **HANDLERS,
                "StartRecorder": self.start_recorder,
                "StopRecorder": self.stop_recorder,
            },
            seed=seed,
        )
        definition = json.loads((HERE / "classroom.asl.json").read_text())
        definition["States"]["StartRecording"]["Retry"] = [
            {"ErrorEquals": ["RecorderBusy"], "IntervalSeconds": 30, "MaxAttempts": 2}
        ]
        self.machine = self.sfn.create_state_machine(
            name="classroom", definition=json.dumps(definition)
        )["stateMachineArn"]

    # -- the recorders (Lambda handlers) ------------------------------------------------------

    def start_recorder(self, event: Any, context: Any) -> Any:
        arn = context.execution_arn
        if arn in self.busy_once:
            self.busy_once.discard(arn)
            self.retries += 1
            raise RecorderBusy("recorder busy")
        self._recording(arn, True)
        return HANDLERS["StartRecorder"](event, context)

    def stop_recorder(self, event: Any, context: Any) -> Any:
        self._recording(context.execution_arn, False)
        return HANDLERS["StopRecorder"](event, context)

    def _recording(self, arn: str, on: bool) -> None:
        if on:
            self.recording.add(arn)
        else:
            self.recording.discard(arn)
        self.concurrency.append((self.sfn.now(), len(self.recording)))

    # -- the school's week --------------------------------------------------------------------

    def plan(self) -> None:
        """Schedule every class's creation (and some cancellations) on the simulated clock."""
        for number in range(self.classes):
            begins = MONDAY + timedelta(days=self.rng.randrange(5), hours=self.rng.uniform(8, 17))
            created = begins - timedelta(hours=self.rng.uniform(1, 24))
            busy = self.rng.random() < 0.10
            cancel_at = begins + CLASS * self.rng.random() if self.rng.random() < 0.05 else None
            self.sfn.at(
                created, lambda n=number, b=begins, x=busy, c=cancel_at: self.create(n, b, x, c)
            )

    def create(self, number: int, begins: datetime, busy: bool, cancel_at: datetime | None) -> None:
        text = json.dumps({"start": _iso(begins), "end": _iso(begins + CLASS)})
        arn = self.sfn.start_execution(
            stateMachineArn=self.machine, name=f"class-{number:05d}", input=text
        )["executionArn"]
        if busy:
            self.busy_once.add(arn)
        if cancel_at is not None:
            self.sfn.at(cancel_at, lambda: self.cancel(arn))

    def cancel(self, arn: str) -> None:
        self.sfn.stop_execution(executionArn=arn, error="ClassCancelled", cause="cancelled")
        if arn in self.recording:
            self._recording(arn, False)


def run_week(school: School, console: Console) -> float:
    """Run the clock hour by hour through the week, with a progress bar; wall seconds."""
    hours = 7 * 24
    started = time.perf_counter()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("simulating the week (hours)", total=hours)
        for hour in range(1, hours + 1):
            school.sfn.run_until(MONDAY + timedelta(hours=hour))
            progress.update(task, completed=hour)
    school.sfn.run()
    return time.perf_counter() - started


def summary(school: School, wall: float) -> Table:
    sfn = school.sfn
    statuses: Counter[str] = Counter()
    events = 0
    token = None
    while True:
        page = sfn.list_executions(
            stateMachineArn=school.machine,
            maxResults=1000,
            **({"nextToken": token} if token else {}),
        )
        for item in page["executions"]:
            statuses[item["status"]] += 1
            events += len(sfn.execution(item["executionArn"]).events)
        token = page.get("nextToken")
        if token is None:
            break
    table = Table(title=f"A simulated week: {school.classes:,} classes")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for status in ("SUCCEEDED", "ABORTED", "FAILED", "TIMED_OUT", "RUNNING"):
        table.add_row(f"executions {status}", f"{statuses[status]:,}")
    table.add_row("recorders busy, then retried", f"{school.retries:,}")
    table.add_row("most recordings at once", f"{max(n for _, n in school.concurrency):,}")
    table.add_row("history events", f"{events:,}")
    table.add_row("simulated time", f"{sfn.now() - (MONDAY - timedelta(days=1))}")
    table.add_row("wall time", f"{wall:.2f} s")
    return table


def plot(school: School, path: Path) -> None:
    """A step plot of the recordings running at each moment of the week."""
    times = [t for t, _ in school.concurrency]
    counts = [n for _, n in school.concurrency]
    fig, ax = plt.subplots(figsize=(11, 4))
    ax.step(times, counts, where="post", linewidth=0.8)
    ax.set_title("Concurrent recordings over the simulated week")
    ax.set_ylabel("recordings running")
    ax.set_xlim(MONDAY, MONDAY + timedelta(days=7))
    ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%a %d %b"))
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Simulate a week of recorded classes.")
    parser.add_argument("--classes", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--plot", type=Path, default=Path("concurrent_recordings.png"))
    args = parser.parse_args(argv)
    console = Console()
    school = School(args.classes, args.seed)
    school.plan()
    wall = run_week(school, console)
    console.print(summary(school, wall))
    plot(school, args.plot)
    console.print(f"plot of concurrent recordings: {args.plot}")


if __name__ == "__main__":
    main()
