"""Parallel and Map: child processes on the one scheduler.

A Parallel branch and a Map iteration each run as their own process with their own frame
(variable scope and event chain); the state waits on a ``Join`` and gathers results in order.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from aslrun._json import JSON, MAX_PAYLOAD_BYTES, dumps
from aslrun.definition.model import Dynamic, MapState, Template
from aslrun.errors import StateFailure, StatesError
from aslrun.lang.paths import Path
from aslrun.lang.templates import Scope, evaluate_typed, resolve_field
from aslrun.runtime.frame import Frame, StateRun
from aslrun.runtime.guarded import run_guarded
from aslrun.runtime.history import shape
from aslrun.runtime.maprun import MapRunHandle, MapRunObserver
from aslrun.runtime.process import Effect, Join, Proc, StateGen
from aslrun.runtime.states.distributed import batch_items, read_items, write_results
from aslrun.runtime.states.parallel import _effective, _select, _spawn

__all__ = ["run_map"]


# ----------------------------------------------------------------------------------------------
# Map


class _MapConfig:
    __slots__ = ("items", "max_concurrency", "tolerated_count", "tolerated_percentage")

    def __init__(
        self,
        items: list[JSON],
        max_concurrency: int,
        tolerated_count: int | None,
        tolerated_percentage: float | None,
    ) -> None:
        self.items = items
        self.max_concurrency = max_concurrency
        self.tolerated_count = tolerated_count
        self.tolerated_percentage = tolerated_percentage


def run_map(state: MapState, frame: Frame, data: JSON) -> StateGen:
    run = frame.enter(state, data)
    try:
        effective = _effective(state, run, data)
        items = yield from _items(state, run, effective)
    except StateFailure as f:
        err = frame.located(run, f)
        frame.event("MapStateFailed")
        raise err from None
    frame.event("MapStateStarted", {"length": len(items)})
    try:
        config = _map_config(state, run, effective, items)
    except StateFailure as f:
        raise frame.located(run, f) from None

    def attempt(run: StateRun) -> Generator[Effect, Any, JSON]:
        result = yield from _iterate(state, frame, run, effective, config)
        return _select(state, run, result)

    return (yield from run_guarded(frame, run, state, attempt, "MapStateFailed"))


def _iterate(
    state: MapState, frame: Frame, run: StateRun, effective: JSON, config: _MapConfig
) -> Generator[Effect, Any, JSON]:
    items = config.items
    distributed = state.mode == "DISTRIBUTED"
    observer = frame.rt.map_runs if distributed else None  # a service lists the children
    if distributed:
        frame.event("MapRunStarted", {"mapRunArn": _map_run_arn(frame, state)})
    processor = state.processor
    assert processor is not None
    inputs = _inputs(state, run, effective, items)
    failures: list[StatesError] = []
    tolerated = _tolerated(config, len(items))
    handle = None if observer is None else _observe(observer, frame, state, config, len(inputs))

    def on_done(index: int, value: JSON, error: StatesError | None) -> bool:
        if handle is not None:
            handle.child_ended(index, value, error)
        if error is None:
            return False
        failures.append(error)
        return len(failures) > tolerated

    bounds = [-1] * len(inputs)  # each iteration's output, as its last state measured it
    named = (("name", state.name),)  # MapIteration<outcome> events: {"name", "index"}
    shapes = {o: shape(f"MapIteration{o}", named, "index", payload=False) for o in _OUTCOMES}
    started = shapes["Started"]

    def factory(i: int) -> Callable[[], Proc]:
        def before(child: Frame) -> None:
            if handle is not None:
                handle.child_started(i, child.rt.history, inputs[i])
            if not distributed:
                child.record(started, i)

        def after(child: Frame, outcome: str) -> None:
            bounds[i] = child.bound if outcome == "Succeeded" else -1
            if not distributed:
                child.record(shapes[outcome], i)

        return lambda: _spawn(frame, processor, inputs[i], before, after, separate=distributed)

    join = Join([factory(i) for i in range(len(inputs))], config.max_concurrency, on_done)
    outcomes = yield from _join(join, handle)
    if len(failures) > tolerated:
        raise _too_many_failures(frame, config, handle, failures[0], distributed)
    results: list[JSON] = [o[0] if o is not None and o[1] is None else None for o in outcomes]
    _vouch(frame, results, bounds)
    output: JSON = results
    if state.result_writer is not None:
        arn = _map_run_arn(frame, state)
        output = yield from write_results(state, run, effective, results, arn)
    if handle is not None:
        handle.ended("SUCCEEDED")
    if distributed:
        frame.event("MapRunSucceeded")
    frame.event("MapStateSucceeded")
    return output


_OUTCOMES = ("Started", "Succeeded", "Failed", "Aborted")


def _inputs(state: MapState, run: StateRun, effective: JSON, items: list[JSON]) -> list[JSON]:
    """Each iteration's input: the item through ItemSelector (Parameters), then batched."""
    selector = state.item_selector or state.parameters
    inputs = [_item_input(selector, run, effective, i, item) for i, item in enumerate(items)]
    if state.item_batcher is not None:
        inputs = batch_items(state, run, effective, inputs)
    return inputs


def _vouch(frame: Frame, results: list[JSON], bounds: list[int]) -> None:
    """The iterations' outputs were each measured as their last state ended (under the size
    limit, within the depth limit): when they all were, the list of them is vouched for and
    the Map state's exit need not walk it again (a thousand items cost a millisecond)."""
    if -1 in bounds:
        return
    total = sum(bounds) + len(bounds) + 1  # brackets and commas
    if total <= MAX_PAYLOAD_BYTES:
        frame.vouch(results, total)


def _too_many_failures(
    frame: Frame,
    config: _MapConfig,
    handle: MapRunHandle | None,
    first: StatesError,
    distributed: bool,
) -> StatesError:
    """The Map fails: with its first failure when no threshold is set, else with AWS's
    ``States.ExceedToleratedFailureThreshold`` (a Distributed run records MapRunFailed)."""
    if handle is not None:
        handle.ended("FAILED", first)
    if distributed:
        frame.event("MapRunFailed", {"error": "States.ExceedToleratedFailureThreshold"})
    if config.tolerated_count is None and config.tolerated_percentage is None:
        return first
    return StatesError(
        "States.ExceedToleratedFailureThreshold",
        "The specified tolerated failure threshold was exceeded",
    )


def _join(
    join: Join, handle: MapRunHandle | None
) -> Generator[Effect, Any, list[tuple[JSON, StatesError | None] | None]]:
    """Wait for the iterations; a Map Run stopped with its execution is ABORTED."""
    try:
        outcomes: list[tuple[JSON, StatesError | None] | None] = yield join
    except GeneratorExit:
        if handle is not None:
            handle.ended("ABORTED")
        raise
    return outcomes


def _observe(
    observer: MapRunObserver, frame: Frame, state: MapState, config: _MapConfig, total: int
) -> MapRunHandle:
    return observer.started(
        frame.rt,
        _map_run_arn(frame, state),
        state.label or state.name,
        config.max_concurrency,
        config.tolerated_count,
        config.tolerated_percentage,
        total,
    )


def _map_run_arn(frame: Frame, state: MapState) -> str:
    rt = frame.rt
    name = rt.execution_name
    machine = rt.machine_name
    label = state.label or state.name
    return f"arn:aws:states:{rt.region}:{rt.account}:mapRun:{machine}/{label}:{name}"


def _item_input(
    selector: Template | None, run: StateRun, effective: JSON, index: int, item: JSON
) -> JSON:
    if selector is None:
        return item
    return selector.evaluate(Scope(effective, run.for_item(index, item)))


def _tolerated(config: _MapConfig, total: int) -> int:
    limits: list[int] = []
    if config.tolerated_count is not None:
        limits.append(config.tolerated_count)
    if config.tolerated_percentage is not None:
        limits.append(int(total * config.tolerated_percentage / 100.0))
    return max(limits) if limits else 0


def _map_config(state: MapState, run: StateRun, effective: JSON, items: list[JSON]) -> _MapConfig:
    def number(field: Dynamic | None) -> int | float | None:
        return None if field is None else field.resolve(run, effective)

    max_concurrency = number(state.max_concurrency)
    count = number(state.tolerated_failure_count)
    percentage = number(state.tolerated_failure_percentage)
    return _MapConfig(
        items,
        int(max_concurrency or 0),
        None if count is None else int(count),
        None if percentage is None else float(percentage),
    )


def _items(state: MapState, run: StateRun, effective: JSON) -> Generator[Effect, Any, list[JSON]]:
    if state.item_reader is not None:
        return (yield from read_items(state, run, effective))
    if state.jsonata:
        if state.items is not None:
            value = evaluate_typed(state.items, run, "Items", "array")
        else:
            value = effective
        error = "States.QueryEvaluationError"
    else:
        path = state.items_path
        value = (
            resolve_field(path, Scope(effective, run), "ItemsPath")
            if isinstance(path, Path)
            else effective  # absent or null: the effective input
        )
        error = "States.Runtime"
    if not isinstance(value, list):
        raise StateFailure(error, f"Map state input must be an array but was: {dumps(value)}")
    return value
