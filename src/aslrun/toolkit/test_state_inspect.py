"""TestState's ``inspectionData`` (DEBUG): the stages of a state's data flow.

What the engine recorded is read from the history (the Task's parameters as scheduled, its
raw result); what it does not record (the input after InputPath, the result after
ResultSelector and after ResultPath) is recomputed from the loaded state with the engine's
own path and template functions, on the recorded values.  A stage that failed is left out,
as AWS leaves out the stages after a failure.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

from aslrun._json import JSON, dumps
from aslrun.errors import StatesError
from aslrun.lang.paths import PathNotFound, PathSyntaxError, compile_path
from aslrun.lang.templates import Scope, apply_input_path, apply_result_path, resolve_in

__all__ = ["inspection_data"]


class _Info:
    """The run information a path or template reads ($$ and $variables) for a recomputed
    stage: the variables before the state ran and the Context object of its entry."""

    def __init__(self, variables: Mapping[str, JSON], context: JSON) -> None:
        self._variables = variables
        self._context = context

    @property
    def variables(self) -> Mapping[str, JSON]:
        return self._variables

    def context(self) -> JSON:
        return self._context

    def jsonata_bindings(self, scope: Scope) -> Any:  # JSONPath stages only
        raise NotImplementedError


def _details(event: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            return value
    return {}


def _recorded(events: list[dict[str, Any]], name: str) -> dict[str, Any]:
    """The tested state's recorded values: parameters, raw result, entered time, the
    variables it assigned."""
    found: dict[str, Any] = {}
    inside = False
    for event in events:
        kind, details = event["type"], _details(event)
        if kind.endswith("StateEntered") and details.get("name") == name and not inside:
            inside = True
            found["entered"] = event["timestamp"]
            continue
        if not inside:
            if kind == "ExecutionStarted":
                found["execution"] = details
            continue
        if kind in ("TaskScheduled",):
            found["parameters"] = json.loads(details.get("parameters", "null"))
        elif kind in ("LambdaFunctionScheduled",):
            found["parameters"] = json.loads(details.get("input", "null"))
        elif kind.endswith("Succeeded") and "output" in details and kind != "ExecutionSucceeded":
            found["result"] = json.loads(details["output"])
        elif kind.endswith("StateExited") and details.get("name") == name:
            found["assigned"] = details.get("assignedVariables") or {}
            break
    return found


def inspection_data(
    model: Any,
    raw_state: Mapping[str, Any],
    events: list[dict[str, Any]],
    name: str,
    input_text: str,
    value: JSON,
    variables: Mapping[str, JSON] | None,
    given: Mapping[str, JSON] | None = None,
) -> dict[str, JSON]:
    """The ``inspectionData`` of a DEBUG answer, each value JSON text as AWS returns it;
    ``given``: the request's Context object fields."""
    from aslrun.runtime.frame import overlay_context  # noqa: PLC0415 - loaded on use

    got = _recorded(events, name)
    data: dict[str, JSON] = {"input": input_text}
    context = overlay_context({"State": {"Name": name}}, given or {})
    info = _Info(dict(variables or {}), context)
    if model.jsonata:
        if "parameters" in got and "Arguments" in raw_state:
            data["afterArguments"] = dumps(got["parameters"])
        if "result" in got:
            data["result"] = dumps(got["result"])
    else:
        _jsonpath_stages(model, raw_state, got, value, info, data)
    if raw_state.get("Type") == "Map":
        for field, key in (
            ("ToleratedFailureCount", "toleratedFailureCount"),
            ("ToleratedFailurePercentage", "toleratedFailurePercentage"),
            ("MaxConcurrency", "maxConcurrency"),
        ):
            if isinstance(raw_state.get(field), (int, float)):
                data[key] = raw_state[field]
    after = dict(variables or {})
    for key, text in (got.get("assigned") or {}).items():
        after[key] = json.loads(text) if isinstance(text, str) else text
    if after:
        data["variables"] = dumps(after)
    return data


def _jsonpath_stages(
    model: Any,
    raw_state: Mapping[str, Any],
    got: Mapping[str, Any],
    value: JSON,
    info: _Info,
    data: dict[str, JSON],
) -> None:
    typ = raw_state.get("Type")
    try:
        if typ == "Pass" and getattr(model, "has_result", False):
            selected: JSON = copy.deepcopy(model.result)
        else:
            effective = apply_input_path(model.input_path, copy.deepcopy(value), info)
            data["afterInputPath"] = dumps(effective)
            if typ == "Map":
                _items_path(raw_state, effective, info, data)
            if typ == "Pass":
                params = model.parameters
                selected = params.evaluate(Scope(effective, info)) if params else effective
                data["afterParameters"] = dumps(selected)
            elif "parameters" in got:
                if typ == "Task":
                    data["afterParameters"] = dumps(got["parameters"])
                if "result" not in got:
                    return
                data["result"] = dumps(got["result"])
                selector = getattr(model, "result_selector", None)
                selected = (
                    selector.evaluate(Scope(got["result"], info)) if selector else got["result"]
                )
            else:
                return
        data["afterResultSelector"] = dumps(selected)
        combined = apply_result_path(model.result_path, copy.deepcopy(value), selected)
        data["afterResultPath"] = dumps(combined)
    except StatesError:
        return  # the stage that failed, and those after it, are not shown


def _items_path(
    raw_state: Mapping[str, Any], effective: JSON, info: _Info, data: dict[str, JSON]
) -> None:
    text = raw_state.get("ItemsPath")
    if not isinstance(text, str):
        return
    try:
        data["afterItemsPath"] = dumps(resolve_in(compile_path(text), Scope(effective, info)))
    except (PathNotFound, PathSyntaxError):
        return
