"""Request ids and task tokens are version-4 UUIDs drawn from the execution's random source:
the same seed gives the same ids (issue 11: a seeded service is reproducible)."""

from __future__ import annotations

import random
import uuid

from aslrun.handlers.registry import new_request_id


def test_request_id_is_the_uuid4_of_the_random_bits() -> None:
    """``str(uuid.UUID(int=bits, version=4))`` (RFC 4122 layout, lower-case hex), one
    128-bit draw each."""
    ours, theirs = random.Random(7), random.Random(7)
    for _ in range(2000):
        expected = str(uuid.UUID(int=theirs.getrandbits(128), version=4))
        assert new_request_id(ours) == expected
