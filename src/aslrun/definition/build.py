"""Definition dict -> frozen model, in the one load walk.

The walk lives in :mod:`aslrun.definition.validate` (it checks each state with the rules,
then builds it with :mod:`aslrun.definition.builders` from what the rules compiled);
this module is its entry point for callers that want the model and refuse errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aslrun.definition.model import Machine
from aslrun.definition.validate import load_model
from aslrun.errors import DefinitionError

__all__ = ["parse_machine"]


def parse_machine(definition: Mapping[str, Any], *, source: str | None = None) -> Machine:
    """Build the model of a definition; raise DefinitionError listing every error."""
    machine, diagnostics = load_model(definition)
    errors = [d for d in diagnostics if d.severity == "ERROR"]
    if errors:
        raise DefinitionError(errors, source=source)
    return machine
