"""The limits aslrun enforces when it reads definitions (docs/loading-and-validating.md)."""

from __future__ import annotations

from typing import Final

__all__ = ["MAX_DEFINITION_BYTES", "MAX_DEPTH", "MAX_FILE_BYTES", "MAX_INT_DIGITS", "MAX_NODES"]

MAX_FILE_BYTES: Final = 10 * 1024 * 1024
"""The largest file the loaders read (10 MiB): templates, definitions, ``${file()}`` targets."""
MAX_DEFINITION_BYTES: Final = 1_048_576
"""AWS's limit for a definition (CreateStateMachine ``definition``: length at most 1048576)."""
MAX_DEPTH: Final = 256
"""How deeply objects and arrays may nest in a definition, template or file (aslrun's limit)."""
MAX_NODES: Final = 1_000_000
"""How many values a document may hold once YAML aliases are expanded (aslrun's limit)."""
MAX_INT_DIGITS: Final = 4300
"""The longest integer read (Python's default ``int`` conversion limit)."""
