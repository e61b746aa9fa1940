"""Retry and Catch: error matching and back-off intervals, as AWS defines them."""

from __future__ import annotations

import math
import random as _random
from collections.abc import Sequence

from aslrun.definition.model import Catcher, Retrier

__all__ = [
    "MAX_BACKOFF_SECONDS",
    "UNCATCHABLE",
    "backoff_delay",
    "find_catcher",
    "matches",
    "next_retry",
]

UNCATCHABLE = frozenset({"States.Runtime"})
"""Errors no Retry or Catch handles: the execution fails (AWS: runtime errors are terminal)."""


def matches(error_equals: Sequence[str], error: str, heartbeat: bool = False) -> bool:
    """Whether an ``ErrorEquals`` list names ``error``.

    ``States.ALL`` matches every error; ``States.TaskFailed`` every error but
    ``States.Timeout``; ``States.HeartbeatTimeout`` a heartbeat timeout (``heartbeat``: its
    error is ``States.Timeout``); other names match exactly.  States.Runtime is never matched.
    """
    if error in UNCATCHABLE:
        return False
    for name in error_equals:
        if name in (error, "States.ALL"):
            return True
        if name == "States.TaskFailed" and error != "States.Timeout":
            return True
        if heartbeat and name == "States.HeartbeatTimeout":
            return True
    return False


MAX_BACKOFF_SECONDS = 1e13
"""The longest wait ``backoff_delay`` returns: past the end of any clock (year 9999) from any
start, so a longer interval ends the same way (the execution times out at the clock's end)."""

_LOG_MAX_BACKOFF = math.log(MAX_BACKOFF_SECONDS)


def backoff_delay(retrier: Retrier, retries_done: int, rng: _random.Random) -> float:
    """The wait before retry number ``retries_done + 1`` of ``retrier``.

    ``IntervalSeconds x BackoffRate ** retries_done``, capped by ``MaxDelaySeconds``; the
    growth is bounded (``MAX_BACKOFF_SECONDS``) before it is computed, so a retrier with
    thousands of attempts never overflows.
    """
    delay = _grown(retrier.interval_seconds, retrier.backoff_rate, retries_done)
    if retrier.max_delay_seconds is not None:
        delay = min(delay, retrier.max_delay_seconds)
    if retrier.jitter == "FULL":
        delay = rng.uniform(0.0, delay)
    return delay


def _grown(interval: float, rate: float, n: int) -> float:
    grows = interval > 0 and rate > 1.0 and n > 0
    if grows and math.log(interval) + n * math.log(rate) >= _LOG_MAX_BACKOFF:
        return MAX_BACKOFF_SECONDS  # decided in logarithms: rate ** n may overflow a float
    return min(interval * rate**n, MAX_BACKOFF_SECONDS)


def next_retry(
    retriers: Sequence[Retrier],
    counts: list[int],
    error: str,
    rng: _random.Random,
    heartbeat: bool = False,
) -> float | None:
    """The delay before the next attempt, or None when no retrier applies any more.

    The first retrier whose ErrorEquals matches decides; each keeps its own count.
    """
    for i, retrier in enumerate(retriers):
        if matches(retrier.error_equals, error, heartbeat):
            if counts[i] >= retrier.max_attempts:
                return None
            delay = backoff_delay(retrier, counts[i], rng)
            counts[i] += 1
            return delay
    return None


def find_catcher(
    catchers: Sequence[Catcher], error: str, heartbeat: bool = False
) -> Catcher | None:
    for catcher in catchers:
        if matches(catcher.error_equals, error, heartbeat):
            return catcher
    return None
