"""What the service holds: state machines (each with its current version), executions,
activities, and the scheduler they share."""

from __future__ import annotations

import itertools
import random as _random
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aslrun.api import Execution, StateMachine
from aslrun.handlers.invoker import HANDLER_INVOKER
from aslrun.handlers.registry import ResourceRegistry
from aslrun.runtime.clock import VirtualClock
from aslrun.runtime.invoke import Invocation, Invoker, TokenTable
from aslrun.runtime.maprun import MapRunObserver
from aslrun.service.retention import Retention

if TYPE_CHECKING:
    from aslrun.service.mapruns import MapRunRecord
    from aslrun.service.mocks import ServiceMocks

__all__ = [
    "ActivityRecord",
    "ExecutionRecord",
    "MachineRecord",
    "MachineVersion",
    "ServiceState",
    "Subscriber",
]

Subscriber = Callable[[Execution, dict[str, Any]], None]


@dataclass(frozen=True, slots=True)
class MachineVersion:
    """A state machine as one CreateStateMachine/UpdateStateMachine left it."""

    definition: str  # the text as given (AWS returns it unchanged)
    role_arn: str
    updated: float
    logging: Mapping[str, Any]
    tracing: Mapping[str, Any]
    revision_id: str | None
    machine: StateMachine


@dataclass(slots=True)
class MachineRecord:
    seq: int
    name: str
    arn: str
    type: str
    created: float
    version: MachineVersion
    status: str = "ACTIVE"
    executions: list[ExecutionRecord] = field(default_factory=list)


@dataclass(slots=True)
class ExecutionRecord:
    seq: int
    execution: Execution
    machine: MachineRecord
    version: MachineVersion  # the version it started with
    input_text: str
    trace_header: str | None = None


@dataclass(slots=True)
class ActivityRecord:
    seq: int
    name: str
    arn: str
    created: float
    waiting: deque[Invocation] = field(default_factory=deque)  # scheduled, not yet polled


class ServiceState:
    """Everything one ``StepFunctions`` object holds; the API modules read and change it."""

    def __init__(
        self,
        *,
        clock: VirtualClock,
        handlers: Mapping[str, Callable[..., Any]] | ResourceRegistry | None,
        seed: int | None,
        region: str,
        account: str,
        max_events: int,
        history: str,
    ) -> None:
        self.clock = clock
        self.registry = (
            handlers if isinstance(handlers, ResourceRegistry) else ResourceRegistry(handlers)
        )
        self.tokens: TokenTable = {}  # open invocations by task token, for all executions
        self.invoker: Invoker = HANDLER_INVOKER  # what answers every execution's Invoke
        self.rng = _random.Random(seed)
        self.region = region
        self.account = account
        self.max_events = max_events
        self.history_mode = history
        self.retention = Retention(history)  # what is kept of an ended execution
        self.map_runs: dict[str, MapRunRecord] = {}  # Distributed Map runs by ARN
        self.map_run_of: dict[str, str] = {}  # a Map Run's child execution -> its run's ARN
        self.map_run_observer: MapRunObserver | None = None  # set by StepFunctions
        self.machines: dict[str, MachineRecord] = {}
        self.executions: dict[str, ExecutionRecord] = {}
        self.activities: dict[str, ActivityRecord] = {}
        self.subscribers: list[Subscriber] = []
        self.seq = itertools.count(1)
        self.mocks: ServiceMocks | None = None  # Step Functions Local test cases (mocks.py)
        self.on_launch: list[Callable[[ExecutionRecord, str | None, int | None], None]] = []

    def uuid(self) -> str:
        """A UUID from the service's random source: the same seed gives the same names."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
