"""StartExecution, DescribeExecution, StopExecution, ListExecutions, GetExecutionHistory on
the service, with exact simulated timestamps.

Rules and messages: AWS API reference (StartExecution idempotency, "Results are sorted by
time, with the most recent execution first"), and AWS recordings (LocalStack snapshots
recorded against AWS: test_sfn_api.snapshot.json).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from aslrun.service import errors
from service_helpers import EX, PASS, PREFIX, SM, START, WAIT_60, at, machine, service

FAIL = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Oops", "Cause": "bad"}}}


def test_start_then_describe_while_running_and_after() -> None:
    sfn = service()
    arn = machine(sfn)
    sfn.advance(3)
    started = sfn.start_execution(stateMachineArn=arn, name="x", input='{"a": 1}')
    assert started == {"executionArn": EX + "m:x", "startDate": at(3)}
    running = {
        "executionArn": EX + "m:x",
        "stateMachineArn": arn,
        "name": "x",
        "status": "RUNNING",
        "startDate": at(3),
        "input": '{"a": 1}',
        "inputDetails": {"included": True},
        "redriveCount": 0,
        "redriveStatus": "NOT_REDRIVABLE",
        "redriveStatusReason": "Execution is RUNNING and cannot be redriven",
    }
    assert sfn.describe_execution(executionArn=EX + "m:x") == running
    sfn.run()
    # Recorded (test_describe_execution): a SUCCEEDED execution's full description.
    assert sfn.describe_execution(executionArn=EX + "m:x") == {
        **running,
        "status": "SUCCEEDED",
        "stopDate": at(63),
        "output": '{"a":1}',
        "outputDetails": {"included": True},
        "redriveStatusReason": "Execution is SUCCEEDED and cannot be redriven",
    }
    metadata = sfn.describe_execution(executionArn=EX + "m:x", includedData="METADATA_ONLY")
    assert "input" not in metadata and "output" not in metadata


def test_failed_execution_is_described_with_error_and_cause() -> None:
    sfn = service()
    arn = machine(sfn, FAIL)
    sfn.start_execution(stateMachineArn=arn, name="f")
    sfn.run()
    described = sfn.describe_execution(executionArn=EX + "m:f")
    assert (described["status"], described["error"], described["cause"]) == (
        "FAILED",
        "Oops",
        "bad",
    )
    assert described["redriveStatus"] == "REDRIVABLE"
    assert "output" not in described


def test_a_generated_name_is_a_uuid_and_follows_the_seed() -> None:
    names = []
    for _ in range(2):
        sfn = service(seed=11)
        arn = machine(sfn, PASS)
        names.append(sfn.start_execution(stateMachineArn=arn)["executionArn"].rsplit(":", 1)[1])
    assert names[0] == names[1]
    assert str(uuid.UUID(names[0])) == names[0]


def test_same_name_same_input_while_running_is_idempotent() -> None:
    # StartExecution: "if you call StartExecution with the same name and input as a running
    # execution, the call succeeds and return the same response as the original request."
    sfn = service()
    arn = machine(sfn)
    first = sfn.start_execution(stateMachineArn=arn, name="x", input='{"a":1}')
    sfn.advance(30)
    again = sfn.start_execution(stateMachineArn=arn, name="x", input='{"a":1}')
    assert again == first == {"executionArn": EX + "m:x", "startDate": START}
    assert len(sfn.list_executions(stateMachineArn=arn)["executions"]) == 1


def test_same_name_other_input_is_execution_already_exists() -> None:
    sfn = service()
    arn = machine(sfn)
    sfn.start_execution(stateMachineArn=arn, name="x", input='{"a":1}')
    with pytest.raises(errors.ExecutionAlreadyExists) as e:
        sfn.start_execution(stateMachineArn=arn, name="x", input='{"a":2}')
    assert e.value.message == f"Execution Already Exists: '{EX}m:x'"


def test_a_name_stays_taken_after_the_execution_ends() -> None:
    # "If the execution is closed or if the input is different, it returns a 400
    # ExecutionAlreadyExists error."
    sfn = service()
    arn = machine(sfn, PASS)
    sfn.start_execution(stateMachineArn=arn, name="x")
    sfn.run()
    with pytest.raises(errors.ExecutionAlreadyExists):
        sfn.start_execution(stateMachineArn=arn, name="x")


def test_express_names_need_not_be_unique_and_arns_carry_an_id() -> None:
    sfn = service()
    arn = machine(sfn, WAIT_60, type="EXPRESS")
    a = sfn.start_execution(stateMachineArn=arn, name="x")["executionArn"]
    b = sfn.start_execution(stateMachineArn=arn, name="x")["executionArn"]
    assert a != b
    for executed in (a, b):
        head, name, execution_id = executed.rsplit(":", 2)
        assert (head, name) == (f"{PREFIX}:express:m", "x")
        assert str(uuid.UUID(execution_id)) == execution_id
    with pytest.raises(errors.InvalidArn):
        sfn.describe_execution(executionArn=a)
    assert sfn.execution(a).status == "RUNNING"
    with pytest.raises(errors.StateMachineTypeNotSupported):
        sfn.list_executions(stateMachineArn=arn)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # All three recorded on AWS (test_invalid_start_execution_input).
        (
            "not json",
            "Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or "
            "token 'null', 'true' or 'false')",
        ),
        (
            "{'not':'json'}",
            "Unexpected character (''' (code 39)): was expecting double-quote to start field name",
        ),
        ("", "Invalid execution input."),
    ],
)
def test_invalid_input(text: str, message: str) -> None:
    sfn = service()
    arn = machine(sfn, PASS)
    with pytest.raises(errors.InvalidExecutionInput) as e:
        sfn.start_execution(stateMachineArn=arn, input=text)
    assert e.value.message == f"Invalid State Machine Execution Input: '{message}'"


@pytest.mark.parametrize("text", ["1", '"s"', "null", "[1, 2]"])
def test_any_json_value_is_an_input(text: str) -> None:
    sfn = service()
    arn = machine(sfn, PASS)
    ex = sfn.start_execution(stateMachineArn=arn, input=text)["executionArn"]
    sfn.run()
    assert sfn.describe_execution(executionArn=ex)["output"] == json.dumps(
        json.loads(text), separators=(",", ":")
    )


def test_start_errors() -> None:
    sfn = service()
    with pytest.raises(errors.StateMachineDoesNotExist) as e:
        sfn.start_execution(stateMachineArn=SM + "gone")
    assert e.value.message == f"State Machine Does Not Exist: '{SM}gone'"
    with pytest.raises(errors.InvalidArn) as e2:
        sfn.start_execution(stateMachineArn="invalid_state_machine_arn")
    assert e2.value.message == "Invalid Arn: 'Invalid ARN prefix: invalid_state_machine_arn'"
    arn = machine(sfn, PASS)
    with pytest.raises(errors.InvalidName) as e3:
        sfn.start_execution(stateMachineArn=arn, name="a b")
    assert e3.value.message == "Invalid Name: 'a b'"


def test_describe_and_history_of_a_missing_execution() -> None:
    sfn = service()
    for call in (sfn.describe_execution, sfn.get_execution_history, sfn.stop_execution):
        with pytest.raises(errors.ExecutionDoesNotExist) as e:
            call(executionArn=EX + "m:nope")
        assert e.value.message == f"Execution Does Not Exist: '{EX}m:nope'"
        with pytest.raises(errors.InvalidArn) as e2:
            call(executionArn="invalid_state_machine_arn")
        assert e2.value.message == "Invalid Arn: 'Invalid ARN prefix: invalid_state_machine_arn'"


def test_stop_during_wait_records_execution_aborted_as_aws_does() -> None:
    # Recorded (test_stop_execution): ExecutionStarted, WaitStateEntered, ExecutionAborted with
    # executionAbortedEventDetails {} and previousEventId 0; then status ABORTED, no output.
    sfn = service()
    arn = machine(sfn)
    ex = sfn.start_execution(stateMachineArn=arn, name="x")["executionArn"]
    sfn.advance(20)
    assert sfn.stop_execution(executionArn=ex) == {"stopDate": at(20)}
    events = sfn.get_execution_history(executionArn=ex)["events"]
    assert [(e["type"], e["id"], e["previousEventId"]) for e in events] == [
        ("ExecutionStarted", 1, 0),
        ("WaitStateEntered", 2, 0),  # recorded: the first state entered has 0, not 1
        ("ExecutionAborted", 3, 0),
    ]
    assert events[2] == {
        "timestamp": at(20),
        "type": "ExecutionAborted",
        "id": 3,
        "previousEventId": 0,
        "executionAbortedEventDetails": {},
    }
    sfn.run()  # the cancelled Wait never fires
    assert len(sfn.get_execution_history(executionArn=ex)["events"]) == 3
    described = sfn.describe_execution(executionArn=ex)
    assert (described["status"], described["stopDate"]) == ("ABORTED", at(20))
    assert "output" not in described
    assert sfn.current_states(ex) == []


def test_stop_with_error_and_cause_and_stopping_again() -> None:
    sfn = service()
    arn = machine(sfn)
    ex = sfn.start_execution(stateMachineArn=arn, name="x")["executionArn"]
    sfn.advance(5)
    sfn.stop_execution(executionArn=ex, error="Cancelled", cause="class cancelled")
    aborted = sfn.get_execution_history(executionArn=ex, reverseOrder=True)["events"][0]
    assert aborted["executionAbortedEventDetails"] == {
        "error": "Cancelled",
        "cause": "class cancelled",
    }
    described = sfn.describe_execution(executionArn=ex)
    assert (described["error"], described["cause"]) == ("Cancelled", "class cancelled")
    sfn.advance(5)
    assert sfn.stop_execution(executionArn=ex) == {"stopDate": at(5)}


def test_stop_validates_error_length() -> None:
    sfn = service()
    arn = machine(sfn)
    ex = sfn.start_execution(stateMachineArn=arn, name="x")["executionArn"]
    with pytest.raises(errors.ValidationException) as e:
        sfn.stop_execution(executionArn=ex, error="e" * 257)
    assert e.value.message == (
        "1 validation error detected: Value at 'error' failed to satisfy constraint: "
        "Member must have length less than or equal to 256"
    )


def _names(page: dict[str, Any]) -> list[str]:
    return [e["name"] for e in page["executions"]]


def test_list_executions_newest_first_with_pages_and_status_filter() -> None:
    sfn = service()
    arn = machine(sfn)
    for i in range(4):
        sfn.run_until(at(i * 30))
        sfn.start_execution(stateMachineArn=arn, name=f"e{i}")
    sfn.run_until(at(100))  # e0 (started 0) and e1 (started 30) have ended
    page1 = sfn.list_executions(stateMachineArn=arn, maxResults=2)
    assert page1["executions"] == [
        {
            "executionArn": EX + "m:e3",
            "stateMachineArn": arn,
            "name": "e3",
            "status": "RUNNING",
            "startDate": at(90),
            "redriveCount": 0,
        },
        {
            "executionArn": EX + "m:e2",
            "stateMachineArn": arn,
            "name": "e2",
            "status": "RUNNING",
            "startDate": at(60),
            "redriveCount": 0,
        },
    ]
    sfn.start_execution(stateMachineArn=arn, name="late")  # a new start does not shift pages
    page2 = sfn.list_executions(stateMachineArn=arn, maxResults=2, nextToken=page1["nextToken"])
    assert _names(page2) == ["e1", "e0"]
    assert "nextToken" not in page2
    done = sfn.list_executions(stateMachineArn=arn, statusFilter="SUCCEEDED")
    assert done["executions"] == [
        {
            "executionArn": EX + "m:e1",
            "stateMachineArn": arn,
            "name": "e1",
            "status": "SUCCEEDED",
            "startDate": at(30),
            "stopDate": at(90),
            "redriveCount": 0,
        },
        {
            "executionArn": EX + "m:e0",
            "stateMachineArn": arn,
            "name": "e0",
            "status": "SUCCEEDED",
            "startDate": at(0),
            "stopDate": at(60),
            "redriveCount": 0,
        },
    ]
    with pytest.raises(errors.InvalidToken):  # a token is bound to its listing
        sfn.list_executions(
            stateMachineArn=arn, statusFilter="RUNNING", nextToken=page1["nextToken"]
        )


def test_list_executions_errors() -> None:
    sfn = service()
    arn = machine(sfn)
    with pytest.raises(errors.ValidationException) as e:
        sfn.list_executions(stateMachineArn=arn, statusFilter="succeeded")
    assert e.value.message == (
        "1 validation error detected: Value 'succeeded' at 'statusFilter' failed to satisfy "
        "constraint: Member must satisfy enum value set: "
        "[SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, RUNNING]"
    )
    token = "t" * 3097
    with pytest.raises(errors.ValidationException) as e:
        sfn.list_executions(stateMachineArn=arn, nextToken=token)
    assert e.value.message.endswith("Member must have length less than or equal to 3096")
    with pytest.raises(errors.StateMachineDoesNotExist) as e2:
        sfn.list_executions(stateMachineArn=SM + "ssm_nonexistent_arn")
    assert e2.value.message == f"State Machine Does Not Exist: '{SM}ssm_nonexistent_arn'"


def test_history_pages_forward_and_in_reverse() -> None:
    sfn = service()
    arn = machine(sfn)
    ex = sfn.start_execution(stateMachineArn=arn, name="x", input='{"k": "v"}')["executionArn"]
    sfn.run()
    everything = sfn.get_execution_history(executionArn=ex)["events"]
    types = [e["type"] for e in everything]
    assert types == [
        "ExecutionStarted",
        "WaitStateEntered",
        "WaitStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    assert [e["timestamp"] for e in everything] == [at(0), at(0), at(60), at(60), at(60), at(60)]
    page1 = sfn.get_execution_history(executionArn=ex, maxResults=4)
    page2 = sfn.get_execution_history(executionArn=ex, maxResults=4, nextToken=page1["nextToken"])
    assert page1["events"] + page2["events"] == everything
    assert "nextToken" not in page2
    back1 = sfn.get_execution_history(executionArn=ex, maxResults=4, reverseOrder=True)
    back2 = sfn.get_execution_history(
        executionArn=ex, maxResults=4, reverseOrder=True, nextToken=back1["nextToken"]
    )
    assert back1["events"] + back2["events"] == everything[::-1]
    with pytest.raises(errors.InvalidToken):
        sfn.get_execution_history(executionArn=ex, nextToken=back1["nextToken"])


def test_history_without_execution_data() -> None:
    sfn = service()
    arn = machine(sfn, PASS)
    ex = sfn.start_execution(stateMachineArn=arn, name="x", input='{"k": "v"}')["executionArn"]
    sfn.run()
    events = sfn.get_execution_history(executionArn=ex, includeExecutionData=False)["events"]
    assert events[0]["executionStartedEventDetails"] == {
        "roleArn": "arn:aws:iam::123456789012:role/service-role/StepFunctions-m-role"
    }
    assert events[1]["stateEnteredEventDetails"] == {"name": "P"}
    assert events[3]["executionSucceededEventDetails"] == {}


def test_sync_express_returns_the_outcome() -> None:
    sfn = service()
    arn = machine(sfn, WAIT_60, type="EXPRESS")
    out = sfn.start_sync_execution(stateMachineArn=arn, name="s", input='{"a":1}')
    assert out["executionArn"].startswith(f"{PREFIX}:express:m:s:")
    del out["executionArn"]
    assert out == {
        "stateMachineArn": arn,
        "name": "s",
        "status": "SUCCEEDED",
        "startDate": START,
        "stopDate": at(60),
        "input": '{"a":1}',
        "inputDetails": {"included": True},
        "output": '{"a":1}',
        "outputDetails": {"included": True},
        "billingDetails": {"billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": 60000},
    }
    standard = machine(sfn, PASS, name="std")
    with pytest.raises(errors.StateMachineTypeNotSupported) as e:
        sfn.start_sync_execution(stateMachineArn=standard)
    assert e.value.message == "This operation is not supported by this type of state machine"


def test_sync_express_times_out_after_five_minutes() -> None:
    sfn = service()
    long_wait = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "End": True}}}
    arn = machine(sfn, long_wait, type="EXPRESS")
    out = sfn.start_sync_execution(stateMachineArn=arn, name="s")
    assert (out["status"], out["stopDate"]) == ("TIMED_OUT", at(300))
    assert sfn.now() == at(300)


def test_on_event_sees_every_event_of_every_execution_as_recorded() -> None:
    sfn = service()
    arn = machine(sfn)
    seen: list[tuple[str, str, Any]] = []
    unsubscribe = sfn.on_event(lambda ex, ev: seen.append((ex.name, ev["type"], ev["timestamp"])))
    sfn.start_execution(stateMachineArn=arn, name="a")
    sfn.advance(10)
    sfn.start_execution(stateMachineArn=arn, name="b")
    assert seen == [
        ("a", "ExecutionStarted", at(0)),
        ("a", "WaitStateEntered", at(0)),
        ("b", "ExecutionStarted", at(10)),
    ]
    sfn.run()
    assert seen[3:] == [
        ("b", "WaitStateEntered", at(10)),
        ("a", "WaitStateExited", at(60)),
        ("a", "PassStateEntered", at(60)),
        ("a", "PassStateExited", at(60)),
        ("a", "ExecutionSucceeded", at(60)),
        ("b", "WaitStateExited", at(70)),
        ("b", "PassStateEntered", at(70)),
        ("b", "PassStateExited", at(70)),
        ("b", "ExecutionSucceeded", at(70)),
    ]
    count = len(seen)
    unsubscribe()
    sfn.start_execution(stateMachineArn=arn, name="c")
    sfn.run()
    assert len(seen) == count


def test_on_event_subscribed_late_sees_the_running_executions_next_events() -> None:
    sfn = service()
    arn = machine(sfn)  # Wait 60 s, then Pass
    sfn.start_execution(stateMachineArn=arn, name="a")
    sfn.advance(10)
    seen: list[tuple[str, str, Any]] = []
    unsubscribe = sfn.on_event(lambda ex, ev: seen.append((ex.name, ev["type"], ev["timestamp"])))
    sfn.run()
    assert seen == [
        ("a", "WaitStateExited", at(60)),
        ("a", "PassStateEntered", at(60)),
        ("a", "PassStateExited", at(60)),
        ("a", "ExecutionSucceeded", at(60)),
    ]
    unsubscribe()
    sfn.start_execution(stateMachineArn=arn, name="b")  # at 60, while nobody listens
    sfn.advance(10)
    seen.clear()
    sfn.on_event(lambda ex, ev: seen.append((ex.name, ev["type"], ev["timestamp"])))
    sfn.run()
    assert [(name, kind) for name, kind, _ in seen] == [
        ("b", "WaitStateExited"),
        ("b", "PassStateEntered"),
        ("b", "PassStateExited"),
        ("b", "ExecutionSucceeded"),
    ]
    assert {when for _, _, when in seen} == {at(120)}
