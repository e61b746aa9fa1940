"""The compiled "value, path or expression" field (aslrun.lang.dynamic.Dynamic).

Runtime failure texts of each form are pinned by test_wait.py, test_tasks.py, test_map.py and
test_jsonata_engine.py (recorded AWS executions); these tests pin what is decided at load.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import pytest

import aslrun
from aslrun.definition.model import MapState, TaskState, WaitState
from aslrun.lang.dynamic import Dynamic

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:work"


def state(body: dict[str, object]) -> object:
    sm = aslrun.load({"StartAt": "S", "States": {"S": {**body, "End": True}}})
    return sm.machine.states["S"]


def test_written_timestamp_is_parsed_once_at_load() -> None:
    wait = state({"Type": "Wait", "Timestamp": "2016-03-14T01:59:00+01:00"})
    assert isinstance(wait, WaitState)
    assert wait.wait == Dynamic(
        "Timestamp",
        "instant",
        value=datetime(2016, 3, 14, 0, 59, tzinfo=timezone.utc).timestamp(),
    )


def test_each_form_is_one_field() -> None:
    wait = state({"Type": "Wait", "SecondsPath": "$.delay"})
    assert isinstance(wait, WaitState) and wait.wait is not None
    assert (wait.wait.field, wait.wait.kind, wait.wait.value) == ("Seconds", "delay", None)
    assert wait.wait.path is not None and wait.wait.path.text == "$.delay"
    task = state({"Type": "Task", "Resource": LAMBDA, "TimeoutSeconds": 30})
    assert isinstance(task, TaskState)
    assert task.timeout == Dynamic("TimeoutSeconds", "positive", value=30.0)
    assert task.heartbeat is None


def test_jsonata_expression_form() -> None:
    body = {
        "Type": "Map",
        "QueryLanguage": "JSONata",
        "MaxConcurrency": "{% $states.input.n %}",
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
    }
    mapped = state(body)
    assert isinstance(mapped, MapState) and mapped.max_concurrency is not None
    assert mapped.max_concurrency.expression is not None
    assert (mapped.max_concurrency.path, mapped.max_concurrency.value) == (None, None)


def test_dynamic_is_frozen() -> None:
    field = Dynamic("Seconds", "delay", value=3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        field.value = 4  # type: ignore[misc]
