"""Parallel: branches run concurrently on the one scheduler, output in branch order, failure of
one branch fails the state and stops the others, then Retry/Catch of the Parallel apply.

Rules: AWS developer guide "Parallel workflow state"; recorded cases cited per test.
"""

from __future__ import annotations

from typing import Any

from conftest import at, events, machine, offsets, run, types


def branch(states: dict[str, Any]) -> dict[str, Any]:
    return {"StartAt": next(iter(states)), "States": states}


def wait_then_pass(seconds: int, result: Any) -> dict[str, Any]:
    """A branch waiting ``seconds`` then returning ``result`` (state names unique per result,
    as names must be unique across the whole machine)."""
    return branch(
        {
            f"W{result}": {"Type": "Wait", "Seconds": seconds, "Next": f"P{result}"},
            f"P{result}": {"Type": "Pass", "Result": result, "End": True},
        }
    )


def parallel(*branches: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"Type": "Parallel", "Branches": list(branches), **fields}


def test_branches_run_concurrently_in_simulated_time() -> None:
    """A 60 s branch and a 30 s branch finish the state at +60 s, not +90 s."""
    ex = run(
        machine({"Par": parallel(wait_then_pass(60, "a"), wait_then_pass(30, "b"), End=True)}), {}
    )
    assert ex.status == "SUCCEEDED"
    assert ex.output == ["a", "b"]
    assert events(ex, "ParallelStateExited")[0]["timestamp"] == at(60)
    assert sorted(offsets(ex, "WaitStateExited")) == [30, 60]
    assert ex.stop_date == at(60)


def test_output_is_in_branch_order_not_completion_order() -> None:
    """Output: one entry per branch, in branch order, though the last branch ends first."""
    ex = run(
        machine(
            {
                "Par": parallel(
                    wait_then_pass(30, 1), wait_then_pass(20, 2), wait_then_pass(10, 3), End=True
                )
            }
        ),
        {},
    )
    assert ex.output == [1, 2, 3]


def test_every_branch_gets_the_same_effective_input() -> None:
    """Each branch receives the Parallel state's effective input (after InputPath/Parameters)."""
    ex = run(
        machine(
            {
                "Par": parallel(
                    branch({"P1": {"Type": "Pass", "End": True}}),
                    branch({"P2": {"Type": "Pass", "End": True}}),
                    InputPath="$.x",
                    Parameters={"v.$": "$.v"},
                    End=True,
                )
            }
        ),
        {"x": {"v": 5}},
    )
    assert ex.output == [{"v": 5}, {"v": 5}]


def test_result_selector_result_path_output_path() -> None:
    """ResultSelector, ResultPath and OutputPath apply to the branch-output array."""
    ex = run(
        machine(
            {
                "Par": parallel(
                    branch({"A": {"Type": "Pass", "Result": {"n": 1}, "End": True}}),
                    branch({"B": {"Type": "Pass", "Result": {"n": 2}, "End": True}}),
                    ResultSelector={"first.$": "$[0].n", "second.$": "$[1].n"},
                    ResultPath="$.res",
                    OutputPath="$.res",
                    End=True,
                )
            }
        ),
        {"keep": 0},
    )
    assert ex.output == {"first": 1, "second": 2}


def test_history_events() -> None:
    """ParallelStateEntered, ParallelStateStarted, branch events, ParallelStateExited: AWS
    records no ParallelStateSucceeded (recorded case
    TestBaseScenarios::test_parallel_state_nested)."""
    ex = run(machine({"Par": parallel(branch({"A": {"Type": "Pass", "End": True}}), End=True)}), {})
    assert types(ex) == [
        "ExecutionStarted",
        "ParallelStateEntered",
        "ParallelStateStarted",
        "PassStateEntered",
        "PassStateExited",
        "ParallelStateExited",
        "ExecutionSucceeded",
    ]


def test_caught_failure_history() -> None:
    """A caught branch failure: ParallelStateFailed then ParallelStateExited, then the catcher's
    state (recorded case TestBaseScenarios::test_parallel_state_catch)."""
    ex = run(
        machine(
            {
                "Par": parallel(
                    branch({"F": {"Type": "Fail", "Error": "FailureType"}}),
                    Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                    End=True,
                ),
                "Caught": {"Type": "Pass", "End": True},
            }
        ),
        {},
    )
    assert types(ex) == [
        "ExecutionStarted",
        "ParallelStateEntered",
        "ParallelStateStarted",
        "FailStateEntered",
        "ParallelStateFailed",
        "ParallelStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]


def test_failing_branch_fails_state_with_its_error() -> None:
    """One failing branch fails the state and the execution with the branch's error (recorded
    case TestBaseScenarios::test_parallel_state_fail)."""
    ex = run(
        machine(
            {
                "ParallelState": parallel(
                    branch({"Branch1": {"Type": "Fail", "Error": "FailureType"}}), End=True
                )
            }
        ),
        {},
    )
    assert ex.status == "FAILED"
    assert ex.error == "FailureType"
    assert ex.cause is None
    assert types(ex) == [
        "ExecutionStarted",
        "ParallelStateEntered",
        "ParallelStateStarted",
        "FailStateEntered",
        "ParallelStateFailed",
        "ExecutionFailed",
    ]


def test_failure_stops_the_other_branches() -> None:
    """A branch failing at +10 stops a branch waiting 60 s: it never exits its Wait and the
    execution ends at +10."""
    fails = branch(
        {
            "W": {"Type": "Wait", "Seconds": 10, "Next": "F"},
            "F": {"Type": "Fail", "Error": "Boom", "Cause": "c"},
        }
    )
    ex = run(machine({"Par": parallel(wait_then_pass(60, "slow"), fails, End=True)}), {})
    assert ex.status == "FAILED"
    assert (ex.error, ex.cause) == ("Boom", "c")
    assert offsets(ex, "WaitStateExited") == [10]
    assert "PassStateEntered" not in types(ex)
    assert ex.stop_date == at(10)


def test_catch_of_parallel() -> None:
    """Catch on Parallel receives {Error, Cause} of the failing branch (recorded case
    TestBaseScenarios::test_parallel_state_catch)."""
    ex = run(
        machine(
            {
                "Par": parallel(
                    branch(
                        {
                            "F": {
                                "Type": "Fail",
                                "Error": "FailureType",
                                "Cause": "Cause description",
                            }
                        }
                    ),
                    Catch=[{"ErrorEquals": ["FailureType"], "Next": "Caught"}],
                    End=True,
                ),
                "Caught": {"Type": "Pass", "End": True},
            }
        ),
        {},
    )
    assert ex.status == "SUCCEEDED"
    assert ex.output == {"Error": "FailureType", "Cause": "Cause description"}


def test_retry_of_parallel_reruns_all_branches_at_backoff_instants() -> None:
    """Retry on Parallel: the whole state is re-run after each interval (branch started at 0,
    +1, +3), then fails with the branch's error (recorded case test_parallel_state_retry)."""
    ex = run(
        machine(
            {
                "Par": parallel(
                    branch(
                        {
                            "F": {
                                "Type": "Fail",
                                "Error": "FailureType",
                                "Cause": "Cause description",
                            }
                        }
                    ),
                    Retry=[{"ErrorEquals": ["FailureType"], "MaxAttempts": 2}],
                    End=True,
                )
            }
        ),
        {},
    )
    assert ex.status == "FAILED"
    assert (ex.error, ex.cause) == ("FailureType", "Cause description")
    assert offsets(ex, "FailStateEntered") == [0, 1, 3]


def test_nested_parallel_timing() -> None:
    """Nested Parallel inside a branch: still concurrent (max of 20 and 15, then + 5)."""
    inner = {
        "Inner": parallel(wait_then_pass(20, "x"), wait_then_pass(15, "y"), Next="After"),
        "After": {"Type": "Wait", "Seconds": 5, "End": True},
    }
    ex = run(machine({"Outer": parallel(branch(inner), wait_then_pass(10, "z"), End=True)}), {})
    assert ex.output == [["x", "y"], "z"]
    assert ex.stop_date == at(25)
