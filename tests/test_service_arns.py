"""``StepFunctions(region=, account=)``: every ARN the service hands out carries them, in the
forms AWS gives (AWS API reference and recordings: ``arn:aws:states:REGION:ACCOUNT:
stateMachine:NAME``, ``...:execution:MACHINE:NAME``, ``...:express:MACHINE:NAME:ID``,
``...:activity:NAME``; ``$$.Execution.Id`` is the execution's ARN)."""

from __future__ import annotations

import json
import uuid

from aslrun.runtime.clock import VirtualClock
from aslrun.service import StepFunctions
from service_helpers import START

REGION, ACCOUNT = "eu-west-1", "111122223333"
HEAD = f"arn:aws:states:{REGION}:{ACCOUNT}"
WHO = {
    "StartAt": "P",
    "States": {
        "P": {
            "Type": "Pass",
            "Parameters": {"id.$": "$$.Execution.Id", "machine.$": "$$.StateMachine.Id"},
            "End": True,
        }
    },
}


def test_region_and_account_are_in_every_arn() -> None:
    sfn = StepFunctions(clock=VirtualClock(START), seed=3, region=REGION, account=ACCOUNT)
    assert sfn.region == REGION
    standard = sfn.create_state_machine(name="who", definition=json.dumps(WHO))
    assert standard["stateMachineArn"] == f"{HEAD}:stateMachine:who"
    express = sfn.create_state_machine(name="fast", definition=json.dumps(WHO), type="EXPRESS")
    assert express["stateMachineArn"] == f"{HEAD}:stateMachine:fast"
    assert sfn.create_activity(name="rec")["activityArn"] == f"{HEAD}:activity:rec"

    ex = sfn.start_execution(stateMachineArn=standard["stateMachineArn"], name="x")
    assert ex["executionArn"] == f"{HEAD}:execution:who:x"
    quick = sfn.start_execution(stateMachineArn=express["stateMachineArn"], name="y")
    head, name, execution_id = quick["executionArn"].rsplit(":", 2)
    assert (head, name, str(uuid.UUID(execution_id))) == (f"{HEAD}:express:fast", "y", execution_id)
    sfn.run()
    assert json.loads(sfn.describe_execution(executionArn=ex["executionArn"])["output"]) == {
        "id": f"{HEAD}:execution:who:x",
        "machine": f"{HEAD}:stateMachine:who",
    }
    assert sfn.execution(quick["executionArn"]).output == {
        "id": quick["executionArn"],
        "machine": f"{HEAD}:stateMachine:fast",
    }
    started = sfn.get_execution_history(executionArn=ex["executionArn"])["events"][0]
    assert started["executionStartedEventDetails"]["roleArn"] == (
        f"arn:aws:iam::{ACCOUNT}:role/service-role/StepFunctions-who-role"
    )
