"""When a Wait state ends: Seconds, SecondsPath, Timestamp, TimestampPath (or JSONata)."""

from __future__ import annotations

from typing import Any

from aslrun._json import JSON
from aslrun.definition.model import WaitState
from aslrun.errors import StateFailure
from aslrun.lang.dynamic import epoch_seconds
from aslrun.runtime.frame import Frame
from aslrun.runtime.guarded import _aborted, _effective_input, complete
from aslrun.runtime.process import StateGen, sleep

__all__ = ["MAX_WAIT_SECONDS", "parse_rfc3339", "run_wait", "wait_until"]

MAX_WAIT_SECONDS = 2**31 - 1
"""AWS refuses a Wait longer than this ('Wait state delay is too long.')."""


def parse_rfc3339(text: object) -> float | None:
    """Epoch seconds of an RFC 3339 timestamp as AWS accepts it, or None."""
    return epoch_seconds(text)


def wait_until(state: WaitState, run: Any, data: JSON, now: float) -> float:
    """The instant the Wait state ends; raise StateFailure with AWS's wording when invalid."""
    wait = state.wait
    if wait is None:
        return now
    value = wait.resolve(run, data)
    return _bounded(now, value if wait.kind == "instant" else now + value)


def _bounded(now: float, until: float) -> float:
    if until - now > MAX_WAIT_SECONDS:
        raise StateFailure("States.Runtime", "Wait state delay is too long.")
    return max(now, until)


def run_wait(state: WaitState, frame: Frame, data: JSON) -> StateGen:
    run = frame.enter(state, data)
    now = run.entered
    try:
        effective = data if state.input_path is None else _effective_input(state, run, data)
        until = wait_until(state, run, effective, now)
    except StateFailure as f:
        raise frame.located(run, f) from None
    if until > now:
        try:
            yield sleep(frame.rt, until)
        except GeneratorExit:
            _aborted(frame, state)
            raise
    try:
        out = complete(frame, run, state, effective, has_result=False)
    except StateFailure as f:
        raise frame.located(run, f) from None
    return state.next, out
