"""The one scheduler and its two ways to wait.

``VirtualClock`` keeps a heap of ``(time, seq, callback)`` and jumps straight to the next due
entry: a day of Wait states takes microseconds.  ``RealClock`` is the same scheduler; it only
waits for the wall clock before running an entry.  No other module reads the wall clock.

A clock shows the years 1 to 9999 (what a ``datetime`` holds).  It never moves past
``MAX_TIME``: when the next entry is due later than that, the clock stops at ``MAX_TIME`` and
runs its horizon callbacks instead (``at_horizon``: each running execution times out there),
and entries due past the range are dropped.
"""

from __future__ import annotations

import heapq
import itertools
import math
import threading
import time as _time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from dateutil import parser as _dateparser

__all__ = [
    "MAX_TIME",
    "MIN_TIME",
    "RealClock",
    "Timer",
    "VirtualClock",
    "format_iso",
    "to_datetime",
]

UTC = timezone.utc
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MIN_TIME = datetime(1, 1, 1, tzinfo=UTC).timestamp()
"""The first instant a clock can show (0001-01-01T00:00:00Z), in epoch seconds."""
MAX_TIME = datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC).timestamp()
"""The last instant a clock can show (9999-12-31T23:59:59.999Z), in epoch seconds."""


def _nothing() -> None:
    """What a cancelled timer calls (never: the scheduler skips it)."""


class Timer:
    """A scheduled callback; ``cancel()`` makes the scheduler skip it.

    ``late``: a deadline, run after everything else due at its instant (see
    ``VirtualClock.schedule_deadline``); ``soft``: a deadline that happens only if time
    reaches it (see ``VirtualClock.schedule_soft``)."""

    __slots__ = ("at", "callback", "cancelled", "late", "soft")

    def __init__(self, at: float, callback: Callable[[], None]) -> None:
        self.at = at
        self.callback = callback
        self.cancelled = False
        self.late = False
        self.soft = False

    def cancel(self) -> None:
        self.cancelled = True
        self.callback = _nothing  # what the callback holds can be freed before the entry is


def _parse_start(start: datetime | str | float | None) -> float:
    if start is None:
        return _time.time()
    t = _to_epoch(start)
    if not MIN_TIME <= t <= MAX_TIME:  # NaN fails this too
        raise ValueError(
            f"a clock starts between years 1 and 9999 "
            f"(epoch seconds {MIN_TIME:.0f} to {MAX_TIME:.3f}), not at {start!r}"
        )
    return t


def _to_epoch(start: datetime | str | float) -> float:
    if isinstance(start, (int, float)):
        return float(start)
    if isinstance(start, str):
        start = _dateparser.isoparse(start)
    if not isinstance(start, datetime):
        raise ValueError(f"expected a datetime, an ISO 8601 string or epoch seconds: {start!r}")
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    return min(start.timestamp(), MAX_TIME)  # a datetime holds up to 9999-12-31T23:59:59.999999


def to_datetime(t: float) -> datetime:
    """An aware UTC datetime for an epoch time, rounded to the millisecond.

    Counted in whole milliseconds from the epoch, so the rounding stays exact at any year
    (a float's microseconds are not, near year 9999).
    """
    return _EPOCH + timedelta(milliseconds=round(t * 1000))


def format_iso(t: float) -> str:
    """ISO 8601 with milliseconds and ``Z``, as AWS writes context timestamps."""
    ms = round(t * 1000)
    secs, milli = divmod(ms, 1000)
    return _time.strftime("%Y-%m-%dT%H:%M:%S", _time.gmtime(secs)) + f".{milli:03d}Z"


class VirtualClock:
    """Simulated time: runs scheduled callbacks in time order without ever sleeping."""

    def __init__(self, start: datetime | str | float | None = None) -> None:
        self._now = _parse_start(start)
        self._queue: list[tuple[float, int, Timer]] = []
        self._seq = itertools.count()
        self._horizon: list[Timer] = []
        self._horizon_prune_at = 64

    def now(self) -> float:
        """The current time, as epoch seconds."""
        return self._now

    def schedule(self, at: float, callback: Callable[[], None]) -> Timer:
        """Run ``callback`` when the clock reaches ``at`` (never earlier than now).

        An ``at`` past ``MAX_TIME`` (or NaN) is never reached: see ``at_horizon``.
        """
        if not at >= self._now:  # earlier than now, or NaN
            at = math.inf if math.isnan(at) else self._now
        timer = Timer(at, callback)
        heapq.heappush(self._queue, (at, next(self._seq), timer))
        return timer

    def at_horizon(self, callback: Callable[[], None]) -> Timer:
        """Run ``callback`` if the clock would have to pass ``MAX_TIME``: it stops there.

        Callbacks run in the order they were given; cancelled ones are skipped.
        """
        timer = Timer(MAX_TIME, callback)
        horizon = self._horizon
        horizon.append(timer)
        if len(horizon) >= self._horizon_prune_at:  # finished executions cancel theirs
            self._horizon = [t for t in horizon if not t.cancelled]
            self._horizon_prune_at = max(64, 2 * len(self._horizon))
        return timer

    def schedule_deadline(self, at: float, callback: Callable[[], None]) -> Timer:
        """Run ``callback`` at ``at`` after everything else due at that instant, also what
        is scheduled for it meanwhile: an answer that arrives exactly at a deadline is in
        time (states-language.net: a task fails when it "runs longer than" TimeoutSeconds).
        The timer goes once more to the back of its instant's queue before it runs."""
        timer = self.schedule(at, callback)
        timer.late = True
        return timer

    def schedule_soft(self, at: float, callback: Callable[[], None]) -> Timer:
        """A deadline (an execution's maximum duration): it runs when the clock reaches
        ``at`` on its way to something later, or when it is moved there (``run(until=...)``,
        ``advance``), but it is no reason on its own for ``run()``/``step()`` to move the
        clock: with only soft timers left, nothing is scheduled (``next_due()`` is None).
        A real clock does the same: ``aslrun run --clock real`` does not wait a year for an
        execution that waits for a callback.  Like any deadline it runs after everything
        else due at its instant (``schedule_deadline``)."""
        timer = self.schedule_deadline(at, callback)
        timer.soft = True
        return timer

    def _requeue(self, at: float, timer: Timer) -> None:
        """A deadline's first turn: behind everything now due at its instant."""
        timer.late = False
        heapq.heappush(self._queue, (at, next(self._seq), timer))

    def call_soon(self, callback: Callable[[], None]) -> Timer:
        return self.schedule(self._now, callback)

    def pending(self) -> int:
        """The callbacks scheduled to run (soft deadlines not counted)."""
        return sum(1 for _, _, t in self._queue if not t.cancelled and not t.soft)

    def next_due(self) -> float | None:
        queue = self._queue
        while queue and queue[0][2].cancelled:
            heapq.heappop(queue)
        if not queue or (queue[0][2].soft and not self._has_hard()):
            return None
        return queue[0][0]

    def _has_hard(self) -> bool:
        """Whether anything but soft deadlines is scheduled (looked at only when a soft
        deadline is next: at the end of a run, seldom)."""
        return any(not t.cancelled and not t.soft for _, _, t in self._queue)

    def step(self) -> bool:
        """Run the next due callback; False when nothing is scheduled."""
        queue = self._queue
        pop = heapq.heappop
        while queue:
            at, _, timer = queue[0]
            if timer.cancelled:
                pop(queue)
                continue
            if timer.soft and not self._has_hard():
                return False  # only deadlines are left: nothing to run
            if at > MAX_TIME:
                return self._reach_horizon()
            pop(queue)
            if timer.late:
                self._requeue(at, timer)
                continue
            if at > self._now:  # noqa: PLR1730 (max() is a call, and this runs every step)
                self._now = at
            timer.callback()
            return True
        return False

    def _reach_horizon(self) -> bool:
        """The next entry is due past ``MAX_TIME``: stop the clock there and run the horizon
        callbacks; with none left, drop the entries nothing can ever reach."""
        horizon = [t for t in self._horizon if not t.cancelled]
        self._horizon = []
        if not horizon:
            self._queue = [e for e in self._queue if e[0] <= MAX_TIME]
            heapq.heapify(self._queue)
            return False
        self._now = max(self._now, MAX_TIME)
        for timer in horizon:
            if not timer.cancelled:
                timer.callback()
        return True

    def run(self, until: datetime | str | float | None = None) -> None:
        """Run callbacks in order until none is left (or the next is after ``until``: epoch
        seconds, a datetime (naive = UTC) or an ISO 8601 string)."""
        end = math.inf if until is None else _to_epoch(until)
        queue = self._queue
        pop = heapq.heappop
        while queue:
            at, _, timer = queue[0]
            if timer.cancelled:
                pop(queue)
                continue
            if at > end or (timer.soft and until is None and not self._has_hard()):
                break  # (only deadlines left, and no time to move to: nothing to run)
            if at > MAX_TIME:
                if not self._reach_horizon():
                    break
                continue
            pop(queue)
            if timer.late:
                self._requeue(at, timer)
                continue
            if at > self._now:  # noqa: PLR1730 (max() is a call, and this runs every step)
                self._now = at
            timer.callback()
        if until is not None and end > self._now:
            self._now = min(end, MAX_TIME)

    def advance(self, seconds: float | timedelta) -> None:
        """Move time forward by ``seconds`` (or a timedelta), running what falls due on the way."""
        if isinstance(seconds, timedelta):
            seconds = seconds.total_seconds()
        self.run(until=self._now + seconds)


class RealClock(VirtualClock):
    """The same scheduler on wall-clock time: it waits for real before each due callback.

    The wait is on ``wakeup``, a condition variable: ``wake()`` (and any ``schedule``) ends it
    early, so a thread waiting for a far deadline picks up work scheduled meanwhile (a server's
    request: a callback, a stop, a new execution).  ``lock``: the lock of that condition; a
    service guarded by the same lock lets other threads in while the clock waits.
    """

    def __init__(self, *, lock: threading.RLock | None = None) -> None:
        super().__init__(_time.time())
        self.wakeup = threading.Condition(lock if lock is not None else threading.RLock())
        self._woken = False

    def now(self) -> float:
        self._now = max(self._now, _time.time())
        return self._now

    def step(self) -> bool:
        """Run the next due callback; False when nothing is scheduled."""
        queue = self._queue
        while queue:
            at, _, timer = queue[0]
            if timer.cancelled:
                heapq.heappop(queue)
                continue
            if timer.soft and not self._has_hard():
                return False  # only deadlines are left: nothing to wait for
            if at > MAX_TIME:
                return self._reach_horizon()
            if not self._wait_until(at) or not queue or queue[0][2] is not timer:
                continue  # woken (or another thread ran it): look at the queue again
            heapq.heappop(queue)
            if timer.late:
                self._requeue(at, timer)
                continue
            self._now = max(self._now, at)
            timer.callback()
            return True
        return False

    def run(self, until: datetime | str | float | None = None) -> None:
        """Run callbacks in order until none is left (or the next is after ``until``: epoch
        seconds, a datetime (naive = UTC) or an ISO 8601 string)."""
        if until is not None:
            until = _to_epoch(until)
        while True:
            due = self.next_due()
            if due is None or (until is not None and due > until):
                if until is None or until <= self._now or self._wait_until(min(until, MAX_TIME)):
                    break
                continue  # woken before ``until``: something may have been scheduled
            if not self.step():
                break
        if until is not None and until > self._now:
            self._now = min(until, MAX_TIME)

    def schedule(self, at: float, callback: Callable[[], None]) -> Timer:
        timer = super().schedule(at, callback)
        self.wake()
        return timer

    def wake(self) -> None:
        """End a wait in progress (in any thread) so the queue is looked at again."""
        with self.wakeup:
            self._woken = True
            self.wakeup.notify_all()

    def _wait_until(self, at: float) -> bool:
        with self.wakeup:
            while (delay := at - _time.time()) > 0 and not self._woken:
                self.wakeup.wait(delay)
            woken, self._woken = self._woken, False
            self._now = max(self._now, _time.time())
            return not woken or _time.time() >= at
