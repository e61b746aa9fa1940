"""Same seed, same histories: a service's generated names, retry jitter, States.UUID and Map
iterations under MaxConcurrency replay identically for a given seed (property test)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from aslrun.runtime.clock import VirtualClock
from aslrun.service import StepFunctions
from service_helpers import START

FLAKY = "arn:aws:lambda:us-east-1:123456789012:function:Flaky"
DEFINITION = {
    "StartAt": "Id",
    "States": {
        "Id": {
            "Type": "Pass",
            "Parameters": {"id.$": "States.UUID()"},
            "ResultPath": "$.id",
            "Next": "Each",
        },
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 2,
            "ItemProcessor": {
                "StartAt": "Work",
                "States": {
                    "Work": {
                        "Type": "Task",
                        "Resource": FLAKY,
                        "Retry": [
                            {
                                "ErrorEquals": ["Busy"],
                                "IntervalSeconds": 5,
                                "MaxAttempts": 3,
                                "BackoffRate": 2,
                                "JitterStrategy": "FULL",
                            }
                        ],
                        "End": True,
                    }
                },
            },
            "ResultPath": "$.results",
            "End": True,
        },
    },
}


class Busy(Exception):
    pass


def simulate(seed: int, executions: int) -> list[Any]:
    calls: dict[str, int] = {}

    def flaky(event: Any, context: Any) -> Any:
        key = f"{context.execution_arn}/{event}"
        calls[key] = calls.get(key, 0) + 1
        if calls[key] < 3:  # fails twice, then works: two jittered retries
            raise Busy("busy")
        context.sleep(event)
        return {"done": event}

    sfn = StepFunctions(clock=VirtualClock(START), handlers={"Flaky": flaky}, seed=seed)
    arn = sfn.create_state_machine(name="m", definition=json.dumps(DEFINITION))["stateMachineArn"]
    started = [
        sfn.start_execution(stateMachineArn=arn, input={"items": [3, 1, 2, i]})["executionArn"]
        for i in range(executions)
    ]
    sfn.run()
    return [
        (
            a,
            sfn.describe_execution(executionArn=a),
            sfn.get_execution_history(executionArn=a, maxResults=1000)["events"],
        )
        for a in started
    ]


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32), executions=st.integers(1, 3))
def test_the_same_seed_gives_the_same_histories(seed: int, executions: int) -> None:
    first = simulate(seed, executions)
    assert first == simulate(seed, executions)
    assert all(d["status"] == "SUCCEEDED" for _, d, _ in first)


def test_another_seed_gives_other_names_and_uuids() -> None:
    ((arn_a, described_a, _),) = simulate(1, 1)
    ((arn_b, described_b, _),) = simulate(2, 1)
    assert arn_a != arn_b
    assert (
        json.loads(described_a["output"])["id"]["id"]
        != json.loads(described_b["output"])["id"]["id"]
    )
