"""Testing state machines: assertions on executions, golden histories, failure reports, and
the pytest plugin (``aslrun.testing.plugin``, registered as ``pytest11``: fixtures ``sfn`` and
``aslrun_clock``, the ``aslrun`` marker).  Importing this package does not import pytest."""

from __future__ import annotations

from aslrun.testing.golden import assert_history_matches, render_history
from aslrun.testing.inspect import Call, StateNotReached, calls, path, state_input, state_output
from aslrun.testing.report import explain

__all__ = [
    "Call",
    "StateNotReached",
    "assert_history_matches",
    "calls",
    "explain",
    "path",
    "render_history",
    "state_input",
    "state_output",
]
