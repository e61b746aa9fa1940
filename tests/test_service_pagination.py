"""Pagination tokens on every listing of the service: default page sizes, ``maxResults=0``,
pages that add up to the whole listing, and tokens bound to the listing that issued them.

AWS API reference (GetExecutionHistory, ListExecutions, ListStateMachines, ListActivities,
ListMapRuns, ``maxResults``): "The default is 100 and the maximum allowed page size is 1000.
A value of 0 uses the default."; ``nextToken``: "If nextToken is returned, there are more
results available ... Keep all other arguments unchanged." (a token used with other arguments
is ``InvalidToken``, "HTTP 400 InvalidToken error").
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from aslrun.service import errors
from service_helpers import EX, PASS, PREFIX, SM, at, machine, service

LOOP = {
    "StartAt": "P",
    "States": {
        "P": {"Type": "Pass", "Next": "C"},
        "C": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.done", "BooleanEquals": True, "Next": "E"}],
            "Default": "P",
        },
        "E": {"Type": "Succeed"},
    },
}


def _ids(page: dict[str, Any]) -> list[int]:
    return [e["id"] for e in page["events"]]


def test_history_pages_hold_100_events_by_default_and_with_max_results_0() -> None:
    sfn = service(max_events=130)  # the loop fails at event 130: a history of 130 events
    arn = machine(sfn, LOOP, name="loop")
    ex = sfn.start_execution(stateMachineArn=arn, name="x", input='{"done": false}')
    sfn.run()
    ex_arn = ex["executionArn"]
    for size in (None, 0):
        first = sfn.get_execution_history(executionArn=ex_arn, maxResults=size)
        assert _ids(first) == list(range(1, 101))
        rest = sfn.get_execution_history(
            executionArn=ex_arn, maxResults=size, nextToken=first["nextToken"]
        )
        assert _ids(rest) == list(range(101, 131))
        assert "nextToken" not in rest
    newest = sfn.get_execution_history(executionArn=ex_arn, reverseOrder=True)
    assert _ids(newest) == list(range(130, 30, -1))
    oldest = sfn.get_execution_history(
        executionArn=ex_arn, reverseOrder=True, nextToken=newest["nextToken"]
    )
    assert _ids(oldest) == list(range(30, 0, -1))
    whole = sfn.get_execution_history(executionArn=ex_arn, maxResults=1000)
    assert _ids(whole) == list(range(1, 131)) and "nextToken" not in whole


def test_list_executions_pages_hold_100_by_default() -> None:
    sfn = service()
    arn = machine(sfn, PASS)
    for i in range(101):
        sfn.run_until(at(i))
        sfn.start_execution(stateMachineArn=arn, name=f"e{i:03}")
    sfn.run()
    for size in (None, 0):
        first = sfn.list_executions(stateMachineArn=arn, maxResults=size)
        names = [e["name"] for e in first["executions"]]
        assert names == [f"e{i:03}" for i in range(100, 0, -1)]  # newest first
        last = sfn.list_executions(
            stateMachineArn=arn, maxResults=size, nextToken=first["nextToken"]
        )
        assert last["executions"] == [
            {
                "executionArn": f"{EX}m:e000",
                "stateMachineArn": arn,
                "name": "e000",
                "status": "SUCCEEDED",
                "startDate": at(0),
                "stopDate": at(0),
                "redriveCount": 0,
            }
        ]
        assert "nextToken" not in last


def test_list_state_machines_and_activities_page_in_creation_order() -> None:
    sfn = service()
    for i in range(101):
        sfn.run_until(at(i))
        machine(sfn, PASS, name=f"m{i:03}")
        sfn.create_activity(name=f"a{i:03}")
    machines = sfn.list_state_machines(maxResults=0)
    assert [m["name"] for m in machines["stateMachines"]] == [f"m{i:03}" for i in range(100)]
    assert sfn.list_state_machines(nextToken=machines["nextToken"]) == {
        "stateMachines": [
            {
                "stateMachineArn": f"{SM}m100",
                "name": "m100",
                "type": "STANDARD",
                "creationDate": at(100),
            }
        ]
    }
    activities = sfn.list_activities()
    assert [a["name"] for a in activities["activities"]] == [f"a{i:03}" for i in range(100)]
    assert sfn.list_activities(nextToken=activities["nextToken"]) == {
        "activities": [
            {
                "activityArn": f"{PREFIX}:activity:a100",
                "name": "a100",
                "creationDate": at(100),
            }
        ]
    }
    # "Keep all other arguments unchanged": another listing's token is not valid here.
    with pytest.raises(errors.InvalidToken):
        sfn.list_activities(nextToken=machines["nextToken"])
    with pytest.raises(errors.InvalidToken):
        sfn.list_state_machines(nextToken=activities["nextToken"])


DISTRIBUTED_TWICE = {
    "StartAt": "First",
    "States": {
        name: {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ResultPath": None,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": f"W{name}",
                "States": {f"W{name}": {"Type": "Wait", "SecondsPath": "$.s", "End": True}},
            },
            **({"Next": "Second"} if name == "First" else {"End": True}),
        }
        for name in ("First", "Second")
    },
}


def test_map_runs_and_their_child_executions_page() -> None:
    sfn = service()
    arn = machine(sfn, DISTRIBUTED_TWICE, name="d")
    items = json.dumps({"items": [{"s": 10}, {"s": 20}, {"s": 30}]})
    ex = sfn.start_execution(stateMachineArn=arn, name="p", input=items)["executionArn"]
    other = sfn.start_execution(stateMachineArn=arn, name="q", input=items)["executionArn"]
    sfn.run()
    started = [
        e["mapRunStartedEventDetails"]["mapRunArn"]
        for e in sfn.get_execution_history(executionArn=ex)["events"]
        if e["type"] == "MapRunStarted"
    ]
    assert len(started) == 2
    page1 = sfn.list_map_runs(executionArn=ex, maxResults=1)
    page2 = sfn.list_map_runs(executionArn=ex, maxResults=1, nextToken=page1["nextToken"])
    assert "nextToken" not in page2
    listed = page1["mapRuns"] + page2["mapRuns"]
    assert sorted(r["mapRunArn"] for r in listed) == sorted(started)
    by_arn = {r["mapRunArn"]: r for r in listed}
    assert (by_arn[started[0]]["startDate"], by_arn[started[0]]["stopDate"]) == (at(0), at(30))
    assert (by_arn[started[1]]["startDate"], by_arn[started[1]]["stopDate"]) == (at(30), at(60))
    with pytest.raises(errors.InvalidToken):  # a token names the execution it pages through
        sfn.list_map_runs(executionArn=other, nextToken=page1["nextToken"])

    children1 = sfn.list_executions(mapRunArn=started[1], maxResults=2)
    children2 = sfn.list_executions(
        mapRunArn=started[1], maxResults=2, nextToken=children1["nextToken"]
    )
    stops = [e["stopDate"] for e in children1["executions"] + children2["executions"]]
    assert stops == [at(60), at(50), at(40)]  # newest first: the items started at 30 s
    assert "nextToken" not in children2
