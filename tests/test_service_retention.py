"""History retention (``StepFunctions(history=...)``) and the collector settings while the
service runs its clock."""

from __future__ import annotations

import gc

import pytest

from aslrun.service.errors import ExecutionAlreadyExists, ExecutionDoesNotExist
from aslrun.service.errors import ValidationException as SfnValidationException
from aslrun.service.gc_policy import YOUNG_THRESHOLD, collecting_less
from service_helpers import EX, at, machine, service


def test_summary_keeps_the_description_and_drops_the_events() -> None:
    sfn = service(history="summary")
    arn = machine(sfn, name="m")
    sfn.start_execution(stateMachineArn=arn, name="a", input='{"n": 1}')
    sfn.advance(30)  # running: its events are there
    running = sfn.get_execution_history(executionArn=f"{EX}m:a")["events"]
    assert [e["type"] for e in running] == ["ExecutionStarted", "WaitStateEntered"]
    sfn.run()
    described = sfn.describe_execution(executionArn=f"{EX}m:a")
    assert (described["status"], described["output"], described["stopDate"]) == (
        "SUCCEEDED",
        '{"n":1}',
        at(60),
    )
    assert [e["name"] for e in sfn.list_executions(stateMachineArn=arn)["executions"]] == ["a"]
    with pytest.raises(SfnValidationException) as raised:
        sfn.get_execution_history(executionArn=f"{EX}m:a")
    assert raised.value.message == (
        f"The history of '{EX}m:a' was not kept: the service keeps history='summary' "
        "(see StepFunctions(history=...))"
    )
    execution = sfn.execution(f"{EX}m:a")
    assert execution.history == []
    assert len(execution.events) == 6  # counted, not kept


def test_none_forgets_an_ended_execution_but_keeps_its_name_taken() -> None:
    sfn = service(history="none")
    arn = machine(sfn, name="m")
    sfn.start_execution(stateMachineArn=arn, name="a")
    held = sfn.execution(f"{EX}m:a")
    sfn.advance(30)
    assert sfn.describe_execution(executionArn=f"{EX}m:a")["status"] == "RUNNING"
    assert [e["name"] for e in sfn.list_executions(stateMachineArn=arn)["executions"]] == ["a"]
    sfn.run()
    with pytest.raises(ExecutionDoesNotExist):
        sfn.describe_execution(executionArn=f"{EX}m:a")
    assert sfn.list_executions(stateMachineArn=arn)["executions"] == []
    with pytest.raises(ExecutionAlreadyExists) as raised:
        sfn.start_execution(stateMachineArn=arn, name="a")
    assert raised.value.message == f"Execution Already Exists: '{EX}m:a'"
    assert (held.status, held.stop_date) == ("SUCCEEDED", at(60))  # the caller's object


def test_none_lists_only_running_executions_across_many() -> None:
    sfn = service(history="none")
    arn = machine(sfn, name="m")
    for i in range(3000):  # enough ended records for the machine's list to be compacted
        sfn.start_execution(stateMachineArn=arn, name=f"e{i}")
    sfn.run()
    sfn.start_execution(stateMachineArn=arn, name="last")
    listed = sfn.list_executions(stateMachineArn=arn)
    assert [e["name"] for e in listed["executions"]] == ["last"]
    assert "nextToken" not in listed


def test_every_event_reaches_subscribers_whatever_is_kept() -> None:
    sfn = service(history="none")
    arn = machine(sfn, name="m")
    seen: list[str] = []
    sfn.on_event(lambda execution, event: seen.append(event["type"]))
    sfn.start_execution(stateMachineArn=arn, name="a")
    sfn.run()
    assert seen == [
        "ExecutionStarted",
        "WaitStateEntered",
        "WaitStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]


def test_collecting_less_restores_the_collector() -> None:
    before = gc.get_threshold()
    callbacks = list(gc.callbacks)
    with collecting_less():
        assert gc.get_threshold()[0] == max(before[0], YOUNG_THRESHOLD)
        with collecting_less():  # re-entrant
            pass
        assert gc.get_threshold()[0] == max(before[0], YOUNG_THRESHOLD)
        gc.collect()  # a full collection freezes the survivors
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.callbacks == callbacks
    assert gc.get_freeze_count() == 0
