"""Durable executions: ``StepFunctions(state_dir=DIR)`` keeps its state in SQLite.

State machines (every version), activities, Standard executions (description and status),
their history events and their tasks' outside answers (``marks``: accepted, started,
submitted, heartbeats, the answer) are written as they change: what one scheduler step or one
API call changed is one transaction.  Opening the same directory again restores everything;
running executions are replayed from their records (``replay.py``) and continue live.
See docs/durability.md.
"""

from __future__ import annotations

import functools
import itertools
import os
import random as _random
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aslrun.errors import AslrunError
from aslrun.runtime.clock import RealClock
from aslrun.runtime.history import TERMINAL_EVENTS, History, HistoryEvent
from aslrun.service.durable.db import Writer, connect
from aslrun.service.durable.replay import DurableInvoker, ExecState, Mark, decode_mark
from aslrun.service.durable.restore import replay_one, restore, seed_of
from aslrun.service.lifecycle import _observe
from aslrun.service.nested import follow_child
from aslrun.service.store import ExecutionRecord, MachineVersion

if TYPE_CHECKING:
    from aslrun.service.service import StepFunctions

__all__ = ["Durable", "StateDirError"]

_CONFIG_METHODS = frozenset(
    {
        "create_state_machine",
        "update_state_machine",
        "delete_state_machine",
        "create_activity",
        "delete_activity",
    }
)
_METHODS = _CONFIG_METHODS | {
    "start_execution",
    "start_sync_execution",
    "stop_execution",
    "send_task_success",
    "send_task_failure",
    "send_task_heartbeat",
    "get_activity_task",
    "advance",
    "run_until",
    "run",
}


class StateDirError(AslrunError):
    """A state directory that cannot be opened or read back."""


class Durable:
    """One service's state directory: restores it, then records every change."""

    def __init__(self, sfn: StepFunctions, state_dir: str | os.PathLike[str]) -> None:
        try:
            self._open(sfn, state_dir)
        except (sqlite3.DatabaseError, OSError) as exc:
            raise StateDirError(f"state_dir {os.fspath(state_dir)}: {exc}") from None
        except AslrunError as exc:  # a stored definition this version no longer loads
            raise StateDirError(f"state_dir {os.fspath(state_dir)}: {exc}") from None

    def _open(self, sfn: StepFunctions, state_dir: str | os.PathLike[str]) -> None:
        s = self.s = sfn._s
        self.db = connect(state_dir)
        self.writer = Writer(self.db)
        self.invoker = DurableInvoker(self.writer, s.invoker)
        s.invoker = self.invoker
        self.cases: dict[str, tuple[str | None, int | None]] = {}  # arn -> (test case, seed)
        self.machines: dict[str, tuple[str, int]] = {}
        self.activities: set[str] = set()
        self._open_meta()
        restored = restore(self.db, s, self._remember)
        s.seq = itertools.count(restored.max_seq + 1)
        self._snapshot()
        s.on_launch.append(self._launched)
        marks = self._marks()
        for entry, row, recorded in restored.running:
            arn = row["arn"]
            self.cases[arn] = (row["test_case"], seed_of(row))
            replay_one(
                s, self.invoker, entry, row, recorded, marks.pop(row["seq"], {}), self._watch
            )
            s.retention.launched(s, entry)
        follows, self.invoker.follows = self.invoker.follows, []
        for task, child_arn in follows:  # every child is restored by now
            follow_child(sfn, task, child_arn)
        self.writer.now = s.clock.now()
        self.writer.commit()
        self._wrap(sfn)

    # -- opening -----------------------------------------------------------------------------

    def _open_meta(self) -> None:
        s = self.s
        meta = dict(self.db.execute("SELECT key, value FROM meta").fetchall())
        if "generation" in meta:  # a restart: fresh names must not repeat the first run's
            generation = int(meta["generation"]) + 1
            s.rng = _random.Random(f"{meta.get('seed')}:{generation}")
        else:
            generation = 0
            self.writer.meta("seed", repr(s.rng.getrandbits(64)))
        self.writer.meta("generation", str(generation))
        if "now" in meta and not isinstance(s.clock, RealClock):
            s.clock._now = float(meta["now"])  # a virtual clock resumes where it stopped

    def _marks(self) -> dict[int, dict[int, list[Mark]]]:
        out: dict[int, dict[int, list[Mark]]] = {}
        rows = self.db.execute(
            "SELECT seq, ordinal, kind, t, sync, data FROM marks ORDER BY seq, ordinal, n"
        )
        for seq, ordinal, kind, t, sync, data in rows:
            out.setdefault(seq, {}).setdefault(ordinal, []).append(decode_mark(kind, t, sync, data))
        return out

    def _remember(self, vid: int, v: MachineVersion) -> None:
        w = self.writer
        w.version_ids[id(v)] = vid
        w.versions.append(v)

    def _snapshot(self) -> None:
        for m in self.s.machines.values():
            self.machines[m.arn] = (m.status, id(m.version))
        self.activities = set(self.s.activities)

    # -- recording ---------------------------------------------------------------------------

    def _launched(self, entry: ExecutionRecord, case: str | None, seed: int | None) -> None:
        if entry.machine.type != "STANDARD":
            return  # Express executions are not kept (AWS keeps no Express history either)
        arn = entry.execution.arn
        self.cases[arn] = (case, seed)
        self.invoker.running[arn] = ExecState(arn, entry.seq, seed)
        self.writer.dirty[arn] = (entry, case, seed)
        history = entry.execution.events
        self.writer.events.extend((entry.seq, e) for e in history)  # ExecutionStarted
        self._watch(entry, history, observe=False)

    def _watch(self, entry: ExecutionRecord, history: History, observe: bool = True) -> None:
        """Record each new event of ``entry`` (and tell the service's subscribers)."""
        if observe:
            _observe(self.s, entry.execution)
        arn, seq = entry.execution.arn, entry.seq
        notify = history.listener
        writer, running = self.writer, self.invoker.running
        case, seed = self.cases[arn]

        def listener(event: HistoryEvent) -> None:
            writer.events.append((seq, event))
            if event.type in TERMINAL_EVENTS:
                writer.dirty[arn] = (entry, case, seed)
                running.pop(arn, None)
            if notify is not None:
                notify(event)

        history.listener = listener

    def _sync_config(self) -> None:
        w = self.writer
        for m in self.s.machines.values():
            key = (m.status, id(m.version))
            if self.machines.get(m.arn) != key:
                w.machine(m)
                self.machines[m.arn] = key
        now = set(self.s.activities)
        for arn in now - self.activities:
            w.activity(self.s.activities[arn])
        for arn in self.activities - now:
            w.activity_deleted(arn)
        self.activities = now

    def commit(self) -> None:
        self.writer.now = self.s.clock.now()
        self.writer.commit()

    def close(self) -> None:
        self.commit()
        self.db.close()

    # -- where the writes happen: after each scheduler step and each API call ------------------

    def _wrap(self, sfn: StepFunctions) -> None:
        clock = self.s.clock
        step = clock.step
        writer = self.writer

        def stepped() -> bool:
            ran = step()
            if writer.pending:
                writer.now = clock.now()
                writer.commit()
            return ran

        clock.step = stepped  # type: ignore[method-assign]
        for name in _METHODS:
            setattr(sfn, name, self._committing(getattr(sfn, name), name in _CONFIG_METHODS))

    def _committing(self, fn: Callable[..., Any], config: bool) -> Callable[..., Any]:
        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                if config:
                    self._sync_config()
                try:
                    self.commit()
                except sqlite3.Error:  # pragma: no cover - a full disk, a removed directory
                    raise

        return call
