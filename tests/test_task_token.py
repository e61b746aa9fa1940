"""``.waitForTaskToken`` under ``StateMachine.run``: the token is at ``$$.Task.Token``; the
handler is the integration receiving the message (its return value is the integration's
response, recorded in TaskSubmitted and otherwise discarded, as on AWS); the Task waits for
the callback, which the handler sends through ``context.send_task_success/failure``.

Recorded on AWS (LocalStack test_callback / test_heartbeats snapshots): ``TaskScheduled,
TaskStarted, TaskSubmitted`` when the message is sent, ``TaskSucceeded`` with the callback's
output when SendTaskSuccess arrives; a timeout is ``TaskTimedOut {error: States.Timeout,
resourceType, resource}`` (no cause), then ``ExecutionFailed {error: States.Timeout}``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

import aslrun
from aslrun.handlers.registry import HandlerContext

T0 = "2026-12-01T09:00:00Z"
EPOCH = datetime(2026, 12, 1, 9, tzinfo=timezone.utc).timestamp()
SQS = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/approvals"


def machine(resource: str = SQS, **fields: Any) -> aslrun.StateMachine:
    return aslrun.load(
        {
            "StartAt": "Ask",
            "States": {
                "Ask": {
                    "Type": "Task",
                    "Resource": resource,
                    "Parameters": {
                        "QueueUrl": QUEUE_URL,
                        "MessageBody": {"token.$": "$$.Task.Token", "order.$": "$.order"},
                    },
                    "End": True,
                    **fields,
                }
            },
        }
    )


def run(sm: aslrun.StateMachine, handler: Any, key: str = "Ask") -> aslrun.Execution:
    return sm.run({"order": 7}, handlers={key: handler}, clock=aslrun.VirtualClock(start=T0))


def events(ex: aslrun.Execution) -> list[tuple[str, float]]:
    """Event types with their offsets from T0."""
    return [(e.type, e.timestamp - EPOCH) for e in ex.events]


def test_the_handler_sends_the_message_and_the_callback_is_the_result() -> None:
    seen: list[Any] = []

    def queue(params: dict[str, Any], context: HandlerContext) -> dict[str, Any]:
        seen.append((params["MessageBody"], context.task_token))
        context.send_task_success({"approved": True}, after=3600)
        return {"MessageId": "m-1"}  # SendMessage's response: recorded, then discarded

    ex = run(machine(), queue)
    assert (ex.status, ex.output) == ("SUCCEEDED", {"approved": True})
    ((body, token),) = seen
    assert body == {"token": token, "order": 7}
    assert len(token) == 36
    assert events(ex) == [
        ("ExecutionStarted", 0),
        ("TaskStateEntered", 0),
        ("TaskScheduled", 0),
        ("TaskStarted", 0),
        ("TaskSubmitted", 0),
        ("TaskSucceeded", 3600),
        ("TaskStateExited", 3600),
        ("ExecutionSucceeded", 3600),
    ]
    submitted, succeeded = ex.history[4], ex.history[5]
    assert submitted["taskSubmittedEventDetails"] == {
        "resourceType": "sqs",
        "resource": "sendMessage.waitForTaskToken",
        "output": '{"MessageId":"m-1"}',
        "outputDetails": {"truncated": False},
    }
    assert succeeded["taskSucceededEventDetails"] == {
        "resourceType": "sqs",
        "resource": "sendMessage.waitForTaskToken",
        "output": '{"approved":true}',
        "outputDetails": {"truncated": False},
    }


@pytest.mark.parametrize(
    ("resource", "resource_type", "name"),
    [
        ("arn:aws:states:::sqs:sendMessage.waitForTaskToken", "sqs", "sendMessage"),
        ("arn:aws:states:::sns:publish.waitForTaskToken", "sns", "publish"),
        ("arn:aws:states:::lambda:invoke.waitForTaskToken", "lambda", "invoke"),
        ("arn:aws:states:::events:putEvents.waitForTaskToken", "events", "putEvents"),
        ("arn:aws:states:::ecs:runTask.waitForTaskToken", "ecs", "runTask"),
        (
            "arn:aws:states:::aws-sdk:dynamodb:putItem.waitForTaskToken",
            "aws-sdk:dynamodb",
            "putItem",
        ),
    ],
)
def test_every_integration_gives_the_callback_output_unwrapped(
    resource: str, resource_type: str, name: str
) -> None:
    """lambda:invoke's response (the Invoke wrapper) goes to TaskSubmitted only; the state's
    result is the SendTaskSuccess output as sent, for every integration."""

    def receiver(event: Any, context: HandlerContext) -> Any:
        context.send_task_success({"grade": "A"}, after=60)
        return {"received": True}

    ex = run(machine(resource), receiver)
    assert (ex.status, ex.output) == ("SUCCEEDED", {"grade": "A"})
    scheduled = ex.history[2]["taskScheduledEventDetails"]
    assert (scheduled["resourceType"], scheduled["resource"]) == (
        resource_type,
        f"{name}.waitForTaskToken",
    )
    assert ex.history[5]["taskSucceededEventDetails"]["output"] == '{"grade":"A"}'
    submitted = ex.history[4]["taskSubmittedEventDetails"]["output"]
    if resource_type == "lambda":
        assert '"Payload":{"received":true}' in submitted
        assert '"StatusCode":200' in submitted
    else:
        assert submitted == '{"received":true}'


def test_without_a_callback_the_execution_waits() -> None:
    """No deadline and no answer: the execution stays RUNNING when the clock runs dry, as
    it would on AWS (until the execution's own limit)."""
    ex = run(machine(), lambda params: {"MessageId": "m"})
    assert ex.status == "RUNNING"
    assert [t for t, _ in events(ex)][-1] == "TaskSubmitted"


def test_timeout_seconds_at_the_deadline_while_the_callback_is_outstanding() -> None:
    def queue(params: Any, context: HandlerContext) -> Any:
        context.send_task_success({"late": True}, after=301)
        return {}

    ex = run(machine(TimeoutSeconds=300), queue)
    assert (ex.status, ex.error, ex.cause) == ("FAILED", "States.Timeout", None)
    assert events(ex)[-3:] == [
        ("TaskSubmitted", 0),
        ("TaskTimedOut", 300),
        ("ExecutionFailed", 300),
    ]
    assert ex.history[-2]["taskTimedOutEventDetails"] == {
        "resourceType": "sqs",
        "resource": "sendMessage.waitForTaskToken",
        "error": "States.Timeout",
    }
    assert ex.history[-1]["executionFailedEventDetails"] == {"error": "States.Timeout"}


def test_a_callback_just_before_the_deadline_wins() -> None:
    def queue(params: Any, context: HandlerContext) -> Any:
        context.send_task_success("in time", after=299.5)
        return {}

    ex = run(machine(TimeoutSeconds=300), queue)
    assert (ex.status, ex.output) == ("SUCCEEDED", "in time")
    assert events(ex)[-3] == ("TaskSucceeded", 299.5)


def test_a_callback_at_the_deadline_is_in_time() -> None:
    """states-language.net: a Task fails when it "runs longer than" TimeoutSeconds."""

    def queue(params: Any, context: HandlerContext) -> Any:
        context.send_task_success("just", after=300)
        return {}

    ex = run(machine(TimeoutSeconds=300), queue)
    assert (ex.status, ex.output) == ("SUCCEEDED", "just")


@pytest.mark.parametrize(
    ("beats", "answer_at", "status", "last"),
    [
        ((59, 118), 170, "SUCCEEDED", ("TaskSucceeded", 170)),  # each heartbeat just in time
        ((59, 120), 170, "FAILED", ("TaskTimedOut", 119)),  # the second one a second late
        ((61,), 100, "FAILED", ("TaskTimedOut", 60)),  # the first one too late
        ((60,), 100, "SUCCEEDED", ("TaskSucceeded", 100)),  # at the deadline: still in time
    ],
    ids=["59-118", "59-120", "61", "60"],
)
def test_heartbeats_just_in_time_and_just_late(
    beats: tuple[float, ...], answer_at: float, status: str, last: tuple[str, float]
) -> None:
    """HeartbeatSeconds 60: each heartbeat restarts the 60 s (SendTaskHeartbeat doc); the
    state fails when "more time than" 60 s elapses between heartbeats (states-language.net),
    so one at exactly 60 s is in time.  The timeout is recorded as States.Timeout, no cause
    (recorded on AWS: LocalStack test_heartbeats.snapshot.json, test_heartbeat_timeout)."""

    def queue(params: Any, context: HandlerContext) -> Any:
        for beat in beats:
            context.send_task_heartbeat(after=beat)
        context.send_task_success("done", after=answer_at)
        return {}

    ex = run(machine(HeartbeatSeconds=60), queue)
    assert ex.status == status
    kinds = [t for t, _ in events(ex)]
    assert events(ex)[kinds.index(last[0])] == last
    if status == "FAILED":
        assert (ex.error, ex.cause) == ("States.Timeout", None)
        assert ex.history[-2]["taskTimedOutEventDetails"]["error"] == "States.Timeout"


def _caught(catch_on: str, **fields: Any) -> aslrun.StateMachine:
    return aslrun.load(
        {
            "StartAt": "Ask",
            "States": {
                "Ask": {
                    "Type": "Task",
                    "Resource": SQS,
                    "Parameters": {"MessageBody.$": "$$.Task.Token"},
                    "Catch": [{"ErrorEquals": [catch_on], "Next": "Fallback"}],
                    "End": True,
                    **fields,
                },
                "Fallback": {"Type": "Pass", "End": True},
            },
        }
    )


def test_a_heartbeat_timeout_is_caught_by_states_heartbeat_timeout() -> None:
    """AWS's error names: States.HeartbeatTimeout "is only available inside the Catch and
    Retry fields"; the history and the error output say States.Timeout (the output's empty
    Cause as AWS writes a caught timeout: conformance test_invoke_timeout)."""
    ex = _caught("States.HeartbeatTimeout", HeartbeatSeconds=5).run(
        {}, handlers={"Ask": lambda e: {}}, clock=aslrun.VirtualClock(start=T0)
    )
    assert (ex.status, ex.output) == ("SUCCEEDED", {"Error": "States.Timeout", "Cause": ""})
    assert events(ex)[5] == ("TaskTimedOut", 5)


def test_states_heartbeat_timeout_does_not_catch_a_task_timeout() -> None:
    ex = _caught("States.HeartbeatTimeout", TimeoutSeconds=5).run(
        {}, handlers={"Ask": lambda e: {}}, clock=aslrun.VirtualClock(start=T0)
    )
    assert (ex.status, ex.error) == ("FAILED", "States.Timeout")


def test_states_timeout_catches_a_heartbeat_timeout() -> None:
    ex = _caught("States.Timeout", HeartbeatSeconds=5).run(
        {}, handlers={"Ask": lambda e: {}}, clock=aslrun.VirtualClock(start=T0)
    )
    assert (ex.status, ex.output) == ("SUCCEEDED", {"Error": "States.Timeout", "Cause": ""})


def test_a_retry_gets_a_fresh_token() -> None:
    tokens: list[str | None] = []

    def queue(params: Any, context: HandlerContext) -> Any:
        tokens.append(context.task_token)
        if len(tokens) == 2:
            context.send_task_success({"attempt": 2}, after=1)
        return {}

    sm = machine(
        HeartbeatSeconds=5,
        Retry=[{"ErrorEquals": ["States.HeartbeatTimeout"], "IntervalSeconds": 10}],
    )
    ex = run(sm, queue)
    assert (ex.status, ex.output) == ("SUCCEEDED", {"attempt": 2})
    assert len(set(tokens)) == 2
    assert [(t, s) for t, s in events(ex) if t.startswith("Task")][4:] == [
        ("TaskTimedOut", 5),
        ("TaskScheduled", 15),
        ("TaskStarted", 15),
        ("TaskSubmitted", 15),
        ("TaskSucceeded", 16),
        ("TaskStateExited", 16),
    ]


def test_a_handler_sleeping_past_the_deadline_is_timed_out_at_the_deadline() -> None:
    """The message is not even sent when the deadline falls: no TaskSubmitted."""

    def slow_queue(params: Any, context: HandlerContext) -> Any:
        context.sleep(20)
        context.send_task_success("never")
        return {}

    ex = run(machine(TimeoutSeconds=10), slow_queue)
    assert (ex.status, ex.error) == ("FAILED", "States.Timeout")
    assert events(ex)[2:] == [
        ("TaskScheduled", 0),
        ("TaskStarted", 0),
        ("TaskTimedOut", 10),
        ("ExecutionFailed", 10),
    ]


def test_the_message_is_sent_when_the_handler_returns() -> None:
    """context.sleep is the integration call's time: TaskSubmitted then; ``after`` counts
    from the handler's current simulated time."""

    def queue(params: Any, context: HandlerContext) -> Any:
        context.sleep(2)
        context.send_task_success("ok", after=8)
        return {}

    ex = run(machine(), queue)
    assert events(ex)[4:6] == [("TaskSubmitted", 2), ("TaskSucceeded", 10)]


def test_a_failing_integration_fails_the_task_without_waiting() -> None:
    def queue(params: Any) -> Any:
        raise aslrun.TaskFailed("SQS.QueueDoesNotExistException", "no such queue")

    ex = run(machine(), queue)
    assert (ex.status, ex.error, ex.cause) == (
        "FAILED",
        "SQS.QueueDoesNotExistException",
        "no such queue",
    )
    assert [t for t, _ in events(ex)][2:] == [
        "TaskScheduled",
        "TaskStarted",
        "TaskFailed",
        "ExecutionFailed",
    ]


def test_send_task_failure_and_without_an_error_name() -> None:
    """SendTaskFailure's error and cause are optional; AWS leaves an unset one out of
    TaskFailed and ExecutionFailed (optional members are omitted, never null)."""

    def reject(params: Any, context: HandlerContext) -> Any:
        context.send_task_failure("Rejected", "the teacher said no", after=5)
        return {}

    ex = run(machine(), reject)
    assert (ex.status, ex.error, ex.cause) == ("FAILED", "Rejected", "the teacher said no")
    assert ex.history[-2]["taskFailedEventDetails"] == {
        "resourceType": "sqs",
        "resource": "sendMessage.waitForTaskToken",
        "error": "Rejected",
        "cause": "the teacher said no",
    }

    def cause_only(params: Any, context: HandlerContext) -> Any:
        context.send_task_failure(cause="no reason given")
        return {}

    ex = run(machine(), cause_only)
    assert (ex.status, ex.error, ex.cause) == ("FAILED", None, "no reason given")
    assert ex.history[-2]["taskFailedEventDetails"] == {
        "resourceType": "sqs",
        "resource": "sendMessage.waitForTaskToken",
        "cause": "no reason given",
    }
    assert ex.history[-1]["executionFailedEventDetails"] == {"cause": "no reason given"}


def test_only_the_first_answer_counts() -> None:
    def queue(params: Any, context: HandlerContext) -> Any:
        context.send_task_success("first", after=10)
        context.send_task_failure("Late", after=20)
        return {}

    ex = run(machine(), queue)
    assert (ex.status, ex.output) == ("SUCCEEDED", "first")


def test_answering_without_a_token_fails_the_task_with_a_clear_message() -> None:
    sm = aslrun.load(
        {
            "StartAt": "T",
            "States": {
                "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": True}
            },
        }
    )

    def confused(params: Any, context: HandlerContext) -> Any:
        context.send_task_success({})
        return {}

    ex = sm.run({}, handlers={"T": confused})
    assert (ex.status, ex.error, ex.cause) == (
        "FAILED",
        "ValueError",
        "context.send_task_success: the Task 'T' has no task token (only a "
        ".waitForTaskToken Task or an activity has one)",
    )


def test_a_task_without_the_pattern_has_no_token() -> None:
    definition = {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": {"t.$": "$$.Task.Token"},
                "End": True,
            }
        },
    }
    ex = aslrun.load(definition).run({}, handlers={"T": lambda e: e})
    assert ex.status == "FAILED"
    assert ex.error == "States.Runtime"
    assert ex.cause == (
        "An error occurred while executing the state 'T' (entered at the event id #2). "
        "The JSONPath '$$.Task.Token' specified for the field 't.$' could not be found in "
        "the input '{}'"
    )


def test_the_cli_says_which_task_waits_for_its_token(tmp_path: Any) -> None:
    """A handler returning a value, as it would have for an old-style stand-in worker: the
    run ends RUNNING (exit 1) and the CLI says how to answer the token."""
    import io
    import json

    from aslrun.cli.app import run as cli_run

    (tmp_path / "m.json").write_text(json.dumps(machine().definition), encoding="utf-8")
    (tmp_path / "h.py").write_text(
        'HANDLERS = {"Ask": lambda event: {"approved": True}}\n', encoding="utf-8"
    )
    out, err = io.StringIO(), io.StringIO()
    argv = ["run", str(tmp_path / "m.json"), "--handlers", str(tmp_path / "h.py")]
    code = cli_run([*argv, "--input", '{"order": 7}'], out, err)
    assert code == 1
    assert err.getvalue() == (
        "aslrun run: the Task 'Ask' is waiting for its task token: its handler is the "
        "integration receiving the message; answer as the worker with "
        "context.send_task_success(output, after=seconds) or context.send_task_failure(...)\n"
    )


def test_heartbeat_seconds_path() -> None:
    """Recorded on AWS (test_heartbeat_path_timeout): HeartbeatSecondsPath 5 is recorded as
    heartbeatInSeconds 5, and a silent worker times the task out as States.Timeout."""
    sm = aslrun.load(
        {
            "StartAt": "Ask",
            "States": {
                "Ask": {
                    "Type": "Task",
                    "Resource": SQS,
                    "Parameters": {"MessageBody.$": "$$.Task.Token"},
                    "HeartbeatSecondsPath": "$.HeartbeatSecondsPath",
                    "TimeoutSeconds": 600,
                    "End": True,
                }
            },
        }
    )
    ex = sm.run(
        {"HeartbeatSecondsPath": 5},
        handlers={"Ask": lambda e: {}},
        clock=aslrun.VirtualClock(start=T0),
    )
    scheduled = ex.history[2]["taskScheduledEventDetails"]
    assert (scheduled["heartbeatInSeconds"], scheduled["timeoutInSeconds"]) == (5, 600)
    assert events(ex)[-2:] == [("TaskTimedOut", 5), ("ExecutionFailed", 5)]
    assert ex.history[-1]["executionFailedEventDetails"] == {"error": "States.Timeout"}
