"""Golden files: an execution's history, with its simulated timestamps, kept next to a test.

``assert_history_matches(ex, "golden/classroom.json")`` compares the execution's events with
the file (GetExecutionHistory's ``{"events": [...]}``, timestamps in ISO 8601, so that
``aslrun graph --execution`` draws it too) and fails with a diff; ``pytest
--aslrun-update-golden`` (re)writes the files instead.  Under the pytest plugin a relative path
is taken from the test file's folder; elsewhere from the current directory, and ``update=True``
writes.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

__all__ = ["GoldenSettings", "assert_history_matches", "golden_settings", "render_history"]

_DIFF_LINES: Final = 60


@dataclass(frozen=True, slots=True)
class GoldenSettings:
    """Where relative golden paths start, and whether files are rewritten."""

    root: Path | None = None
    update: bool = False


_DEFAULT: Final = GoldenSettings()
_SETTINGS: ContextVar[GoldenSettings | None] = ContextVar("aslrun_golden", default=None)


@contextmanager
def golden_settings(settings: GoldenSettings) -> Iterator[None]:
    """Run a block (the pytest plugin: one test) under ``settings``."""
    token = _SETTINGS.set(settings)
    try:
        yield
    finally:
        _SETTINGS.reset(token)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def render_history(execution: Any) -> str:
    """The golden file's text for an execution: ``{"events": [...]}``, indented, newline-ended."""
    return json.dumps({"events": _plain(execution.history)}, indent=2, ensure_ascii=False) + "\n"


def assert_history_matches(
    execution: Any, golden: str | os.PathLike[str], *, update: bool | None = None
) -> None:
    """Fail (AssertionError with a diff) unless ``execution``'s history is the golden file's.

    ``update`` (default: ``pytest --aslrun-update-golden``) writes the file instead.
    """
    settings = _SETTINGS.get() or _DEFAULT
    target = Path(golden)
    if not target.is_absolute() and settings.root is not None:
        target = settings.root / target
    text = render_history(execution)
    if update if update is not None else settings.update:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return
    if not target.is_file():
        raise AssertionError(
            f"golden file {target} does not exist: run pytest --aslrun-update-golden to write "
            "it from this execution"
        )
    expected = target.read_text(encoding="utf-8")
    if expected == text:
        return
    diff = list(
        difflib.unified_diff(
            expected.splitlines(), text.splitlines(), str(target), "this execution", lineterm=""
        )
    )
    shown = diff[:_DIFF_LINES] + (
        [f"... ({len(diff) - _DIFF_LINES} more lines)"] if len(diff) > _DIFF_LINES else []
    )
    raise AssertionError(
        f"the history differs from the golden file {target} (pytest --aslrun-update-golden "
        "rewrites it):\n" + "\n".join(shown)
    )
