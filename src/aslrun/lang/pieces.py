"""The compiled pieces of one definition, by location: each is compiled once.

The load walk checks a field and compiles it in the same step (a path, an intrinsic function
call, a JSONata expression); it records the result here at the field's location, or
:data:`FAILED` after reporting why it would not compile.  The model builders then take
the piece from here instead of compiling the text again, and say nothing more about a
:data:`FAILED` one.
"""

from __future__ import annotations

from typing import Final, TypeAlias

__all__ = ["FAILED", "Location", "Pieces"]

Location: TypeAlias = tuple[str | int, ...]


class _Failed:
    """Marks a location whose text did not compile (already reported)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "FAILED"


FAILED: Final = _Failed()

Pieces: TypeAlias = dict[Location, object]
"""Location -> compiled path, intrinsic call or JSONata expression (or FAILED)."""
