"""Inline Map: items, ItemSelector and the Map item context, concurrency in simulated time,
result order, tolerated failures, input errors.

Rules: AWS developer guide "Map state in inline mode" / "Map workflow state" (ItemsPath,
ItemSelector, legacy Parameters/Iterator, MaxConcurrency 0 = unbounded, ToleratedFailureCount/
Percentage → States.ExceedToleratedFailureThreshold); recorded cases cited per test.
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import at, events, machine, offsets, run, types


def processor(states: dict[str, Any]) -> dict[str, Any]:
    return {"StartAt": next(iter(states)), "States": states}


ECHO = processor({"P": {"Type": "Pass", "End": True}})


def map_state(**fields: Any) -> dict[str, Any]:
    fields.setdefault("ItemProcessor", ECHO)
    return {"Type": "Map", "End": True, **fields}


def wait_item(path: str = "$.s") -> dict[str, Any]:
    return processor({"W": {"Type": "Wait", "SecondsPath": path, "End": True}})


def test_items_path_and_identity_processor() -> None:
    """ItemsPath selects the array; each item is the iteration input; results in order."""
    ex = run(machine({"M": map_state(ItemsPath="$.items")}), {"items": [1, "two", {"3": 3}]})
    assert ex.output == [1, "two", {"3": 3}]


def test_default_items_path_is_the_input() -> None:
    """ItemsPath defaults to `$`."""
    assert run(machine({"M": map_state()}), [3, 2, 1]).output == [3, 2, 1]


def test_empty_array() -> None:
    """An empty array gives an empty result."""
    assert run(machine({"M": map_state()}), []).output == []


def test_item_selector_with_map_item_context() -> None:
    """ItemSelector builds each iteration input from $$.Map.Item.Index/Value and the state input
    (recorded case TestBaseScenarios::test_map_state_config_inline_item_selector)."""
    ex = run(
        machine(
            {
                "M": map_state(
                    ItemsPath="$.xs",
                    ItemSelector={
                        "constantValue": "constant",
                        "mapValue.$": "$$.Map.Item.Value",
                        "fromInput.$": "$.xs",
                        "index.$": "$$.Map.Item.Index",
                    },
                )
            }
        ),
        {"xs": ["Hello", "World"]},
    )
    assert ex.output == [
        {
            "constantValue": "constant",
            "mapValue": "Hello",
            "fromInput": ["Hello", "World"],
            "index": 0,
        },
        {
            "constantValue": "constant",
            "mapValue": "World",
            "fromInput": ["Hello", "World"],
            "index": 1,
        },
    ]


def test_legacy_parameters_and_iterator() -> None:
    """Legacy Parameters (= ItemSelector) and Iterator (= ItemProcessor)."""
    ex = run(
        machine(
            {
                "M": {
                    "Type": "Map",
                    "End": True,
                    "Parameters": {"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value"},
                    "Iterator": ECHO,
                }
            }
        ),
        ["a", "b"],
    )
    assert ex.output == [{"i": 0, "v": "a"}, {"i": 1, "v": "b"}]


def test_max_concurrency_in_simulated_time() -> None:
    """MaxConcurrency 2, 6 items each waiting 10 s → the state takes 30 s."""
    ex = run(
        machine({"M": map_state(MaxConcurrency=2, ItemProcessor=wait_item())}), [{"s": 10}] * 6
    )
    assert ex.status == "SUCCEEDED"
    assert events(ex, "MapStateExited")[0]["timestamp"] == at(30)
    assert sorted(offsets(ex, "WaitStateExited")) == [10, 10, 20, 20, 30, 30]


def test_max_concurrency_one_is_sequential() -> None:
    """MaxConcurrency 1: iterations one after another (3 x 5 s = 15 s)."""
    ex = run(machine({"M": map_state(MaxConcurrency=1, ItemProcessor=wait_item())}), [{"s": 5}] * 3)
    assert offsets(ex, "WaitStateExited") == [5, 10, 15]


def test_max_concurrency_zero_is_unbounded() -> None:
    """MaxConcurrency 0 (and absent): all iterations at once (6 x 10 s → 10 s)."""
    for fields in ({"MaxConcurrency": 0}, {}):
        ex = run(machine({"M": map_state(ItemProcessor=wait_item(), **fields)}), [{"s": 10}] * 6)
        assert ex.stop_date == at(10)


def test_max_concurrency_path() -> None:
    """MaxConcurrencyPath reads the limit from the input."""
    ex = run(
        machine(
            {"M": map_state(ItemsPath="$.xs", MaxConcurrencyPath="$.n", ItemProcessor=wait_item())}
        ),
        {"n": 3, "xs": [{"s": 10}] * 6},
    )
    assert ex.stop_date == at(20)


def test_results_in_item_order_not_completion_order() -> None:
    """Results come in item order regardless of when iterations finish."""
    items = [{"s": 30, "id": 0}, {"s": 10, "id": 1}, {"s": 20, "id": 2}]
    ex = run(
        machine(
            {
                "M": map_state(
                    ItemProcessor=processor(
                        {
                            "W": {"Type": "Wait", "SecondsPath": "$.s", "Next": "P"},
                            "P": {"Type": "Pass", "OutputPath": "$.id", "End": True},
                        }
                    )
                )
            }
        ),
        items,
    )
    assert ex.output == [0, 1, 2]


def test_history_events() -> None:
    """MapStateEntered, MapStateStarted, MapIterationStarted/Succeeded around each iteration,
    MapStateSucceeded, MapStateExited."""
    ex = run(machine({"M": map_state(MaxConcurrency=1)}), [1])
    assert types(ex) == [
        "ExecutionStarted",
        "MapStateEntered",
        "MapStateStarted",
        "MapIterationStarted",
        "PassStateEntered",
        "PassStateExited",
        "MapIterationSucceeded",
        "MapStateSucceeded",
        "MapStateExited",
        "ExecutionSucceeded",
    ]


def test_result_selector_and_result_path() -> None:
    """ResultSelector and ResultPath apply to the results array."""
    ex = run(
        machine(
            {
                "M": map_state(
                    ItemsPath="$.xs",
                    ResultSelector={"n.$": "States.ArrayLength($)"},
                    ResultPath="$.count",
                )
            }
        ),
        {"xs": [1, 2, 3]},
    )
    assert ex.output == {"xs": [1, 2, 3], "count": {"n": 3}}


def test_input_not_an_array() -> None:
    """Items that are not an array → States.Runtime, 'Map state input must be an array but
    was: 1' (AWS-recorded wording)."""
    ex = run(machine({"M": map_state(ItemsPath="$.xs")}), {"xs": 1})
    assert ex.status == "FAILED"
    assert ex.error == "States.Runtime"
    assert ex.cause == (
        "An error occurred while executing the state 'M' (entered at the event "
        "id #2). Map state input must be an array but was: 1"
    )


FAIL_ODD = processor(
    {
        "C": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.ok", "BooleanEquals": True, "Next": "Ok"}],
            "Default": "F",
        },
        "Ok": {"Type": "Pass", "End": True},
        "F": {"Type": "Fail", "Error": "ItemFailed", "Cause": "bad item"},
    }
)


def items(ok: list[bool]) -> list[dict[str, bool]]:
    return [{"ok": v} for v in ok]


def test_failing_iteration_fails_the_map_with_its_error() -> None:
    """Without tolerance, a failed iteration fails the Map with the iteration's error."""
    ex = run(machine({"M": map_state(ItemProcessor=FAIL_ODD)}), items([True, False, True]))
    assert ex.status == "FAILED"
    assert (ex.error, ex.cause) == ("ItemFailed", "bad item")
    assert "MapIterationFailed" in types(ex)
    assert "MapStateFailed" in types(ex)


@pytest.mark.parametrize(
    ("count", "ok", "status"),
    [
        (1, [True, False, True], "SUCCEEDED"),
        (1, [False, False, True], "FAILED"),
        (2, [False, False, True], "SUCCEEDED"),
    ],
)
def test_tolerated_failure_count(count: int, ok: list[bool], status: str) -> None:
    """ToleratedFailureCount: more failures than allowed →
    States.ExceedToleratedFailureThreshold."""
    ex = run(
        machine(
            {"M": map_state(ItemProcessor=FAIL_ODD, ToleratedFailureCount=count, MaxConcurrency=1)}
        ),
        items(ok),
    )
    assert ex.status == status
    if status == "FAILED":
        assert ex.error == "States.ExceedToleratedFailureThreshold"


@pytest.mark.parametrize(
    ("pct", "ok", "status"),
    [
        (50, [True, False, True, False], "SUCCEEDED"),
        (50, [False, False, True, False], "FAILED"),
        (100, [False, False], "SUCCEEDED"),
    ],
)
def test_tolerated_failure_percentage(pct: float, ok: list[bool], status: str) -> None:
    """ToleratedFailurePercentage: failures above the percentage of items →
    States.ExceedToleratedFailureThreshold."""
    ex = run(
        machine(
            {
                "M": map_state(
                    ItemProcessor=FAIL_ODD, ToleratedFailurePercentage=pct, MaxConcurrency=1
                )
            }
        ),
        items(ok),
    )
    assert ex.status == status
    if status == "FAILED":
        assert ex.error == "States.ExceedToleratedFailureThreshold"


def test_tolerated_failure_count_path_negative() -> None:
    """ToleratedFailureCountPath -1 (recorded case
    test_map_state_tolerated_failure_count_path[-1]:
    'ToleratedFailureCount cannot be negative.')."""
    ex = run(
        machine(
            {
                "MapState": map_state(
                    ItemsPath="$.xs", ToleratedFailureCountPath="$.ToleratedFailureCount"
                )
            }
        ),
        {"xs": [1], "ToleratedFailureCount": -1},
    )
    assert ex.error == "States.Runtime"
    assert ex.cause == (
        "An error occurred while executing the state 'MapState' (entered at the "
        "event id #2). ToleratedFailureCount cannot be negative."
    )


@pytest.mark.parametrize("value", [-1, 100.1])
def test_tolerated_failure_percentage_path_out_of_range(value: float) -> None:
    """Recorded cases test_map_state_tolerated_failure_percentage_path[-1, 100.1]."""
    ex = run(
        machine(
            {
                "MapState": map_state(
                    ItemsPath="$.xs", ToleratedFailurePercentagePath="$.ToleratedFailurePercentage"
                )
            }
        ),
        {"xs": [1], "ToleratedFailurePercentage": value},
    )
    assert ex.cause == (
        "An error occurred while executing the state 'MapState' (entered at the "
        "event id #2). ToleratedFailurePercentage must be between 0 and 100."
    )


def test_catch_on_map() -> None:
    """Catch on Map gets the iteration's error (recorded case test_map_state_catch_legacy)."""
    ex = run(
        machine(
            {
                "M": {
                    "Type": "Map",
                    "ItemProcessor": FAIL_ODD,
                    "Next": "Done",
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H"}],
                },
                "Done": {"Type": "Succeed"},
                "H": {"Type": "Pass", "End": True},
            }
        ),
        items([False]),
    )
    assert ex.output == {"Error": "ItemFailed", "Cause": "bad item"}


def test_map_item_index_inside_iteration_context() -> None:
    """Each iteration's Map.Item.Index is its position, also with concurrency limits."""
    ex = run(
        machine(
            {
                "M": map_state(
                    MaxConcurrency=2,
                    ItemSelector={"i.$": "$$.Map.Item.Index"},
                    ItemProcessor=processor({"P": {"Type": "Pass", "End": True}}),
                )
            }
        ),
        list(range(5)),
    )
    assert ex.output == [{"i": i} for i in range(5)]


def test_caught_failure_history() -> None:
    """Caught Map failure: MapIterationFailed, MapStateFailed, MapStateExited, then the catcher's
    state (recorded case TestBaseScenarios::test_map_state_catch_legacy)."""
    ex = run(
        machine(
            {
                "StartState": {
                    "Type": "Pass",
                    "Result": [1],
                    "ResultPath": "$.arr",
                    "Next": "MapState",
                },
                "MapState": {
                    "Type": "Map",
                    "ResultPath": None,
                    "InputPath": "$.arr",
                    "MaxConcurrency": 1,
                    "ItemProcessor": {
                        "ProcessorConfig": {"Mode": "INLINE"},
                        "StartAt": "HandleItemFail",
                        "States": {
                            "HandleItemFail": {
                                "Type": "Fail",
                                "Error": "HandleItemFailError",
                                "Cause": "HandleItemFailCause",
                            }
                        },
                    },
                    "Catch": [{"ErrorEquals": ["HandleItemFailError"], "Next": "FinalCaught"}],
                    "Next": "Final",
                },
                "FinalCaught": {"Type": "Pass", "End": True},
                "Final": {"Type": "Pass", "End": True},
            }
        ),
        {},
    )
    assert ex.output == {"Error": "HandleItemFailError", "Cause": "HandleItemFailCause"}
    assert types(ex) == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "MapStateEntered",
        "MapStateStarted",
        "MapIterationStarted",
        "FailStateEntered",
        "MapIterationFailed",
        "MapStateFailed",
        "MapStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
