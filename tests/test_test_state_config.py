"""Offline TestState's ``context`` and ``stateConfiguration`` (errorCausedByState,
mapItemReaderData, mapIterationFailureCount with an ItemReader).

Sources: AWS Step Functions API Reference, TestState ("context: a JSON string representing a
valid Context object for the state under test; may only be specified if a mock is specified")
and TestStateConfiguration ("errorCausedByState: the name of the state from which an error
originates when an error is mocked for a Map or Parallel state", 1 to 80 characters;
"mapItemReaderData: the data read by ItemReader in Distributed Map states as found in its
original source"); the Context object values are the Developer Guide's example ("Accessing
execution data from the Context object").
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from aslrun.cli.app import run as cli_run
from aslrun.toolkit.test_state import TestStateError, test_state

# The Developer Guide's Context object example.
CONTEXT: dict[str, Any] = {
    "Execution": {
        "Id": "arn:aws:states:us-east-1:123456789012:execution:stateMachineName:executionName",
        "Input": {"key": "value"},
        "Name": "executionName",
        "RoleArn": "arn:aws:iam::123456789012:role...",
        "StartTime": "2019-03-26T20:14:13.192Z",
    },
    "State": {"EnteredTime": "2019-03-26T20:14:13.192Z", "Name": "Test", "RetryCount": 3},
    "StateMachine": {
        "Id": "arn:aws:states:us-east-1:123456789012:stateMachine:stateMachineName",
        "Name": "stateMachineName",
    },
    "Task": {"Token": "h7XRiCdLtd/83p1E0dMccoxlzFhglsdkzpK9mBVKZsp7d9yrT1W"},
}

READS_CONTEXT = {
    "Type": "Task",
    "Resource": "arn:aws:states:::lambda:invoke",
    "Parameters": {"FunctionName": "f", "Payload.$": "$"},
    "ResultSelector": {
        "execution.$": "$$.Execution.Id",
        "name.$": "$$.Execution.Name",
        "started.$": "$$.Execution.StartTime",
        "input.$": "$$.Execution.Input",
        "role.$": "$$.Execution.RoleArn",
        "entered.$": "$$.State.EnteredTime",
        "state.$": "$$.State.Name",
        "retry.$": "$$.State.RetryCount",
        "machine.$": "$$.StateMachine.Id",
        "token.$": "$$.Task.Token",
    },
    "End": True,
}


def test_context_fields_stand_for_the_engines() -> None:
    got = test_state(
        definition=READS_CONTEXT,
        input="{}",
        mock={"result": '{"StatusCode": 200, "Payload": {}}'},
        context=json.dumps(CONTEXT),
    )
    assert got["status"] == "SUCCEEDED"
    assert json.loads(got["output"]) == {
        "execution": CONTEXT["Execution"]["Id"],
        "name": "executionName",
        "started": "2019-03-26T20:14:13.192Z",
        "input": {"key": "value"},
        "role": "arn:aws:iam::123456789012:role...",
        "entered": "2019-03-26T20:14:13.192Z",
        "state": "Test",
        "retry": 3,
        "machine": CONTEXT["StateMachine"]["Id"],
        "token": "h7XRiCdLtd/83p1E0dMccoxlzFhglsdkzpK9mBVKZsp7d9yrT1W",
    }


def test_context_fields_not_given_keep_the_engines() -> None:
    definition = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "QueryLanguage": "JSONata",
        "Arguments": {"FunctionName": "f"},
        "Output": {
            "retry": "{% $states.context.State.RetryCount %}",
            "state": "{% $states.context.State.Name %}",
            "item": "{% $states.context.Map.Item.Value %}",
        },
        "End": True,
    }
    got = test_state(
        definition=definition,
        mock={"result": '{"StatusCode": 200, "Payload": {}}'},
        context={"State": {"RetryCount": 2}, "Map": {"Item": {"Index": 0, "Value": "a"}}},
    )
    # the tested state's own name (TestState) stays; RetryCount and Map.Item are the given
    assert json.loads(got["output"]) == {"retry": 2, "state": "TestState", "item": "a"}


def test_context_shows_in_inspection_data() -> None:
    definition = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f", "Payload": {"execution.$": "$$.Execution.Name"}},
        "End": True,
    }
    got = test_state(
        definition=definition,
        mock={"result": '{"StatusCode": 200}'},
        context=CONTEXT,
        inspectionLevel="DEBUG",
    )
    assert json.loads(got["inspectionData"]["afterParameters"]) == {
        "FunctionName": "f",
        "Payload": {"execution": "executionName"},
    }


@pytest.mark.parametrize(
    ("context", "message"),
    [
        ("[1]", "context: must be a JSON object (a Context object)"),
        ("{x", None),
    ],
)
def test_context_must_be_a_json_object(context: str, message: str | None) -> None:
    with pytest.raises(TestStateError) as info:
        test_state(definition=READS_CONTEXT, mock={"result": "{}"}, context=context)
    assert info.value.code == "ValidationException"
    if message is not None:
        assert info.value.message == message


# errorCausedByState: the inner state whose error the mocked errorOutput is.
PARALLEL: dict[str, Any] = {
    "Type": "Parallel",
    "Branches": [
        {"StartAt": "ChargeCard", "States": {"ChargeCard": {"Type": "Pass", "End": True}}},
        {"StartAt": "SendEmail", "States": {"SendEmail": {"Type": "Pass", "End": True}}},
    ],
    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "HandleError"}],
    "Next": "Done",
}
MOCK_ERROR = {"errorOutput": {"error": "States.TaskFailed", "cause": "Card declined"}}


def test_error_caused_by_an_inner_state_is_caught() -> None:
    got = test_state(
        definition=PARALLEL,
        mock=MOCK_ERROR,
        stateConfiguration={"errorCausedByState": "ChargeCard"},
    )
    assert json.loads(got.pop("output")) == {"Error": "States.TaskFailed", "Cause": "Card declined"}
    assert got == {
        "status": "CAUGHT_ERROR",
        "nextState": "HandleError",
        "error": "States.TaskFailed",
        "cause": "Card declined",
    }


@pytest.mark.parametrize(
    ("definition", "mock", "name", "message"),
    [
        (
            PARALLEL,
            MOCK_ERROR,
            "Nowhere",
            "stateConfiguration.errorCausedByState: 'Nowhere' is not a state of the "
            "Parallel's Branches",
        ),
        (
            PARALLEL,
            {"result": "[]"},
            "ChargeCard",
            "stateConfiguration.errorCausedByState: needs a mock with errorOutput",
        ),
        (
            {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True},
            MOCK_ERROR,
            "ChargeCard",
            "stateConfiguration.errorCausedByState: applies to a Map or Parallel state only",
        ),
        (
            PARALLEL,
            MOCK_ERROR,
            "x" * 81,
            "stateConfiguration.errorCausedByState: a state name of 1 to 80 characters",
        ),
    ],
)
def test_error_caused_by_state_refused(
    definition: dict[str, Any], mock: dict[str, Any], name: str, message: str
) -> None:
    with pytest.raises(TestStateError) as info:
        test_state(
            definition=definition, mock=mock, stateConfiguration={"errorCausedByState": name}
        )
    assert (info.value.code, info.value.message) == ("ValidationException", message)


# mapItemReaderData: the ItemReader's source (a CSV object here), read as its ReaderConfig says.
CSV_MAP: dict[str, Any] = {
    "Type": "Map",
    "ItemReader": {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
        "Parameters": {"Bucket": "amzn-s3-demo-bucket", "Key": "ratings.csv"},
    },
    "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
        "StartAt": "Rate",
        "States": {"Rate": {"Type": "Pass", "End": True}},
    },
    "ToleratedFailureCount": 1,
    "Catch": [{"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "Next": "TooMany"}],
    "Next": "Done",
}
RATINGS = "userId,movieId,rating\n1,307,3.5\n1,481,3.5\n1,1091,1.5\n"


def test_reader_data_items_count_for_the_failure_threshold() -> None:
    within = test_state(
        definition=CSV_MAP,
        mock={"result": "[]"},
        stateConfiguration={"mapItemReaderData": RATINGS, "mapIterationFailureCount": 1},
    )
    assert (within["status"], within["nextState"]) == ("SUCCEEDED", "Done")
    past = test_state(
        definition=CSV_MAP,
        mock={"result": "[]"},
        stateConfiguration={"mapItemReaderData": RATINGS, "mapIterationFailureCount": 2},
    )
    assert (past["status"], past["nextState"], past["error"]) == (
        "CAUGHT_ERROR",
        "TooMany",
        "States.ExceedToleratedFailureThreshold",
    )
    # three data rows under the header: a fourth failure is more than there are items
    with pytest.raises(TestStateError) as info:
        test_state(
            definition=CSV_MAP,
            mock={"result": "[]"},
            stateConfiguration={"mapItemReaderData": RATINGS, "mapIterationFailureCount": 4},
        )
    assert info.value.message == (
        "stateConfiguration.mapIterationFailureCount: 4 is more than the 3 items of the Map's input"
    )


def test_reader_data_needs_an_item_reader() -> None:
    inline = {k: v for k, v in CSV_MAP.items() if k != "ItemReader"}
    with pytest.raises(TestStateError) as info:
        test_state(
            definition=inline,
            input="[]",
            mock={"result": "[]"},
            stateConfiguration={"mapItemReaderData": RATINGS},
        )
    assert info.value.message == (
        "stateConfiguration.mapItemReaderData: applies to a Map with an ItemReader only"
    )


def test_cli_context(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"StartAt": "Call", "States": {"Call": READS_CONTEXT}}))
    out, err = io.StringIO(), io.StringIO()
    code = cli_run(
        [
            "test-state",
            str(path),
            "--mock",
            '{"result": "{}"}',
            "--context",
            json.dumps(CONTEXT),
        ],
        out,
        err,
    )
    assert (code, err.getvalue()) == (0, "")
    assert json.loads(json.loads(out.getvalue())["output"])["name"] == "executionName"
