"""A run as text: one line per history event, on simulated time, then the outcome.

::

     #  TIME                      STATE             WHAT
     1  2026-11-30T12:00:00.000Z                    execution started
     2  2026-11-30T12:00:00.000Z  RecordingWait     entered Wait state, waiting until
                                                    2026-12-01T09:00:00.000Z (21h 0m 0s)
     ...
    SUCCEEDED after 22h 0m 0s on the virtual clock

The event ids are AWS's, so the ``(entered at the event id #N)`` in a cause can be looked up.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

__all__ = [
    "Timeline",
    "definition_state_names",
    "describe_event",
    "event_state_names",
    "format_duration",
    "format_time",
    "outcome",
    "render",
]

_PAYLOAD_WIDTH = 72
_EXECUTION_EVENTS = frozenset(
    {
        "ExecutionStarted",
        "ExecutionSucceeded",
        "ExecutionFailed",
        "ExecutionTimedOut",
        "ExecutionAborted",
    }
)


class _Run(Protocol):
    """What the renderer reads from an :class:`aslrun.Execution`."""

    @property
    def status(self) -> str: ...

    @property
    def history(self) -> list[dict[str, Any]]: ...

    @property
    def output_json(self) -> str | None: ...

    @property
    def error(self) -> str | None: ...

    @property
    def cause(self) -> str | None: ...

    @property
    def name(self) -> str: ...


def format_time(moment: datetime) -> str:
    """``2026-12-01T09:00:00.000Z``: UTC, milliseconds, as AWS writes context timestamps."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def format_duration(seconds: float) -> str:
    """``1d 2h 3m 4s``; milliseconds are shown only when there are some (``1.5s``)."""
    millis = round(seconds * 1000)
    secs, ms = divmod(millis, 1000)
    days, secs = divmod(secs, 86400)
    hours, secs = divmod(secs, 3600)
    minutes, secs = divmod(secs, 60)
    parts = []
    if days:
        parts.append(f"{days}d")
    if days or hours:
        parts.append(f"{hours}h")
    if days or hours or minutes:
        parts.append(f"{minutes}m")
    parts.append(f"{secs}.{ms:03d}s".replace(".000s", "s") if ms else f"{secs}s")
    return " ".join(parts)


def _words(event_type: str) -> str:
    """``MapIterationStarted`` -> ``map iteration started``."""
    return " ".join(w.lower() for w in re.findall(r"[A-Z][a-z]*", event_type))


def _short(text: str, width: int = _PAYLOAD_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _details(event: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            return value
    return {}


def _failure(details: Mapping[str, Any]) -> str:
    error, cause = details.get("error"), details.get("cause")
    text = f": {error}" if error else ""
    if cause:
        text += f" ({_short(str(cause))})"
    return text


def describe_event(event: Mapping[str, Any], exits: Mapping[int, datetime]) -> str:
    """What happened, in a few words, for one GetExecutionHistory-shaped event.

    ``exits`` maps the id of each WaitStateEntered event to the time its state exited, so the
    entry can say how long it waits.
    """
    kind: str = event["type"]
    details = _details(event)
    if kind == "ExecutionStarted":
        return f"execution started, input {_short(details.get('input', 'null'))}"
    if kind == "ExecutionSucceeded":
        return "execution succeeded"
    if kind in _EXECUTION_EVENTS:
        return _words(kind) + _failure(details)
    if kind.endswith("StateEntered"):
        state_type = kind[: -len("StateEntered")]
        text = f"entered {state_type} state"
        until = exits.get(event["id"])
        if state_type == "Wait" and until is not None:
            waited = (until - event["timestamp"]).total_seconds()
            text += f", waiting until {format_time(until)} ({format_duration(waited)})"
        return text
    if kind.endswith("StateExited"):
        return "exited"
    if kind == "LambdaFunctionScheduled":
        function = str(details.get("resource", "")).split(":function:")[-1]
        return f"Lambda function {function} scheduled, input {_short(details.get('input', ''))}"
    if kind == "TaskScheduled":
        resource = f"{details.get('resourceType', '')}:{details.get('resource', '')}"
        return f"task {resource} scheduled, input {_short(details.get('parameters', ''))}"
    if kind in ("LambdaFunctionStarted", "TaskStarted"):
        return "Lambda function started" if kind.startswith("Lambda") else "task started"
    if kind in ("LambdaFunctionSucceeded", "TaskSucceeded"):
        who = "Lambda function" if kind.startswith("Lambda") else "task"
        return f"{who} succeeded, output {_short(details.get('output', 'null'))}"
    text = _words(kind)
    if kind.startswith("Lambda"):
        text = "Lambda" + text[len("lambda") :]
    if "index" in details:
        text += f" {details['index']}"
    return text + _failure(details)


def event_state_names(history: Sequence[Mapping[str, Any]]) -> dict[int, str]:
    """Each event's state: its own ``name``, else that of the event it follows."""
    names: dict[int, str] = {}
    for event in history:
        names[event["id"]] = _state_name(event, names)
    return names


def _state_name(event: Mapping[str, Any], names: Mapping[int, str]) -> str:
    if event["type"] in _EXECUTION_EVENTS:
        return ""
    name = _details(event).get("name")
    if not isinstance(name, str):
        name = names.get(event["previousEventId"], "")
    return name


def _wait_exits(history: Sequence[Mapping[str, Any]]) -> dict[int, datetime]:
    exits: dict[int, datetime] = {}
    for event in history:
        if event["type"] == "WaitStateExited":
            exits[event["previousEventId"]] = event["timestamp"]
    return exits


def definition_state_names(definition: Mapping[str, Any]) -> list[str]:
    """Every state name of a definition, nested ones (Parallel branches, Map processors) too."""
    found: list[str] = []
    pending: list[Any] = [definition]
    while pending:
        machine = pending.pop()
        states = machine.get("States") if isinstance(machine, Mapping) else None
        if not isinstance(states, Mapping):
            continue
        for name, state in states.items():
            found.append(str(name))
            if not isinstance(state, Mapping):
                continue
            branches = state.get("Branches")
            if isinstance(branches, list):
                pending.extend(branches)
            pending.extend(state.get(key) for key in ("ItemProcessor", "Iterator"))
    return found


class Timeline:
    """The timeline's lines, one event at a time: for a finished run or one in progress.

    ``width`` is the STATE column's, ``id_width`` the ``#`` column's.  ``exits`` (the exit
    time of each WaitStateEntered event, known only once a run has finished) lets a Wait's
    entry say how long it waits.  With ``details``, each event is followed by its
    ``*EventDetails`` as compact JSON.
    """

    def __init__(
        self,
        *,
        width: int,
        id_width: int,
        exits: Mapping[int, datetime] | None = None,
        details: bool = False,
    ) -> None:
        self.width = max(width, len("STATE"))
        self.id_width = id_width
        self.exits: Mapping[int, datetime] = exits or {}
        self.details = details
        self._names: dict[int, str] = {}

    def header(self) -> str:
        return f"{'#'.rjust(self.id_width)}  {'TIME':<24}  {'STATE':<{self.width}}  WHAT"

    def lines(self, event: Mapping[str, Any]) -> list[str]:
        """The line (and with ``details``, the details line) of the next event."""
        name = _state_name(event, self._names)
        self._names[event["id"]] = name
        out = [
            f"{str(event['id']).rjust(self.id_width)}  {format_time(event['timestamp'])}  "
            f"{name:<{self.width}}  {describe_event(event, self.exits)}"
        ]
        if self.details:
            shown = _details(event)
            if shown:
                text = json.dumps(shown, ensure_ascii=False, separators=(",", ":"))
                out.append(f"{' ' * self.id_width}  {text}")
        return out


def outcome(execution: _Run, clock: str) -> Iterator[str]:
    """The closing lines: a blank line, the status and time taken, then output or failure."""
    history = execution.history
    yield ""
    if history:
        spent = (history[-1]["timestamp"] - history[0]["timestamp"]).total_seconds()
        yield f"{execution.status} after {format_duration(spent)} on the {clock} clock"
    else:
        yield execution.status
    if execution.status == "SUCCEEDED":
        yield f"output: {execution.output_json}"
    else:
        if execution.error is not None:
            yield f"error: {execution.error}"
        if execution.cause is not None:
            yield f"cause: {execution.cause}"


def render(execution: _Run, *, details: bool = False, clock: str = "virtual") -> Iterator[str]:
    """The lines of the timeline and outcome of a finished execution.

    With ``details``, each event is followed by its ``*EventDetails`` as compact JSON.
    ``clock`` names the clock the run used, for the closing line.
    """
    history = execution.history
    names = event_state_names(history)
    table = Timeline(
        width=max([0, *(len(n) for n in names.values())]),
        id_width=len(str(len(history))),
        exits=_wait_exits(history),
        details=details,
    )
    yield table.header()
    for event in history:
        yield from table.lines(event)
    yield from outcome(execution, clock)
