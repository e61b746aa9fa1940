"""An execution explained for a person reading a failed test: its status, the state that
failed with its input, the error and cause, the history around the failure, and the Python
traceback of a handler that raised."""

from __future__ import annotations

import json
import traceback
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from aslrun.testing.inspect import _details, path, state_of

__all__ = ["explain", "handler_traceback"]

WINDOW: Final = 4  # events shown before the failure (and the ones after it)
_TEXT: Final = 300  # inputs and causes are cut to this many characters
_PACKAGE: Final = Path(__file__).resolve().parent.parent


def _short(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= _TEXT else text[: _TEXT - 3] + "..."


def _when(moment: object) -> str:
    return moment.isoformat() if isinstance(moment, datetime) else str(moment)


def _failure_event(history: Sequence[Mapping[str, Any]]) -> int | None:
    """The index of the event that failed the execution's last failing state, if any."""
    owner = state_of(history)
    for index in range(len(history) - 1, -1, -1):
        event = history[index]
        kind = str(event["type"])
        failed = kind.endswith(("Failed", "TimedOut", "Aborted")) or kind == "EvaluationFailed"
        if failed and not kind.startswith("Execution") and event["id"] in owner:
            return index
    return None


def handler_traceback(error: BaseException | None) -> str | None:
    """The Python traceback of the exception a handler raised, as Python prints it."""
    if error is None:
        return None
    tb = error.__traceback__
    while tb is not None and Path(tb.tb_frame.f_code.co_filename).is_relative_to(_PACKAGE):
        tb = tb.tb_next  # aslrun's own frames (the invoker, the registry): not the handler's
    return "".join(traceback.format_exception(type(error), error, tb or error.__traceback__))


def explain(execution: Any, *, handler_errors: Sequence[tuple[str, BaseException]] = ()) -> str:
    """A few lines a person can act on: status, failing state, input, error, history, traceback.

    ``execution``: an ``aslrun.Execution``.  ``handler_errors``: ``(state, exception)`` pairs a
    test harness recorded; the execution's own ``handler_exception`` is shown first.
    """
    history: list[dict[str, Any]] = execution.history
    lines = [f"execution {execution.name}: {execution.status}"]
    lines.append(f"  path: {' -> '.join(path(history)) or '(no state entered)'}")
    failed_at = _failure_event(history)
    owner = state_of(history)
    if failed_at is not None:
        state = owner[history[failed_at]["id"]]
        entered = [
            e
            for e in history[:failed_at]
            if str(e["type"]).endswith("StateEntered") and _details(e).get("name") == state
        ]
        lines.append(f"  failing state: {state}")
        if entered:
            lines.append(f"  its input: {_short(_details(entered[-1]).get('input'))}")
    if execution.status == "RUNNING":
        running = ", ".join(s.name for s in execution.current_states) or "none"
        lines.append(f"  still running: {running}")
    if execution.error is not None or execution.cause is not None:
        lines.append(f"  error: {execution.error}")
        lines.append(f"  cause: {_short(execution.cause or '')}")
    lines.append("  history around the failure:" if failed_at is not None else "  history (end):")
    centre = failed_at if failed_at is not None else len(history) - 1
    for event in history[max(0, centre - WINDOW) : centre + WINDOW + 1]:
        lines.append("    " + _event_line(event, owner))
    shown = _tracebacks(execution, handler_errors)
    for state, text in shown:
        lines.append(f"  handler traceback ({state}):")
        lines.extend("    " + line for line in text.rstrip().splitlines())
    return "\n".join(lines)


def _event_line(event: Mapping[str, Any], owner: Mapping[int, str]) -> str:
    details = _details(event)
    what = owner.get(event["id"], "")
    extra = details.get("error")
    tail = f"  {what}" if what else ""
    if extra:
        tail += f"  {extra}"
    return f"{event['id']:>4}  {_when(event['timestamp'])}  {event['type']}{tail}"


def _tracebacks(
    execution: Any, handler_errors: Sequence[tuple[str, BaseException]]
) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    seen: set[int] = set()
    own = getattr(execution, "handler_exception", None)
    for state, error in [*handler_errors, *([("", own)] if own is not None else [])]:
        if id(error) in seen:
            continue
        seen.add(id(error))
        text = handler_traceback(error)
        if text is not None:
            out.append((state or "the failing Task", text))
    return out[-2:]  # the last two: the one that ended the execution, and one before it
