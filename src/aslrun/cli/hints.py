"""What ``aslrun run`` adds on stderr after a run, beside AWS's own texts.

A Lambda Task whose function has no handler fails as AWS fails a missing function
(``Lambda.ResourceNotFoundException``, "Function not found: ARN"); the cause stays AWS's, and
the CLI says which handler keys are registered and how to register one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from aslrun.api import Execution
from aslrun.cli.timeline import event_state_names
from aslrun.handlers.registry import ResourceRegistry, function_name_of

__all__ = ["missing_handlers", "waiting_for_tokens"]

_SHOWN_KEYS: Final = 10
_FAILED = {
    "LambdaFunctionFailed": "lambdaFunctionFailedEventDetails",
    "TaskFailed": "taskFailedEventDetails",
}


def missing_handlers(
    history: Sequence[Mapping[str, Any]],
    handlers: Mapping[str, Callable[..., Any]],
    aliases: Mapping[str, str],
) -> list[str]:
    """One hint per Lambda Task (function and state) that failed for want of a handler.

    A failure counts when its error is ``Lambda.ResourceNotFoundException`` and the handler
    lookup finds nothing for the scheduled Task (a registered handler that raises that error
    itself gets no hint).
    """
    registry = ResourceRegistry(handlers)
    by_id = {event["id"]: event for event in history}
    names = event_state_names(history)
    hints: list[str] = []
    seen: set[tuple[str, str]] = set()
    for event in history:
        key = _FAILED.get(event["type"])
        if key is None or event.get(key, {}).get("error") != "Lambda.ResourceNotFoundException":
            continue
        scheduled = _scheduled_before(event, by_id)
        if scheduled is None:
            continue
        resource, function = _resource_and_function(scheduled)
        state = names.get(event["id"], "")
        if registry.lookup(resource, function, state, aliases) is not None:
            continue
        shown = function_name_of(function) or state
        if (shown, state) not in seen:
            seen.add((shown, state))
            hints.append(_hint(shown, state, sorted(handlers)))
    return hints


def _scheduled_before(
    event: Mapping[str, Any], by_id: Mapping[int, Mapping[str, Any]]
) -> Mapping[str, Any] | None:
    """The ``*Scheduled`` event the failure follows (through a ``*Started`` one, if any)."""
    previous = by_id.get(event["previousEventId"])
    for _ in range(2):
        if previous is None:
            return None
        if previous["type"] in ("LambdaFunctionScheduled", "TaskScheduled"):
            return previous
        previous = by_id.get(previous["previousEventId"])
    return None


def _resource_and_function(scheduled: Mapping[str, Any]) -> tuple[str, str | None]:
    legacy = scheduled.get("lambdaFunctionScheduledEventDetails")
    if legacy is not None:
        resource = str(legacy.get("resource", ""))
        return resource, resource
    details = scheduled.get("taskScheduledEventDetails", {})
    resource = f"arn:aws:states:::{details.get('resourceType', '')}:{details.get('resource', '')}"
    try:
        parameters = json.loads(details.get("parameters", "null"))
    except ValueError:
        parameters = None
    function = parameters.get("FunctionName") if isinstance(parameters, dict) else None
    return resource, function if isinstance(function, str) else None


def _hint(function: str, state: str, keys: list[str]) -> str:
    shown = ", ".join(repr(k) for k in keys[:_SHOWN_KEYS]) or "none"
    if len(keys) > _SHOWN_KEYS:
        shown += f", ... ({len(keys)} in all)"
    return (
        f"no handler for the Lambda function {function!r} (Task state {state!r}); "
        f"registered handler keys: {shown}. Register one in a --handlers module: "
        f"HANDLERS = {{{function!r}: fn}}, or decorate fn with @aslrun.handler({function!r}) "
        "(the state's name or a glob over the Resource match too)"
    )


def waiting_for_tokens(execution: Execution) -> list[str]:
    """One hint per ``.waitForTaskToken`` Task still waiting when the clock ran dry: as on
    AWS, the handler's return value is the integration's response, not the callback."""
    if execution.status != "RUNNING":
        return []
    return [
        f"the Task '{state.name}' is waiting for its task token: its handler is the "
        "integration receiving the message; answer as the worker with "
        "context.send_task_success(output, after=seconds) or context.send_task_failure(...)"
        for state in execution.current_states
        if state.type == "Task"
    ]
