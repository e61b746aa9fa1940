"""An execution's own deadline through the service: a machine's ``TimeoutSeconds``, described
and recorded as AWS describes and records it.

Measured on AWS (floci-io/floci#2733, ``{"StartAt":"W","TimeoutSeconds":3,"States":{"W":
{"Type":"Wait","Seconds":25,"End":true}}}``): DescribeExecution is ``{executionArn,
stateMachineArn, name, status: "TIMED_OUT", startDate, stopDate: startDate + 3 s, input,
inputDetails, redriveCount: 0, redriveStatus: "REDRIVABLE"}`` with no ``error`` and no
``cause``; the history is three events, the last ``{"type": "ExecutionTimedOut", "id": 3,
"previousEventId": 0, "executionTimedOutEventDetails": {"error": "States.Timeout"}}``
(floci-io/floci#2965).
"""

from __future__ import annotations

from typing import Any

import pytest

from aslrun.handlers.registry import HandlerContext
from aslrun.service import errors
from service_helpers import EX, at, machine, service

TOPWAIT = {
    "StartAt": "W",
    "TimeoutSeconds": 3,
    "States": {"W": {"Type": "Wait", "Seconds": 25, "End": True}},
}


def test_a_machine_timeout_is_described_and_recorded_as_on_aws() -> None:
    sfn = service()
    arn = machine(sfn, TOPWAIT, name="topwait")
    sfn.advance(10)
    ex = sfn.start_execution(stateMachineArn=arn, name="run1")["executionArn"]
    assert sfn.run() == at(13)  # the 25 s Wait was cancelled at the deadline
    assert sfn.describe_execution(executionArn=ex) == {
        "executionArn": f"{EX}topwait:run1",
        "stateMachineArn": arn,
        "name": "run1",
        "status": "TIMED_OUT",
        "startDate": at(10),
        "stopDate": at(13),
        "input": "{}",
        "inputDetails": {"included": True},
        "redriveCount": 0,
        "redriveStatus": "REDRIVABLE",
    }
    events: list[dict[str, Any]] = sfn.get_execution_history(executionArn=ex)["events"]
    assert [(e["type"], e["id"], e["previousEventId"], e["timestamp"]) for e in events] == [
        ("ExecutionStarted", 1, 0, at(10)),
        ("WaitStateEntered", 2, 0, at(10)),
        ("ExecutionTimedOut", 3, 0, at(13)),
    ]
    assert events[2]["executionTimedOutEventDetails"] == {"error": "States.Timeout"}
    listed = sfn.list_executions(stateMachineArn=arn, statusFilter="TIMED_OUT")["executions"]
    assert [(e["name"], e["stopDate"]) for e in listed] == [("run1", at(13))]


def test_a_timed_out_execution_answers_no_more_callbacks() -> None:
    """A task token issued before the execution's deadline closes with it: ``TaskTimedOut``
    ``Task Timed Out: 'Provided task does not exist anymore'`` (real SDK output quoted in
    aws-samples/amazon-mwaa-examples#61 for a callback on a closed task)."""
    queue_arn = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
    tokens: list[str] = []

    def queue(params: Any, context: HandlerContext) -> Any:
        tokens.append(params["MessageBody"]["token"])
        return {"MessageId": "m"}

    definition = {
        "StartAt": "Ask",
        "TimeoutSeconds": 60,
        "States": {
            "Ask": {
                "Type": "Task",
                "Resource": queue_arn,
                "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
                "End": True,
            }
        },
    }
    sfn = service(handlers={queue_arn: queue})
    arn = machine(sfn, definition, name="ask")
    ex = sfn.start_execution(stateMachineArn=arn, name="x")["executionArn"]
    assert sfn.run() == at(60)
    assert [e["type"] for e in sfn.get_execution_history(executionArn=ex)["events"]] == [
        "ExecutionStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSubmitted",
        "ExecutionTimedOut",
    ]
    with pytest.raises(errors.TaskTimedOut) as e:
        sfn.send_task_success(taskToken=tokens[0], output="{}")
    assert e.value.message == "Task Timed Out: 'Provided task does not exist anymore'"
