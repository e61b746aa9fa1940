"""Processes on the one scheduler and the effects they yield.

An execution is a generator process (``Proc``) driven by the clock's scheduler.  A process
runs states back to back without yielding; it yields an effect only when time must pass
(``Sleep``), when it waits for child processes (``Join``: Parallel branches, Map items) or
when it hands work to the runtime (``Invoke``: a Task's handler, an ItemReader).

``effect.arm(proc)`` returns ``PENDING`` when the process must wait for a callback, or the
value to resume with at once (an invocation answered synchronously): the process then goes
on in the same scheduler turn, without a heap entry and without recursion.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from aslrun._json import JSON
from aslrun.errors import StatesError
from aslrun.runtime.clock import Timer, VirtualClock
from aslrun.runtime.frame import Frame, Runtime
from aslrun.runtime.history import HistoryLimitReached
from aslrun.runtime.invoke import PENDING, Invocation, Invoke

__all__ = ["Effect", "Invoke", "Join", "Proc", "Sleep", "StateGen", "sleep"]


# ----------------------------------------------------------------------------------------------
# Processes and effects


class Sleep:
    """Resume the process when the clock reaches ``until``; see ``sleep`` for the deadline."""

    __slots__ = ("callback", "until")

    def __init__(self, until: float, callback: Callable[[], None] | None = None) -> None:
        self.until = until
        self.callback = callback  # what runs at ``until`` instead of resuming (a deadline)

    def arm(self, proc: Proc) -> object:
        proc.timer = proc.clock.schedule(self.until, self.callback or proc.resume)
        return PENDING


def sleep(rt: Runtime, until: float) -> Sleep:
    """Sleep until ``until``, or only until the execution's deadline (AWS's maximum
    duration: a year for Standard, five minutes for Express), where it times out."""
    if until > rt.deadline and rt.on_deadline is not None:
        return Sleep(rt.deadline, rt.on_deadline)
    return Sleep(until)


class Join:
    """Run child processes (at most ``limit`` at once; 0 = all) and resume with their outcomes.

    ``on_done(index, value, error)`` is told of each child as it ends; returning True stops the
    join early (the remaining children are cancelled and never started).  The parent resumes
    with the list of ``(value, error)`` pairs in child order (None for children never run).
    """

    __slots__ = (
        "_next",
        "_running",
        "_stopped",
        "factories",
        "limit",
        "on_done",
        "outcomes",
        "parent",
    )

    def __init__(
        self,
        factories: list[Callable[[], Proc]],
        limit: int,
        on_done: Callable[[int, JSON, StatesError | None], bool],
    ) -> None:
        self.factories = factories
        self.limit = limit if limit > 0 else len(factories)
        self.on_done = on_done
        self.outcomes: list[tuple[JSON, StatesError | None] | None] = [None] * len(factories)
        self._next = 0
        self._running: dict[int, Proc] = {}
        self._stopped = False
        self.parent: Proc | None = None

    def arm(self, proc: Proc) -> object:
        self.parent = proc
        proc.join = self
        if not self.factories:
            proc.clock.call_soon(self._resume_parent)
        else:
            self._fill()
        return PENDING

    def _fill(self) -> None:
        """Start children (each on its own scheduler turn) until the limit is reached."""
        while (
            not self._stopped
            and self._next < len(self.factories)
            and len(self._running) < self.limit
        ):
            index = self._next
            self._next += 1
            child = self.factories[index]()
            self._running[index] = child
            child.on_finish = self._finisher(index)
            child.clock.call_soon(child.start)

    def _finisher(self, index: int) -> Callable[[JSON, StatesError | None], None]:
        return lambda value, error: self._finished(index, value, error)

    def _finished(self, index: int, value: JSON, error: StatesError | None) -> None:
        self._running.pop(index, None)
        self.outcomes[index] = (value, error)
        if self._stopped:
            return
        if self.on_done(index, value, error):
            self.cancel()
            self._resume_parent()
            return
        if self._next < len(self.factories):
            self._fill()
        elif not self._running:
            self._resume_parent()

    def _resume_parent(self) -> None:
        self._stopped = True
        parent = self.parent
        if parent is not None:
            parent.join = None
            parent.resume(self.outcomes)

    def cancel(self, abort: bool = True) -> None:
        """Stop the running children; ``abort``: they record their ``*Aborted`` events (a
        sibling failed), as opposed to the whole execution ending (timeout)."""
        self._stopped = True
        for child in list(self._running.values()):
            child.cancel(abort)
        self._running.clear()


Effect = Sleep | Join | Invoke
"""What a process yields; see the module docstring."""
StateGen = Generator[Effect, Any, tuple[str | None, JSON]]


class Proc:
    """A generator process on the scheduler."""

    __slots__ = ("clock", "done", "frame", "gen", "invocation", "join", "on_finish", "timer")

    def __init__(self, clock: VirtualClock, gen: Generator[Effect, Any, JSON]) -> None:
        self.clock = clock
        self.gen = gen
        self.timer: Timer | None = None
        self.join: Join | None = None
        self.invocation: Invocation | None = None  # the invocation it waits for, if any
        self.frame: Frame | None = None  # the thread of control it runs, if any
        self.done = False
        self.on_finish: Callable[[JSON, StatesError | None], None] = lambda v, e: None

    def start(self) -> None:
        if not self.done:
            self.resume()

    def resume(self, value: Any = None) -> None:
        self.timer = None
        try:
            self._drive(value)
        except HistoryLimitReached as reached:  # the execution's history is full: it fails
            reached.end()
            self.cancel()

    def _drive(self, value: Any) -> None:
        send = self.gen.send
        while True:
            try:
                effect = send(value)
            except StopIteration as stop:
                self._finish(stop.value, None)
                return
            except StatesError as error:
                self._finish(None, error)
                return
            value = effect.arm(self)
            if value is PENDING:
                return

    def _finish(self, value: JSON, error: StatesError | None) -> None:
        self.done = True
        self.on_finish(value, error)

    def cancel(self, abort: bool = False) -> None:
        """Stop the process where it is: its timer and its children are cancelled too.

        ``abort``: the process is stopped because a sibling failed; its frame is marked so
        the state it stands in records AWS's ``*StateAborted`` event.
        """
        if self.done:
            return
        self.done = True
        if abort and self.frame is not None:
            self.frame.aborting = True
        if self.timer is not None:
            self.timer.cancel()
        if self.join is not None:
            self.join.cancel(abort)
        if self.invocation is not None:
            self.invocation.cancel()
            self.invocation = None
        self.gen.close()
