"""Bad input never crashes aslrun: it ends in a located DefinitionError or a failed execution.

The brief's rule: malformed definitions, invalid paths, odd inputs and handler failures get a
clear error and never a bare traceback.  These properties feed arbitrary JSON to definitions
that read it in every way a state can (paths, Choice rules, Wait paths, intrinsics, Map).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aslrun

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
