"""VirtualClock: a (time, seq, callback) heap that jumps to the next due entry and never sleeps."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from aslrun.runtime.clock import RealClock, VirtualClock, format_iso, to_datetime

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc).timestamp()


def test_start_forms() -> None:
    """start may be an ISO string (Z or offset), an aware datetime or epoch seconds."""
    assert VirtualClock("2026-01-01T00:00:00Z").now() == T0
    assert VirtualClock("2026-01-01T01:00:00+01:00").now() == T0
    assert VirtualClock(datetime(2026, 1, 1, tzinfo=timezone.utc)).now() == T0
    assert VirtualClock(T0).now() == T0


def test_runs_in_time_order_and_jumps() -> None:
    clock = VirtualClock(T0)
    log: list[tuple[str, float]] = []
    clock.schedule(T0 + 30, lambda: log.append(("b", clock.now() - T0)))
    clock.schedule(T0 + 10, lambda: log.append(("a", clock.now() - T0)))
    clock.schedule(T0 + 86400, lambda: log.append(("c", clock.now() - T0)))
    clock.run()
    assert log == [("a", 10), ("b", 30), ("c", 86400)]
    assert clock.now() == T0 + 86400


def test_same_time_runs_in_scheduling_order() -> None:
    """Ties are broken by scheduling order (the seq counter): deterministic."""
    clock = VirtualClock(T0)
    log: list[int] = []
    for i in range(5):
        clock.schedule(T0 + 1, lambda i=i: log.append(i))
    clock.run()
    assert log == [0, 1, 2, 3, 4]


def test_past_times_run_now_never_backwards() -> None:
    clock = VirtualClock(T0)
    seen: list[float] = []
    clock.schedule(T0 - 100, lambda: seen.append(clock.now()))
    clock.run()
    assert seen == [T0]


def test_cancelled_timers_are_skipped() -> None:
    clock = VirtualClock(T0)
    log: list[str] = []
    timer = clock.schedule(T0 + 5, lambda: log.append("x"))
    clock.schedule(T0 + 6, lambda: log.append("y"))
    timer.cancel()
    assert clock.pending() == 1
    clock.run()
    assert log == ["y"]


def test_step_runs_one_callback() -> None:
    clock = VirtualClock(T0)
    log: list[int] = []
    clock.schedule(T0 + 1, lambda: log.append(1))
    clock.schedule(T0 + 2, lambda: log.append(2))
    assert clock.step() is True
    assert log == [1] and clock.now() == T0 + 1
    assert clock.step() is True
    assert clock.step() is False


def test_callbacks_may_schedule_more() -> None:
    clock = VirtualClock(T0)
    log: list[float] = []

    def tick() -> None:
        log.append(clock.now() - T0)
        if len(log) < 3:
            clock.schedule(clock.now() + 10, tick)

    clock.schedule(T0, tick)
    clock.run()
    assert log == [0, 10, 20]


def test_run_until_and_advance() -> None:
    """run(until) stops before later entries and sets now to until; advance(s) = run(now + s)."""
    clock = VirtualClock(T0)
    log: list[int] = []
    clock.schedule(T0 + 5, lambda: log.append(5))
    clock.schedule(T0 + 15, lambda: log.append(15))
    clock.run(until=T0 + 10)
    assert log == [5] and clock.now() == T0 + 10
    clock.advance(4)
    assert log == [5] and clock.now() == T0 + 14
    clock.advance(1)
    assert log == [5, 15] and clock.now() == T0 + 15


@pytest.mark.parametrize(
    ("offset", "text"),
    [
        (0, "2026-01-01T00:00:00.000Z"),
        (0.5, "2026-01-01T00:00:00.500Z"),
        (59.999, "2026-01-01T00:00:59.999Z"),
        (0.9996, "2026-01-01T00:00:01.000Z"),
        (86400 + 3661.25, "2026-01-02T01:01:01.250Z"),
    ],
)
def test_format_iso(offset: float, text: str) -> None:
    """Context timestamps: ISO 8601 with exactly three fractional digits and Z."""
    assert format_iso(T0 + offset) == text


def test_to_datetime_is_aware_utc_millis() -> None:
    assert to_datetime(T0 + 1.25) == datetime(2026, 1, 1, 0, 0, 1, 250_000, tzinfo=timezone.utc)
    assert to_datetime(T0 + 1.0004) == datetime(2026, 1, 1, 0, 0, 1, 0, tzinfo=timezone.utc)
    assert to_datetime(T0).tzinfo is timezone.utc


def test_a_soft_deadline_alone_does_not_move_the_clock() -> None:
    """A soft timer (an execution's maximum duration) is no reason on its own to move the
    clock: run() and step() stop, next_due() is None, pending() does not count it."""
    clock = VirtualClock(T0)
    log: list[float] = []
    clock.schedule_soft(T0 + 100, lambda: log.append(clock.now()))
    assert clock.step() is False
    clock.run()
    assert (log, clock.now(), clock.next_due(), clock.pending()) == ([], T0, None, 0)


def test_a_soft_deadline_runs_when_time_passes_it() -> None:
    clock = VirtualClock(T0)
    log: list[str] = []
    clock.schedule_soft(T0 + 100, lambda: log.append("deadline"))
    clock.schedule(T0 + 200, lambda: log.append("later"))
    assert clock.next_due() == T0 + 100  # something later is scheduled: time will pass it
    clock.run()
    assert log == ["deadline", "later"]
    other = VirtualClock(T0)
    seen: list[float] = []
    other.schedule_soft(T0 + 100, lambda: seen.append(other.now()))
    other.run(until=T0 + 150)  # moved there explicitly
    assert seen == [T0 + 100]
    assert other.now() == T0 + 150


def test_a_real_clock_does_not_wait_for_a_soft_deadline_alone() -> None:
    """``aslrun run --clock real`` steps until nothing is scheduled: an execution waiting
    for a callback must not keep it waiting a year of wall time."""
    clock = RealClock()
    timer = clock.schedule_soft(clock.now() + 3600, lambda: None)
    assert clock.next_due() is None
    assert clock.step() is False  # returns at once
    timer.cancel()


def test_a_deadline_runs_after_everything_else_due_at_its_instant() -> None:
    """An answer that arrives exactly at a deadline is in time (states-language.net: a task
    fails when it "runs longer than" TimeoutSeconds): the deadline, though scheduled first,
    runs after what is due at its instant, also what is scheduled for it meanwhile."""
    clock = VirtualClock(T0)
    log: list[str] = []
    clock.schedule_deadline(T0 + 10, lambda: log.append("deadline"))
    clock.schedule(T0 + 10, lambda: log.append("answer"))
    clock.schedule(T0 + 5, lambda: clock.schedule(T0 + 10, lambda: log.append("later")))
    clock.run()
    assert log == ["answer", "later", "deadline"]
    assert clock.now() == T0 + 10
