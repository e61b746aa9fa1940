"""The Step Functions API on the wire: the AWS JSON 1.0 protocol in front of a
``StepFunctions`` service (needs botocore, the ``server`` extra, for the API model)."""

from __future__ import annotations

from aslrun.protocol.dispatch import CONTENT_TYPE, Dispatcher, Reply
from aslrun.protocol.model import ModelUnavailable, api_model

__all__ = ["CONTENT_TYPE", "Dispatcher", "ModelUnavailable", "Reply", "api_model"]
