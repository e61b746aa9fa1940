"""The default answer to an ``Invoke`` effect: call the Python handler registered for the
resource, as the service would call the function (Lambda's wire format, errors and limits),
and answer when the handler's simulated time (``context.sleep``) has passed.

``.waitForTaskToken``: the handler is the integration that receives the message (the SQS
queue, the Lambda function ...); its return value is the integration's response
(TaskSubmitted), and the Task waits for the callback: ``context.send_task_success`` from the
handler, or SendTaskSuccess through a service.  An activity: the handler is the worker; its
return value is the activity's output, an exception its failure."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from aslrun._json import JSON, MAX_PAYLOAD_BYTES, deep_copy, dumps, utf8_size
from aslrun.errors import StatesError
from aslrun.handlers.lambda_wire import lambda_error, lambda_invoke_response, lambda_log_tail
from aslrun.handlers.registry import (
    Handler,
    HandlerContext,
    decode_result,
    function_name_of,
    new_request_id,
)
from aslrun.runtime.invoke import FAILED, NO_HANDLER, SUCCEEDED, Answer, Invocation

__all__ = ["CALLBACK_INVOKER", "HANDLER_INVOKER", "HandlerInvoker", "function_arn", "short_name"]


class HandlerInvoker:
    """Answers invocations from the execution's ``ResourceRegistry`` (``Runtime.registry``).

    The handler runs at once; its answer arrives ``context.spent`` simulated seconds later
    (at once when it spent none).  See the module docstring for callbacks and activities.

    ``callbacks=True`` (``CALLBACK_INVOKER``): an activity task is never given to a handler;
    it is scheduled and waits, unstarted, for a worker's poll (``Invocation.begin``).
    """

    __slots__ = ("callbacks",)

    def __init__(self, *, callbacks: bool = False) -> None:
        self.callbacks = callbacks

    def start(self, invocation: Invocation) -> None:
        rt = invocation.rt
        activity = invocation.info.kind == "activity"
        if activity and self.callbacks:
            invocation.accept()  # ActivityScheduled; in the token table until a worker polls
            return
        handler = rt.registry.lookup(
            invocation.resource, invocation.function_name, invocation.state_name, rt.aliases
        )
        if handler is None:
            invocation.answer(Answer(NO_HANDLER))
            return
        invocation.begin()
        started = rt.clock.now()
        request_id = new_request_id(rt.random)
        context = _context(invocation, started, request_id)
        token = invocation.token
        answers = None
        if token is not None:
            answers = _ContextAnswers(invocation)
            context.task_token = token
            context._answers = answers
            context._answering = "activity" if activity else "callback"
        if invocation.raw:
            answer = self._call_raw(handler, invocation, context)
        elif activity:
            answer = _call_worker(handler, invocation, context)
        else:
            answer = self._call_task(handler, invocation, context)
        spent = context.spent
        if answers is not None and not activity and answer.outcome == SUCCEEDED:
            value = answer.value  # the integration's response; the Task waits for the token
            _at(invocation, started + spent, lambda: invocation.submitted(value))
        elif spent and started + spent > rt.clock.now():
            invocation.schedule(started + spent, lambda: invocation.answer(answer))
        else:  # no simulated time spent: answered now (``end`` is never after now)
            invocation.answer(answer)
        if answers is not None and not invocation.closed:
            answers.release()

    def _call_raw(
        self, handler: Handler, invocation: Invocation, context: HandlerContext
    ) -> Answer:
        """ItemReader/ResultWriter: the value as it is, a failure named by its exception."""
        freeze = invocation.rt.freeze_time
        try:
            raw = invocation.rt.registry.call(
                handler, invocation.params, context, freeze_time=freeze
            )
        except StatesError as e:
            return Answer(FAILED, None, StatesError(e.error, e.cause))
        except Exception as exc:  # a handler's failure is the reader's failure, never a crash
            return Answer(FAILED, None, StatesError(type(exc).__name__, str(exc)))
        return Answer(SUCCEEDED, decode_result(raw))

    def _call_task(
        self, handler: Handler, invocation: Invocation, context: HandlerContext
    ) -> Answer:
        """A Task: the handler's value marshalled as the service returns it, or its failure
        named as the service names it."""
        info = invocation.info
        legacy = info.kind == "lambda"
        lambda_like = legacy or info.is_lambda_invoke
        params = invocation.params
        event = _lambda_payload(params) if info.is_lambda_invoke else params
        request_id = context.aws_request_id
        freeze = invocation.rt.freeze_time
        try:
            raw = invocation.rt.registry.call(
                handler, deep_copy(event), context, freeze_time=freeze
            )
        except StatesError as e:
            return Answer(FAILED, None, StatesError(e.error, e.cause))
        except Exception as exc:  # a handler's failure is the task's failure, never a crash
            if lambda_like:
                error = StatesError(*lambda_error(exc, request_id, compact=not legacy))
            else:
                error = StatesError(type(exc).__name__, str(exc))
            error.__cause__ = exc  # its traceback stays on the execution (handler_exception)
            return Answer(FAILED, None, error)
        name = invocation.resource if legacy else info.resource_type
        value, failure = _marshal(raw, name, request_id, lambda_like)
        if failure is not None:
            return Answer(FAILED, None, failure)
        if info.is_lambda_invoke:
            text = json.dumps(value)  # the Python runtime's response body, spaces and all
            tail = isinstance(params, dict) and params.get("LogType") == "Tail"
            log = lambda_log_tail(request_id, context.spent * 1000) if tail else None
            value = lambda_invoke_response(value, request_id, len(text.encode("utf-8")), log)
        return Answer(SUCCEEDED, value)


def _at(invocation: Invocation, at: float, action: Callable[[], object]) -> None:
    if at > invocation.rt.clock.now():
        invocation.schedule(at, action)
    else:
        action()


def _call_worker(handler: Handler, invocation: Invocation, context: HandlerContext) -> Answer:
    """An activity's handler is its worker: the return value is SendTaskSuccess's output, an
    exception SendTaskFailure (``aslrun.TaskFailed`` names the error)."""
    freeze = invocation.rt.freeze_time
    try:
        raw = invocation.rt.registry.call(
            handler, deep_copy(invocation.params), context, freeze_time=freeze
        )
    except StatesError as e:
        return Answer(FAILED, None, StatesError(e.error, e.cause))
    except Exception as exc:  # a worker's failure is the activity's failure, never a crash
        return Answer(FAILED, None, StatesError(type(exc).__name__, str(exc)))
    value, failure = _marshal(raw, invocation.resource, context.aws_request_id, False)
    if failure is not None:
        return Answer(FAILED, None, failure)
    return Answer(SUCCEEDED, value)


class _ContextAnswers:
    """``context.send_task_*`` of one handler call: kept until the handler has returned,
    then put on the clock (after the handler's own answer, so that at the same instant the
    message is delivered before the worker answers it)."""

    __slots__ = ("invocation", "pending")

    def __init__(self, invocation: Invocation) -> None:
        self.invocation = invocation
        self.pending: list[tuple[float, Callable[[], object]]] = []

    def success(self, output: JSON, at: float) -> None:
        self.pending.append((at, lambda: self.invocation.succeed(output)))

    def failure(self, error: str | None, cause: str | None, at: float) -> None:
        self.pending.append((at, lambda: self.invocation.fail(error, cause)))

    def heartbeat(self, at: float) -> None:
        self.pending.append((at, self.invocation.heartbeat))

    def release(self) -> None:
        """Schedule the answers (stable order: the order the handler sent them)."""
        invocation = self.invocation
        for at, action in sorted(self.pending, key=lambda p: p[0]):
            invocation.schedule(max(at, invocation.rt.clock.now()), action)
        self.pending.clear()


HANDLER_INVOKER = HandlerInvoker()
"""The default invoker (stateless: the registry is the execution's)."""
CALLBACK_INVOKER = HandlerInvoker(callbacks=True)
"""An invoker under which activity tasks wait for a poll (in the token table)."""


def _context(invocation: Invocation, started: float, request_id: str) -> HandlerContext:
    rt = invocation.rt
    if invocation.raw:
        name = arn = invocation.resource
    else:
        target = invocation.function_name or invocation.state_name
        name, arn = _names(target, rt.region, rt.account)
    return HandlerContext(  # by position: cheaper than seven keywords, once per call
        name,  # function_name
        invocation.state_name,
        rt.execution_arn,
        arn,  # invoked_function_arn
        started,
        invocation.timeout_seconds,  # timeout
        request_id,
    )


@functools.lru_cache(maxsize=1024)
def _names(target: str, region: str, account: str) -> tuple[str, str]:
    """The function name and ARN a handler's context shows (the same few per machine)."""
    return short_name(target), function_arn(target, region, account)


def _lambda_payload(params: JSON) -> JSON:
    """What the function receives from lambda:invoke: the Payload; text is sent as it is."""
    payload = params.get("Payload") if isinstance(params, dict) else None
    if payload is None:
        return {}
    if isinstance(payload, str):
        try:
            parsed: JSON = json.loads(payload)
        except ValueError:
            return payload
        return parsed
    return payload


def _marshal(
    raw: Any, name: str, request_id: str, lambda_like: bool
) -> tuple[JSON, StatesError | None]:
    """The handler's value as the service returns it: JSON round trip, size limit."""
    value = decode_result(raw) if isinstance(raw, (bytes, bytearray)) else raw
    try:
        text = dumps(value)  # compact, no NaN: one shared encoder, not one per call
    except (TypeError, ValueError) as exc:
        message = f"Unable to marshal response: {exc}"
        cause = json.dumps(
            {
                "errorMessage": message,
                "errorType": "Runtime.MarshalError",
                "requestId": request_id,
                "stackTrace": [],
            }
        )
        return None, StatesError(
            "Runtime.MarshalError" if lambda_like else "States.Runtime",
            cause if lambda_like else message,
        )
    size = len(text) if text.isascii() else utf8_size(text)  # a lone surrogate: as Java writes it
    if size > MAX_PAYLOAD_BYTES:
        return None, StatesError(
            "States.DataLimitExceeded",
            f"The state/task '{name}' returned a result with a size exceeding the maximum "
            "number of bytes service limit.",
        )
    return _scan(text, 0)[0], None  # json.loads(text): the text is ours, one value, no space


_scan: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
"""The C scanner under ``json.loads``, called without its two Python frames."""


def short_name(function_name: str) -> str:
    return function_name_of(function_name) or function_name


def function_arn(function_name: str, region: str, account: str) -> str:
    if function_name.startswith("arn:"):
        return function_name
    return f"arn:aws:lambda:{region}:{account}:function:{short_name(function_name)}"
