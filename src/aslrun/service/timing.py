"""The three forms a point in simulated time may take, and durations."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

from dateutil import parser as _dateparser

from aslrun.errors import AslrunError

__all__ = ["TimeArgumentError", "When", "to_epoch", "to_seconds"]

When = datetime | str | float | int


class TimeArgumentError(AslrunError, ValueError):
    """A time or duration argument in none of the accepted forms."""


def to_epoch(when: object, what: str = "when") -> float:
    """Epoch seconds for a datetime (naive = UTC), an ISO 8601 string or epoch seconds."""
    if isinstance(when, bool):
        raise TimeArgumentError(f"{what}: expected a datetime, an ISO 8601 string or epoch seconds")
    if isinstance(when, (int, float)):
        if not math.isfinite(when):
            raise TimeArgumentError(f"{what}: {when!r} is not a finite number of epoch seconds")
        return float(when)
    if isinstance(when, str):
        try:
            when = _dateparser.isoparse(when.strip())
        except (ValueError, OverflowError) as e:
            raise TimeArgumentError(f"{what}: {when!r} is not an ISO 8601 time ({e})") from None
    if isinstance(when, datetime):
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        return when.timestamp()
    raise TimeArgumentError(
        f"{what}: expected a datetime, an ISO 8601 string or epoch seconds, "
        f"got {type(when).__name__}"
    )


def to_seconds(duration: object, what: str = "seconds") -> float:
    """Seconds for a number or a ``timedelta``; never negative."""
    if isinstance(duration, timedelta):
        seconds = duration.total_seconds()
    elif isinstance(duration, (int, float)) and not isinstance(duration, bool):
        seconds = float(duration)
    else:
        raise TimeArgumentError(
            f"{what}: expected a number of seconds or a timedelta, got {type(duration).__name__}"
        )
    if not math.isfinite(seconds) or seconds < 0:
        raise TimeArgumentError(f"{what}: {duration!r} must be a finite, non-negative duration")
    return seconds
