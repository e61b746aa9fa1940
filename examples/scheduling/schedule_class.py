"""The classroom system's scheduling function, as its Lambda runs it: when a class is created,
start the recording workflow for it, named after the class.

This is application code: nothing in it knows aslrun.  Pointed at ``aslrun serve`` by the
environment (``AWS_ENDPOINT_URL_SFN``), it starts the execution there exactly as it would on
AWS.  The Node.js original makes the same call with the AWS SDK for JavaScript:
``new AWS.StepFunctions().startExecution({stateMachineArn, input: JSON.stringify({start,
end}), name: className}).promise()`` (tests/clients/schedule_class_v2.js runs that one).
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3


def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """``event``: ``{"className", "start", "end"}`` (ISO 8601).  Returns the execution ARN."""
    client = boto3.client("stepfunctions")
    started = client.start_execution(
        stateMachineArn=os.environ["CLASSROOM_STATE_MACHINE_ARN"],
        input=json.dumps({"start": event["start"], "end": event["end"]}),
        name=event["className"],
    )
    return {"executionArn": started["executionArn"]}
