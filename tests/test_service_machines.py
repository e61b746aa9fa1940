"""CreateStateMachine ... ValidateStateMachineDefinition: shapes, idempotency, AWS's errors.

Messages are AWS's, as recorded (LocalStack snapshots recorded against AWS,
tests/aws/services/stepfunctions/v2/test_sfn_api.snapshot.json).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aslrun.service import errors
from service_helpers import PASS, ROLE, SM, START, WAIT_60, at, machine, service


def test_create_then_describe_gives_the_definition_text_as_given() -> None:
    sfn = service()
    text = json.dumps(PASS, indent=2)
    sfn.advance(5)
    created = sfn.create_state_machine(name="m", definition=text)
    assert created == {"stateMachineArn": SM + "m", "creationDate": at(5)}
    sfn.advance(10)
    assert sfn.describe_state_machine(stateMachineArn=SM + "m") == {
        "stateMachineArn": SM + "m",
        "name": "m",
        "status": "ACTIVE",
        "definition": text,
        "roleArn": ROLE.format("m"),
        "type": "STANDARD",
        "creationDate": at(5),
        "loggingConfiguration": {"level": "OFF", "includeExecutionData": False},
        "tracingConfiguration": {"enabled": False},
    }


def test_create_is_idempotent_for_the_same_parameters_and_ignores_the_role() -> None:
    # AWS API reference, CreateStateMachine: "If a following request has a different roleArn
    # or tags, Step Functions will ignore these differences".
    sfn = service()
    first = sfn.create_state_machine(name="m", definition=json.dumps(PASS))
    sfn.advance(60)
    again = sfn.create_state_machine(
        name="m", definition=json.dumps(PASS), roleArn="arn:aws:iam::123456789012:role/other"
    )
    assert again == first == {"stateMachineArn": SM + "m", "creationDate": START}


def test_create_with_another_definition_is_state_machine_already_exists() -> None:
    sfn = service()
    machine(sfn, PASS)
    with pytest.raises(errors.StateMachineAlreadyExists) as e:
        sfn.create_state_machine(name="m", definition=json.dumps(WAIT_60))
    assert e.value.code == "StateMachineAlreadyExists"
    assert e.value.message == f"State Machine Already Exists: '{SM}m'"


def test_a_dict_definition_and_a_path_definition() -> None:
    sfn = service()
    assert sfn.create_state_machine(name="d", definition=PASS)["stateMachineArn"] == SM + "d"
    assert json.loads(sfn.describe_state_machine(stateMachineArn=SM + "d")["definition"]) == PASS
    sample = Path(__file__).parent.parent / "examples" / "classroom.asl.json"
    arn = sfn.create_state_machine(name="f", definition=sample)["stateMachineArn"]
    assert arn == SM + "f"
    described = json.loads(sfn.describe_state_machine(stateMachineArn=arn)["definition"])
    assert described == json.loads(sample.read_text())


def test_text_that_names_a_file_is_never_read() -> None:
    sfn = service()
    with pytest.raises(errors.InvalidDefinition) as e:
        sfn.create_state_machine(name="m", definition="tests/samples/x.asl.json")
    assert e.value.message.startswith(
        "Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: "
    )
    assert e.value.message.endswith("pass pathlib.Path(...) to read a file)")


def test_text_never_resolves_loader_placeholders() -> None:
    sfn = service()
    definition = {
        "StartAt": "P",
        "States": {"P": {"Type": "Pass", "Result": "${env:HOME}", "End": True}},
    }
    arn = machine(sfn, definition)
    ex = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    sfn.run()
    assert sfn.describe_execution(executionArn=ex)["output"] == '"${env:HOME}"'


def test_invalid_definition_lists_aws_codes_and_slash_locations() -> None:
    # Recorded: "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are
    # required: [States] at /'" - the code, the message, " at " and the location.
    sfn = service()
    with pytest.raises(errors.InvalidDefinition) as e:
        sfn.create_state_machine(name="m", definition='{"StartAt": "A"}')
    assert e.value.message.startswith("Invalid State Machine Definition: '")
    assert " at /" in e.value.message
    with pytest.raises(errors.InvalidDefinition) as e:
        sfn.create_state_machine(name="m", definition="{not json")
    assert e.value.message.startswith(
        "Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: "
    )


@pytest.mark.parametrize("name", ["has space", "a/b", "x:y", "q?", "tab\there", "\u0085", ""])
def test_invalid_names(name: str) -> None:
    sfn = service()
    with pytest.raises(errors.InvalidName) as e:
        sfn.create_state_machine(name=name, definition=json.dumps(PASS))
    assert e.value.message == f"Invalid Name: '{name}'"


def test_a_name_longer_than_80_is_a_validation_exception() -> None:
    sfn = service()
    name = "n" * 81
    with pytest.raises(errors.ValidationException) as e:
        sfn.create_state_machine(name=name, definition=json.dumps(PASS))
    assert e.value.message == (
        f"1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: "
        "Member must have length less than or equal to 80"
    )
    assert machine(sfn, PASS, name="n" * 80) == SM + "n" * 80


def test_unknown_type_is_a_validation_exception() -> None:
    sfn = service()
    with pytest.raises(errors.ValidationException) as e:
        sfn.create_state_machine(name="m", definition=json.dumps(PASS), type="standard")
    assert e.value.message == (
        "1 validation error detected: Value 'standard' at 'type' failed to satisfy constraint: "
        "Member must satisfy enum value set: [STANDARD, EXPRESS]"
    )


@pytest.mark.parametrize("arn", ["not_a_valid_arn", "sm_nonexistent_arn"])
def test_describe_with_an_arn_that_is_no_arn(arn: str) -> None:
    sfn = service()
    with pytest.raises(errors.InvalidArn) as e:
        sfn.describe_state_machine(stateMachineArn=arn)
    assert e.value.message == f"Invalid Arn: 'Invalid ARN prefix: {arn}'"


def test_describe_missing_machine() -> None:
    sfn = service()
    with pytest.raises(errors.StateMachineDoesNotExist) as e:
        sfn.describe_state_machine(stateMachineArn=SM + "gone")
    assert e.value.message == f"State Machine Does Not Exist: '{SM}gone'"


def test_describe_an_execution_arn_as_a_machine_is_invalid_arn() -> None:
    sfn = service()
    with pytest.raises(errors.InvalidArn):
        sfn.describe_state_machine(stateMachineArn=SM.replace("stateMachine", "execution") + "m:x")


def test_list_state_machines_pages_in_creation_order() -> None:
    sfn = service()
    for i, name in enumerate(["c", "a", "b"]):
        sfn.run_until(at(i))
        machine(sfn, PASS, name=name)
    page1 = sfn.list_state_machines(maxResults=2)
    assert page1["stateMachines"] == [
        {"stateMachineArn": SM + "c", "name": "c", "type": "STANDARD", "creationDate": at(0)},
        {"stateMachineArn": SM + "a", "name": "a", "type": "STANDARD", "creationDate": at(1)},
    ]
    page2 = sfn.list_state_machines(maxResults=2, nextToken=page1["nextToken"])
    assert page2 == {
        "stateMachines": [
            {"stateMachineArn": SM + "b", "name": "b", "type": "STANDARD", "creationDate": at(2)}
        ]
    }
    assert "nextToken" not in sfn.list_state_machines()


def test_list_state_machines_rejects_bad_tokens_and_page_sizes() -> None:
    sfn = service()
    with pytest.raises(errors.ValidationException) as e:
        sfn.list_state_machines(maxResults=1001)
    assert e.value.message == (
        "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy "
        "constraint: Member must have value less than or equal to 1000"
    )
    token = "t" * 1025
    with pytest.raises(errors.ValidationException) as e:
        sfn.list_state_machines(nextToken=token)
    assert e.value.message == (
        f"1 validation error detected: Value '{token}' at 'nextToken' failed to satisfy "
        "constraint: Member must have length less than or equal to 1024"
    )
    with pytest.raises(errors.InvalidToken):
        sfn.list_state_machines(nextToken="garbage")


def test_update_changes_new_executions_only_and_keeps_the_revision_for_same_parameters() -> None:
    sfn = service()
    arn = machine(sfn, WAIT_60)
    old = sfn.start_execution(stateMachineArn=arn, name="old")["executionArn"]
    sfn.advance(10)
    updated = sfn.update_state_machine(stateMachineArn=arn, definition=json.dumps(PASS))
    assert updated["updateDate"] == at(10)
    revision = updated["revisionId"]
    sfn.advance(5)
    same = sfn.update_state_machine(stateMachineArn=arn, definition=json.dumps(PASS))
    assert same == {"updateDate": at(15), "revisionId": revision}
    new = sfn.start_execution(stateMachineArn=arn, name="new")["executionArn"]
    sfn.run()
    assert sfn.describe_execution(executionArn=old)["stopDate"] == at(60)
    assert sfn.describe_execution(executionArn=new)["stopDate"] == at(15)
    for_old = sfn.describe_state_machine_for_execution(executionArn=old)
    assert for_old == {
        "stateMachineArn": arn,
        "name": "m",
        "definition": json.dumps(WAIT_60),
        "roleArn": ROLE.format("m"),
        "updateDate": START,
        "loggingConfiguration": {"level": "OFF", "includeExecutionData": False},
        "tracingConfiguration": {"enabled": False},
    }
    for_new = sfn.describe_state_machine_for_execution(executionArn=new)
    assert for_new["definition"] == json.dumps(PASS)
    assert for_new["updateDate"] == at(15)
    assert for_new["revisionId"] == revision
    assert sfn.describe_state_machine(stateMachineArn=arn)["revisionId"] == revision


def test_update_with_nothing_to_update() -> None:
    sfn = service()
    arn = machine(sfn, PASS)
    with pytest.raises(errors.MissingRequiredParameter) as e:
        sfn.update_state_machine(stateMachineArn=arn)
    assert e.value.message == (
        "Either the definition, the role ARN, the LoggingConfiguration, or the "
        "TracingConfiguration must be specified"
    )


def test_update_role_only_keeps_running_executions_role() -> None:
    sfn = service()
    arn = machine(sfn, WAIT_60)
    old = sfn.start_execution(stateMachineArn=arn, name="old")["executionArn"]
    role = "arn:aws:iam::123456789012:role/new"
    sfn.update_state_machine(stateMachineArn=arn, roleArn=role)
    new = sfn.start_execution(stateMachineArn=arn, name="new")["executionArn"]
    started = [
        sfn.get_execution_history(executionArn=a)["events"][0]["executionStartedEventDetails"]
        for a in (old, new)
    ]
    assert [s["roleArn"] for s in started] == [ROLE.format("m"), role]


def test_delete_waits_for_running_executions() -> None:
    # DeleteStateMachine: "A state machine is deleted only when all its executions are
    # completed"; deleting one that does not exist succeeds.
    sfn = service()
    arn = machine(sfn, WAIT_60)
    sfn.start_execution(stateMachineArn=arn, name="x")
    assert sfn.delete_state_machine(stateMachineArn=arn) == {}
    assert sfn.describe_state_machine(stateMachineArn=arn)["status"] == "DELETING"
    with pytest.raises(errors.StateMachineDeleting):
        sfn.start_execution(stateMachineArn=arn, name="y")
    sfn.run()
    with pytest.raises(errors.StateMachineDoesNotExist):
        sfn.describe_state_machine(stateMachineArn=arn)
    assert sfn.list_state_machines() == {"stateMachines": []}
    assert sfn.delete_state_machine(stateMachineArn=arn) == {}


def test_validate_state_machine_definition() -> None:
    sfn = service()
    assert sfn.validate_state_machine_definition(definition=json.dumps(PASS)) == {
        "result": "OK",
        "diagnostics": [],
        "truncated": False,
    }
    bad = {"StartAt": "Nope", "States": {"P": {"Type": "Pass", "End": True}}}
    out = sfn.validate_state_machine_definition(definition=json.dumps(bad), maxResults=1)
    assert out["result"] == "FAIL"
    assert len(out["diagnostics"]) == 1
    assert out["diagnostics"][0]["severity"] == "ERROR"
    assert out["diagnostics"][0]["location"].startswith("/")
    assert sfn.validate_state_machine_definition(definition="{")["result"] == "FAIL"
