"""Requests per second of the Step Functions API: StartExecution + DescribeExecution pairs.

Usage::

    .venv/bin/python benchmarks/server.py            # 2,000 pairs per transport
    .venv/bin/python benchmarks/server.py --pairs 500

Three transports, one service each (a virtual clock; the state machine is one Wait, so every
execution stays RUNNING and each request is the API's own cost, not a workflow's):

* ``dispatcher``: ``Dispatcher.handle`` with JSON bytes (the protocol layer alone);
* ``mock_boto3``: a boto3 client in-process (botocore's pipeline, no socket);
* ``http``: a boto3 client against ``ApiServer`` on 127.0.0.1 (keep-alive connection).

Prints figures only; nothing asserts a timing.  Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config

import aslrun
from aslrun.protocol import Dispatcher
from aslrun.server.http import ApiServer

DEFINITION = json.dumps(
    {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": True}}}
)
ROLE = "arn:aws:iam::123456789012:role/bench"
START = "2026-01-01T00:00:00Z"


def _service() -> aslrun.StepFunctions:
    return aslrun.StepFunctions(clock=aslrun.VirtualClock(start=START), seed=1)


def _pairs_with_client(client: Any, pairs: int) -> float:
    arn = client.create_state_machine(name="bench", definition=DEFINITION, roleArn=ROLE)[
        "stateMachineArn"
    ]
    client.describe_state_machine(stateMachineArn=arn)  # warm the client's caches
    began = time.perf_counter()
    for i in range(pairs):
        started = client.start_execution(stateMachineArn=arn, name=f"e{i}", input='{"i":1}')
        client.describe_execution(executionArn=started["executionArn"])
    return time.perf_counter() - began


def dispatcher(pairs: int) -> float:
    d = Dispatcher(_service())
    body = json.dumps({"name": "bench", "definition": DEFINITION, "roleArn": ROLE}).encode()
    arn = d.handle("AWSStepFunctions.CreateStateMachine", body).json()["stateMachineArn"]
    began = time.perf_counter()
    for i in range(pairs):
        start = json.dumps({"stateMachineArn": arn, "name": f"e{i}", "input": '{"i":1}'})
        execution = d.handle("AWSStepFunctions.StartExecution", start.encode()).json()
        describe = json.dumps({"executionArn": execution["executionArn"]}).encode()
        d.handle("AWSStepFunctions.DescribeExecution", describe)
    return time.perf_counter() - began


def in_process(pairs: int) -> float:
    sfn = _service()
    with aslrun.mock_boto3(sfn) as mock:
        return _pairs_with_client(mock.client(), pairs)


def http(pairs: int) -> float:
    sfn = _service()
    with ApiServer(sfn, "127.0.0.1", 0) as server:
        client = boto3.client(
            "stepfunctions",
            region_name="us-east-1",
            endpoint_url=server.url,
            config=Config(retries={"total_max_attempts": 1}, read_timeout=30),
        )
        return _pairs_with_client(client, pairs)


TRANSPORTS: dict[str, Callable[[int], float]] = {
    "dispatcher": dispatcher,
    "mock_boto3": in_process,
    "http": http,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=2000, help="StartExecution+Describe pairs")
    args = parser.parse_args()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
    print(
        f"python {platform.python_version()}, boto3 {boto3.__version__}, "
        f"{os.cpu_count()} CPUs, {args.pairs} pairs per transport"
    )
    print(f"{'transport':<12} {'seconds':>8} {'requests/s':>11} {'pairs/s':>9}")
    for name, run in TRANSPORTS.items():
        seconds = run(args.pairs)
        requests = 2 * args.pairs
        print(f"{name:<12} {seconds:8.2f} {requests / seconds:11.0f} {args.pairs / seconds:9.0f}")


if __name__ == "__main__":
    main()
