"""Testing tools: pictures of definitions and executions, and Step Functions Local mock files."""

from __future__ import annotations
