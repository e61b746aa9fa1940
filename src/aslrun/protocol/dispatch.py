"""The AWS JSON 1.0 protocol as Step Functions speaks it, in front of a ``StepFunctions``.

``Dispatcher.handle(target, body)`` takes the ``X-Amz-Target`` header
(``AWSStepFunctions.StartExecution``) and the request body, and returns the ``Reply`` AWS would
send: status, JSON body, headers.  Both transports use it: botocore's event hooks in-process
(:mod:`aslrun.server.boto3`) and the HTTP server (:mod:`aslrun.server.http`).

* Success: 200 and the output shape's members, timestamps as epoch seconds.
* A service error: ``{"__type": "com.amazonaws.swf.service.v2.model#<Code>", "message"}`` with
  the error's status (400; 409 ``ConflictException``, 402 ``ServiceQuotaExceededException``).
  AWS was observed sending the namespaced ``__type``; botocore and both JavaScript SDKs keep
  the part after ``#``.
* A body that is not a JSON object or a member of the wrong JSON type:
  ``com.amazon.coral.service#SerializationException`` (400); a constraint of the model broken:
  ``com.amazon.coral.validate#ValidationException`` (400) with AWS's message.
* An operation that is not in the API, or that aslrun does not implement:
  ``com.amazon.coral.service#UnknownOperationException`` (400), as AWS answers an unknown one.
* A bug in aslrun: ``InternalFailure`` (500) naming the exception, never a traceback.

One lock serialises the requests and the clock; on a virtual clock each request is followed
by running whatever is due at the current instant, so an execution started by a request has
made its first steps (up to its first wait) by the next request, as it would on AWS.
"""

from __future__ import annotations

import inspect
import json
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from aslrun._json import JSON
from aslrun.errors import AslrunError
from aslrun.protocol.model import ApiModel, Operation, api_model
from aslrun.protocol.shapes import SerializationException, check_input, encode_output
from aslrun.runtime.clock import RealClock
from aslrun.service.errors import StepFunctionsError, ValidationException

if TYPE_CHECKING:
    from aslrun.service import StepFunctions

__all__ = ["CONTENT_TYPE", "Dispatcher", "Reply", "error_reply", "json_reply"]

CONTENT_TYPE: Final = "application/x-amz-json-1.0"
SERVICE_NAMESPACE: Final = "com.amazonaws.swf.service.v2.model"
CORAL_SERVICE: Final = "com.amazon.coral.service"
CORAL_VALIDATE: Final = "com.amazon.coral.validate"

# Members a service method does not take, and the values that ask for nothing more than the
# default (so the request is served as if the member were absent).
_NEUTRAL: Final[Mapping[str, tuple[object, ...]]] = {
    "publish": (False,),
    "encryptionConfiguration": ({"type": "AWS_OWNED_KEY"},),
}


@dataclass(frozen=True, slots=True)
class Reply:
    """One HTTP response: status, body and headers (``Content-Type``, ``x-amzn-RequestId``)."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]

    def json(self) -> JSON:
        value: JSON = json.loads(self.body)
        return value


class UnknownOperationException(StepFunctionsError):
    """The target names no operation aslrun serves."""


class InternalFailure(StepFunctionsError):
    """A bug in aslrun."""

    http_status = 500


def json_reply(status: int, payload: Mapping[str, Any]) -> Reply:
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    headers = (("Content-Type", CONTENT_TYPE), ("x-amzn-RequestId", str(uuid.uuid4())))
    return Reply(status, body, headers)


def error_reply(error: StepFunctionsError, namespace: str = SERVICE_NAMESPACE) -> Reply:
    """The JSON protocol's error body for ``error``: namespaced ``__type`` and ``message``."""
    return json_reply(
        error.http_status, {"__type": f"{namespace}#{error.code}", "message": error.message}
    )


_Method = Callable[..., Mapping[str, Any]]


class Dispatcher:
    """Routes JSON 1.0 requests to a ``StepFunctions`` and shapes the replies as AWS does.

    ``settle``: after each request, run what is due at the current instant (default: on a
    virtual clock; a real clock has a thread of its own for that, see ``aslrun.server``).
    """

    def __init__(self, service: StepFunctions, *, settle: bool | None = None) -> None:
        self.service = service
        self.model: ApiModel = api_model()
        clock = service.clock
        self.lock: threading.Condition | threading.RLock = (
            clock.wakeup if isinstance(clock, RealClock) else threading.RLock()
        )
        self.settle = not isinstance(clock, RealClock) if settle is None else settle
        self._routes: dict[str, tuple[Operation, _Method, frozenset[str]]] = {}
        for name, op in self.model.operations.items():
            method = getattr(service, op.method, None)
            if callable(method):
                params = frozenset(inspect.signature(method).parameters)
                self._routes[name] = (op, method, params)

    @property
    def operations(self) -> tuple[str, ...]:
        """The operations served, by wire name."""
        return tuple(self._routes)

    def handle(self, target: str | None, body: bytes) -> Reply:
        """Serve one request: ``target`` is the ``X-Amz-Target`` header, ``body`` the JSON."""
        route = self._route(target)
        if isinstance(route, Reply):
            return route
        op, method, params = route
        try:
            request = _parse_body(body)
            members = check_input(op.input, request)
        except SerializationException as e:
            return error_reply(e, CORAL_SERVICE)
        except ValidationException as e:
            return error_reply(e, CORAL_VALIDATE)
        try:
            kwargs = _arguments(op, members, params)
            with self.lock:
                try:
                    result = method(**kwargs)
                finally:
                    self._after_request()
            return json_reply(200, encode_output(op.output, result))
        except StepFunctionsError as e:
            return error_reply(e)
        except AslrunError as e:  # a located input error of the library beneath
            return error_reply(ValidationException(str(e)))
        except Exception as e:  # the last net: a bug must not take the server down
            text = " ".join(str(e).split())[:300]
            return error_reply(
                InternalFailure(
                    f"aslrun internal error in {op.name}: {type(e).__name__}: {text} "
                    "(this is a bug in aslrun; please report it)"
                )
            )

    def _route(self, target: str | None) -> tuple[Operation, _Method, frozenset[str]] | Reply:
        prefix, _, name = (target or "").partition(".")
        route = self._routes.get(name) if prefix == self.model.target_prefix else None
        if route is not None:
            return route
        if prefix == self.model.target_prefix and name in self.model.operations:
            message = f"aslrun does not implement the Step Functions operation {name}"
        elif target:
            message = f"Unknown operation: {target}"
        else:
            message = "Unknown operation: the request has no X-Amz-Target header"
        return error_reply(UnknownOperationException(message), CORAL_SERVICE)

    def _after_request(self) -> None:
        clock = self.service.clock
        if self.settle:
            clock.run(until=clock.now())
        if isinstance(clock, RealClock):
            clock.wake()


def _parse_body(body: bytes) -> object:
    if not body.strip():
        return {}
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as e:  # UnicodeDecodeError is a ValueError
        raise SerializationException(f"the request body is not JSON: {e}") from None


def _arguments(op: Operation, members: dict[str, Any], params: frozenset[str]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for name, value in members.items():
        if name in params:
            kwargs[name] = value
        elif value not in _NEUTRAL.get(name, ()):
            raise ValidationException(
                f"aslrun does not support '{name}' in {op.name} yet; leave it out"
            )
    return kwargs
