"""The runner of each state type: ``RUNNERS[state.type](state, frame, data)``.

Each runner is a generator returning ``(next_state, output)`` (``next_state`` None when the
machine ends).  Runners yield only when time must pass or when they wait for child processes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from aslrun._json import JSON
from aslrun.runtime.frame import Frame
from aslrun.runtime.process import StateGen
from aslrun.runtime.states.basic import run_choice, run_fail, run_pass, run_succeed
from aslrun.runtime.states.map import run_map
from aslrun.runtime.states.parallel import run_parallel
from aslrun.runtime.states.task import run_task
from aslrun.runtime.states.wait import run_wait

__all__ = ["RUNNERS"]

RUNNERS: Final[Mapping[str, Callable[[Any, Frame, JSON], StateGen]]] = {
    "Pass": run_pass,
    "Task": run_task,
    "Choice": run_choice,
    "Wait": run_wait,
    "Succeed": run_succeed,
    "Fail": run_fail,
    "Parallel": run_parallel,
    "Map": run_map,
}
