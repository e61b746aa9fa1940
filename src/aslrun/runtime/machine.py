"""The loop that runs a (sub-)machine: state after state, each by its runner."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from aslrun._json import JSON
from aslrun.runtime.frame import Frame
from aslrun.runtime.process import Effect


def run_machine(frame: Frame, data: JSON) -> Generator[Effect, Any, JSON]:
    """Run a (sub-)machine from StartAt to its end; return its output."""
    machine = frame.machine
    states = machine.states
    runners = frame.rt.runners
    name: str | None = machine.start_at
    while name is not None:
        state = states[name]
        name, data = yield from runners[state.type](state, frame, data)
    return data
