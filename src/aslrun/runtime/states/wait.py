"""When a Wait state ends: Seconds, SecondsPath, Timestamp, TimestampPath (or JSONata)."""

from __future__ import annotations

from typing import Any

from aslrun._json import JSON, dumps
from aslrun.definition.model import Template, WaitState
from aslrun.errors import StateFailure
from aslrun.lang.choice_operators import parse_timestamp
from aslrun.lang.templates import Scope, evaluate_typed, resolve_field
from aslrun.runtime.frame import Frame
from aslrun.runtime.guarded import _aborted, _effective_input, complete
from aslrun.runtime.process import Sleep, StateGen

__all__ = ["MAX_WAIT_SECONDS", "parse_rfc3339", "run_wait", "wait_until"]

MAX_WAIT_SECONDS = 2**31 - 1
"""AWS refuses a Wait longer than this ('Wait state delay is too long.')."""


def parse_rfc3339(text: Any) -> float | None:
    """Epoch seconds of an RFC 3339 timestamp as AWS accepts it, or None."""
    if not isinstance(text, str):
        return None
    parsed = parse_timestamp(text)
    return None if parsed is None else parsed.timestamp()


def _show(value: JSON) -> str:
    return value if isinstance(value, str) else dumps(value)


def wait_until(state: WaitState, run: Any, data: JSON, now: float) -> float:
    """The instant the Wait state ends; raise StateFailure with AWS's wording when invalid."""
    if state.seconds_path is not None:
        path = state.seconds_path
        value = _get(path, run, data, "SecondsPath")
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise StateFailure(
                    "States.Runtime",
                    f"The SecondsPath parameter cannot be parsed as a long value: "
                    f"{path.text} == {_show(value)}",
                )
        if value < 0:
            raise StateFailure(
                "States.Runtime",
                f"The SecondsPath parameter references a negative value: {path.text} == {value}",
            )
        return _bounded(now, now + value)
    if state.timestamp_path is not None:
        path = state.timestamp_path
        value = _get(path, run, data, "TimestampPath")
        at = parse_rfc3339(value)
        if at is None:
            raise StateFailure(
                "States.Runtime",
                "The TimestampPath parameter does not reference a valid ISO-8601 extended offset "
                f"date-time format string: {path.text} == {_show(value)}",
            )
        return _bounded(now, at)
    if isinstance(state.seconds, Template):
        secs = evaluate_typed(state.seconds, run, "Seconds", "integer")
        if secs < 0:
            raise StateFailure(
                "States.QueryEvaluationError",
                f"The Seconds field references a negative value: {secs}",
            )
        return _bounded(now, now + secs)
    if isinstance(state.timestamp, Template):
        text = evaluate_typed(state.timestamp, run, "Timestamp", "string")
        at = parse_rfc3339(text)
        if at is None:
            raise StateFailure(
                "States.QueryEvaluationError",
                "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time "
                f"format string: {text}",
            )
        return _bounded(now, at)
    if state.timestamp is not None:
        at = parse_rfc3339(state.timestamp)
        if at is None:
            raise StateFailure(
                "States.Runtime",
                "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time "
                f"format string: {state.timestamp}",
            )
        return _bounded(now, at)
    return _bounded(now, now + (state.seconds or 0))


def _get(path: Any, run: Any, data: JSON, field: str) -> JSON:
    return resolve_field(path, Scope(data, run), field)


def _bounded(now: float, until: float) -> float:
    if until - now > MAX_WAIT_SECONDS:
        raise StateFailure("States.Runtime", "Wait state delay is too long.")
    return max(now, until)


def run_wait(state: WaitState, frame: Frame, data: JSON) -> StateGen:
    run = frame.enter(state, data)
    clock = frame.rt.clock
    try:
        effective = _effective_input(state, run, data)
        until = wait_until(state, run, effective, clock.now())
    except StateFailure as f:
        raise frame.located(run, f) from None
    if until > clock.now():
        try:
            yield Sleep(until)
        except GeneratorExit:
            _aborted(frame, state)
            raise
    try:
        out = complete(frame, run, state, effective, has_result=False)
    except StateFailure as f:
        raise frame.located(run, f) from None
    return state.next, out
