"""The execution runtime: processes on the one scheduler, frames, state entry and exit.

An execution is a generator process (``Proc``) driven by the clock's scheduler.  A process
runs states back to back without yielding; it yields an effect only when time must pass
(``Sleep``) or when it waits for child processes (``Join``: Parallel branches, Map items).
"""

from __future__ import annotations

import random as _random
from collections.abc import Callable, Generator, Iterator, Mapping
from typing import Any

from aslrun._json import JSON, MAX_PAYLOAD_BYTES, dumps
from aslrun.clock import Timer, VirtualClock, format_iso
from aslrun.dataflow import Scope
from aslrun.errors import StateFailure, StatesError
from aslrun.history import History, Payload
from aslrun.model import Machine, State
from aslrun.resources import ResourceRegistry

__all__ = ["Frame", "Join", "Proc", "Runtime", "Sleep", "StateRun", "Variables"]

_RETRYING_TYPES = frozenset({"Task", "Parallel", "Map"})
"""The state types whose ``$$.State`` carries ``RetryCount`` (AWS leaves it out elsewhere)."""

MAX_VARIABLE_BYTES = MAX_PAYLOAD_BYTES
"""AWS's limit for one variable's value and for all the values one Assign sets."""
MAX_EXECUTION_VARIABLE_BYTES = 10 * 1024 * 1024
"""AWS's limit for all of an execution's variables together."""

Effect = Any
StateGen = Generator[Effect, Any, tuple[str | None, JSON]]


# ----------------------------------------------------------------------------------------------
# Processes and effects


class Sleep:
    """Resume the process when the clock reaches ``until``."""

    __slots__ = ("until",)

    def __init__(self, until: float) -> None:
        self.until = until

    def arm(self, proc: Proc) -> None:
        proc.timer = proc.clock.schedule(self.until, proc.resume)


class Join:
    """Run child processes (at most ``limit`` at once; 0 = all) and resume with their outcomes.

    ``on_done(index, value, error)`` is told of each child as it ends; returning True stops the
    join early (the remaining children are cancelled and never started).  The parent resumes
    with the list of ``(value, error)`` pairs in child order (None for children never run).
    """

    __slots__ = (
        "_next",
        "_running",
        "_stopped",
        "factories",
        "limit",
        "on_done",
        "outcomes",
        "parent",
    )

    def __init__(
        self,
        factories: list[Callable[[], Proc]],
        limit: int,
        on_done: Callable[[int, JSON, StatesError | None], bool],
    ) -> None:
        self.factories = factories
        self.limit = limit if limit > 0 else len(factories)
        self.on_done = on_done
        self.outcomes: list[tuple[JSON, StatesError | None] | None] = [None] * len(factories)
        self._next = 0
        self._running: dict[int, Proc] = {}
        self._stopped = False
        self.parent: Proc | None = None

    def arm(self, proc: Proc) -> None:
        self.parent = proc
        proc.join = self
        if not self.factories:
            proc.clock.call_soon(self._resume_parent)
            return
        self._fill()

    def _fill(self) -> None:
        """Start children (each on its own scheduler turn) until the limit is reached."""
        while (
            not self._stopped
            and self._next < len(self.factories)
            and len(self._running) < self.limit
        ):
            index = self._next
            self._next += 1
            child = self.factories[index]()
            self._running[index] = child
            child.on_finish = self._finisher(index)
            child.clock.call_soon(child.start)

    def _finisher(self, index: int) -> Callable[[JSON, StatesError | None], None]:
        return lambda value, error: self._finished(index, value, error)

    def _finished(self, index: int, value: JSON, error: StatesError | None) -> None:
        self._running.pop(index, None)
        self.outcomes[index] = (value, error)
        if self._stopped:
            return
        if self.on_done(index, value, error):
            self.cancel()
            self._resume_parent()
            return
        if self._next < len(self.factories):
            self._fill()
        elif not self._running:
            self._resume_parent()

    def _resume_parent(self) -> None:
        self._stopped = True
        parent = self.parent
        if parent is not None:
            parent.join = None
            parent.resume(self.outcomes)

    def cancel(self, abort: bool = True) -> None:
        """Stop the running children; ``abort``: they record their ``*Aborted`` events (a
        sibling failed), as opposed to the whole execution ending (timeout)."""
        self._stopped = True
        for child in list(self._running.values()):
            child.cancel(abort)
        self._running.clear()


class Proc:
    """A generator process on the scheduler."""

    __slots__ = ("clock", "done", "frame", "gen", "join", "on_finish", "timer")

    def __init__(self, clock: VirtualClock, gen: Generator[Effect, Any, JSON]) -> None:
        self.clock = clock
        self.gen = gen
        self.timer: Timer | None = None
        self.join: Join | None = None
        self.frame: Frame | None = None  # the thread of control it runs, if any
        self.done = False
        self.on_finish: Callable[[JSON, StatesError | None], None] = lambda v, e: None

    def start(self) -> None:
        if not self.done:
            self.resume()

    def resume(self, value: Any = None) -> None:
        self.timer = None
        try:
            effect = self.gen.send(value)
        except StopIteration as stop:
            self._finish(stop.value, None)
            return
        except StatesError as error:
            self._finish(None, error)
            return
        effect.arm(self)

    def _finish(self, value: JSON, error: StatesError | None) -> None:
        self.done = True
        self.on_finish(value, error)

    def cancel(self, abort: bool = False) -> None:
        """Stop the process where it is: its timer and its children are cancelled too.

        ``abort``: the process is stopped because a sibling failed; its frame is marked so
        the state it stands in records AWS's ``*StateAborted`` event.
        """
        if self.done:
            return
        self.done = True
        if abort and self.frame is not None:
            self.frame.aborting = True
        if self.timer is not None:
            self.timer.cancel()
        if self.join is not None:
            self.join.cancel(abort)
        self.gen.close()


# ----------------------------------------------------------------------------------------------
# Variables


class Variables(Mapping[str, JSON]):
    """Workflow variables: a local scope that reads through to its parent scopes."""

    __slots__ = ("local", "parent")

    def __init__(self, parent: Variables | None = None) -> None:
        self.local: dict[str, JSON] = {}
        self.parent = parent

    def __getitem__(self, name: str) -> JSON:
        scope: Variables | None = self
        while scope is not None:
            local = scope.local
            if name in local:
                return local[name]
            scope = scope.parent
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        scope: Variables | None = self
        while scope is not None:
            if name in scope.local:
                return True
            scope = scope.parent
        return False

    def __iter__(self) -> Iterator[str]:
        seen: set[str] = set()
        scope: Variables | None = self
        while scope is not None:
            for k in scope.local:
                if k not in seen:
                    seen.add(k)
                    yield k
            scope = scope.parent

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def flat(self) -> dict[str, JSON]:
        return {k: self[k] for k in self}


# ----------------------------------------------------------------------------------------------
# The runtime of one execution, its frames (threads of control) and state runs


class Runtime:
    """Everything one execution shares: clock, history, handlers, identity, randomness."""

    def __init__(
        self,
        *,
        clock: VirtualClock,
        registry: ResourceRegistry,
        history: History,
        seed: int | None,
        execution_arn: str,
        execution_name: str,
        machine_arn: str,
        machine_name: str,
        region: str,
        account: str,
        role_arn: str,
        start_time: float,
        input: JSON,
    ) -> None:
        self.clock = clock
        self.registry = registry
        self.history = history
        self._seed = seed
        self._random: _random.Random | None = None
        self.execution_arn = execution_arn
        self.region = region
        self.account = account
        self.start_iso = format_iso(start_time)
        self.context_execution: dict[str, JSON] = {
            "Id": execution_arn,
            "Input": input,
            "StartTime": self.start_iso,
            "Name": execution_name,
            "RoleArn": role_arn,
            "RedriveCount": 0,
        }
        self.context_machine: dict[str, JSON] = {"Id": machine_arn, "Name": machine_name}
        self.children: list[History] = []
        self.variable_bytes = 0  # the size of every variable's current value, all scopes
        self.variable_sizes: dict[tuple[int, str], int] = {}

    @property
    def random(self) -> _random.Random:
        """The execution's random source (jitter, UUIDs, $random), made on first use."""
        rng = self._random
        if rng is None:
            rng = self._random = _random.Random(self._seed)
        return rng

    def child_execution(self) -> Runtime:
        """A runtime for a child execution (a Distributed Map iteration): its own history."""
        child = object.__new__(Runtime)
        child.__dict__.update(self.__dict__)
        child.history = History()
        child.children = []
        self.children.append(child.history)
        return child


class Frame:
    """A thread of control: the top level, one Parallel branch or one Map iteration."""

    __slots__ = ("aborting", "last", "machine", "map_item", "rt", "variables")

    def __init__(
        self,
        rt: Runtime,
        machine: Machine,
        variables: Variables,
        last: int,
        map_item: dict[str, JSON] | None = None,
    ) -> None:
        self.rt = rt
        self.machine = machine
        self.variables = variables
        self.aborting = False  # set when a sibling's failure stops this thread
        self.last = last
        self.map_item = map_item

    def event(self, type: str, details: dict[str, Any] | None = None) -> int:
        rt = self.rt
        event_id = rt.history.add(rt.clock.now(), type, self.last, details)
        self.last = event_id
        return event_id

    def enter(self, state: State, data: JSON) -> StateRun:
        rt = self.rt
        now = rt.clock.now()
        event_id = rt.history.add(
            now,
            f"{state.type}StateEntered",
            self.last,
            {"name": state.name, "input": Payload(data)},
        )
        self.last = event_id
        return StateRun(self, state, now, event_id, data)

    def located(self, run: StateRun, failure: StateFailure) -> StatesError:
        """Give a runtime failure AWS's ``An error occurred while executing the state`` prefix."""
        cause = (
            f"An error occurred while executing the state '{run.state.name}' "
            f"(entered at the event id #{run.entered_id}). {failure.cause}"
        )
        if failure.error == "States.QueryEvaluationError":
            self.event(
                "EvaluationFailed",
                {"error": failure.error, "cause": cause, "state": run.state.name},
            )
        return StatesError(failure.error, cause)

    def exit(self, run: StateRun, output: JSON, assigned: dict[str, JSON] | None) -> None:
        details: dict[str, Any] = {"name": run.state.name, "output": Payload(output)}
        if assigned:
            texts = self._check_assign(assigned)
            self.variables.local.update(assigned)
            details["assignedVariables"] = texts
            details["assignedVariablesDetails"] = {"truncated": False}
        self.event(f"{run.state.type}StateExited", details)

    def _check_assign(self, assigned: dict[str, JSON]) -> dict[str, str]:
        """AWS's rules for one Assign: scope and size limits; the values as JSON text."""
        texts = {k: dumps(v) for k, v in assigned.items()}
        parent = self.variables.parent
        total = 0
        for name, text in texts.items():
            if parent is not None and name in parent and name not in self.variables.local:
                raise StateFailure(
                    "States.Runtime",
                    f"The variable '{name}' is defined in an outer scope and cannot be "
                    "assigned inside a Parallel branch or Map iteration.",
                )
            size = len(text.encode("utf-8"))
            total += size
            if size > MAX_VARIABLE_BYTES:
                raise StateFailure(
                    "States.DataLimitExceeded",
                    f"The value assigned to the variable '{name}' exceeds the maximum size "
                    "of 262144 bytes.",
                )
        if total > MAX_VARIABLE_BYTES:
            raise StateFailure(
                "States.DataLimitExceeded",
                "The variables assigned by one state exceed the maximum size of 262144 bytes.",
            )
        rt = self.rt
        sizes = rt.variable_sizes
        scope = id(self.variables)
        for name, text in texts.items():
            size = len(text.encode("utf-8"))
            rt.variable_bytes += size - sizes.get((scope, name), 0)
            sizes[(scope, name)] = size
        if rt.variable_bytes > MAX_EXECUTION_VARIABLE_BYTES:
            raise StateFailure(
                "States.DataLimitExceeded",
                "The variables of the execution exceed the maximum size of 10485760 bytes.",
            )
        return texts


class StateRun:
    """One entry into a state: what templates and the context object see."""

    __slots__ = (
        "_context",
        "entered",
        "entered_id",
        "frame",
        "input",
        "map_item",
        "retry_count",
        "state",
        "task_token",
    )

    def __init__(
        self, frame: Frame, state: State, entered: float, entered_id: int, data: JSON
    ) -> None:
        self.frame = frame
        self.state = state
        self.entered = entered
        self.entered_id = entered_id
        self.input = data
        self.retry_count = 0
        self.task_token: str | None = None
        self.map_item: dict[str, JSON] | None = None
        self._context: dict[str, JSON] | None = None

    @property
    def variables(self) -> Variables:
        return self.frame.variables

    @property
    def random(self) -> _random.Random:
        return self.frame.rt.random

    def context(self) -> JSON:
        ctx = self._context
        if (
            ctx is None
            or ctx["State"].get("RetryCount", 0) != self.retry_count
            or (self.map_item is not None and ctx.get("Map", {}).get("Item") is not self.map_item)
        ):
            rt = self.frame.rt
            ctx = {
                "Execution": rt.context_execution,
                "StateMachine": rt.context_machine,
                "State": {"EnteredTime": format_iso(self.entered), "Name": self.state.name},
            }
            if self.state.type in _RETRYING_TYPES:
                ctx["State"]["RetryCount"] = self.retry_count
            if self.task_token is not None:
                ctx["Task"] = {"Token": self.task_token}
            if self.map_item is not None:
                ctx["Map"] = {"Item": self.map_item}
            self._context = ctx
        return ctx

    def jsonata(self) -> Any:
        """Bindings for a JSONata expression that sees only ``$states.input``/``context``."""
        return self.jsonata_bindings(Scope(self.input, self))

    def jsonata_bindings(self, scope: Scope) -> Any:
        from aslrun import jsonata  # noqa: PLC0415

        states: dict[str, JSON] = {"input": self.input, "context": self.context()}
        if scope.result is not None:
            states["result"] = scope.result[0]
        if scope.error_output is not None:
            states["errorOutput"] = scope.error_output
        return jsonata.Bindings(
            states=states,
            variables=self.frame.variables,
            now_ms=round(self.frame.rt.clock.now() * 1000),
            random=self.frame.rt.random,
        )
