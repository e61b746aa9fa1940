"""Task resources: which Python callable serves a Task, and how AWS wraps what it returns.

Resolution order for a Task (first hit wins):

1. the exact ``Resource`` string;
2. the Lambda function name: from a function ARN (with or without a version or alias), or from
   ``Parameters.FunctionName`` of ``arn:aws:states:::lambda:invoke`` (a name or an ARN);
3. the state's name;
4. glob patterns (``fnmatch``) over the Resource, in registration order.
"""

from __future__ import annotations

import fnmatch
import inspect
import json
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from aslrun._json import JSON
from aslrun.errors import AslrunError
from aslrun.runtime.clock import to_datetime

__all__ = [
    "LAMBDA_ARN",
    "PARTIAL_LAMBDA_ARN",
    "HandlerContext",
    "MissingDependencyError",
    "ResourceInfo",
    "ResourceRegistry",
    "TaskAnswers",
    "describe_resource",
    "function_name_of",
    "require_freezegun",
]

Handler = Callable[..., Any]

LAMBDA_ARN = re.compile(
    r"^arn:[^:]+:lambda:(?P<region>[^:]*):(?P<account>[^:]*):function:(?P<name>[^:]+)"
    r"(?::(?P<qualifier>[^:]+))?$"
)
PARTIAL_LAMBDA_ARN = re.compile(r"^(?:(?P<account>\d{12}):)?function:(?P<name>[^:]+)(?::[^:]+)?$")
_STATES_ARN = re.compile(r"^arn:[^:]+:states:::(?P<service>.+)$")
_ACTIVITY_ARN = re.compile(r"^arn:[^:]+:states:[^:]*:[^:]*:activity:(?P<name>.+)$")
_SUFFIXES = (".waitForTaskToken", ".sync:2", ".sync")


@dataclass(frozen=True, slots=True)
class ResourceInfo:
    """What a Task's Resource names, in the terms of AWS's history events."""

    kind: str  # "lambda" (legacy function ARN), "service", "activity", "unknown"
    resource_type: str  # taskScheduledEventDetails.resourceType ("lambda", "aws-sdk:s3" ...)
    resource: str  # taskScheduledEventDetails.resource ("invoke", "getObject.sync" ...)
    function_name: str | None = None
    pattern: str = ""  # "", ".sync", ".sync:2", ".waitForTaskToken"
    is_lambda_invoke: bool = field(init=False)  # arn:aws:states:::lambda:invoke[...]

    def __post_init__(self) -> None:
        lambda_invoke = (
            self.kind == "service"
            and self.resource_type == "lambda"
            and self.resource.startswith("invoke")
        )
        object.__setattr__(self, "is_lambda_invoke", lambda_invoke)


def describe_resource(resource: str) -> ResourceInfo:
    """Classify a Resource URI (computed once per Task state, at load)."""
    m = LAMBDA_ARN.match(resource)
    if m:
        return ResourceInfo("lambda", "lambda", resource, m.group("name"))
    m = _STATES_ARN.match(resource)
    if m:
        service = m.group("service")
        pattern = next((s for s in _SUFFIXES if service.endswith(s)), "")
        if service.startswith("aws-sdk:"):
            _, svc, action = [*service.split(":", 2), "", ""][:3]
            return ResourceInfo("service", f"aws-sdk:{svc}", action, None, pattern)
        svc, _, action = service.partition(":")
        return ResourceInfo("service", svc, action, None, pattern)
    m = _ACTIVITY_ARN.match(resource)
    if m:
        return ResourceInfo("activity", "activity", resource, None)
    return ResourceInfo("unknown", "", resource, None)


def function_name_of(value: object) -> str | None:
    """The function name in a Lambda FunctionName value (a name, a partial or a full ARN)."""
    if not isinstance(value, str) or not value:
        return None
    m = LAMBDA_ARN.match(value)
    if m:
        return m.group("name")
    m = PARTIAL_LAMBDA_ARN.match(value)
    if m:
        return m.group("name")
    return value.split(":", 1)[0]


class ResourceRegistry:
    """Maps resources to handlers; see the module docstring for the lookup order.

    One registry may serve many executions: what differs per execution (the function
    aliases of its definition, ``freeze_time``) is passed to ``lookup`` and ``call``.
    """

    def __init__(self, handlers: Mapping[str, Handler] | None = None) -> None:
        self._exact: dict[str, Handler] = {}
        self._patterns: list[tuple[str, Handler]] = []
        self._arity: dict[int, bool] = {}
        for key, fn in (handlers or {}).items():
            self.register(key, fn)

    def register(self, key: str, handler: Handler) -> None:
        if not isinstance(key, str):
            raise TypeError(f"handler keys must be strings, not {type(key).__name__} ({key!r})")
        if not callable(handler):
            raise TypeError(f"the handler registered for {key!r} is not callable")
        self._exact[key] = handler
        if any(ch in key for ch in "*?["):
            self._patterns.append((key, handler))

    def registered_keys(self) -> list[str]:
        return list(self._exact)

    def lookup(
        self,
        resource: str,
        function_name: str | None,
        state_name: str,
        aliases: Mapping[str, str] | None = None,
    ) -> Handler | None:
        """The handler for a Task: ``aliases`` map a function name to the key it is
        registered under (a serverless.yml function key)."""
        exact = self._exact
        fn = exact.get(resource)
        if fn is None and function_name is not None:
            fn = exact.get(function_name)
            if fn is None:
                short = function_name_of(function_name)
                if short is not None:
                    fn = exact.get(short)
                    if fn is None and aliases and short in aliases:
                        fn = exact.get(aliases[short])
        if fn is None:
            fn = exact.get(state_name)
        if fn is None:
            for pattern, handler in self._patterns:
                if fnmatch.fnmatchcase(resource, pattern) or (
                    function_name is not None and fnmatch.fnmatchcase(function_name, pattern)
                ):
                    return handler
        return fn

    def call(
        self, handler: Handler, event: JSON, context: HandlerContext, *, freeze_time: bool = False
    ) -> Any:
        """Call a handler with ``(event, context)``, or ``(event)`` if it takes one argument;
        ``freeze_time``: with the simulated time frozen for it (needs freezegun)."""
        key = id(handler)
        takes_context = self._arity.get(key)
        if takes_context is None:
            takes_context = _takes_context(handler)
            self._arity[key] = takes_context
        if freeze_time:
            return _call_frozen(handler, event, context, takes_context)
        return handler(event, context) if takes_context else handler(event)


class MissingDependencyError(AslrunError, ImportError):
    """An option needs an optional dependency that is not installed."""


def require_freezegun() -> None:
    """Refuse ``freeze_time`` before anything runs when freezegun is not installed."""
    try:
        import freezegun  # noqa: F401, PLC0415  (optional dependency: aslrun[freezegun])
    except ImportError:
        raise MissingDependencyError(
            "freeze_time needs freezegun, which is not installed: "
            "install aslrun[freezegun] (pip install 'aslrun[freezegun]')"
        ) from None


def _call_frozen(handler: Handler, event: JSON, context: HandlerContext, with_context: bool) -> Any:
    """The opt-in freezegun bridge: the handler's ``datetime.now()``/``time.time()`` read the
    simulated time (freezegun patches every loaded module, so it is used only when asked)."""
    try:
        import freezegun  # noqa: PLC0415  (optional dependency: aslrun[freezegun])
    except ImportError:  # pragma: no cover - depends on the installation
        raise RuntimeError(
            "freeze_time=True needs freezegun: pip install 'aslrun[freezegun]'"
        ) from None
    with freezegun.freeze_time(context.now()):
        return handler(event, context) if with_context else handler(event)


def _takes_context(handler: Handler) -> bool:
    try:
        sig = inspect.signature(handler)
    except (TypeError, ValueError):
        return True
    positional = 0
    for p in sig.parameters.values():
        if p.kind is inspect.Parameter.VAR_POSITIONAL:
            return True
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
            positional += 1
    return positional >= 2


class TaskAnswers(Protocol):
    """Where ``HandlerContext.send_task_*`` go: the invocation the handler serves."""

    def success(self, output: JSON, at: float) -> None: ...

    def failure(self, error: str | None, cause: str | None, at: float) -> None: ...

    def heartbeat(self, at: float) -> None: ...


class HandlerContext:
    """The ``context`` a handler receives: Lambda's context object, on simulated time.

    ``task_token``: the Task's token (``.waitForTaskToken``, an activity), else None.  A
    handler answers for the worker with ``send_task_success``/``send_task_failure``/
    ``send_task_heartbeat``, each ``after`` seconds from its current simulated time.
    """

    # The same for every call: class attributes, not set per call (read like the others).
    function_version = "$LATEST"
    memory_limit_in_mb = 128
    log_stream_name = "aslrun"
    spent = 0.0  # simulated seconds the handler has spent (``sleep``)
    task_token: str | None = None
    _answers: TaskAnswers | None = None
    _answering = "callback"  # or "activity": the return value is the output

    def __init__(
        self,
        function_name: str,
        state_name: str,
        execution_arn: str,
        invoked_function_arn: str,
        started: float,
        timeout: float | None,
        request_id: str,
    ) -> None:
        self.function_name = function_name
        self.invoked_function_arn = invoked_function_arn
        self.aws_request_id = request_id
        self.state_name = state_name
        self.execution_arn = execution_arn
        self._started = started
        self._timeout = timeout

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    def _answer_at(self, what: str, after: float) -> tuple[TaskAnswers, float]:
        answers = self._answers
        if answers is None:
            raise ValueError(
                f"context.{what}: the Task '{self.state_name}' has no task token (only a "
                ".waitForTaskToken Task or an activity has one)"
            )
        number: object = after  # callers outside the type checker pass anything
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not number >= 0:
            raise ValueError(f"context.{what}: after must be a number of seconds >= 0")
        return answers, self._started + self.spent + after

    def _callback_only(self, what: str) -> None:
        if self._answering == "activity":
            raise ValueError(
                f"context.{what}: an activity's handler is its worker: return the output, or "
                "raise aslrun.TaskFailed(error, cause)"
            )

    def send_task_success(self, output: JSON, *, after: float = 0.0) -> None:
        """SendTaskSuccess with ``output`` (a JSON value) ``after`` seconds from now."""
        self._callback_only("send_task_success")
        answers, at = self._answer_at("send_task_success", after)
        try:
            text = json.dumps(output, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise ValueError(f"context.send_task_success: output is not JSON: {e}") from None
        answers.success(json.loads(text), at)

    def send_task_failure(
        self, error: str | None = None, cause: str | None = None, *, after: float = 0.0
    ) -> None:
        """SendTaskFailure with ``error`` and ``cause`` ``after`` seconds from now."""
        self._callback_only("send_task_failure")
        answers, at = self._answer_at("send_task_failure", after)
        answers.failure(error, cause, at)

    def send_task_heartbeat(self, *, after: float = 0.0) -> None:
        """SendTaskHeartbeat ``after`` seconds from now (restarts HeartbeatSeconds)."""
        answers, at = self._answer_at("send_task_heartbeat", after)
        answers.heartbeat(at)

    def now(self) -> datetime:
        """The simulated time, an aware UTC datetime."""
        return to_datetime(self._started + self.spent)

    def sleep(self, seconds: float) -> None:
        """Spend simulated time: the task completes that much later on the clock."""
        if seconds < 0:
            raise ValueError("sleep() needs a non-negative number of seconds")
        self.spent += seconds

    def get_remaining_time_in_millis(self) -> int:
        if self._timeout is None:
            return 2**31 - 1
        return max(0, int((self._timeout - self.spent) * 1000))


_UUID4_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))
_UUID4_SET = (0x8000 << 48) | (4 << 76)


def new_request_id(rng: random.Random) -> str:
    """A version-4 UUID from ``rng``: ``str(uuid.UUID(int=bits, version=4))`` written out
    (one per handler call: the UUID object costs more than the text)."""
    h = ((rng.getrandbits(128) & _UUID4_CLEAR) | _UUID4_SET).to_bytes(16, "big").hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def decode_result(value: Any) -> Any:
    """Bytes and bytearrays are the function's raw response: UTF-8 JSON, as Lambda reads it.

    Any other value is the handler's own, returned as it is: not JSON until it is marshalled
    (the caller writes it out and refuses what JSON cannot hold)."""
    if isinstance(value, (bytes, bytearray)):
        text = bytes(value).decode("utf-8")
        try:
            return json.loads(text)
        except ValueError:
            return text
    return value
