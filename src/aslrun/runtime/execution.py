"""An execution's lifecycle on the scheduler: started, then SUCCEEDED, FAILED, TIMED_OUT or
ABORTED, with the execution-level history events AWS records for each.

``ExecutionCore`` holds the status and drives the transitions; ``aslrun.Execution`` (api.py)
adds the read-only views (dates, JSON texts, DescribeExecution's shape).  ``launch`` wires one
execution into a clock: its runtime, its top-level process and its TimeoutSeconds timer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

from aslrun._json import JSON
from aslrun.definition.model import Machine
from aslrun.errors import StatesError
from aslrun.handlers.invoker import HANDLER_INVOKER
from aslrun.handlers.registry import ResourceRegistry
from aslrun.runtime.clock import Timer, VirtualClock
from aslrun.runtime.frame import Frame, Runtime, Variables
from aslrun.runtime.history import MAX_EVENTS, History, history_limit_cause, shape
from aslrun.runtime.invoke import Invoker, TokenTable
from aslrun.runtime.machine import run_machine
from aslrun.runtime.maprun import MapRunObserver
from aslrun.runtime.process import Proc
from aslrun.runtime.states import RUNNERS

__all__ = [
    "EXPRESS_MAX_SECONDS",
    "STANDARD_MAX_SECONDS",
    "ExecutionCore",
    "ExecutionOptions",
    "Identity",
    "Status",
    "launch",
]

Status = Literal["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]

STANDARD_MAX_SECONDS = 365 * 24 * 3600.0  # AWS: a Standard execution runs at most one year
EXPRESS_MAX_SECONDS = 300.0  # AWS: an Express execution runs at most five minutes

_SUCCEEDED = shape("ExecutionSucceeded", (), "output")
"""ExecutionSucceeded's details: ``{"output": ...}``."""

CLOCK_END = (
    "The execution timed out: its simulated time reached 9999-12-31T23:59:59.999Z, the last "
    "instant aslrun's clock can show."
)


class ExecutionOptions:
    """What one execution adds to a (possibly shared) handler registry and clock.

    ``aliases``: function name -> handler key (a serverless.yml function's key);
    ``freeze_time``: handlers see the simulated time through freezegun;
    ``tokens``: the table of open invocations by task token (a service shares one);
    ``invoker``: what answers the execution's Invoke effects (default: call the handlers);
    ``max_events``: the history quota (AWS: 25,000); ``max_seconds``: the longest it may run
    (AWS: a year for Standard, five minutes for Express; None: a year); ``sync``: started by
    StartSyncExecution (its context object has no ``Execution.RedriveCount``, as AWS recorded).

    (Plain slots, not a frozen dataclass: one is made per execution, and a frozen
    dataclass's __init__ costs several microseconds.)
    """

    __slots__ = (
        "aliases",
        "context",
        "freeze_time",
        "invoker",
        "map_runs",
        "max_events",
        "max_seconds",
        "seed",
        "sync",
        "tokens",
    )

    def __init__(
        self,
        *,
        seed: int | None = None,
        freeze_time: bool = False,
        aliases: Mapping[str, str] | None = None,
        tokens: TokenTable | None = None,
        invoker: Invoker | None = None,
        max_events: int = MAX_EVENTS,
        max_seconds: float | None = None,
        map_runs: MapRunObserver | None = None,
        sync: bool = False,
        context: Mapping[str, JSON] | None = None,
    ) -> None:
        self.seed = seed
        self.context = context  # TestState's given Context object fields
        self.sync = sync
        self.map_runs = map_runs  # a service's view of Distributed Map runs
        self.max_events = max_events
        self.max_seconds = max_seconds
        self.freeze_time = freeze_time
        self.aliases: Mapping[str, str] = aliases if aliases is not None else {}
        self.tokens = tokens
        self.invoker = invoker


class Identity:
    """Who runs: the names and ARNs the context object and the history show."""

    __slots__ = ("account", "arn", "machine_arn", "machine_name", "name", "region", "role_arn")

    def __init__(
        self,
        *,
        name: str,
        arn: str,
        machine_name: str,
        machine_arn: str,
        role_arn: str,
        region: str,
        account: str,
    ) -> None:
        self.name = name
        self.arn = arn
        self.machine_name = machine_name
        self.machine_arn = machine_arn
        self.role_arn = role_arn
        self.region = region
        self.account = account


class ExecutionCore:
    """One execution's status, result and history, and the transitions between them."""

    __slots__ = (
        "_clock",
        "_history",
        "_horizon",
        "_on_done",
        "_proc",
        "_start",
        "_stop",
        "_timer",
        "arn",
        "cause",
        "definition",
        "error",
        "handler_exception",
        "input",
        "name",
        "output",
        "state_machine_arn",
        "status",
    )

    def __init__(
        self,
        *,
        name: str,
        arn: str,
        state_machine_arn: str,
        input: JSON,
        start_time: float,
        history: History,
    ) -> None:
        self.name = name
        self.arn = arn
        self.state_machine_arn = state_machine_arn
        self.input = input
        self.status: Status = "RUNNING"
        self.output: JSON = None
        self.error: str | None = None
        self.cause: str | None = None
        self.handler_exception: Exception | None = None
        """The Python exception of the handler whose failure failed the execution."""
        self.definition: Mapping[str, Any] | None = None
        """The definition it runs (set by ``StateMachine.start``; drawn by ``to_svg``)."""
        self._start = start_time
        self._stop: float | None = None
        self._history = history
        self._proc: Proc | None = None
        self._timer: Timer | None = None
        self._horizon: Timer | None = None  # the clock's end of time (year 9999)
        self._clock: VirtualClock | None = None
        self._on_done: list[Callable[[ExecutionCore], None]] | None = None
        history.on_limit = self._history_full

    @property
    def done(self) -> bool:
        return self.status != "RUNNING"

    def add_done_callback(self, callback: Callable[[ExecutionCore], None]) -> None:
        """Call ``callback(execution)`` once it has ended (its last event recorded): a
        parent's ``startExecution.sync`` Task, a sync start, a subscriber.  Called at once
        when it has already ended."""
        if self.done:
            callback(self)
        elif self._on_done is None:
            self._on_done = [callback]
        else:
            self._on_done.append(callback)

    # -- transitions ---------------------------------------------------------------------------

    def _finished(self, value: JSON, error: StatesError | None) -> None:
        """The top-level process ended: SUCCEEDED with ``value``, or FAILED with ``error``."""
        if self.done:
            return
        if error is None:
            self.status, self.output = "SUCCEEDED", value
            self._end("ExecutionSucceeded", None, value=value)
            return
        self.status = "FAILED"
        cause = error.__cause__  # a handler's exception (handlers/invoker.py), if one raised
        self.handler_exception = cause if isinstance(cause, Exception) else None
        self.error = error.error or None  # SendTaskFailure without an error: none
        self.cause = error.cause or None
        self._end("ExecutionFailed", self._error_details())

    def _timed_out(self, cause: str | None = None) -> None:
        """The machine's TimeoutSeconds passed (or the clock's end of time came): TIMED_OUT,
        the running states stopped.  As AWS records it (measured, floci-io/floci#2733 and
        #2965): ``ExecutionTimedOut {"error": "States.Timeout"}``, no cause, previousEventId
        0; the description has no error or cause.  ``cause``: aslrun's own reason (the
        clock's end), which AWS has no counterpart for."""
        if self.done:
            return
        self.status = "TIMED_OUT"
        details = {"error": "States.Timeout"}
        if cause is not None:
            details["cause"] = cause
        self._end("ExecutionTimedOut", details, previous=0)

    def _history_full(self) -> None:
        """The history reached AWS's quota: FAILED, as AWS fails it (the event numbered
        ``limit`` is ExecutionFailed).  AWS's error and cause (measured: floci-io/floci#2734)."""
        if self.done:
            return
        self.status = "FAILED"
        self.error = "States.Runtime"
        self.cause = history_limit_cause(self._history.limit)
        self._end("ExecutionFailed", self._error_details())

    def stop(self, error: str | None = None, cause: str | None = None) -> bool:
        """StopExecution: ABORTED, the running states stopped; False if already ended."""
        if self.done:
            return False
        self.status = "ABORTED"
        self.error, self.cause = error, cause
        # AWS records ExecutionAborted with previousEventId 0 (recorded: a stopped Wait).
        self._end("ExecutionAborted", self._error_details(), previous=0)
        return True

    def _error_details(self) -> dict[str, Any]:
        details: dict[str, Any] = {}
        if self.error is not None:
            details["error"] = self.error
        if self.cause is not None:
            details["cause"] = self.cause
        return details

    def _end(
        self,
        event: str,
        details: dict[str, Any] | None,
        previous: int | None = None,
        *,
        value: JSON = None,
    ) -> None:
        """Record the last event (``details``, or ExecutionSucceeded's ``value``) and end."""
        clock = self._clock
        assert clock is not None
        for timer in (self._timer, self._horizon):
            if timer is not None:
                timer.cancel()
        self._timer = self._horizon = None
        proc, self._proc = self._proc, None  # the process (generator, runtime) can be collected
        if proc is not None and not proc.done:
            proc.cancel()
        now = clock.now()
        last = len(self._history) if previous is None else previous
        history = self._history
        if details is None:
            history.shaped(now, last, _SUCCEEDED, value)
        else:
            history.add(now, event, last, details)
        history.close()  # nothing more to tell (no cycle kept), columns trimmed
        self._stop = now
        callbacks, self._on_done = self._on_done, None
        for callback in callbacks or ():
            callback(self)


def launch(
    execution: ExecutionCore,
    *,
    machine: Machine,
    identity: Identity,
    clock: VirtualClock,
    registry: ResourceRegistry,
    options: ExecutionOptions,
) -> None:
    """Record ExecutionStarted and put the execution's process on ``clock``."""
    start = execution._start
    history = execution._history
    rt = Runtime(
        clock,
        registry,
        options.invoker if options.invoker is not None else HANDLER_INVOKER,
        options.tokens if options.tokens is not None else {},
        history,
        identity,
        options,
        start,
        execution.input,
        RUNNERS,
    )
    started = shape("ExecutionStarted", (), "input", after=(("roleArn", identity.role_arn),))
    history.shaped(start, 0, started, execution.input)
    # AWS records the first state entered with previousEventId 0, not 1 (recorded: the
    # GetExecutionHistory example and every snapshot of a first *StateEntered event).
    proc = Proc(clock, run_machine(Frame(rt, machine, Variables(), 0), execution.input))
    proc.on_finish = execution._finished
    execution._proc = proc
    execution._clock = clock
    history.limit = options.max_events
    longest = options.max_seconds if options.max_seconds is not None else STANDARD_MAX_SECONDS
    if machine.timeout_seconds is not None and machine.timeout_seconds <= longest:
        execution._timer = clock.schedule(start + machine.timeout_seconds, execution._timed_out)
    else:  # AWS's maximum duration: a wait that would pass it ends there, timing it out
        rt.deadline = start + longest
        rt.on_deadline = execution._timed_out
        # and an execution that waits for nothing scheduled (a task token, an activity's
        # worker) times out there when the clock is moved past it (not by run() alone)
        execution._timer = clock.schedule_soft(rt.deadline, execution._timed_out)
    execution._horizon = clock.at_horizon(lambda: execution._timed_out(CLOCK_END))
    clock.call_soon(proc.start)
