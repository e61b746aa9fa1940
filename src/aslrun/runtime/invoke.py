"""Invocation as an effect: a Task (or a Distributed Map's ItemReader/ResultWriter) yields
``Invoke(invocation)``; the execution's invoker answers it, now or later, and the process
resumes with the ``Answer``.

An ``Invocation`` is the work in flight: its resource and parameters, an optional task token
(registered in ``Runtime.tokens`` while the invocation is open, so that an outside party can
find it), and its deadlines on the clock (TimeoutSeconds, HeartbeatSeconds).  Whoever holds it
closes it exactly once with ``succeed``/``fail``/``time_out`` (or ``answer``); the first answer
wins, later ones return False.  Closing cancels its timers and unregisters its token.

Its life in history events: ``accept`` (the invoker takes the work: TaskScheduled, recorded
by the Task up front, or ActivityScheduled, recorded when an activity's task is queued or
handed to a handler), ``begin`` (TaskStarted, ActivityStarted with the worker's name),
``submitted`` (TaskSubmitted: a ``.waitForTaskToken`` integration accepted the message and
the state now waits for the callback), then the Task's outcome event.

TimeoutSeconds runs from the invocation's start; HeartbeatSeconds from ``begin`` (for an
activity: when a worker takes the task), restarted by each ``heartbeat``.  A heartbeat
deadline answers ``TIMED_OUT`` with :class:`aslrun.errors.HeartbeatTimeout`.

The default invoker (``aslrun.handlers.invoker.HandlerInvoker``) calls the Python handler
registered for the resource and answers when the handler's simulated time (``context.sleep``)
has passed; a deadline that falls first answers ``TIMED_OUT`` at the deadline.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol

from aslrun._json import JSON
from aslrun.errors import HeartbeatTimeout, StatesError
from aslrun.runtime.clock import Timer

if TYPE_CHECKING:
    from aslrun.handlers.registry import ResourceInfo
    from aslrun.runtime.frame import Runtime
    from aslrun.runtime.process import Proc

__all__ = [
    "FAILED",
    "NO_HANDLER",
    "PENDING",
    "SUCCEEDED",
    "TIMED_OUT",
    "Answer",
    "Invocation",
    "InvocationEvents",
    "Invoke",
    "Invoker",
    "TokenTable",
]

Outcome = Literal["SUCCEEDED", "FAILED", "TIMED_OUT", "NO_HANDLER"]
SUCCEEDED: Final = "SUCCEEDED"
FAILED: Final = "FAILED"
TIMED_OUT: Final = "TIMED_OUT"  # TimeoutSeconds or HeartbeatSeconds passed (States.Timeout)
NO_HANDLER: Final = "NO_HANDLER"  # nothing serves the resource; the caller words the failure

TokenTable = MutableMapping[str, "Invocation"]
"""Open invocations by task token: one per execution, or one shared by a whole service."""


class _Pending:
    """What ``arm`` returns when the process must wait for a later callback."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "PENDING"


PENDING: Final = _Pending()


class Answer:
    """How an invocation ended: ``outcome`` with its ``value`` (SUCCEEDED) or ``error``."""

    __slots__ = ("error", "outcome", "value")

    def __init__(
        self, outcome: Outcome, value: JSON = None, error: StatesError | None = None
    ) -> None:
        self.outcome = outcome
        self.value = value
        self.error = error

    def __repr__(self) -> str:
        return f"Answer({self.outcome}, {self.value!r}, {self.error!r})"


class InvocationEvents(Protocol):
    """The history events an invoker reports mid-way (the Task records its own outcome)."""

    def scheduled(self) -> None:
        """The invoker took the work (TaskScheduled, ActivityScheduled); recorded once."""

    def started(self, worker_name: str | None = None) -> None:
        """The work began (TaskStarted, LambdaFunctionStarted; ActivityStarted for a worker)."""

    def submitted(self, output: JSON) -> None:
        """The integration accepted the work and the state now waits (TaskSubmitted)."""


class Invoker(Protocol):
    """Answers ``Invoke`` effects; ``Runtime.invoker`` holds the execution's invoker."""

    def start(self, invocation: Invocation) -> None:
        """Begin the work; answer now (``invocation.succeed``...) or arrange a later answer."""


class Invocation:
    """One invocation in flight; see the module docstring.

    ``raw``: the handler's value is returned as it is (an S3 object body for ItemReader),
    not marshalled as a Task result with the Lambda wire format.

    The arguments may be given by position (the Task's hot path does: binding eleven
    keywords costs more than the rest of the construction).
    """

    __slots__ = (
        "_accepted",
        "_arming",
        "_early",
        "_heartbeat_timer",
        "_timers",
        "answered",
        "begun",
        "events",
        "function_name",
        "heartbeat_seconds",
        "info",
        "observer",
        "on_cancel",
        "params",
        "proc",
        "raw",
        "resource",
        "rt",
        "started_at",
        "state_name",
        "timeout_seconds",
        "token",
    )

    def __init__(
        self,
        rt: Runtime,
        resource: str,
        info: ResourceInfo,
        params: JSON,
        state_name: str,
        function_name: str | None = None,
        token: str | None = None,
        timeout_seconds: float | None = None,
        heartbeat_seconds: float | None = None,
        raw: bool = False,
        events: InvocationEvents | None = None,
    ) -> None:
        self.rt = rt
        self.resource = resource
        self.info = info
        self.params = params
        self.state_name = state_name
        self.function_name = function_name
        self.token = token
        self.timeout_seconds = timeout_seconds
        self.heartbeat_seconds = heartbeat_seconds
        self.raw = raw
        self.events = events
        self.started_at = rt.clock.now()
        self.proc: Proc | None = None
        self.answered: Answer | None = None
        self.begun = False  # begin() was called: a worker has it (activities)
        self._timers: list[Timer] | None = None  # made by the first ``schedule``
        self._heartbeat_timer: Timer | None = None
        self._arming = False
        self._accepted = False
        self._early: Answer | None = None
        self.on_cancel: Callable[[], None] | None = None  # the invoker's cleanup, if any
        # told of each accept/begin/submitted/heartbeat/answer (a durable service records them)
        self.observer: Callable[[str, Invocation, Any], None] | None = None

    @property
    def closed(self) -> bool:
        return self.answered is not None

    # -- answers (from the invoker, a timer, or an outside party holding the token) ----------

    def succeed(self, output: JSON) -> bool:
        return self.answer(Answer(SUCCEEDED, output))

    def fail(self, error: str | None, cause: str | None = None) -> bool:
        """Fail the work; ``error`` None (SendTaskFailure without one): no error name, which
        the history leaves out."""
        return self.answer(Answer(FAILED, None, StatesError(error or "", cause)))

    def time_out(self) -> bool:
        """TimeoutSeconds passed: ``States.Timeout`` (its events record no cause; a caught
        error output has ``"Cause": ""``, as AWS writes it for lambda:invoke)."""
        return self.answer(Answer(TIMED_OUT, None, StatesError("States.Timeout", "")))

    def _heartbeat_timed_out(self) -> bool:
        return self.answer(Answer(TIMED_OUT, None, HeartbeatTimeout("")))

    def answer(self, answer: Answer) -> bool:
        """Close the invocation with ``answer`` and resume its process; False if closed."""
        if self.answered is not None:
            return False
        self.answered = answer
        if self.observer is not None:
            self.observer("answer", self, answer)
        if self._timers is not None or self.token is not None:
            self._close()
        proc = self.proc
        if self._arming or proc is None:
            self._early = answer  # answered inside Invoke.arm: handed back without a turn
        else:
            proc.invocation = None
            proc.resume(answer)
        return True

    def heartbeat(self) -> bool:
        """SendTaskHeartbeat: the heartbeat deadline starts again; False if closed."""
        if self.answered is not None:
            return False
        if self.observer is not None:
            self.observer("heartbeat", self, None)
        timer = self._heartbeat_timer
        if timer is not None:
            timer.cancel()
            assert self._timers is not None
            self._timers.remove(timer)
            self._arm_heartbeat()
        return True

    def accept(self) -> None:
        """The invoker takes the work: its scheduled event is recorded (once)."""
        if not self._accepted:
            self._accepted = True
            if self.observer is not None:
                self.observer("accept", self, None)
            if self.events is not None:
                self.events.scheduled()

    def begin(self, worker_name: str | None = None) -> None:
        """The work starts (a worker took it): the started event; the heartbeat clock runs."""
        if not self._accepted:
            self.accept()
        self.begun = True
        if self.observer is not None:
            self.observer("begin", self, worker_name)
        if self.events is not None:
            self.events.started(worker_name)
        if self.heartbeat_seconds is not None and not self._arming and self.proc is not None:
            self._arm_heartbeat()  # a worker took a queued task later (an activity poll)

    def submitted(self, output: JSON) -> None:
        if self.observer is not None:
            self.observer("submitted", self, output)
        if self.events is not None:
            self.events.submitted(output)

    def schedule(self, at: float, callback: Callable[[], Any]) -> Timer:
        """A timer that belongs to this invocation: cancelled when it closes.  Past the
        execution's deadline (AWS's maximum duration) the execution times out instead."""
        rt = self.rt
        if at > rt.deadline and rt.on_deadline is not None:
            at, callback = rt.deadline, rt.on_deadline
        timer = rt.clock.schedule(at, callback)
        if self._timers is None:
            self._timers = [timer]
        else:
            self._timers.append(timer)
        return timer

    def cancel(self) -> None:
        """The process stopped waiting (execution ended, sibling failed, stopped)."""
        if self.answered is None:
            self.answered = Answer(FAILED, None, StatesError("States.Aborted", ""))
            self._close()
            if self.on_cancel is not None:
                self.on_cancel()

    # -- the process side ----------------------------------------------------------------------

    def _arm_heartbeat(self) -> None:
        assert self.heartbeat_seconds is not None
        at = self.rt.clock.now() + self.heartbeat_seconds
        self._heartbeat_timer = self._deadline(at, self._heartbeat_timed_out)

    def _deadline(self, at: float, expire: Callable[[], bool]) -> Timer:
        """A deadline fires after everything else due at its instant: an answer or heartbeat
        that arrives exactly at the deadline is in time (states-language.net: the task fails
        when it "runs longer than" TimeoutSeconds, when "more time than" HeartbeatSeconds
        elapses between heartbeats): see ``VirtualClock.schedule_deadline``."""
        timer = self.schedule(at, expire)
        timer.late = True
        return timer

    def _close(self) -> None:
        timers = self._timers
        if timers is not None:
            for timer in timers:
                timer.cancel()
            timers.clear()
        self._heartbeat_timer = None
        if self.token is not None:
            self.rt.tokens.pop(self.token, None)


class Invoke:
    """The effect: hand ``invocation`` to the runtime's invoker; resume with its ``Answer``."""

    __slots__ = ("invocation",)

    def __init__(self, invocation: Invocation) -> None:
        self.invocation = invocation

    def arm(self, proc: Proc) -> Answer | _Pending:
        """Open the invocation for ``proc``: register its token, hand it to the invoker; its
        answer when the invoker gave one at once, else arm its deadlines and wait."""
        inv = self.invocation
        inv.proc = proc
        token = inv.token
        if token is not None:
            inv.rt.tokens[token] = inv
        inv._arming = True
        try:
            inv.rt.invoker.start(inv)
        finally:
            inv._arming = False
        early = inv._early
        if early is not None:
            inv._early = None
            return early
        if inv.timeout_seconds is not None:
            inv._deadline(inv.started_at + inv.timeout_seconds, inv.time_out)
        if inv.heartbeat_seconds is not None and inv.begun:
            inv._arm_heartbeat()
        proc.invocation = inv
        return PENDING
