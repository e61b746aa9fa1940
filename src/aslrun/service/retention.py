"""History retention: what a ``StepFunctions`` service keeps of an execution once it ends.

``"full"`` (the default): everything, as AWS keeps it (for 90 days).
``"summary"``: the description (status, dates, input, output, error, cause) and the listing
stay; the events are dropped when the execution ends (``get_execution_history`` then answers
``ValidationException``; ``Execution.history`` is empty).  While it runs, an execution keeps
its events (``current_states`` and the history work as usual).
``"none"``: nothing stays: the ended execution leaves the service (not listed, not described:
``ExecutionDoesNotExist``); a name given to ``start_execution`` stays taken
(``ExecutionAlreadyExists``).  ``on_event`` subscribers see every event in every mode, and the
``Execution`` object a caller holds keeps its status and output.

Memory then grows with the executions running at once, not with all those ever started: a
simulation of a million executions fits in a few hundred MiB.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from aslrun.runtime.execution import ExecutionCore

if TYPE_CHECKING:
    from aslrun.service.store import ExecutionRecord, ServiceState

__all__ = ["MODES", "Retention"]

MODES = ("full", "summary", "none")
_COMPACT_AT = 1024  # ended records a machine's list may hold before it is compacted


class Retention:
    """One service's retention mode and what it must remember (names still taken)."""

    __slots__ = ("dead", "mode", "reserved")

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.reserved: set[str] = set()  # ARNs of named executions that have left ("none")
        self.dead: dict[str, int] = {}  # machine ARN -> ended records still in its list

    def launched(self, s: ServiceState, entry: ExecutionRecord) -> None:
        """Arrange for an execution's history to be dropped as the mode says when it ends."""
        if self.mode != "full":
            entry.execution.add_done_callback(functools.partial(self._ended, s, entry))

    def _ended(self, s: ServiceState, entry: ExecutionRecord, execution: ExecutionCore) -> None:
        execution._history.forget()
        if self.mode == "none":
            self._leave(s, entry)

    def reserve(self, arn: str) -> None:
        """A name given to StartExecution stays taken after its execution has left."""
        if self.mode == "none":
            self.reserved.add(arn)

    def taken(self, arn: str) -> bool:
        return arn in self.reserved

    def _leave(self, s: ServiceState, entry: ExecutionRecord) -> None:
        s.executions.pop(entry.execution.arn, None)
        machine = entry.machine
        dead = self.dead.get(machine.arn, 0) + 1
        records = machine.executions
        if dead >= _COMPACT_AT and dead * 2 >= len(records):  # amortised O(1) per execution
            records[:] = [r for r in records if not r.execution.done]
            dead = 0
        self.dead[machine.arn] = dead
