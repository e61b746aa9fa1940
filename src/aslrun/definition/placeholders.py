"""Values a loaded definition leaves for deploy time, reported where the definition uses them.

Two kinds: CloudFormation values aslrun cannot know (a parameter without ``Default``, an
export, a deploy-time attribute; see :mod:`.cloudformation`), replaced by
``placeholder-<Name>``; and ``${Name}`` left for ``DefinitionSubstitutions``.  Each gives a
WARNING located at the field that holds it.  Where a placeholder stands (its *paths*), the
validator's complaints about the value are not reported: AWS never sees that value.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from aslrun.definition.cloudformation import PLACEHOLDER_PREFIX, find_state_machines
from aslrun.definition.reading import parse_text, read_text
from aslrun.errors import Diagnostic, LoadError, format_location

__all__ = [
    "PLACEHOLDER_CODE",
    "SUBSTITUTION_CODE",
    "Deployer",
    "deploy_time_warnings",
    "find_deployers",
    "sam_implicit",
    "screen",
    "substitution_warnings",
]

Loc = tuple[str | int, ...]
PLACEHOLDER_CODE: Final = "PLACEHOLDER_VALUE"
SUBSTITUTION_CODE: Final = "UNSUBSTITUTED_PLACEHOLDER"
_SUBSTITUTION = re.compile(r"\$\{([A-Za-z0-9_.:-]+)\}")
_TEMPLATE_NAMES: Final = ("template.yaml", "template.yml", "template.json")
_LEVELS_UP: Final = 2


@dataclass(frozen=True)
class Deployer:
    """A state machine of a nearby SAM/CloudFormation template whose DefinitionUri is a file."""

    template: str
    logical_id: str
    substitutions: frozenset[str]


def find_deployers(file: Path) -> list[Deployer]:
    """The machines of ``template.yaml``/``.yml``/``.json`` in ``file``'s folder or up to two
    folders above whose ``DefinitionUri`` names ``file`` (the SAM layout).  Only those three
    names are read, and only to say where a ``${Name}`` is filled."""
    try:
        target = file.resolve()
    except (OSError, RuntimeError):
        return []
    found: list[Deployer] = []
    folder = file.parent
    for _ in range(_LEVELS_UP + 1):
        for name in _TEMPLATE_NAMES:
            candidate = Path(os.path.normpath(folder / name))
            if candidate.is_file():
                found.extend(_deployers_in(candidate, target))
        folder = folder / ".."
    return found


def _deployers_in(template: Path, target: Path) -> Iterator[Deployer]:
    try:
        data = parse_text(read_text(template), str(template), suffix=template.suffix)
    except LoadError:
        return
    for logical, resource in find_state_machines(data).items():
        props = resource.get("Properties")
        uri = props.get("DefinitionUri") if isinstance(props, dict) else None
        if not isinstance(uri, str) or "://" in uri or "\x00" in uri:
            continue
        try:
            if (template.parent / uri).resolve() != target:
                continue
        except (OSError, RuntimeError):
            continue
        subs = props.get("DefinitionSubstitutions")  # type: ignore[union-attr]
        keys = frozenset(str(k) for k in subs) if isinstance(subs, dict) else frozenset()
        yield Deployer(str(template), str(logical), keys)


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


def substitution_warnings(
    definition: Any, *, alone: bool, deployers: Iterable[Deployer] = ()
) -> tuple[list[Diagnostic], list[Loc]]:
    """A WARNING for each ``${Name}`` left unsubstituted, and the paths holding one.

    ``alone``: the definition is a file loaded by itself (the SAM layout: a template fills
    it through ``DefinitionUri`` + ``DefinitionSubstitutions``), so every field holding a
    ``${Name}``, ``Resource`` included, is a placeholder, unless a template that deploys
    the file (``deployers``) does not define that name.  Otherwise a ``Resource`` is left
    to the validator: AWS would receive it as written and refuse it.
    """
    deployers = list(deployers)
    warnings: list[Diagnostic] = []
    paths: list[Loc] = []
    for path, text in _strings(definition):
        names = dict.fromkeys(_SUBSTITUTION.findall(text))
        if not names or (not alone and path and path[-1] == "Resource"):
            continue
        for name in names:
            message, filled = _substitution_message(name, alone, deployers)
            if filled and (not paths or paths[-1] != path):
                paths.append(path)
            if not filled and alone and path and path[-1] == "Resource":
                continue  # the validator's ERROR says it: AWS would get ${Name} as written
            warnings.append(Diagnostic(path, message, SUBSTITUTION_CODE, "WARNING"))
    return warnings, paths


def _substitution_message(name: str, alone: bool, deployers: list[Deployer]) -> tuple[str, bool]:
    """What to say about ``${name}``, and whether it is filled at deploy."""
    hint = f"pass --sub {name}=..."
    if not alone:
        return (
            f"placeholder ${{{name}}} has no substitution "
            f"(pass substitutions={{{name!r}: ...}} or --sub {name}=...)",
            False,
        )
    filling = [d for d in deployers if name in d.substitutions]
    if filling:
        where = ", ".join(f"{d.logical_id} in {d.template}" for d in filling)
        return (
            f"placeholder ${{{name}}} is filled at deploy by the DefinitionSubstitutions of "
            f"{where}; validate that template to check the filled value, or {hint}",
            True,
        )
    if deployers:
        where = ", ".join(f"{d.logical_id} in {d.template}" for d in deployers)
        return (
            f"placeholder ${{{name}}} is not among the DefinitionSubstitutions of {where}: "
            f"AWS would receive it as written; add it there, or {hint}",
            False,
        )
    return (
        f"placeholder ${{{name}}} is filled at deploy by the DefinitionSubstitutions of the "
        f"template that deploys this file (SAM: DefinitionUri); validate that template to "
        f"check the filled value, or {hint}",
        True,
    )


def sam_implicit(template: Mapping[str, Any]) -> tuple[str, ...]:
    """Logical-id prefixes of the resources SAM generates at deploy (``ServerlessRestApi``,
    a function's ``<Id>Role``/``<Id>Version``/``<Id>Alias...``, event sources ...)."""
    resources = template.get("Resources")
    serverless = [
        str(logical)
        for logical, resource in (resources.items() if isinstance(resources, dict) else ())
        if isinstance(resource, dict)
        and str(resource.get("Type", "")).startswith("AWS::Serverless::")
    ]
    return ("ServerlessRestApi", "ServerlessHttpApi", *serverless)


def screen(diagnostics: Iterable[Diagnostic], paths: Iterable[Loc]) -> list[Diagnostic]:
    """``diagnostics`` without those located at or below a placeholder's path."""
    held = set(paths)
    if not held:
        return list(diagnostics)
    return [d for d in diagnostics if not any(d.path[:i] in held for i in range(len(d.path) + 1))]
