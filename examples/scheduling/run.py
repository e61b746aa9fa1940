"""Run the classroom system's scheduling function against ``aslrun serve`` on a virtual clock.

    python examples/scheduling/run.py

1. starts ``aslrun serve --clock virtual --start 2026-12-01T08:00:00Z`` with the classroom
   handlers (examples/classroom_handlers.py) on a free port of 127.0.0.1;
2. creates the classroom state machine (examples/classroom.asl.json) with boto3;
3. calls the scheduling function (schedule_class.py, unchanged application code) for a class
   from 09:00 to 10:00, with ``AWS_ENDPOINT_URL_SFN`` pointing at the server;
4. fast-forwards: ``aslrun clock run-until 2026-12-01T10:00:00Z``;
5. reads the execution back with boto3 and prints its status and its states' times;
6. stops the server (SIGTERM).

Every step is bounded: the server must announce itself within 60 s, each request times out.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent
ROLE = "arn:aws:iam::123456789012:role/service-role/classroom"


def main() -> int:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aslrun",
            "serve",
            "--port",
            "0",
            "--clock",
            "virtual",
            "--start",
            "2026-12-01T08:00:00Z",
            "--handlers",
            str(EXAMPLES / "classroom_handlers.py"),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()  # "aslrun serve: the Step Functions API at URL (...)"
        if " at http://" not in first:
            raise SystemExit(f"the server did not start: {first!r}")
        url = first.split(" at ", 1)[1].split()[0]
        print(f"server: {url}")
        env["AWS_ENDPOINT_URL_SFN"] = url
        os.environ.update(env)
        return _scenario(url, env)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def _scenario(url: str, env: dict[str, str]) -> int:
    import boto3
    from botocore.config import Config

    sys.path.insert(0, str(HERE))
    import schedule_class  # the application's function

    client = boto3.client("stepfunctions", config=Config(retries={"total_max_attempts": 1}))
    arn = client.create_state_machine(
        name="classroom",
        definition=(EXAMPLES / "classroom.asl.json").read_text(),
        roleArn=ROLE,
    )["stateMachineArn"]
    os.environ["CLASSROOM_STATE_MACHINE_ARN"] = arn
    started = schedule_class.handler(
        {"className": "Algebra-101", "start": "2026-12-01T09:00:00Z", "end": "2026-12-01T10:00:00Z"}
    )
    execution = started["executionArn"]
    print(f"scheduled: {execution}")
    print(f"status: {client.describe_execution(executionArn=execution)['status']}")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "aslrun",
            "clock",
            "run-until",
            "2026-12-01T10:00:00Z",
            "--endpoint",
            url,
        ],
        check=True,
        env=env,
        timeout=60,
    )
    described = client.describe_execution(executionArn=execution)
    stopped = described["stopDate"].astimezone(timezone.utc)
    print(f"status: {described['status']} at {stopped.isoformat()}")
    events = client.get_execution_history(executionArn=execution)["events"]
    for event in events:
        if event["type"] == "TaskStateEntered":
            name = event["stateEnteredEventDetails"]["name"]
            print(f"  {event['timestamp'].astimezone(timezone.utc):%H:%M:%S} {name}")
    print(f"output: {json.loads(described['output'])['stopped']}")
    return 0 if described["status"] == "SUCCEEDED" else 1


if __name__ == "__main__":
    raise SystemExit(main())
