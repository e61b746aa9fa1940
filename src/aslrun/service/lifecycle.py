"""Starting an execution of a service state machine, and stopping one."""

from __future__ import annotations

from collections.abc import Callable

from aslrun._json import JSON
from aslrun.api import Execution
from aslrun.runtime.execution import ExecutionOptions
from aslrun.runtime.history import HistoryEvent
from aslrun.service.store import ExecutionRecord, MachineRecord, ServiceState

__all__ = ["abort", "launch", "listen_to_running"]


def launch(
    s: ServiceState,
    record: MachineRecord,
    value: JSON,
    text: str,
    name: str,
    trace: str | None,
    test_case: str | None = None,
    *,
    sync: bool = False,
) -> ExecutionRecord:
    """Start an execution of the machine's current version on the service's clock
    (under a Step Functions Local ``test_case`` of the service's mock configuration)."""
    version = record.version
    sm = version.machine
    options = ExecutionOptions(
        seed=s.rng.getrandbits(64),
        aliases=sm.function_aliases,
        tokens=s.tokens,
        max_events=s.max_events,
        invoker=s.invoker,
        map_runs=s.map_run_observer,
        sync=sync,
    )
    mocked = None if s.mocks is None else s.mocks.invoker(record, test_case, s.invoker)
    if mocked is not None:  # a Step Functions Local test case answers its mocked states
        options.invoker = mocked
    execution = sm._start(value, clock=s.clock, registry=s.registry, name=name, options=options)
    entry = ExecutionRecord(next(s.seq), execution, record, version, text, trace)
    s.executions[execution.arn] = entry
    record.executions.append(entry)
    _observe(s, execution)
    for hook in s.on_launch:  # a durable service records the execution (service/durable)
        hook(entry, test_case, options.seed)
    s.retention.launched(s, entry)
    return entry


def _observe(s: ServiceState, execution: Execution) -> None:
    """Tell the service's subscribers of each event as the execution records it.  Without
    subscribers nothing listens (``listen_to_running`` attaches the listener when the first
    one subscribes)."""
    if not s.subscribers:
        return
    history = execution.events
    notify = _notifier(s, execution)
    for event in history:  # ExecutionStarted, recorded as it started
        notify(event)
    history.listener = notify


def listen_to_running(s: ServiceState) -> None:
    """The first subscriber: the executions running now tell of their next events."""
    for entry in list(s.executions.values()):
        execution = entry.execution
        if not execution.done and execution.events.listener is None:
            execution.events.listener = _notifier(s, execution)


def _notifier(s: ServiceState, execution: Execution) -> Callable[[HistoryEvent], None]:
    def notify(event: HistoryEvent) -> None:
        if s.subscribers:
            rendered = event.as_dict()
            for subscriber in list(s.subscribers):
                subscriber(execution, rendered)

    return notify


def abort(execution: Execution, error: str | None, cause: str | None) -> None:
    """StopExecution: the execution ends ABORTED where it stands (the runtime's lifecycle
    cancels its process, waits, retries, children and timeout, and records ExecutionAborted)."""
    execution.stop(error, cause)
