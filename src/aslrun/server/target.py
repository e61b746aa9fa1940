"""Tests that talk to any Step Functions endpoint: ``pytest --aslrun-target=URL``.

``remote_client(target)`` is a boto3 ``stepfunctions`` client for ``target``: a URL (``aslrun
serve``, AWS Step Functions Local, LocalStack) or ``aws`` (AWS itself, with the credentials and
region of the environment).  For a URL, a missing region defaults to us-east-1 and missing
credentials to dummy ones, which local endpoints accept.

``boto3_client(sfn)`` is the in-process counterpart: a client answered by ``sfn`` through
``mock_boto3``.  The pytest plugin's ``sfn_boto3`` fixture gives one or the other, so a test
written against it runs unchanged here and against AWS.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from aslrun.server.inprocess import mock_boto3

if TYPE_CHECKING:
    from aslrun.service import StepFunctions

__all__ = ["boto3_client", "remote_client"]


def remote_client(target: str) -> Any:
    """A boto3 Step Functions client for ``target`` (a URL, or ``aws``)."""
    try:
        import boto3  # noqa: PLC0415 - optional dependency
    except ImportError:
        raise ImportError("--aslrun-target needs boto3: pip install 'aslrun[boto3]'") from None
    if target == "aws":
        return boto3.client("stepfunctions")
    if not target.startswith(("http://", "https://")):
        raise ValueError(f"--aslrun-target: {target!r} is neither a http(s) URL nor 'aws'")
    options: dict[str, Any] = {"endpoint_url": target}
    if not (os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")):
        options["region_name"] = "us-east-1"
    if not os.environ.get("AWS_ACCESS_KEY_ID"):
        options.update(aws_access_key_id="test", aws_secret_access_key="test")
    return boto3.client("stepfunctions", **options)


@contextmanager
def boto3_client(sfn: StepFunctions) -> Iterator[Any]:
    """A boto3 client answered in-process by ``sfn`` while the block lasts."""
    with mock_boto3(sfn) as mock:
        yield mock.client()
