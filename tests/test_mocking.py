"""Running under a Step Functions Local test case: the counter per state per execution
(retries and Map iterations), Throw under Retry/Catch, a missing response, .waitForTaskToken,
unlisted states calling their handler; ``sm.run``, ``StepFunctions`` (``arn#TestCase``, the
``SFN_MOCK_CONFIG`` variable) and ``aslrun run --mock-config``.

The LambdaSQSIntegration machine and its file are AWS's (Step Functions developer guide,
"Using mocked service integrations"): RetryPath fails invocation 0 and 1-2 and succeeds at 3,
the Retry (IntervalSeconds 2, MaxAttempts 3, BackoffRate 2) waiting 2, 4 and 8 seconds.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

import aslrun
from aslrun.cli.app import run as cli_run
from aslrun.toolkit.mockconfig import MockConfigError

DATA = Path(__file__).parent / "toolkit_data"
AWS_FILE = DATA / "aws_mock_config.json"
AWS_MACHINE = DATA / "lambda_sqs_integration.asl.json"
START = "2026-12-01T08:00:00Z"
LAMBDA_OK = {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}
SQS_OK = {
    "MD5OfMessageBody": "3bcb6e8e-7h85-4375-b0bc-1a59812c6e51",
    "MessageId": "3bcb6e8e-8b51-4375-b0bc-1a59812c6e51",
}


def types(ex: aslrun.Execution) -> list[str]:
    return [e["type"] for e in ex.history]


def aws_machine() -> aslrun.StateMachine:
    return aslrun.load(AWS_MACHINE, name="LambdaSQSIntegration")


def run(
    definition: dict[str, Any], config: dict[str, Any], case: str = "T", **kw: Any
) -> aslrun.Execution:
    sm = aslrun.load(definition, name="M")
    clock = aslrun.VirtualClock(start=START)
    return sm.run({}, clock=clock, mock_config=config, test_case=case, **kw)


def config_for(states: dict[str, str], responses: dict[str, Any]) -> dict[str, Any]:
    return {
        "StateMachines": {"M": {"TestCases": {"T": states}}},
        "MockedResponses": responses,
    }


RECORDER = {
    "StartAt": "StartRecording",
    "States": {
        "StartRecording": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "StartRecorder", "Payload.$": "$"},
            "Retry": [{"ErrorEquals": ["Recorder.Busy"], "IntervalSeconds": 5}],
            "End": True,
        }
    },
}


# -- the counter -------------------------------------------------------------------------------


def test_a_retried_recorder_failure_takes_invocation_0_then_1() -> None:
    config = config_for(
        {"StartRecording": "Flaky"},
        {
            "Flaky": {
                "0": {"Throw": {"Error": "Recorder.Busy", "Cause": "busy"}},
                "1": {"Return": {"StatusCode": 200, "Payload": {"id": "rec-1"}}},
            }
        },
    )
    ex = run(RECORDER, config)
    assert ex.status == "SUCCEEDED"
    assert ex.output == {"StatusCode": 200, "Payload": {"id": "rec-1"}}
    assert types(ex) == [
        "ExecutionStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskFailed",
        "TaskScheduled",
        "TaskStarted",
        "TaskSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    failed = ex.history[4]["taskFailedEventDetails"]
    assert (failed["error"], failed["cause"]) == ("Recorder.Busy", "busy")
    # the retry waited IntervalSeconds (5 s) before invocation 1
    assert ex.history[5]["timestamp"].isoformat() == "2026-12-01T08:00:05+00:00"


def test_aws_retry_path_answers_0_then_1_2_then_3() -> None:
    ex = aws_machine().run(
        {}, clock=aslrun.VirtualClock(start=START), mock_config=AWS_FILE, test_case="RetryPath"
    )
    assert ex.status == "SUCCEEDED"
    assert ex.output == SQS_OK
    failures = [
        (e["taskFailedEventDetails"]["error"], e["timestamp"].isoformat())
        for e in ex.history
        if e["type"] == "TaskFailed"
    ]
    assert failures == [
        ("Lambda.ResourceNotReadyException", "2026-12-01T08:00:00+00:00"),
        ("Lambda.TimeoutException", "2026-12-01T08:00:02+00:00"),
        ("Lambda.TimeoutException", "2026-12-01T08:00:06+00:00"),
    ]
    succeeded = [e for e in ex.history if e["type"] == "TaskSucceeded"]
    assert succeeded[0]["timestamp"].isoformat() == "2026-12-01T08:00:14+00:00"
    assert json.loads(succeeded[0]["taskSucceededEventDetails"]["output"]) == LAMBDA_OK


MAP = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 1,
            "ItemProcessor": {
                "StartAt": "Ping",
                "States": {
                    "Ping": {
                        "Type": "Task",
                        "Resource": "arn:aws:states:::sqs:sendMessage",
                        "Parameters": {"QueueUrl": "q", "MessageBody.$": "$"},
                        "ResultSelector": {"id.$": "$.MessageId"},
                        "End": True,
                    }
                },
            },
            "End": True,
        }
    },
}


def map_run(items: list[int], responses: dict[str, Any]) -> aslrun.Execution:
    sm = aslrun.load(MAP, name="M")
    config = config_for({"Ping": "Pings"}, {"Pings": responses})
    clock = aslrun.VirtualClock(start=START)
    return sm.run({"items": items}, clock=clock, mock_config=config, test_case="T")


def test_map_iterations_take_one_invocation_number_each() -> None:
    ex = map_run([1, 2, 3], {"0-2": {"Return": {"MessageId": "same"}}})
    assert ex.status == "SUCCEEDED"
    assert ex.output == [{"id": "same"}, {"id": "same"}, {"id": "same"}]
    ex = map_run(
        [1, 2, 3],
        {
            "0": {"Return": {"MessageId": "a"}},
            "1": {"Return": {"MessageId": "b"}},
            "2": {"Return": {"MessageId": "c"}},
        },
    )
    assert ex.output == [{"id": "a"}, {"id": "b"}, {"id": "c"}]


def test_an_invocation_past_the_last_key_fails_the_execution_uncaught() -> None:
    ex = map_run([1, 2, 3, 4], {"0-2": {"Return": {"MessageId": "same"}}})
    assert ex.status == "FAILED"
    assert ex.error == "States.Runtime"
    assert ex.cause == (
        "The mocked response 'Pings' has no response for invocation 3 (invocations count from 0)."
    )


def test_states_runtime_from_a_missing_response_is_not_caught_or_retried() -> None:
    definition = json.loads(json.dumps(RECORDER))
    task = definition["States"]["StartRecording"]
    task["Retry"] = [{"ErrorEquals": ["States.ALL"]}]
    task["Catch"] = [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]
    task.pop("End")
    task["Next"] = "Done"
    definition["States"]["Caught"] = {"Type": "Pass", "End": True}
    definition["States"]["Done"] = {"Type": "Succeed"}
    ex = run(definition, config_for({"StartRecording": "Empty"}, {"Empty": {}}))
    assert ex.status == "FAILED"
    assert ex.error == "States.Runtime"
    assert types(ex).count("TaskScheduled") == 1


def test_a_thrown_error_is_caught_by_catch() -> None:
    definition = json.loads(json.dumps(RECORDER))
    task = definition["States"]["StartRecording"]
    task["Catch"] = [{"ErrorEquals": ["Recorder.Broken"], "Next": "Caught"}]
    task.pop("End")
    task["Next"] = "Caught"
    definition["States"]["Caught"] = {"Type": "Pass", "End": True}
    config = config_for(
        {"StartRecording": "Broken"},
        {"Broken": {"0": {"Throw": {"Error": "Recorder.Broken", "Cause": "no disk"}}}},
    )
    ex = run(definition, config)
    assert ex.status == "SUCCEEDED"
    assert ex.output == {"Error": "Recorder.Broken", "Cause": "no disk"}


def test_each_execution_counts_from_zero() -> None:
    sm = aslrun.load(RECORDER, name="M")
    config = config_for({"StartRecording": "Once"}, {"Once": {"0": {"Return": {"n": 1}}}})
    for _ in range(2):
        ex = sm.run({}, mock_config=config, test_case="T", mock_validation="NONE")
        assert ex.output == {"n": 1}


# -- what the test case does not list, .waitForTaskToken ---------------------------------------


def test_hybrid_path_calls_the_real_handler_for_the_unlisted_state() -> None:
    calls: list[Any] = []

    def send(event: Any) -> dict[str, str]:
        calls.append(event)
        return {"MessageId": "real"}

    ex = aws_machine().run(
        {}, mock_config=AWS_FILE, test_case="HybridPath", handlers={"SQSState": send}
    )
    assert ex.status == "SUCCEEDED"
    assert ex.output == {"MessageId": "real"}
    assert calls == [{"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/myQueue",
                      "MessageBody": LAMBDA_OK}]  # fmt: skip


def test_a_mocked_wait_for_task_token_task_gets_a_token_and_returns_the_mock() -> None:
    definition = {
        "StartAt": "Approve",
        "States": {
            "Approve": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
                "HeartbeatSeconds": 60,
                "End": True,
            }
        },
    }
    config = config_for({"Approve": "Approved"}, {"Approved": {"0": {"Return": {"ok": True}}}})
    ex = run(definition, config)
    assert ex.status == "SUCCEEDED"
    assert ex.output == {"ok": True}
    assert types(ex)[2:5] == ["TaskScheduled", "TaskStarted", "TaskSucceeded"]
    params = json.loads(ex.history[2]["taskScheduledEventDetails"]["parameters"])
    assert isinstance(params["MessageBody"]["token"], str)
    assert params["MessageBody"]["token"]


# -- errors before anything runs ---------------------------------------------------------------


def test_unknown_test_case_and_unknown_state_are_refused() -> None:
    sm = aws_machine()
    with pytest.raises(MockConfigError) as info:
        sm.run({}, mock_config=AWS_FILE, test_case="SadPath")
    assert str(info.value) == (
        f"{AWS_FILE}: state machine 'LambdaSQSIntegration' has no test case 'SadPath' "
        "(test cases: HappyPath, HybridPath, RetryPath)"
    )
    config = config_for({"StartRecordin": "R"}, {"R": {"0": {"Return": {}}}})
    with pytest.raises(MockConfigError) as info:
        run(RECORDER, config)
    assert str(info.value) == (
        "invalid mock configuration (1 problem):\n"
        "  $.StateMachines.M.TestCases.T.StartRecordin: no state 'StartRecordin' in the "
        "definition (did you mean 'StartRecording'?)"
    )
    with pytest.raises(MockConfigError, match="without a mock configuration"):
        aws_machine().run({}, test_case="HappyPath")
    with pytest.raises(MockConfigError, match="needs a test case"):
        aws_machine().run({}, mock_config=AWS_FILE)


# -- the service and the CLI ---------------------------------------------------------------------


def test_service_start_execution_with_arn_hash_test_case() -> None:
    sfn = aslrun.StepFunctions(mock_config=AWS_FILE, seed=1)
    arn = sfn.create_state_machine(name="LambdaSQSIntegration", definition=AWS_MACHINE)[
        "stateMachineArn"
    ]
    started = sfn.start_execution(stateMachineArn=arn + "#HappyPath", name="happy")
    assert started["executionArn"] == (
        "arn:aws:states:us-east-1:123456789012:execution:LambdaSQSIntegration:happy"
    )
    sfn.run()
    described = sfn.describe_execution(executionArn=started["executionArn"])
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == SQS_OK


def test_service_reads_sfn_mock_config_when_given_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SFN_MOCK_CONFIG", str(AWS_FILE))
    sfn = aslrun.StepFunctions(test_case="HappyPath")
    arn = sfn.create_state_machine(name="LambdaSQSIntegration", definition=AWS_MACHINE)[
        "stateMachineArn"
    ]
    ex_arn = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    sfn.run()
    assert sfn.execution(ex_arn).output == SQS_OK


def test_service_refuses_a_test_case_without_a_mock_config(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SFN_MOCK_CONFIG", raising=False)
    sfn = aslrun.StepFunctions()
    arn = sfn.create_state_machine(name="LambdaSQSIntegration", definition=AWS_MACHINE)[
        "stateMachineArn"
    ]
    with pytest.raises(sfn.exceptions.InvalidArn) as info:
        sfn.start_execution(stateMachineArn=arn + "#HappyPath")
    assert "needs a mock configuration" in str(info.value)


def cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = cli_run(argv, out, err)
    return status, out.getvalue(), err.getvalue()


def test_cli_run_with_mock_config_and_test_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SFN_MOCK_CONFIG", raising=False)
    argv = ["run", str(AWS_MACHINE), "--machine-name", "LambdaSQSIntegration", "--output", "json"]
    status, out, err = cli(
        [*argv, "--mock-config", str(AWS_FILE),
         "--test-case", "RetryPath"]
    )  # fmt: skip
    assert (status, err) == (0, "")
    assert json.loads(json.loads(out)["output"]) == SQS_OK


def test_cli_reads_sfn_mock_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SFN_MOCK_CONFIG", str(AWS_FILE))
    status, out, err = cli(
        ["run", str(AWS_MACHINE), "--machine-name", "LambdaSQSIntegration",
         "--test-case", "HappyPath", "--output", "json"]
    )  # fmt: skip
    assert (status, err) == (0, "")
    assert json.loads(json.loads(out)["output"]) == SQS_OK


def test_cli_mock_config_errors_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SFN_MOCK_CONFIG", raising=False)
    status, _out, err = cli(
        ["run", str(AWS_MACHINE), "--machine-name", "LambdaSQSIntegration",
         "--mock-config", str(AWS_FILE), "--test-case", "SadPath"]
    )  # fmt: skip
    assert status == 2
    assert err == (
        f"aslrun run: {AWS_FILE}: state machine 'LambdaSQSIntegration' has no test case "
        "'SadPath' (test cases: HappyPath, HybridPath, RetryPath)\n"
    )
    status, _out, err = cli(["run", str(AWS_MACHINE), "--test-case", "HappyPath"])
    assert status == 2
    assert err == (
        "aslrun run: --test-case needs a mock configuration: --mock-config FILE or the "
        "SFN_MOCK_CONFIG environment variable\n"
    )
