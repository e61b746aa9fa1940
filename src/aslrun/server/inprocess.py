"""``mock_boto3(sfn)``: every boto3 Step Functions client in the process talks to ``sfn``.

No socket and no patched boto3 method: botocore's own pipeline builds, serialises and signs
nothing differently; a ``before-send.sfn`` handler (the event botocore emits just before it
would send the HTTP request) answers with the ``AWSResponse`` the dispatcher builds, and
botocore parses it as it parses AWS's answer.  Errors therefore arrive as
``client.exceptions.ExecutionAlreadyExists`` and friends, timestamps as datetimes, and a
request botocore would refuse (a missing parameter) is refused by botocore first.

While a mock is active, ``choose-signer.sfn`` answers "unsigned", so no credentials are needed.

The handlers are registered on botocore sessions: those made from now on (botocore's
``BUILTIN_HANDLERS``) and boto3's default session if it exists.  A client keeps the handlers
its session had when it was made, so make clients inside the ``with`` block (a client made
before it talks to AWS).  Mocks nest; the innermost one answers.
"""

from __future__ import annotations

import functools
import sys
import threading
import weakref
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from aslrun.protocol.dispatch import Dispatcher

if TYPE_CHECKING:
    from aslrun.service import StepFunctions

__all__ = ["mock_boto3"]

P = ParamSpec("P")
R = TypeVar("R")

_SEND_EVENT = "before-send.sfn"
_SIGNER_EVENT = "choose-signer.sfn"


class _Body:
    """The raw stream ``AWSResponse.content`` reads."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


class _Bridge:
    """The process-wide switch: botocore handlers that forward to the innermost mock."""

    def __init__(self) -> None:
        self.active: list[Dispatcher] = []
        self.lock = threading.Lock()
        self._sessions: weakref.WeakSet[Any] = weakref.WeakSet()

    def send(self, request: Any, **_: Any) -> Any:
        dispatcher = self.active[-1] if self.active else None
        if dispatcher is None:
            return None  # no mock: botocore sends the request to AWS
        from botocore.awsrequest import AWSResponse  # noqa: PLC0415 - optional dependency

        body = request.body or b""
        if not isinstance(body, bytes):
            body = body.read() if hasattr(body, "read") else str(body).encode()
        target = request.headers.get("X-Amz-Target")
        if isinstance(target, bytes):
            target = target.decode()
        reply = dispatcher.handle(target, body)
        return AWSResponse(request.url, reply.status, dict(reply.headers), _Body(reply.body))

    def choose_signer(self, **_: Any) -> Any:
        if not self.active:
            return None
        from botocore import UNSIGNED  # noqa: PLC0415 - optional dependency

        return UNSIGNED

    def push(self, dispatcher: Dispatcher) -> None:
        with self.lock:
            if not self.active:
                self._install()
            self.active.append(dispatcher)

    def pop(self, dispatcher: Dispatcher) -> None:
        with self.lock:
            if dispatcher in self.active:
                # the last occurrence: nested mocks of one service unwind in order
                del self.active[len(self.active) - 1 - self.active[::-1].index(dispatcher)]
            if not self.active:
                self._uninstall()

    def _handlers(self) -> tuple[tuple[str, Callable[..., Any]], ...]:
        return ((_SEND_EVENT, self.send), (_SIGNER_EVENT, self.choose_signer))

    def _install(self) -> None:
        try:
            from botocore import handlers  # noqa: PLC0415 - optional dependency
        except ImportError:
            raise ImportError(
                "aslrun.mock_boto3 needs boto3: pip install 'aslrun[boto3]'"
            ) from None
        for entry in self._handlers():
            if entry not in handlers.BUILTIN_HANDLERS:
                handlers.BUILTIN_HANDLERS.append(entry)
        session = _default_session()
        if session is not None and session not in self._sessions:
            for event, handler in self._handlers():
                session.register(event, handler)
            self._sessions.add(session)

    def _uninstall(self) -> None:
        from botocore import handlers  # noqa: PLC0415 - optional dependency

        for entry in self._handlers():
            while entry in handlers.BUILTIN_HANDLERS:
                handlers.BUILTIN_HANDLERS.remove(entry)
        for session in list(self._sessions):
            for event, handler in self._handlers():
                session.unregister(event, handler)
        self._sessions = weakref.WeakSet()


def _default_session() -> Any:
    """boto3's default botocore session, if boto3 is loaded and has made one."""

    boto3 = sys.modules.get("boto3")
    default = getattr(boto3, "DEFAULT_SESSION", None)
    return getattr(default, "_session", None)


_BRIDGE = _Bridge()


class mock_boto3:  # a lower-case name: used like a function, ``with mock_boto3(sfn):``
    """Route every boto3 ``stepfunctions`` client made in the block to ``sfn``.

    ``with aslrun.mock_boto3(sfn) as mock:`` or ``@aslrun.mock_boto3(sfn)`` on a function.
    ``mock.client()`` makes a boto3 client in the service's region.  ``settle``: run what is
    due at the current instant after each request (default: on a virtual clock).
    """

    def __init__(self, sfn: StepFunctions, *, settle: bool | None = None) -> None:
        self.service = sfn
        self.dispatcher = Dispatcher(sfn, settle=settle)

    def __enter__(self) -> mock_boto3:
        _BRIDGE.push(self.dispatcher)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        _BRIDGE.pop(self.dispatcher)

    def __call__(self, fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with self:
                return fn(*args, **kwargs)

        return wrapper

    def client(self, **kwargs: Any) -> Any:
        """``boto3.client("stepfunctions")`` in the service's region (``kwargs`` passed on)."""
        import boto3  # noqa: PLC0415 - optional dependency

        kwargs.setdefault("region_name", self.service.region)
        return boto3.client("stepfunctions", **kwargs)
