"""The fuzz property (issue 9), bounded for ``make test``: ``tests/fuzzing.py`` holds the
generators and the property; ``make fuzz`` runs the same cases for minutes.

Property: validate, load, run and rendering the history and timeline end in a success, a
located aslrun error or a terminal execution status, within a time bound; never a crash or a
hang.  A failing example prints its seed and index: replay it with
``.venv/bin/python tests/fuzzing.py --seed SEED --case INDEX``.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzzing import Case, corpus, intrinsic, jsonata_expression, make_case, outcome

BOUND = 10.0  # seconds one case may take before it counts as a hang


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), index=st.integers(0, 10**6))
def test_mutated_definitions_never_crash_or_hang(seed: int, index: int) -> None:
    result, detail = outcome(make_case(seed, index), BOUND)
    assert result not in ("crash", "hang"), f"--seed {seed} --case {index}\n{detail}"


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_generated_expressions_never_crash_or_hang(seed: int) -> None:
    rng = random.Random(seed)
    expression = jsonata_expression(rng)
    if "100000" in expression:  # the engine's bounds end these, in seconds: make fuzz runs them
        return
    jsonata = {
        "QueryLanguage": "JSONata",
        "StartAt": "P",
        "States": {"P": {"Type": "Pass", "Output": "{% " + expression + " %}", "End": True}},
    }
    path = {
        "StartAt": "P",
        "States": {"P": {"Type": "Pass", "Parameters": {"x.$": intrinsic(rng)}, "End": True}},
    }
    for source in (jsonata, path):
        result, detail = outcome(Case(seed, 0, source, {"a": "x", "n": 2}), BOUND)
        assert result not in ("crash", "hang"), f"{source}\n{detail}"


def test_a_case_replays_from_its_seed_and_index() -> None:
    assert make_case(7, 3) == make_case(7, 3)
    assert make_case(7, 3) != make_case(7, 4)


def test_the_corpus_holds_the_examples_and_the_valid_samples() -> None:
    assert len(corpus()) >= 25


def test_the_harness_sees_a_hang_as_a_hang() -> None:
    # A JSONata loop the engine bounds would end; a Python handler that spins does not.
    def spin(event: object, context: object) -> object:
        while True:
            pass

    import fuzzing

    case = Case(
        0,
        0,
        {
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
                    "End": True,
                }
            },
        },
        {},
    )
    saved = dict(fuzzing.HANDLERS)
    fuzzing.HANDLERS.clear()
    fuzzing.HANDLERS["*"] = spin
    try:
        assert outcome(case, 0.2)[0] == "hang"
    finally:
        fuzzing.HANDLERS.clear()
        fuzzing.HANDLERS.update(saved)
