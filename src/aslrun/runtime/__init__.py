"""Executions on one scheduler: the clock, processes and their effects (Sleep, Join,
Invoke), frames and state runs, the guarded tail (retry, catch, data flow), the state
runners, invocations in flight, the execution lifecycle and AWS's quotas."""

from __future__ import annotations
