"""boto3 end to end, through botocore's own request/response pipeline: in-process
(``aslrun.mock_boto3``) and over HTTP (``aslrun`` serving on 127.0.0.1), the same tests.

What the client sees is what it would see from AWS: datetimes parsed from epoch seconds, error
codes as ``client.exceptions.*`` classes with AWS's messages (recorded texts, see
tests/test_protocol.py), paginators following ``nextToken``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest

pytest.importorskip("boto3")

from server_helpers import ASK, Endpoint, in_process, over_http
from service_helpers import EX, SM, START


@pytest.fixture(params=["in-process", "http"])
def ep(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Endpoint]:
    # dummy credentials, and no profile of the machine's user is read
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_SFN", raising=False)
    with in_process() if request.param == "in-process" else over_http() as endpoint:
        yield endpoint


def test_create_start_describe_on_the_clock(ep: Endpoint) -> None:
    arn = ep.machine()
    assert arn == f"{SM}m"
    described = ep.client.describe_state_machine(stateMachineArn=arn)
    assert (described["name"], described["status"], described["type"]) == (
        "m",
        "ACTIVE",
        "STANDARD",
    )
    assert described["creationDate"] == START
    started = ep.client.start_execution(stateMachineArn=arn, name="e", input='{"n":1}')
    assert (started["executionArn"], started["startDate"]) == (f"{EX}m:e", START)
    assert ep.client.describe_execution(executionArn=f"{EX}m:e")["status"] == "RUNNING"
    ep.advance(60)
    done = ep.client.describe_execution(executionArn=f"{EX}m:e")
    assert (done["status"], done["output"], done["stopDate"]) == (
        "SUCCEEDED",
        '{"n":1}',
        START + timedelta(seconds=60),
    )


def test_list_executions_pages_newest_first(ep: Endpoint) -> None:
    arn = ep.machine()
    for i in range(5):
        ep.client.start_execution(stateMachineArn=arn, name=f"e{i}")
    first = ep.client.list_executions(stateMachineArn=arn, maxResults=2)
    assert [e["name"] for e in first["executions"]] == ["e4", "e3"]
    second = ep.client.list_executions(
        stateMachineArn=arn, maxResults=2, nextToken=first["nextToken"]
    )
    assert [e["name"] for e in second["executions"]] == ["e2", "e1"]
    pages = ep.client.get_paginator("list_executions").paginate(
        stateMachineArn=arn, PaginationConfig={"PageSize": 2}
    )
    assert [[e["name"] for e in p["executions"]] for p in pages] == [
        ["e4", "e3"],
        ["e2", "e1"],
        ["e0"],
    ]


def test_history_as_aws_records_it(ep: Endpoint) -> None:
    arn = ep.machine()
    ep.client.start_execution(stateMachineArn=arn, name="e")
    ep.advance(60)
    events = ep.client.get_execution_history(executionArn=f"{EX}m:e")["events"]
    assert [(e["type"], e["id"]) for e in events] == [
        ("ExecutionStarted", 1),
        ("WaitStateEntered", 2),
        ("WaitStateExited", 3),
        ("PassStateEntered", 4),
        ("PassStateExited", 5),
        ("ExecutionSucceeded", 6),
    ]
    assert [e["previousEventId"] for e in events][2:] == [2, 3, 4, 5]
    assert [e["timestamp"] - START for e in events] == [timedelta(0)] * 2 + [
        timedelta(seconds=60)
    ] * 4
    reverse = ep.client.get_execution_history(
        executionArn=f"{EX}m:e", reverseOrder=True, maxResults=2
    )
    assert [e["id"] for e in reverse["events"]] == [6, 5]
    assert "nextToken" in reverse


def test_stop_execution(ep: Endpoint) -> None:
    arn = ep.machine()
    ep.client.start_execution(stateMachineArn=arn, name="e")
    ep.advance(10)
    stopped = ep.client.stop_execution(executionArn=f"{EX}m:e", error="Cancelled", cause="class")
    assert stopped["stopDate"] == START + timedelta(seconds=10)
    described = ep.client.describe_execution(executionArn=f"{EX}m:e")
    assert (described["status"], described["error"], described["cause"]) == (
        "ABORTED",
        "Cancelled",
        "class",
    )
    last = ep.client.get_execution_history(executionArn=f"{EX}m:e", reverseOrder=True)["events"][0]
    assert last["type"] == "ExecutionAborted"
    assert last["executionAbortedEventDetails"] == {"error": "Cancelled", "cause": "class"}


def test_callbacks_answer_the_token(ep: Endpoint) -> None:
    arn = ep.machine(ASK, name="ask")
    ep.client.start_execution(stateMachineArn=arn, name="e")
    assert len(ep.tokens) == 1
    ep.client.send_task_heartbeat(taskToken=ep.tokens[0])
    ep.client.send_task_success(taskToken=ep.tokens[0], output=json.dumps({"seat": 12}))
    described = ep.client.describe_execution(executionArn=f"{EX}ask:e")
    assert (described["status"], described["output"]) == ("SUCCEEDED", '{"seat":12}')
    with pytest.raises(ep.client.exceptions.TaskTimedOut) as e:
        ep.client.send_task_success(taskToken=ep.tokens[0], output="{}")
    assert e.value.response["Error"] == {
        "Code": "TaskTimedOut",
        "Message": "Task Timed Out: 'Provided task does not exist anymore'",
    }


def test_send_task_failure(ep: Endpoint) -> None:
    arn = ep.machine(ASK, name="ask")
    ep.client.start_execution(stateMachineArn=arn, name="e")
    ep.client.send_task_failure(taskToken=ep.tokens[0], error="Full", cause="no seat")
    described = ep.client.describe_execution(executionArn=f"{EX}ask:e")
    assert (described["status"], described["error"], described["cause"]) == (
        "FAILED",
        "Full",
        "no seat",
    )


def test_errors_arrive_as_the_clients_exception_classes(ep: Endpoint) -> None:
    c = ep.client
    arn = ep.machine()
    c.start_execution(stateMachineArn=arn, name="e")
    with pytest.raises(c.exceptions.ExecutionAlreadyExists) as already:
        c.start_execution(stateMachineArn=arn, name="e", input='{"other":1}')
    assert already.value.response["Error"]["Message"] == f"Execution Already Exists: '{EX}m:e'"
    assert already.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(c.exceptions.StateMachineDoesNotExist) as missing:
        c.start_execution(stateMachineArn=f"{SM}gone")
    assert missing.value.response["Error"]["Message"] == (
        f"State Machine Does Not Exist: '{SM}gone'"
    )
    with pytest.raises(c.exceptions.InvalidArn) as invalid:
        c.describe_state_machine(stateMachineArn="not_a_valid_arn")
    assert invalid.value.response["Error"]["Message"] == (
        "Invalid Arn: 'Invalid ARN prefix: not_a_valid_arn'"
    )
    with pytest.raises(c.exceptions.ExecutionDoesNotExist):
        c.describe_execution(executionArn=f"{EX}m:nope")
    with pytest.raises(c.exceptions.InvalidExecutionInput) as bad_input:
        c.start_execution(stateMachineArn=arn, input="not json")
    assert bad_input.value.response["Error"]["Message"] == (
        "Invalid State Machine Execution Input: 'Unrecognized token 'not': was expecting "
        "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')'"
    )
    with pytest.raises(c.exceptions.ValidationException) as invalid_name:
        c.start_execution(stateMachineArn=arn, name="n" * 81)
    assert invalid_name.value.response["Error"]["Message"].endswith(
        "Member must have length less than or equal to 80"
    )


def test_an_operation_aslrun_lacks_is_an_unknown_operation(ep: Endpoint) -> None:
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as e:
        ep.client.list_tags_for_resource(resourceArn=f"{SM}m")
    assert e.value.response["Error"]["Code"] == "UnknownOperationException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_a_missing_handler_fails_the_task_as_aws_and_the_service_goes_on(ep: Endpoint) -> None:
    """The optimised lambda:invoke integration, as recorded on AWS (facts: fidelity §1a)."""
    task = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "nobody", "Payload.$": "$"},
        "End": True,
    }
    arn = ep.machine({"StartAt": "T", "States": {"T": task}})
    ep.client.start_execution(stateMachineArn=arn, name="e")
    ep.advance(1)
    described = ep.client.describe_execution(executionArn=f"{EX}m:e")
    assert (described["status"], described["error"]) == (
        "FAILED",
        "Lambda.ResourceNotFoundException",
    )
    cause = described["cause"]
    assert cause.startswith(
        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nobody"
    )
    assert (
        " (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; "
        "Request ID: " in cause
    )
    assert cause.endswith("; Proxy: null)")
    assert ep.client.list_state_machines()["stateMachines"][0]["name"] == "m"
