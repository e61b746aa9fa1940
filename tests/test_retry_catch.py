"""Retry and Catch on Task states, in simulated time.

Rules: AWS developer guide "Handling errors in Step Functions workflows" (Retrier fields and
defaults: IntervalSeconds 1, MaxAttempts 3, BackoffRate 2.0; MaxDelaySeconds caps the interval;
JitterStrategy FULL = random delay in [0, computed interval]; first matching retrier wins; each
retrier counts separately; Catch after retries are exhausted; States.TaskFailed does not match
States.Timeout; States.Runtime is not retried or caught). Recorded cases cited per test.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import Any

import pytest

import aslrun
from conftest import FN, INVOKE, at, events, machine, offsets, run, types


def failing(errors: Iterable[str | None]) -> Callable[[Any, Any], Any]:
    """A handler that raises TaskFailed(e) for each e in turn; None means succeed."""
    seq = iter(errors)

    def handler(event: Any, ctx: Any) -> Any:
        err = next(seq, None)
        if err is None:
            return {"ok": True}
        raise aslrun.TaskFailed(err, f"cause of {err}")

    return handler


def always(error: str) -> Callable[[Any, Any], Any]:
    def handler(event: Any, ctx: Any) -> Any:
        raise aslrun.TaskFailed(error, "boom")

    return handler


def task(**fields: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": FN + "f", **fields}


def scheduled(ex: aslrun.Execution) -> list[float]:
    return offsets(ex, "LambdaFunctionScheduled")


def attempts_with(**retrier: Any) -> list[float]:
    """When each attempt of an always-failing Task is scheduled under one retrier for "E"."""
    definition = machine({"T": task(End=True, Retry=[{"ErrorEquals": ["E"], **retrier}])})
    return scheduled(run(definition, {}, {"f": always("E")}))


# -- Retry fields ------------------------------------------------------------------------------


def test_defaults_interval_1_attempts_3_backoff_2() -> None:
    """Defaults: attempts at 0, +1, +2, +4 (0, 1, 3, 7), then the error fails the execution."""
    ex = run(machine({"T": task(End=True, Retry=[{"ErrorEquals": ["E"]}])}), {}, {"f": always("E")})
    assert ex.status == "FAILED"
    assert ex.error == "E"
    assert scheduled(ex) == [0, 1, 3, 7]
    assert ex.stop_date == at(7)


def test_interval_and_backoff_rate() -> None:
    """IntervalSeconds 2, BackoffRate 3: waits 2, 6, 18 → attempts at 0, 2, 8, 26."""
    assert attempts_with(IntervalSeconds=2, BackoffRate=3, MaxAttempts=3) == [0, 2, 8, 26]


def test_backoff_rate_one_is_constant() -> None:
    """BackoffRate 1.0: a fixed interval."""
    assert attempts_with(IntervalSeconds=5, BackoffRate=1, MaxAttempts=4) == [0, 5, 10, 15, 20]


def test_max_delay_seconds_caps_the_interval() -> None:
    """MaxDelaySeconds 5 with 2 s x 2ⁿ: waits 2, 4, 5, 5 → attempts 0, 2, 6, 11, 16."""
    assert attempts_with(IntervalSeconds=2, MaxAttempts=4, MaxDelaySeconds=5) == [0, 2, 6, 11, 16]


def test_max_attempts_zero_never_retries() -> None:
    """MaxAttempts 0: the error is never retried."""
    ex = run(
        machine({"T": task(End=True, Retry=[{"ErrorEquals": ["E"], "MaxAttempts": 0}])}),
        {},
        {"f": always("E")},
    )
    assert ex.error == "E"
    assert scheduled(ex) == [0]


def test_retry_succeeds_eventually() -> None:
    """Retried work that then succeeds: the output is the successful result."""
    ex = run(
        machine({"T": task(End=True, Retry=[{"ErrorEquals": ["E"], "IntervalSeconds": 3}])}),
        {},
        {"f": failing(["E", "E", None])},
    )
    assert ex.status == "SUCCEEDED"
    assert ex.output == {"ok": True}
    assert scheduled(ex) == [0, 3, 9]


def test_retry_history_shape() -> None:
    """Each attempt records Scheduled/Started/Failed; only one TaskStateEntered."""
    ex = run(
        machine({"T": task(End=True, Retry=[{"ErrorEquals": ["E"], "MaxAttempts": 1}])}),
        {},
        {"f": always("E")},
    )
    assert types(ex) == [
        "ExecutionStarted",
        "TaskStateEntered",
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
        "LambdaFunctionFailed",
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
        "LambdaFunctionFailed",
        "ExecutionFailed",
    ]


def test_lambda_invoke_retry_timestamps() -> None:
    """Service integrations are retried the same way: TaskScheduled at 0, 1, 3."""

    def boom(event: Any, ctx: Any) -> Any:
        raise RuntimeError("x")

    ex = run(
        machine(
            {
                "T": {
                    "Type": "Task",
                    "Resource": INVOKE,
                    "End": True,
                    "Parameters": {"FunctionName": "f"},
                    "Retry": [{"ErrorEquals": ["RuntimeError"], "MaxAttempts": 2}],
                }
            }
        ),
        {},
        {"f": boom},
    )
    assert ex.error == "RuntimeError"
    assert offsets(ex, "TaskScheduled") == [0, 1, 3]


def test_jitter_full_is_within_range_and_seed_reproducible() -> None:
    """JitterStrategy FULL: each wait is in [0, computed interval]; the same seed gives the same
    timestamps."""
    definition = machine(
        {
            "T": task(
                End=True,
                Retry=[
                    {
                        "ErrorEquals": ["E"],
                        "IntervalSeconds": 10,
                        "MaxAttempts": 3,
                        "JitterStrategy": "FULL",
                    }
                ],
            )
        }
    )
    a = scheduled(run(definition, {}, {"f": always("E")}, seed=7))
    b = scheduled(run(definition, {}, {"f": always("E")}, seed=7))
    assert a == b
    waits = [y - x for x, y in itertools.pairwise(a)]
    assert len(waits) == 3
    for wait, bound in zip(waits, [10, 20, 40], strict=True):
        assert 0 <= wait <= bound
    others = {tuple(scheduled(run(definition, {}, {"f": always("E")}, seed=s))) for s in range(5)}
    assert len(others) > 1, "jitter must depend on the seed"


def test_jitter_none_is_the_plain_backoff() -> None:
    """JitterStrategy NONE equals no jitter (recorded case test_retry_interval_features_jitter_none
    fails with the function's error after its retries)."""
    ex = run(
        machine(
            {
                "T": task(
                    End=True,
                    Retry=[
                        {
                            "ErrorEquals": ["E"],
                            "IntervalSeconds": 1,
                            "MaxAttempts": 2,
                            "JitterStrategy": "NONE",
                        }
                    ],
                )
            }
        ),
        {},
        {"f": always("E")},
        seed=3,
    )
    assert scheduled(ex) == [0, 1, 3]


def test_first_matching_retrier_wins() -> None:
    """The first retrier whose ErrorEquals matches is used, even if a later one also matches."""
    ex = run(
        machine(
            {
                "T": task(
                    End=True,
                    Retry=[
                        {"ErrorEquals": ["E"], "IntervalSeconds": 10, "MaxAttempts": 1},
                        {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 5},
                    ],
                )
            }
        ),
        {},
        {"f": always("E")},
    )
    assert scheduled(ex) == [0, 10]


def test_retriers_count_separately() -> None:
    """Each retrier keeps its own count: A, B, A, B with MaxAttempts 2 each are all retried."""
    retry = [
        {"ErrorEquals": ["A"], "MaxAttempts": 2, "BackoffRate": 1},
        {"ErrorEquals": ["B"], "MaxAttempts": 2, "IntervalSeconds": 5, "BackoffRate": 1},
    ]
    ex = run(
        machine({"T": task(End=True, Retry=retry)}), {}, {"f": failing(["A", "B", "A", "B", None])}
    )
    assert ex.status == "SUCCEEDED"
    assert scheduled(ex) == [0, 1, 6, 7, 12]


def test_exhausted_retrier_does_not_fall_through() -> None:
    """Once the matching retrier is exhausted, a later States.ALL retrier does not retry it."""
    retry = [
        {"ErrorEquals": ["A"], "MaxAttempts": 1},
        {"ErrorEquals": ["States.ALL"], "MaxAttempts": 5},
    ]
    ex = run(machine({"T": task(End=True, Retry=retry)}), {}, {"f": always("A")})
    assert ex.error == "A"
    assert scheduled(ex) == [0, 1]


def test_retry_count_in_context() -> None:
    """$$.State.RetryCount is 0 on the first attempt and counts retries."""
    seen: list[Any] = []

    def f(event: Any, ctx: Any) -> Any:
        seen.append(event["rc"])
        if len(seen) < 3:
            raise aslrun.TaskFailed("E", "x")
        return event

    ex = run(
        machine(
            {
                "T": task(
                    End=True,
                    Parameters={"rc.$": "$$.State.RetryCount"},
                    Retry=[{"ErrorEquals": ["E"]}],
                )
            }
        ),
        {},
        {"f": f},
    )
    assert ex.status == "SUCCEEDED"
    assert seen == [0, 1, 2]


def test_retry_counts_reset_when_state_is_left() -> None:
    """Counts reset when the state is left: re-entering it allows MaxAttempts again."""
    definition = machine(
        {
            "T": task(
                Next="Again",
                ResultPath="$.r",
                Retry=[{"ErrorEquals": ["E"], "MaxAttempts": 1, "IntervalSeconds": 1}],
            ),
            "Again": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.round", "NumericEquals": 1, "Next": "Bump"}],
                "Default": "Done",
            },
            "Bump": {"Type": "Pass", "Result": 2, "ResultPath": "$.round", "Next": "T"},
            "Done": {"Type": "Succeed"},
        }
    )
    ex = run(definition, {"round": 1}, {"f": failing(["E", None, "E", None])})
    assert ex.status == "SUCCEEDED"
    assert scheduled(ex) == [0, 1, 1, 2]


def test_runtime_error_is_not_retried() -> None:
    """States.Runtime is not retried, even by States.ALL."""
    ex = run(
        machine(
            {"T": task(End=True, OutputPath="$.missing", Retry=[{"ErrorEquals": ["States.ALL"]}])}
        ),
        {},
        {"f": lambda e, c: {"a": 1}},
    )
    assert ex.error == "States.Runtime"
    assert scheduled(ex) == [0]


# -- Catch -------------------------------------------------------------------------------------


def catching(catch: dict[str, Any], **task_fields: Any) -> dict[str, Any]:
    return machine(
        {
            "T": task(Next="Ok", Catch=[{"Next": "Handler", **catch}], **task_fields),
            "Ok": {"Type": "Pass", "Result": "ok", "End": True},
            "Handler": {"Type": "Pass", "End": True},
        }
    )


def test_catch_default_result_path_replaces_input() -> None:
    """Catch without ResultPath: the error output {Error, Cause} replaces the input."""
    ex = run(catching({"ErrorEquals": ["E"]}), {"in": 1}, {"f": always("E")})
    assert ex.status == "SUCCEEDED"
    assert ex.output == {"Error": "E", "Cause": "boom"}
    assert ex.output_json == '{"Error":"E","Cause":"boom"}'


def test_catch_result_path_merges_error_into_input() -> None:
    """Catch ResultPath `$.error` adds the error output to the input (recorded case
    test_task_catch_error_output[TASK_CATCH_ERROR_OUTPUT_TO_JSONPATH] shape)."""
    ex = run(
        catching({"ErrorEquals": ["E"], "ResultPath": "$.error"}), {"in": 1}, {"f": always("E")}
    )
    assert ex.output == {"in": 1, "error": {"Error": "E", "Cause": "boom"}}


def test_catch_result_path_null_keeps_input() -> None:
    """Catch ResultPath null: the input passes to the handler state unchanged."""
    ex = run(catching({"ErrorEquals": ["E"], "ResultPath": None}), {"in": 1}, {"f": always("E")})
    assert ex.output == {"in": 1}


def test_catch_of_python_exception_carries_lambda_cause() -> None:
    """A caught Lambda exception: Error = class name, Cause = the Lambda error JSON (recorded
    case TestTaskLambda::test_raise_exception_catch)."""

    def f(event: Any, ctx: Any) -> Any:
        raise Exception("Some exception was raised.")

    ex = run(catching({"ErrorEquals": ["States.ALL"]}), {}, {"f": f})
    assert ex.output["Error"] == "Exception"
    assert ex.output["Cause"].startswith(
        '{"errorMessage": "Some exception was raised.", "errorType": "Exception", "requestId": '
    )


def test_catch_history() -> None:
    """Catch: the task's failure event, TaskStateExited, then the catcher's Next state."""
    ex = run(catching({"ErrorEquals": ["E"]}), {}, {"f": always("E")})
    assert types(ex) == [
        "ExecutionStarted",
        "TaskStateEntered",
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
        "LambdaFunctionFailed",
        "TaskStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]


def test_first_matching_catcher_wins() -> None:
    """Catchers are tried in order."""
    definition = machine(
        {
            "T": task(
                Next="Ok",
                Catch=[
                    {"ErrorEquals": ["Other"], "Next": "A"},
                    {"ErrorEquals": ["E"], "Next": "B"},
                    {"ErrorEquals": ["States.ALL"], "Next": "C"},
                ],
            ),
            "Ok": {"Type": "Succeed"},
            "A": {"Type": "Pass", "Result": "A", "End": True},
            "B": {"Type": "Pass", "Result": "B", "End": True},
            "C": {"Type": "Pass", "Result": "C", "End": True},
        }
    )
    assert run(definition, {}, {"f": always("E")}).output == "B"
    assert run(definition, {}, {"f": always("Z")}).output == "C"


def test_retries_are_exhausted_before_catch() -> None:
    """Retry first (attempts at 0, 1, 3), then the catcher, entered at +3."""
    ex = run(
        catching({"ErrorEquals": ["E"]}, Retry=[{"ErrorEquals": ["E"], "MaxAttempts": 2}]),
        {},
        {"f": always("E")},
    )
    assert ex.status == "SUCCEEDED"
    assert scheduled(ex) == [0, 1, 3]
    assert offsets(ex, "PassStateEntered") == [3]


def test_task_failed_does_not_catch_timeout() -> None:
    """States.TaskFailed matches any task failure except States.Timeout."""
    definition = machine(
        {
            "T": task(
                Next="Ok",
                TimeoutSeconds=5,
                Catch=[
                    {"ErrorEquals": ["States.TaskFailed"], "Next": "TF"},
                    {"ErrorEquals": ["States.Timeout"], "Next": "TO"},
                ],
            ),
            "Ok": {"Type": "Succeed"},
            "TF": {"Type": "Pass", "Result": "task-failed", "End": True},
            "TO": {"Type": "Pass", "Result": "timeout", "End": True},
        }
    )
    assert run(definition, {}, {"f": lambda e, c: c.sleep(10)}).output == "timeout"
    assert run(definition, {}, {"f": always("Custom")}).output == "task-failed"


def test_task_failed_alone_leaves_timeout_uncaught() -> None:
    """Catch [States.TaskFailed] only: a timeout fails the execution."""
    ex = run(
        catching({"ErrorEquals": ["States.TaskFailed"]}, TimeoutSeconds=1),
        {},
        {"f": lambda e, c: c.sleep(2)},
    )
    assert ex.status == "FAILED"
    assert ex.error == "States.Timeout"
    assert ex.stop_date == at(1)


def test_states_all_catches_timeout() -> None:
    """States.ALL matches States.Timeout."""
    ex = run(
        catching({"ErrorEquals": ["States.ALL"]}, TimeoutSeconds=1),
        {},
        {"f": lambda e, c: c.sleep(2)},
    )
    assert ex.output["Error"] == "States.Timeout"
    assert offsets(ex, "PassStateEntered") == [1]


def test_retry_of_timeout_at_exact_instants() -> None:
    """A timed-out attempt is retried after the interval counted from the timeout instant."""
    ex = run(
        machine(
            {
                "T": task(
                    End=True,
                    TimeoutSeconds=5,
                    Retry=[
                        {"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 2, "MaxAttempts": 1}
                    ],
                )
            }
        ),
        {},
        {"f": lambda e, c: c.sleep(100)},
    )
    assert ex.error == "States.Timeout"
    assert scheduled(ex) == [0, 7]
    assert offsets(ex, "LambdaFunctionTimedOut") == [5, 12]


def test_runtime_error_is_never_caught() -> None:
    """States.Runtime fails the execution even when a catcher lists it (recorded case
    TestBaseScenarios::test_catch_states_runtime)."""
    ex = run(
        catching({"ErrorEquals": ["States.Runtime"]}, OutputPath="$.no.such"),
        {},
        {"f": lambda e, c: {}},
    )
    assert ex.status == "FAILED"
    assert ex.error == "States.Runtime"


def test_states_all_catches_data_limit_exceeded_from_a_task() -> None:
    """A task result over 256 KiB is caught by States.ALL (recorded case
    test_service_task_lambada_catch_state_all_data_limit_exceeded_on_large_utf8_response)."""
    ex = run(
        machine(
            {
                "InvokeLambda": {
                    "Type": "Task",
                    "Resource": INVOKE,
                    "Next": "ProcessResult",
                    "Parameters": {"FunctionName": "f"},
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "HandleGeneralError"}],
                },
                "ProcessResult": {"Type": "Pass", "End": True},
                "HandleGeneralError": {"Type": "Pass", "End": True},
            }
        ),
        {},
        {"f": lambda e, c: "x" * 300_000},
    )
    assert ex.output == {
        "Error": "States.DataLimitExceeded",
        "Cause": "The state/task 'lambda' returned a result with a size "
        "exceeding the maximum number of bytes service limit.",
    }


@pytest.mark.parametrize(("error", "caught"), [("E", True), ("E2", False), ("e", False)])
def test_custom_names_match_exactly(error: str, caught: bool) -> None:
    """Custom error names match exactly (case-sensitive, no prefix matching)."""
    ex = run(catching({"ErrorEquals": ["E"]}), {}, {"f": always(error)})
    assert (ex.status == "SUCCEEDED") is caught


def test_catch_records_exit_at_catch_time() -> None:
    """The catcher's Next is entered at the simulated instant of the last failure."""
    ex = run(
        catching({"ErrorEquals": ["E"]}), {}, {"f": lambda e, c: (c.sleep(30), always("E")(e, c))}
    )
    assert events(ex, "TaskStateExited")[0]["timestamp"] == at(30)
