"""Nested executions: ``arn:aws:states:::states:startExecution`` (.sync, .sync:2,
.waitForTaskToken) on one service and clock.

Expected shapes from AWS recordings (localstack tests/aws/services/stepfunctions/v2/callback/
test_callback.snapshot.json, recorded against AWS): the ``.sync`` result is DescribeExecution
in PascalCase with Input/Output as JSON text, ``.sync:2`` with JSON values; a failed child
fails the Task with States.TaskFailed and the child's description as the cause; events
TaskScheduled, TaskStarted, TaskSubmitted, TaskSucceeded|TaskFailed.  The refused
StartExecution's error and cause: ``StepFunctions.StateMachineDoesNotExistException``,
``State Machine Does Not Exist: '<arn>' (Service: AWSStepFunctions; Status Code: 400; Error
Code: StateMachineDoesNotExist; Request ID: ...; Proxy: null)``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import aslrun
from service_helpers import EX, SM, START, at, machine, service

MS = int(START.timestamp() * 1000)
CHILD = {
    "StartAt": "W",
    "States": {
        "W": {"Type": "Wait", "Seconds": 60, "Next": "P"},
        "P": {"Type": "Pass", "Result": {"Arg1": "argument1"}, "End": True},
    },
}
FAILING_CHILD = {
    "StartAt": "W",
    "States": {
        "W": {"Type": "Wait", "Seconds": 60, "Next": "F"},
        "F": {
            "Type": "Fail",
            "Error": "SomeFailure",
            "Cause": "This state machines raises a 'SomeFailure' failure.",
        },
    },
}


def parent(resource: str, **parameters: Any) -> dict[str, Any]:
    params = {
        "StateMachineArn": f"{SM}child",
        "Name": "kid",
        "Input": {"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"},
        **parameters,
    }
    return {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": f"arn:aws:states:::states:{resource}",
                "Parameters": params,
                "End": True,
            }
        },
    }


def run_parent(resource: str, child: Any = None, **parameters: Any) -> Any:
    sfn = service()
    machine(sfn, child or CHILD, name="child")
    arn = machine(sfn, parent(resource, **parameters), name="parent")
    sfn.start_execution(stateMachineArn=arn, name="p")
    sfn.run()
    return sfn, sfn.execution(f"{EX}parent:p")


def events(execution: Any) -> list[tuple[str, Any]]:
    return [(e["type"], e["timestamp"]) for e in execution.history]


def test_start_execution_returns_the_sdk_response() -> None:
    sfn, ex = run_parent("startExecution")
    out = ex.output
    request_id = out["SdkResponseMetadata"]["RequestId"]
    body = f'{{"executionArn":"{EX}child:kid","startDate":{START.timestamp():.1f}}}'
    headers = {
        "x-amzn-RequestId": request_id,
        "connection": "keep-alive",
        "Content-Length": str(len(body)),
        "Date": "Thu, 01 Jan 2026 00:00:00 GMT",
        "Content-Type": "application/x-amz-json-1.0",
    }
    assert out == {
        "ExecutionArn": f"{EX}child:kid",
        "StartDate": MS,
        "SdkHttpMetadata": {
            "AllHttpHeaders": {k: [v] for k, v in headers.items()},
            "HttpHeaders": headers,
            "HttpStatusCode": 200,
        },
        "SdkResponseMetadata": {"RequestId": request_id},
    }
    assert [t for t, _ in events(ex)] == [
        "ExecutionStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    # the child runs on the same clock, with the parent's id in its input
    child = sfn.describe_execution(executionArn=f"{EX}child:kid")
    assert (child["status"], child["stopDate"]) == ("SUCCEEDED", at(60))
    assert json.loads(child["input"]) == {
        "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID": f"{EX}parent:p"
    }


def test_sync_waits_for_the_child_and_returns_its_description_with_json_text() -> None:
    _, ex = run_parent("startExecution.sync")
    assert ex.output == {
        "ExecutionArn": f"{EX}child:kid",
        "Input": f'{{"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID":"{EX}parent:p"}}',
        "InputDetails": {"Included": True},
        "Name": "kid",
        "Output": '{"Arg1":"argument1"}',
        "OutputDetails": {"Included": True},
        "StartDate": MS,
        "StateMachineArn": f"{SM}child",
        "Status": "SUCCEEDED",
        "StopDate": MS + 60_000,
    }
    assert events(ex) == [
        ("ExecutionStarted", at(0)),
        ("TaskStateEntered", at(0)),
        ("TaskScheduled", at(0)),
        ("TaskStarted", at(0)),
        ("TaskSubmitted", at(0)),
        ("TaskSucceeded", at(60)),
        ("TaskStateExited", at(60)),
        ("ExecutionSucceeded", at(60)),
    ]
    submitted = ex.history[4]["taskSubmittedEventDetails"]
    assert submitted["resourceType"] == "states"
    assert submitted["resource"] == "startExecution.sync"
    assert json.loads(submitted["output"])["ExecutionArn"] == f"{EX}child:kid"


def test_sync_2_returns_input_and_output_as_json() -> None:
    """Recorded on AWS (test_callback snapshot, ``startExecution.sync:2``): the same members
    as ``.sync``, with ``Input`` and ``Output`` as JSON values instead of JSON text."""
    _, ex = run_parent("startExecution.sync:2")
    assert ex.output == {
        "ExecutionArn": f"{EX}child:kid",
        "Input": {"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID": f"{EX}parent:p"},
        "InputDetails": {"Included": True},
        "Name": "kid",
        "Output": {"Arg1": "argument1"},
        "OutputDetails": {"Included": True},
        "StartDate": MS,
        "StateMachineArn": f"{SM}child",
        "Status": "SUCCEEDED",
        "StopDate": MS + 60_000,
    }
    assert events(ex) == [
        ("ExecutionStarted", at(0)),
        ("TaskStateEntered", at(0)),
        ("TaskScheduled", at(0)),
        ("TaskStarted", at(0)),
        ("TaskSubmitted", at(0)),
        ("TaskSucceeded", at(60)),
        ("TaskStateExited", at(60)),
        ("ExecutionSucceeded", at(60)),
    ]
    succeeded = ex.history[5]["taskSucceededEventDetails"]
    assert (succeeded["resourceType"], succeeded["resource"]) == (
        "states",
        "startExecution.sync:2",
    )
    assert json.loads(succeeded["output"]) == ex.output


def test_a_failed_child_fails_the_task_with_states_task_failed() -> None:
    _, ex = run_parent("startExecution.sync", child=FAILING_CHILD)
    cause = {
        "Cause": "This state machines raises a 'SomeFailure' failure.",
        "Error": "SomeFailure",
        "ExecutionArn": f"{EX}child:kid",
        "Input": f'{{"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID":"{EX}parent:p"}}',
        "InputDetails": {"Included": True},
        "Name": "kid",
        "StartDate": MS,
        "StateMachineArn": f"{SM}child",
        "Status": "FAILED",
        "StopDate": MS + 60_000,
    }
    assert (ex.status, ex.error) == ("FAILED", "States.TaskFailed")
    assert json.loads(ex.cause) == cause
    assert ex.cause == json.dumps(cause, separators=(",", ":"))
    failed = ex.history[5]
    assert failed["type"] == "TaskFailed"
    assert failed["timestamp"] == at(60)
    assert failed["taskFailedEventDetails"] == {
        "resourceType": "states",
        "resource": "startExecution.sync",
        "error": "States.TaskFailed",
        "cause": ex.cause,
    }


def test_wait_for_task_token_waits_for_the_callback() -> None:
    sfn = service()
    machine(sfn, {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, name="child")
    definition = parent("startExecution.waitForTaskToken", Input={"token.$": "$$.Task.Token"})
    arn = machine(sfn, definition, name="parent")
    sfn.start_execution(stateMachineArn=arn, name="p")
    sfn.run()
    ex = sfn.execution(f"{EX}parent:p")
    assert ex.status == "RUNNING"
    child = sfn.describe_execution(executionArn=f"{EX}child:kid")
    token = json.loads(child["output"])["token"]
    sfn.after(3600, lambda: sfn.send_task_success(taskToken=token, output='{"approved":true}'))
    sfn.run()
    assert (ex.status, ex.output, ex.stop_date) == ("SUCCEEDED", {"approved": True}, at(3600))
    assert [t for t, _ in events(ex)][3:6] == ["TaskStarted", "TaskSubmitted", "TaskSucceeded"]


def test_stopping_the_parent_stops_its_sync_child() -> None:
    sfn = service()
    machine(sfn, CHILD, name="child")
    arn = machine(sfn, parent("startExecution.sync"), name="parent")
    sfn.start_execution(stateMachineArn=arn, name="p")
    sfn.advance(30)
    sfn.stop_execution(executionArn=f"{EX}parent:p")
    child = sfn.describe_execution(executionArn=f"{EX}child:kid")
    assert (child["status"], child["stopDate"]) == ("ABORTED", at(30))
    assert sfn.describe_execution(executionArn=f"{EX}parent:p")["status"] == "ABORTED"


def test_a_refused_start_fails_the_task_as_the_sdk_words_it() -> None:
    _, ex = run_parent("startExecution.sync", StateMachineArn=f"{SM}nothing")
    assert (ex.status, ex.error) == ("FAILED", "StepFunctions.StateMachineDoesNotExistException")
    assert ex.cause.startswith(
        f"State Machine Does Not Exist: '{SM}nothing' (Service: AWSStepFunctions; "
        "Status Code: 400; Error Code: StateMachineDoesNotExist; Request ID: "
    )
    assert ex.cause.endswith("; Proxy: null)")
    assert [e["type"] for e in ex.history][2:5] == ["TaskScheduled", "TaskStarted", "TaskFailed"]


def test_a_taken_name_fails_the_task() -> None:
    sfn = service()
    machine(sfn, CHILD, name="child")
    sfn.start_execution(stateMachineArn=f"{SM}child", name="kid", input='{"other": 1}')
    arn = machine(sfn, parent("startExecution"), name="parent")
    sfn.start_execution(stateMachineArn=arn, name="p")
    sfn.run()
    ex = sfn.execution(f"{EX}parent:p")
    assert ex.error == "StepFunctions.ExecutionAlreadyExistsException"
    assert ex.cause.startswith(f"Execution Already Exists: '{EX}child:kid' (Service: ")


@pytest.mark.parametrize("resource", ["startExecution", "startExecution.sync"])
def test_outside_a_service_there_is_no_other_state_machine(resource: str) -> None:
    ex = aslrun.load(parent(resource)).run({}, clock=aslrun.VirtualClock(start=START))
    assert (ex.status, ex.error) == ("FAILED", "StepFunctions.StateMachineDoesNotExistException")
    assert ex.cause.startswith(
        f"State Machine Does Not Exist: '{SM}child' (Service: AWSStepFunctions; "
        "Status Code: 400; Error Code: StateMachineDoesNotExist; Request ID: "
    )
