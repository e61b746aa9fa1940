"""Instructions per run of a workload, counted by valgrind: a measure that a busy machine
does not disturb.

On a shared machine wall-clock and even CPU-time figures move by 10-30 % from one run to the
next with the neighbours' load; the number of instructions the interpreter executes does not.
Each workload is run twice under ``valgrind --tool=callgrind`` (about fifty times slower than
normal), once with ``REPS`` runs and once with one, and the difference divided by ``REPS - 1``
is printed: the cost of one run, without the interpreter's start-up and the imports.
``--against DIR`` counts another checkout (its ``src``) the same way, for a before/after.

Usage::

    .venv/bin/python benchmarks/instructions.py                      # W1 W2 W3 sim
    .venv/bin/python benchmarks/instructions.py --only W1,W3 --against ../old-checkout

Workloads: W1 (one run of 1,000 Pass states), W2 (one run of the 5-state machine, loaded
once), W3 (one Map over 1,000 items), sim (one classroom execution of benchmarks/simulate.py,
its run phase: start_execution to the end).  Needs valgrind.  Nothing here asserts a figure.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPS = {"W1": 6, "W2": 200, "W3": 4, "sim": 500}

_WORKLOAD = r"""
import json, sys
from pathlib import Path
import aslrun
W = Path(sys.argv[3])
which, reps = sys.argv[1], int(sys.argv[2])
def clock():
    return aslrun.VirtualClock(start=1_795_000_000.0)
if which == "W1":
    sm = aslrun.load(str(W / "w1_pass_chain.json"))
    data = json.loads((W / "w1_input.json").read_text())
    for _ in range(reps):
        sm.run(data, clock=clock())
elif which == "W2":
    sm = aslrun.load(str(W / "w2_five_states.json"))
    for i in range(reps):
        sm.run({"x": i % 20}, clock=clock())
elif which == "W3":
    sm = aslrun.load(str(W / "w3_map.json"))
    data = json.loads((W / "w3_input.json").read_text())
    for _ in range(reps):
        sm.run(data, clock=clock())
else:
    sys.path.insert(0, str(W.parent))
    import simulate
    service, _ = simulate.build(reps, 1, "full")
    service.run()
"""


def count(src: Path, which: str, reps: int) -> int:
    """Instructions of the workload process (callgrind's total)."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        "-c",
        _WORKLOAD,
        which,
        str(reps),
        str(HERE / "workloads"),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"no count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def per_run(src: Path, which: str) -> float:
    """Instructions of one run: (REPS runs - 1 run) / (REPS - 1)."""
    reps = REPS[which]
    return (count(src, which, reps) - count(src, which, 1)) / (reps - 1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="W1,W2,W3,sim", help="comma-separated workloads")
    parser.add_argument("--against", type=Path, help="another checkout to count the same way")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt install valgrind)")
    here = HERE.parent / "src"
    for which in args.only.split(","):
        mine = per_run(here, which)
        line = f"{which}: {mine / 1e6:,.2f} M instructions per run"
        if args.against is not None:
            try:
                theirs = per_run(args.against.resolve() / "src", which)
            except subprocess.CalledProcessError:  # e.g. a checkout without StepFunctions
                line += f"; {args.against}: cannot run it"
            else:
                change = (mine / theirs - 1) * 100
                line += f"; {args.against}: {theirs / 1e6:,.2f} M ({change:+.1f} %)"
        print(line, flush=True)


if __name__ == "__main__":
    main()
