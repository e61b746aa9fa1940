"""Where the runtime's side of callbacks and activities plugs into the service.

The service validates every SendTask*/GetActivityTask request and answers with AWS's errors;
what a valid request then does (resume a ``.waitForTaskToken`` Task, hand an activity task to
a worker) belongs to the runtime, which registers its in-flight invocations here.

TODO(service-2, after the runtime's ``Invoke`` effect lands): make ``RuntimeHooks.task`` find
the in-flight invocation registered under a token and ``poll_activity`` pop an activity's
oldest scheduled task (recording ActivityStarted with the worker name).
"""

from __future__ import annotations

from typing import Protocol

from aslrun._json import JSON
from aslrun.service.errors import InvalidToken

__all__ = ["RuntimeHooks", "TaskHandle"]


class TaskHandle(Protocol):
    """An in-flight task waiting for its token's answer."""

    def succeed(self, output: JSON) -> None: ...

    def fail(self, error: str | None, cause: str | None) -> None: ...

    def heartbeat(self) -> None: ...


class RuntimeHooks:
    """The runtime's answers; this default knows of no task and no scheduled activity."""

    def task(self, token: str) -> TaskHandle:
        """The task a token was issued for; ``TaskTimedOut`` when it has closed,
        ``InvalidToken`` when no such token was ever issued."""
        raise InvalidToken(f"Invalid Token: '{token}'")

    def poll_activity(self, activity_arn: str, worker_name: str | None) -> dict[str, str] | None:
        """The oldest task scheduled for the activity (``{"taskToken", "input"}``), if any."""
        return None
