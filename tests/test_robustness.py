"""Bad input never crashes aslrun: it ends in a located DefinitionError or a failed execution.

The brief's rule: malformed definitions, invalid paths, odd inputs and handler failures get a
clear error and never a bare traceback.  These properties feed arbitrary JSON to definitions
that read it in every way a state can (paths, Choice rules, Wait paths, intrinsics, Map).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aslrun
from conftest import FN, offsets, run, types

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**40), max_value=2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.sampled_from(["2026-01-01T00:00:00Z", "$.a", "States.x", "{% 1 %}"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["a", "b", "items", "n", "t"]), children, max_size=3)
    ),
    max_leaves=8,
)

READERS: dict[str, dict[str, Any]] = {
    "choice": {
        "StartAt": "C",
        "States": {
            "C": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.n", "NumericGreaterThan": 1, "Next": "Yes"},
                    {"Variable": "$.t", "TimestampLessThanPath": "$.a", "Next": "Yes"},
                    {"Not": {"Variable": "$.a", "StringMatches": "x*"}, "Next": "Yes"},
                ],
                "Default": "Yes",
            },
            "Yes": {"Type": "Succeed"},
        },
    },
    "wait": {
        "StartAt": "W",
        "States": {"W": {"Type": "Wait", "SecondsPath": "$.n", "End": True}},
    },
    "intrinsics": {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Pass",
                "Parameters": {
                    "len.$": "States.ArrayLength($.items)",
                    "s.$": "States.Format('{} {}', $.a, $.b)",
                    "j.$": "States.JsonToString($)",
                },
                "End": True,
            }
        },
    },
    "map": {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "MaxConcurrency": 2,
                "ItemProcessor": {
                    "StartAt": "I",
                    "States": {"I": {"Type": "Pass", "OutputPath": "$.a", "End": True}},
                },
                "End": True,
            }
        },
    },
    "jsonata": {
        "QueryLanguage": "JSONata",
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Pass",
                "Assign": {"x": "{% $states.input.n + 1 %}"},
                "Output": {"v": "{% $x * 2 %}"},
                "End": True,
            }
        },
    },
}


@pytest.mark.parametrize("name", sorted(READERS))
@settings(max_examples=60, deadline=None)
@given(value=json_values)
def test_any_input_ends_the_execution_without_a_python_error(name: str, value: Any) -> None:
    ex = aslrun.load(READERS[name]).run(value)
    if ex.status == "TIMED_OUT":  # a Wait past a Standard execution's one-year limit
        assert name == "wait"
        return
    assert ex.status in ("SUCCEEDED", "FAILED")
    if ex.status == "FAILED":
        assert ex.error is not None and ex.error.startswith("States.")
        assert ex.cause is not None and ex.cause.startswith("An error occurred while executing")


def test_assign_must_be_an_object_in_jsonata_too() -> None:
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "A",
        "States": {"A": {"Type": "Pass", "Assign": "{% 1 %}", "End": True}},
    }
    with pytest.raises(aslrun.DefinitionError) as info:
        aslrun.load(definition)
    assert any(p.location == "$.States.A.Assign" for p in info.value.problems)


def test_importing_the_jsonata_engine_leaves_the_recursion_limit_alone() -> None:
    # jsonata-python raises it to 10000 on import; aslrun must not change its host process.
    import subprocess
    import sys

    code = (
        "import sys; sys.setrecursionlimit(1234); import aslrun.lang.jsonata; "
        "print(sys.getrecursionlimit())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1234"


def test_a_deeply_recursive_jsonata_function_still_evaluates() -> None:
    # AWS allows 100 nested evaluations (floci-io/floci#2737); $f(30) nests 95 deep, and
    # aslrun raises CPython's limit for the evaluation only.
    import sys

    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Pass",
                "Output": "{% ($f := function($n){$n <= 1 ? 1 : $n + $f($n - 1)}; $f(30)) %}",
                "End": True,
            }
        },
    }
    before = sys.getrecursionlimit()
    ex = aslrun.load(definition).run({})
    assert (ex.status, ex.output) == ("SUCCEEDED", 465)
    assert sys.getrecursionlimit() == before


# ----------------------------------------------------------------------------------------------
# Issue 9, class 1 (depth at run time): refused past MAX_DEPTH with a located error, never a
# RecursionError.  AWS documents no nesting limit; 256 levels is aslrun's own (docs/robustness.md).


def _nested(depth: int) -> Any:
    """A value ``depth`` levels deep: [[...[]...]] (an empty array is one level)."""
    value: Any = []
    for _ in range(depth - 1):
        value = [value]
    return value


PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


def test_an_input_at_the_depth_limit_runs_and_renders() -> None:
    ex = aslrun.load(PASS).run(_nested(256))
    assert ex.status == "SUCCEEDED"
    assert ex.output_json == "[" * 255 + "[]" + "]" * 255
    assert ex.history[-1]["executionSucceededEventDetails"]["output"] == ex.output_json


@pytest.mark.parametrize("depth", [257, 1_000, 20_000])
def test_an_input_past_the_depth_limit_is_refused_at_start(depth: int) -> None:
    with pytest.raises(aslrun.InvalidExecutionInput) as info:
        aslrun.load(PASS).run(_nested(depth))
    assert str(info.value) == (
        "the execution input is not valid: it nests more than 256 levels deep (aslrun's limit)"
    )


def test_a_state_whose_output_nests_past_the_limit_fails_with_states_runtime() -> None:
    # Each pass wraps the data in one more object: {} is 1 level, the 256th output is 257.
    definition = {
        "StartAt": "Wrap",
        "States": {
            "Wrap": {"Type": "Pass", "Parameters": {"a.$": "$"}, "Next": "Again"},
            "Again": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.a", "IsPresent": True, "Next": "Wrap"}],
                "Default": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    }
    ex = aslrun.load(definition).run({})
    assert ex.status == "FAILED"
    assert ex.error == "States.Runtime"
    # events: #1 ExecutionStarted, then four a round: pass k enters at #2 + 4 (k - 1)
    assert ex.cause == (
        "An error occurred while executing the state 'Wrap' (entered at the event id #1022). "
        "The state's output nests more than 256 levels deep (aslrun's limit)."
    )
    assert [e["type"] for e in ex.history[-2:]] == ["PassStateEntered", "ExecutionFailed"]


def test_json_helpers_work_at_any_depth() -> None:
    from aslrun._json import deep_copy, dumps, nesting_depth, size_in_bytes

    deep = _nested(20_000)
    text = dumps(deep)
    assert text == "[" * 19_999 + "[]" + "]" * 19_999
    assert size_in_bytes(deep) == 40_000
    assert nesting_depth(deep, limit=10**6) == 20_000
    assert nesting_depth(deep) == 257  # stops as soon as it is past MAX_DEPTH
    copy = deep_copy(deep)
    assert copy is not deep and dumps(copy) == text


def test_a_cycle_is_a_value_error_not_a_hang() -> None:
    from aslrun._json import deep_copy, dumps, nesting_depth

    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        dumps(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        deep_copy(loop)
    assert nesting_depth(loop) == 257
    with pytest.raises(aslrun.InvalidExecutionInput, match="256 levels"):
        aslrun.load(PASS).run(loop)


def test_strict_loads_refuses_what_json_cannot_hold() -> None:
    from aslrun._json import JsonTooDeep, JsonValueError, loads

    assert loads('{"a": [1, 2.0, "x"]}') == {"a": [1, 2.0, "x"]}
    for text, message in [
        ("NaN", "NaN is not a JSON number"),
        ('{"a": -Infinity}', "-Infinity is not a JSON number"),
        ("1" * 4301, "an integer of 4301 digits (aslrun allows 4300)"),
    ]:
        with pytest.raises(JsonValueError, match=re.escape(message)):
            loads(text)
    with pytest.raises(JsonTooDeep):
        loads("[" * 20_000 + "]" * 20_000)
    assert loads("9" * 4300) == int("9" * 4300)


# ----------------------------------------------------------------------------------------------
# Issue 9, class 2 (numbers JSON cannot hold) at run time.  AWS's StartExecution refuses input
# that is not JSON with InvalidExecutionInput ("The provided JSON input data is not valid.").


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            {"a": [1, float("nan")]},
            "the execution input is not JSON: at $.a[1]: nan is not a JSON number "
            "(JSON has no NaN or Infinity)",
        ),
        (
            float("-inf"),
            "the execution input is not JSON: -inf is not a JSON number "
            "(JSON has no NaN or Infinity)",
        ),
        (
            {"n": 10**5000},
            "the execution input is not JSON: at $.n: an integer of more than 4300 digits "
            "(aslrun's limit)",
        ),
        (
            {"when": object()},
            "the execution input is not JSON: at $.when: a value of type object, which JSON "
            "does not have",
        ),
    ],
)
def test_an_input_json_cannot_hold_is_refused_at_start(value: Any, message: str) -> None:
    with pytest.raises(aslrun.InvalidExecutionInput) as info:
        aslrun.load(PASS).run(value)
    assert str(info.value) == message


def test_a_handler_result_json_cannot_hold_fails_the_task_as_lambda_does() -> None:
    # Lambda's Python runtime reports a response it cannot serialise as Runtime.MarshalError
    # ("Unable to marshal response: ..."); aslrun treats NaN, which JSON cannot carry, alike.
    definition = {
        "StartAt": "T",
        "States": {"T": {"Type": "Task", "Resource": FN + "f", "End": True}},
    }
    ex = run(definition, {}, {"f": lambda event, context: {"x": float("nan")}})
    assert ex.status == "FAILED"
    assert ex.error == "Runtime.MarshalError"
    assert ex.cause is not None
    cause = json.loads(ex.cause)
    assert cause["errorType"] == "Runtime.MarshalError"
    assert cause["errorMessage"] == (
        "Unable to marshal response: Out of range float values are not JSON compliant"
    )
    assert types(ex)[-2:] == ["LambdaFunctionFailed", "ExecutionFailed"]


# ----------------------------------------------------------------------------------------------
# Issue 9, class 6 (arithmetic in time).  Back-off is IntervalSeconds x BackoffRate^n capped by
# MaxDelaySeconds (AWS developer guide, "Handling errors"); the cap applies before the power
# can overflow.  Simulated time ends at 9999-12-31T23:59:59.999Z, the last instant a datetime
# (and so an event timestamp) can show: what would pass it times out there.

CLOCK_END = "The execution timed out: its simulated time reached 9999-12-31T23:59:59.999Z, " + (
    "the last instant aslrun's clock can show."
)


def test_backoff_with_a_thousand_attempts_is_capped_not_overflowed() -> None:
    import random

    from aslrun.definition.model import Retrier
    from aslrun.runtime.retry import MAX_BACKOFF_SECONDS, backoff_delay

    capped = Retrier(("E",), max_attempts=1100, backoff_rate=2.0, max_delay_seconds=10)
    assert backoff_delay(capped, 1099, random.Random(0)) == 10
    uncapped = Retrier(("E",), max_attempts=5000, backoff_rate=2.0)
    assert backoff_delay(uncapped, 4999, random.Random(0)) == MAX_BACKOFF_SECONDS
    jittered = Retrier(("E",), max_attempts=5000, backoff_rate=2.0, jitter="FULL")
    assert 0 <= backoff_delay(jittered, 4999, random.Random(0)) <= MAX_BACKOFF_SECONDS


def _always_failing(retrier: dict[str, Any]) -> dict[str, Any]:
    return {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": FN + "f",
                "Retry": [{"ErrorEquals": ["States.ALL"], **retrier}],
                "End": True,
            }
        },
    }


def _fail(event: Any, context: Any) -> Any:
    raise RuntimeError("down")


def test_a_retrier_with_1100_attempts_and_a_cap_runs_them_all() -> None:
    ex = run(
        _always_failing({"MaxAttempts": 1100, "MaxDelaySeconds": 10, "BackoffRate": 2.0}),
        {},
        {"f": _fail},
    )
    assert (ex.status, ex.error) == ("FAILED", "RuntimeError")
    assert types(ex).count("LambdaFunctionScheduled") == 1101
    # waits 1, 2, 4, 8, then the cap of 10 s for the other 1,096 retries
    assert offsets(ex, "ExecutionFailed") == [1 + 2 + 4 + 8 + 10 * 1096]


def test_a_back_off_growing_for_99_attempts_ends_at_the_one_year_limit() -> None:
    # 2^(i-1) s before retry i: retry 24 starts at 2^24 - 1 s (194 days), retry 25 would start
    # at 2^25 - 1 s, past AWS's one year for a Standard execution: it times out then.
    ex = run(_always_failing({"MaxAttempts": 99, "BackoffRate": 2.0}), {}, {"f": _fail})
    assert ex.status == "TIMED_OUT"
    assert types(ex).count("LambdaFunctionScheduled") == 25
    assert offsets(ex, "ExecutionTimedOut") == [365 * 86400]


def test_a_back_off_past_year_9999_times_out_at_the_end_of_the_clock() -> None:
    # Started in June 9999, the one-year limit lies past the last instant a clock can show.
    start = "9999-06-01T00:00:00Z"
    ex = run(
        _always_failing({"MaxAttempts": 99, "BackoffRate": 2.0}), {}, {"f": _fail}, start=start
    )
    assert ex.status == "TIMED_OUT"
    last = ex.history[-1]
    assert last["type"] == "ExecutionTimedOut"
    assert last["timestamp"] == datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=timezone.utc)
    assert last["executionTimedOutEventDetails"] == {"error": "States.Timeout", "cause": CLOCK_END}
    assert ex.stop_date == last["timestamp"]


def test_a_wait_past_year_9999_times_out_at_the_end_of_the_clock() -> None:
    definition = {
        "StartAt": "W",
        "States": {"W": {"Type": "Wait", "SecondsPath": "$.s", "End": True}},
    }
    ex = run(definition, {"s": 300 * 86400}, start="9999-06-01T00:00:00Z")
    assert ex.status == "TIMED_OUT"
    assert types(ex) == ["ExecutionStarted", "WaitStateEntered", "ExecutionTimedOut"]
    assert ex.history[-1]["executionTimedOutEventDetails"]["cause"] == CLOCK_END


def test_a_clock_starts_only_within_years_1_to_9999() -> None:
    for start in (1e12, -1e12, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="a clock starts between years 1 and 9999"):
            aslrun.VirtualClock(start)


def test_a_callback_past_the_clock_range_is_dropped_when_nothing_waits_for_the_end() -> None:
    from aslrun.runtime.clock import MAX_TIME

    clock = aslrun.VirtualClock("2026-01-01T00:00:00Z")
    ran: list[str] = []
    clock.schedule(MAX_TIME + 1, lambda: ran.append("late"))
    clock.schedule(float("nan"), lambda: ran.append("nan"))
    clock.schedule(clock.now() + 5, lambda: ran.append("soon"))
    clock.run()
    assert ran == ["soon"]
    assert clock.pending() == 0
    clock.advance(1e15)
    assert clock.now() == MAX_TIME


# ----------------------------------------------------------------------------------------------
# Issue 9, class 8 (AWS's size limits everywhere).  AWS ("Handling errors", States.
# DataLimitExceeded): raised when the output of a state is larger than the 256 KiB payload
# quota (262,144 bytes of UTF-8).  Cause as recorded on AWS for a Pass state's Result:
# "The state/task '<state>' returned a result with a size exceeding the maximum number of
# bytes service limit.", events ExecutionStarted, PassStateEntered, ExecutionFailed.


def _too_large(state: str) -> str:
    return (
        f"The state/task '{state}' returned a result with a size exceeding the maximum number "
        "of bytes service limit."
    )


def _jsonata_pass(output: Any) -> dict[str, Any]:
    return {
        "QueryLanguage": "JSONata",
        "StartAt": "Big",
        "States": {"Big": {"Type": "Pass", "Output": output, "End": True}},
    }


def test_a_jsonata_output_over_256_kib_fails_with_data_limit_exceeded() -> None:
    ex = run(_jsonata_pass("{% $pad('', 1000000, 'a') %}"), {})
    assert (ex.status, ex.error, ex.cause) == (
        "FAILED",
        "States.DataLimitExceeded",
        _too_large("Big"),
    )
    assert types(ex) == ["ExecutionStarted", "PassStateEntered", "ExecutionFailed"]


@pytest.mark.parametrize(
    ("chars", "char", "status"),
    [
        (262_142, "a", "SUCCEEDED"),  # "a...a" with its quotes: 262,144 bytes, the limit
        (262_143, "a", "FAILED"),
        (131_071, "é", "SUCCEEDED"),  # two bytes each in UTF-8: 262,142 + 2 quotes
        (131_072, "é", "FAILED"),
        (87_380, "€", "SUCCEEDED"),  # three bytes each: 262,140 + 2
        (87_381, "€", "FAILED"),
    ],
)
def test_the_limit_is_262144_bytes_of_utf8(chars: int, char: str, status: str) -> None:
    definition = _jsonata_pass(f"{{% $pad('', {chars}, '{char}') %}}")
    ex = run(definition, {})
    assert ex.status == status


def test_parameters_that_duplicate_the_input_past_the_limit_fail() -> None:
    definition = {
        "StartAt": "Twice",
        "States": {
            "Twice": {"Type": "Pass", "Parameters": {"a.$": "$.s", "b.$": "$.s"}, "End": True}
        },
    }
    ex = run(definition, {"s": "x" * 140_000})  # input 140,008 bytes; output 280,015
    assert (ex.error, ex.cause) == ("States.DataLimitExceeded", _too_large("Twice"))


def test_an_intrinsic_result_past_the_limit_fails() -> None:
    definition = {
        "StartAt": "Fmt",
        "States": {
            "Fmt": {
                "Type": "Pass",
                "Parameters": {"s.$": "States.Format('{}{}', $.s, $.s)"},
                "End": True,
            }
        },
    }
    ex = run(definition, {"s": "x" * 140_000})
    assert (ex.error, ex.cause) == ("States.DataLimitExceeded", _too_large("Fmt"))


def test_a_result_path_merge_past_the_limit_fails_and_is_not_caught() -> None:
    # The Task's result (200,002 bytes) is within the limit; the input with it is not.  The
    # output is checked after Retry and Catch: States.ALL does not catch it (AWS: terminal).
    definition = {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": FN + "f",
                "ResultPath": "$.result",
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                "End": True,
            },
            "Caught": {"Type": "Succeed"},
        },
    }
    ex = run(definition, {"in": "y" * 100_000}, {"f": lambda event, context: "z" * 200_000})
    assert (ex.status, ex.error, ex.cause) == (
        "FAILED",
        "States.DataLimitExceeded",
        _too_large("T"),
    )
    assert types(ex)[-2:] == ["LambdaFunctionSucceeded", "ExecutionFailed"]


def test_a_map_whose_results_add_up_past_the_limit_fails() -> None:
    definition = {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemSelector": {"s.$": "$.s"},
                "ItemProcessor": {
                    "StartAt": "Echo",
                    "States": {"Echo": {"Type": "Pass", "End": True}},
                },
                "End": True,
            }
        },
    }
    ex = run(definition, {"s": "w" * 100_000, "items": [1, 2, 3]})  # each result 100,008 bytes
    assert (ex.status, ex.error, ex.cause) == (
        "FAILED",
        "States.DataLimitExceeded",
        _too_large("M"),
    )
    assert types(ex)[-2:] == ["MapStateSucceeded", "ExecutionFailed"]


def test_a_map_whose_built_results_add_up_past_the_limit_fails() -> None:
    # Each iteration's output is built (Parameters) and measured as the iteration ends: the
    # Map adds those measures up instead of walking the list again, and must still fail when
    # the list is over the limit (ten results of 30,008 bytes: 300,089 bytes in all).
    definition = {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemSelector": {"s.$": "$.s"},
                "ItemProcessor": {
                    "StartAt": "Build",
                    "States": {
                        "Build": {"Type": "Pass", "Parameters": {"s.$": "$.s"}, "End": True}
                    },
                },
                "End": True,
            }
        },
    }
    ex = run(definition, {"s": "w" * 30_000, "items": list(range(10))})
    assert (ex.status, ex.error, ex.cause) == (
        "FAILED",
        "States.DataLimitExceeded",
        _too_large("M"),
    )
    small = run(definition, {"s": "w" * 20_000, "items": list(range(10))})  # 200,081 bytes
    assert small.status == "SUCCEEDED"
    assert small.output == [{"s": "w" * 20_000}] * 10


def test_an_item_reader_object_that_is_not_json_fails_the_map_not_aslrun() -> None:
    # Found by make fuzz (seed 20261129, case 98268): a reader's body that is not JSON text
    # escaped as json.JSONDecodeError; it fails the Map with States.ItemReaderFailed, as a bad
    # JSONL line does.
    definition = {
        "StartAt": "Map",
        "States": {
            "Map": {
                "Type": "Map",
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "Parameters": {"Bucket": "b", "Key": "k"},
                },
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "P",
                    "States": {"P": {"Type": "Pass", "End": True}},
                },
                "End": True,
            }
        },
    }
    ex = run(definition, {}, {"arn:aws:states:::s3:getObject": lambda event, context: "not json"})
    assert (ex.status, ex.error) == ("FAILED", "States.ItemReaderFailed")
    assert ex.cause is not None and ex.cause.startswith("Invalid JSON: Expecting value")
