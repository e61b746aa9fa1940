"""AWS Step Functions Local mock configuration files (``MockConfigFile.json``): load and resolve.

A mock configuration names, per state machine and test case, which Task states answer with a
*mocked response* instead of calling a service::

    {"StateMachines": {"LambdaSQSIntegration": {"TestCases": {
        "RetryPath": {"LambdaState": "MockedLambdaRetry"}}}},
     "MockedResponses": {"MockedLambdaRetry": {
        "0":   {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "..."}},
        "1-2": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "Lambda timed out."}},
        "3":   {"Return": {"StatusCode": 200, "Payload": {...}}}}}}

:func:`load_mock_config` reads a file path, JSON text or a dict into a frozen
:class:`MockConfig`, reporting every problem with its JSON location
(``$.MockedResponses.R1['1-2']: Return and Throw together``).  :func:`iter_mock_diagnostics`
yields the same problems without raising; :func:`check_against_machine` adds those that need the
definition (a mocked state that does not exist, or is not a Task).

AWS's rules (Step Functions developer guide, "Configuration file for mocked service
integrations"): keys of a mocked response are invocation numbers from ``"0"``, single
(``"3"``) or inclusive ranges (``"1-2"``, the same response for each invocation in it); each
holds exactly one of ``Return`` (any JSON value, the service's result) or ``Throw`` (``Error``
and ``Cause`` strings).  "When you mock a Task, you must specify a mocked response for every
invocation ... If you do not specify a mocked response, the state machine execution will fail":
an invocation past the last key (or in a gap) does not repeat the last response; it fails the
execution with ``States.Runtime`` (the error Step Functions Local reports; the cause text is
ours).  Step Functions Local loads a file with gaps or an empty mocked response and fails only
when the missing invocation happens, so those are warnings here, not errors.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from aslrun._json import JSON
from aslrun.definition.model import Machine, MapState, ParallelState
from aslrun.errors import AslrunError, Diagnostic, LoadError

__all__ = [
    "ENV_VAR",
    "MockConfig",
    "MockConfigError",
    "MockMissing",
    "MockReturn",
    "MockTestCase",
    "MockThrow",
    "MockedResponse",
    "check_against_machine",
    "iter_mock_diagnostics",
    "load_mock_config",
    "mock_config_from_env",
]

ENV_VAR: Final = "SFN_MOCK_CONFIG"
"""The environment variable Step Functions Local reads the mock configuration file's path from."""

DEFAULT_FILE_NAME: Final = "MockConfigFile.json"
"""The file Step Functions Local reads in its launch directory without ``SFN_MOCK_CONFIG``."""

Loc = tuple[str | int, ...]
_KEY = re.compile(r"(0|[1-9][0-9]*)(?:-(0|[1-9][0-9]*))?")
_TOP_FIELDS: Final = ("StateMachines", "MockedResponses")


@dataclass(frozen=True, slots=True)
class MockReturn:
    """A mocked success: ``value`` stands for the service's result."""

    value: JSON


@dataclass(frozen=True, slots=True)
class MockThrow:
    """A mocked failure: the Task fails with ``error`` and ``cause`` (Retry and Catch apply)."""

    error: str
    cause: str | None = None


@dataclass(frozen=True, slots=True)
class MockMissing:
    """No mocked response for this invocation: AWS fails the execution (``States.Runtime``).

    The failure is not a Task failure: Retry and Catch do not apply to it.
    """

    response: str
    invocation: int
    error: str = "States.Runtime"

    @property
    def cause(self) -> str:
        return (
            f"The mocked response '{self.response}' has no response for invocation "
            f"{self.invocation} (invocations count from 0)."
        )


Outcome = MockReturn | MockThrow


@dataclass(frozen=True, slots=True)
class MockedResponse:
    """One entry of ``MockedResponses``: ``(first, last, outcome)`` spans, sorted by ``first``."""

    name: str
    spans: tuple[tuple[int, int, Outcome], ...]

    def at(self, invocation: int) -> Outcome | MockMissing:
        """The response to invocation ``invocation`` (0 is the first), or :class:`MockMissing`."""
        for first, last, outcome in self.spans:
            if first <= invocation <= last:
                return outcome
        return MockMissing(self.name, invocation)


@dataclass(frozen=True, slots=True)
class MockTestCase:
    """One test case of one state machine: state name -> mocked response name."""

    machine: str
    name: str
    states: Mapping[str, str]


class MockConfigError(AslrunError):
    """An invalid mock configuration, or a state machine / test case it does not have."""

    def __init__(self, problems: list[Diagnostic] | str, *, source: str | None = None) -> None:
        head = f"{source}: " if source else ""
        if isinstance(problems, str):
            self.problems: list[Diagnostic] = []
            super().__init__(f"{head}{problems}")
            return
        self.problems = problems
        count = len(problems)
        lines = [f"{head}invalid mock configuration ({count} problem{'' if count == 1 else 's'}):"]
        lines += [f"  {p}" for p in problems]
        super().__init__("\n".join(lines))


@dataclass(frozen=True, slots=True)
class MockConfig:
    """A loaded mock configuration: test cases per state machine, and the mocked responses."""

    test_cases: Mapping[str, Mapping[str, MockTestCase]]
    responses: Mapping[str, MockedResponse]
    warnings: tuple[Diagnostic, ...] = ()
    source: str | None = field(default=None, compare=False)

    def test_case(self, machine: str, test_case: str) -> MockTestCase:
        """The named test case; a :class:`MockConfigError` naming what exists if there is none."""
        cases = self.test_cases.get(machine)
        if cases is None:
            known = ", ".join(sorted(self.test_cases)) or "none"
            raise MockConfigError(
                f"no state machine '{machine}' in the mock configuration (state machines: {known})",
                source=self.source,
            )
        case = cases.get(test_case)
        if case is None:
            known = ", ".join(sorted(cases)) or "none"
            raise MockConfigError(
                f"state machine '{machine}' has no test case '{test_case}' (test cases: {known})",
                source=self.source,
            )
        return case

    def resolve(
        self, machine: str, test_case: str, state: str, invocation: int
    ) -> MockReturn | MockThrow | MockMissing | None:
        """What invocation number ``invocation`` of ``state`` answers in this test case.

        ``None`` when the test case does not mock ``state``: the real handler is called.
        The caller (the runtime) keeps the counter, one per state per execution, starting at 0,
        and advances it on *every* invocation of the state's resource: each retry attempt and
        each Map iteration counts (with Map ``MaxConcurrency`` above 1 the order in which
        iterations take numbers is the scheduler's, as AWS warns for Step Functions Local).
        """
        name = self.test_case(machine, test_case).states.get(state)
        if name is None:
            return None
        return self.responses[name].at(invocation)


# -- loading ---------------------------------------------------------------------------------


def load_mock_config(source: Mapping[str, Any] | str | os.PathLike[str]) -> MockConfig:
    """Load a mock configuration from a dict, JSON text (starting with ``{``) or a file path.

    Raises :class:`~aslrun.errors.LoadError` for an unreadable file or bad JSON, and
    :class:`MockConfigError` listing every located problem for an invalid configuration.
    Warnings (gaps in the invocation numbers, an empty mocked response) are kept in
    :attr:`MockConfig.warnings`.
    """
    raw, where = _read(source)
    problems = list(iter_mock_diagnostics(raw))
    errors = [p for p in problems if p.severity == "ERROR"]
    if errors:
        raise MockConfigError(errors, source=where)
    warnings = tuple(p for p in problems if p.severity == "WARNING")
    return _build(raw, warnings, where)


def mock_config_from_env(
    environ: Mapping[str, str], *, cwd: str | os.PathLike[str] | None = None
) -> MockConfig | None:
    """The configuration ``SFN_MOCK_CONFIG`` in ``environ`` names, as Step Functions Local reads it.

    Without the variable, and given ``cwd``, a ``MockConfigFile.json`` there is used (Step
    Functions Local's default, its launch directory); otherwise None.
    """
    path = environ.get(ENV_VAR)
    if path:
        return load_mock_config(Path(path))
    if cwd is not None:
        default = Path(cwd) / DEFAULT_FILE_NAME
        if default.is_file():
            return load_mock_config(default)
    return None


def _read(source: Mapping[str, Any] | str | os.PathLike[str]) -> tuple[Any, str | None]:
    if isinstance(source, Mapping):
        return source, None
    if isinstance(source, str) and source.lstrip().startswith("{"):
        text, where = source, None
    else:
        where = os.fspath(source)
        try:
            text = Path(where).read_text(encoding="utf-8")
        except OSError as exc:
            message = f"cannot read the mock configuration: {exc.strerror}"
            raise LoadError(message, source=where) from None
    try:
        return json.loads(text), where
    except json.JSONDecodeError as exc:
        raise LoadError(
            f"invalid JSON: {exc.msg}", source=where, line=exc.lineno, column=exc.colno
        ) from None


def _build(
    raw: Mapping[str, Any], warnings: tuple[Diagnostic, ...], where: str | None
) -> MockConfig:
    responses = {
        name: MockedResponse(name, tuple(sorted(_spans(slots), key=lambda s: s[0])))
        for name, slots in raw.get("MockedResponses", {}).items()
    }
    test_cases = {
        machine: {
            case: MockTestCase(machine, case, dict(states))
            for case, states in body.get("TestCases", {}).items()
        }
        for machine, body in raw.get("StateMachines", {}).items()
    }
    return MockConfig(test_cases, responses, warnings, where)


def _spans(slots: Mapping[str, Any]) -> Iterator[tuple[int, int, Outcome]]:
    for key, slot in slots.items():
        first, last = _parse_key(key)  # checked already
        if "Return" in slot:
            yield first, last, MockReturn(slot["Return"])
        else:
            throw = slot["Throw"]
            yield first, last, MockThrow(throw["Error"], throw.get("Cause"))


def _parse_key(key: str) -> tuple[int, int]:
    m = _KEY.fullmatch(key)
    if m is None:
        raise ValueError(key)
    first = int(m.group(1))
    last = int(m.group(2)) if m.group(2) is not None else first
    return first, last


# -- checking ----------------------------------------------------------------------------------


def _error(path: Loc, message: str) -> Diagnostic:
    return Diagnostic(path, message, code="INVALID_MOCK_CONFIG")


def _warning(path: Loc, message: str) -> Diagnostic:
    return Diagnostic(path, message, code="INVALID_MOCK_CONFIG", severity="WARNING")


def _hint(name: str, known: Any) -> str:
    close = difflib.get_close_matches(name, [str(k) for k in known], n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def iter_mock_diagnostics(raw: Any) -> Iterator[Diagnostic]:
    """Every problem of a mock configuration (a parsed JSON value), located; never raises."""
    if not isinstance(raw, Mapping):
        yield _error((), "a mock configuration must be a JSON object")
        return
    for key in raw:
        if key not in _TOP_FIELDS:
            yield _error((key,), f"unknown field '{key}'{_hint(key, _TOP_FIELDS)}")
    responses = raw.get("MockedResponses", {})
    if not isinstance(responses, Mapping):
        yield _error(("MockedResponses",), "must be an object")
        responses = {}
    for name, slots in responses.items():
        yield from _check_response(("MockedResponses", name), slots)
    machines = raw.get("StateMachines", {})
    if not isinstance(machines, Mapping):
        yield _error(("StateMachines",), "must be an object")
        return
    for machine, body in machines.items():
        yield from _check_machine(("StateMachines", machine), body, responses)


def _check_machine(path: Loc, body: Any, responses: Mapping[str, Any]) -> Iterator[Diagnostic]:
    if not isinstance(body, Mapping):
        yield _error(path, "must be an object with a TestCases field")
        return
    for key in body:
        if key != "TestCases":
            yield _error((*path, key), f"unknown field '{key}'{_hint(key, ['TestCases'])}")
    cases = body.get("TestCases")
    if not isinstance(cases, Mapping):
        yield _error((*path, "TestCases"), "must be an object (test case name -> mocked states)")
        return
    for case, states in cases.items():
        where = (*path, "TestCases", case)
        if not isinstance(states, Mapping):
            yield _error(where, "must be an object (state name -> mocked response name)")
            continue
        for state, response in states.items():
            if not isinstance(response, str):
                yield _error((*where, state), "must be the name of a mocked response (a string)")
            elif response not in responses:
                yield _error(
                    (*where, state),
                    f"no mocked response '{response}' in MockedResponses"
                    + _hint(response, responses),
                )


def _check_response(path: Loc, slots: Any) -> Iterator[Diagnostic]:
    if not isinstance(slots, Mapping):
        yield _error(path, "must be an object (invocation numbers -> Return or Throw)")
        return
    if not slots:
        yield _warning(path, "has no responses: the first invocation will fail the execution")
        return
    spans: list[tuple[int, int, str]] = []
    for key, slot in slots.items():
        try:
            first, last = _parse_key(key)
        except ValueError:
            yield _error((*path, key), "is not an invocation number ('0', '3') or range ('1-2')")
            continue
        if first > last:
            yield _error((*path, key), f"is an empty range: {first} is after {last}")
            continue
        spans.append((first, last, key))
        yield from _check_slot((*path, key), slot)
    yield from _check_spans(path, sorted(spans))


def _check_spans(path: Loc, spans: list[tuple[int, int, str]]) -> Iterator[Diagnostic]:
    expected = 0
    for i, (first, last, key) in enumerate(spans):
        if i > 0 and first <= spans[i - 1][1]:
            yield _error(
                (*path, key), f"overlaps '{spans[i - 1][2]}': invocation {first} is in both"
            )
        elif first > expected:
            missing = str(expected) if first - 1 == expected else f"{expected}-{first - 1}"
            yield _warning(
                path, f"has no response for invocation {missing}: it would fail the execution"
            )
        expected = max(expected, last + 1)


def _check_slot(path: Loc, slot: Any) -> Iterator[Diagnostic]:
    if not isinstance(slot, Mapping):
        yield _error(path, "must be an object with Return or Throw")
        return
    for key in slot:
        if key not in ("Return", "Throw"):
            yield _error((*path, key), f"unknown field '{key}'{_hint(key, ['Return', 'Throw'])}")
    if "Return" in slot and "Throw" in slot:
        yield _error(path, "Return and Throw together: a response is one or the other")
    elif "Throw" in slot:
        yield from _check_throw((*path, "Throw"), slot["Throw"])
    elif "Return" not in slot:
        yield _error(path, "needs a Return or a Throw")


def _check_throw(path: Loc, throw: Any) -> Iterator[Diagnostic]:
    if not isinstance(throw, Mapping):
        yield _error(path, "must be an object with Error and Cause")
        return
    for key in throw:
        if key not in ("Error", "Cause"):
            yield _error((*path, key), f"unknown field '{key}'{_hint(key, ['Error', 'Cause'])}")
    if "Error" not in throw:
        yield _error(path, "Throw without Error: the error name is required")
    elif not isinstance(throw["Error"], str):
        yield _error((*path, "Error"), "must be a string")
    if "Cause" in throw and not isinstance(throw["Cause"], str):
        yield _error((*path, "Cause"), "must be a string")


def check_against_machine(
    config: MockConfig, machine: str, definition: Machine
) -> list[Diagnostic]:
    """Problems of ``machine``'s test cases against its definition (a loaded model).

    An error for a mocked state the definition does not have (at any depth: Parallel branches
    and Map processors included); a warning for a mocked state that is not a Task, since only a
    Task invokes a resource, so its mock is never used.
    """
    states = dict(_all_states(definition))
    out: list[Diagnostic] = []
    for case in config.test_cases.get(machine, {}).values():
        for name in case.states:
            where: Loc = ("StateMachines", machine, "TestCases", case.name, name)
            state_type = states.get(name)
            if state_type is None:
                out.append(
                    _error(where, f"no state '{name}' in the definition{_hint(name, states)}")
                )
            elif state_type != "Task":
                out.append(
                    _warning(
                        where, f"'{name}' is a {state_type} state: only a Task state is mocked"
                    )
                )
    return out


def _all_states(machine: Machine) -> Iterator[tuple[str, str]]:
    for name, state in machine.states.items():
        yield name, state.type
        if isinstance(state, ParallelState):
            for branch in state.branches:
                yield from _all_states(branch)
        elif isinstance(state, MapState) and state.processor is not None:
            yield from _all_states(state.processor)
