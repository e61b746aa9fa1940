"""The Invoke seam: an invocation in flight, found by its task token, answered later, raced by
its TimeoutSeconds and HeartbeatSeconds on the clock; the execution lifecycle around it."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import aslrun
from aslrun.handlers.registry import ResourceRegistry
from aslrun.runtime.execution import ExecutionOptions
from aslrun.runtime.invoke import Invocation

T0 = "2026-12-01T09:00:00Z"
EPOCH = datetime(2026, 12, 1, 9, tzinfo=timezone.utc).timestamp()

SQS = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"


def callback_machine(**fields: Any) -> aslrun.StateMachine:
    return aslrun.load(
        {
            "StartAt": "Ask",
            "States": {
                "Ask": {
                    "Type": "Task",
                    "Resource": SQS,
                    "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
                    "End": True,
                    **fields,
                }
            },
        }
    )


class Parked:
    """An invoker that starts the work and leaves it open (a worker that answers later)."""

    def __init__(self) -> None:
        self.open: list[Invocation] = []

    def start(self, invocation: Invocation) -> None:
        invocation.begin()
        self.open.append(invocation)


def start_parked(
    sm: aslrun.StateMachine, clock: aslrun.VirtualClock, tokens: dict[str, Invocation]
) -> tuple[aslrun.Execution, Parked]:
    invoker = Parked()
    options = ExecutionOptions(seed=7, invoker=invoker, tokens=tokens)
    ex = sm._start({}, clock=clock, registry=ResourceRegistry(), name="e", options=options)
    return ex, invoker


def types(ex: aslrun.Execution) -> list[str]:
    return [e["type"] for e in ex.history]


def offset(ex: aslrun.Execution, event_type: str) -> float:
    (event,) = [e for e in ex.events if e.type == event_type]
    return event.timestamp - EPOCH


def test_an_open_invocation_is_found_by_its_token_and_answered_later() -> None:
    clock = aslrun.VirtualClock(start=T0)
    tokens: dict[str, Invocation] = {}
    ex, invoker = start_parked(callback_machine(), clock, tokens)
    clock.run()
    assert ex.status == "RUNNING"
    (invocation,) = invoker.open
    (token,) = tokens
    assert tokens[token] is invocation
    assert invocation.params == {"QueueUrl": "q", "MessageBody": {"token": token}}
    clock.schedule(EPOCH + 3600, lambda: tokens[token].succeed({"approved": True}))
    clock.run()
    assert (ex.status, ex.output) == ("SUCCEEDED", {"approved": True})
    assert offset(ex, "TaskSucceeded") == 3600
    assert tokens == {}  # a closed invocation is no longer registered
    assert invocation.succeed({"again": 1}) is False  # the first answer wins


def test_a_failure_sent_for_the_token_fails_the_task() -> None:
    clock = aslrun.VirtualClock(start=T0)
    tokens: dict[str, Invocation] = {}
    ex, _ = start_parked(callback_machine(), clock, tokens)
    clock.run()
    (invocation,) = tokens.values()
    assert invocation.fail("Rejected", "the teacher said no") is True
    assert (ex.status, ex.error, ex.cause) == ("FAILED", "Rejected", "the teacher said no")
    assert types(ex)[-2:] == ["TaskFailed", "ExecutionFailed"]


def test_timeout_seconds_fires_at_the_deadline_while_the_callback_is_outstanding() -> None:
    """AWS (callback pattern, TimeoutSeconds): TaskTimedOut with States.Timeout at the deadline."""
    clock = aslrun.VirtualClock(start=T0)
    tokens: dict[str, Invocation] = {}
    ex, invoker = start_parked(callback_machine(TimeoutSeconds=5), clock, tokens)
    clock.run()
    assert (ex.status, ex.error) == ("FAILED", "States.Timeout")
    assert offset(ex, "TaskTimedOut") == 5
    assert clock.now() - EPOCH == 5
    assert tokens == {}
    assert invoker.open[0].succeed({}) is False  # a late callback finds the task closed


def test_a_heartbeat_restarts_the_heartbeat_deadline() -> None:
    """HeartbeatSeconds 5, heartbeats at 4 and 8: the task times out at 13, not before."""
    clock = aslrun.VirtualClock(start=T0)
    tokens: dict[str, Invocation] = {}
    ex, invoker = start_parked(callback_machine(HeartbeatSeconds=5), clock, tokens)
    clock.step()
    (invocation,) = invoker.open
    beats: list[bool] = []
    clock.schedule(EPOCH + 4, lambda: beats.append(invocation.heartbeat()))
    clock.schedule(EPOCH + 8, lambda: beats.append(invocation.heartbeat()))
    clock.run()
    assert beats == [True, True]
    assert (ex.status, ex.error) == ("FAILED", "States.Timeout")
    assert offset(ex, "TaskTimedOut") == 13
    assert invocation.heartbeat() is False


def test_a_callback_just_before_the_heartbeat_deadline_succeeds() -> None:
    clock = aslrun.VirtualClock(start=T0)
    tokens: dict[str, Invocation] = {}
    ex, invoker = start_parked(callback_machine(HeartbeatSeconds=5), clock, tokens)
    clock.step()
    clock.schedule(EPOCH + 4.999, lambda: invoker.open[0].succeed("done"))
    clock.run()
    assert (ex.status, ex.output) == ("SUCCEEDED", "done")
    (succeeded,) = [e for e in ex.history if e["type"] == "TaskSucceeded"]
    assert succeeded["timestamp"] == datetime(2026, 12, 1, 9, 0, 4, 999000, tzinfo=timezone.utc)


def test_a_handler_sleeping_past_the_heartbeat_deadline_is_timed_out_there() -> None:
    """The integration's handler spends 10 s sending the message without a heartbeat
    (HeartbeatSeconds 3): the task times out at 3 s, before TaskSubmitted."""

    def worker(event: Any, context: Any) -> str:
        context.sleep(10)
        return "late"

    ex = callback_machine(HeartbeatSeconds=3).run(
        {}, handlers={SQS: worker}, clock=aslrun.VirtualClock(start=T0)
    )
    assert (ex.status, ex.error) == ("FAILED", "States.Timeout")
    assert offset(ex, "TaskTimedOut") == 3


def test_the_execution_timeout_closes_an_open_invocation() -> None:
    sm = aslrun.load(
        {
            "TimeoutSeconds": 60,
            "StartAt": "Ask",
            "States": {"Ask": {"Type": "Task", "Resource": SQS, "End": True}},
        }
    )
    clock = aslrun.VirtualClock(start=T0)
    tokens: dict[str, Invocation] = {}
    ex, invoker = start_parked(sm, clock, tokens)
    clock.run()
    assert ex.status == "TIMED_OUT"
    assert types(ex) == [
        "ExecutionStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "ExecutionTimedOut",
    ]
    assert tokens == {}
    assert invoker.open[0].closed


def test_stop_aborts_a_running_execution() -> None:
    """StopExecution during a Wait: ExecutionStarted, WaitStateEntered, ExecutionAborted
    (AWS recording), status ABORTED, no output."""
    sm = aslrun.load(
        {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 100, "End": True}}}
    )
    clock = aslrun.VirtualClock(start=T0)
    ex = sm.start({}, clock=clock)
    clock.run(until=EPOCH + 10)
    assert ex.stop() is True
    assert (ex.status, ex.output, ex.error, ex.cause) == ("ABORTED", None, None, None)
    assert types(ex) == ["ExecutionStarted", "WaitStateEntered", "ExecutionAborted"]
    assert ex.history[-1]["executionAbortedEventDetails"] == {}
    assert ex.history[-1]["previousEventId"] == 0
    assert ex.stop_date == datetime(2026, 12, 1, 9, 0, 10, tzinfo=timezone.utc)
    clock.run()
    assert clock.now() - EPOCH == 10  # the Wait's timer was cancelled
    assert ex.stop() is False


def test_freeze_time_applies_with_a_shared_registry() -> None:
    """freeze_time is the execution's option: a ResourceRegistry passed in does not drop it."""

    def stamp(event: Any) -> int:
        return datetime.now(timezone.utc).year

    registry = ResourceRegistry({"T": stamp})
    sm = aslrun.load(
        {
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": "arn:aws:lambda:us-east-1:123456789012:function:T",
                    "End": True,
                }
            },
        }
    )
    ex = sm.run(
        {},
        handlers=registry,
        clock=aslrun.VirtualClock(start="2031-05-01T00:00:00Z"),
        freeze_time=True,
    )
    assert (ex.status, ex.output) == ("SUCCEEDED", 2031)


def test_done_callbacks_run_once_after_the_last_event() -> None:
    """What a parent's startExecution.sync Task waits on: the child's end, with its status."""
    sm = aslrun.load(
        {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 30, "End": True}}}
    )
    clock = aslrun.VirtualClock(start=T0)
    ex = sm.start({"a": 1}, clock=clock)
    seen: list[tuple[str, str, float]] = []
    ex.add_done_callback(lambda e: seen.append((e.status, e.events.events[-1].type, clock.now())))
    clock.run()
    assert seen == [("SUCCEEDED", "ExecutionSucceeded", EPOCH + 30)]
    ex.add_done_callback(lambda e: seen.append((e.status, "late", clock.now())))
    assert seen[-1] == ("SUCCEEDED", "late", EPOCH + 30)
    assert len(seen) == 2


ACTIVITY = "arn:aws:states:us-east-1:123456789012:activity:Review"


def activity_machine(**fields: Any) -> aslrun.StateMachine:
    return aslrun.load(
        {
            "StartAt": "Review",
            "States": {"Review": {"Type": "Task", "Resource": ACTIVITY, "End": True, **fields}},
        }
    )


def test_an_activity_records_activity_events() -> None:
    """AWS (test_activities): ActivityScheduled {resource, input, timeoutInSeconds,
    heartbeatInSeconds}, ActivityStarted ({} without a worker name), ActivitySucceeded."""
    ex = activity_machine(TimeoutSeconds=60, HeartbeatSeconds=10).run(
        {"room": 4}, handlers={ACTIVITY: lambda e: {"ok": e["room"]}}
    )
    assert (ex.status, ex.output) == ("SUCCEEDED", {"ok": 4})
    assert types(ex) == [
        "ExecutionStarted",
        "TaskStateEntered",
        "ActivityScheduled",
        "ActivityStarted",
        "ActivitySucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    scheduled, started, succeeded = ex.history[2:5]
    assert scheduled["activityScheduledEventDetails"] == {
        "resource": ACTIVITY,
        "input": '{"room":4}',
        "inputDetails": {"truncated": False},
        "timeoutInSeconds": 60,
        "heartbeatInSeconds": 10,
    }
    assert started["activityStartedEventDetails"] == {}
    assert succeeded["activitySucceededEventDetails"] == {
        "output": '{"ok":4}',
        "outputDetails": {"truncated": False},
    }


def test_an_activity_task_has_a_token_for_its_worker() -> None:
    """The worker's poll starts the task (ActivityStarted with its name) and its token
    answers it; the token is not in the context object."""

    class Worker:
        def __init__(self) -> None:
            self.queue: list[Invocation] = []

        def start(self, invocation: Invocation) -> None:
            self.queue.append(invocation)

    clock = aslrun.VirtualClock(start=T0)
    tokens: dict[str, Invocation] = {}
    worker = Worker()
    options = ExecutionOptions(invoker=worker, tokens=tokens)
    ex = activity_machine()._start(
        {"room": 4}, clock=clock, registry=ResourceRegistry(), name="a", options=options
    )
    clock.run()
    (invocation,) = worker.queue
    assert list(tokens) == [invocation.token]
    clock.schedule(EPOCH + 60, lambda: invocation.begin("recorder-7"))
    clock.schedule(EPOCH + 90, lambda: invocation.fail("Broken", "the recorder failed"))
    clock.run()
    assert (ex.status, ex.error, ex.cause) == ("FAILED", "Broken", "the recorder failed")
    assert types(ex)[2:] == [
        "ActivityScheduled",
        "ActivityStarted",
        "ActivityFailed",
        "ExecutionFailed",
    ]
    assert ex.history[3]["activityStartedEventDetails"] == {"workerName": "recorder-7"}
    assert ex.history[4]["activityFailedEventDetails"] == {
        "error": "Broken",
        "cause": "the recorder failed",
    }
    assert offset(ex, "ActivityFailed") == 90


def test_a_timed_out_callback_records_no_cause() -> None:
    """AWS (test_callback, TimeoutSeconds 5): TaskTimedOut {error, resourceType, resource}
    without a cause; ExecutionFailed {error: States.Timeout}."""
    clock = aslrun.VirtualClock(start=T0)
    ex, _ = start_parked(callback_machine(TimeoutSeconds=5), clock, {})
    clock.run()
    timed_out, failed = ex.history[-2:]
    assert timed_out["taskTimedOutEventDetails"] == {
        "resourceType": "sqs",
        "resource": "sendMessage.waitForTaskToken",
        "error": "States.Timeout",
    }
    assert failed["executionFailedEventDetails"] == {"error": "States.Timeout"}


def start_with_callbacks(
    sm: aslrun.StateMachine, handlers: dict[str, Any], clock: aslrun.VirtualClock
) -> tuple[aslrun.Execution, dict[str, Invocation]]:
    from aslrun.handlers.invoker import CALLBACK_INVOKER

    tokens: dict[str, Invocation] = {}
    options = ExecutionOptions(seed=3, invoker=CALLBACK_INVOKER, tokens=tokens)
    registry = ResourceRegistry(handlers)
    ex = sm._start({}, clock=clock, registry=registry, name="cb", options=options)
    return ex, tokens


def test_with_callbacks_the_handler_submits_and_the_task_waits_for_its_token() -> None:
    """AWS (test_callback): TaskScheduled, TaskStarted, TaskSubmitted (the integration's
    response), then TaskSucceeded with the SendTaskSuccess output when it arrives."""
    clock = aslrun.VirtualClock(start=T0)
    sent: list[str] = []

    def queue(params: dict[str, Any], context: Any) -> dict[str, str]:
        sent.append(params["MessageBody"]["token"])
        context.sleep(2)
        return {"MessageId": "m-1"}

    ex, tokens = start_with_callbacks(callback_machine(), {SQS: queue}, clock)
    clock.run()
    assert ex.status == "RUNNING"
    assert list(tokens) == sent
    submitted = ex.history[-1]
    assert submitted["type"] == "TaskSubmitted"
    assert submitted["taskSubmittedEventDetails"] == {
        "resourceType": "sqs",
        "resource": "sendMessage.waitForTaskToken",
        "output": '{"MessageId":"m-1"}',
        "outputDetails": {"truncated": False},
    }
    assert offset(ex, "TaskSubmitted") == 2
    clock.schedule(EPOCH + 3600, lambda: tokens[sent[0]].succeed({"approved": True}))
    clock.run()
    assert (ex.status, ex.output) == ("SUCCEEDED", {"approved": True})
    assert types(ex)[2:] == [
        "TaskScheduled",
        "TaskStarted",
        "TaskSubmitted",
        "TaskSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    assert offset(ex, "TaskSucceeded") == 3600


def test_with_callbacks_lambda_invoke_output_is_the_callback_output_unwrapped() -> None:
    sm = aslrun.load(
        {
            "StartAt": "Ask",
            "States": {
                "Ask": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                    "Parameters": {"FunctionName": "ask", "Payload": {"t.$": "$$.Task.Token"}},
                    "End": True,
                }
            },
        }
    )
    clock = aslrun.VirtualClock(start=T0)
    ex, tokens = start_with_callbacks(sm, {"ask": lambda e: "ignored"}, clock)
    clock.run()
    (invocation,) = tokens.values()
    invocation.succeed({"done": 1})
    assert (ex.status, ex.output) == ("SUCCEEDED", {"done": 1})
    (submitted,) = [e for e in ex.events if e.type == "TaskSubmitted"]
    assert submitted.details is not None
    assert submitted.details["output"].value["Payload"] == "ignored"


def test_with_callbacks_an_activity_waits_for_a_worker() -> None:
    clock = aslrun.VirtualClock(start=T0)
    ex, tokens = start_with_callbacks(activity_machine(HeartbeatSeconds=30), {}, clock)
    clock.run(until=EPOCH + 10)
    (invocation,) = tokens.values()
    assert (invocation.resource, invocation.begun) == (ACTIVITY, False)
    invocation.begin("w-1")
    invocation.succeed("recorded")
    assert (ex.status, ex.output) == ("SUCCEEDED", "recorded")
    assert types(ex)[2:5] == ["ActivityScheduled", "ActivityStarted", "ActivitySucceeded"]
    assert offset(ex, "ActivityStarted") == 10
