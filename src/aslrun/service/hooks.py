"""Where the runtime's side of callbacks and activities plugs into the service.

The service validates every SendTask*/GetActivityTask request and answers with AWS's errors;
what a valid request then does belongs to the runtime: each open invocation with a task token
is registered in the service's token table (``aslrun.runtime.invoke.Invocation``), and a
callback answers it there.

``ActivityInvoker`` answers the service's Invoke effects: a Task on an activity ARN fails when
the activity does not exist (as AWS fails it), is served by a registered handler when there is
one (the handler is the worker, as under ``StateMachine.run``), and otherwise waits in the
activity's queue until ``get_activity_task`` hands it to a worker.  Every other resource goes
to the next invoker (the handlers).
"""

from __future__ import annotations

import uuid

from aslrun._json import JSON, dumps
from aslrun.errors import StatesError
from aslrun.runtime.invoke import NO_HANDLER, Answer, Invocation, Invoker
from aslrun.service.errors import InvalidToken, TaskTimedOut
from aslrun.service.store import ServiceState

__all__ = ["ActivityInvoker", "RuntimeHooks", "TaskHandle"]

_GONE = "Task Timed Out: 'Provided task does not exist anymore'"
_INVALID = "Invalid Token: 'Invalid token'"


class TaskHandle:
    """A callback's view of the task its token was issued for."""

    __slots__ = ("_invocation",)

    def __init__(self, invocation: Invocation) -> None:
        self._invocation = invocation

    def succeed(self, output: JSON) -> None:
        _answered(self._invocation.succeed(output))

    def fail(self, error: str | None, cause: str | None) -> None:
        _answered(self._invocation.fail(error, cause))  # no error: the history leaves it out

    def heartbeat(self) -> None:
        _answered(self._invocation.heartbeat())


def _answered(accepted: bool) -> None:
    if not accepted:  # closed between lookup and answer
        raise TaskTimedOut(_GONE)


class ActivityInvoker:
    """The service's invoker: activity tasks wait for a worker; the rest goes to ``then``."""

    __slots__ = ("s", "then")

    def __init__(self, s: ServiceState, then: Invoker) -> None:
        self.s = s
        self.then = then

    def start(self, invocation: Invocation) -> None:
        if invocation.info.kind != "activity":
            self.then.start(invocation)
            return
        arn = invocation.resource
        record = self.s.activities.get(arn)
        if record is None:  # recorded on AWS: States.Runtime, no Activity* event
            error = StatesError("States.Runtime", f"The activity {arn} does not exist.")
            invocation.answer(Answer(NO_HANDLER, None, error))
            return
        rt = invocation.rt
        if rt.registry.lookup(arn, None, invocation.state_name, rt.aliases) is not None:
            self.then.start(invocation)  # a registered handler is the worker
            return
        invocation.accept()  # ActivityScheduled; the heartbeat clock waits for a worker
        record.waiting.append(invocation)


class RuntimeHooks:
    """The runtime's answers to callbacks and activity polls."""

    __slots__ = ("s",)

    def __init__(self, s: ServiceState) -> None:
        self.s = s

    def task(self, token: str) -> TaskHandle:
        """The open task a token was issued for.  A token of ours whose task has closed (timed
        out, answered, its execution ended) is ``TaskTimedOut``, as on AWS; anything else is
        ``InvalidToken`` with AWS's fixed message (recorded on AWS, NaohiroTamura/faasshell
        tests/unit/test_aws_api_step_functions.pl: SendTaskHeartbeat("FakeTaskToken") ->
        ``Invalid Token: 'Invalid token'``, whatever the token)."""
        invocation = self.s.tokens.get(token)
        if invocation is not None and not invocation.closed:
            return TaskHandle(invocation)
        try:
            uuid.UUID(token)
        except ValueError:
            raise InvalidToken(_INVALID) from None
        raise TaskTimedOut(_GONE)

    def poll_activity(self, activity_arn: str, worker_name: str | None) -> dict[str, str] | None:
        """Hand the activity's oldest open task to a worker (``{"taskToken", "input"}``),
        recording ActivityStarted with the worker's name; None when no task waits.  Tasks
        closed meanwhile (timed out, their execution stopped) are dropped, never handed out."""
        record = self.s.activities.get(activity_arn)
        if record is None:
            return None
        waiting = record.waiting
        while waiting:
            invocation = waiting.popleft()
            if invocation.closed:
                continue
            assert invocation.token is not None
            invocation.begin(worker_name)
            return {"taskToken": invocation.token, "input": dumps(invocation.params)}
        return None
