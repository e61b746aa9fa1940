"""Testing tools: pictures of definitions and executions, Step Functions Local mock files,
the offline TestState, and coverage of states and branches."""

from __future__ import annotations
