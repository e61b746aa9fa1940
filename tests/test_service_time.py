"""The service's clock: advance, run_until (three time forms), run, step, next_due, at, after;
and which states an execution is in (``current_states``)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from aslrun.service import TimeArgumentError
from service_helpers import EX, START, WAIT_60, at, machine, service

PARALLEL = {
    "StartAt": "Par",
    "States": {
        "Par": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": 10, "End": True}}},
                {"StartAt": "B", "States": {"B": {"Type": "Wait", "Seconds": 20, "End": True}}},
            ],
            "Next": "After",
        },
        "After": {"Type": "Wait", "Seconds": 5, "End": True},
    },
}


def test_advance_takes_seconds_or_a_timedelta() -> None:
    sfn = service()
    assert sfn.now() == START
    assert sfn.advance(90) == at(90)
    assert sfn.advance(timedelta(minutes=1)) == at(150)
    assert sfn.advance(0.5) == at(150.5)


@pytest.mark.parametrize(
    "when",
    [
        datetime(2026, 1, 1, 0, 2, tzinfo=timezone.utc),
        datetime(2026, 1, 1, 0, 2),  # naive: UTC
        "2026-01-01T00:02:00Z",
        "2026-01-01T01:02:00+01:00",
        START.timestamp() + 120,
        int(START.timestamp()) + 120,
    ],
)
def test_run_until_takes_a_datetime_an_iso_string_or_epoch_seconds(when: Any) -> None:
    sfn = service()
    arn = machine(sfn)
    sfn.start_execution(stateMachineArn=arn, name="x")
    assert sfn.run_until(when) == at(120)
    assert sfn.describe_execution(executionArn=EX + "m:x")["stopDate"] == at(60)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: s.run_until("next tuesday"), "is not an ISO 8601 time"),
        (lambda s: s.run_until([1]), "got list"),
        (lambda s: s.run_until(float("nan")), "not a finite number"),
        (lambda s: s.run_until("2025-01-01T00:00:00Z"), "time does not run backwards"),
        (lambda s: s.advance("10"), "got str"),
        (lambda s: s.advance(-1), "non-negative"),
        (lambda s: s.after(True, lambda: None), "got bool"),
        (lambda s: s.at(None, lambda: None), "got NoneType"),
    ],
)
def test_bad_time_arguments_are_clear_errors(call: Any, message: str) -> None:
    sfn = service()
    with pytest.raises(TimeArgumentError, match=message):
        call(sfn)
    assert isinstance(TimeArgumentError("x"), ValueError)


def test_step_and_next_due() -> None:
    sfn = service()
    assert sfn.next_due() is None
    assert sfn.step() is False
    arn = machine(sfn)
    sfn.start_execution(stateMachineArn=arn, name="x")
    assert sfn.next_due() == START  # the execution's first turn
    assert sfn.step() is True
    assert sfn.next_due() == at(60)  # the Wait's end
    assert sfn.step() is True
    assert sfn.now() == at(60)
    assert sfn.next_due() is None
    assert sfn.describe_execution(executionArn=EX + "m:x")["status"] == "SUCCEEDED"


def test_at_and_after_schedule_actions_on_the_simulated_clock() -> None:
    sfn = service()
    arn = machine(sfn)
    calls: list[tuple[str, datetime]] = []
    sfn.at("2026-01-01T00:00:30Z", lambda: calls.append(("at", sfn.now())))
    sfn.after(timedelta(seconds=45), lambda: calls.append(("after", sfn.now())))
    cancelled = sfn.after(50, lambda: calls.append(("never", sfn.now())))
    cancelled.cancel()
    # Cancel a class at 00:00:40: stop the execution started at 00:00:10.
    sfn.after(10, lambda: sfn.start_execution(stateMachineArn=arn, name="class"))
    sfn.at(START + timedelta(seconds=40), lambda: sfn.stop_execution(executionArn=EX + "m:class"))
    sfn.run()
    assert calls == [("at", at(30)), ("after", at(45))]
    described = sfn.describe_execution(executionArn=EX + "m:class")
    assert (described["status"], described["startDate"], described["stopDate"]) == (
        "ABORTED",
        at(10),
        at(40),
    )
    assert sfn.now() == at(45)


def test_run_leaves_nothing_scheduled() -> None:
    sfn = service()
    arn = machine(sfn)
    for i in range(3):
        sfn.after(i * 100, lambda i=i: sfn.start_execution(stateMachineArn=arn, name=f"e{i}"))
    assert sfn.run() == at(260)
    assert sfn.next_due() is None
    statuses = sfn.list_executions(stateMachineArn=arn, statusFilter="SUCCEEDED")
    assert len(statuses["executions"]) == 3


def test_current_states_with_since_when() -> None:
    sfn = service()
    arn = machine(sfn, PARALLEL, name="par")
    ex = sfn.start_execution(stateMachineArn=arn, name="x")["executionArn"]
    assert sfn.current_states(ex) == []  # not yet run its first turn
    sfn.advance(1)
    now = [(s.name, s.type, s.since) for s in sfn.current_states(ex)]
    assert now == [("Par", "Parallel", at(0)), ("A", "Wait", at(0)), ("B", "Wait", at(0))]
    sfn.run_until(at(15))
    now = [(s.name, s.type, s.since) for s in sfn.current_states(ex)]
    assert now == [("Par", "Parallel", at(0)), ("B", "Wait", at(0))]
    sfn.run_until(at(22))
    now = [(s.name, s.type, s.since) for s in sfn.current_states(ex)]
    assert now == [("After", "Wait", at(20))]
    sfn.run()
    assert sfn.current_states(ex) == []


def test_execution_returns_the_execution_object() -> None:
    sfn = service()
    arn = machine(sfn)
    ex = sfn.start_execution(stateMachineArn=arn, name="x", input='{"n": 1}')["executionArn"]
    execution = sfn.execution(ex)
    assert execution is sfn.execution(ex)
    sfn.run()
    assert (execution.status, execution.output) == ("SUCCEEDED", {"n": 1})
    assert [e["type"] for e in execution.history][-1] == "ExecutionSucceeded"
    assert execution.history == sfn.get_execution_history(executionArn=ex)["events"]


def test_the_service_options_are_checked() -> None:
    with pytest.raises(Exception, match="enum value set: \\[full, summary, none\\]"):
        service(history="all")
    with pytest.raises(ValueError, match="max_events"):
        service(max_events=1)
    assert "0 state machines" in repr(service())


def test_many_executions_share_one_clock() -> None:
    sfn = service()
    arn = machine(sfn, WAIT_60)
    for i in range(200):
        sfn.after(i, lambda i=i: sfn.start_execution(stateMachineArn=arn, name=f"e{i}"))
    sfn.run()
    assert sfn.now() == at(199 + 60)
    stops = [sfn.describe_execution(executionArn=f"{EX}m:e{i}")["stopDate"] for i in (0, 100, 199)]
    assert stops == [at(60), at(160), at(259)]


@pytest.mark.parametrize(
    "until", ["2026-01-01T00:01:00Z", datetime(2026, 1, 1, 0, 1), START.timestamp() + 60]
)
def test_virtual_clock_run_takes_the_same_three_forms(until: Any) -> None:
    from aslrun.runtime.clock import VirtualClock

    clock = VirtualClock(START)
    fired: list[float] = []
    clock.schedule(START.timestamp() + 30, lambda: fired.append(clock.now()))
    clock.run(until=until)
    assert (fired, clock.now()) == ([START.timestamp() + 30], START.timestamp() + 60)
    clock.advance(timedelta(seconds=15))
    assert clock.now() == START.timestamp() + 75
    with pytest.raises(ValueError, match="expected a datetime"):
        clock.run(until=[1])  # type: ignore[arg-type]


MAP_CATCH = {
    "StartAt": "M",
    "States": {
        "M": {
            "Type": "Map",
            "ItemProcessor": {
                "StartAt": "Choose",
                "States": {
                    "Choose": {
                        "Type": "Choice",
                        "Choices": [{"Variable": "$", "NumericEquals": 0, "Next": "Boom"}],
                        "Default": "Nap",
                    },
                    "Boom": {"Type": "Fail", "Error": "E"},
                    "Nap": {"Type": "Wait", "SecondsPath": "$", "End": True},
                },
            },
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Recover"}],
            "Next": "Recover",
        },
        "Recover": {"Type": "Wait", "Seconds": 7, "End": True},
    },
}


def test_current_states_of_map_iterations_and_a_caught_failure() -> None:
    sfn = service()
    arn = machine(sfn, MAP_CATCH, name="map")
    ex = sfn.start_execution(stateMachineArn=arn, name="x", input="[30, 10, 0]")["executionArn"]
    execution = sfn.execution(ex)
    sfn.run_until(at(5))
    # Iteration 3 failed at once; the Map stopped its siblings and Catch went to Recover.
    assert [(s.name, s.since) for s in execution.current_states] == [("Recover", at(0))]
    sfn.run()
    assert (execution.status, execution.current_states) == ("SUCCEEDED", [])
    assert sfn.now() == at(7)


def test_current_states_while_iterations_wait() -> None:
    sfn = service()
    arn = machine(sfn, MAP_CATCH, name="map")
    ex = sfn.start_execution(stateMachineArn=arn, name="x", input="[30, 10]")["executionArn"]
    sfn.run_until(at(20))
    running = sfn.execution(ex).current_states
    assert [(s.name, s.type, s.since) for s in running] == [
        ("M", "Map", at(0)),
        ("Nap", "Wait", at(0)),
    ]
    assert running[1].entered_event_id > running[0].entered_event_id


def test_the_same_seed_gives_the_same_arns_and_histories() -> None:
    def simulate(seed: int) -> list[Any]:
        sfn = service(seed=seed)
        arn = machine(sfn, WAIT_60, type="EXPRESS")
        standard = machine(sfn, MAP_CATCH, name="std")
        out: list[Any] = []
        for i in range(3):
            out.append(sfn.start_execution(stateMachineArn=arn)["executionArn"])
            started = sfn.start_execution(stateMachineArn=standard, input="[5, 1]")
            out.append(started["executionArn"])
            sfn.advance(i)
        sfn.run()
        out += [sfn.execution(a).history for a in out]
        return out

    assert simulate(3) == simulate(3)
    assert simulate(3)[:2] != simulate(4)[:2]
