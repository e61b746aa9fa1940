"""Real clients against ``aslrun`` serving on 127.0.0.1: the AWS SDK for JavaScript v2 and v3
(tests/clients/, installed by ``make test-clients``) and the AWS CLI.

Each test skips when its client is missing (no ``node``, packages not installed, no ``aws``),
so ``make test`` passes on a machine without them; ``make test-clients`` installs them and runs
this file.  Every client gets a timeout and talks only to the server on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("botocore")

import aslrun
from aslrun.runtime.clock import VirtualClock
from aslrun.server.http import ApiServer
from service_helpers import EX, SM, START

pytestmark = pytest.mark.clients

CLIENTS = Path(__file__).parent / "clients"
CLASSROOM = Path(__file__).parent.parent / "examples" / "classroom.asl.json"
ROLE = "arn:aws:iam::123456789012:role/service-role/classroom"
TIMEOUT = 120  # seconds a client process may take (node starts in well under that)


@pytest.fixture
def server() -> Iterator[ApiServer]:
    sfn = aslrun.StepFunctions(clock=VirtualClock(START), seed=7)
    sfn.create_state_machine(name="classroom", definition=CLASSROOM.read_text(), roleArn=ROLE)
    with ApiServer(sfn, "127.0.0.1", 0) as srv:
        yield srv


def _env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        AWS_REGION="us-east-1",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ENDPOINT_URL_SFN=url,
        ASLRUN_ENDPOINT=url,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_MAX_ATTEMPTS="1",
    )
    return env


def _node(script: str, url: str, *args: str) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    package = "aws-sdk" if script.endswith("v2.js") else "@aws-sdk/client-sfn"
    if not (CLIENTS / "node_modules" / package).is_dir():
        pytest.skip(f"{package} is not installed: run `make test-clients`")
    done = subprocess.run(
        [node, str(CLIENTS / script), *args],
        env=_env(url),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


CLASS = ("Algebra-101", "2026-01-01T09:00:00Z", "2026-01-01T10:00:00Z")
INPUT = json.dumps({"start": CLASS[1], "end": CLASS[2]}, separators=(",", ":"))


def _started_as_the_system_starts_it(result: dict[str, Any], server: ApiServer) -> None:
    arn = f"{EX}classroom:Algebra-101"
    assert result["started"] == {"executionArn": arn, "startDate": "2026-01-01T00:00:00.000Z"}
    assert result["described"] == {
        "name": "Algebra-101",
        "status": "RUNNING",
        "input": INPUT,
        "startDate": "2026-01-01T00:00:00.000Z",
    }
    # the execution waits for the class: reading it back on the server's side
    states = server.service.current_states(arn)
    assert [(s.name, s.type) for s in states] == [("RecordingWait", "Wait")]


def test_aws_sdk_for_javascript_v2(server: ApiServer) -> None:
    result = _node("schedule_class_v2.js", server.url, f"{SM}classroom", *CLASS)
    _started_as_the_system_starts_it(result, server)
    assert result["errors"]["duplicate"] == {
        "code": "ExecutionAlreadyExists",
        "statusCode": 400,
        "message": f"Execution Already Exists: '{EX}classroom:Algebra-101'",
    }
    assert result["errors"]["missing"] == {
        "code": "ExecutionDoesNotExist",
        "statusCode": 400,
        "message": f"Execution Does Not Exist: '{EX}classroom:Algebra-101-nope'",
    }


def test_aws_sdk_for_javascript_v3(server: ApiServer) -> None:
    result = _node("schedule_class_v3.js", server.url, f"{SM}classroom", *CLASS)
    _started_as_the_system_starts_it(result, server)
    assert result["errors"]["duplicate"] == {
        "name": "ExecutionAlreadyExists",
        "statusCode": 400,
        "message": f"Execution Already Exists: '{EX}classroom:Algebra-101'",
        "isExecutionAlreadyExists": True,
    }
    assert result["errors"]["longName"] == {
        "name": "ValidationException",
        "statusCode": 400,
        "message": "1 validation error detected: Value '" + "n" * 81 + "' at 'name' failed to "
        "satisfy constraint: Member must have length less than or equal to 80",
        "isExecutionAlreadyExists": False,
    }


def _aws(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    beside = Path(sys.executable).parent / "aws"  # make test-clients installs it in the venv
    aws = str(beside) if beside.is_file() else shutil.which("aws")
    if aws is None:
        pytest.skip("the AWS CLI is not installed (pip install awscli)")
    return subprocess.run(
        [aws, "stepfunctions", *args, "--endpoint-url", url, "--output", "json"],
        env=_env(url),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def test_the_aws_cli(server: ApiServer) -> None:
    started = _aws(
        server.url,
        "start-execution",
        "--state-machine-arn",
        f"{SM}classroom",
        "--name",
        CLASS[0],
        "--input",
        INPUT,
    )
    assert started.returncode == 0, started.stderr
    assert json.loads(started.stdout) == {
        "executionArn": f"{EX}classroom:Algebra-101",
        "startDate": 1767225600.0,  # AWS CLI v1 prints the wire value (cli_timestamp_format)
    }
    server.service.run_until("2026-01-01T10:00:00Z")
    described = _aws(
        server.url, "describe-execution", "--execution-arn", f"{EX}classroom:Algebra-101"
    )
    assert described.returncode == 0, described.stderr
    assert json.loads(described.stdout)["status"] == "FAILED"  # no recorder handlers here
    missing = _aws(server.url, "describe-execution", "--execution-arn", f"{EX}classroom:nope")
    assert missing.returncode in (254, 255)  # v2 and v1 exit statuses for a service error
    assert (
        "An error occurred (ExecutionDoesNotExist) when calling the DescribeExecution "
        f"operation: Execution Does Not Exist: '{EX}classroom:nope'"
    ) in missing.stderr
