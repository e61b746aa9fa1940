"""A handler registry that remembers which handler raised what (for the failure report), and
can let the exception through to the test instead of failing the Task."""

from __future__ import annotations

from typing import Any

from aslrun._json import JSON
from aslrun.errors import StatesError
from aslrun.handlers.registry import Handler, HandlerContext, ResourceRegistry

__all__ = ["HandlerRaised", "RecordingRegistry"]


class HandlerRaised(BaseException):
    """Carries a handler's exception past the runtime (which turns any ``Exception`` into the
    Task's failure) up to the test; the pytest plugin re-raises ``original`` there."""

    def __init__(self, original: Exception, state: str) -> None:
        super().__init__(f"the handler of the Task state '{state}' raised {original!r}")
        self.original = original
        self.state = state


class RecordingRegistry(ResourceRegistry):
    """``ResourceRegistry`` whose ``call`` records the exceptions handlers raise
    (``failures``: execution ARN -> ``[(state, exception)]``) and, with ``reraise``, raises
    :class:`HandlerRaised` instead of failing the Task."""

    def __init__(self, base: ResourceRegistry, *, reraise: bool = False) -> None:
        super().__init__()
        self.__dict__.update(base.__dict__)  # the base's registrations, shared
        self.reraise = reraise
        self.failures: dict[str, list[tuple[str, Exception]]] = {}

    def call(
        self, handler: Handler, event: JSON, context: HandlerContext, *, freeze_time: bool = False
    ) -> Any:
        try:
            return super().call(handler, event, context, freeze_time=freeze_time)
        except StatesError:
            raise  # a handler naming its error as Step Functions does: not a bug
        except Exception as exc:
            state = context.state_name
            self.failures.setdefault(context.execution_arn, []).append((state, exc))
            if self.reraise:
                raise HandlerRaised(exc, state) from exc
            raise
