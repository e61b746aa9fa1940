"""The command line: ``aslrun run``, ``aslrun validate``, ``aslrun list``."""

from __future__ import annotations

from aslrun.cli.app import main, run

__all__ = ["main", "run"]
