"""Errors as data: definition problems with a location, and runtime States errors."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "AslrunError",
    "DefinitionError",
    "Diagnostic",
    "HeartbeatTimeout",
    "InvalidExecutionInput",
    "LoadError",
    "StateFailure",
    "StatesError",
    "format_location",
]

Severity = Literal["ERROR", "WARNING"]
Location = tuple["str | int", ...]


def format_location(path: Sequence[str | int]) -> str:
    """Render a JSON location as ``$.States.Fetch.Retry[0].BackoffRate``."""
    out = ["$"]
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif part.isidentifier():
            out.append(f".{part}")
        else:
            escaped = part.replace("\\", "\\\\").replace("'", "\\'")
            out.append(f"['{escaped}']")
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in a definition, located by its JSON path."""

    path: Location
    message: str
    code: str = "SCHEMA_VALIDATION_FAILED"
    severity: Severity = "ERROR"

    @property
    def location(self) -> str:
        return format_location(self.path)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class AslrunError(Exception):
    """Base class of every error aslrun raises on purpose."""


class LoadError(AslrunError):
    """A file or text could not be read or parsed (JSON/YAML syntax, missing file, ...)."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.source = source
        self.line = line
        self.column = column
        where = source or "<input>"
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}")
        self.message = message


class DefinitionError(AslrunError):
    """An invalid state machine definition; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[Diagnostic], *, source: str | None = None) -> None:
        self.problems: list[Diagnostic] = list(problems)
        self.source = source
        head = f"{source}: " if source else ""
        count = len(self.problems)
        lines = [
            f"{head}invalid state machine definition ({count} problem{'' if count == 1 else 's'}):"
        ]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class InvalidExecutionInput(AslrunError, ValueError):
    """An execution input that is not JSON, or is larger than AWS accepts (256 KiB)."""


class StatesError(Exception):
    """A runtime failure inside an execution, named as AWS names it (``States.Runtime`` ...).

    ``cause`` is None where AWS omits the cause.
    """

    def __init__(self, error: str, cause: str | None = None) -> None:
        super().__init__(error if cause is None else f"{error}: {cause}")
        self.error = error
        self.cause = cause


class HeartbeatTimeout(StatesError):
    """No heartbeat arrived within a Task's ``HeartbeatSeconds``.

    AWS records it as ``States.Timeout`` (TaskTimedOut/ActivityTimedOut and ExecutionFailed,
    no cause: recorded on AWS, LocalStack test_heartbeats.snapshot.json), while a Retry or
    Catch naming ``States.HeartbeatTimeout`` matches it ("only available inside the Catch
    and Retry fields": AWS Step Functions developer guide, error names).
    """

    def __init__(self, cause: str | None = None) -> None:
        super().__init__("States.Timeout", cause)


class StateFailure(StatesError):
    """A runtime failure whose cause is a detail still lacking AWS's state prefix.

    The engine turns ``cause`` into ``An error occurred while executing the state 'S'
    (entered at the event id #N). <cause>`` before it records the failure.
    """
