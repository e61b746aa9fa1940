"""The Step Functions API for clients: in-process for boto3 (``mock_boto3``) and over HTTP
(``aslrun serve``)."""

from __future__ import annotations

from aslrun.server.inprocess import mock_boto3

__all__ = ["mock_boto3"]
