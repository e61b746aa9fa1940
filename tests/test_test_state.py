"""Offline TestState: AWS's documented examples, answered with AWS's values.

Source of every expected value: AWS Step Functions Developer Guide, "Using TestState API to
test a state in Step Functions" (test-state-isolation.html): Example 1 (INFO, Choice),
Example 2 (DEBUG, Pass), "Simulating retry attempts", "Testing catch handlers", "Testing a
Map state".  Where a doc example abbreviates its Task ("Arguments": {...}) the tests use a
JSONPath ``Parameters`` object, which AWS's own example needs to be a valid definition.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

import aslrun
from aslrun.cli.app import run as cli_run
from aslrun.toolkit.test_state import TestStateError, test_state

CHOICE = (
    '{"Type": "Choice", "Choices": [{"Variable": "$.number", "NumericEquals": 1, "Next": '
    '"Equals 1"}, {"Variable": "$.number", "NumericEquals": 2, "Next": "Equals 2"}], '
    '"Default": "No Match"}'
)
PASS = (
    '{"Type": "Pass", "InputPath": "$.payload", "Parameters": {"data": 1}, "ResultPath": '
    '"$.result", "OutputPath": "$.result.data", "Next": "Another State"}'
)


def test_example_1_info_choice() -> None:
    got = test_state(definition=CHOICE, input='{"number": 2}')
    # AWS prints the output as '{"number": 2}'; aslrun writes compact JSON text
    assert json.loads(got.pop("output")) == {"number": 2}
    assert got == {"nextState": "Equals 2", "status": "SUCCEEDED"}


def test_choice_default_and_no_match() -> None:
    assert test_state(definition=CHOICE, input='{"number": 7}')["nextState"] == "No Match"


def test_example_2_debug_pass() -> None:
    got = test_state(definition=PASS, input='{"payload": {"foo": "bar"}}', inspectionLevel="DEBUG")
    assert got == {
        "output": "1",
        "inspectionData": {
            "input": '{"payload": {"foo": "bar"}}',
            "afterInputPath": '{"foo":"bar"}',
            "afterParameters": '{"data":1}',
            "afterResultSelector": '{"data":1}',
            "afterResultPath": '{"payload":{"foo":"bar"},"result":{"data":1}}',
        },
        "nextState": "Another State",
        "status": "SUCCEEDED",
    }


RETRY_TASK: dict[str, Any] = {
    "Type": "Task",
    "Resource": "arn:aws:states:::lambda:invoke",
    "Parameters": {"FunctionName": "MyFunction", "Payload.$": "$"},
    "Retry": [
        {
            "ErrorEquals": ["Lambda.ServiceException"],
            "IntervalSeconds": 2,
            "MaxAttempts": 3,
            "BackoffRate": 2.0,
        }
    ],
    "End": True,
}
SERVICE_ERROR = {"errorOutput": {"error": "Lambda.ServiceException", "cause": "Service error"}}


def test_simulating_retry_attempts() -> None:
    got = test_state(
        definition=RETRY_TASK,
        input='{"data": "value"}',
        stateConfiguration={"retrierRetryCount": 1},
        mock=SERVICE_ERROR,
        inspectionLevel="DEBUG",
    )
    assert got["status"] == "RETRIABLE"
    assert got["inspectionData"]["errorDetails"] == {
        "retryBackoffIntervalSeconds": 4,  # 2 x 2.0^1
        "retryIndex": 0,
    }
    assert (got["error"], got["cause"]) == ("Lambda.ServiceException", "Service error")
    assert "nextState" not in got and "output" not in got


def test_retries_exhausted_fail() -> None:
    got = test_state(
        definition=RETRY_TASK,
        input='{"data": "value"}',
        stateConfiguration={"retrierRetryCount": 3},  # MaxAttempts reached
        mock=SERVICE_ERROR,
    )
    assert got == {
        "error": "Lambda.ServiceException",
        "cause": "Service error",
        "status": "FAILED",
    }


def test_testing_catch_handlers() -> None:
    definition = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "MyFunction", "Payload.$": "$"},
        "Catch": [
            {
                "ErrorEquals": ["Lambda.TooManyRequestsException"],
                "ResultPath": "$.error",
                "Next": "HandleThrottling",
            }
        ],
        "Next": "Success",
    }
    got = test_state(
        definition=definition,
        input='{"data": "value"}',
        mock={
            "errorOutput": {"error": "Lambda.TooManyRequestsException", "cause": "Rate exceeded"}
        },
        inspectionLevel="DEBUG",
    )
    assert got["status"] == "CAUGHT_ERROR"
    assert got["nextState"] == "HandleThrottling"
    assert (got["error"], got["cause"]) == ("Lambda.TooManyRequestsException", "Rate exceeded")
    assert json.loads(got["output"]) == {
        "data": "value",
        "error": {"Error": "Lambda.TooManyRequestsException", "Cause": "Rate exceeded"},
    }
    assert got["inspectionData"]["errorDetails"] == {"catchIndex": 0}


def test_mocked_result_success_goes_to_next() -> None:
    got = test_state(
        definition={**RETRY_TASK, "End": None, "Next": "Done", "ResultPath": "$.r"}
        | {"End": False},
        input={"key": "value"},
        mock={"result": '{"Payload": {"statusCode": 200, "body": "Success"}}'},
        inspectionLevel="DEBUG",
    )
    assert got["status"] == "SUCCEEDED" and got["nextState"] == "Done"
    assert json.loads(got["output"]) == {
        "key": "value",
        "r": {"Payload": {"statusCode": 200, "body": "Success"}},
    }
    data = got["inspectionData"]
    assert json.loads(data["afterParameters"]) == {
        "FunctionName": "MyFunction",
        "Payload": {"key": "value"},
    }
    assert json.loads(data["result"]) == {"Payload": {"statusCode": 200, "body": "Success"}}


def test_testing_a_map_state_with_mock() -> None:
    definition = {
        "Type": "Map",
        "ItemsPath": "$.items",
        "ItemSelector": {"value.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index"},
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "INLINE"},
            "StartAt": "ProcessItem",
            "States": {
                "ProcessItem": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "End": True,
                }
            },
        },
        "End": True,
    }
    got = test_state(
        definition=definition,
        input='{"items": [1, 2, 3, 4, 5]}',
        mock={"result": "[10, 20, 30, 40, 50]"},
        inspectionLevel="DEBUG",
    )
    assert got["status"] == "SUCCEEDED"
    assert json.loads(got["output"]) == [10, 20, 30, 40, 50]
    assert json.loads(got["inspectionData"]["afterItemsPath"]) == [1, 2, 3, 4, 5]


def test_state_in_a_whole_definition_with_handler() -> None:
    sfn = aslrun.StepFunctions(handlers={"StartRecorder": lambda e: {"id": "rec-1"}})
    definition = json.loads(Path("examples/classroom.asl.json").read_text())
    got = sfn.test_state(
        definition=json.dumps(definition),
        stateName="StartRecording",
        input='{"start": "2026-12-01T08:00:00Z"}',
        inspectionLevel="DEBUG",
    )
    assert got["status"] == "SUCCEEDED"
    assert got["nextState"] == "SendLivePingWait"
    assert json.loads(got["output"]) == {
        "start": "2026-12-01T08:00:00Z",
        "recording": {"id": "rec-1"},
    }
    assert json.loads(got["inspectionData"]["result"]) == {"id": "rec-1"}


def test_wait_state_alone_reads_variables() -> None:
    definition = {
        "StartAt": "W",
        "States": {"W": {"Type": "Wait", "Seconds": 60, "Next": "X"}, "X": {"Type": "Succeed"}},
    }
    got = test_state(
        definition=definition,
        stateName="W",
        input={"a": 1},
        variables='{"v": 1}',
        inspectionLevel="DEBUG",
    )
    assert got == {
        "output": '{"a":1}',
        "nextState": "X",
        "status": "SUCCEEDED",
        "inspectionData": {"input": '{"a":1}', "afterInputPath": '{"a":1}', "variables": '{"v":1}'},
    }


def test_fail_state() -> None:
    got = test_state(definition={"Type": "Fail", "Error": "Oops", "Cause": "because"})
    assert got == {"error": "Oops", "cause": "because", "status": "FAILED"}


@pytest.mark.parametrize(
    ("kwargs", "code", "message"),
    [
        (
            {"definition": '{"Type": "Pass", "End": true}', "mock": {"result": "1"}},
            "ValidationException",
            "mock: only a Task, Map or Parallel state takes one, not Pass",
        ),
        (
            {"definition": RETRY_TASK, "mock": {"result": "1", "errorOutput": {"error": "E"}}},
            "ValidationException",
            "mock: give exactly one of 'result' and 'errorOutput'",
        ),
        (
            {"definition": {"Type": "Map", "ItemProcessor": {}, "End": True}},
            "ValidationException",
            "mock: required to test a Map state "
            "(Map, Parallel, activities, .sync and .waitForTaskToken need one)",
        ),
        (
            {"definition": '{"Type": "Pass", "End": true}', "inspectionLevel": "TRACE"},
            "ValidationException",
            "inspectionLevel: TRACE applies to an HTTP Task only",
        ),
        (
            {"definition": '{"Type": "Pass", "End": true}', "context": "{}"},
            "ValidationException",
            "context: may be given only with a mock",
        ),
        ({"definition": "{not json"}, "InvalidDefinition", None),
        (
            {
                "definition": {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}},
                "stateName": "B",
            },
            "ValidationException",
            "stateName: the definition has no state named 'B' at its top level",
        ),
    ],
)
def test_refused_requests(kwargs: dict[str, Any], code: str, message: str | None) -> None:
    with pytest.raises(TestStateError) as info:
        test_state(**kwargs)
    assert info.value.code == code
    if message is not None:
        assert info.value.message == message


def test_service_raises_aws_exceptions() -> None:
    sfn = aslrun.StepFunctions()
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.test_state(definition='{"Type": "Pass", "End": true}', mock={"result": "1"})
    with pytest.raises(sfn.exceptions.InvalidDefinition):
        sfn.test_state(definition="{not json")


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli_run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_cli_test_state(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(
        json.dumps(
            {
                "StartAt": "C",
                "States": {
                    "C": json.loads(CHOICE),
                    "Equals 1": {"Type": "Succeed"},
                    "Equals 2": {"Type": "Succeed"},
                    "No Match": {"Type": "Succeed"},
                },
            }
        )
    )
    code, out, err = _cli("test-state", str(path), "--state", "C", "--input", '{"number": 1}')
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "output": '{"number":1}',
        "nextState": "Equals 1",
        "status": "SUCCEEDED",
    }
    code, out, err = _cli("test-state", str(path), "--state", "C", "--mock", '{"result": "1"}')
    assert code == 2 and out == ""
    assert (
        err == "aslrun test-state: ValidationException: mock: only a Task, Map or Parallel "
        "state takes one, not Choice\n"
    )


# "Mock validation modes" (the same Developer Guide page): STRICT checks required fields and
# the types of those present, PRESENT only the types of those present, NONE nothing; the
# models are botocore's.
PUT_ITEM = {
    "Type": "Task",
    "Resource": "arn:aws:states:::dynamodb:putItem",
    "Parameters": {"TableName": "Orders", "Item": {"id": {"S": "1"}}},
    "End": True,
}
START_EXECUTION = {
    "Type": "Task",
    "Resource": "arn:aws:states:::aws-sdk:sfn:startExecution",
    "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:m"},
    "End": True,
}


@pytest.mark.parametrize("mode", ["STRICT", "PRESENT"])
def test_mock_of_the_wrong_type_is_refused(mode: str) -> None:
    pytest.importorskip("botocore")
    with pytest.raises(TestStateError) as info:
        test_state(
            definition=PUT_ITEM,
            mock={"result": '{"Attributes": 5}', "fieldValidationMode": mode},
        )
    assert info.value.code == "ValidationException"
    assert info.value.message == (
        "Mock result schema validation error: Field 'Attributes' must be an object "
        f"(dynamodb PutItem's response; fieldValidationMode {mode})"
    )


def test_mock_not_validated_in_mode_none() -> None:
    got = test_state(
        definition=PUT_ITEM, mock={"result": '{"Attributes": 5}', "fieldValidationMode": "NONE"}
    )
    assert got == {"output": '{"Attributes":5}', "status": "SUCCEEDED"}


def test_required_fields_strict_only() -> None:
    pytest.importorskip("botocore")
    with pytest.raises(TestStateError) as info:
        test_state(definition=START_EXECUTION, mock={"result": "{}"})  # STRICT by default
    assert info.value.message.startswith(
        "Mock result schema validation error: Required field 'ExecutionArn' is missing"
    )
    got = test_state(
        definition=START_EXECUTION, mock={"result": "{}", "fieldValidationMode": "PRESENT"}
    )
    assert got == {"output": "{}", "status": "SUCCEEDED"}


# "Map state failure thresholds" (the same page): mapIterationFailureCount iterations failed;
# past the tolerated threshold the Map fails with States.ExceedToleratedFailureThreshold
# (the engine's cause for it), which the Map's Catch then handles.
TOLERANT_MAP: dict[str, Any] = {
    "Type": "Map",
    "ItemsPath": "$.orders",
    "ItemProcessor": {
        "ProcessorConfig": {"Mode": "INLINE"},
        "StartAt": "ProcessItem",
        "States": {"ProcessItem": {"Type": "Pass", "End": True}},
    },
    "ToleratedFailureCount": 1,
    "MaxConcurrency": 2,
    "Catch": [{"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "Next": "TooMany"}],
    "Next": "Done",
}
ORDERS = {"orders": [{"orderId": "123"}, {"orderId": "456"}, {"orderId": "789"}]}


def test_map_failures_within_the_threshold() -> None:
    got = test_state(
        definition=TOLERANT_MAP,
        input=ORDERS,
        mock={"result": "[1, null, 3]"},
        stateConfiguration={"mapIterationFailureCount": 1},
        inspectionLevel="DEBUG",
    )
    assert (got["status"], got["nextState"], got["output"]) == ("SUCCEEDED", "Done", "[1,null,3]")
    data = got["inspectionData"]
    assert (data["toleratedFailureCount"], data["maxConcurrency"]) == (1, 2)


def test_map_failures_past_the_threshold_are_caught() -> None:
    got = test_state(
        definition=TOLERANT_MAP,
        input=ORDERS,
        mock={"result": "[1, null, null]"},
        stateConfiguration={"mapIterationFailureCount": 2},
        inspectionLevel="DEBUG",
    )
    assert got["status"] == "CAUGHT_ERROR"
    assert (got["nextState"], got["error"]) == ("TooMany", "States.ExceedToleratedFailureThreshold")
    assert got["inspectionData"]["errorDetails"] == {"catchIndex": 0}


def test_map_failures_more_than_items_refused() -> None:
    with pytest.raises(TestStateError) as info:
        test_state(
            definition=TOLERANT_MAP,
            input=ORDERS,
            mock={"result": "[]"},
            stateConfiguration={"mapIterationFailureCount": 4},
        )
    assert info.value.message == (
        "stateConfiguration.mapIterationFailureCount: 4 is more than the 3 items of the Map's input"
    )
