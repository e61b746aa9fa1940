"""The public API: ``load`` a definition, ``run`` or ``start`` executions, read their results."""

from __future__ import annotations

import os
import random as _random
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aslrun._json import JSON, dumps
from aslrun.definition.loader import load_definition
from aslrun.definition.model import Machine
from aslrun.definition.validate import load_model
from aslrun.errors import DefinitionError, Diagnostic
from aslrun.handlers.invoker import HANDLER_INVOKER
from aslrun.handlers.registry import ResourceRegistry, require_freezegun
from aslrun.runtime.clock import VirtualClock, to_datetime
from aslrun.runtime.execution import (
    EXPRESS_MAX_SECONDS,
    ExecutionCore,
    ExecutionOptions,
    Identity,
    launch,
)
from aslrun.runtime.history import MAX_EVENTS, History
from aslrun.runtime.invoke import Invoker
from aslrun.runtime.limits import check_execution_input
from aslrun.runtime.progress import RunningState, running_states

if TYPE_CHECKING:
    from aslrun.testing.inspect import Call

__all__ = ["Execution", "StateMachine", "load", "observe_executions"]

ExecutionObserver = Callable[["StateMachine", "Execution"], None]
_OBSERVERS: list[ExecutionObserver] = []


def observe_executions(callback: ExecutionObserver) -> Callable[[], None]:
    """Call ``callback(state_machine, execution)`` as each execution starts (every one:
    ``StateMachine.run``/``start`` and the service's); returns a function that stops it.
    The coverage collector of ``pytest --aslrun-cov`` reads executions this way."""
    _OBSERVERS.append(callback)
    return lambda: _OBSERVERS.remove(callback) if callback in _OBSERVERS else None


Source = Mapping[str, Any] | str | os.PathLike[str]
MockSource = Any  # a mock configuration: aslrun.toolkit.mockconfig.MockConfig, dict, text, path


class Execution(ExecutionCore):
    """One execution: its identity, status, result and history (GetExecutionHistory's shape).

    ``status`` is RUNNING until the scheduler has run it to its end.
    """

    __slots__ = ()  # an execution kept by a long simulation holds no attribute dict

    @property
    def start_date(self) -> datetime:
        return to_datetime(self._start)

    @property
    def stop_date(self) -> datetime | None:
        return None if self._stop is None else to_datetime(self._stop)

    @property
    def output_json(self) -> str | None:
        """The output as AWS returns it: compact JSON text, key order kept."""
        return None if self.status != "SUCCEEDED" else dumps(self.output)

    @property
    def input_json(self) -> str:
        return dumps(self.input)

    @property
    def history(self) -> list[dict[str, Any]]:
        """The events, each shaped like one of GetExecutionHistory's ``events``."""
        return self._history.as_dicts()

    @property
    def current_states(self) -> list[RunningState]:
        """The states running now (Parallel branches and Map iterations too), each with the
        time it was entered; empty once the execution has ended."""
        return [] if self.done else running_states(self._history)

    @property
    def events(self) -> History:
        """The raw recorded events (cheap: nothing rendered)."""
        return self._history

    def describe(self) -> dict[str, Any]:
        """A DescribeExecution-shaped dict."""
        out: dict[str, Any] = {
            "executionArn": self.arn,
            "stateMachineArn": self.state_machine_arn,
            "name": self.name,
            "status": self.status,
            "startDate": self.start_date,
            "input": dumps(self.input),
            "inputDetails": {"included": True},
        }
        if self._stop is not None:
            out["stopDate"] = self.stop_date
        if self.status == "SUCCEEDED":
            out["output"] = self.output_json
            out["outputDetails"] = {"included": True}
        if self.error is not None:
            out["error"] = self.error
        if self.cause is not None:
            out["cause"] = self.cause
        return out

    def __repr__(self) -> str:
        return f"<Execution {self.name} {self.status}>"

    # -- what a test asserts on (aslrun.testing.inspect reads the history) ----------------------

    @property
    def path(self) -> list[str]:
        """The names of the states entered, in the order entered."""
        from aslrun.testing import inspect  # noqa: PLC0415 - loaded on use

        return inspect.path(self.history)

    def calls(self, state: str) -> list[Call]:
        """Each invocation of the Task state ``state``: ``Call(input, at, output, error,
        cause, ended)``, each retry attempt and Map iteration its own."""
        from aslrun.testing import inspect  # noqa: PLC0415 - testing sits above api

        return list(inspect.calls(self.history, state))

    def state_input(self, state: str, index: int = -1) -> JSON:
        """The input ``state`` was entered with (the last entry, or entry ``index``)."""
        from aslrun.testing import inspect  # noqa: PLC0415 - testing sits above api

        return inspect.state_input(self.history, state, index)

    def state_output(self, state: str, index: int = -1) -> JSON:
        """The output ``state`` left with (the last exit, or exit ``index``)."""
        from aslrun.testing import inspect  # noqa: PLC0415 - testing sits above api

        return inspect.state_output(self.history, state, index)

    def to_svg(self) -> str:
        """A picture of this execution: states coloured by outcome (needs ``aslrun[graph]``)."""
        from aslrun.toolkit.graph import to_svg  # noqa: PLC0415 - optional, loaded on use

        return to_svg(self.definition or {}, self.history, title=self.name)

    def _repr_svg_(self) -> str:
        """Jupyter shows an execution as its picture."""
        return self.to_svg()


class StateMachine:
    """A loaded, validated and compiled state machine."""

    def __init__(
        self,
        definition: Mapping[str, Any],
        machine: Machine,
        *,
        name: str,
        region: str,
        account: str,
        type: str,
        source: str | None = None,
    ) -> None:
        self.definition = definition
        self.machine = machine
        self.name = name
        self.region = region
        self.account = account
        self.type = type
        self.source = source
        self.arn = f"arn:aws:states:{region}:{account}:stateMachine:{name}"
        self.function_aliases: Mapping[str, str] = {}
        self.load_warnings: tuple[Diagnostic, ...] = ()
        """What loading noticed: placeholder values, unsubstituted ``${Name}`` ..."""
        self.role_arn = f"arn:aws:iam::{account}:role/service-role/StepFunctions-{name}-role"

    def __repr__(self) -> str:
        return f"<StateMachine {self.name} ({len(self.machine.states)} states)>"

    def start(
        self,
        input: JSON = None,
        *,
        handlers: Mapping[str, Callable[..., Any]] | ResourceRegistry | None = None,
        clock: VirtualClock | None = None,
        name: str | None = None,
        seed: int | None = None,
        freeze_time: bool = False,
        max_events: int = MAX_EVENTS,
        mock_config: MockSource | None = None,
        test_case: str | None = None,
        mock_validation: str = "STRICT",
    ) -> Execution:
        """Start an execution on ``clock`` and return it RUNNING; the clock's scheduler runs it.

        ``freeze_time=True`` (needs freezegun) makes handlers that call ``datetime.now()`` or
        ``time.time()`` see the simulated time of their call.  ``max_events``: the history
        quota (AWS: 25,000 events; the execution fails when it would record more).
        ``mock_config`` (a Step Functions Local mock file: path, JSON text, dict or
        ``MockConfig``) and ``test_case``: the Task states that test case lists answer with its
        mocked responses, checked against the services' response shapes in
        ``mock_validation`` mode (STRICT, PRESENT or NONE).
        """
        _check_handlers(handlers)
        check_max_events(max_events)
        if handlers is None:
            registry = _NO_HANDLERS  # nothing registered: one shared empty registry
        elif isinstance(handlers, ResourceRegistry):
            registry = handlers
        else:
            registry = ResourceRegistry(handlers)
        options = ExecutionOptions(
            seed=seed,
            freeze_time=freeze_time,
            aliases=self.function_aliases,
            max_events=max_events,
            invoker=self._mock_invoker(mock_config, test_case, mock_validation),
        )
        return self._start(
            input,
            clock=clock if clock is not None else VirtualClock(),
            registry=registry,
            name=name,
            options=options,
        )

    def _start(
        self,
        input: JSON,
        *,
        clock: VirtualClock,
        registry: ResourceRegistry,
        name: str | None,
        options: ExecutionOptions,
    ) -> Execution:
        """Start an execution with explicit per-execution options (a service's entry point:
        its own invoker and one task-token table for all its executions)."""
        if options.freeze_time:
            require_freezegun()
        if options.max_seconds is None and self.type == "EXPRESS":
            options.max_seconds = EXPRESS_MAX_SECONDS
        check_execution_input(input)
        name = name if name is not None else str(uuid.uuid4())
        identity = self._identity(name, options.seed)
        execution = Execution(
            name=name,
            arn=identity.arn,
            state_machine_arn=self.arn,
            input=input,
            start_time=clock.now(),
            history=History(),
        )
        execution.definition = self.definition
        launch(
            execution,
            machine=self.machine,
            identity=identity,
            clock=clock,
            registry=registry,
            options=options,
        )
        for observer in tuple(_OBSERVERS):
            observer(self, execution)
        return execution

    def _mock_invoker(
        self, mock_config: MockSource | None, test_case: str | None, validation: str
    ) -> Invoker | None:
        if mock_config is None and test_case is None:
            return None
        from aslrun.toolkit.mocking import mock_invoker  # noqa: PLC0415 - loaded on use

        return mock_invoker(
            self.name, self.machine, mock_config, test_case, validation, HANDLER_INVOKER
        )

    def _identity(self, name: str, seed: int | None) -> Identity:
        return Identity(
            name=name,
            arn=self._execution_arn(name, seed),
            machine_name=self.name,
            machine_arn=self.arn,
            role_arn=self.role_arn,
            region=self.region,
            account=self.account,
        )

    def _execution_arn(self, name: str, seed: int | None) -> str:
        prefix = f"arn:aws:states:{self.region}:{self.account}"
        if self.type == "EXPRESS":  # AWS appends an id to an Express execution's ARN
            execution_id = uuid.UUID(int=_random.Random(seed).getrandbits(128), version=4)
            return f"{prefix}:express:{self.name}:{name}:{execution_id}"
        return f"{prefix}:execution:{self.name}:{name}"

    def run(
        self,
        input: JSON = None,
        *,
        handlers: Mapping[str, Callable[..., Any]] | ResourceRegistry | None = None,
        clock: VirtualClock | None = None,
        name: str | None = None,
        seed: int | None = None,
        freeze_time: bool = False,
        max_events: int = MAX_EVENTS,
        mock_config: MockSource | None = None,
        test_case: str | None = None,
        mock_validation: str = "STRICT",
    ) -> Execution:
        """Run an execution to its end on ``clock`` (a fresh VirtualClock by default).

        Arguments as for :meth:`start`.
        """
        clock = clock if clock is not None else VirtualClock()
        execution = self.start(
            input,
            handlers=handlers,
            clock=clock,
            name=name,
            seed=seed,
            freeze_time=freeze_time,
            max_events=max_events,
            mock_config=mock_config,
            test_case=test_case,
            mock_validation=mock_validation,
        )
        while not execution.done and clock.step():
            pass
        return execution


_NO_HANDLERS = ResourceRegistry()
"""The registry of a run given no handlers (it holds nothing an execution could change)."""


def check_max_events(max_events: object) -> None:
    """``max_events``: an integer of at least 2 (ExecutionStarted and the last event)."""
    if isinstance(max_events, bool) or not isinstance(max_events, int) or max_events < 2:
        raise ValueError(f"max_events: expected an integer >= 2, got {max_events!r}")


def _check_handlers(handlers: object) -> None:
    """``handlers`` is a mapping or a ResourceRegistry: say so, rather than fail on ``.items``."""
    if handlers is None or isinstance(handlers, (Mapping, ResourceRegistry)):
        return
    raise TypeError(
        "handlers must be a mapping of keys (a Resource, a Lambda function name, a state name "
        "or a glob pattern) to callables, e.g. {'StartRecorder': start_recorder}, or an "
        f"aslrun.ResourceRegistry; got {type(handlers).__name__}"
    )


def load(
    source: Source,
    *,
    name: str | None = None,
    region: str | None = None,
    account: str = "123456789012",
    type: str = "STANDARD",
    state_machine: str | None = None,
    substitutions: Mapping[str, str] | None = None,
    stage: str | None = None,
    variables: Mapping[str, JSON] | None = None,
    allow_outside: bool = False,
) -> StateMachine:
    """Load, validate and compile a definition.

    ``source``: a dict, JSON or YAML text, or a path to a ``.json``/``.yaml``/``.yml`` file
    (ASL, serverless.yml, CloudFormation or SAM).  ``name`` defaults to the name the file gives
    the machine, else ``"StateMachine"``.  ``allow_outside`` lets the file's ``${file()}`` and
    ``DefinitionUri`` read outside its folder; ``variables`` supply deploy-time values (else
    placeholders, listed in ``load_warnings``).  Raises ``LoadError`` for unreadable input and
    ``DefinitionError`` (every problem, located) for an invalid definition.
    """
    loaded = load_definition(
        source,
        state_machine=state_machine,
        substitutions=substitutions,
        stage=stage,
        region=region,
        variables=variables,
        account=account,
        allow_outside=allow_outside,
    )
    machine, found = load_model(loaded.definition)  # the one pass: checked and built
    diagnostics = loaded.screen(found)  # not about placeholders
    errors = [d for d in diagnostics if d.severity == "ERROR"]
    if errors:
        raise DefinitionError(errors, source=loaded.source)
    sm = StateMachine(
        loaded.definition,
        machine,
        name=name or loaded.name or "StateMachine",
        region=region or loaded.region or "us-east-1",
        account=account,
        type=type,
        source=loaded.source,
    )
    sm.function_aliases = loaded.function_aliases
    sm.load_warnings = loaded.warnings
    return sm
