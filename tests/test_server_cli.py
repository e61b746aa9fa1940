"""``aslrun serve`` and ``aslrun clock`` as a user runs them, ``mock_boto3``'s reach, the clock
route, and the real clock's wake-up.  Servers listen on 127.0.0.1 only; every wait is bounded."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator

import pytest

pytest.importorskip("boto3")

import aslrun
from aslrun.cli import run
from aslrun.cli.serve import clock_call
from aslrun.runtime.clock import RealClock, VirtualClock
from aslrun.server.http import ApiServer
from service_helpers import START

TIMEOUT = 60


@pytest.fixture
def served() -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(
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
            "2026-01-01T00:00:00Z",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    yield proc
    if proc.poll() is None:
        proc.kill()
        proc.wait(TIMEOUT)


def _url(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    first = proc.stdout.readline()
    assert first.startswith("aslrun serve: the Step Functions API at http://127.0.0.1:"), first
    return first.split(" at ", 1)[1].split()[0]


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_announces_itself_moves_time_and_stops_cleanly(
    served: subprocess.Popen[str], sig: signal.Signals
) -> None:
    url = _url(served)
    assert served.stdout is not None
    assert served.stdout.readline() == (
        "aslrun serve: keeping everything in memory (no --state-dir)\n"
    )
    assert _cli("clock", "now", "--endpoint", url) == (0, "2026-01-01T00:00:00.000Z\n", "")
    assert _cli("clock", "advance", "3600", "--endpoint", url)[1] == "2026-01-01T01:00:00.000Z\n"
    assert _cli("clock", "run-until", "2026-01-02T00:00:00Z", "--endpoint", url)[1] == (
        "2026-01-02T00:00:00.000Z\n"
    )
    served.send_signal(sig)
    out, err = served.communicate(timeout=TIMEOUT)
    assert (served.returncode, err) == (0, "")
    assert out.endswith("aslrun serve: stopped\n")


def test_serve_refuses_what_it_cannot_do() -> None:
    status, _, err = _cli("serve", "--clock", "real", "--start", "2026-01-01T00:00:00Z")
    assert status == 2
    assert "--start applies to the virtual clock only" in err
    with ApiServer(aslrun.StepFunctions(), "127.0.0.1", 0) as taken:
        port = taken.url.rsplit(":", 1)[1]
        status, _, err = _cli("serve", "--port", port)
    assert status == 2
    assert err.startswith(f"aslrun serve: cannot listen on 127.0.0.1:{port}: ")


def test_clock_without_a_server_says_so() -> None:
    with ApiServer(aslrun.StepFunctions(), "127.0.0.1", 0) as gone:
        url = gone.url
    status, out, err = _cli("clock", "advance", "10", "--endpoint", url)
    assert (status, out) == (2, "")
    assert err.startswith(f"aslrun clock: {url}/_aslrun/clock: cannot reach the server")
    assert _cli("clock", "advance", "--endpoint", url)[2] == "aslrun clock: advance needs SECONDS\n"


def test_the_clock_route() -> None:
    sfn = aslrun.StepFunctions(clock=VirtualClock(START))
    with ApiServer(sfn, "127.0.0.1", 0) as server:
        assert clock_call(server.url, None) == {
            "now": "2026-01-01T00:00:00.000Z",
            "epoch": 1767225600.0,
            "nextDue": None,
            "clock": "virtual",
        }
        assert clock_call(server.url, {"advance": 90})["now"] == "2026-01-01T00:01:30.000Z"
        assert clock_call(server.url, {"runUntil": 1767229200})["now"] == (
            "2026-01-01T01:00:00.000Z"
        )
        request = urllib.request.Request(
            server.url + "/_aslrun/clock", data=b'{"jump": 1}', method="POST"
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=TIMEOUT)
        assert refused.value.code == 400
        assert json.loads(refused.value.read())["message"].startswith(
            "unknown clock request 'jump'"
        )


def test_a_real_clock_cannot_be_moved() -> None:
    with ApiServer(aslrun.StepFunctions(clock=RealClock()), "127.0.0.1", 0) as server:
        assert clock_call(server.url, None)["clock"] == "real"
        status, _, err = _cli("clock", "advance", "5", "--endpoint", server.url)
    assert status == 2
    assert err.endswith(
        "400: the server runs on the real clock; start it with --clock virtual to move time\n"
    )


def test_the_real_clock_wakes_for_work_scheduled_while_it_waits() -> None:
    clock = RealClock()
    far = clock.schedule(clock.now() + 3600, lambda: None)
    ran = threading.Event()
    runner = threading.Thread(target=clock.run, daemon=True)
    runner.start()
    with clock.wakeup:
        clock.schedule(clock.now(), ran.set)
    assert ran.wait(TIMEOUT)
    with clock.wakeup:
        far.cancel()
        clock.wake()
    runner.join(TIMEOUT)
    assert not runner.is_alive()


def test_a_real_clock_server_runs_a_new_execution_at_once() -> None:
    """The driver waits for an hour-long Wait; a request starting another execution wakes it."""
    sfn = aslrun.StepFunctions(clock=RealClock())
    done = threading.Event()
    sfn.on_event(lambda ex, event: done.set() if event["type"] == "ExecutionSucceeded" else None)
    long = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": True}}}
    quick = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    with ApiServer(sfn, "127.0.0.1", 0) as server:
        import boto3

        client = boto3.client(
            "stepfunctions",
            region_name="us-east-1",
            endpoint_url=server.url,
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        role = "arn:aws:iam::123456789012:role/r"
        slow = client.create_state_machine(name="slow", definition=json.dumps(long), roleArn=role)
        client.start_execution(stateMachineArn=slow["stateMachineArn"])
        fast = client.create_state_machine(name="fast", definition=json.dumps(quick), roleArn=role)
        client.start_execution(stateMachineArn=fast["stateMachineArn"], name="now")
        assert done.wait(TIMEOUT)


def test_mock_boto3_needs_no_credentials_and_ends_with_its_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import boto3
    from botocore import handlers
    from botocore.config import Config
    from botocore.exceptions import EndpointConnectionError

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    before = list(handlers.BUILTIN_HANDLERS)
    outer, inner = aslrun.StepFunctions(), aslrun.StepFunctions()
    inner.create_activity(name="inner-only")

    @aslrun.mock_boto3(outer)
    def names() -> list[str]:
        client = boto3.client("stepfunctions", region_name="us-east-1")
        return [a["name"] for a in client.list_activities()["activities"]]

    assert names() == []
    with aslrun.mock_boto3(outer), aslrun.mock_boto3(inner):
        assert [
            a["name"]
            for a in boto3.Session()
            .client("stepfunctions", region_name="us-east-1")
            .list_activities()["activities"]
        ] == ["inner-only"]
    assert before == handlers.BUILTIN_HANDLERS
    # after the block a client goes to its endpoint again (a closed port here: refused at once)
    with ApiServer(aslrun.StepFunctions(), "127.0.0.1", 0) as gone:
        url = gone.url
    client = boto3.client(
        "stepfunctions",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=5),
    )
    with pytest.raises(EndpointConnectionError):
        client.list_activities()
