"""An offline TestState: one state run alone, answered in the shape of AWS's TestState API.

The state runs through the real engine inside a small synthetic state machine: the tested
state (its ``Next`` made ``End``, its ``Retry`` taken out), a ``Succeed`` stub for each
state its Choice rules, ``Default`` or Catchers lead to, and, when ``variables`` are given,
a ``Pass`` state before it that assigns them.  The answer is read from that execution's
history: the status, output, error and cause, and ``nextState`` (the stub entered next, or
the state's own ``Next``).  Retry is decided here, as AWS's TestState decides it: the first
Retrier matching the error with attempts left (``stateConfiguration.retrierRetryCount``)
makes the status ``RETRIABLE``; otherwise a matching Catcher gives ``CAUGHT_ERROR``.
The ``inspectionData`` stages (``afterInputPath``, ``afterResultSelector``, ...) are
recomputed from the state's definition with the same path and template code the engine uses.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from typing import Any, Final, NoReturn

from aslrun._json import JSON, dumps
from aslrun.errors import AslrunError, StatesError
from aslrun.handlers.registry import ResourceRegistry, describe_resource
from aslrun.runtime.clock import VirtualClock
from aslrun.runtime.retry import matches
from aslrun.toolkit import mockshapes
from aslrun.toolkit.test_state_config import (
    TestStateError,
    check_error_caused_by,
    given_context,
    map_threshold,
    reader_items,
)
from aslrun.toolkit.test_state_inspect import inspection_data

__all__ = ["TestStateError", "test_state"]

MOCK_RESOURCE = "arn:aws:states:::aslrun:testState.mock"
_VARS_STATE = "aslrun: TestState variables"
INSPECTION_LEVELS = ("INFO", "DEBUG", "TRACE")
VALIDATION_MODES = ("STRICT", "PRESENT", "NONE")
_MOCK_ONLY_TYPES = ("Map", "Parallel")
_MOCK_ONLY_SUFFIXES = (".sync", ".sync:2", ".waitForTaskToken")


def _json_arg(name: str, value: JSON, code: str = "ValidationException") -> JSON:
    """JSON text parsed, or a value given as it is (copied: the run must not change it)."""
    if isinstance(value, str):
        try:
            parsed: JSON = json.loads(value)
        except ValueError as exc:
            raise TestStateError(code, f"{name}: not valid JSON ({exc})") from None
        return parsed
    return copy.deepcopy(value)


def _pick_state(doc: JSON, state_name: str | None) -> tuple[str, dict[str, Any], str | None]:
    """The tested state's name, its definition, and the machine's QueryLanguage."""
    if not isinstance(doc, dict):
        raise TestStateError("InvalidDefinition", "definition: must be a JSON object")
    if "States" in doc:
        states = doc.get("States")
        if not isinstance(states, dict):
            raise TestStateError("InvalidDefinition", "definition.States: must be an object")
        if state_name is None:
            raise TestStateError(
                "ValidationException",
                "stateName: required when definition is a whole state machine",
            )
        state = states.get(state_name)
        if not isinstance(state, dict):
            raise TestStateError(
                "ValidationException",
                f"stateName: the definition has no state named {state_name!r} at its top level",
            )
        ql = doc.get("QueryLanguage")
        return state_name, copy.deepcopy(state), ql if isinstance(ql, str) else None
    if state_name is not None:
        raise TestStateError(
            "ValidationException",
            "stateName: given, so definition must be a whole state machine (StartAt, States)",
        )
    if not isinstance(doc.get("Type"), str):
        raise TestStateError("InvalidDefinition", "definition: a state needs a 'Type'")
    return "TestState", doc, None


def _check_request(
    state: dict[str, Any],
    mock: Mapping[str, Any] | None,
    level: str,
    reveal: bool,
    context: JSON,
) -> None:
    if level not in INSPECTION_LEVELS:
        raise TestStateError(
            "ValidationException",
            f"inspectionLevel: {level!r} is not one of {', '.join(INSPECTION_LEVELS)}",
        )
    typ = state.get("Type")
    raw_resource = state.get("Resource")
    resource = raw_resource if isinstance(raw_resource, str) else ""
    if level == "TRACE" and not (typ == "Task" and resource.startswith("arn:aws:states:::http:")):
        raise TestStateError(
            "ValidationException", "inspectionLevel: TRACE applies to an HTTP Task only"
        )
    if context is not None and mock is None:
        raise TestStateError("ValidationException", "context: may be given only with a mock")
    if mock is None:
        needs = typ in _MOCK_ONLY_TYPES or (
            typ == "Task" and (":activity:" in resource or resource.endswith(_MOCK_ONLY_SUFFIXES))
        )
        if needs:
            raise TestStateError(
                "ValidationException",
                f"mock: required to test a {typ} state "
                "(Map, Parallel, activities, .sync and .waitForTaskToken need one)",
            )
        return
    if reveal:
        raise TestStateError("ValidationException", "revealSecrets: cannot be used with a mock")
    if typ not in ("Task", "Map", "Parallel"):
        raise TestStateError(
            "ValidationException", f"mock: only a Task, Map or Parallel state takes one, not {typ}"
        )
    if ("result" in mock) == ("errorOutput" in mock):
        raise TestStateError(
            "ValidationException", "mock: give exactly one of 'result' and 'errorOutput'"
        )
    mode = mock.get("fieldValidationMode", "STRICT")
    if mode not in VALIDATION_MODES:
        raise TestStateError(
            "ValidationException",
            f"mock.fieldValidationMode: {mode!r} is not one of {', '.join(VALIDATION_MODES)}",
        )
    err = mock.get("errorOutput")
    if err is not None and (not isinstance(err, dict) or not isinstance(err.get("error"), str)):
        raise TestStateError("ValidationException", "mock.errorOutput.error: required (a string)")


def _validate_mock(state: Mapping[str, Any], mock: Mapping[str, Any]) -> None:
    """A mocked Task result checked against its service's response shape in botocore's
    model (fieldValidationMode STRICT or PRESENT), as TestState checks it; a resource
    without a model (HTTP, API Gateway, .sync ...) is not checked."""
    mode = str(mock.get("fieldValidationMode", "STRICT"))
    if mode == "NONE" or "result" not in mock or state.get("Type") != "Task":
        return
    resource = state.get("Resource")
    operation = mockshapes.operation_for(
        describe_resource(resource if isinstance(resource, str) else "")
    )
    if operation is None:
        return
    mockshapes.require_botocore(mode)
    shape = mockshapes._output_shape(*operation)
    if shape is None:
        return
    value = _json_arg("mock.result", mock["result"])
    for _, message in mockshapes.check_value(value, shape, mode):
        raise TestStateError(
            "ValidationException",
            f"Mock result schema validation error: {message} ({operation[0]} {operation[1]}'s "
            f"response; fieldValidationMode {mode})",
        )


def _mock_handler(mock: Mapping[str, Any]) -> Callable[[JSON], JSON]:

    if "errorOutput" in mock:
        err = mock["errorOutput"]
        error, cause = err["error"], err.get("cause")

        def fail(_event: JSON) -> NoReturn:
            raise StatesError(error, cause)

        return fail
    result = _json_arg("mock.result", mock["result"])
    return lambda _event: copy.deepcopy(result)


_NOT_MOCKED: Final = (
    "ItemsPath",
    "ItemSelector",
    "ItemProcessor",
    "Iterator",
    "Items",
    "Branches",
    "ItemReader",
    "ItemBatcher",
    "ResultWriter",
    "MaxConcurrency",
    "MaxConcurrencyPath",
    "ToleratedFailureCount",
    "ToleratedFailurePercentage",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentagePath",
    "Label",
)
"""A Map's or Parallel's own work: with a mock, the mock's value stands for all of it."""


def _as_mocked_task(tested: dict[str, Any]) -> None:
    """A mocked Task, Map or Parallel becomes a Task answered by the mock: its input and
    output processing, Catch and Assign stay."""
    for key in _NOT_MOCKED:
        tested.pop(key, None)
    if tested.get("Type") in _MOCK_ONLY_TYPES:
        tested.pop("Parameters", None)  # a Map's Parameters are its ItemSelector
    tested["Type"] = "Task"
    tested["Resource"] = MOCK_RESOURCE


def _synthetic(
    name: str,
    state: dict[str, Any],
    ql: str | None,
    variables: dict[str, JSON] | None,
    mocked: bool,
) -> tuple[dict[str, Any], dict[str, str], str | None]:
    """The machine that runs the state once, the stub names back to the real targets, and
    the state's own ``Next``."""
    tested = dict(state)
    next_state = tested.pop("Next", None)
    tested.pop("Retry", None)
    if tested.get("Type") not in ("Choice", "Succeed", "Fail"):
        tested["End"] = True
    if mocked:
        _as_mocked_task(tested)
    stubs: dict[str, str] = {}

    def stub(target: JSON) -> JSON:
        if not isinstance(target, str):
            return target
        alias = target if target != name else f"{target} (next)"
        stubs[alias] = target
        return alias

    for rule in tested.get("Choices", []) if isinstance(tested.get("Choices"), list) else []:
        if isinstance(rule, dict) and "Next" in rule:
            rule["Next"] = stub(rule["Next"])
    if "Default" in tested:
        tested["Default"] = stub(tested["Default"])
    catchers = tested.get("Catch")
    if isinstance(catchers, list):
        tested["Catch"] = [
            {**c, "Next": stub(c.get("Next"))} if isinstance(c, dict) else c for c in catchers
        ]
    states: dict[str, Any] = {name: tested}
    states.update({alias: {"Type": "Succeed"} for alias in stubs})
    start = name
    if variables:
        states[_VARS_STATE] = {"Type": "Pass", "Assign": variables, "Next": name}
        start = _VARS_STATE
    machine: dict[str, Any] = {"StartAt": start, "States": states}
    if ql is not None:
        machine["QueryLanguage"] = ql
    return machine, stubs, next_state if isinstance(next_state, str) else None


def test_state(
    *,
    definition: JSON,
    roleArn: str | None = None,
    input: JSON = None,
    inspectionLevel: str = "INFO",
    revealSecrets: bool = False,
    variables: JSON = None,
    stateName: str | None = None,
    mock: Mapping[str, Any] | None = None,
    context: JSON = None,
    stateConfiguration: Mapping[str, Any] | None = None,
    handlers: ResourceRegistry | Mapping[str, Any] | None = None,
    start: float | None = None,
    seed: int | None = None,
) -> dict[str, Any]:
    """Run one state as AWS's TestState does and answer in its response shape.

    ``definition``, ``input``, ``variables``, ``context`` and ``mock.result`` are JSON text
    (as boto3 sends them) or the values themselves.  Without a mock a Task calls its handler
    from ``handlers``.  ``start``: the epoch second the test runs at.
    """
    from aslrun.api import load  # noqa: PLC0415  (the api imports the toolkit lazily too)

    name, state, ql = _pick_state(
        _json_arg("definition", definition, "InvalidDefinition"), stateName
    )
    _check_request(state, mock, inspectionLevel, revealSecrets, context)
    if mock is not None:
        _validate_mock(state, mock)
    raw_input = input if isinstance(input, str) else None
    value: JSON = _json_arg("input", input if input is not None else "{}", "InvalidExecutionInput")
    assigned = _json_arg("variables", variables) if variables is not None else None
    if assigned is not None and not isinstance(assigned, dict):
        raise TestStateError("ValidationException", "variables: must be a JSON object")
    given, config = given_context(context), dict(stateConfiguration or {})
    mock = _configured_mock(state, value, mock, config)
    machine_doc, stubs, own_next = _synthetic(name, state, ql, assigned, mock is not None)
    try:
        machine = load(machine_doc, name="TestState")
    except AslrunError as exc:  # a located DefinitionError: the state's own problems
        raise TestStateError("InvalidDefinition", str(exc)) from None
    registry: Any = handlers if mock is None else {MOCK_RESOURCE: _mock_handler(mock)}
    clock = VirtualClock(start=start) if start is not None else VirtualClock()
    execution = _run(machine, value, registry, clock, seed, given)
    events = execution.history
    answer = _answer(name, state, events, stubs, own_next, config)
    details = answer.pop("errorDetails", None)
    if inspectionLevel != "INFO":
        text = raw_input if raw_input is not None else dumps(value)
        data = inspection_data(
            machine.machine.states[name], state, events, name, text, value, assigned, given
        )
        if details:
            data["errorDetails"] = details
        answer["inspectionData"] = data
    return answer


def _configured_mock(
    state: Mapping[str, Any],
    value: JSON,
    mock: Mapping[str, Any] | None,
    config: Mapping[str, Any],
) -> Mapping[str, Any] | None:
    """The mock, or the Map's failure past its threshold (``mapIterationFailureCount`` of
    the input's or ``mapItemReaderData``'s items); ``errorCausedByState`` checked."""
    check_error_caused_by(state, mock, config)
    items = reader_items(state, config)
    failures = config.get("mapIterationFailureCount")
    if state.get("Type") == "Map" and isinstance(failures, int) and mock is not None:
        return map_threshold(state, value, failures, items) or mock
    return mock


def _run(
    machine: Any,
    value: JSON,
    handlers: Any,
    clock: VirtualClock,
    seed: int | None,
    given: Mapping[str, JSON] | None,
) -> Any:
    """The synthetic machine run to its end; ``given``: the request's Context object fields."""
    from aslrun.runtime.execution import ExecutionOptions  # noqa: PLC0415 - loaded on use

    registry = handlers if isinstance(handlers, ResourceRegistry) else ResourceRegistry(handlers)
    options = ExecutionOptions(seed=seed, aliases=machine.function_aliases, context=given)
    execution = machine._start(value, clock=clock, registry=registry, name=None, options=options)
    while not execution.done and clock.step():
        pass
    return execution


_FAILED_SUFFIXES = ("Failed", "TimedOut")


def _answer(
    name: str,
    state: dict[str, Any],
    events: list[dict[str, Any]],
    stubs: Mapping[str, str],
    own_next: str | None,
    config: Mapping[str, Any],
) -> dict[str, Any]:
    entered = exited = None
    error: tuple[str, str | None] | None = None
    next_entered: str | None = None
    for event in events:
        details = _details(event)
        kind = event["type"]
        if entered is None:
            if kind.endswith("StateEntered") and details.get("name") == name:
                entered = event
            continue
        if exited is None:
            if kind.endswith("StateExited") and details.get("name") == name:
                exited = details
            elif kind.endswith(_FAILED_SUFFIXES) and "error" in details and error is None:
                error = (details["error"], details.get("cause"))
            continue
        if kind.endswith("StateEntered"):
            next_entered = details.get("name")
            break
    if error is None and exited is None:
        for event in reversed(events):
            if event["type"] == "ExecutionFailed":
                d = _details(event)
                error = (d.get("error", ""), d.get("cause"))
    if error is None:
        assert exited is not None
        nxt = stubs.get(next_entered, next_entered) if next_entered else own_next
        return _shape("SUCCEEDED", output=exited.get("output"), nextState=nxt)
    return _failure(state, error, exited, stubs.get(next_entered or "", None), config)


def _failure(
    state: dict[str, Any],
    error: tuple[str, str | None],
    exited: Mapping[str, Any] | None,
    caught_by: str | None,
    config: Mapping[str, Any],
) -> dict[str, Any]:
    code, cause = error
    retriers = state.get("Retry") if isinstance(state.get("Retry"), list) else []
    done = int(config.get("retrierRetryCount") or 0)
    for index, retrier in enumerate(retriers or []):
        if not matches(retrier.get("ErrorEquals", []), code):
            continue
        if done < int(retrier.get("MaxAttempts", 3)):
            return _shape(
                "RETRIABLE",
                error=code,
                cause=cause,
                errorDetails={
                    "retryBackoffIntervalSeconds": _backoff(retrier, done),
                    "retryIndex": index,
                },
            )
        break  # the first matching Retrier applies; exhausted, the Catchers decide
    if exited is not None and caught_by is not None:
        catchers = state.get("Catch") if isinstance(state.get("Catch"), list) else []
        catch_index: int | None = next(
            (i for i, c in enumerate(catchers or []) if matches(c.get("ErrorEquals", []), code)),
            None,
        )
        return _shape(
            "CAUGHT_ERROR",
            output=exited.get("output"),
            nextState=caught_by,
            error=code,
            cause=cause,
            errorDetails=None if catch_index is None else {"catchIndex": catch_index},
        )
    return _shape("FAILED", error=code, cause=cause)


def _backoff(retrier: Mapping[str, Any], done: int) -> int | float:
    """IntervalSeconds x BackoffRate^retries done, capped by MaxDelaySeconds (no jitter)."""
    delay = (
        float(retrier.get("IntervalSeconds", 1)) * float(retrier.get("BackoffRate", 2.0)) ** done
    )
    cap = retrier.get("MaxDelaySeconds")
    if isinstance(cap, (int, float)):
        delay = min(delay, float(cap))
    return int(delay) if delay.is_integer() else delay


def _shape(status: str, **fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {k: v for k, v in fields.items() if v is not None}
    out["status"] = status
    return out


def _details(event: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            return value
    return {}


test_state.__test__ = False  # type: ignore[attr-defined]  # pytest: not a test when imported
