"""Values a loaded definition leaves for deploy time, reported where the definition uses them.

Two kinds: CloudFormation values aslrun cannot know (a parameter without ``Default``, an
export, a deploy-time attribute; see :mod:`.cloudformation`), replaced by
``placeholder-<Name>``; and ``${Name}`` left for ``DefinitionSubstitutions``.  Each gives a
WARNING located at the field that holds it.  Where a placeholder stands (its *paths*), the
validator's complaints about the value are not reported: AWS never sees that value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

from aslrun.definition.cloudformation import PLACEHOLDER_PREFIX
from aslrun.errors import Diagnostic, format_location

__all__ = [
    "PLACEHOLDER_CODE",
    "SUBSTITUTION_CODE",
    "deploy_time_warnings",
    "screen",
    "substitution_warnings",
]

Loc = tuple[str | int, ...]
PLACEHOLDER_CODE: Final = "PLACEHOLDER_VALUE"
SUBSTITUTION_CODE: Final = "UNSUBSTITUTED_PLACEHOLDER"
_SUBSTITUTION = re.compile(r"\$\{([A-Za-z0-9_.:-]+)\}")


def _strings(value: Any) -> Iterator[tuple[Loc, str]]:
    """Every string inside a JSON value with its path, in document order (iterative)."""
    stack: list[tuple[Loc, Any]] = [((), value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            yield path, item
        elif isinstance(item, dict):
            stack.extend(((*path, k), v) for k, v in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(item))))


def deploy_time_warnings(
    definition: Any, placeholders: Mapping[str, tuple[str, Loc]]
) -> tuple[list[Diagnostic], list[Loc]]:
    """A WARNING for each use of a CloudFormation placeholder, and the paths holding one."""
    if not placeholders:
        return [], []
    warnings: list[Diagnostic] = []
    paths: list[Loc] = []
    used: set[str] = set()
    for path, text in _strings(definition):
        if PLACEHOLDER_PREFIX not in text:
            continue
        for value, (why, _) in placeholders.items():
            if value in text:
                used.add(value)
                warnings.append(Diagnostic(path, why, PLACEHOLDER_CODE, "WARNING"))
                if not paths or paths[-1] != path:
                    paths.append(path)
    for value, (why, where) in placeholders.items():
        if value not in used:  # e.g. a machine's name: outside the definition
            message = f"{why} (at {format_location(where)} of the template)"
            warnings.append(Diagnostic((), message, PLACEHOLDER_CODE, "WARNING"))
    return warnings, paths


def substitution_warnings(definition: Any, *, alone: bool) -> tuple[list[Diagnostic], list[Loc]]:
    """A WARNING for each ``${Name}`` left unsubstituted, and the paths holding one.

    ``alone``: the definition is a file loaded by itself (the SAM layout: a template fills
    it through ``DefinitionUri`` + ``DefinitionSubstitutions``), so every field holding a
    ``${Name}``, ``Resource`` included, is a placeholder.  Otherwise a ``Resource`` is left to
    the validator: AWS would receive it as written and refuse it.
    """
    warnings: list[Diagnostic] = []
    paths: list[Loc] = []
    for path, text in _strings(definition):
        names = dict.fromkeys(_SUBSTITUTION.findall(text))
        if not names or (not alone and path and path[-1] == "Resource"):
            continue
        if alone:
            paths.append(path)
        for name in names:
            if alone:
                message = (
                    f"placeholder ${{{name}}} is filled at deploy by the DefinitionSubstitutions "
                    "of the template that deploys this file (SAM: DefinitionUri); validate that "
                    f"template to check the filled value, or pass --sub {name}=..."
                )
            else:
                message = (
                    f"placeholder ${{{name}}} has no substitution "
                    f"(pass substitutions={{{name!r}: ...}} or --sub {name}=...)"
                )
            warnings.append(Diagnostic(path, message, SUBSTITUTION_CODE, "WARNING"))
    return warnings, paths


def screen(diagnostics: Iterable[Diagnostic], paths: Iterable[Loc]) -> list[Diagnostic]:
    """``diagnostics`` without those located at or below a placeholder's path."""
    held = set(paths)
    if not held:
        return list(diagnostics)
    return [d for d in diagnostics if not any(d.path[:i] in held for i in range(len(d.path) + 1))]
