"""Where a Distributed Map tells a service about its Map Run and child executions.

The runtime runs a Distributed Map's iterations as child executions with their own histories;
a service (``aslrun.StepFunctions``) sets ``Runtime.map_runs`` to make them executions it
lists and describes, and the Map Run something ``describe_map_run`` answers for.  Outside a
service nothing observes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from aslrun._json import JSON
from aslrun.errors import StatesError

if TYPE_CHECKING:
    from aslrun.runtime.frame import Runtime
    from aslrun.runtime.history import History

__all__ = ["MapRunHandle", "MapRunObserver"]


class MapRunHandle(Protocol):
    """One Map Run as it happens."""

    def child_started(self, index: int, history: History, input: JSON) -> None:
        """Iteration ``index`` began as a child execution (its ExecutionStarted recorded)."""

    def child_ended(self, index: int, value: JSON, error: StatesError | None) -> None:
        """Iteration ``index`` ended with ``value`` or ``error``."""

    def ended(self, status: str, error: StatesError | None = None) -> None:
        """The Map Run ended: SUCCEEDED, FAILED or ABORTED."""


class MapRunObserver(Protocol):
    def started(
        self,
        rt: Runtime,
        map_run_arn: str,
        label: str,
        max_concurrency: int,
        tolerated_count: int | None,
        tolerated_percentage: float | None,
        total: int,
    ) -> MapRunHandle:
        """A Map Run of the execution ``rt`` runs began, with ``total`` iterations."""
