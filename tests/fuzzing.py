"""The fuzz harness for issue 9: generators, the one property, and the long runner.

The property: for any definition and input, ``validate``, ``load``, ``run`` and rendering the
history and timeline end, within a time bound, in one of

- ``ok``: loaded and the execution SUCCEEDED (or validation listed problems),
- ``located``: an aslrun error (``AslrunError``: LoadError, DefinitionError,
  InvalidExecutionInput ...) whose message says what and where,
- ``terminal``: the execution ended FAILED, TIMED_OUT or ABORTED (or waits for a callback
  with nothing scheduled),

and never in ``crash`` (any other exception) or ``hang`` (past the per-case bound).

Cases are drawn from a ``random.Random`` seeded by ``(seed, index)``, so any case replays from
its two numbers.  The generators mutate real definitions (``examples/*.asl.json`` and the valid
samples under ``tests/samples``): structure, types, numbers, strings, nesting; and write
expressions (JSONata, intrinsics, JSONPath, StringMatches patterns, timestamps) into states.

The long run (``make fuzz``)::

    .venv/bin/python tests/fuzzing.py --seconds 600 --seed 12345
    .venv/bin/python tests/fuzzing.py --seed 12345 --case 817     # replay one case

Hangs are caught by ``signal.alarm`` here, in the harness: nothing in ``src/`` changes.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import signal
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT / "src"))

import aslrun  # noqa: E402
from aslrun._json import deep_copy  # noqa: E402
from aslrun.cli import timeline  # noqa: E402

OUTCOMES = ("ok", "located", "terminal", "crash", "hang")
START = "2026-01-01T00:00:00Z"


# ----------------------------------------------------------------------------------------------
# The corpus: real definitions


def corpus() -> list[dict[str, Any]]:
    """The definitions mutations start from: the examples and the valid samples."""
    found: list[dict[str, Any]] = []
    paths = sorted((ROOT / "examples").glob("*.asl.json"))
    paths += sorted((ROOT / "tests" / "samples" / "valid").glob("*.asl.json"))
    for path in paths:
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(value, dict) and "States" in value:
            found.append(value)
    found.append(
        {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"a": 1}, "End": True}}}
    )
    return found


@functools.cache
def _corpus() -> list[dict[str, Any]]:
    return corpus()


# ----------------------------------------------------------------------------------------------
# Expression generators (each takes the case's Random)

_JSONATA_ATOMS = [
    "1", "0", "-1", "1e308", "1e308*10", "0/0", "'a'", '"x"', "true", "null", "[]", "{}",
    "$states.input", "$states.input.a", "$states.context", "$x", "$", "$$", "[1..5]",
    "[1..100000]", "$now()", "$uuid()", "$random()", "'2026-01-01T00:00:00Z'", "$states.input.*",
    "$states.input.**", "/a+/", "/(a*)*b/", "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'",
]  # fmt: skip
_JSONATA_FUNCS = [
    "$sum", "$string", "$number", "$length", "$pad", "$match", "$replace", "$split", "$join",
    "$keys", "$merge", "$count", "$parse", "$range", "$partition", "$hash", "$substring",
    "$formatNumber", "$toMillis", "$fromMillis", "$map", "$reduce", "$sort", "$eval", "$f",
]  # fmt: skip
_JSONATA_OPS = ["+", "-", "*", "/", "%", "&", "=", "!=", "<", "and", "or", "in", "~>", ".", ".."]


def jsonata_expression(rng: random.Random, depth: int = 0) -> str:
    roll = rng.random()
    if depth > 3 or roll < 0.3:
        return rng.choice(_JSONATA_ATOMS)
    if roll < 0.55:
        args = ", ".join(jsonata_expression(rng, depth + 1) for _ in range(rng.randint(0, 3)))
        return f"{rng.choice(_JSONATA_FUNCS)}({args})"
    if roll < 0.75:
        left, right = jsonata_expression(rng, depth + 1), jsonata_expression(rng, depth + 1)
        return f"{left} {rng.choice(_JSONATA_OPS)} {right}"
    if roll < 0.85:
        return (
            "($f := function($n){ $n > 0 ? $f($n - 1) : 0 }; $f("
            + rng.choice(["3", "100", "100000", "-1"])
            + "))"
        )
    if roll < 0.93:
        return "(" + jsonata_expression(rng, depth + 1) + ")"
    return "".join(rng.choice("{}[]()$.,:;'\"/\\*%!?#@~`^ 0a") for _ in range(rng.randint(1, 12)))


_INTRINSICS = [
    "States.Format", "States.StringToJson", "States.JsonToString", "States.Array",
    "States.ArrayPartition", "States.ArrayContains", "States.ArrayRange", "States.ArrayGetItem",
    "States.ArrayLength", "States.ArrayUnique", "States.Base64Encode", "States.Base64Decode",
    "States.Hash", "States.JsonMerge", "States.MathRandom", "States.MathAdd", "States.StringSplit",
    "States.UUID", "States.Nope",
]  # fmt: skip
_INTRINSIC_ARGS = [
    "$", "$.a", "$.items", "$$.Execution.Id", "'x'", "'{}'", "'[1,[2]]'", "1", "-1", "0", "1e999",
    "1" * 40, "1.5", "null", "true", "'SHA-256'", "'MD5'", "'" + "[" * 600 + "'", "''", "' '",
    "'\\u0000'", "'\\\\'", "$.n", "2147483648", "-2147483649",
]  # fmt: skip


def intrinsic(rng: random.Random, depth: int = 0) -> str:
    args = []
    for _ in range(rng.randint(0, 3)):
        if depth < 2 and rng.random() < 0.25:
            args.append(intrinsic(rng, depth + 1))
        else:
            args.append(rng.choice(_INTRINSIC_ARGS))
    return f"{rng.choice(_INTRINSICS)}({', '.join(args)})"


_PATHS = [
    "$", "$.a", "$.a.b", "$..a", "$.items[0]", "$.items[-1:]", "$.items[*].a", "$[?(@.a > 1)]",
    "$.items[?(@ =~ /a.*/)]", "$['a b']", "$.a[", "$$.Execution.Input", "$$.Map.Item.Value",
    "$x", "$&$", "$.obj[/k]", "`parent`", "$.a..b[1:2:0]", "$[(@.length-1)]", "$.n", "$.t",
]  # fmt: skip


def jsonpath(rng: random.Random) -> str:
    if rng.random() < 0.8:
        return rng.choice(_PATHS)
    return "$" + "".join(rng.choice(".[]*?@()'\"ab0-:=~/$") for _ in range(rng.randint(1, 10)))


def pattern(rng: random.Random) -> str:
    return "".join(
        rng.choice(["*", "a", "\\*", "\\\\", "?", "b", "(", "[", ".*"]) for _ in range(8)
    )


def timestamp(rng: random.Random) -> str:
    return rng.choice(
        [
            "2026-01-01T00:00:00Z",
            "2026-01-01T00:00:00.123456789+14:00",
            "9999-12-31T23:59:59Z",
            "0001-01-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-01-01 00:00:00Z",
            "+10000-01-01T00:00:00Z",
            "2026-01-01T24:00:00Z",
            "",
            "1" * 30,
        ]
    )


# ----------------------------------------------------------------------------------------------
# Values and mutations


def weird_value(rng: random.Random) -> Any:
    """A value at the edges: numbers JSON cannot hold, long or odd text, deep nesting."""
    pick = rng.randrange(16)
    if pick == 0:
        return float(rng.choice(["nan", "inf", "-inf"]))
    if pick == 1:
        return rng.choice([10**5000, -(10**4301), 2**63, 2**31, -(2**31) - 1, 99999999, 100000000])
    if pick == 2:
        return rng.choice([1e308, -1e-308, 0.1, -0.0, 5e-324])
    if pick == 3:
        return rng.choice(["\ud800", "\x00", "\u2028", "é" * 5, "😀", "a" * 300_000])
    if pick == 4:
        nested: Any = rng.choice([[], {}])
        for _ in range(rng.choice([10, 300, 1100])):
            nested = [nested] if rng.random() < 0.5 else {"a": nested}
        return nested
    if pick == 5:
        return "{% " + jsonata_expression(rng) + " %}"
    if pick == 6:
        return intrinsic(rng)
    if pick == 7:
        return jsonpath(rng)
    if pick == 8:
        return timestamp(rng)
    if pick == 9:
        return pattern(rng)
    if pick == 10:
        return rng.choice([True, False, None, 0, -1, 1, "", [], {}])
    if pick == 11:
        return rng.choice(["Pass", "Task", "Choice", "Wait", "Map", "Parallel", "Fail", "Nope"])
    if pick == 12:
        return rng.choice(["JSONata", "JSONPath", "States.ALL", "States.Runtime", "x"])
    if pick == 13:
        return [weird_value(rng) for _ in range(rng.randint(0, 3))]
    if pick == 14:
        return {rng.choice(["a", "b.$", "Next", "End", "Type"]): weird_value(rng)}
    return rng.randint(-5, 5)


_FIELDS = [
    "Type", "Next", "End", "Parameters", "Arguments", "Output", "Assign", "InputPath",
    "OutputPath", "ResultPath", "ResultSelector", "Result", "Seconds", "SecondsPath", "Timestamp",
    "TimestampPath",
    "Retry", "Catch", "TimeoutSeconds", "HeartbeatSeconds", "TimeoutSecondsPath", "Choices",
    "Default", "Branches", "ItemProcessor", "Iterator", "ItemsPath", "Items", "MaxConcurrency",
    "ItemSelector", "ToleratedFailurePercentage", "Error", "Cause", "ErrorPath", "CausePath",
    "QueryLanguage", "Resource", "Condition", "Variable", "StringMatches", "Comment",
]  # fmt: skip


def _nodes(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    stack = [(path, value)]
    while stack:
        here, node = stack.pop()
        yield here, node
        if isinstance(node, dict):
            stack.extend(((*here, k), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend(((*here, i), v) for i, v in enumerate(node))


def _states(definition: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        node
        for _, node in _nodes(definition)
        if isinstance(node, dict) and isinstance(node.get("Type"), str)
    ]


def mutate(rng: random.Random, definition: dict[str, Any]) -> Any:
    """One to three mutations of a copy of ``definition`` (mostly one: most still load)."""
    value: Any = deep_copy(definition)
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        value = _mutate_once(rng, value)
    return value


def _mutate_once(rng: random.Random, value: Any) -> Any:
    nodes = list(_nodes(value))
    path, node = rng.choice(nodes)
    kind = rng.randrange(7)
    states = _states(value) if isinstance(value, dict) else []
    if kind == 0 and path:  # replace a node with an odd value
        return _set(value, path, weird_value(rng))
    if kind == 1 and states:  # give a state a field with an odd or generated value
        state = rng.choice(states)
        state[rng.choice(_FIELDS)] = weird_value(rng)
        return value
    if kind == 2 and path:  # delete a node
        return _delete(value, path)
    if kind == 3 and path:  # nest a node deeper
        return _set(value, path, rng.choice([[node], {"a": node}, {"Branches": [node]}]))
    if kind == 4 and states:  # an expression in a state, in the field that reads it
        state = rng.choice(states)
        field, text = rng.choice(
            [
                ("Output", "{% " + jsonata_expression(rng) + " %}"),
                ("Parameters", {"x.$": intrinsic(rng), "p.$": jsonpath(rng)}),
                ("InputPath", jsonpath(rng)),
                ("TimestampPath", jsonpath(rng)),
                ("Timestamp", timestamp(rng)),
                ("Choices", [{"Variable": "$.a", "StringMatches": pattern(rng), "Next": "X"}]),
            ]
        )
        state[field] = text
        return value
    if kind == 5 and isinstance(node, (dict, list)) and node:  # duplicate or swap members
        if isinstance(node, list):
            node.append(deep_copy(rng.choice(node)))
        else:
            key = rng.choice(list(node))
            node[key + rng.choice(["", ".$", "2"])] = deep_copy(node[key])
        return value
    if isinstance(node, str) and path:  # change a string a little
        cut = rng.randint(0, len(node))
        return _set(value, path, node[:cut] + rng.choice(["$", "{%", "%}", ".", "'", "", "9"]))
    return value


def _set(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    parent = value
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = new
    return value


def _delete(value: Any, path: tuple[Any, ...]) -> Any:
    parent = value
    for part in path[:-1]:
        parent = parent[part]
    del parent[path[-1]]
    return value


def execution_input(rng: random.Random) -> Any:
    base: dict[str, Any] = {"a": "x", "items": [1, {"a": 2}, "3"], "n": 2, "t": START}
    if rng.random() < 0.5:
        base[rng.choice(["a", "items", "n", "t", "obj"])] = weird_value(rng)
    return base if rng.random() < 0.9 else weird_value(rng)


# ----------------------------------------------------------------------------------------------
# A case and the property


@dataclass
class Case:
    seed: int
    index: int
    source: Any  # a dict, or JSON text (a definition that may not even be JSON)
    input: Any


def make_case(seed: int, index: int) -> Case:
    rng = random.Random(f"{seed}:{index}")
    base = rng.choice(_corpus())
    definition = mutate(rng, base)
    source: Any = definition
    if rng.random() < 0.15:  # as text: what the file loaders and the service see
        try:
            source = json.dumps(definition, allow_nan=True)
        except (ValueError, RecursionError):
            source = definition
        if rng.random() < 0.3 and isinstance(source, str) and source:
            cut = rng.randrange(len(source))
            source = source[:cut] + rng.choice(["", "NaN", "\ud800", "]", "\x00", "1e999"])
    return Case(seed, index, source, execution_input(rng))


def _echo(event: Any, context: Any) -> Any:
    return event


HANDLERS: dict[str, Callable[..., Any]] = {"*": _echo}


def check(case: Case) -> str:
    """Run the property on one case; return its outcome (raises for a crash)."""
    aslrun.validate(case.source)  # never raises but LoadError (an AslrunError)
    machine = aslrun.load(case.source, region="us-east-1", account="123456789012")
    clock = aslrun.VirtualClock(START)
    execution = machine.run(case.input, handlers=HANDLERS, clock=clock, seed=case.index)
    execution.history  # noqa: B018 - rendering is part of the property
    execution.describe()
    for _ in timeline.render(execution, details=True):
        pass
    if execution.status == "SUCCEEDED":
        return "ok"
    if execution.status == "RUNNING" and clock.next_due() is not None:
        raise AssertionError("the execution is RUNNING with work still scheduled")
    return "terminal"  # FAILED, TIMED_OUT, ABORTED, or waiting for a callback


class Hang(BaseException):
    """A case ran past its time bound (BaseException: no except Exception in src catches it)."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang()


def outcome(case: Case, seconds: float) -> tuple[str, str]:
    """The case's outcome within ``seconds`` of wall time, and a detail for crashes/hangs."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return check(case), ""
    except Hang:
        return "hang", f"no outcome within {seconds:g} s"
    except aslrun.AslrunError:
        return "located", ""
    except Exception:
        return "crash", traceback.format_exc(limit=-4)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ----------------------------------------------------------------------------------------------
# The long run


def _signature(detail: str) -> str:
    lines = [line for line in detail.strip().splitlines() if line.strip()]
    where = [line.strip() for line in lines if line.strip().startswith("File ")]
    return (where[-1] if where else "") + " | " + (lines[-1] if lines else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fuzz aslrun for crashes and hangs (issue 9).")
    parser.add_argument("--seconds", type=float, default=600.0, help="how long to run")
    parser.add_argument("--seed", type=int, default=None, help="the run's seed (default: time)")
    parser.add_argument("--case", type=int, default=None, help="replay one case of the seed")
    parser.add_argument("--bound", type=float, default=10.0, help="seconds one case may take")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else int(time.time())
    sys.setrecursionlimit(sys.getrecursionlimit())  # unchanged: the property runs as users do
    if args.case is not None:
        case = make_case(seed, args.case)
        result, detail = outcome(case, args.bound)
        print(f"seed {seed} case {args.case}: {result}\n{detail}")
        return 1 if result in ("crash", "hang") else 0
    print(
        f"fuzzing for {args.seconds:g} s with seed {seed} (replay a case: --seed {seed} --case N)"
    )
    counts: Counter[str] = Counter()
    first: dict[str, tuple[int, str]] = {}
    end = time.monotonic() + args.seconds
    index = 0
    while time.monotonic() < end:
        result, detail = outcome(make_case(seed, index), args.bound)
        counts[result] += 1
        if result in ("crash", "hang"):
            first.setdefault(_signature(detail) if result == "crash" else "hang", (index, detail))
        index += 1
    print(f"{index} cases: " + ", ".join(f"{k} {counts[k]}" for k in OUTCOMES))
    for signature, (case_index, detail) in first.items():
        print(f"\n--- {signature}\n    replay: --seed {seed} --case {case_index}\n{detail}")
    return 1 if counts["crash"] or counts["hang"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
