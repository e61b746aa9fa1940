"""Tasks on an activity ARN: through the service a worker polls ``get_activity_task`` and
answers with the token; under ``StateMachine.run`` (or when a handler is registered for the
activity) the handler is the worker.

Recorded on AWS (LocalStack test_activities.snapshot.json): ``ActivityScheduled {resource,
input, inputDetails, [timeoutInSeconds], [heartbeatInSeconds]}``, ``ActivityStarted
{workerName}`` (``{}`` without a name), ``ActivitySucceeded {output, outputDetails}`` or
``ActivityFailed {error, cause}`` then ``ExecutionFailed``; a Task on a deleted activity:
``ExecutionStarted, TaskStateEntered, ExecutionFailed`` with States.Runtime ``An error occurred
while executing the state 'ActivityTask' (entered at the event id #2). The activity <arn>
does not exist.``  ActivityTimedOut's details are not recorded there; they follow the
callback pattern's TaskTimedOut (``{error: "States.Timeout"}``, no cause).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import aslrun
from aslrun.handlers.registry import HandlerContext
from aslrun.service import StepFunctions, errors
from service_helpers import PREFIX, at, machine, service

ACTIVITY = f"{PREFIX}:activity:review"
GONE = "Task Timed Out: 'Provided task does not exist anymore'"


def definition(**fields: Any) -> dict[str, Any]:
    return {
        "StartAt": "ActivityTask",
        "States": {"ActivityTask": {"Type": "Task", "Resource": ACTIVITY, "End": True, **fields}},
    }


def started(**fields: Any) -> tuple[StepFunctions, str]:
    sfn = service()
    sfn.create_activity(name="review")
    arn = machine(sfn, definition(**fields))
    ex = sfn.start_execution(
        stateMachineArn=arn, name="e1", input='{"Value1": "Hello", "Value2": "World"}'
    )
    return sfn, ex["executionArn"]


def history(sfn: StepFunctions, arn: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = sfn.get_execution_history(executionArn=arn)["events"]
    return events


def test_a_worker_polls_and_answers() -> None:
    sfn, ex = started(TimeoutSeconds=600, HeartbeatSeconds=120)
    assert sfn.get_activity_task(activityArn=ACTIVITY, workerName="w") == {}  # not yet started
    sfn.advance(30)
    task = sfn.get_activity_task(activityArn=ACTIVITY, workerName="reviewer-1")
    assert task == {"taskToken": task["taskToken"], "input": '{"Value1":"Hello","Value2":"World"}'}
    assert sfn.get_activity_task(activityArn=ACTIVITY) == {}  # handed out once
    sfn.advance(60)
    sfn.send_task_heartbeat(taskToken=task["taskToken"])
    sfn.advance(60)
    sfn.send_task_success(taskToken=task["taskToken"], output='{"score": 9}')
    data = {"Value1": "Hello", "Value2": "World"}
    assert history(sfn, ex)[2:] == [
        {
            "timestamp": at(0),
            "type": "ActivityScheduled",
            "id": 3,
            "previousEventId": 2,
            "activityScheduledEventDetails": {
                "resource": ACTIVITY,
                "input": json.dumps(data, separators=(",", ":")),
                "inputDetails": {"truncated": False},
                "timeoutInSeconds": 600,
                "heartbeatInSeconds": 120,
            },
        },
        {
            "timestamp": at(30),
            "type": "ActivityStarted",
            "id": 4,
            "previousEventId": 3,
            "activityStartedEventDetails": {"workerName": "reviewer-1"},
        },
        {
            "timestamp": at(150),
            "type": "ActivitySucceeded",
            "id": 5,
            "previousEventId": 4,
            "activitySucceededEventDetails": {
                "output": '{"score":9}',
                "outputDetails": {"truncated": False},
            },
        },
        {
            "timestamp": at(150),
            "type": "TaskStateExited",
            "id": 6,
            "previousEventId": 5,
            "stateExitedEventDetails": {
                "name": "ActivityTask",
                "output": '{"score":9}',
                "outputDetails": {"truncated": False},
            },
        },
        {
            "timestamp": at(150),
            "type": "ExecutionSucceeded",
            "id": 7,
            "previousEventId": 6,
            "executionSucceededEventDetails": {
                "output": '{"score":9}',
                "outputDetails": {"truncated": False},
            },
        },
    ]


def test_a_worker_without_a_name_and_a_failure() -> None:
    sfn, ex = started()
    sfn.advance(0)  # the execution runs as the clock moves: its task is now scheduled
    task = sfn.get_activity_task(activityArn=ACTIVITY)
    sfn.send_task_failure(taskToken=task["taskToken"], error="Programmatic Error", cause="c")
    events = history(sfn, ex)
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "TaskStateEntered",
        "ActivityScheduled",
        "ActivityStarted",
        "ActivityFailed",
        "ExecutionFailed",
    ]
    assert "timeoutInSeconds" not in events[2]["activityScheduledEventDetails"]
    assert events[3]["activityStartedEventDetails"] == {}
    assert events[4]["activityFailedEventDetails"] == {"error": "Programmatic Error", "cause": "c"}
    assert events[5]["executionFailedEventDetails"] == {"error": "Programmatic Error", "cause": "c"}


def test_an_activity_that_does_not_exist_fails_the_state() -> None:
    sfn = service()
    arn = machine(sfn, definition())
    ex = sfn.start_execution(stateMachineArn=arn, name="e1")["executionArn"]
    sfn.run()
    events = history(sfn, ex)
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "TaskStateEntered",
        "ExecutionFailed",
    ]
    assert events[2]["executionFailedEventDetails"] == {
        "error": "States.Runtime",
        "cause": "An error occurred while executing the state 'ActivityTask' (entered at the "
        f"event id #2). The activity {ACTIVITY} does not exist.",
    }


def test_run_leaves_an_execution_waiting_for_a_worker_running() -> None:
    """No worker and no deadline: ``run()`` returns once nothing is scheduled and the
    execution stays RUNNING, its task waiting in the queue (AWS keeps it until a worker
    polls or the execution's year runs out)."""
    sfn, ex = started()
    assert sfn.run() == at(0)
    assert sfn.describe_execution(executionArn=ex)["status"] == "RUNNING"
    assert [(e["type"], e["timestamp"]) for e in history(sfn, ex)] == [
        ("ExecutionStarted", at(0)),
        ("TaskStateEntered", at(0)),
        ("ActivityScheduled", at(0)),
    ]
    assert [(s.name, s.since) for s in sfn.current_states(ex)] == [("ActivityTask", at(0))]
    sfn.advance(3600)  # an hour later a worker polls: the task is still there
    task = sfn.get_activity_task(activityArn=ACTIVITY, workerName="late")
    sfn.send_task_success(taskToken=task["taskToken"], output='"ok"')
    described = sfn.describe_execution(executionArn=ex)
    assert (described["status"], described["stopDate"]) == ("SUCCEEDED", at(3600))


def test_an_unpolled_task_times_out_and_is_never_handed_out() -> None:
    sfn, ex = started(TimeoutSeconds=300)
    sfn.run()
    described = sfn.describe_execution(executionArn=ex)
    assert (described["status"], described["error"], described["stopDate"]) == (
        "FAILED",
        "States.Timeout",
        at(300),
    )
    assert history(sfn, ex)[-2] == {
        "timestamp": at(300),
        "type": "ActivityTimedOut",
        "id": 4,
        "previousEventId": 3,
        "activityTimedOutEventDetails": {"error": "States.Timeout"},
    }
    assert sfn.get_activity_task(activityArn=ACTIVITY, workerName="w") == {}


def test_the_heartbeat_clock_starts_when_a_worker_takes_the_task() -> None:
    """HeartbeatSeconds 60 and a poll at +100: the task is not timed out before anyone
    holds it; silent after the poll, it times out at +160."""
    sfn, ex = started(HeartbeatSeconds=60)
    sfn.advance(100)
    task = sfn.get_activity_task(activityArn=ACTIVITY, workerName="w")
    sfn.run()
    assert sfn.describe_execution(executionArn=ex)["stopDate"] == at(160)
    assert history(sfn, ex)[-2]["type"] == "ActivityTimedOut"
    with pytest.raises(errors.TaskTimedOut) as e:
        sfn.send_task_success(taskToken=task["taskToken"], output="{}")
    assert e.value.message == GONE


def test_stop_closes_queued_and_running_activity_tasks() -> None:
    sfn, queued = started()
    arn = queued.rsplit(":", 1)[0].replace(":execution:", ":stateMachine:")
    running = sfn.start_execution(stateMachineArn=arn, name="e2")["executionArn"]
    sfn.advance(1)
    sfn.stop_execution(executionArn=queued)  # its task is first in the queue
    task = sfn.get_activity_task(activityArn=ACTIVITY, workerName="w")
    assert json.loads(task["input"]) == {}  # e2's task: e1's is no longer handed out
    sfn.stop_execution(executionArn=running)
    with pytest.raises(errors.TaskTimedOut):
        sfn.send_task_success(taskToken=task["taskToken"], output="{}")
    assert sfn.get_activity_task(activityArn=ACTIVITY) == {}
    assert [e["type"] for e in history(sfn, running)][-2:] == [
        "ActivityStarted",
        "ExecutionAborted",
    ]


def test_tasks_are_handed_out_oldest_first() -> None:
    sfn, first = started()
    arn = first.rsplit(":", 1)[0].replace(":execution:", ":stateMachine:")
    sfn.advance(5)
    sfn.start_execution(stateMachineArn=arn, name="e2", input='{"n": 2}')
    sfn.advance(5)
    inputs = [sfn.get_activity_task(activityArn=ACTIVITY).get("input") for _ in range(3)]
    assert inputs == ['{"Value1":"Hello","Value2":"World"}', '{"n":2}', None]


def test_a_registered_handler_is_the_worker_in_the_service_too() -> None:
    def worker(task: Any, context: HandlerContext) -> Any:
        context.sleep(40)
        return {"reviewed": task["Value1"]}

    sfn = StepFunctions(clock=service().clock, handlers={ACTIVITY: worker}, seed=7)
    sfn.create_activity(name="review")
    arn = machine(sfn, definition())
    ex = sfn.start_execution(stateMachineArn=arn, name="e1", input='{"Value1": "Hello"}')
    sfn.run()
    described = sfn.describe_execution(executionArn=ex["executionArn"])
    assert (described["output"], described["stopDate"]) == ('{"reviewed":"Hello"}', at(40))
    assert sfn.get_activity_task(activityArn=ACTIVITY) == {}


# -- StateMachine.run: the handler is the worker --------------------------------------------


def run(handler: Any, **fields: Any) -> aslrun.Execution:
    sm = aslrun.load(definition(**fields))
    return sm.run(
        {"Value1": "Hello"},
        handlers={ACTIVITY: handler},
        clock=aslrun.VirtualClock(start="2026-01-01T00:00:00Z"),
    )


def offsets(ex: aslrun.Execution) -> list[tuple[str, float]]:
    start = ex.events.events[0].timestamp
    return [(e.type, e.timestamp - start) for e in ex.events]


def test_run_with_a_handler_as_the_worker() -> None:
    def worker(task: Any, context: HandlerContext) -> Any:
        assert context.task_token is not None
        context.sleep(90)
        return {"reviewed": task["Value1"]}

    ex = run(worker, TimeoutSeconds=600)
    assert (ex.status, ex.output) == ("SUCCEEDED", {"reviewed": "Hello"})
    assert offsets(ex) == [
        ("ExecutionStarted", 0),
        ("TaskStateEntered", 0),
        ("ActivityScheduled", 0),
        ("ActivityStarted", 0),
        ("ActivitySucceeded", 90),
        ("TaskStateExited", 90),
        ("ExecutionSucceeded", 90),
    ]
    assert ex.history[3]["activityStartedEventDetails"] == {}


def test_run_a_worker_that_heartbeats_and_one_that_does_not() -> None:
    def beating(task: Any, context: HandlerContext) -> Any:
        for _ in range(3):
            context.sleep(50)
            context.send_task_heartbeat()
        return "done"

    ex = run(beating, HeartbeatSeconds=60)
    assert (ex.status, ex.output) == ("SUCCEEDED", "done")
    assert offsets(ex)[4] == ("ActivitySucceeded", 150)

    def silent(task: Any, context: HandlerContext) -> Any:
        context.sleep(150)
        return "done"

    ex = run(silent, HeartbeatSeconds=60)
    assert (ex.status, ex.error, ex.cause) == ("FAILED", "States.Timeout", None)
    assert offsets(ex)[4:] == [("ActivityTimedOut", 60), ("ExecutionFailed", 60)]


def test_run_a_worker_that_fails() -> None:
    def worker(task: Any) -> Any:
        raise aslrun.TaskFailed("Programmatic Error", "bad input")

    ex = run(worker)
    assert (ex.status, ex.error, ex.cause) == ("FAILED", "Programmatic Error", "bad input")
    assert ex.history[4]["activityFailedEventDetails"] == {
        "error": "Programmatic Error",
        "cause": "bad input",
    }

    def answering(task: Any, context: HandlerContext) -> Any:
        context.send_task_success("x")

    ex = run(answering)
    assert (ex.status, ex.error) == ("FAILED", "ValueError")
    assert ex.cause == (
        "context.send_task_success: an activity's handler is its worker: return the output, "
        "or raise aslrun.TaskFailed(error, cause)"
    )


def test_run_without_a_worker() -> None:
    ex = aslrun.load(definition()).run({})
    assert (ex.status, ex.error) == ("FAILED", "States.Runtime")
    assert ex.cause is not None and ex.cause.startswith(
        f"No handler for the Task state 'ActivityTask' (Resource '{ACTIVITY}')."
    )
    assert [t for t, _ in offsets(ex)] == [
        "ExecutionStarted",
        "TaskStateEntered",
        "ExecutionFailed",
    ]
