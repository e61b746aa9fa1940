"""Nested executions: a Task whose Resource is ``arn:aws:states:::states:startExecution``
(``.sync``, ``.sync:2``, ``.waitForTaskToken``) starts an execution of another state machine
of the same service, on the same clock.

What the parent's Task sees (AWS recordings, see /tmp/facts/service.md section 6):

* ``startExecution``: the StartExecution response as the Java SDK gives it to the service,
  ``{"ExecutionArn", "StartDate", "SdkHttpMetadata", "SdkResponseMetadata"}``
  (TaskScheduled, TaskStarted, TaskSucceeded).
* ``.sync``: that response is TaskSubmitted's output; when the child ends, TaskSucceeded
  carries DescribeExecution's members in PascalCase with ``Input``/``Output`` as JSON text;
  ``.sync:2`` the same with ``Input``/``Output`` as JSON values.  A child that fails, times out
  or is aborted fails the Task with ``States.TaskFailed`` and a cause that is that description
  (with the child's ``Error`` and ``Cause``) as JSON text.
* ``.waitForTaskToken``: the child starts (TaskSubmitted) and the Task waits for
  ``send_task_success``/``send_task_failure`` with the token the definition passed on.
* A StartExecution the service refuses (no such machine, a name taken ...) fails the Task
  with ``StepFunctions.<Code>Exception`` and the SDK's cause text.

Dates are epoch milliseconds (the Java SDK's ``Date`` serialisation; not verified against a
recording, where they were masked).  A parent whose Task is abandoned (stopped, timed out, a
sibling branch failed) stops its ``.sync`` children.
"""

from __future__ import annotations

import json
import time as _time
from typing import TYPE_CHECKING, Any, cast

from aslrun._json import JSON, dumps
from aslrun.handlers.registry import new_request_id
from aslrun.runtime.execution import ExecutionCore
from aslrun.runtime.invoke import Invocation, Invoker
from aslrun.service.errors import StepFunctionsError
from aslrun.service.hooks import ActivityInvoker

if TYPE_CHECKING:
    from aslrun.api import Execution
    from aslrun.service.service import StepFunctions

__all__ = ["NestedExecutions", "follow_child"]

_RESOURCES = frozenset(
    {
        "startExecution",
        "startExecution.sync",
        "startExecution.sync:2",
        "startExecution.waitForTaskToken",
    }
)


class NestedExecutions:
    """The service's invoker: ``states:startExecution*`` here, anything else by ``fallback``."""

    __slots__ = ("fallback", "others", "sfn")

    def __init__(self, sfn: StepFunctions, fallback: Invoker) -> None:
        self.sfn = sfn
        self.fallback = fallback
        # what serves a resource that is neither a nested execution nor an activity: the
        # activity invoker's own fallback, reached in one call instead of through it
        self.others = fallback.then if isinstance(fallback, ActivityInvoker) else fallback

    def start(self, invocation: Invocation) -> None:
        info = invocation.info
        kind = info.kind
        if kind != "service" or info.resource_type != "states" or info.resource not in _RESOURCES:
            (self.fallback if kind == "activity" else self.others).start(invocation)
            return
        invocation.begin()
        request_id = new_request_id(invocation.rt.random)
        try:
            started = self._start_child(invocation.params)
        except StepFunctionsError as e:
            invocation.fail(f"StepFunctions.{e.code}Exception", _sdk_cause(e, request_id))
            return
        child = self.sfn.execution(started["executionArn"])
        response = _start_response(child, request_id, invocation.rt.clock.now())
        pattern = info.pattern
        if pattern == "":
            invocation.succeed(response)
            return
        invocation.submitted(response)
        if pattern in (".sync", ".sync:2"):
            _follow(self.sfn, invocation, child, pattern == ".sync:2")
        # .waitForTaskToken: the Task waits for send_task_success/failure with its token.

    def _start_child(self, params: JSON) -> dict[str, Any]:
        if not isinstance(params, dict):
            params = {}
        child_input = params.get("Input")
        if child_input is None:
            child_input = {}
        # any JSON value: start_execution refuses a non-string ARN or name as AWS does
        return self.sfn.start_execution(
            stateMachineArn=cast("str", params.get("StateMachineArn")),
            input=child_input if isinstance(child_input, str) else dumps(child_input),
            name=cast("str | None", params.get("Name")),
        )


def _follow(sfn: StepFunctions, invocation: Invocation, child: Execution, parsed: bool) -> None:
    """The ``.sync`` Task answers when ``child`` ends (at once if it has already ended)."""
    invocation.on_cancel = lambda: _stop_child(sfn, child)
    child.add_done_callback(lambda ended: _child_ended(invocation, ended, parsed))


def follow_child(sfn: StepFunctions, invocation: Invocation, child_arn: str) -> None:
    """After a restart: a replayed ``.sync`` Task that had started ``child_arn`` (its
    TaskSubmitted recorded, no answer yet) follows that restored child instead of starting
    another one; a child that ended meanwhile answers it at once."""
    entry = sfn._s.executions.get(child_arn)
    if entry is None:  # an Express child: not kept across a restart
        invocation.fail(
            "States.TaskFailed",
            f"The child execution {child_arn} was not kept across the service's restart "
            f"(Express executions are not durable).",
        )
        return
    _follow(sfn, invocation, entry.execution, invocation.info.pattern == ".sync:2")


def _child_ended(invocation: Invocation, child: ExecutionCore, parsed: bool) -> None:
    described = _describe(child, parsed)
    if child.status == "SUCCEEDED":
        invocation.succeed(described)
    else:
        invocation.fail("States.TaskFailed", dumps(described))


def _stop_child(sfn: StepFunctions, child: Execution) -> None:
    if not child.done:
        sfn.stop_execution(executionArn=child.arn)


def _describe(child: ExecutionCore, parsed: bool) -> dict[str, JSON]:
    """DescribeExecution in the SDK's PascalCase, as the ``.sync`` integrations return it."""
    out: dict[str, JSON] = {}
    if child.cause is not None:
        out["Cause"] = child.cause
    if child.error is not None:
        out["Error"] = child.error
    out["ExecutionArn"] = child.arn
    out["Input"] = child.input if parsed else dumps(child.input)
    out["InputDetails"] = {"Included": True}
    out["Name"] = child.name
    if child.status == "SUCCEEDED":
        out["Output"] = child.output if parsed else dumps(child.output)
        out["OutputDetails"] = {"Included": True}
    out["StartDate"] = _millis(child._start)
    out["StateMachineArn"] = child.state_machine_arn
    # AWS recorded a child that timed out as Status FAILED with Error States.Timeout.
    out["Status"] = "FAILED" if child.status == "TIMED_OUT" else child.status
    if child._stop is not None:
        out["StopDate"] = _millis(child._stop)
    return out


def _start_response(child: Execution, request_id: str, now: float) -> dict[str, JSON]:
    """StartExecution's response with the SDK metadata AWS includes in the Task's result."""
    body = json.dumps(
        {"executionArn": child.arn, "startDate": round(child._start, 3)}, separators=(",", ":")
    )
    date = _time.strftime("%a, %d %b %Y %H:%M:%S GMT", _time.gmtime(now))
    headers: dict[str, JSON] = {
        "x-amzn-RequestId": request_id,
        "connection": "keep-alive",
        "Content-Length": str(len(body)),
        "Date": date,
        "Content-Type": "application/x-amz-json-1.0",
    }
    return {
        "ExecutionArn": child.arn,
        "StartDate": _millis(child._start),
        "SdkHttpMetadata": {
            "AllHttpHeaders": {k: [v] for k, v in headers.items()},
            "HttpHeaders": headers,
            "HttpStatusCode": 200,
        },
        "SdkResponseMetadata": {"RequestId": request_id},
    }


def _sdk_cause(error: StepFunctionsError, request_id: str) -> str:
    """How the Java SDK words a refused call, as the Task's cause."""
    return (
        f"{error.message} (Service: AWSStepFunctions; Status Code: {error.http_status}; "
        f"Error Code: {error.code}; Request ID: {request_id}; Proxy: null)"
    )


def _millis(t: float) -> int:
    return round(t * 1000)
