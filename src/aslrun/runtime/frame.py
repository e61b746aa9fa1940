"""What one execution shares (``Runtime``), its threads of control (``Frame``), one entry
into a state (``StateRun``) and the workflow variables those see."""

from __future__ import annotations

import math
import random as _random
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from aslrun._json import JSON, MAX_PAYLOAD_BYTES, dumps
from aslrun.definition.model import Machine, State
from aslrun.errors import StateFailure, StatesError
from aslrun.handlers.registry import ResourceRegistry
from aslrun.lang.templates import Scope
from aslrun.runtime.clock import VirtualClock, format_iso
from aslrun.runtime.history import History, Payload, Shape
from aslrun.runtime.limits import check_state_output, small_bound

if TYPE_CHECKING:
    from aslrun.runtime.execution import ExecutionOptions, Identity
    from aslrun.runtime.invoke import Invoker, TokenTable
    from aslrun.runtime.maprun import MapRunObserver
    from aslrun.runtime.process import StateGen

_RETRYING_TYPES = frozenset({"Task", "Parallel", "Map"})
"""The state types whose ``$$.State`` carries ``RetryCount`` (AWS leaves it out elsewhere)."""

MAX_VARIABLE_BYTES = MAX_PAYLOAD_BYTES
"""AWS's limit for one variable's value and for all the values one Assign sets."""
MAX_EXECUTION_VARIABLE_BYTES = 10 * 1024 * 1024
"""AWS's limit for all of an execution's variables together."""

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
    """Everything one execution shares: clock, history, handlers, identity, randomness.

    ``invoker`` answers the execution's ``Invoke`` effects; ``tokens`` holds its open
    invocations by task token (a service passes one table shared by all its executions).
    ``freeze_time`` and ``aliases`` are this execution's handler options.
    """

    __slots__ = (
        "_context_execution",
        "_random",
        "_seed",
        "account",
        "aliases",
        "children",
        "clock",
        "context_given",
        "deadline",
        "execution_arn",
        "execution_name",
        "freeze_time",
        "history",
        "input",
        "invoker",
        "machine_arn",
        "machine_name",
        "map_runs",
        "on_deadline",
        "redrive_count",
        "region",
        "registry",
        "role_arn",
        "runners",
        "start_time",
        "tokens",
        "variable_bytes",
        "variable_sizes",
    )

    def __init__(
        self,
        clock: VirtualClock,
        registry: ResourceRegistry,
        invoker: Invoker,
        tokens: TokenTable,
        history: History,
        identity: Identity,
        options: ExecutionOptions,
        start_time: float,
        input: JSON,
        runners: Mapping[str, Callable[[Any, Frame, JSON], StateGen]],
        /,
    ) -> None:
        # (Positional: one is made per execution, and binding twenty keywords cost more
        # than the rest of this method.)
        self.clock = clock
        self.runners = runners  # the state runners table (injected: it imports this module)
        self.registry = registry
        self.invoker = invoker
        self.tokens = tokens
        self.freeze_time = options.freeze_time
        self.aliases: Mapping[str, str] = options.aliases or {}
        self.history = history
        self._seed = options.seed
        self._random: _random.Random | None = None
        self.execution_arn = identity.arn
        self.execution_name = identity.name
        self.machine_arn = identity.machine_arn
        self.machine_name = identity.machine_name
        self.role_arn = identity.role_arn
        self.region = identity.region
        self.account = identity.account
        self.start_time = start_time
        self.input = input
        self.redrive_count = not options.sync  # StartSyncExecution: no Execution.RedriveCount
        self._context_execution: dict[str, JSON] | None = None
        # TestState's ``context``: its fields stand for the engine's in every Context object.
        self.context_given: Mapping[str, JSON] | None = options.context
        self.children: list[History] = []
        # AWS's maximum duration (a year; Express: five minutes): a wait that would end after
        # ``deadline`` ends there instead, calling ``on_deadline`` (the execution times out).
        self.deadline = math.inf
        self.on_deadline: Callable[[], None] | None = None
        # a service's view of Distributed Maps
        self.map_runs: MapRunObserver | None = options.map_runs
        self.variable_bytes = 0  # the size of every variable's current value, all scopes
        self.variable_sizes: dict[tuple[int, str], int] = {}

    @property
    def context_execution(self) -> dict[str, JSON]:
        """``$$.Execution`` (made on first use: most executions never read it)."""
        ctx = self._context_execution
        if ctx is None:
            ctx = self._context_execution = {
                "Id": self.execution_arn,
                "Input": self.input,
                "StartTime": format_iso(self.start_time),
                "Name": self.execution_name,
                "RoleArn": self.role_arn,
            }
            if self.redrive_count:
                ctx["RedriveCount"] = 0
        return ctx

    @property
    def context_machine(self) -> dict[str, JSON]:
        """``$$.StateMachine``."""
        return {"Id": self.machine_arn, "Name": self.machine_name}

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
        for name in Runtime.__slots__:
            setattr(child, name, getattr(self, name))
        child.history = History(self.history.limit)
        child.children = []
        self.children.append(child.history)
        return child


class Frame:
    """A thread of control: the top level, one Parallel branch or one Map iteration."""

    __slots__ = ("aborting", "bound", "last", "machine", "map_item", "rt", "variables", "vouched")

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
        # At most how many bytes the data the frame's last state put out takes (-1: not
        # known); and a value a state built from outputs already measured (``vouch``).
        self.bound = -1
        self.vouched: JSON = None

    def event(self, type: str, details: dict[str, Any] | None = None) -> int:
        rt = self.rt
        event_id = rt.history.add(rt.clock.now(), type, self.last, details)
        self.last = event_id
        return event_id

    def record(self, shape: Shape, value: Any) -> int:
        """Record an event of ``shape`` (``history.shape``) whose varying field is ``value``."""
        rt = self.rt
        event_id = self.last = rt.history.shaped(rt.clock.now(), self.last, shape, value)
        return event_id

    def enter(self, state: State, data: JSON) -> StateRun:
        rt = self.rt
        now = rt.clock.now()
        event_id = rt.history.state_entered(now, state.type, self.last, state.name, data)
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

    def vouch(self, value: JSON, bound: int) -> None:
        """``value`` (a Map's or Parallel's list of outputs) is known to take at most
        ``bound`` bytes and to nest within the limit: its state's exit need not walk it."""
        self.vouched = value
        self.bound = bound

    def exit(self, run: StateRun, output: JSON, assigned: dict[str, JSON] | None) -> None:
        # A value the state built: AWS's size limit, our depth (a small one at a glance).
        # The state's own input, or a value vouched for, was measured before.
        if output is not self.vouched and output is not run.input:
            bound = self.bound = small_bound(output)
            if not 0 <= bound <= MAX_PAYLOAD_BYTES:
                check_state_output(run.state.name, output, bound)
                self.bound = -1
        self.vouched = None
        state = run.state
        if not assigned:  # the common case: a compact event, no details dict
            rt = self.rt
            self.last = rt.history.state_exited(
                rt.clock.now(), state.type, self.last, state.name, output
            )
            return
        texts = self._check_assign(assigned)
        self.variables.local.update(assigned)
        details: dict[str, Any] = {"name": state.name, "output": Payload(output)}
        details["assignedVariables"] = texts
        details["assignedVariablesDetails"] = {"truncated": False}
        self.event(f"{state.type}StateExited", details)

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
        self,
        frame: Frame,
        state: State,
        entered: float,
        entered_id: int,
        data: JSON,
        retry_count: int = 0,
        task_token: str | None = None,
        map_item: dict[str, JSON] | None = None,
    ) -> None:
        self.frame = frame
        self.state = state
        self.entered = entered
        self.entered_id = entered_id
        self.input = data
        self.retry_count = retry_count
        self.task_token = task_token
        self.map_item = map_item
        self._context: dict[str, JSON] | None = None

    def attempt(self, retry_count: int) -> StateRun:
        """The same entry, as its attempt number ``retry_count`` (``$$.State.RetryCount``)."""
        return StateRun(
            self.frame, self.state, self.entered, self.entered_id, self.input, retry_count
        )

    def with_token(self, token: str) -> StateRun:
        """This attempt with a task token at ``$$.Task.Token``."""
        return StateRun(
            self.frame,
            self.state,
            self.entered,
            self.entered_id,
            self.input,
            self.retry_count,
            token,
        )

    def for_item(self, index: int, value: JSON) -> StateRun:
        """This attempt as an ItemSelector sees it: ``$$.Map.Item`` is ``index``/``value``."""
        return StateRun(
            self.frame,
            self.state,
            self.entered,
            self.entered_id,
            self.input,
            self.retry_count,
            self.task_token,
            {"Index": index, "Value": value},
        )

    @property
    def variables(self) -> Variables:
        return self.frame.variables

    @property
    def random(self) -> _random.Random:
        return self.frame.rt.random

    def context(self) -> JSON:
        ctx = self._context
        if ctx is None:
            rt = self.frame.rt
            entered: dict[str, JSON] = {
                "EnteredTime": format_iso(self.entered),
                "Name": self.state.name,
            }
            ctx = {
                "Execution": rt.context_execution,
                "StateMachine": rt.context_machine,
                "State": entered,
            }
            if self.state.type in _RETRYING_TYPES:
                entered["RetryCount"] = self.retry_count
            if self.task_token is not None:
                ctx["Task"] = {"Token": self.task_token}
            if self.map_item is not None:
                ctx["Map"] = {"Item": self.map_item}
            if rt.context_given:
                ctx = overlay_context(ctx, rt.context_given)
            self._context = ctx
        return ctx

    def jsonata(self) -> Any:
        """Bindings for a JSONata expression that sees only ``$states.input``/``context``."""
        return self.jsonata_bindings(Scope(self.input, self))

    def jsonata_bindings(self, scope: Scope) -> Any:
        from aslrun.lang import jsonata  # noqa: PLC0415  (jsonata-python loads on first use)

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


def overlay_context(ctx: dict[str, JSON], given: Mapping[str, JSON]) -> dict[str, JSON]:
    """``ctx`` with ``given``'s fields in place of its own: an object's fields one by one
    (``{"State": {"RetryCount": 2}}`` keeps ``State.Name``), any other value whole."""
    out = dict(ctx)
    for key, value in given.items():
        mine = out.get(key)
        if isinstance(value, dict) and isinstance(mine, dict):
            out[key] = {**mine, **value}
        else:
            out[key] = value
    return out
