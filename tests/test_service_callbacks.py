"""``.waitForTaskToken`` through the service: the handler receives the message, the Task
waits, SendTaskSuccess/Failure/Heartbeat answer it on the simulated clock.

Recorded on AWS (LocalStack test_callback / test_heartbeats snapshots): ``TaskScheduled,
TaskStarted, TaskSubmitted, TaskSucceeded`` with the SendTaskSuccess output; timeouts are
``TaskTimedOut {error: "States.Timeout", resourceType, resource}`` then ``ExecutionFailed
{error: "States.Timeout"}``, no cause, for TimeoutSeconds and HeartbeatSeconds alike.  A
callback for a closed task: ``TaskTimedOut`` ``Task Timed Out: 'Provided task does not exist
anymore'`` (real SDK output).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from aslrun.handlers.registry import HandlerContext
from aslrun.service import StepFunctions, errors
from service_helpers import EX, at, machine, service

QUEUE = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
GONE = "Task Timed Out: 'Provided task does not exist anymore'"


def approval(**fields: Any) -> dict[str, Any]:
    return {
        "StartAt": "Approve",
        "States": {
            "Approve": {
                "Type": "Task",
                "Resource": QUEUE,
                "Parameters": {
                    "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
                    "MessageBody": {"TaskToken.$": "$$.Task.Token", "class.$": "$.class"},
                },
                "End": True,
                **fields,
            }
        },
    }


def start(**fields: Any) -> tuple[StepFunctions, str, list[str]]:
    """A service whose queue handler keeps each token; one execution started at 0."""
    tokens: list[str] = []

    def queue(params: Any, context: HandlerContext) -> Any:
        tokens.append(params["MessageBody"]["TaskToken"])
        return {"MessageId": f"msg-{len(tokens)}"}

    sfn = service(handlers={QUEUE: queue})
    arn = machine(sfn, approval(**fields))
    ex = sfn.start_execution(stateMachineArn=arn, name="c1", input='{"class": "7b"}')
    return sfn, ex["executionArn"], tokens


def history(sfn: StepFunctions, arn: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = sfn.get_execution_history(executionArn=arn)["events"]
    return events


def test_a_human_approves_an_hour_later() -> None:
    sfn, ex, tokens = start()
    sfn.advance(1)
    assert sfn.describe_execution(executionArn=ex)["status"] == "RUNNING"
    sfn.after(3599, lambda: sfn.send_task_success(taskToken=tokens[0], output='{"ok": true}'))
    sfn.run()
    token = tokens[0]
    resource = {"resourceType": "sqs", "resource": "sendMessage.waitForTaskToken"}
    assert history(sfn, ex)[2:] == [
        {
            "timestamp": at(0),
            "type": "TaskScheduled",
            "id": 3,
            "previousEventId": 2,
            "taskScheduledEventDetails": {
                **resource,
                "region": "us-east-1",
                "parameters": json.dumps(
                    {
                        "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
                        "MessageBody": {"TaskToken": token, "class": "7b"},
                    },
                    separators=(",", ":"),
                ),
            },
        },
        {
            "timestamp": at(0),
            "type": "TaskStarted",
            "id": 4,
            "previousEventId": 3,
            "taskStartedEventDetails": resource,
        },
        {
            "timestamp": at(0),
            "type": "TaskSubmitted",
            "id": 5,
            "previousEventId": 4,
            "taskSubmittedEventDetails": {
                **resource,
                "output": '{"MessageId":"msg-1"}',
                "outputDetails": {"truncated": False},
            },
        },
        {
            "timestamp": at(3600),
            "type": "TaskSucceeded",
            "id": 6,
            "previousEventId": 5,
            "taskSucceededEventDetails": {
                **resource,
                "output": '{"ok":true}',
                "outputDetails": {"truncated": False},
            },
        },
        {
            "timestamp": at(3600),
            "type": "TaskStateExited",
            "id": 7,
            "previousEventId": 6,
            "stateExitedEventDetails": {
                "name": "Approve",
                "output": '{"ok":true}',
                "outputDetails": {"truncated": False},
            },
        },
        {
            "timestamp": at(3600),
            "type": "ExecutionSucceeded",
            "id": 8,
            "previousEventId": 7,
            "executionSucceededEventDetails": {
                "output": '{"ok":true}',
                "outputDetails": {"truncated": False},
            },
        },
    ]
    with pytest.raises(errors.TaskTimedOut) as e:
        sfn.send_task_success(taskToken=token, output="{}")
    assert e.value.message == GONE


def test_run_leaves_an_execution_waiting_for_its_token_running() -> None:
    sfn, ex, _ = start()
    assert sfn.run() == at(0)
    assert sfn.describe_execution(executionArn=ex)["status"] == "RUNNING"
    assert [s.name for s in sfn.current_states(ex)] == ["Approve"]


@pytest.mark.parametrize(
    ("answer_at", "status", "stop"),
    [(299, "SUCCEEDED", 299), (300, "SUCCEEDED", 300), (301, "FAILED", 300)],
)
def test_callbacks_before_at_and_after_the_timeout(
    answer_at: float, status: str, stop: float
) -> None:
    sfn, ex, tokens = start(TimeoutSeconds=300)
    late: list[str] = []

    def answer() -> None:
        try:
            sfn.send_task_success(taskToken=tokens[0], output='"approved"')
        except errors.TaskTimedOut as e:
            late.append(e.message)

    sfn.after(answer_at, answer)
    sfn.run()
    described = sfn.describe_execution(executionArn=ex)
    assert (described["status"], described["stopDate"]) == (status, at(stop))
    if status == "FAILED":
        assert late == [GONE]
        assert described["error"] == "States.Timeout"
        assert "cause" not in described
        assert history(sfn, ex)[-2:] == [
            {
                "timestamp": at(300),
                "type": "TaskTimedOut",
                "id": 6,
                "previousEventId": 5,
                "taskTimedOutEventDetails": {
                    "resourceType": "sqs",
                    "resource": "sendMessage.waitForTaskToken",
                    "error": "States.Timeout",
                },
            },
            {
                "timestamp": at(300),
                "type": "ExecutionFailed",
                "id": 7,
                "previousEventId": 6,
                "executionFailedEventDetails": {"error": "States.Timeout"},
            },
        ]
    else:
        assert (late, described["output"]) == ([], '"approved"')


def test_timeout_seconds_path() -> None:
    sfn = service(handlers={QUEUE: lambda params: {}})
    arn = machine(sfn, approval(TimeoutSecondsPath="$.limit"))
    ex = sfn.start_execution(stateMachineArn=arn, name="c2", input='{"class": 1, "limit": 90}')
    sfn.run()
    described = sfn.describe_execution(executionArn=ex["executionArn"])
    assert (described["status"], described["error"], described["stopDate"]) == (
        "FAILED",
        "States.Timeout",
        at(90),
    )


@pytest.mark.parametrize(
    ("beats", "status", "stop"),
    [
        ((59, 118), "SUCCEEDED", 170),  # each heartbeat just in time: alive until the answer
        ((59, 120), "FAILED", 119),  # the second one a second late: timed out at 59 + 60
        ((61,), "FAILED", 60),  # the first one too late
    ],
    ids=["59-118", "59-120", "61"],
)
def test_heartbeats_just_in_time_and_just_late(
    beats: tuple[float, ...], status: str, stop: float
) -> None:
    sfn, ex, tokens = start(HeartbeatSeconds=60)
    refused: list[tuple[float, str]] = []

    def call(fn: Any) -> None:
        try:
            fn(tokens[0])
        except errors.TaskTimedOut as e:
            refused.append(((sfn.now() - at(0)).total_seconds(), e.code))

    for beat in beats:
        sfn.after(beat, lambda: call(lambda t: sfn.send_task_heartbeat(taskToken=t)))
    sfn.after(170, lambda: call(lambda t: sfn.send_task_success(taskToken=t, output="{}")))
    sfn.run()
    described = sfn.describe_execution(executionArn=ex)
    assert (described["status"], described["stopDate"]) == (status, at(stop))
    if status == "FAILED":
        assert described["error"] == "States.Timeout"
        assert history(sfn, ex)[-2]["type"] == "TaskTimedOut"
        late_beats = [b for b in beats if b > stop]
        assert refused == [(b, "TaskTimedOut") for b in late_beats] + [(170, "TaskTimedOut")]
    else:
        assert refused == []


def test_send_task_failure_with_and_without_an_error() -> None:
    sfn, ex, tokens = start()
    sfn.advance(10)
    sfn.send_task_heartbeat(taskToken=tokens[0])  # no deadline: accepted, nothing recorded
    sfn.send_task_failure(taskToken=tokens[0], cause="the room is booked")
    described = sfn.describe_execution(executionArn=ex)
    assert (described["status"], described["cause"], described["stopDate"]) == (
        "FAILED",
        "the room is booked",
        at(10),
    )
    assert "error" not in described
    failed, execution_failed = history(sfn, ex)[-2:]
    assert failed["taskFailedEventDetails"] == {
        "resourceType": "sqs",
        "resource": "sendMessage.waitForTaskToken",
        "cause": "the room is booked",
    }
    assert execution_failed["executionFailedEventDetails"] == {"cause": "the room is booked"}


def test_a_malformed_token_is_invalid_and_a_closed_one_timed_out() -> None:
    """A token Step Functions never issued: ``InvalidToken`` with a fixed message that does not
    echo the token (recorded on AWS: NaohiroTamura/faasshell
    tests/unit/test_aws_api_step_functions.pl, SendTaskHeartbeat("FakeTaskToken") answered
    400 ``{"__type": "...#InvalidToken", "message": "Invalid Token: 'Invalid token'"}``)."""
    sfn, ex, tokens = start()
    sfn.advance(5)
    for bad in (
        lambda: sfn.send_task_success(taskToken="not-a-token", output="{}"),
        lambda: sfn.send_task_failure(taskToken="FakeTaskToken", error="E"),
        lambda: sfn.send_task_heartbeat(taskToken="FakeTaskToken"),
    ):
        with pytest.raises(errors.InvalidToken) as e:
            bad()
        assert (e.value.message, e.value.http_status) == ("Invalid Token: 'Invalid token'", 400)
    assert sfn.describe_execution(executionArn=ex)["status"] == "RUNNING"  # nothing answered
    sfn.stop_execution(executionArn=ex)
    for call in (
        lambda: sfn.send_task_success(taskToken=tokens[0], output="{}"),
        lambda: sfn.send_task_failure(taskToken=tokens[0], error="E"),
        lambda: sfn.send_task_heartbeat(taskToken=tokens[0]),
    ):
        with pytest.raises(errors.TaskTimedOut) as gone:
            call()
        assert gone.value.message == GONE
    assert [e["type"] for e in history(sfn, ex)][-2:] == ["TaskSubmitted", "ExecutionAborted"]


def test_many_executions_answered_through_one_service() -> None:
    sfn, first, tokens = start()
    arn = first.rsplit(":", 1)[0].replace(":execution:", ":stateMachine:")
    second = sfn.start_execution(stateMachineArn=arn, name="c2", input='{"class": "8a"}')
    sfn.advance(1)
    assert len(tokens) == 2
    sfn.send_task_success(taskToken=tokens[1], output='"second"')
    sfn.send_task_success(taskToken=tokens[0], output='"first"')
    assert sfn.describe_execution(executionArn=first)["output"] == '"first"'
    assert sfn.describe_execution(executionArn=second["executionArn"])["output"] == '"second"'
    assert first == EX + "m:c1"
