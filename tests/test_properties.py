"""Property-based tests (hypothesis) with documented bounds.

- Back-off (AWS developer guide, Retry): interval n = IntervalSeconds x BackoffRate^n, capped by
  MaxDelaySeconds; FULL jitter draws uniformly from [0, interval]. Bounds: IntervalSeconds 1..100,
  BackoffRate 1.0..5.0, attempts 0..8, MaxDelaySeconds 1..1000 (keeps floats exact enough).
- Map results are in item order for any MaxConcurrency 0..8 and per-item waits 0..50 s
  (1..8 items keeps each example fast).
- Paths: set_path then resolve gives the value back, for plain keys of depth 1..4.
"""

from __future__ import annotations

import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from aslrun.definition.model import Retrier
from aslrun.lang.paths import compile_path, compile_reference_path, resolve, set_path
from aslrun.runtime.retry import backoff_delay, matches, next_retry
from conftest import machine, run

intervals = st.integers(min_value=1, max_value=100)
rates = st.floats(min_value=1.0, max_value=5.0, allow_nan=False)
attempt_numbers = st.integers(min_value=0, max_value=8)
caps = st.integers(min_value=1, max_value=1000)


@given(intervals, rates, attempt_numbers)
def test_backoff_without_jitter_is_exact(interval: int, rate: float, n: int) -> None:
    r = Retrier(("E",), interval_seconds=interval, backoff_rate=rate)
    assert backoff_delay(r, n, random.Random(0)) == interval * rate**n


@given(intervals, rates, attempt_numbers, caps)
def test_max_delay_caps(interval: int, rate: float, n: int, cap: int) -> None:
    r = Retrier(("E",), interval_seconds=interval, backoff_rate=rate, max_delay_seconds=cap)
    delay = backoff_delay(r, n, random.Random(0))
    assert delay == min(interval * rate**n, cap)
    assert delay <= cap


@given(intervals, rates, attempt_numbers, st.one_of(st.none(), caps), st.integers(0, 2**32))
def test_full_jitter_within_zero_and_interval(
    interval: int, rate: float, n: int, cap: int | None, seed: int
) -> None:
    r = Retrier(
        ("E",), interval_seconds=interval, backoff_rate=rate, max_delay_seconds=cap, jitter="FULL"
    )
    bound = interval * rate**n if cap is None else min(interval * rate**n, cap)
    delay = backoff_delay(r, n, random.Random(seed))
    assert 0 <= delay <= bound
    assert delay == backoff_delay(r, n, random.Random(seed))  # same seed, same delay


@given(st.integers(0, 6), st.integers(0, 10))
def test_next_retry_allows_exactly_max_attempts(max_attempts: int, failures: int) -> None:
    retriers = [Retrier(("E",), max_attempts=max_attempts)]
    counts = [0]
    rng = random.Random(1)
    granted = sum(next_retry(retriers, counts, "E", rng) is not None for _ in range(failures))
    assert granted == min(max_attempts, failures)


@given(st.text(min_size=1, max_size=20))
def test_states_all_matches_everything_but_runtime(error: str) -> None:
    assert matches(["States.ALL"], error) is (error != "States.Runtime")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 50), min_size=1, max_size=8), st.integers(0, 8))
def test_map_results_in_item_order_under_any_concurrency(waits: list[int], limit: int) -> None:
    items = [{"s": s, "i": i} for i, s in enumerate(waits)]
    ex = run(
        machine(
            {
                "M": {
                    "Type": "Map",
                    "MaxConcurrency": limit,
                    "End": True,
                    "ItemProcessor": {
                        "StartAt": "W",
                        "States": {
                            "W": {"Type": "Wait", "SecondsPath": "$.s", "Next": "P"},
                            "P": {"Type": "Pass", "OutputPath": "$.i", "End": True},
                        },
                    },
                }
            }
        ),
        items,
    )
    assert ex.output == list(range(len(waits)))
    if limit in (0, 1):
        expected = max(waits) if limit == 0 else sum(waits)
        assert (ex.stop_date - ex.start_date).total_seconds() == expected


keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=6)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=6,
)


@given(
    st.lists(keys, min_size=1, max_size=4),
    json_values,
    st.dictionaries(keys, json_values, max_size=3),
)
def test_set_then_get_round_trip(path_keys: list[str], value: Any, data: dict[str, Any]) -> None:
    text = "$." + ".".join(path_keys)
    # the path can only be set if every intermediate node that exists is an object
    node: Any = data
    for k in path_keys[:-1]:
        if isinstance(node, dict) and k in node and not isinstance(node[k], dict):
            return
        node = node.get(k, {}) if isinstance(node, dict) else {}
    out = set_path(data, compile_reference_path(text), value)
    assert resolve(compile_path(text), out, {}) == value
