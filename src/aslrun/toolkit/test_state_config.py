"""TestState's request parts that stand for what a run alone cannot see: the ``context``
object given, and ``stateConfiguration``'s ``errorCausedByState``, ``mapItemReaderData``
and ``mapIterationFailureCount`` (a Map's or Parallel's work is mocked, so these say what
that work was)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NoReturn

from aslrun._json import JSON
from aslrun.errors import StatesError

__all__ = [
    "TestStateError",
    "check_error_caused_by",
    "given_context",
    "map_threshold",
    "reader_items",
]


class TestStateError(ValueError):
    """A TestState request AWS would refuse: ``code`` is AWS's exception name
    (``ValidationException``, ``InvalidDefinition``, ``InvalidExecutionInput``)."""

    __test__ = False  # not a pytest test class

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _refuse(message: str) -> NoReturn:
    raise TestStateError("ValidationException", message)


def given_context(context: JSON) -> dict[str, JSON] | None:
    """``context``: JSON text (or the value) of a Context object; its fields stand for the
    engine's (``Execution``, ``State``, ``StateMachine``, ``Task``, ``Map``)."""
    if context is None:
        return None
    if isinstance(context, str):
        try:
            context = json.loads(context)
        except ValueError as exc:
            _refuse(f"context: not valid JSON ({exc})")
    if not isinstance(context, dict):
        _refuse("context: must be a JSON object (a Context object)")
    return dict(context)


def _inner_states(state: Mapping[str, Any]) -> set[str]:
    """Every state name inside a Map's ItemProcessor or a Parallel's Branches, at any depth."""
    graphs: list[Any] = []
    for key in ("ItemProcessor", "Iterator"):
        graphs.append(state.get(key))
    branches = state.get("Branches")
    graphs.extend(branches if isinstance(branches, list) else [])
    names: set[str] = set()
    for graph in graphs:
        states = graph.get("States") if isinstance(graph, dict) else None
        if not isinstance(states, dict):
            continue
        for inner, body in states.items():
            names.add(inner)
            if isinstance(body, dict):
                names |= _inner_states(body)
    return names


def check_error_caused_by(
    state: Mapping[str, Any], mock: Mapping[str, Any] | None, config: Mapping[str, Any]
) -> None:
    """``errorCausedByState``: the state inside the tested Map or Parallel whose error the
    mock's ``errorOutput`` is; it must name one of their inner states."""
    name = config.get("errorCausedByState")
    if name is None:
        return
    if not isinstance(name, str) or not 1 <= len(name) <= 80:
        _refuse("stateConfiguration.errorCausedByState: a state name of 1 to 80 characters")
    if state.get("Type") not in ("Map", "Parallel"):
        _refuse("stateConfiguration.errorCausedByState: applies to a Map or Parallel state only")
    if mock is None or "errorOutput" not in mock:
        _refuse("stateConfiguration.errorCausedByState: needs a mock with errorOutput")
    if name not in _inner_states(state):
        _refuse(
            f"stateConfiguration.errorCausedByState: {name!r} is not a state of the "
            f"{state.get('Type')}'s {'ItemProcessor' if state.get('Type') == 'Map' else 'Branches'}"
        )


def reader_items(state: Mapping[str, Any], config: Mapping[str, Any]) -> list[JSON] | None:
    """``mapItemReaderData``: what the Map's ItemReader reads, as found in its source (the
    S3 object's text, or ListObjectsV2's answer), parsed as its ``ReaderConfig`` says."""
    from aslrun.runtime.states.distributed import _parse_body  # noqa: PLC0415 - loaded on use

    data = config.get("mapItemReaderData")
    if data is None:
        return None
    reader = state.get("ItemReader")
    if state.get("Type") != "Map" or not isinstance(reader, dict):
        _refuse("stateConfiguration.mapItemReaderData: applies to a Map with an ItemReader only")
    if not isinstance(data, str):
        data = json.dumps(data)
    found = reader.get("ReaderConfig")
    reader_config: dict[str, Any] = found if isinstance(found, dict) else {}
    resource = str(reader.get("Resource", ""))
    try:
        if resource.endswith("listObjectsV2"):
            body = json.loads(data)
            items = list(body.get("Contents", [])) if isinstance(body, dict) else []
        else:
            items = _parse_body(data, reader_config)
    except (ValueError, StatesError) as exc:
        _refuse(f"stateConfiguration.mapItemReaderData: {exc}")
    max_items = reader_config.get("MaxItems")
    if isinstance(max_items, int) and not isinstance(max_items, bool) and max_items > 0:
        items = items[:max_items]
    return items


def map_threshold(
    state: Mapping[str, Any], value: JSON, failures: int, items: list[JSON] | None
) -> dict[str, Any] | None:
    """``stateConfiguration.mapIterationFailureCount`` on a Map with a tolerated failure
    threshold: past it, the Map fails with States.ExceedToleratedFailureThreshold (the
    mock's error then); None while within it, or when the Map sets no threshold.  The
    items are ``mapItemReaderData``'s when given, else the input's at ``ItemsPath``."""
    from aslrun.lang.paths import PathNotFound, PathSyntaxError, compile_path  # noqa: PLC0415 - loaded on use
    from aslrun.lang.templates import Scope, resolve_in  # noqa: PLC0415 - loaded on use
    from aslrun.toolkit.test_state_inspect import _Info  # noqa: PLC0415 - loaded on use

    data: JSON = items if items is not None else value
    for key in ("InputPath", "ItemsPath") if items is None else ():
        text = state.get(key)
        if isinstance(text, str):
            try:
                data = resolve_in(compile_path(text), Scope(data, _Info({}, {})))
            except (PathNotFound, PathSyntaxError):
                return None
    total = len(data) if isinstance(data, list) else 0
    if failures > total:
        _refuse(
            f"stateConfiguration.mapIterationFailureCount: {failures} is more than the "
            f"{total} items of the Map's input"
        )
    count, percentage = state.get("ToleratedFailureCount"), state.get("ToleratedFailurePercentage")
    limits = [count] if isinstance(count, int) else []
    if isinstance(percentage, (int, float)):
        limits.append(int(total * percentage / 100.0))
    if not limits or failures <= max(limits):
        return None
    return {
        "errorOutput": {
            "error": "States.ExceedToleratedFailureThreshold",
            "cause": "The specified tolerated failure threshold was exceeded",
        }
    }
