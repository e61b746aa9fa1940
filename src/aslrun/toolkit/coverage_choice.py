"""Which rule of a JSONPath Choice state matches an input: the Choice state is loaded alone
(with stubs for its targets, as TestState loads it) and its compiled rules evaluated in order
with the engine's own comparison code."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from aslrun._json import JSON

__all__ = ["walk_states", "which_rule"]


@lru_cache(maxsize=256)
def _rules(state_json: str, name: str) -> Any:
    from aslrun.api import load  # noqa: PLC0415 - loaded on use
    from aslrun.toolkit.test_state import _synthetic  # noqa: PLC0415 - loaded on use

    machine_doc, _, _ = _synthetic(name, json.loads(state_json), None, None, mocked=False)
    try:
        return load(machine_doc, name="Coverage").machine.states[name]
    except Exception:  # a state that does not load alone: no re-evaluation
        return None


def which_rule(definition: Mapping[str, Any], name: str, data: JSON) -> int | None:
    """The index of the first rule of Choice state ``name`` matching ``data`` (-1 when none
    matches), or None when it cannot be decided offline (JSONata, variables, $$)."""
    from aslrun.lang import choice  # noqa: PLC0415 - loaded on use
    from aslrun.lang.templates import Scope, resolve_in  # noqa: PLC0415 - loaded on use
    from aslrun.toolkit.test_state_inspect import _Info  # noqa: PLC0415 - loaded on use

    raw = dict(walk_states(definition.get("States", {}))).get(name)
    if raw is None or definition.get("QueryLanguage") == "JSONata":
        return None
    state = _rules(json.dumps(raw, sort_keys=True), name)
    if state is None or state.jsonata:
        return None
    scope = Scope(data, _Info({}, {}))
    try:
        rule = choice.choose(state.choices, lambda p: resolve_in(p, scope))
    except Exception:  # a rule reading $$ or a variable: not decidable offline
        return None
    return -1 if rule is None else list(state.choices).index(rule)


def walk_states(states: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every state of a machine, nested ones (Parallel branches, Map processors) too."""
    for name, state in states.items():
        if not isinstance(state, Mapping):
            continue
        yield name, state
        for branch in state.get("Branches") or []:
            if isinstance(branch, Mapping) and isinstance(branch.get("States"), Mapping):
                yield from walk_states(branch["States"])
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if isinstance(processor, Mapping) and isinstance(processor.get("States"), Mapping):
            yield from walk_states(processor["States"])
