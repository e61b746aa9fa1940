"""Distributed Map runs on the service: child executions listed, described and with their
histories readable; DescribeMapRun/ListMapRuns in botocore's shapes (members required by the
model: mapRunArn, executionArn, status, startDate, maxConcurrency, toleratedFailurePercentage,
toleratedFailureCount, itemCounts, executionCounts)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from service_helpers import EX, PREFIX, SM, at, machine, service

DISTRIBUTED = {
    "StartAt": "M",
    "States": {
        "M": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 2,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "W",
                "States": {
                    "W": {"Type": "Wait", "SecondsPath": "$.s", "Next": "P"},
                    "P": {"Type": "Pass", "End": True},
                },
            },
            "End": True,
        }
    },
}
RUN = f"{PREFIX}:mapRun:m/M:p"


def counts(**changed: int) -> dict[str, int]:
    base = dict.fromkeys(
        ("pending", "running", "succeeded", "failed", "timedOut", "aborted", "total"), 0
    )
    return {
        **base,
        "total": 3,
        **changed,
        "resultsWritten": 0,
        "failuresNotRedrivable": 0,
        "pendingRedrive": 0,
    }


def child_arn(index: int) -> str:
    name = uuid.uuid5(uuid.NAMESPACE_URL, f"{RUN}/{index}")
    return f"{EX}m/M:{name}"


def started() -> Any:
    sfn = service()
    arn = machine(sfn, DISTRIBUTED, name="m")
    sfn.start_execution(
        stateMachineArn=arn,
        name="p",
        input=json.dumps({"items": [{"s": 10}, {"s": 20}, {"s": 30}]}),
    )
    return sfn


def test_describe_map_run_while_it_runs_and_after() -> None:
    sfn = started()
    sfn.advance(5)
    running = sfn.describe_map_run(mapRunArn=RUN)
    assert running == {
        "mapRunArn": RUN,
        "executionArn": f"{EX}m:p",
        "status": "RUNNING",
        "startDate": at(0),
        "maxConcurrency": 2,
        "toleratedFailurePercentage": 0.0,
        "toleratedFailureCount": 0,
        "itemCounts": counts(pending=1, running=2),
        "executionCounts": counts(pending=1, running=2),
        "redriveCount": 0,
    }
    sfn.run()
    done = sfn.describe_map_run(mapRunArn=RUN)
    assert (done["status"], done["stopDate"]) == ("SUCCEEDED", at(40))  # 3rd item: 10 + 30
    assert done["itemCounts"] == counts(succeeded=3)


def test_child_executions_are_listed_described_and_have_histories() -> None:
    sfn = started()
    sfn.run()
    listed = sfn.list_executions(mapRunArn=RUN)["executions"]
    assert [(e["executionArn"], e["status"], e["stopDate"]) for e in listed] == [
        (child_arn(2), "SUCCEEDED", at(40)),
        (child_arn(1), "SUCCEEDED", at(20)),
        (child_arn(0), "SUCCEEDED", at(10)),
    ]
    assert {e["mapRunArn"] for e in listed} == {RUN}
    assert {e["stateMachineArn"] for e in listed} == {f"{SM}m/M"}
    described = sfn.describe_execution(executionArn=child_arn(2))
    assert (described["input"], described["output"], described["startDate"]) == (
        '{"s":30}',
        '{"s":30}',
        at(10),
    )
    assert described["mapRunArn"] == RUN
    events = sfn.get_execution_history(executionArn=child_arn(2))["events"]
    assert [(e["type"], e["timestamp"]) for e in events] == [
        ("ExecutionStarted", at(10)),
        ("WaitStateEntered", at(10)),
        ("WaitStateExited", at(40)),
        ("PassStateEntered", at(40)),
        ("PassStateExited", at(40)),
        ("ExecutionSucceeded", at(40)),
    ]
    # children are listed by their Map Run, not with the parent's machine
    assert [e["name"] for e in sfn.list_executions(stateMachineArn=f"{SM}m")["executions"]] == ["p"]


def test_list_map_runs() -> None:
    sfn = started()
    sfn.run()
    assert sfn.list_map_runs(executionArn=f"{EX}m:p") == {
        "mapRuns": [
            {
                "executionArn": f"{EX}m:p",
                "mapRunArn": RUN,
                "stateMachineArn": f"{SM}m/M",
                "startDate": at(0),
                "stopDate": at(40),
            }
        ]
    }


def test_stopping_the_parent_aborts_the_map_run() -> None:
    sfn = started()
    sfn.advance(15)
    sfn.stop_execution(executionArn=f"{EX}m:p")
    run = sfn.describe_map_run(mapRunArn=RUN)
    assert (run["status"], run["stopDate"]) == ("ABORTED", at(15))
    assert run["itemCounts"] == counts(succeeded=1, aborted=2)
    assert sfn.describe_execution(executionArn=child_arn(1))["status"] == "ABORTED"
