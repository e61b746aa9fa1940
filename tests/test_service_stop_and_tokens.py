"""StopExecution while a Task, a Parallel or a Map runs, and task-token callbacks through the
service, on the runtime's lifecycle and its open invocations.

Recorded on AWS (test_stop_execution): a stopped execution ends with ExecutionAborted
(previousEventId 0, details ``{}`` without error/cause), status ABORTED, no output.  A
callback for a task that has closed: ``TaskTimedOut`` ``Task Timed Out: 'Provided task does
not exist anymore'`` (real SDK output).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from aslrun.handlers.registry import HandlerContext
from aslrun.service import errors
from service_helpers import at, machine, service

QUEUE = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
SLOW = "arn:aws:lambda:us-east-1:123456789012:function:slow"


def slow(event: Any, context: HandlerContext) -> Any:
    context.sleep(100)
    return event


def _task(name: str = "T", nxt: str | None = None) -> dict[str, Any]:
    state: dict[str, Any] = {"Type": "Task", "Resource": SLOW}
    state.update({"Next": nxt} if nxt else {"End": True})
    return state


TASK = {"StartAt": "T", "States": {"T": _task()}}
PARALLEL = {
    "StartAt": "Par",
    "States": {
        "Par": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "T", "States": {"T": _task()}},
                {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 500, "End": True}}},
            ],
            "End": True,
        }
    },
}
MAP = {
    "StartAt": "M",
    "States": {
        "M": {
            "Type": "Map",
            "ItemProcessor": {"StartAt": "T", "States": {"T": _task()}},
            "End": True,
        }
    },
}


def _types(sfn: Any, arn: str) -> list[str]:
    return [e["type"] for e in sfn.get_execution_history(executionArn=arn)["events"]]


@pytest.mark.parametrize(
    ("definition", "input", "before"),
    [
        (
            TASK,
            "{}",
            [
                "ExecutionStarted",
                "TaskStateEntered",
                "LambdaFunctionScheduled",
                "LambdaFunctionStarted",
            ],
        ),
        (
            PARALLEL,
            "{}",
            [
                "ExecutionStarted",
                "ParallelStateEntered",
                "ParallelStateStarted",
                "TaskStateEntered",
                "LambdaFunctionScheduled",
                "LambdaFunctionStarted",
                "WaitStateEntered",
            ],
        ),
        (
            MAP,
            "[1]",
            [
                "ExecutionStarted",
                "MapStateEntered",
                "MapStateStarted",
                "MapIterationStarted",
                "TaskStateEntered",
                "LambdaFunctionScheduled",
                "LambdaFunctionStarted",
            ],
        ),
    ],
    ids=["task", "parallel", "map"],
)
def test_stop_while_a_task_runs(definition: Any, input: str, before: list[str]) -> None:
    sfn = service(handlers={SLOW: slow})
    arn = machine(sfn, definition)
    ex = sfn.start_execution(stateMachineArn=arn, name="x", input=input)["executionArn"]
    sfn.advance(40)
    assert sfn.stop_execution(executionArn=ex, cause="cancelled") == {"stopDate": at(40)}
    sfn.run()  # the handler's answer (due at 100) and the Wait (500) were cancelled
    assert sfn.now() == at(40)
    assert _types(sfn, ex) == [*before, "ExecutionAborted"]
    last = sfn.get_execution_history(executionArn=ex, reverseOrder=True, maxResults=1)
    assert last["events"][0] == {
        "timestamp": at(40),
        "type": "ExecutionAborted",
        "id": len(before) + 1,
        "previousEventId": 0,
        "executionAbortedEventDetails": {"cause": "cancelled"},
    }
    described = sfn.describe_execution(executionArn=ex)
    assert (described["status"], described["stopDate"], described["cause"]) == (
        "ABORTED",
        at(40),
        "cancelled",
    )
    assert sfn.current_states(ex) == []


TOKEN_MACHINE = {
    "StartAt": "Ask",
    "States": {
        "Ask": {
            "Type": "Task",
            "Resource": QUEUE,
            "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
            "Next": "Done",
        },
        "Done": {"Type": "Pass", "End": True},
    },
}


def _token_service() -> tuple[Any, list[str]]:
    tokens: list[str] = []

    def queue(params: Any, context: HandlerContext) -> Any:
        tokens.append(params["MessageBody"]["token"])
        return {"MessageId": "m"}  # the queue took the message; the Task waits for the token

    return service(handlers={QUEUE: queue}), tokens


def test_send_task_success_answers_an_open_token() -> None:
    sfn, tokens = _token_service()
    arn = machine(sfn, TOKEN_MACHINE)
    ex = sfn.start_execution(stateMachineArn=arn, name="x")["executionArn"]
    sfn.after(30, lambda: sfn.send_task_success(taskToken=tokens[0], output='{"ok": true}'))
    sfn.run()
    described = sfn.describe_execution(executionArn=ex)
    assert (described["output"], described["stopDate"]) == ('{"ok":true}', at(30))
    with pytest.raises(errors.TaskTimedOut) as e:
        sfn.send_task_success(taskToken=tokens[0], output="{}")
    assert e.value.message == "Task Timed Out: 'Provided task does not exist anymore'"
    with pytest.raises(errors.TaskTimedOut):
        sfn.send_task_heartbeat(taskToken=tokens[0])


def test_send_task_failure_fails_the_task() -> None:
    sfn, tokens = _token_service()
    arn = machine(sfn, TOKEN_MACHINE)
    ex = sfn.start_execution(stateMachineArn=arn, name="x")["executionArn"]
    sfn.advance(10)
    sfn.send_task_heartbeat(taskToken=tokens[0])
    sfn.send_task_failure(taskToken=tokens[0], error="Rejected", cause="no")
    sfn.run()
    described = sfn.describe_execution(executionArn=ex)
    assert (described["status"], described["error"], described["cause"]) == (
        "FAILED",
        "Rejected",
        "no",
    )
    assert described["stopDate"] == at(10)


def test_stop_closes_the_open_token() -> None:
    sfn, tokens = _token_service()
    arn = machine(sfn, TOKEN_MACHINE)
    ex = sfn.start_execution(stateMachineArn=arn, name="x")["executionArn"]
    sfn.advance(10)
    sfn.stop_execution(executionArn=ex)
    with pytest.raises(errors.TaskTimedOut):
        sfn.send_task_success(taskToken=tokens[0], output=json.dumps({}))
