"""Reading a state directory back into a service: state machines (each version compiled
again), activities, ended executions as they were recorded, and running executions replayed
(``replay.py``) until they reach their last durable step, then continued live."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from aslrun.api import Execution, StateMachine
from aslrun.errors import AslrunError
from aslrun.runtime.execution import ExecutionOptions
from aslrun.runtime.execution import launch as launch_process
from aslrun.runtime.history import History, HistoryEvent
from aslrun.service.definitions import compile_definition
from aslrun.service.durable.replay import (
    Divergence,
    DurableInvoker,
    ExecState,
    Mark,
    ReplayClock,
    ReplayHistory,
    divergence_cause,
)
from aslrun.service.store import (
    ActivityRecord,
    ExecutionRecord,
    MachineRecord,
    MachineVersion,
    ServiceState,
)

__all__ = ["Restored", "replay_one", "restore", "seed_of"]


class Restored:
    """What a restore read: the running executions to replay, in start order."""

    def __init__(self) -> None:
        self.running: list[tuple[ExecutionRecord, sqlite3.Row, list[HistoryEvent]]] = []
        self.max_seq = 0


def _versions(
    db: sqlite3.Connection, s: ServiceState, types: dict[str, str]
) -> dict[int, MachineVersion]:
    names = {r["arn"]: r["name"] for r in db.execute("SELECT arn, name FROM machines")}
    out: dict[int, MachineVersion] = {}
    for r in db.execute("SELECT * FROM versions ORDER BY id"):
        arn = r["machine_arn"]
        kind = types.get(arn, "STANDARD")
        try:
            sm: StateMachine = compile_definition(
                json.loads(r["definition"]),
                name=names.get(arn, arn.rsplit(":", 1)[-1]),
                region=s.region,
                account=s.account,
                type=kind,
            )
        except AslrunError as exc:
            raise AslrunError(f"the stored definition of {arn} no longer loads: {exc}") from None
        sm.role_arn = r["role_arn"]
        out[r["id"]] = MachineVersion(
            r["definition"], r["role_arn"], r["updated"], json.loads(r["logging"]),
            json.loads(r["tracing"]), r["revision_id"], sm,
        )  # fmt: skip
    return out


def restore(
    db: sqlite3.Connection, s: ServiceState, remember: Callable[[int, MachineVersion], None]
) -> Restored:
    """Put the recorded machines, activities and ended executions into ``s``; return the
    running executions (replayed by ``replay_all``)."""
    db.row_factory = sqlite3.Row
    out = Restored()
    machines = list(db.execute("SELECT * FROM machines ORDER BY seq"))
    versions = _versions(db, s, {m["arn"]: m["type"] for m in machines})
    for vid, v in versions.items():
        remember(vid, v)
    records: dict[str, MachineRecord] = {}
    for m in machines:
        rec = MachineRecord(
            m["seq"], m["name"], m["arn"], m["type"], m["created"], versions[m["version_id"]]
        )
        rec.status = m["status"]
        records[rec.arn] = s.machines[rec.arn] = rec
        out.max_seq = max(out.max_seq, rec.seq)
    for a in db.execute("SELECT * FROM activities ORDER BY seq"):
        s.activities[a["arn"]] = ActivityRecord(a["seq"], a["name"], a["arn"], a["created"])
        out.max_seq = max(out.max_seq, a["seq"])
    events = _events(db)
    for e in db.execute("SELECT * FROM executions ORDER BY seq"):
        machine = records[e["machine_arn"]]
        version = versions[e["version_id"]]
        recorded = events.pop(e["seq"], [])
        out.max_seq = max(out.max_seq, e["seq"])
        if e["status"] == "RUNNING":
            out.running.append((_placeholder(e, machine, version), e, recorded))
        else:
            _add(s, _ended(e, machine, version, recorded))
    return out


def _events(db: sqlite3.Connection) -> dict[int, list[HistoryEvent]]:
    out: dict[int, list[HistoryEvent]] = {}
    for seq, eid, prev, ts, kind, details in db.execute(
        "SELECT seq, id, previous, ts, type, details FROM events ORDER BY seq, id"
    ):
        d = None if details is None else json.loads(details)
        out.setdefault(seq, []).append(HistoryEvent(eid, prev, ts, kind, d))
    return out


def seed_of(row: sqlite3.Row) -> int | None:
    """An execution's seed (kept as text: a 64-bit unsigned number)."""
    text = row["seed"]
    return None if text is None else int(text)


def _add(s: ServiceState, entry: ExecutionRecord) -> None:
    s.executions[entry.execution.arn] = entry
    entry.machine.executions.append(entry)


def _placeholder(e: sqlite3.Row, m: MachineRecord, v: MachineVersion) -> ExecutionRecord:
    ex = Execution(
        name=e["name"], arn=e["arn"], state_machine_arn=m.arn, input=json.loads(e["input"]),
        start_time=e["start"], history=History(),
    )  # fmt: skip
    return ExecutionRecord(e["seq"], ex, m, v, e["input"], e["trace_header"])


def _ended(
    e: sqlite3.Row, m: MachineRecord, v: MachineVersion, events: list[HistoryEvent]
) -> ExecutionRecord:
    entry = _placeholder(e, m, v)
    ex = entry.execution
    ex.status = e["status"]
    ex.output = None if e["output"] is None else json.loads(e["output"])
    ex.error, ex.cause, ex._stop = e["error"], e["cause"], e["stop"]
    ex.definition = v.machine.definition
    ex._history.load(events)
    return entry


def replay_one(
    s: ServiceState,
    invoker: DurableInvoker,
    entry: ExecutionRecord,
    row: sqlite3.Row,
    recorded: list[HistoryEvent],
    marks: dict[int, list[Mark]],
    on_history: Callable[[ExecutionRecord, History], None],
) -> None:
    """Re-create a running execution, replay it to the end of its recorded history, then
    let it continue live on the service's clock.  A divergence fails it (States.Runtime)."""
    sm = entry.version.machine
    seed = seed_of(row)
    history = ReplayHistory(recorded, s.max_events)
    clock = ReplayClock(s.clock, row["start"])
    ex = Execution(
        name=row["name"], arn=row["arn"], state_machine_arn=sm.arn,
        input=entry.execution.input, start_time=row["start"], history=history,
    )  # fmt: skip
    ex.definition = sm.definition
    entry.execution = ex
    _add(s, entry)
    options = ExecutionOptions(
        seed=seed, aliases=sm.function_aliases, tokens=s.tokens, max_events=s.max_events,
        invoker=s.invoker,
    )  # fmt: skip
    case = row["test_case"]
    if case is not None and s.mocks is not None:
        mocked = s.mocks.invoker(entry.machine, case, s.invoker)
        if mocked is not None:
            options.invoker = mocked
    invoker.running[ex.arn] = ExecState(ex.arn, row["seq"], seed, replay=marks)
    on_history(entry, history)
    try:
        launch_process(
            ex, machine=sm.machine, identity=sm._identity(ex.name, seed), clock=clock,
            registry=s.registry, options=options,
        )  # fmt: skip
        while history.replaying and clock.step():
            pass
        if history.replaying:  # nothing left to run, yet recorded events remain
            raise Divergence(history.cursor + 1, history.expected[history.cursor], "no event")
    except Divergence as d:
        _diverged(ex, history, clock, d)
        return
    clock.go_live()


def _diverged(ex: Execution, history: ReplayHistory, clock: ReplayClock, d: Divergence) -> None:
    history.stop_replay()
    clock.go_live(keep=False)
    if ex.done:
        return
    ex.status = "FAILED"
    ex.error, ex.cause = "States.Runtime", divergence_cause(d)
    details: dict[str, Any] = {"error": ex.error, "cause": ex.cause}
    ex._end("ExecutionFailed", details)
