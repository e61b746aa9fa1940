"""Helpers for the client tests: a service on a virtual clock, reached by boto3 in-process
(``mock_boto3``) or over HTTP (``ApiServer`` on 127.0.0.1, an ephemeral port)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import aslrun
from aslrun.handlers.registry import HandlerContext
from aslrun.runtime.clock import VirtualClock
from service_helpers import START

ROLE = "arn:aws:iam::123456789012:role/service-role/StepFunctions-m-role"
QUEUE = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
WAIT_THEN_PASS = {
    "StartAt": "W",
    "States": {
        "W": {"Type": "Wait", "Seconds": 60, "Next": "P"},
        "P": {"Type": "Pass", "End": True},
    },
}
ASK = {
    "StartAt": "Ask",
    "States": {
        "Ask": {
            "Type": "Task",
            "Resource": QUEUE,
            "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
            "End": True,
        }
    },
}


@dataclass
class Endpoint:
    """A boto3 client, the service behind it, and a way to move its clock."""

    client: Any
    service: aslrun.StepFunctions
    advance: Callable[[float], None]
    tokens: list[str]

    def machine(self, definition: Mapping[str, Any] = WAIT_THEN_PASS, name: str = "m") -> str:
        arn: str = self.client.create_state_machine(
            name=name, definition=json.dumps(definition), roleArn=ROLE
        )["stateMachineArn"]
        return arn


def token_service() -> tuple[aslrun.StepFunctions, list[str]]:
    """A service whose queue integration keeps the task tokens it is sent."""
    tokens: list[str] = []

    def queue(params: Any, context: HandlerContext) -> Any:
        tokens.append(params["MessageBody"]["token"])
        return {"MessageId": "m"}

    return aslrun.StepFunctions(clock=VirtualClock(START), seed=7, handlers={QUEUE: queue}), tokens


def client_config() -> Any:
    """No retries and short timeouts: a test against 127.0.0.1 never hangs."""
    from botocore.config import Config

    return Config(
        retries={"total_max_attempts": 1},
        connect_timeout=5,
        read_timeout=30,
    )


@contextmanager
def in_process() -> Iterator[Endpoint]:
    sfn, tokens = token_service()
    with aslrun.mock_boto3(sfn) as mock:
        yield Endpoint(mock.client(config=client_config()), sfn, sfn.advance, tokens)


@contextmanager
def over_http() -> Iterator[Endpoint]:
    import boto3

    from aslrun.cli.serve import clock_call
    from aslrun.server.http import ApiServer

    sfn, tokens = token_service()
    with ApiServer(sfn, "127.0.0.1", 0) as server:
        client = boto3.client(
            "stepfunctions",
            region_name="us-east-1",
            endpoint_url=server.url,
            config=client_config(),
        )
        yield Endpoint(
            client,
            sfn,
            lambda seconds: _discard(clock_call(server.url, {"advance": seconds})),
            tokens,
        )


def _discard(_: object) -> None:
    return None
