"""Activities and the task-token callbacks: shapes, idempotency and AWS's errors.

Recorded on AWS (LocalStack snapshot test_sfn_api_activities.snapshot.json): an invalid name
answers ``Invalid Name: '<name>'``; a deleted activity ``Activity Does Not Exist: '<arn>'``;
deleting twice and creating twice both succeed (the same ARN and creation date).
"""

from __future__ import annotations

import pytest

from aslrun.service import errors
from service_helpers import PREFIX, START, at, service

ACT = f"{PREFIX}:activity:"


def test_create_describe_list_delete() -> None:
    sfn = service()
    sfn.advance(5)
    assert sfn.create_activity(name="rec") == {"activityArn": ACT + "rec", "creationDate": at(5)}
    sfn.advance(5)
    assert sfn.create_activity(name="rec") == {"activityArn": ACT + "rec", "creationDate": at(5)}
    sfn.create_activity(name="approve")
    assert sfn.describe_activity(activityArn=ACT + "rec") == {
        "activityArn": ACT + "rec",
        "name": "rec",
        "creationDate": at(5),
    }
    page1 = sfn.list_activities(maxResults=1)
    assert page1["activities"] == [
        {"activityArn": ACT + "rec", "name": "rec", "creationDate": at(5)}
    ]
    page2 = sfn.list_activities(maxResults=1, nextToken=page1["nextToken"])
    assert page2 == {
        "activities": [{"activityArn": ACT + "approve", "name": "approve", "creationDate": at(10)}]
    }
    assert sfn.delete_activity(activityArn=ACT + "rec") == {}
    assert sfn.delete_activity(activityArn=ACT + "rec") == {}
    with pytest.raises(errors.ActivityDoesNotExist) as e:
        sfn.describe_activity(activityArn=ACT + "rec")
    assert e.value.message == f"Activity Does Not Exist: '{ACT}rec'"
    with pytest.raises(errors.ActivityDoesNotExist):
        sfn.get_activity_task(activityArn=ACT + "rec")


def test_invalid_activity_name() -> None:
    sfn = service()
    with pytest.raises(errors.InvalidName) as e:
        sfn.create_activity(name="TestActivity InvalidName$")
    assert e.value.message == "Invalid Name: 'TestActivity InvalidName$'"


def test_get_activity_task_with_nothing_waiting_returns_empty_at_once() -> None:
    sfn = service()
    sfn.create_activity(name="rec")
    assert sfn.get_activity_task(activityArn=ACT + "rec", workerName="w1") == {}
    assert sfn.now() == START  # a poll never waits on simulated time
    with pytest.raises(errors.InvalidArn):
        sfn.get_activity_task(activityArn=f"{PREFIX}:stateMachine:rec")


def test_callbacks_validate_the_token() -> None:
    sfn = service()
    with pytest.raises(errors.ValidationException) as e:
        sfn.send_task_success(taskToken="", output="{}")
    assert e.value.message == (
        "1 validation error detected: Value '' at 'taskToken' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )
    with pytest.raises(errors.ValidationException):
        sfn.send_task_heartbeat(taskToken="t" * 2049)
    with pytest.raises(errors.InvalidOutput):
        sfn.send_task_success(taskToken="tok", output="not json")
    for call in (
        lambda: sfn.send_task_success(taskToken="tok", output="{}"),
        lambda: sfn.send_task_failure(taskToken="tok", error="E", cause="C"),
        lambda: sfn.send_task_heartbeat(taskToken="tok"),
    ):
        with pytest.raises(errors.InvalidToken) as e2:
            call()
        assert e2.value.code == "InvalidToken"


def test_errors_carry_code_message_and_wire_body() -> None:
    error = errors.ExecutionAlreadyExists("Execution Already Exists: 'x'")
    assert (error.code, error.http_status, str(error)) == (
        "ExecutionAlreadyExists",
        400,
        "Execution Already Exists: 'x'",
    )
    assert error.to_json() == {
        "__type": "ExecutionAlreadyExists",
        "message": "Execution Already Exists: 'x'",
    }
    assert errors.ConflictException("c").http_status == 409
    assert isinstance(error, errors.StepFunctionsError)
    assert service().exceptions.InvalidArn is errors.InvalidArn
    import aslrun

    assert isinstance(errors.InvalidExecutionInput("x"), aslrun.InvalidExecutionInput)
