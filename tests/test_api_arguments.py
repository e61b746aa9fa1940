"""Wrong arguments to ``StateMachine.run``/``start`` are refused with a message that says what
is accepted, before anything runs (issue 10, "Small things a user hit")."""

from __future__ import annotations

import sys
from typing import Any

import pytest

import aslrun
from aslrun.handlers.registry import MissingDependencyError

DEFINITION = {
    "StartAt": "T",
    "States": {
        "T": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:F",
            "End": True,
        }
    },
}


def f(event: Any) -> Any:
    return event


@pytest.mark.parametrize(
    ("handlers", "kind"),
    [([f], "list"), ((f,), "tuple"), (f, "function"), ("F", "str"), ({f}, "set")],
)
def test_handlers_of_the_wrong_type_say_what_is_accepted(handlers: Any, kind: str) -> None:
    sm = aslrun.load(DEFINITION)
    with pytest.raises(TypeError) as raised:
        sm.run({}, handlers=handlers)
    assert str(raised.value) == (
        "handlers must be a mapping of keys (a Resource, a Lambda function name, a state name "
        "or a glob pattern) to callables, e.g. {'StartRecorder': start_recorder}, or an "
        f"aslrun.ResourceRegistry; got {kind}"
    )


def test_a_handler_key_that_is_not_a_string_is_named() -> None:
    sm = aslrun.load(DEFINITION)
    with pytest.raises(TypeError, match=r"^handler keys must be strings, not int \(1\)$"):
        sm.run({}, handlers={1: f})


def test_a_handler_that_is_not_callable_is_named() -> None:
    sm = aslrun.load(DEFINITION)
    with pytest.raises(TypeError, match=r"^the handler registered for 'F' is not callable$"):
        sm.run({}, handlers={"F": "f"})


def test_a_mapping_and_a_registry_are_accepted() -> None:
    sm = aslrun.load(DEFINITION)
    assert sm.run({"a": 1}, handlers={"F": f}).output == {"a": 1}
    assert sm.run({"a": 2}, handlers=aslrun.ResourceRegistry({"F": f})).output == {"a": 2}


def test_freeze_time_without_freezegun_fails_before_anything_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "freezegun", None)  # `import freezegun` now fails
    calls: list[Any] = []
    clock = aslrun.VirtualClock(start="2026-12-01T09:00:00Z")
    before = clock.now()
    sm = aslrun.load(DEFINITION)
    with pytest.raises(MissingDependencyError) as raised:
        sm.run({}, handlers={"F": calls.append}, clock=clock, freeze_time=True)
    assert str(raised.value) == (
        "freeze_time needs freezegun, which is not installed: "
        "install aslrun[freezegun] (pip install 'aslrun[freezegun]')"
    )
    assert isinstance(raised.value, ImportError)
    assert isinstance(raised.value, aslrun.AslrunError)
    assert (calls, clock.now()) == ([], before)
    with pytest.raises(MissingDependencyError):
        sm.start({}, handlers={"F": calls.append}, clock=clock, freeze_time=True)
    assert not clock.step()  # start() scheduled nothing
