"""aslrun: run AWS Step Functions state machines locally."""

from __future__ import annotations
