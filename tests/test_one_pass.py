"""The one load walk: every state is checked and built in one pass, each piece compiled once.

``validate()`` / ``iter_diagnostics`` and ``load()`` are the same walk, so they cannot
disagree: what only building finds is listed by both.
"""

from __future__ import annotations

from typing import Any

import pytest

import aslrun
from aslrun.definition.validate import checks, iter_diagnostics, load_model
from aslrun.lang import choice_compile, paths, templates


def test_each_path_is_compiled_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def counting(text: str) -> paths.Path:
        calls.append(text)
        return paths.compile_path(text)

    for module in (checks, templates, choice_compile):
        monkeypatch.setattr(module, "compile_path", counting)
    definition = {
        "StartAt": "C",
        "States": {
            "C": {
                "Type": "Choice",
                "InputPath": "$.in",
                "Choices": [{"Variable": "$.a", "NumericGreaterThanPath": "$.b", "Next": "P"}],
                "Default": "P",
            },
            "P": {"Type": "Pass", "Parameters": {"x.$": "$.c"}, "End": True},
        },
    }
    sm = aslrun.load(definition)
    assert sorted(calls) == ["$.a", "$.b", "$.c", "$.in"]
    assert sm.run({"in": {"a": 2, "b": 1, "c": 7}}).output == {"x": 7}


def test_validate_lists_what_only_building_finds() -> None:
    """A Choice rule's Assign template is compiled by the builder; before the one pass,
    validate() accepted this definition and load() refused it."""
    rule = {"Variable": "$.a", "IsPresent": True, "Next": "D", "Assign": {"x.$": "$.[bad"}}
    definition: dict[str, Any] = {
        "StartAt": "C",
        "States": {
            "C": {"Type": "Choice", "Choices": [rule], "Default": "D"},
            "D": {"Type": "Succeed"},
        },
    }
    found = [(d.severity, d.location) for d in iter_diagnostics(definition)]
    assert ("ERROR", "$.States.C.Choices[0].Assign['x.$']") in found
    with pytest.raises(aslrun.DefinitionError) as raised:
        aslrun.load(definition)
    assert [p.location for p in raised.value.problems] == ["$.States.C.Choices[0].Assign['x.$']"]


@pytest.mark.parametrize(
    "garbage",
    [
        {"StartAt": "A", "States": {"A": {"Type": "Task", "Retry": 3, "Catch": "x", "End": 1}}},
        {"StartAt": "A", "States": {"A": {"Type": "Map", "ItemProcessor": [], "End": True}}},
        {"StartAt": "A", "States": {"A": {"Type": "Parallel", "Branches": {}, "End": True}}},
        {"StartAt": 3, "States": {"A": {"Type": "Choice", "Choices": [1, {"Not": 2}]}}},
        {"StartAt": "A", "States": {"A": {"Type": "Wait", "Timestamp": 5, "End": True}}},
    ],
)
def test_building_malformed_states_never_raises(garbage: dict[str, Any]) -> None:
    machine, found = load_model(garbage)
    assert any(d.severity == "ERROR" for d in found)
    assert machine.states.keys() <= garbage["States"].keys()


def test_builders_do_not_repeat_the_rules() -> None:
    """A bad path is reported once, by the rule that compiled it (not again by the builder)."""
    definition = {
        "StartAt": "A",
        "States": {"A": {"Type": "Pass", "InputPath": "$.[", "End": True}},
    }
    assert [d.location for d in iter_diagnostics(definition)] == ["$.States.A.InputPath"]


def test_each_jsonata_expression_is_compiled_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from aslrun.lang import jsonata

    calls: list[str] = []
    real = jsonata.compile_expression

    def counting(text: str) -> jsonata.Expression:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(jsonata, "compile_expression", counting)
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "C",
        "States": {
            "C": {
                "Type": "Choice",
                "Choices": [{"Condition": "{% $states.input.n > 1 %}", "Next": "P"}],
                "Default": "P",
            },
            "P": {"Type": "Pass", "Output": {"twice": "{% $states.input.n * 2 %}"}, "End": True},
        },
    }
    sm = aslrun.load(definition)
    assert sorted(calls) == ["{% $states.input.n * 2 %}", "{% $states.input.n > 1 %}"]
    assert sm.run({"n": 3}).output == {"twice": 6}
