"""A local Step Functions service: boto3's ``stepfunctions`` client API on one clock."""

from __future__ import annotations

from aslrun.runtime.progress import RunningState
from aslrun.service import errors
from aslrun.service.service import StepFunctions
from aslrun.service.timing import TimeArgumentError

__all__ = ["RunningState", "StepFunctions", "TimeArgumentError", "errors"]
