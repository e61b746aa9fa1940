"""Definitions shaped like published samples: they deploy on AWS, so zero errors here.

A validator that rejects valid work is worse than none.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aslrun.definition.validate import validate

SAMPLES = Path(__file__).parent / "samples"
VALID = sorted((SAMPLES / "valid").iterdir())
TEMPLATES = [
    (SAMPLES / "sam" / "template.yaml", None),
    (SAMPLES / "cfn-definition-string.json", "MyStateMachine"),
    (SAMPLES / "cfn-definition-string.json", "JoinedStateMachine"),
    (SAMPLES / "serverless-vars.yml", "orderFlow"),
    (SAMPLES / "serverless-vars.yml", "refundFlow"),
    (Path(__file__).parent.parent / "examples" / "serverless.yml", "classroom-state-machine"),
]


def test_there_are_a_few_dozen_samples() -> None:
    assert len(VALID) + len(TEMPLATES) >= 30


@pytest.mark.parametrize("path", VALID, ids=[p.name for p in VALID])
def test_published_shapes_have_no_errors(path: Path) -> None:
    assert [str(d) for d in validate(path) if d.severity == "ERROR"] == []


@pytest.mark.parametrize(
    ("path", "machine"), TEMPLATES, ids=[f"{p.name}:{m}" for p, m in TEMPLATES]
)
def test_templates_have_no_diagnostics(path: Path, machine: str | None) -> None:
    assert [str(d) for d in validate(path, state_machine=machine)] == []
