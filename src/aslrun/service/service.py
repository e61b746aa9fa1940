"""``StepFunctions``: a local Step Functions service on one clock.

Many state machines and executions share one scheduler.  The methods carry the names,
keyword arguments and return shapes of boto3's ``stepfunctions`` client; the time methods
move the shared clock.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from aslrun.api import Execution, check_max_events
from aslrun.handlers.registry import ResourceRegistry
from aslrun.runtime.clock import Timer, VirtualClock, to_datetime
from aslrun.runtime.progress import RunningState
from aslrun.service import errors
from aslrun.service.activities import ActivitiesAPI
from aslrun.service.durable import Durable
from aslrun.service.errors import ExecutionDoesNotExist
from aslrun.service.executions import ExecutionsAPI
from aslrun.service.gc_policy import collecting_less
from aslrun.service.hooks import ActivityInvoker, RuntimeHooks
from aslrun.service.lifecycle import listen_to_running
from aslrun.service.machines import MachinesAPI, check_enum
from aslrun.service.mapruns import MapRuns, MapRunsAPI
from aslrun.service.mocks import ServiceMocks
from aslrun.service.nested import NestedExecutions
from aslrun.service.retention import MODES
from aslrun.service.store import ServiceState, Subscriber
from aslrun.service.timing import TimeArgumentError, to_epoch, to_seconds

__all__ = ["StepFunctions"]


class StepFunctions(MachinesAPI, ExecutionsAPI, ActivitiesAPI, MapRunsAPI):
    """A local Step Functions service: one scheduler, many state machines and executions.

    ``clock``: the scheduler (a fresh ``VirtualClock`` by default).  ``handlers``: Task
    handlers, as for ``StateMachine.run``.  ``seed``: generated names, Express execution ids
    and each execution's randomness follow from it.  ``max_events``: the history quota
    (AWS: 25,000).  ``history``: how much history to keep (``"full"``, ``"summary"``,
    ``"none"``).  ``mock_config``: a Step Functions Local mock configuration (path, JSON text,
    dict); None reads the ``SFN_MOCK_CONFIG`` environment variable.  An execution started with
    ``stateMachineArn=arn + "#TestCase"`` (or any, given ``test_case``) runs under that test
    case; ``mock_validation`` (STRICT, PRESENT, NONE) checks its mocked results.
    ``state_dir``: keep state machines, activities and Standard executions in SQLite in this
    directory, written as they change; a service opened on it again continues them (running
    executions are replayed to their last durable step; see docs/durability.md).
    """

    exceptions = errors
    """The error classes by AWS code, as on a boto3 client: ``sfn.exceptions.InvalidArn``."""

    def __init__(
        self,
        *,
        clock: VirtualClock | None = None,
        handlers: Mapping[str, Callable[..., Any]] | ResourceRegistry | None = None,
        seed: int | None = None,
        region: str = "us-east-1",
        account: str = "123456789012",
        max_events: int = 25000,
        history: str = "full",
        mock_config: Any = None,
        test_case: str | None = None,
        mock_validation: str = "STRICT",
        state_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        check_enum("history", history, MODES)
        check_max_events(max_events)
        self._s = ServiceState(
            clock=clock if clock is not None else VirtualClock(),
            handlers=handlers,
            seed=seed,
            region=region,
            account=account,
            max_events=max_events,
            history=history,
        )
        self._s.invoker = ActivityInvoker(self._s, self._s.invoker)
        self._s.invoker = NestedExecutions(self, self._s.invoker)  # states:startExecution
        self._s.map_run_observer = MapRuns(self._s)  # Distributed Map runs and children
        self._hooks = RuntimeHooks(self._s)
        # SFN_MOCK_CONFIG is read here, once, as Step Functions Local reads it at start-up.
        self._s.mocks = ServiceMocks.make(mock_config, test_case, mock_validation, os.environ)
        self._durable: Durable | None = None
        if state_dir is not None:  # restore what the directory holds, then record changes
            self._durable = Durable(self, state_dir)

    def __repr__(self) -> str:
        s = self._s
        return (
            f"<StepFunctions {s.region} {len(s.machines)} state machines, "
            f"{len(s.executions)} executions, at {self.now().isoformat()}>"
        )

    def close(self) -> None:
        """Write what is pending and close the state directory (with ``state_dir``)."""
        if self._durable is not None:
            self._durable.close()
            self._durable = None

    # -- executions as objects -------------------------------------------------------------

    @property
    def clock(self) -> VirtualClock:
        return self._s.clock

    @property
    def region(self) -> str:
        """The region in every ARN the service hands out."""
        return self._s.region

    def execution(self, executionArn: str) -> Execution:
        """The ``Execution`` object for an ARN (Standard or Express), as ``StateMachine.run``
        returns it: ``.status``, ``.output``, ``.history``, ``.current_states``."""
        record = self._s.executions.get(executionArn)
        if record is None:
            raise ExecutionDoesNotExist(f"Execution Does Not Exist: '{executionArn}'")
        return record.execution

    def current_states(self, executionArn: str) -> list[RunningState]:
        """The states the execution is in now, each with the time it was entered."""
        return self.execution(executionArn).current_states

    def on_event(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback(execution, event)`` with each history event as it is recorded
        (``event`` shaped as in GetExecutionHistory); returns a function that unsubscribes."""
        subscribers = self._s.subscribers
        if not subscribers:
            listen_to_running(self._s)
        subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in subscribers:
                subscribers.remove(callback)

        return unsubscribe

    def test_state(self, **request: Any) -> dict[str, Any]:
        """AWS's TestState, offline: one state run alone (see ``aslrun.toolkit.test_state``);
        a Task without a mock calls this service's handlers."""
        from aslrun.service.test_state import service_test_state  # noqa: PLC0415 - the toolkit sits above the service

        return service_test_state(self._s, request)

    # -- time ------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The current simulated time (an aware UTC datetime)."""
        return to_datetime(self._s.clock.now())

    def advance(self, seconds: Any) -> datetime:
        """Move time forward by ``seconds`` (a number or a timedelta), running what falls due."""
        clock = self._s.clock
        until = clock.now() + to_seconds(seconds)
        with collecting_less():
            clock.run(until=until)
        return self.now()

    def run_until(self, when: Any) -> datetime:
        """Run everything due up to ``when`` (datetime, ISO 8601 string or epoch seconds)
        and stop the clock there."""
        clock = self._s.clock
        until = to_epoch(when)
        if until < clock.now():
            raise TimeArgumentError(
                f"when: {self.now().isoformat()} has passed; time does not run backwards"
            )
        with collecting_less():
            clock.run(until=until)
        return self.now()

    def run(self) -> datetime:
        """Run until nothing is scheduled.  Executions waiting for a task token or an
        activity worker stay RUNNING."""
        with collecting_less():
            self._s.clock.run()
        return self.now()

    def step(self) -> bool:
        """Run the next due action; False when nothing is scheduled."""
        return self._s.clock.step()

    def next_due(self) -> datetime | None:
        """When the next scheduled action is due (None when nothing is scheduled)."""
        due = self._s.clock.next_due()
        return None if due is None else to_datetime(due)

    def at(self, when: Any, fn: Callable[[], object]) -> Timer:
        """Call ``fn()`` when the clock reaches ``when`` (datetime, ISO 8601 string or epoch
        seconds; a time already past runs on the next step).  ``.cancel()`` the result to
        call it off."""
        return self._s.clock.schedule(to_epoch(when), lambda: _discard(fn()))

    def after(self, seconds: Any, fn: Callable[[], object]) -> Timer:
        """Call ``fn()`` ``seconds`` (a number or a timedelta) from now."""
        clock = self._s.clock
        return clock.schedule(clock.now() + to_seconds(seconds), lambda: _discard(fn()))


def _discard(_: object) -> None:
    return None
