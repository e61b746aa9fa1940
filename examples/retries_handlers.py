"""The Task handler for examples/retries.asl.json: a flaky fetch.

``Fetch`` fails with the error ``Flaky`` on its first two calls in an execution, then takes
4 s of simulated time and succeeds, so one run shows the ``Flaky`` retrier's back-off
(1 s, then 2 s) before the Map fans out::

    aslrun run examples/retries.asl.json --handlers examples/retries_handlers.py \\
        --input-file examples/retries.input.json --start 2026-12-01T09:00:00Z

The calls are counted per execution (by its ARN), so every run starts afresh.
"""

from __future__ import annotations

from typing import Any

import aslrun

FAILURES_BEFORE_SUCCESS = 2

_calls: dict[str, int] = {}


@aslrun.handler("Fetch")
def fetch(event: dict[str, Any], context: aslrun.HandlerContext) -> dict[str, Any]:
    """Fail twice with ``Flaky``, then spend 4 s and return ``{"ok": true}``."""
    calls = _calls.get(context.execution_arn, 0) + 1
    _calls[context.execution_arn] = calls
    if calls <= FAILURES_BEFORE_SUCCESS:
        raise aslrun.TaskFailed("Flaky", f"attempt {calls} failed; try again")
    context.sleep(4)  # the function takes 4 s of simulated time (TimeoutSeconds is 10)
    return {"ok": True}
