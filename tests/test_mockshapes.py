"""Mocked results checked against the service's response shape (botocore's models), in
TestState's field validation modes: STRICT (required fields present, present fields of the
API's types), PRESENT (present fields only), NONE.  Fields the API does not have are not
checked (AWS accepts ``{"random": "json"}`` for EventBridge PutEvents in STRICT mode)."""

from __future__ import annotations

import sys
from typing import Any

import pytest

import aslrun
from aslrun.handlers.registry import MissingDependencyError
from aslrun.toolkit.mockconfig import MockConfigError


def machine(resource: str, parameters: dict[str, Any]) -> aslrun.StateMachine:
    return aslrun.load(
        {
            "StartAt": "Call",
            "States": {
                "Call": {"Type": "Task", "Resource": resource, "Parameters": parameters,
                         "End": True}
            },
        },
        name="M",
    )  # fmt: skip


def config(value: Any) -> dict[str, Any]:
    return {
        "StateMachines": {"M": {"TestCases": {"T": {"Call": "R"}}}},
        "MockedResponses": {"R": {"0": {"Return": value}}},
    }


LAMBDA = ("arn:aws:states:::lambda:invoke", {"FunctionName": "f", "Payload": {}})
GET_ITEM = ("arn:aws:states:::aws-sdk:dynamodb:getItem", {"TableName": "t", "Key": {}})
START = ("arn:aws:states:::aws-sdk:sfn:startExecution", {"StateMachineArn": "arn"})


def run(target: tuple[str, dict[str, Any]], value: Any, mode: str = "STRICT") -> aslrun.Execution:
    return machine(*target).run({}, mock_config=config(value), test_case="T",
                                mock_validation=mode)  # fmt: skip


def refused(target: tuple[str, dict[str, Any]], value: Any, mode: str = "STRICT") -> str:
    with pytest.raises(MockConfigError) as info:
        run(target, value, mode)
    return str(info.value)


def test_lambda_invoke_status_code_must_be_an_integer() -> None:
    assert refused(LAMBDA, {"StatusCode": "200", "Payload": {"ok": 1}}) == (
        "invalid mock configuration (1 problem):\n"
        "  $.MockedResponses.R['0'].Return.StatusCode: Mock result schema validation error: "
        "Field 'StatusCode' must be an integer (lambda Invoke's response, for the Task state "
        "'Call'; mode STRICT)"
    )
    assert "Field 'StatusCode' must be an integer" in refused(
        LAMBDA, {"StatusCode": "200"}, "PRESENT"
    )
    ex = run(LAMBDA, {"StatusCode": "200"}, "NONE")
    assert ex.output == {"StatusCode": "200"}


def test_lambda_payload_takes_any_json_and_extra_fields_are_not_checked() -> None:
    value = {"StatusCode": 200, "Payload": [1, "two"], "SdkHttpMetadata": {"HttpStatusCode": 200}}
    assert run(LAMBDA, value).output == value


def test_dynamodb_get_item_attribute_values_are_typed() -> None:
    good = {"Item": {"name": {"S": "Ada"}, "age": {"N": "36"}}}
    assert run(GET_ITEM, good).output == good
    assert refused(GET_ITEM, {"Item": {"name": {"S": 1}}}) == (
        "invalid mock configuration (1 problem):\n"
        "  $.MockedResponses.R['0'].Return.Item.name.S: Mock result schema validation error: "
        "Field 'Item.name.S' must be a string (dynamodb GetItem's response, for the Task state "
        "'Call'; mode STRICT)"
    )
    assert "The result must be an object" in refused(GET_ITEM, [1, 2])


def test_strict_needs_required_fields_present_does_not() -> None:
    # StartExecution's response requires executionArn and startDate (ExecutionArn, StartDate
    # in a Step Functions result).
    value = {"ExecutionArn": "arn:aws:states:us-east-1:123456789012:execution:M:x"}
    assert "Required field 'StartDate' is missing" in refused(START, value)
    assert run(START, value, "PRESENT").output == value
    assert run(START, {**value, "StartDate": 1764576000000}).status == "SUCCEEDED"


def test_strict_and_present_without_botocore_name_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "botocore", None)
    for mode in ("STRICT", "PRESENT"):
        with pytest.raises(MissingDependencyError) as info:
            run(LAMBDA, {"StatusCode": 200}, mode)
        assert str(info.value) == (
            f"checking mocked responses ({mode}) needs botocore's service models, and botocore "
            "is not installed: install aslrun[botocore] (pip install 'aslrun[botocore]'), or "
            "choose the validation mode NONE"
        )
    assert run(LAMBDA, {"StatusCode": 200}, "NONE").status == "SUCCEEDED"


def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="expected one of STRICT, PRESENT, NONE"):
        run(LAMBDA, {}, "LAX")
