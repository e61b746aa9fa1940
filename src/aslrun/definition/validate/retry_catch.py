"""Validation of Retry and Catch: retriers, catchers and their ErrorEquals lists."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from aslrun.definition.validate.checks import (
    StateContext,
    check_int,
    check_path,
    error,
    is_number,
    language_message,
)
from aslrun.errors import Diagnostic

__all__ = ["rule_catch", "rule_retry"]

Loc = tuple[str | int, ...]


_RETRIER_FIELDS = frozenset(
    {
        "ErrorEquals",
        "IntervalSeconds",
        "MaxAttempts",
        "BackoffRate",
        "MaxDelaySeconds",
        "JitterStrategy",
        "Comment",
    }
)
_CATCHER_FIELDS = frozenset({"ErrorEquals", "Next", "ResultPath", "Output", "Assign", "Comment"})


def _error_equals(value: Any, path: Loc, last: bool) -> Iterator[Diagnostic]:
    if not isinstance(value, list) or not value:
        yield error(path, "The field 'ErrorEquals' must be a non-empty array of error names")
        return
    for i, name in enumerate(value):
        if not isinstance(name, str):
            yield error((*path, i), "An error name must be a string")
    if "States.ALL" in value and len(value) > 1:
        yield error(path, "'States.ALL' must appear alone in 'ErrorEquals'")
    if "States.ALL" in value and not last:
        yield error(path, "'States.ALL' must be in the last retrier/catcher")


_Check = Callable[[StateContext, Mapping[str, Any], Loc, bool], Iterator[Diagnostic]]


def rule_retry(ctx: StateContext) -> Iterator[Diagnostic]:
    yield from _each(ctx, "Retry", "retrier", _retrier)


def rule_catch(ctx: StateContext) -> Iterator[Diagnostic]:
    yield from _each(ctx, "Catch", "catcher", _catcher)


def _each(ctx: StateContext, key: str, noun: str, check: _Check) -> Iterator[Diagnostic]:
    """Run ``check(ctx, entry, path, is_last)`` on each object of a Retry or Catch array."""
    entries = ctx.body.get(key)
    if key not in ctx.body or ctx.type not in ("Task", "Parallel", "Map"):
        return
    if not isinstance(entries, list):
        yield error((*ctx.path, key), f"The field '{key}' must be an array")
        return
    for i, entry in enumerate(entries):
        path = (*ctx.path, key, i)
        if not isinstance(entry, dict):
            yield error(path, f"A {noun} must be an object")
            continue
        yield from check(ctx, entry, path, i == len(entries) - 1)


def _retrier(
    ctx: StateContext, retrier: Mapping[str, Any], path: Loc, last: bool
) -> Iterator[Diagnostic]:
    for key in retrier:
        if key not in _RETRIER_FIELDS:
            yield error((*path, key), f"Field '{key}' is not supported")
    yield from _error_equals(retrier.get("ErrorEquals"), (*path, "ErrorEquals"), last)
    if "IntervalSeconds" in retrier:
        yield from check_int(ctx, retrier["IntervalSeconds"], (*path, "IntervalSeconds"), 1)
    if "MaxAttempts" in retrier:
        yield from check_int(ctx, retrier["MaxAttempts"], (*path, "MaxAttempts"), 0)
    if "MaxDelaySeconds" in retrier:
        yield from check_int(
            ctx, retrier["MaxDelaySeconds"], (*path, "MaxDelaySeconds"), 1, 31622400
        )
    rate = retrier.get("BackoffRate")
    if "BackoffRate" in retrier and not (is_number(rate) and rate >= 1.0):
        yield error((*path, "BackoffRate"), "The field 'BackoffRate' must be a number >= 1.0")
    if "JitterStrategy" in retrier and retrier["JitterStrategy"] not in ("FULL", "NONE"):
        yield error(
            (*path, "JitterStrategy"), "The field 'JitterStrategy' must be 'FULL' or 'NONE'"
        )


def _catcher(
    ctx: StateContext, catcher: Mapping[str, Any], path: Loc, last: bool
) -> Iterator[Diagnostic]:
    for key in catcher:
        if key not in _CATCHER_FIELDS:
            yield error((*path, key), f"Field '{key}' is not supported")
        elif (ctx.jsonata and key == "ResultPath") or (not ctx.jsonata and key == "Output"):
            yield error((*path, key), language_message(ctx.language, key))
    yield from _error_equals(catcher.get("ErrorEquals"), (*path, "ErrorEquals"), last)
    if not isinstance(catcher.get("Next"), str):
        yield error((*path, "Next"), "The field 'Next' is required in a catcher")
    if not ctx.jsonata and "ResultPath" in catcher:
        yield from check_path(catcher["ResultPath"], (*path, "ResultPath"), "reference", ctx.pieces)
