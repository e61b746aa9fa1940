"""Who answers a Task: the handler registry, the Lambda wire format (events, errors,
``lambda:invoke`` responses), handler modules, and the default invoker."""

from __future__ import annotations
