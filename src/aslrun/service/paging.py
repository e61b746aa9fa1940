"""Opaque, self-describing page tokens (``nextToken``) and ``maxResults`` checks.

A token names the operation and the resource it pages through and where the next page
starts, so it stays valid while new items arrive and cannot be replayed on another listing.
"""

from __future__ import annotations

import base64
import binascii
import json

from aslrun.service.errors import InvalidToken, validation_error

__all__ = ["check_max_results", "decode_token", "encode_token"]


def check_max_results(value: object, default: int, limit: int = 1000) -> int:
    """``maxResults`` as AWS reads it: 0 or absent means the default."""
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise validation_error("maxResults", value, "Member must be an integer")
    if value > limit:
        raise validation_error(
            "maxResults", value, f"Member must have value less than or equal to {limit}"
        )
    if value < 0:
        raise validation_error(
            "maxResults", value, "Member must have value greater than or equal to 0"
        )
    return value or default


def encode_token(kind: str, scope: str, position: int) -> str:
    raw = json.dumps([kind, scope, position], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: object, kind: str, scope: str, max_length: int = 1024) -> int:
    """The position a token from :func:`encode_token` names; AWS's errors otherwise."""
    if not isinstance(token, str):
        raise validation_error("nextToken", token, "Member must be a string")
    if len(token) > max_length:
        raise validation_error(
            "nextToken", token, f"Member must have length less than or equal to {max_length}"
        )
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        decoded = json.loads(raw)
    except (binascii.Error, ValueError):
        decoded = None
    if (
        not isinstance(decoded, list)
        or len(decoded) != 3
        or decoded[:2] != [kind, scope]
        or not isinstance(decoded[2], int)
        or decoded[2] < 0
    ):
        raise InvalidToken(f"Invalid Token: '{token}'")
    position: int = decoded[2]
    return position
