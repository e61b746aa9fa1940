"""The context object of Express executions, as AWS recorded it.

AWS recordings (LocalStack's snapshot files, recorded against AWS on 15-07-2024):
``TestExpressSync::test_query_runtime_memory`` (StartSyncExecution) shows ``$$.Execution`` with
Id, Input, Name, RoleArn and StartTime only; ``TestExpressAsync::test_query_runtime_memory``
(StartExecution of the same Express machine) shows the same keys plus ``RedriveCount: 0``.
"""

from __future__ import annotations

import json

import aslrun

DEFINITION = json.dumps(
    {
        "StartAt": "QueryValues",
        "States": {
            "QueryValues": {
                "Type": "Pass",
                "Parameters": {"execution.$": "$$.Execution"},
                "End": True,
            }
        },
    }
)


def _service() -> tuple[aslrun.StepFunctions, str]:
    sfn = aslrun.StepFunctions(clock=aslrun.VirtualClock(start="2026-12-01T08:00:00Z"), seed=1)
    arn = sfn.create_state_machine(
        name="Express",
        definition=DEFINITION,
        roleArn="arn:aws:iam::123456789012:role/sfn",
        type="EXPRESS",
    )["stateMachineArn"]
    return sfn, arn


def test_sync_express_context_has_no_redrive_count() -> None:
    sfn, arn = _service()
    out = sfn.start_sync_execution(
        stateMachineArn=arn, input='{"message":"TestMessage"}', name="s1"
    )
    execution = json.loads(out["output"])["execution"]
    assert sorted(execution) == ["Id", "Input", "Name", "RoleArn", "StartTime"]
    assert execution["Input"] == {"message": "TestMessage"}
    assert execution["Name"] == "s1"
    assert execution["Id"].startswith("arn:aws:states:us-east-1:123456789012:express:Express:s1:")


def test_async_express_context_keeps_redrive_count_zero() -> None:
    sfn, arn = _service()
    started = sfn.start_execution(stateMachineArn=arn, input='{"message":"TestMessage"}', name="a1")
    sfn.run()
    ex = sfn.execution(started["executionArn"])
    assert ex.status == "SUCCEEDED"
    execution = ex.output["execution"]
    assert sorted(execution) == ["Id", "Input", "Name", "RedriveCount", "RoleArn", "StartTime"]
    assert execution["RedriveCount"] == 0
