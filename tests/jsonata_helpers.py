"""Evaluating one JSONata expression the way a state's field does, for the JSONata tests."""

from __future__ import annotations

import random
from typing import Any

import pytest

from aslrun.errors import StatesError
from aslrun.lang.jsonata import Bindings, compile_expression

QEE = "States.QueryEvaluationError"


def bindings(input_: Any = None) -> Bindings:
    return Bindings(states={"input": input_, "context": {}}, now_ms=0, random=random.Random(0))


def value(body: str, input_: Any = None, field: str = "Output") -> Any:
    """``{% body %}`` evaluated as the field ``field`` evaluates it."""
    return compile_expression("{% " + body + " %}").evaluate(bindings(input_), field)


def cause(body: str, input_: Any = None, field: str = "Output") -> str:
    """The cause of the States.QueryEvaluationError ``{% body %}`` fails with."""
    with pytest.raises(StatesError) as info:
        value(body, input_, field)
    assert info.value.error == QEE
    assert info.value.cause is not None
    return info.value.cause
