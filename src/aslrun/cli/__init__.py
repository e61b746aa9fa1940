"""The command line: ``aslrun run``, ``validate``, ``list``, ``graph``, ``test-state``,
``serve`` and ``clock``."""

from __future__ import annotations

from aslrun.cli.app import main, run

__all__ = ["main", "run"]
