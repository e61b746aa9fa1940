"""Running a state machine under a Step Functions Local test case: the mocking invoker.

:func:`plan_mocks` checks a test case against the definition it will run (every mocked state
exists; each ``Return`` has the shape of the service's response, see
:mod:`aslrun.toolkit.mockshapes`) and :class:`MockInvoker` answers the execution's Task
invocations from it, wrapping the invoker that would otherwise answer (the handlers).

AWS's rules (Step Functions developer guide, "Using mocked service integrations" and
"Configuration file for mocked service integrations"):

- The invocation counter is per state and per execution, from 0, and every invocation of the
  state's resource takes the next number: each retry attempt and each Map iteration.
- ``Return`` is the service's result; ``Throw`` fails the Task with its ``Error`` and ``Cause``
  (Retry and Catch apply).  An invocation no key covers fails the execution with
  ``States.Runtime``, which no Retry or Catch handles.
- "Step Functions Local will automatically generate a task token when you mock a Task using the
  ``.waitForTaskToken``": the Task gets its token (``$$.Task.Token``) and the mocked ``Return``
  is the callback's result (as if ``SendTaskSuccess`` had been called with it at once);
  ``Throw`` is a ``SendTaskFailure``.  No worker or callback is needed.
- A state the test case does not list calls the real integration: here, its handler.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aslrun._json import deep_copy
from aslrun.definition.model import Machine
from aslrun.runtime.invoke import Invocation, Invoker
from aslrun.toolkit.mockconfig import (
    MockConfig,
    MockConfigError,
    MockReturn,
    MockTestCase,
    check_against_machine,
    load_mock_config,
)
from aslrun.toolkit.mockshapes import MODES, check_returns

__all__ = ["MockInvoker", "MockPlan", "as_mock_config", "mock_invoker", "plan_mocks"]

MockSource = MockConfig | Mapping[str, Any] | str | os.PathLike[str]


def as_mock_config(source: MockSource) -> MockConfig:
    """A loaded configuration, from a :class:`MockConfig`, a dict, JSON text or a path."""
    return source if isinstance(source, MockConfig) else load_mock_config(source)


@dataclass(frozen=True, slots=True)
class MockPlan:
    """One test case of one state machine, checked against its definition."""

    config: MockConfig
    case: MockTestCase

    def invoker(self, inner: Invoker) -> MockInvoker:
        """A fresh invoker for one execution (its own counters), wrapping ``inner``."""
        return MockInvoker(self, inner)


def plan_mocks(
    config: MockSource,
    machine_name: str,
    test_case: str,
    definition: Machine,
    *,
    validation: str = "STRICT",
) -> MockPlan:
    """Check ``test_case`` of ``machine_name`` against ``definition``; raise
    :class:`MockConfigError` naming every problem (unknown test case, a mocked state the
    definition lacks, a ``Return`` of the wrong shape for its service in ``validation`` mode
    STRICT or PRESENT)."""
    if validation not in MODES:
        raise ValueError(
            f"mock validation mode: expected one of {', '.join(MODES)}, got {validation!r}"
        )
    loaded = as_mock_config(config)
    case = loaded.test_case(machine_name, test_case)
    problems = [
        p
        for p in check_against_machine(loaded, machine_name, definition)
        if p.severity == "ERROR" and p.path[3] == test_case
    ]
    problems += check_returns(loaded, case, definition, validation)
    if problems:
        raise MockConfigError(problems, source=loaded.source)
    return MockPlan(loaded, case)


class MockInvoker:
    """Answers a mocked Task from the test case; any other invocation goes to ``inner``."""

    __slots__ = ("counts", "inner", "plan")

    def __init__(self, plan: MockPlan, inner: Invoker) -> None:
        self.plan = plan
        self.inner = inner
        self.counts: dict[str, int] = {}

    def start(self, invocation: Invocation) -> None:
        state = invocation.state_name
        name = None if invocation.raw else self.plan.case.states.get(state)
        if name is None:  # not mocked (or a Map's ItemReader/ResultWriter): the real thing
            self.inner.start(invocation)
            return
        number = self.counts.get(state, 0)
        self.counts[state] = number + 1
        outcome = self.plan.config.responses[name].at(number)
        invocation.begin()
        if isinstance(outcome, MockReturn):
            invocation.succeed(deep_copy(outcome.value))
        else:  # MockThrow: a Task failure; MockMissing: States.Runtime, which nothing handles
            invocation.fail(outcome.error, outcome.cause)


def mock_invoker(
    machine_name: str,
    definition: Machine,
    mock_config: MockSource | None,
    test_case: str | None,
    validation: str,
    inner: Invoker,
) -> Invoker | None:
    """The invoker for one execution under ``test_case`` (None when neither is given)."""
    if mock_config is None and test_case is None:
        return None
    if mock_config is None:
        raise MockConfigError(f"test case '{test_case}' given without a mock configuration")
    if test_case is None:
        raise MockConfigError(
            "a mock configuration needs a test case to run: which of the state machine's "
            "TestCases (e.g. test_case='HappyPath')"
        )
    plan = plan_mocks(mock_config, machine_name, test_case, definition, validation=validation)
    return plan.invoker(inner)
