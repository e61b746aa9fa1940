"""The frozen model of a state machine, built once at load by the one-pass walk
(``validate.load_model`` and ``builders``).

A state is one frozen dataclass; a field is an attribute.  Every path, intrinsic function and
JSONata expression is already compiled here, so running an execution compiles nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from aslrun._json import JSON
from aslrun.handlers.registry import ResourceInfo, describe_resource
from aslrun.lang.choice import ChoiceRule
from aslrun.lang.dynamic import Dynamic
from aslrun.lang.templates import NULL, OptPath, Template

__all__ = [
    "NULL",
    "Catcher",
    "ChoiceState",
    "Dynamic",
    "FailState",
    "Machine",
    "MapState",
    "ParallelState",
    "PassState",
    "Retrier",
    "State",
    "StateBase",
    "SucceedState",
    "TaskState",
    "Template",
    "WaitState",
]

QueryLanguage = Literal["JSONPath", "JSONata"]


@dataclass(frozen=True, slots=True)
class Retrier:
    error_equals: tuple[str, ...]
    interval_seconds: float = 1.0
    max_attempts: int = 3
    backoff_rate: float = 2.0
    max_delay_seconds: float | None = None
    jitter: Literal["FULL", "NONE"] = "NONE"


@dataclass(frozen=True, slots=True)
class Catcher:
    error_equals: tuple[str, ...]
    next: str
    result_path: OptPath = None
    output: Template | None = None
    assign: Template | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StateBase:
    """Fields every state has."""

    name: str
    type: str
    where: tuple[str | int, ...]
    query_language: QueryLanguage = "JSONPath"
    next: str | None = None
    end: bool = False
    input_path: OptPath = None
    output_path: OptPath = None
    assign: Template | None = None
    output: Template | None = None  # JSONata Output
    raw: Mapping[str, JSON] = field(default_factory=dict, compare=False, repr=False)
    jsonata: bool = field(init=False, compare=False, repr=False)  # chosen once, at load

    def __post_init__(self) -> None:
        object.__setattr__(self, "jsonata", self.query_language == "JSONata")


@dataclass(frozen=True, slots=True, kw_only=True)
class PassState(StateBase):
    result: JSON = None
    has_result: bool = False
    result_too_large: bool = False
    parameters: Template | None = None
    result_path: OptPath = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskState(StateBase):
    resource: str = ""
    parameters: Template | None = None  # Parameters (JSONPath) or Arguments (JSONata)
    result_selector: Template | None = None
    result_path: OptPath = None
    timeout: Dynamic | None = None  # TimeoutSeconds(Path)
    heartbeat: Dynamic | None = None  # HeartbeatSeconds(Path)
    info: ResourceInfo = field(init=False, compare=False, repr=False)  # classified at load
    retry: tuple[Retrier, ...] = ()
    catch: tuple[Catcher, ...] = ()

    def __post_init__(self) -> None:
        StateBase.__post_init__(self)
        object.__setattr__(self, "info", describe_resource(self.resource))


@dataclass(frozen=True, slots=True, kw_only=True)
class ChoiceState(StateBase):
    choices: tuple[ChoiceRule, ...] = ()
    default: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class WaitState(StateBase):
    wait: Dynamic | None = None  # Seconds(Path) ("delay") or Timestamp(Path) ("instant")


@dataclass(frozen=True, slots=True, kw_only=True)
class SucceedState(StateBase):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class FailState(StateBase):
    error: str | Template | None = None  # a JSONata state's Error/Cause: a Template
    error_path: Template | None = None  # a path or an intrinsic function call
    cause: str | Template | None = None
    cause_path: Template | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ParallelState(StateBase):
    branches: tuple[Machine, ...] = ()
    parameters: Template | None = None
    result_selector: Template | None = None
    result_path: OptPath = None
    retry: tuple[Retrier, ...] = ()
    catch: tuple[Catcher, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class MapState(StateBase):
    processor: Machine | None = None
    mode: Literal["INLINE", "DISTRIBUTED"] = "INLINE"
    items_path: OptPath = None
    items: Template | None = None  # JSONata Items
    item_selector: Template | None = None
    parameters: Template | None = None  # legacy Parameters (alias of ItemSelector)
    max_concurrency: Dynamic | None = None  # absent: 0, no limit
    tolerated_failure_percentage: Dynamic | None = None
    tolerated_failure_count: Dynamic | None = None
    item_reader: Mapping[str, JSON] | None = None
    item_reader_params: Template | None = None
    item_batcher: Mapping[str, JSON] | None = None
    batch_input: Template | None = None
    result_writer: Mapping[str, JSON] | None = None
    result_writer_params: Template | None = None
    label: str | None = None
    result_selector: Template | None = None
    result_path: OptPath = None
    retry: tuple[Retrier, ...] = ()
    catch: tuple[Catcher, ...] = ()


State = (
    PassState
    | TaskState
    | ChoiceState
    | WaitState
    | SucceedState
    | FailState
    | ParallelState
    | MapState
)


@dataclass(frozen=True, slots=True)
class Machine:
    """A (sub-)machine: the top level, a Parallel branch or a Map item processor."""

    start_at: str
    states: Mapping[str, State]
    query_language: QueryLanguage = "JSONPath"
    timeout_seconds: int | None = None
    comment: str | None = None
    where: tuple[str | int, ...] = ()
