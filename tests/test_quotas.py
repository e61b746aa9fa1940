"""AWS's quotas, enforced: 25,000 history events, a year for a Standard execution, five
minutes for an Express one.

AWS (Step Functions developer guide, "Using Map/continuing as new to avoid the history
quota"): "When an execution reaches 24,999 events, it waits for the next event to happen. If
the event number 25,000 is ExecutionSucceeded, the execution finishes successfully. If the
event number 25,000 isn't ExecutionSucceeded, the ExecutionFailed event is logged and the
state machine execution fails".  Measured on AWS (a Choice loop with no Wait,
floci-io/floci#2734; also the execution output quoted in loads/ardere#86): event 25,000 is
``ExecutionFailed {"error": "States.Runtime", "cause": "The execution reached the maximum
number of history events (25000)."}`` with previousEventId 24,999.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import pytest

import aslrun
from service_helpers import EX, at, machine, service

START = datetime(2026, 1, 1, tzinfo=timezone.utc)
CAUSE_25000 = "The execution reached the maximum number of history events (25000)."

PASS_CHOICE_LOOP: dict[str, Any] = {
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
WAIT_DAY_LOOP: dict[str, Any] = {
    "StartAt": "W",
    "States": {
        "W": {"Type": "Wait", "Seconds": 86400, "Next": "C"},
        "C": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.done", "BooleanEquals": True, "Next": "E"}],
            "Default": "W",
        },
        "E": {"Type": "Succeed"},
    },
}


def _renamed(definition: dict[str, Any], suffix: str) -> dict[str, Any]:
    """The same loop with its state names suffixed (names are unique per machine)."""
    text = json.dumps(definition)
    for name in ("P", "C", "E"):
        text = text.replace(f'"{name}"', f'"{name}{suffix}"')
    return dict(json.loads(text))


def _clock() -> aslrun.VirtualClock:
    return aslrun.VirtualClock(start=START)


def test_a_pass_choice_loop_fails_at_event_25000() -> None:
    ex = aslrun.load(PASS_CHOICE_LOOP).run({"done": False}, clock=_clock())
    assert (ex.status, ex.error, ex.cause) == ("FAILED", "States.Runtime", CAUSE_25000)
    history = ex.history
    assert len(history) == 25000
    assert history[-1] == {
        "timestamp": START,
        "type": "ExecutionFailed",
        "id": 25000,
        "previousEventId": 24999,
        "executionFailedEventDetails": {"error": "States.Runtime", "cause": CAUSE_25000},
    }
    # events 2..24999 are the loop: Pass entered/exited, Choice entered/exited, ...
    assert [e["type"] for e in history[1:5]] == [
        "PassStateEntered",
        "PassStateExited",
        "ChoiceStateEntered",
        "ChoiceStateExited",
    ]
    assert history[-2]["type"] == "PassStateExited"  # 24999 = 1 + 4 * 6249 + 2
    assert ex.stop_date == START


def test_one_clock_step_ends_a_loop_that_never_yields() -> None:
    clock = _clock()
    ex = aslrun.load(PASS_CHOICE_LOOP).start({"done": False}, clock=clock)
    assert clock.step()  # the whole loop runs in this one scheduler turn, up to the quota
    assert ex.status == "FAILED"
    assert clock.next_due() is None


def test_max_events_lowers_the_quota() -> None:
    ex = aslrun.load(PASS_CHOICE_LOOP).run({"done": False}, clock=_clock(), max_events=10)
    assert [(e["id"], e["type"], e["previousEventId"]) for e in ex.history] == [
        (1, "ExecutionStarted", 0),
        (2, "PassStateEntered", 0),  # AWS: the first state entered records 0 (recorded)
        (3, "PassStateExited", 2),
        (4, "ChoiceStateEntered", 3),
        (5, "ChoiceStateExited", 4),
        (6, "PassStateEntered", 5),
        (7, "PassStateExited", 6),
        (8, "ChoiceStateEntered", 7),
        (9, "ChoiceStateExited", 8),
        (10, "ExecutionFailed", 9),
    ]
    assert ex.cause == "The execution reached the maximum number of history events (10)."


def test_the_last_event_may_be_execution_succeeded() -> None:
    one_pass = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    sm = aslrun.load(one_pass)
    ok = sm.run({}, clock=_clock(), max_events=4)  # Started, Entered, Exited, Succeeded = 4
    assert ok.status == "SUCCEEDED"
    assert [e["type"] for e in ok.history][-1] == "ExecutionSucceeded"
    short = sm.run({}, clock=_clock(), max_events=3)  # event 3 would be PassStateExited
    assert [e["type"] for e in short.history] == [
        "ExecutionStarted",
        "PassStateEntered",
        "ExecutionFailed",
    ]
    assert short.cause == "The execution reached the maximum number of history events (3)."


def test_the_quota_inside_parallel_branches() -> None:
    definition = {
        "StartAt": "Par",
        "States": {
            "Par": {
                "Type": "Parallel",
                "Branches": [PASS_CHOICE_LOOP, _renamed(PASS_CHOICE_LOOP, "2")],
                "End": True,
            }
        },
    }
    ex = aslrun.load(definition).run({"done": False}, clock=_clock(), max_events=50)
    assert (ex.status, ex.error) == ("FAILED", "States.Runtime")
    history = ex.history
    assert len(history) == 50
    assert history[-1]["type"] == "ExecutionFailed"
    assert history[-1]["previousEventId"] == 49


def test_retry_and_catch_do_not_catch_the_quota() -> None:
    definition = {
        "StartAt": "Par",
        "States": {
            "Par": {
                "Type": "Parallel",
                "Branches": [PASS_CHOICE_LOOP],
                "Retry": [{"ErrorEquals": ["States.ALL"]}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                "End": True,
            },
            "Caught": {"Type": "Pass", "End": True},
        },
    }
    ex = aslrun.load(definition).run({"done": False}, clock=_clock(), max_events=20)
    assert (ex.status, ex.error) == ("FAILED", "States.Runtime")
    assert len(ex.history) == 20


def test_max_events_is_checked() -> None:
    sm = aslrun.load(PASS_CHOICE_LOOP)
    for bad in (1, 0, True, "25000"):
        with pytest.raises(ValueError, match="max_events: expected an integer >= 2"):
            sm.run({}, max_events=bad)  # type: ignore[arg-type]


def test_the_service_enforces_its_max_events() -> None:
    sfn = service(max_events=6)
    arn = machine(sfn, PASS_CHOICE_LOOP, name="loop")
    started = sfn.start_execution(stateMachineArn=arn, name="a", input='{"done": false}')
    sfn.run()
    described = sfn.describe_execution(executionArn=started["executionArn"])
    assert described["status"] == "FAILED"
    assert described["error"] == "States.Runtime"
    assert described["cause"] == ("The execution reached the maximum number of history events (6).")
    assert described["stopDate"] == at(0)
    events = sfn.get_execution_history(executionArn=f"{EX}loop:a")["events"]
    assert [e["type"] for e in events][-1] == "ExecutionFailed"
    assert len(events) == 6


def test_a_standard_execution_times_out_after_one_year() -> None:
    """The event as AWS records an execution's timeout (measured on AWS for a machine's
    TimeoutSeconds, floci-io/floci#2733 and #2965): ``ExecutionTimedOut`` with
    ``{"error": "States.Timeout"}`` and no cause, previousEventId 0; DescribeExecution then
    has neither error nor cause."""
    ex = aslrun.load(WAIT_DAY_LOOP).run({"done": False}, clock=_clock())
    assert ex.status == "TIMED_OUT"
    assert ex.stop_date == datetime(2027, 1, 1, tzinfo=timezone.utc)  # 365 days
    assert ex.history[-1] == {
        "timestamp": datetime(2027, 1, 1, tzinfo=timezone.utc),
        "type": "ExecutionTimedOut",
        "id": len(ex.history),
        "previousEventId": 0,
        "executionTimedOutEventDetails": {"error": "States.Timeout"},
    }
    assert (ex.error, ex.cause) == (None, None)


def test_a_three_year_wait_ends_at_the_one_year_deadline() -> None:
    ten_years = {
        "StartAt": "W",
        "States": {"W": {"Type": "Wait", "Seconds": 99999999, "End": True}},
    }
    ex = aslrun.load(ten_years).run({}, clock=_clock())
    assert ex.status == "TIMED_OUT"
    assert [e["type"] for e in ex.history] == [
        "ExecutionStarted",
        "WaitStateEntered",
        "ExecutionTimedOut",
    ]
    assert ex.stop_date == datetime(2027, 1, 1, tzinfo=timezone.utc)


QUEUE = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
TOKEN_WAIT = {
    "StartAt": "Approve",
    "States": {
        "Approve": {
            "Type": "Task",
            "Resource": QUEUE,
            "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
            "End": True,
        }
    },
}


def test_an_execution_waiting_for_a_token_times_out_at_one_year() -> None:
    """AWS's quota (maximum execution time of a Standard workflow: one year) holds for an
    execution that waits for nothing scheduled too: a callback that never comes.  run()
    leaves it RUNNING (nothing is scheduled to happen); moving the clock past the year
    times it out at the year, as AWS records an execution's timeout."""
    sfn = service(handlers={QUEUE: lambda event: {"MessageId": "m-1"}})
    arn = machine(sfn, TOKEN_WAIT)
    started = sfn.start_execution(stateMachineArn=arn, name="wait")
    sfn.run()
    assert sfn.describe_execution(executionArn=started["executionArn"])["status"] == "RUNNING"
    assert sfn.next_due() is None
    sfn.advance(400 * 86400)
    described = sfn.describe_execution(executionArn=started["executionArn"])
    assert described["status"] == "TIMED_OUT"
    assert described["stopDate"] == datetime(2027, 1, 1, tzinfo=timezone.utc)  # 365 days
    assert "error" not in described and "cause" not in described
    last = sfn.get_execution_history(executionArn=started["executionArn"])["events"][-1]
    assert last == {
        "timestamp": datetime(2027, 1, 1, tzinfo=timezone.utc),
        "type": "ExecutionTimedOut",
        "id": last["id"],
        "previousEventId": 0,
        "executionTimedOutEventDetails": {"error": "States.Timeout"},
    }


def test_an_execution_that_ends_exactly_at_one_year_is_in_time() -> None:
    """The year is the longest an execution may run: one that ends at that very instant (a
    Wait until it, a callback then) succeeds, as a Task's TimeoutSeconds lets an answer at
    the deadline in (states-language.net: a task fails when it "runs longer than" it)."""
    sfn = service(handlers={QUEUE: lambda event: {"MessageId": "m-1"}})
    arn = machine(sfn, TOKEN_WAIT)
    started = sfn.start_execution(stateMachineArn=arn, name="wait")
    sfn.run()
    events = sfn.get_execution_history(executionArn=started["executionArn"])["events"]
    scheduled = next(e for e in events if e["type"] == "TaskScheduled")
    body = json.loads(scheduled["taskScheduledEventDetails"]["parameters"])["MessageBody"]
    sfn.at(
        datetime(2027, 1, 1, tzinfo=timezone.utc),
        lambda: sfn.send_task_success(taskToken=body["token"], output='{"ok": true}'),
    )
    sfn.run()
    described = sfn.describe_execution(executionArn=started["executionArn"])
    assert (described["status"], described["output"]) == ("SUCCEEDED", '{"ok":true}')
    assert described["stopDate"] == datetime(2027, 1, 1, tzinfo=timezone.utc)


def test_an_express_execution_times_out_after_five_minutes() -> None:
    ten_minutes = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "End": True}}}
    ex = aslrun.load(ten_minutes, type="EXPRESS").run({}, clock=_clock())
    assert ex.status == "TIMED_OUT"
    assert ex.stop_date == datetime(2026, 1, 1, 0, 5, tzinfo=timezone.utc)
    assert [(e["type"], e["timestamp"]) for e in ex.history] == [
        ("ExecutionStarted", START),
        ("WaitStateEntered", START),
        ("ExecutionTimedOut", datetime(2026, 1, 1, 0, 5, tzinfo=timezone.utc)),
    ]
    assert ex.history[-1]["executionTimedOutEventDetails"] == {"error": "States.Timeout"}


def test_a_handler_that_sleeps_past_the_deadline_is_timed_out_there() -> None:
    def slow(event: Any, context: Any) -> Any:
        context.sleep(3600)
        return {}

    task = {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:slow",
                "End": True,
            }
        },
    }
    ex = aslrun.load(task, type="EXPRESS").run({}, clock=_clock(), handlers={"slow": slow})
    assert ex.status == "TIMED_OUT"
    assert ex.stop_date == datetime(2026, 1, 1, 0, 5, tzinfo=timezone.utc)
