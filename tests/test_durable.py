"""Durable executions: ``StepFunctions(state_dir=DIR)`` survives ``kill -9``.

The service writes what each scheduler step changed as one SQLite transaction; a service
opened again on the directory describes the ended executions with their histories and
replays the running ones to their last durable step (issue 13, "Durable executions").
Event types and their order are AWS's (Wait: WaitStateEntered/WaitStateExited; callback:
TaskScheduled, TaskStarted, TaskSubmitted, TaskSucceeded as recorded on AWS).
"""

from __future__ import annotations

import json
import os
import random
import selectors
import signal
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

import durable_child as child
from aslrun.service import StepFunctions
from aslrun.service.durable import StateDirError

HERE = Path(__file__).parent
T0 = datetime(2024, 1, 1, tzinfo=timezone.utc).timestamp()
TIMEOUT = 60.0  # seconds a child may take to reach its marker (a bound, not a measurement)


def _spawn(state_dir: Path, mode: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), *sys.path])}
    return subprocess.Popen(
        [sys.executable, str(HERE / "durable_child.py"), str(state_dir), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


def _lines(proc: subprocess.Popen[str], count: int) -> list[str]:
    """The child's first ``count`` lines, each awaited at most TIMEOUT seconds (read from
    the pipe itself: a buffered readline could hold lines the selector no longer sees)."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    buffer = b""
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while buffer.count(b"\n") < count:
            assert sel.select(TIMEOUT), "the child printed nothing in time"
            chunk = os.read(fd, 65536)
            assert chunk, f"the child ended early (exit {proc.poll()})"
            buffer += chunk
    return [line.decode() + "\n" for line in buffer.split(b"\n")[:count]]


def _kill(proc: subprocess.Popen[str]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=TIMEOUT) == -signal.SIGKILL
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            stream.close()


def _history(sfn: StepFunctions, arn: str) -> list[dict[str, Any]]:
    return sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]


def _shape(events: list[dict[str, Any]]) -> list[tuple[int, int, str, float]]:
    return [
        (e["id"], e["previousEventId"], e["type"], e["timestamp"].timestamp() - T0) for e in events
    ]


def test_kill_9_then_restart(tmp_path: Path) -> None:
    proc = _spawn(tmp_path, "kill")
    try:
        (line,) = _lines(proc, 1)
    finally:
        _kill(proc)
    assert line.startswith("READY ")
    before = json.loads(line[len("READY ") :])
    arns = before["arns"]
    assert before["calls"] == ["notify", "slow"]
    child.CALLS.clear()

    sfn = child.service(str(tmp_path))
    assert sfn.now().timestamp() == T0 + 1000  # the virtual clock resumes where it stopped

    # ended executions: described and listed with their histories, as recorded
    done = sfn.describe_execution(executionArn=arns["done"])
    assert (done["status"], done["output"]) == ("SUCCEEDED", '{"a":1}')
    assert [e["type"] for e in _history(sfn, arns["done"])] == [
        "ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded",
    ]  # fmt: skip
    failed = sfn.describe_execution(executionArn=arns["fail"])
    assert (failed["status"], failed["error"], failed["cause"]) == ("FAILED", "E", "C")
    for name in ("done", "fail"):
        assert (
            json.loads(json.dumps(_history(sfn, arns[name]), default=str))
            == (before["histories"][name])
        )
    listed = sfn.list_executions(stateMachineArn=child.arn_of(sfn, "wait"))["executions"]
    assert [(e["name"], e["status"]) for e in listed] == [("x", "RUNNING")]

    # running executions: nothing duplicated, nothing lost, and they go on
    for name in ("wait", "callback"):
        assert (
            json.loads(json.dumps(_history(sfn, arns[name]), default=str))
            == (before["histories"][name])
        )
    # the Task whose handler was mid-call (TaskStarted, no outcome) is invoked again; the
    # callback's message was delivered (TaskSubmitted) and is not sent again
    assert child.CALLS == ["slow"]
    params = json.loads(
        _history(sfn, arns["callback"])[2]["taskScheduledEventDetails"]["parameters"]
    )
    token = params["MessageBody"]["token"]  # the token issued before the kill
    sfn.advance(100)
    sfn.send_task_success(taskToken=token, output='{"approved":true}')
    cb = sfn.describe_execution(executionArn=arns["callback"])
    assert (cb["status"], cb["output"]) == ("SUCCEEDED", '{"approved":true}')
    assert _shape(_history(sfn, arns["callback"])) == [
        (1, 0, "ExecutionStarted", 0.0),
        (2, 0, "TaskStateEntered", 0.0),  # AWS: first state entered prev 0
        (3, 2, "TaskScheduled", 0.0),
        (4, 3, "TaskStarted", 0.0),
        (5, 4, "TaskSubmitted", 0.0),
        (6, 5, "TaskSucceeded", 1100.0),
        (7, 6, "TaskStateExited", 1100.0),
        (8, 7, "ExecutionSucceeded", 1100.0),
    ]

    sfn.run()  # the Wait ends at its original deadline: entered at 0 + 3600 seconds
    assert _shape(_history(sfn, arns["wait"])) == [
        (1, 0, "ExecutionStarted", 0.0),
        (2, 0, "WaitStateEntered", 0.0),  # AWS: first state entered prev 0
        (3, 2, "WaitStateExited", 3600.0),
        (4, 3, "PassStateEntered", 3600.0),
        (5, 4, "PassStateExited", 3600.0),
        (6, 5, "ExecutionSucceeded", 3600.0),
    ]
    # it answers 5000 s after the call it was given again (at the execution's old time 0)
    assert _shape(_history(sfn, arns["slow"])) == [
        (1, 0, "ExecutionStarted", 0.0),
        (2, 0, "TaskStateEntered", 0.0),  # AWS: first state entered prev 0
        (3, 2, "LambdaFunctionScheduled", 0.0),
        (4, 3, "LambdaFunctionStarted", 0.0),
        (5, 4, "LambdaFunctionSucceeded", 5000.0),
        (6, 5, "TaskStateExited", 5000.0),
        (7, 6, "ExecutionSucceeded", 5000.0),
    ]

    final = {name: _history(sfn, arn) for name, arn in arns.items()}
    sfn.close()

    # and all of it was written: a third service sees the same
    again = child.service(str(tmp_path))
    for name, arn in arns.items():
        assert _history(again, arn) == final[name]
        status = again.describe_execution(executionArn=arn)["status"]
        assert status == ("FAILED" if name == "fail" else "SUCCEEDED")
    again.close()


def _child_description(arn: str, name: str, parsed: bool) -> dict[str, Any]:
    """DescribeExecution in PascalCase as a ``.sync`` (text) / ``.sync:2`` (JSON) Task
    returns it (/tmp/facts/service.md section 6); dates in epoch milliseconds."""
    return {
        "ExecutionArn": arn,
        "Input": {"x": 1} if parsed else '{"x":1}',
        "InputDetails": {"Included": True},
        "Name": name,
        "Output": {"kid": "done"} if parsed else '{"kid":"done"}',
        "OutputDetails": {"Included": True},
        "StartDate": round(T0 * 1000),
        "StateMachineArn": child.KID,
        "Status": "SUCCEEDED",
        "StopDate": round((T0 + 3600) * 1000),
    }


def test_kill_9_while_a_parent_waits_on_its_sync_child(tmp_path: Path) -> None:
    proc = _spawn(tmp_path, "nested")
    try:
        (line,) = _lines(proc, 1)
    finally:
        _kill(proc)
    before = json.loads(line[len("READY ") :])
    arns = before["arns"]
    assert sorted(arns) == ["kid-a", "kid-b", "parent1", "parent2"]

    sfn = child.service(str(tmp_path))
    for name, arn in arns.items():  # nothing recorded is lost or duplicated by the restore
        assert json.loads(json.dumps(_history(sfn, arn), default=str)) == before["histories"][name]
        assert sfn.describe_execution(executionArn=arn)["status"] == "RUNNING"
    sfn.run()  # the children's Waits end at their original deadline; the parents hear it

    kids = sfn.list_executions(stateMachineArn=child.KID)["executions"]
    assert sorted(k["name"] for k in kids) == ["kid-a", "kid-b"]  # no second child started
    for name, kid, parsed in (("parent2", "kid-a", True), ("parent1", "kid-b", False)):
        out = sfn.describe_execution(executionArn=arns[name])
        assert out["status"] == "SUCCEEDED"
        assert json.loads(out["output"]) == _child_description(arns[kid], kid, parsed)
        assert _shape(_history(sfn, arns[name])) == [
            (1, 0, "ExecutionStarted", 0.0),
            (2, 0, "TaskStateEntered", 0.0),  # AWS: first state entered prev 0
            (3, 2, "TaskScheduled", 0.0),
            (4, 3, "TaskStarted", 0.0),
            (5, 4, "TaskSubmitted", 0.0),
            (6, 5, "TaskSucceeded", 3600.0),
            (7, 6, "TaskStateExited", 3600.0),
            (8, 7, "ExecutionSucceeded", 3600.0),
        ]
        assert _shape(_history(sfn, arns[kid])) == [
            (1, 0, "ExecutionStarted", 0.0),
            (2, 0, "WaitStateEntered", 0.0),  # AWS: first state entered prev 0
            (3, 2, "WaitStateExited", 3600.0),
            (4, 3, "PassStateEntered", 3600.0),
            (5, 4, "PassStateExited", 3600.0),
            (6, 5, "ExecutionSucceeded", 3600.0),
        ]
    final = {name: _history(sfn, arn) for name, arn in arns.items()}
    sfn.close()
    again = child.service(str(tmp_path))  # and it was all written
    assert {name: _history(again, arn) for name, arn in arns.items()} == final
    again.close()


def test_a_sync_child_that_ended_during_the_restore_answers_its_parent(tmp_path: Path) -> None:
    sfn = child.service(str(tmp_path))
    for name, defn in child.NESTED.items():
        sfn.create_state_machine(name=name, definition=json.dumps(defn), roleArn=child.ROLE)
    parent = sfn.start_execution(stateMachineArn=child.arn_of(sfn, "parent2"), name="p")
    sfn.advance(10)
    kid = sfn.list_executions(stateMachineArn=child.KID)["executions"][0]["executionArn"]
    sfn.close()
    # the child's recorded definition changed: its replay diverges, so it has ended (failed)
    # before its parent, restored first, can hear of it
    con = sqlite3.connect(tmp_path / "aslrun.sqlite3")
    with con:
        con.execute(
            "UPDATE versions SET definition=replace(definition, '\"W\"', '\"V\"') "
            "WHERE machine_arn=?",
            (child.KID,),
        )
    con.close()

    again = child.service(str(tmp_path))
    out = again.describe_execution(executionArn=parent["executionArn"])
    assert (out["status"], out["error"]) == ("FAILED", "States.TaskFailed")
    cause = json.loads(out["cause"])
    assert (cause["ExecutionArn"], cause["Status"], cause["Error"]) == (
        kid, "FAILED", "States.Runtime",
    )  # fmt: skip
    assert [e["type"] for e in _history(again, parent["executionArn"])][4:] == [
        "TaskSubmitted", "TaskFailed", "ExecutionFailed",
    ]  # fmt: skip
    assert len(again.list_executions(stateMachineArn=child.KID)["executions"]) == 1
    again.close()


def _consistent(db: Path) -> dict[int, str]:
    """Every execution's events are numbered 1..n without a gap, and it has ended exactly
    when its last event is a terminal one."""
    con = sqlite3.connect(db / "aslrun.sqlite3")
    try:
        statuses = dict(con.execute("SELECT seq, status FROM executions"))
        for seq, status in statuses.items():
            rows = con.execute("SELECT id, type FROM events WHERE seq=? ORDER BY id", (seq,))
            ids, types = zip(*rows.fetchall(), strict=True)
            assert list(ids) == list(range(1, len(ids) + 1))
            ended = types[-1].startswith("Execution") and types[-1] != "ExecutionStarted"
            assert ended == (status != "RUNNING"), (seq, status, types)
        return statuses
    finally:
        con.close()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_killed_at_random_points_leaves_a_consistent_store(tmp_path: Path, seed: int) -> None:
    rounds = random.Random(seed).randint(5, 120)
    proc = _spawn(tmp_path, "loop")
    try:
        _lines(proc, rounds)
    finally:
        _kill(proc)  # somewhere in round ``rounds`` or later: mid-step, mid-commit, anywhere
    statuses = _consistent(tmp_path)
    assert len(statuses) >= rounds

    sfn = child.service(str(tmp_path))
    sfn.run()
    arn = child.arn_of(sfn, "loop")
    listed = sfn.list_executions(stateMachineArn=arn, maxResults=1000)["executions"]
    assert len(listed) == len(statuses)
    for item in listed:
        types = [e["type"] for e in _history(sfn, item["executionArn"])]
        assert types == [
            "ExecutionStarted", "PassStateEntered", "PassStateExited", "WaitStateEntered",
            "WaitStateExited", "TaskStateEntered", "LambdaFunctionScheduled",
            "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited",
            "ExecutionSucceeded",
        ]  # fmt: skip
    sfn.close()


def _wait_machine(sfn: StepFunctions, result: dict[str, Any]) -> str:
    defn = {
        "StartAt": "P",
        "States": {
            "P": {"Type": "Pass", "Result": result, "Next": "W"},
            "W": {"Type": "Wait", "Seconds": 100, "End": True},
        },
    }
    return sfn.create_state_machine(name="m", definition=json.dumps(defn), roleArn=child.ROLE)[
        "stateMachineArn"
    ]


def test_replay_divergence_fails_the_execution(tmp_path: Path) -> None:
    sfn = child.service(str(tmp_path))
    machine = _wait_machine(sfn, {"a": 1})
    arn = sfn.start_execution(stateMachineArn=machine, name="d")["executionArn"]
    sfn.advance(10)
    recorded = _history(sfn, arn)
    sfn.close()
    # the recorded definition changed behind the service's back: the replay's PassStateExited
    # carries another output than the recorded one
    con = sqlite3.connect(tmp_path / "aslrun.sqlite3")
    with con:
        text = con.execute("SELECT definition FROM versions").fetchone()[0]
        con.execute("UPDATE versions SET definition=?", (text.replace('"a": 1', '"a": 2'),))
    con.close()

    again = child.service(str(tmp_path))
    out = again.describe_execution(executionArn=arn)
    assert (out["status"], out["error"]) == ("FAILED", "States.Runtime")
    assert out["cause"] == (
        "The execution could not be resumed after a restart: replaying its recorded history "
        "gave PassStateExited where event 3 was PassStateExited. The state machine definition "
        "or the task handlers changed since the execution was recorded."
    )
    events = _history(again, arn)
    assert events[:-1] == recorded  # nothing recorded is changed or dropped
    assert (events[-1]["id"], events[-1]["type"]) == (len(recorded) + 1, "ExecutionFailed")
    again.run()
    assert len(_history(again, arn)) == len(recorded) + 1  # its Wait is gone with it
    again.close()


def test_without_state_dir_nothing_is_written(tmp_path: Path) -> None:
    sfn = StepFunctions()
    _wait_machine(sfn, {})
    assert sfn._durable is None
    assert list(tmp_path.iterdir()) == []


def test_names_after_a_restart_are_new(tmp_path: Path) -> None:
    """Generated execution names come from the seed; a restarted service must not hand out
    the first run's names again (ExecutionAlreadyExists)."""
    sfn = child.service(str(tmp_path))
    machine = _wait_machine(sfn, {})
    first = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    sfn.close()
    again = child.service(str(tmp_path))
    second = again.start_execution(stateMachineArn=machine)["executionArn"]
    assert second != first
    listed = again.list_executions(stateMachineArn=machine)["executions"]
    assert [e["executionArn"] for e in listed] == [second, first]
    again.close()


def test_activity_tasks_across_restarts(tmp_path: Path) -> None:
    """A worker's task (ActivityStarted) keeps its token and its heartbeat deadline across a
    restart; a task still queued (ActivityScheduled) is queued again, not scheduled twice."""
    sfn = child.service(str(tmp_path))
    act = sfn.create_activity(name="work")["activityArn"]
    defn = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Task", "Resource": act, "HeartbeatSeconds": 100, "Next": "B"},
            "B": {"Type": "Task", "Resource": act, "End": True},
        },
    }
    m = sfn.create_state_machine(name="m", definition=json.dumps(defn), roleArn=child.ROLE)
    arn = sfn.start_execution(stateMachineArn=m["stateMachineArn"], name="e")["executionArn"]
    sfn.advance(5)
    task = sfn.get_activity_task(activityArn=act, workerName="w1")
    sfn.advance(50)
    sfn.close()

    sfn = child.service(str(tmp_path))
    sfn.send_task_heartbeat(taskToken=task["taskToken"])  # at 55: the deadline moves to 155
    sfn.advance(60)
    sfn.send_task_success(taskToken=task["taskToken"], output='{"x":1}')  # at 115: in time
    sfn.close()

    sfn = child.service(str(tmp_path))
    second = sfn.get_activity_task(activityArn=act, workerName="w2")
    assert second["input"] == '{"x":1}'
    sfn.send_task_success(taskToken=second["taskToken"], output='{"y":2}')
    assert sfn.describe_execution(executionArn=arn)["status"] == "SUCCEEDED"
    assert _shape(_history(sfn, arn)) == [
        (1, 0, "ExecutionStarted", 0.0),
        (2, 0, "TaskStateEntered", 0.0),  # AWS: first state entered prev 0
        (3, 2, "ActivityScheduled", 0.0),
        (4, 3, "ActivityStarted", 5.0),
        (5, 4, "ActivitySucceeded", 115.0),
        (6, 5, "TaskStateExited", 115.0),
        (7, 6, "TaskStateEntered", 115.0),
        (8, 7, "ActivityScheduled", 115.0),
        (9, 8, "ActivityStarted", 115.0),
        (10, 9, "ActivitySucceeded", 115.0),
        (11, 10, "TaskStateExited", 115.0),
        (12, 11, "ExecutionSucceeded", 115.0),
    ]
    sfn.close()


def test_served_with_state_dir_survives_kill_9(tmp_path: Path) -> None:
    """``aslrun serve --state-dir DIR``: what boto3 created over HTTP is in DIR after kill -9."""
    boto3 = pytest.importorskip("boto3")
    proc = subprocess.Popen(
        [sys.executable, "-m", "aslrun", "serve", "--port", "0", "--clock", "virtual",
         "--start", "2024-01-01T00:00:00Z", "--state-dir", str(tmp_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        endpoint, said = _lines(proc, 2)
        assert said == f"aslrun serve: keeping state machines and executions in {tmp_path}\n"
        url = endpoint.split(" at ", 1)[1].split()[0]
        client = boto3.client(
            "stepfunctions", endpoint_url=url, region_name="us-east-1",
            aws_access_key_id="local", aws_secret_access_key="local",
        )  # fmt: skip
        machine = client.create_state_machine(
            name="wait", definition=json.dumps(child.MACHINES["wait"]), roleArn=child.ROLE
        )["stateMachineArn"]
        arn = client.start_execution(stateMachineArn=machine, name="x")["executionArn"]
    finally:
        _kill(proc)
    sfn = child.service(str(tmp_path))
    assert sfn.describe_execution(executionArn=arn)["status"] == "RUNNING"
    sfn.run()
    assert _shape(_history(sfn, arn))[-1] == (6, 5, "ExecutionSucceeded", 3600.0)
    sfn.close()


def test_a_state_dir_that_cannot_be_read_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "aslrun.sqlite3").write_text("not a database, but a note")
    with pytest.raises(StateDirError) as caught:
        child.service(str(tmp_path))
    assert str(caught.value) == f"state_dir {tmp_path}: file is not a database"


def test_a_stored_definition_that_no_longer_loads_is_a_clear_error(tmp_path: Path) -> None:
    sfn = child.service(str(tmp_path))
    machine = _wait_machine(sfn, {})
    sfn.close()
    con = sqlite3.connect(tmp_path / "aslrun.sqlite3")
    with con:
        con.execute("UPDATE versions SET definition=?", ('{"StartAt": "Nowhere", "States": {}}',))
    con.close()
    with pytest.raises(StateDirError) as caught:
        child.service(str(tmp_path))
    assert str(caught.value).startswith(
        f"state_dir {tmp_path}: the stored definition of {machine} no longer loads: "
    )
