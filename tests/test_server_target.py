"""``sfn_boto3`` and ``pytest --aslrun-target=URL``: one test file, run in-process and then
against a server on 127.0.0.1 (standing in for Step Functions Local or AWS)."""

from __future__ import annotations

import pytest

pytest.importorskip("boto3")

import aslrun
from aslrun.runtime.clock import VirtualClock
from aslrun.server.http import ApiServer
from service_helpers import START

PORTABLE = """
import json

def test_start_and_describe(sfn_boto3):
    definition = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    arn = sfn_boto3.create_state_machine(
        name="portable", definition=definition, roleArn="arn:aws:iam::123456789012:role/r"
    )["stateMachineArn"]
    started = sfn_boto3.start_execution(stateMachineArn=arn, name="one", input='{"a":1}')
    described = sfn_boto3.describe_execution(executionArn=started["executionArn"])
    assert (described["status"], described["output"]) == ("SUCCEEDED", '{"a":1}')
    with __import__("pytest").raises(sfn_boto3.exceptions.ExecutionAlreadyExists):
        sfn_boto3.start_execution(stateMachineArn=arn, name="one", input='{"a":2}')
"""


def test_sfn_boto3_runs_in_process(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_portable=PORTABLE)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_aslrun_target_sends_the_same_test_to_an_endpoint(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_portable=PORTABLE)
    service = aslrun.StepFunctions(clock=VirtualClock(START))
    with ApiServer(service, "127.0.0.1", 0) as server:
        result = pytester.runpytest("-p", "no:cacheprovider", f"--aslrun-target={server.url}")
    result.assert_outcomes(passed=1)
    executions = service.list_executions(
        stateMachineArn="arn:aws:states:us-east-1:123456789012:stateMachine:portable"
    )["executions"]
    assert [(e["name"], e["status"]) for e in executions] == [("one", "SUCCEEDED")]


def test_the_sfn_fixture_is_a_client_for_the_target(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_kind="def test_kind(sfn):\n    assert type(sfn).__name__ == 'SFN'\n")
    service = aslrun.StepFunctions(clock=VirtualClock(START))
    with ApiServer(service, "127.0.0.1", 0) as server:
        result = pytester.runpytest("-p", "no:cacheprovider", f"--aslrun-target={server.url}")
    result.assert_outcomes(passed=1)
