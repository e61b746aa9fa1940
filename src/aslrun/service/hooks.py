"""Where the runtime's side of callbacks and activities plugs into the service.

The service validates every SendTask*/GetActivityTask request and answers with AWS's errors;
what a valid request then does belongs to the runtime: each open invocation with a task token
is registered in the service's token table (``aslrun.runtime.invoke.Invocation``), and a
callback answers it there.

TODO(service-2): an invoker for the service under which a ``.waitForTaskToken`` Task waits for
its callback (today the handler still answers for the worker, so a token is open only while
its handler's simulated time runs), and ``poll_activity``: pop an activity's oldest scheduled
task, recording ActivityStarted with the worker's name.
"""

from __future__ import annotations

import uuid

from aslrun._json import JSON
from aslrun.runtime.invoke import Invocation, TokenTable
from aslrun.service.errors import InvalidToken, TaskTimedOut

__all__ = ["RuntimeHooks", "TaskHandle"]


class TaskHandle:
    """A callback's view of the task its token was issued for."""

    __slots__ = ("_invocation",)

    def __init__(self, invocation: Invocation) -> None:
        self._invocation = invocation

    def succeed(self, output: JSON) -> None:
        _answered(self._invocation.succeed(output))

    def fail(self, error: str | None, cause: str | None) -> None:
        # TODO(service-2): AWS's TaskFailed leaves ``error`` out when SendTaskFailure has none.
        _answered(self._invocation.fail(error or "", cause))

    def heartbeat(self) -> None:
        _answered(self._invocation.heartbeat())


def _answered(accepted: bool) -> None:
    if not accepted:  # closed between lookup and answer
        raise TaskTimedOut("Task Timed Out: 'Provided task does not exist anymore'")


class RuntimeHooks:
    """The runtime's answers to callbacks and activity polls."""

    __slots__ = ("tokens",)

    def __init__(self, tokens: TokenTable) -> None:
        self.tokens = tokens

    def task(self, token: str) -> TaskHandle:
        """The open task a token was issued for.  A token of ours whose task has closed (timed
        out, answered, its execution ended) is ``TaskTimedOut``, as on AWS; anything else is
        ``InvalidToken``."""
        invocation = self.tokens.get(token)
        if invocation is not None and not invocation.closed:
            return TaskHandle(invocation)
        try:
            uuid.UUID(token)
        except ValueError:
            raise InvalidToken(f"Invalid Token: '{token}'") from None
        raise TaskTimedOut("Task Timed Out: 'Provided task does not exist anymore'")

    def poll_activity(self, activity_arn: str, worker_name: str | None) -> dict[str, str] | None:
        """The oldest task scheduled for the activity (``{"taskToken", "input"}``), if any."""
        return None
