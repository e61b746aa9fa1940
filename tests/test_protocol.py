"""The JSON 1.0 protocol layer (``aslrun.protocol.Dispatcher``) on the wire: exact bodies.

Expected texts are AWS's: the protocol metadata of the Step Functions model (awsJson1_0,
timestamps as epoch seconds), error bodies as observed on AWS
(``com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists``), and the ValidationException
messages recorded against AWS (LocalStack's test_sfn_api.snapshot.json).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

pytest.importorskip("botocore")

from aslrun.protocol import Dispatcher, Reply
from aslrun.protocol.dispatch import error_reply
from aslrun.service import StepFunctions, errors
from service_helpers import EX, PASS, SM, START, service

START_EPOCH = 1767225600.0  # 2026-01-01T00:00:00Z
ROLE = "arn:aws:iam::123456789012:role/service-role/StepFunctions-m-role"
SWF = "com.amazonaws.swf.service.v2.model#"
WAIT = json.dumps({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": True}}})


def call(d: Dispatcher, operation: str, **members: Any) -> Reply:
    return d.handle(f"AWSStepFunctions.{operation}", json.dumps(members).encode())


@pytest.fixture
def sfn() -> StepFunctions:
    return service()


@pytest.fixture
def d(sfn: StepFunctions) -> Dispatcher:
    return Dispatcher(sfn)


def _machine(d: Dispatcher, name: str = "m", definition: str = WAIT) -> str:
    reply = call(d, "CreateStateMachine", name=name, definition=definition, roleArn=ROLE)
    assert reply.status == 200, reply.body
    arn: str = reply.json()["stateMachineArn"]
    return arn


# -- success bodies ------------------------------------------------------------------------------


def test_a_success_is_200_json_1_0_with_timestamps_as_epoch_seconds(d: Dispatcher) -> None:
    reply = call(d, "CreateStateMachine", name="m", definition=WAIT, roleArn=ROLE)
    assert reply.status == 200
    assert dict(reply.headers)["Content-Type"] == "application/x-amz-json-1.0"
    assert json.loads(reply.body) == {"stateMachineArn": f"{SM}m", "creationDate": START_EPOCH}


def test_history_events_carry_epoch_timestamps_and_json_text_payloads(d: Dispatcher) -> None:
    arn = _machine(d)
    started = call(d, "StartExecution", stateMachineArn=arn, name="e", input='{"a":1}').json()
    assert started == {"executionArn": f"{EX}m:e", "startDate": START_EPOCH}
    events = call(d, "GetExecutionHistory", executionArn=f"{EX}m:e").json()["events"]
    assert events[0] == {
        "timestamp": START_EPOCH,
        "type": "ExecutionStarted",
        "id": 1,
        "previousEventId": 0,
        "executionStartedEventDetails": {
            "input": '{"a":1}',
            "inputDetails": {"truncated": False},
            "roleArn": "arn:aws:iam::123456789012:role/service-role/StepFunctions-m-role",
        },
    }


def test_a_virtual_clock_runs_what_is_due_now_after_each_request(d: Dispatcher) -> None:
    arn = _machine(d)
    call(d, "StartExecution", stateMachineArn=arn, name="e")
    events = call(d, "GetExecutionHistory", executionArn=f"{EX}m:e").json()["events"]
    assert [e["type"] for e in events] == ["ExecutionStarted", "WaitStateEntered"]


def test_milliseconds_are_the_fraction_of_the_epoch_number(sfn: StepFunctions) -> None:
    d = Dispatcher(sfn)
    sfn.advance(1.25)
    reply = call(d, "CreateStateMachine", name="m", definition=WAIT, roleArn=ROLE)
    assert reply.json()["creationDate"] == START_EPOCH + 1.25


def test_members_the_model_does_not_know_are_ignored(d: Dispatcher) -> None:
    reply = call(d, "ListStateMachines", somethingNew=1)
    assert (reply.status, reply.json()) == (200, {"stateMachines": []})


def test_an_empty_body_is_an_empty_request(d: Dispatcher) -> None:
    reply = d.handle("AWSStepFunctions.ListActivities", b"")
    assert (reply.status, reply.json()) == (200, {"activities": []})


# -- service errors ------------------------------------------------------------------------------


def test_a_service_error_is_400_with_the_namespaced_type_and_message(d: Dispatcher) -> None:
    arn = _machine(d)
    call(d, "StartExecution", stateMachineArn=arn, name="e")
    reply = call(d, "StartExecution", stateMachineArn=arn, name="e", input='{"other": 1}')
    assert reply.status == 400
    assert reply.json() == {
        "__type": f"{SWF}ExecutionAlreadyExists",
        "message": f"Execution Already Exists: '{EX}m:e'",
    }


def test_describe_of_a_missing_execution(d: Dispatcher) -> None:
    reply = call(d, "DescribeExecution", executionArn="invalid_execution_arn")
    assert (reply.status, reply.json()) == (
        400,
        {
            "__type": f"{SWF}InvalidArn",
            "message": "Invalid Arn: 'Invalid ARN prefix: invalid_execution_arn'",
        },
    )
    reply = call(d, "DescribeExecution", executionArn=f"{EX}m:nope")
    assert reply.json() == {
        "__type": f"{SWF}ExecutionDoesNotExist",
        "message": f"Execution Does Not Exist: '{EX}m:nope'",
    }


def test_conflict_is_409_as_the_api_reference_documents() -> None:
    reply = error_reply(errors.ConflictException("busy"))
    assert (reply.status, reply.json()) == (
        409,
        {"__type": f"{SWF}ConflictException", "message": "busy"},
    )


# -- request validation --------------------------------------------------------------------------


def test_a_name_over_80_characters(d: Dispatcher) -> None:
    name = "x" * 81
    reply = call(d, "CreateStateMachine", name=name, definition=WAIT, roleArn=ROLE)
    assert reply.status == 400
    assert reply.json() == {
        "__type": "com.amazon.coral.validate#ValidationException",
        "message": f"1 validation error detected: Value '{name}' at 'name' failed to satisfy "
        "constraint: Member must have length less than or equal to 80",
    }


def test_max_results_over_1000_as_recorded(d: Dispatcher) -> None:
    reply = call(d, "ListStateMachines", maxResults=1001)
    assert reply.json()["message"] == (
        "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy "
        "constraint: Member must have value less than or equal to 1000"
    )


def test_status_filter_enum_message_as_recorded(d: Dispatcher) -> None:
    arn = _machine(d)
    reply = call(d, "ListExecutions", stateMachineArn=arn, statusFilter="succeeded")
    assert reply.json()["message"] == (
        "1 validation error detected: Value 'succeeded' at 'statusFilter' failed to satisfy "
        "constraint: Member must satisfy enum value set: [SUCCEEDED, TIMED_OUT, "
        "PENDING_REDRIVE, ABORTED, FAILED, RUNNING]"
    )


def test_next_token_longer_than_its_shape_as_recorded(d: Dispatcher) -> None:
    token = "t" * 1025
    reply = call(d, "ListStateMachines", nextToken=token)
    assert reply.json()["message"] == (
        f"1 validation error detected: Value '{token}' at 'nextToken' failed to satisfy "
        "constraint: Member must have length less than or equal to 1024"
    )
    arn = _machine(d)
    token = "t" * 3097
    reply = call(d, "ListExecutions", stateMachineArn=arn, nextToken=token)
    assert reply.json()["message"].endswith("Member must have length less than or equal to 3096")


def test_a_missing_required_member_is_null(d: Dispatcher) -> None:
    reply = call(d, "DescribeExecution")
    assert (reply.status, reply.json()["message"]) == (
        400,
        "1 validation error detected: Value null at 'executionArn' failed to satisfy "
        "constraint: Member must not be null",
    )


def test_every_problem_is_listed(d: Dispatcher) -> None:
    reply = call(d, "CreateStateMachine", name="", type="PARALLEL")
    assert reply.json()["message"] == (
        "4 validation errors detected: "
        "Value '' at 'name' failed to satisfy constraint: Member must have length greater "
        "than or equal to 1; "
        "Value null at 'definition' failed to satisfy constraint: Member must not be null; "
        "Value null at 'roleArn' failed to satisfy constraint: Member must not be null; "
        "Value 'PARALLEL' at 'type' failed to satisfy constraint: Member must satisfy enum "
        "value set: [STANDARD, EXPRESS]"
    )


def test_list_members_are_located_from_one(d: Dispatcher) -> None:
    key = "k" * 129
    reply = call(d, "CreateActivity", name="a", tags=[{"key": "ok", "value": "v"}, {"key": key}])
    assert reply.json()["message"] == (
        f"1 validation error detected: Value '{key}' at 'tags.2.member.key' failed to "
        "satisfy constraint: Member must have length less than or equal to 128"
    )


def test_nested_members_are_located_by_dots(d: Dispatcher) -> None:
    reply = call(
        d,
        "CreateStateMachine",
        name="m",
        definition=WAIT,
        roleArn=ROLE,
        loggingConfiguration={"level": "X"},
    )
    assert reply.json()["message"] == (
        "1 validation error detected: Value 'X' at 'loggingConfiguration.level' failed to "
        "satisfy constraint: Member must satisfy enum value set: [ALL, ERROR, FATAL, OFF]"
    )


def test_sensitive_members_are_not_echoed(d: Dispatcher) -> None:
    """As the service does (docs/service-api.md): error texts are sensitive in the model."""
    reply = call(d, "StopExecution", executionArn=f"{EX}m:e", error="e" * 257)
    assert reply.json()["message"] == (
        "1 validation error detected: Value at 'error' failed to satisfy constraint: "
        "Member must have length less than or equal to 256"
    )


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"maxResults": "ten"}, "STRING_VALUE cannot be converted to Integer"),
        ({"maxResults": True}, "TRUE_VALUE cannot be converted to Integer"),
        ({"nextToken": 7}, "NUMBER_VALUE cannot be converted to String"),
        ({"nextToken": {"a": 1}}, "Start of structure or map found where not expected."),
        ({"nextToken": [1]}, "Start of list found where not expected."),
    ],
)
def test_a_member_of_the_wrong_json_type(
    d: Dispatcher, members: dict[str, Any], message: str
) -> None:
    reply = call(d, "ListStateMachines", **members)
    assert (reply.status, reply.json()) == (
        400,
        {"__type": "com.amazon.coral.service#SerializationException", "message": message},
    )


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"\xff\xfe", b'"text"'])
def test_a_body_that_is_not_a_json_object(d: Dispatcher, body: bytes) -> None:
    reply = d.handle("AWSStepFunctions.ListStateMachines", body)
    assert reply.status == 400
    assert reply.json()["__type"] == "com.amazon.coral.service#SerializationException"


def test_an_integral_float_is_an_integer(d: Dispatcher) -> None:
    reply = call(d, "ListStateMachines", maxResults=10.0)
    assert reply.status == 200


# -- operations ----------------------------------------------------------------------------------


IMPLEMENTED = {
    "CreateActivity",
    "CreateStateMachine",
    "DeleteActivity",
    "DeleteStateMachine",
    "DescribeActivity",
    "DescribeExecution",
    "DescribeStateMachine",
    "DescribeStateMachineForExecution",
    "GetActivityTask",
    "GetExecutionHistory",
    "ListActivities",
    "ListExecutions",
    "ListStateMachines",
    "SendTaskFailure",
    "SendTaskHeartbeat",
    "SendTaskSuccess",
    "StartExecution",
    "StartSyncExecution",
    "StopExecution",
    "UpdateStateMachine",
    "ValidateStateMachineDefinition",
}


def test_every_operation_of_the_service_is_routed(d: Dispatcher) -> None:
    assert set(d.operations) >= IMPLEMENTED
    for name in d.operations:
        assert callable(getattr(d.service, d.model.operations[name].method))


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            "AWSStepFunctions.TagResource",
            "aslrun does not implement the Step Functions operation TagResource",
        ),
        ("AWSStepFunctions.Advance", "Unknown operation: AWSStepFunctions.Advance"),
        ("DynamoDB_20120810.ListTables", "Unknown operation: DynamoDB_20120810.ListTables"),
        (None, "Unknown operation: the request has no X-Amz-Target header"),
    ],
)
def test_an_operation_aslrun_does_not_serve(
    d: Dispatcher, target: str | None, message: str
) -> None:
    """AWS answers an unknown operation with UnknownOperationException and status 400."""
    reply = d.handle(target, b"{}")
    assert (reply.status, reply.json()) == (
        400,
        {"__type": "com.amazon.coral.service#UnknownOperationException", "message": message},
    )


def test_a_member_aslrun_does_not_support_is_refused_unless_it_asks_for_nothing(
    d: Dispatcher,
) -> None:
    reply = call(d, "CreateStateMachine", name="m", definition=WAIT, roleArn=ROLE, publish=True)
    assert (reply.status, reply.json()["message"]) == (
        400,
        "aslrun does not support 'publish' in CreateStateMachine yet; leave it out",
    )
    reply = call(
        d,
        "CreateStateMachine",
        name="m",
        definition=WAIT,
        roleArn=ROLE,
        publish=False,
        encryptionConfiguration={"type": "AWS_OWNED_KEY"},
    )
    assert reply.status == 200


def test_a_bug_answers_internal_failure_not_a_traceback(sfn: StepFunctions) -> None:
    def broken(**_: Any) -> dict[str, Any]:
        raise KeyError("lost")

    sfn.list_activities = broken  # type: ignore[method-assign]
    reply = Dispatcher(sfn).handle("AWSStepFunctions.ListActivities", b"{}")
    assert reply.status == 500
    assert reply.json() == {
        "__type": f"{SWF}InternalFailure",
        "message": "aslrun internal error in ListActivities: KeyError: 'lost' (this is a bug "
        "in aslrun; please report it)",
    }


def test_start_sync_execution_runs_an_express_machine(d: Dispatcher) -> None:
    reply = call(
        d, "CreateStateMachine", name="x", definition=json.dumps(PASS), roleArn=ROLE, type="EXPRESS"
    )
    arn = reply.json()["stateMachineArn"]
    out = call(d, "StartSyncExecution", stateMachineArn=arn, name="s", input='{"k":2}').json()
    assert out["status"] == "SUCCEEDED"
    assert out["output"] == '{"k":2}'
    assert (out["startDate"], out["stopDate"]) == (START_EPOCH, START_EPOCH)
    assert START.timestamp() == START_EPOCH
