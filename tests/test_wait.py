"""Wait: Seconds, SecondsPath, Timestamp, TimestampPath in simulated time, and AWS's errors.

Rules: AWS developer guide "Wait workflow state"; timestamps are RFC 3339 (uppercase T, Z or a
numeric offset, optional fractional seconds). Error causes are AWS-recorded (case ids cited).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from conftest import START, at, events, machine, run


def wait(**fields: Any) -> dict[str, Any]:
    return machine({"W": {"Type": "Wait", "End": True, **fields}})


def entered_exited(ex: Any) -> tuple[Any, Any]:
    return (
        events(ex, "WaitStateEntered")[0]["timestamp"],
        events(ex, "WaitStateExited")[0]["timestamp"],
    )


def test_seconds() -> None:
    """Seconds: the state exits that many seconds after it entered; input passes through."""
    ex = run(wait(Seconds=90), {"a": 1})
    assert ex.status == "SUCCEEDED"
    assert ex.output == {"a": 1}
    assert entered_exited(ex) == (at(0), at(90))
    assert ex.stop_date == at(90)


def test_seconds_zero_continues_at_once() -> None:
    """Seconds 0 is allowed and does not advance time."""
    ex = run(wait(Seconds=0), {})
    assert entered_exited(ex) == (at(0), at(0))


def test_seconds_path() -> None:
    """SecondsPath reads the delay from the input (recorded case test_base_wait_seconds_path[1])."""
    ex = run(wait(SecondsPath="$.input.waitSeconds"), {"input": {"waitSeconds": 1}})
    assert ex.output == {"input": {"waitSeconds": 1}}
    assert entered_exited(ex) == (at(0), at(1))


def test_waits_accumulate() -> None:
    """Two Waits in a row: the second starts when the first exits."""
    ex = run(
        machine(
            {
                "A": {"Type": "Wait", "Seconds": 5, "Next": "B"},
                "B": {"Type": "Wait", "Seconds": 7, "End": True},
            }
        ),
        {},
    )
    assert [e["timestamp"] for e in events(ex, "WaitStateExited")] == [at(5), at(12)]


@pytest.mark.parametrize(
    ("timestamp", "expected_exit"),
    [
        ("2026-01-01T01:00:00Z", 3600),
        ("2026-01-01T02:00:00+01:00", 3600),
        ("2025-12-31T20:30:00-04:00", 1800),
        ("2026-01-01T00:00:05.250Z", 5.25),
        ("2026-01-01T00:01:00.000000Z", 60),
    ],
)
def test_timestamp_forms(timestamp: str, expected_exit: float) -> None:
    """Timestamp: RFC 3339 with Z or a numeric offset, optional fractional seconds; the state
    exits at that instant."""
    ex = run(wait(Timestamp=timestamp), {})
    assert ex.status == "SUCCEEDED"
    assert entered_exited(ex) == (at(0), at(expected_exit))


def test_timestamp_path() -> None:
    """TimestampPath reads the instant from the input."""
    ex = run(wait(TimestampPath="$.until"), {"until": "2026-01-02T00:00:00Z"})
    assert ex.output == {"until": "2026-01-02T00:00:00Z"}
    assert entered_exited(ex) == (at(0), at(86400))


def test_timestamp_path_nanoseconds() -> None:
    """Nine fractional digits are accepted (recorded case test_wait_timestamp_path[NANOSECONDS])."""
    ex = run(wait(TimestampPath="$.t"), {"t": "2016-03-05T21:29:29.243167252Z"})
    assert ex.status == "SUCCEEDED"


@pytest.mark.parametrize("timestamp", ["2016-03-14T01:59:00Z", "2025-12-31T23:59:59.999Z"])
def test_past_timestamp_continues_at_once(timestamp: str) -> None:
    """A Timestamp in the past: the Wait exits immediately (recorded case
    test_wait_timestamp[SECONDS])."""
    ex = run(wait(Timestamp=timestamp), {})
    assert ex.status == "SUCCEEDED"
    assert entered_exited(ex) == (at(0), at(0))


def runtime_cause(state: str, detail: str, event_id: int = 2) -> str:
    return (
        f"An error occurred while executing the state '{state}' "
        f"(entered at the event id #{event_id}). {detail}"
    )


@pytest.mark.parametrize(
    ("value", "detail"),
    [
        # recorded cases test_base_wait_seconds_path[-1], [1.5], [-1.5]
        (-1, "The SecondsPath parameter references a negative value: $.input.waitSeconds == -1"),
        (
            1.5,
            "The SecondsPath parameter cannot be parsed as a long value: "
            "$.input.waitSeconds == 1.5",
        ),
        (
            -1.5,
            "The SecondsPath parameter cannot be parsed as a long value: "
            "$.input.waitSeconds == -1.5",
        ),
    ],
)
def test_seconds_path_invalid_values(value: Any, detail: str) -> None:
    """SecondsPath must be a non-negative integer; else States.Runtime with AWS's cause."""
    ex = run(
        machine({"WaitState": {"Type": "Wait", "SecondsPath": "$.input.waitSeconds", "End": True}}),
        {"input": {"waitSeconds": value}},
    )
    assert ex.status == "FAILED"
    assert ex.error == "States.Runtime"
    assert ex.cause == runtime_cause("WaitState", detail)
    assert ex.stop_date == at(0)


def test_seconds_path_missing_fails_runtime() -> None:
    """SecondsPath that matches nothing → States.Runtime (a path miss, not a zero delay)."""
    ex = run(wait(SecondsPath="$.nope"), {"a": 1})
    assert ex.status == "FAILED"
    assert ex.error == "States.Runtime"


@pytest.mark.parametrize(
    "value",
    [
        # recorded cases test_wait_timestamp_path[NO_T, NO_Z, INVALID_DATE, INVALID_TIME,
        # INVALID_ISO]
        "2016-12-05 21:29:29Z",
        "2016-12-05T21:29:29",
        "2016-13-05T21:29:29Z",
        "2016-12-05T25:29:29Z",
        "05-12-2016T21:29:29Z",
    ],
)
def test_timestamp_path_invalid_values(value: str) -> None:
    """TimestampPath must be an RFC 3339 date-time with an offset; else States.Runtime."""
    ex = run(
        machine({"WaitUntil": {"Type": "Wait", "TimestampPath": "$.TimestampValue", "End": True}}),
        {"TimestampValue": value},
    )
    assert ex.status == "FAILED"
    assert ex.error == "States.Runtime"
    assert ex.cause == runtime_cause(
        "WaitUntil",
        "The TimestampPath parameter does not reference a valid ISO-8601 extended "
        f"offset date-time format string: $.TimestampValue == {value}",
    )


def test_timestamp_path_too_far_in_future() -> None:
    """A delay of 24856 days is too long (recorded case
    test_timestamp_too_far_in_future_boundary[24856]: 'Wait state delay is too long.')."""
    far = (START + timedelta(days=24856)).strftime("%Y-%m-%dT%H:%M:%SZ")
    ex = run(
        machine({"State_1": {"Type": "Wait", "TimestampPath": "$.start_at", "End": True}}),
        {"start_at": far},
    )
    assert ex.status == "FAILED"
    assert ex.error == "States.Runtime"
    assert ex.cause == runtime_cause("State_1", "Wait state delay is too long.")


def test_one_year_wait_is_fine_and_instant() -> None:
    """A long but valid wait (one year) completes in simulated time."""
    ex = run(wait(Timestamp="2027-01-01T00:00:00Z"), {})
    assert ex.status == "SUCCEEDED"
    assert ex.stop_date == at(365 * 86400)


def test_wait_input_and_output_paths() -> None:
    """Wait supports InputPath and OutputPath; SecondsPath reads the effective input."""
    ex = run(
        wait(InputPath="$.w", SecondsPath="$.s", OutputPath="$.keep"), {"w": {"s": 3, "keep": "k"}}
    )
    assert ex.output == "k"
    assert entered_exited(ex) == (at(0), at(3))
