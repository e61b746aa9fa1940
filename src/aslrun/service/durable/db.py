"""The state directory's SQLite database: its schema, and the writer that batches what one
scheduler step (or one API call) changed into one transaction.

SQLite from the standard library, WAL mode, ``synchronous=NORMAL``: a process killed at any
point (``kill -9``) leaves the database as its last committed transaction left it; a power
cut may lose the last transactions, never consistency.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from aslrun._json import dumps
from aslrun.runtime.events import HistoryEvent, render_details
from aslrun.service.store import ActivityRecord, ExecutionRecord, MachineRecord, MachineVersion

__all__ = ["DB_NAME", "Writer", "connect"]

DB_NAME = "aslrun.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY, machine_arn TEXT NOT NULL, definition TEXT NOT NULL,
    role_arn TEXT NOT NULL, updated REAL NOT NULL, logging TEXT NOT NULL,
    tracing TEXT NOT NULL, revision_id TEXT);
CREATE TABLE IF NOT EXISTS machines (
    arn TEXT PRIMARY KEY, seq INTEGER NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
    created REAL NOT NULL, status TEXT NOT NULL, version_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS activities (
    arn TEXT PRIMARY KEY, seq INTEGER NOT NULL, name TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS executions (
    seq INTEGER PRIMARY KEY, arn TEXT NOT NULL UNIQUE, machine_arn TEXT NOT NULL,
    version_id INTEGER NOT NULL, name TEXT NOT NULL, input TEXT NOT NULL,
    trace_header TEXT, seed TEXT, start REAL NOT NULL, test_case TEXT,
    status TEXT NOT NULL, output TEXT, error TEXT, cause TEXT, stop REAL);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER NOT NULL, id INTEGER NOT NULL, previous INTEGER NOT NULL, ts REAL NOT NULL,
    type TEXT NOT NULL, details TEXT, PRIMARY KEY (seq, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS marks (
    seq INTEGER NOT NULL, ordinal INTEGER NOT NULL, n INTEGER NOT NULL, kind TEXT NOT NULL,
    t REAL NOT NULL, sync INTEGER NOT NULL, data TEXT,
    PRIMARY KEY (seq, ordinal, n)) WITHOUT ROWID;
"""


def connect(state_dir: str | os.PathLike[str]) -> sqlite3.Connection:
    """Open (creating) the database in ``state_dir``."""
    path = Path(state_dir)
    path.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path / DB_NAME, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(_SCHEMA)
    return db


def _details(event: HistoryEvent) -> str | None:
    return None if event.details is None else json.dumps(render_details(event.details))


class Writer:
    """What changed since the last commit, written in one transaction by ``commit``."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.events: list[tuple[int, HistoryEvent]] = []  # (execution seq, event)
        self.marks: list[tuple[int, int, int, str, float, int, str | None]] = []
        self.dropped: list[tuple[int, int]] = []  # (seq, ordinal): marks of a re-invoked task
        self.dirty: dict[str, tuple[ExecutionRecord, str | None, int | None]] = {}
        self.config: list[tuple[str, tuple[Any, ...]]] = []  # machines, versions, activities
        self.version_ids: dict[int, int] = {}  # id(MachineVersion) -> versions.id
        self.versions: list[MachineVersion] = []  # kept alive: their id() stays theirs
        self.now: float | None = None

    @property
    def pending(self) -> bool:
        return bool(self.events or self.marks or self.dirty or self.config or self.dropped)

    def commit(self) -> None:
        """Write everything buffered as one transaction (nothing when nothing changed)."""
        if not self.pending and self.now is None:
            return
        db = self.db
        db.execute("BEGIN")
        try:
            for sql, params in self.config:
                db.execute(sql, params)
            if self.dirty:
                db.executemany(
                    "INSERT OR REPLACE INTO executions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    [self._execution_row(*d) for d in self.dirty.values()],
                )
            if self.dropped:
                db.executemany("DELETE FROM marks WHERE seq=? AND ordinal=?", self.dropped)
            if self.events:
                db.executemany(
                    "INSERT INTO events VALUES (?,?,?,?,?,?)",
                    [
                        (seq, e.id, e.previous_event_id, e.timestamp, e.type, _details(e))
                        for seq, e in self.events
                    ],
                )
            if self.marks:
                db.executemany("INSERT INTO marks VALUES (?,?,?,?,?,?,?)", self.marks)
            if self.now is not None:
                db.execute("INSERT OR REPLACE INTO meta VALUES ('now', ?)", (repr(self.now),))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self.events.clear()
        self.marks.clear()
        self.dropped.clear()
        self.dirty.clear()
        self.config.clear()
        self.now = None

    def _execution_row(
        self, r: ExecutionRecord, case: str | None, seed: int | None
    ) -> tuple[Any, ...]:
        ex = r.execution
        output = dumps(ex.output) if ex.status == "SUCCEEDED" else None
        return (
            r.seq, ex.arn, r.machine.arn, self.version_id(r.machine.arn, r.version),
            ex.name, r.input_text, r.trace_header, None if seed is None else str(seed),
            ex._start, case,
            ex.status, output, ex.error, ex.cause, ex._stop,
        )  # fmt: skip

    # -- configuration: machines, versions, activities ------------------------------------

    def version_id(self, machine_arn: str, v: MachineVersion) -> int:
        known = self.version_ids.get(id(v))
        if known is not None:
            return known
        new = len(self.versions) + 1
        self.version_ids[id(v)] = new
        self.versions.append(v)
        self.config.append(
            (
                "INSERT OR REPLACE INTO versions VALUES (?,?,?,?,?,?,?,?)",
                (
                    new, machine_arn, v.definition, v.role_arn, v.updated,
                    json.dumps(dict(v.logging)), json.dumps(dict(v.tracing)), v.revision_id,
                ),
            )
        )  # fmt: skip
        return new

    def machine(self, m: MachineRecord) -> None:
        vid = self.version_id(m.arn, m.version)
        self.config.append(
            (
                "INSERT OR REPLACE INTO machines VALUES (?,?,?,?,?,?,?)",
                (m.arn, m.seq, m.name, m.type, m.created, m.status, vid),
            )
        )

    def activity(self, a: ActivityRecord) -> None:
        self.config.append(
            (
                "INSERT OR REPLACE INTO activities VALUES (?,?,?,?)",
                (a.arn, a.seq, a.name, a.created),
            )
        )

    def activity_deleted(self, arn: str) -> None:
        self.config.append(("DELETE FROM activities WHERE arn=?", (arn,)))

    def meta(self, key: str, value: str) -> None:
        self.config.append(("INSERT OR REPLACE INTO meta VALUES (?,?)", (key, value)))
