"""Replaying a running execution after a restart.

A generator cannot be saved, but an execution is deterministic given its input, its seed and
the answers its tasks received.  So a running execution is re-created and run again:

- on a ``ReplayClock`` of its own, starting at its start time, so that every event is
  re-generated at its recorded time;
- with a ``ReplayHistory`` that checks each re-generated event against the recorded one
  instead of appending it (a mismatch raises ``Divergence``);
- with the ``DurableInvoker`` answering each invocation from its recorded marks (accept,
  begin, submitted, heartbeat, answer) instead of calling the handlers.

When the re-generated history reaches the end of the recorded one, the replay clock hands its
pending timers to the service's clock (``go_live``) and the execution continues live.
"""

from __future__ import annotations

import json
import random as _random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aslrun.errors import HeartbeatTimeout, StatesError
from aslrun.runtime.clock import Timer, VirtualClock
from aslrun.runtime.history import History, HistoryEvent, event_from
from aslrun.runtime.invoke import Answer, Invocation, Invoker
from aslrun.service.durable.db import Writer

__all__ = [
    "Divergence",
    "DurableInvoker",
    "ExecState",
    "Mark",
    "ReplayClock",
    "ReplayHistory",
    "divergence_cause",
]


class Divergence(BaseException):
    """The replay re-generated an event other than the recorded one.  (A BaseException: no
    ``except Exception`` on the way may swallow it.)"""

    def __init__(self, index: int, expected: HistoryEvent | None, got: str) -> None:
        super().__init__(f"event {index}")
        self.index = index
        self.expected = expected
        self.got = got


def divergence_cause(d: Divergence) -> str:
    recorded = "nothing more" if d.expected is None else d.expected.type
    return (
        f"The execution could not be resumed after a restart: replaying its recorded history "
        f"gave {d.got} where event {d.index} was {recorded}. The state machine definition or "
        f"the task handlers changed since the execution was recorded."
    )


class ReplayClock(VirtualClock):
    """One execution's clock during its replay; once live, a view of the service's clock."""

    def __init__(self, live: VirtualClock, start: float) -> None:
        super().__init__(start)
        self.live = live
        self.replaying = True

    def now(self) -> float:
        return self._now if self.replaying else self.live.now()

    def schedule(self, at: float, callback: Callable[[], None]) -> Timer:
        if self.replaying:
            return super().schedule(at, callback)
        return self.live.schedule(at, callback)

    def call_soon(self, callback: Callable[[], None]) -> Timer:
        return self.schedule(self.now(), callback)

    def go_live(self, keep: bool = True) -> None:
        """Hand the pending timers (``keep``) to the service's clock; a deadline already
        past runs on its next step.  The timers the runtime holds stay the ones it cancels."""
        self.replaying = False
        queue, self._queue = sorted(self._queue), []
        for at, _, timer in queue:
            if keep and not timer.cancelled:
                forwarded = self.live.schedule(at, _forward(timer))
                forwarded.soft, forwarded.late = timer.soft, timer.late


def _forward(timer: Timer) -> Callable[[], None]:
    def run() -> None:
        if not timer.cancelled:
            timer.callback()

    return run


class ReplayHistory(History):
    """A history holding the recorded events; ``add`` checks the re-generated ones against
    them (``Divergence`` on a mismatch) until ``cursor`` reaches the end, then appends."""

    __slots__ = ("cursor", "expected", "recorded")
    _inline = False  # every event through _record, which checks it

    def __init__(self, events: list[HistoryEvent], limit: int) -> None:
        super().__init__(limit)
        self.load(events)
        self.expected = events
        self.recorded = len(events)
        self.cursor = 0

    @property
    def replaying(self) -> bool:
        return self.cursor < self.recorded

    def _record(self, timestamp: float, code: int, previous: int, a: Any, b: Any) -> int:
        if self.cursor >= self.recorded:
            return super()._record(timestamp, code, previous, a, b)
        expected = self.expected[self.cursor]
        got = event_from(expected.id, previous, timestamp, code, a, b)
        if got.as_dict() != expected.as_dict():
            raise Divergence(expected.id, expected, got.type)
        self.cursor += 1
        if self.cursor == self.recorded:  # replayed: the recorded events are in the columns
            self.expected = []
        return expected.id

    def stop_replay(self) -> None:
        self.cursor = self.recorded
        self.expected = []


@dataclass(slots=True)
class Mark:
    """One recorded step of an invocation's life."""

    kind: str  # accept, begin, submitted, heartbeat, answer
    t: float
    sync: bool  # it happened inside the invoker's start (an answer handed back at once)
    data: Any


@dataclass(slots=True)
class ExecState:
    """A durable execution's invocation count and, while it replays, its recorded marks."""

    arn: str
    seq: int  # the execution's key in the store
    seed: int | None
    ordinal: int = 0
    replay: dict[int, list[Mark]] = field(default_factory=dict)


def _encode(kind: str, payload: Any) -> str | None:
    if kind == "answer":
        a: Answer = payload
        err = a.error
        return json.dumps(
            {
                "o": a.outcome,
                "v": a.value,
                "e": None if err is None else err.error,
                "c": None if err is None else err.cause,
                "hb": isinstance(err, HeartbeatTimeout),
            }
        )
    if kind in ("begin", "submitted"):
        return json.dumps(payload)
    return None


def decode_mark(kind: str, t: float, sync: int, data: str | None) -> Mark:
    return Mark(kind, t, bool(sync), None if data is None else json.loads(data))


def _answer(data: dict[str, Any]) -> Answer:
    error: StatesError | None = None
    if data["hb"]:
        error = HeartbeatTimeout(data["c"])
    elif data["e"] is not None:
        error = StatesError(data["e"], data["c"])
    return Answer(data["o"], data["v"], error)


class _Observer:
    """Writes one invocation's marks as they happen (after ``skip`` replayed ones)."""

    __slots__ = ("count", "ordinal", "seq", "skip", "writer")

    def __init__(self, writer: Writer, seq: int, ordinal: int, skip: int) -> None:
        self.writer = writer
        self.seq = seq
        self.ordinal = ordinal
        self.count = skip
        self.skip = skip

    def __call__(self, kind: str, inv: Invocation, payload: Any) -> None:
        if self.skip:
            self.skip -= 1
            return
        t = inv.rt.clock.now()
        row = (
            self.seq,
            self.ordinal,
            self.count,
            kind,
            t,
            int(inv._arming),
            _encode(kind, payload),
        )
        self.writer.marks.append(row)
        self.count += 1


def _apply(inv: Invocation, mark: Mark) -> None:
    kind, data = mark.kind, mark.data
    if kind == "accept":
        inv.accept()
    elif kind == "begin":
        inv.begin(data)
    elif kind == "submitted":
        inv.submitted(data)
    elif kind == "heartbeat":
        inv.heartbeat()
    else:
        inv.answer(_answer(data))


def _waits_for_token(inv: Invocation, marks: list[Mark]) -> bool:
    """The work was delivered (a callback's message sent, an activity's task taken by a
    worker) and the Task waits for its token: replay it, never send it again."""
    kinds = {m.kind for m in marks}
    return "submitted" in kinds or (inv.info.kind == "activity" and "begin" in kinds)


_SYNC_CHILD = frozenset({"startExecution.sync", "startExecution.sync:2"})


def _started_child(inv: Invocation, marks: list[Mark]) -> str | None:
    """The child execution a replayed ``startExecution.sync`` Task started and had not yet
    heard the end of (its ARN is in the recorded TaskSubmitted output), if any."""
    info = inv.info
    if info.kind != "service" or info.resource_type != "states" or info.resource not in _SYNC_CHILD:
        return None
    if any(m.kind == "answer" for m in marks):
        return None
    for m in marks:
        if m.kind == "submitted" and isinstance(m.data, dict):
            arn = m.data.get("ExecutionArn")
            if isinstance(arn, str):
                return arn
    return None


class DurableInvoker:
    """The outermost invoker of a durable service: records each invocation's marks, and
    answers from them while its execution replays.  ``then`` does the live work."""

    __slots__ = ("follows", "running", "then", "writer")

    def __init__(self, writer: Writer, then: Invoker) -> None:
        self.writer = writer
        self.then = then
        self.running: dict[str, ExecState] = {}
        # replayed startExecution.sync Tasks still waiting for their child: (Task, child ARN),
        # linked to the restored child once every execution is restored (``follow_child``)
        self.follows: list[tuple[Invocation, str]] = []

    def start(self, inv: Invocation) -> None:
        rt = inv.rt
        st = self.running.get(rt.execution_arn)
        if st is None:  # not durable (an Express execution, TestState)
            self.then.start(inv)
            return
        ordinal = st.ordinal
        st.ordinal += 1
        marks = st.replay.pop(ordinal, None) if st.replay else None
        if marks is not None:
            answered = any(m.kind == "answer" for m in marks)
            if answered or _waits_for_token(inv, marks):
                self._feed(inv, st, ordinal, marks)
                return
            self.writer.dropped.append((st.seq, ordinal))  # interrupted mid-call: re-invoked
        inv.observer = _Observer(self.writer, st.seq, ordinal, 0)
        # the live work draws its randomness (request ids) from a source of its own, so that
        # the execution's stream (task tokens, jitter) is the same whether replayed or not
        saved = rt._random
        rt._random = _random.Random(f"{st.seed}:{ordinal}")
        try:
            self.then.start(inv)
        finally:
            rt._random = saved

    def _feed(self, inv: Invocation, st: ExecState, ordinal: int, marks: list[Mark]) -> None:
        inv.observer = _Observer(self.writer, st.seq, ordinal, len(marks))
        for mark in marks:
            if mark.sync:
                _apply(inv, mark)
            else:
                inv.schedule(mark.t, _later(inv, mark))
        child = _started_child(inv, marks)
        if child is not None:
            self.follows.append((inv, child))


def _later(inv: Invocation, mark: Mark) -> Callable[[], None]:
    return lambda: _apply(inv, mark)
