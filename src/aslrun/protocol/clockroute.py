"""The clock route: read the service's time, and move a virtual clock, over the wire.

``GET /_aslrun/clock`` answers ``{"now", "epoch", "nextDue", "clock"}``; ``POST /_aslrun/clock``
with one of ``{"advance": SECONDS}``, ``{"runUntil": WHEN}`` (ISO 8601 or epoch seconds) or
``{"run": true}`` moves a virtual clock as ``StepFunctions.advance`` / ``run_until`` / ``run``
do, then answers the same document.  A real clock cannot be moved (400).
"""

from __future__ import annotations

import json
from typing import Final

from aslrun._json import JSON
from aslrun.errors import AslrunError
from aslrun.protocol.dispatch import Dispatcher, Reply, json_reply
from aslrun.runtime.clock import RealClock, format_iso

__all__ = ["CLOCK_PATH", "clock_request"]

CLOCK_PATH: Final = "/_aslrun/clock"
_ERROR_TYPE: Final = "AslrunClockError"


def clock_request(dispatcher: Dispatcher, method: str, body: bytes) -> Reply:
    """Serve ``GET`` (read) or ``POST`` (move) on the clock route."""
    service = dispatcher.service
    with dispatcher.lock:
        if method == "POST":
            try:
                _move(dispatcher, body)
            except (AslrunError, ValueError, TypeError) as e:
                return json_reply(400, {"__type": _ERROR_TYPE, "message": str(e)})
        clock = service.clock
        due = clock.next_due()
        return json_reply(
            200,
            {
                "now": format_iso(clock.now()),
                "epoch": round(clock.now(), 3),
                "nextDue": None if due is None else format_iso(due),
                "clock": "real" if isinstance(clock, RealClock) else "virtual",
            },
        )


def _move(dispatcher: Dispatcher, body: bytes) -> None:
    service = dispatcher.service
    if isinstance(service.clock, RealClock):
        raise ValueError(
            "the server runs on the real clock; start it with --clock virtual to move time"
        )
    try:
        request: JSON = json.loads(body) if body.strip() else {}
    except ValueError as e:
        raise ValueError(f"the request body is not JSON: {e}") from None
    if not isinstance(request, dict) or len(request) != 1:
        raise ValueError(
            'give exactly one of {"advance": SECONDS}, {"runUntil": WHEN}, {"run": true}'
        )
    ((what, value),) = request.items()
    if what == "advance":
        service.advance(value)
    elif what == "runUntil":
        service.run_until(value)
    elif what == "run" and value is True:
        service.run()
    else:
        raise ValueError(
            f"unknown clock request {what!r}: give "
            '{"advance": SECONDS}, {"runUntil": WHEN} or {"run": true}'
        )
