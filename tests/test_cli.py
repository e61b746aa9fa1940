"""The CLI, driven through ``cli.run(argv, stdout, stderr)`` with StringIO streams.

The times asserted are the classroom story's (issue 2); the exit codes and messages are the
CLI's contract (docs/usage.md): 0 succeeded, 1 did not succeed, 2 nothing was run.
"""

from __future__ import annotations

import io
import itertools
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from aslrun import cli
from aslrun.cli.app import ExitCode

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
CLASSROOM = str(EXAMPLES / "classroom.asl.json")
HANDLERS = str(EXAMPLES / "classroom_handlers.py")
INPUT_FILE = str(EXAMPLES / "classroom.input.json")
MALFORMED = str(ROOT / "tests" / "samples" / "malformed" / "trailing-comma.json")
DEMO = [
    "run",
    CLASSROOM,
    "--handlers",
    HANDLERS,
    "--input-file",
    INPUT_FILE,
    "--start",
    "2026-11-30T12:00:00Z",
    "--name",
    "demo",
]


def run(*argv: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), stdout=stdout, stderr=stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def write(path: Path, text: str) -> str:
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return str(path)


def rows(out: str) -> list[list[str]]:
    """The timeline's rows as [id, time, state, what], cut at the header's columns."""
    lines = out.splitlines()
    header = lines[1]
    cuts = [header.index("TIME"), header.index("STATE"), header.index("WHAT")]
    table = []
    for line in lines[2:]:
        if not line:
            break
        if not line.lstrip()[0].isdigit():
            continue  # a --history details line
        bounds = [0, *cuts, len(line)]
        table.append([line[a:b].strip() for a, b in itertools.pairwise(bounds)])
    return table


def machine(tmp_path: Path, states: dict[str, object], start: str | None = None) -> str:
    definition = {"StartAt": start or next(iter(states)), "States": states}
    return write(tmp_path / "machine.asl.json", json.dumps(definition))


def test_exit_codes_are_the_documented_values() -> None:
    assert [int(c) for c in ExitCode] == [0, 1, 2]
    assert [c.name for c in ExitCode] == ["OK", "EXECUTION_FAILED", "INVALID_INPUT"]


# -- text output ---------------------------------------------------------------------------------


def test_demo_timeline_shows_each_task_at_its_simulated_time() -> None:
    code, out, err = run(*DEMO)
    assert (code, err) == (ExitCode.OK, "")
    lines = out.splitlines()
    assert lines[0] == "StateMachine: execution demo (virtual clock)"
    assert lines[1].split() == ["#", "TIME", "STATE", "WHAT"]
    table = rows(out)
    assert [r[0] for r in table] == [str(i) for i in range(1, 24)]
    succeeded = [(r[1], r[2]) for r in table if r[3].startswith("Lambda function succeeded")]
    assert succeeded == [
        ("2026-12-01T09:00:00.000Z", "StartRecording"),
        ("2026-12-01T09:01:00.000Z", "SendLivePing"),
        ("2026-12-01T10:00:00.000Z", "StopRecording"),
    ]
    assert table[0] == [
        "1",
        "2026-11-30T12:00:00.000Z",
        "",
        'execution started, input {"start":"2026-12-01T09:00:00Z","end":"2026-12-01T10:00:00Z"}',
    ]
    assert table[1] == [
        "2",
        "2026-11-30T12:00:00.000Z",
        "RecordingWait",
        "entered Wait state, waiting until 2026-12-01T09:00:00.000Z (21h 0m 0s)",
    ]
    assert table[2] == ["3", "2026-12-01T09:00:00.000Z", "RecordingWait", "exited"]
    assert table[4][2:] == [
        "StartRecording",
        'Lambda function StartRecorder scheduled, input {"start":"2026-12-01T09:00:00Z",'
        '"end":"2026-12-01T10:00:00Z"}',
    ]
    assert table[5][2:] == ["StartRecording", "Lambda function started"]
    assert table[8] == [
        "9",
        "2026-12-01T09:00:00.000Z",
        "SendLivePingWait",
        "entered Wait state, waiting until 2026-12-01T09:01:00.000Z (1m 0s)",
    ]
    assert table[15][1:] == [
        "2026-12-01T09:01:00.000Z",
        "StoppingWait",
        "entered Wait state, waiting until 2026-12-01T10:00:00.000Z (59m 0s)",
    ]
    assert table[22] == ["23", "2026-12-01T10:00:00.000Z", "", "execution succeeded"]
    assert lines[25:] == [
        "",
        "SUCCEEDED after 22h 0m 0s on the virtual clock",
        'output: {"start":"2026-12-01T09:00:00Z","end":"2026-12-01T10:00:00Z",'
        '"recording":{"recordingId":"rec-0001","startedAt":"2026-12-01T09:00:00Z"},'
        '"livePing":{"recordingId":"rec-0001","pingedAt":"2026-12-01T09:01:00Z"},'
        '"stopped":{"recordingId":"rec-0001","stoppedAt":"2026-12-01T10:00:00Z"}}',
    ]


def test_history_flag_adds_each_events_details_in_text() -> None:
    code, out, _ = run(*DEMO, "--history")
    assert code == ExitCode.OK
    lines = out.splitlines()
    entered = lines.index(next(line for line in lines if line.endswith("entered Task state")))
    assert rows(lines[0] + "\n" + lines[1] + "\n" + lines[entered])[0][:3] == [
        "4",
        "2026-12-01T09:00:00.000Z",
        "StartRecording",
    ]
    assert json.loads(lines[entered + 1]) == {
        "name": "StartRecording",
        "input": '{"start":"2026-12-01T09:00:00Z","end":"2026-12-01T10:00:00Z"}',
        "inputDetails": {"truncated": False},
    }
    assert len(rows(out)) == 23


def test_a_failed_execution_exits_1_with_error_and_cause(tmp_path: Path) -> None:
    path = machine(
        tmp_path, {"Boom": {"Type": "Fail", "Error": "Class.Cancelled", "Cause": "snow"}}
    )
    code, out, err = run("run", path, "--start", "2026-12-01T08:00:00Z")
    assert (code, err) == (ExitCode.EXECUTION_FAILED, "")
    assert rows(out) == [
        ["1", "2026-12-01T08:00:00.000Z", "", "execution started, input {}"],
        ["2", "2026-12-01T08:00:00.000Z", "Boom", "entered Fail state"],
        ["3", "2026-12-01T08:00:00.000Z", "", "execution failed: Class.Cancelled (snow)"],
    ]
    assert out.splitlines()[-3:] == [
        "FAILED after 0s on the virtual clock",
        "error: Class.Cancelled",
        "cause: snow",
    ]


def test_a_handler_exception_fails_the_task_as_lambda_does(tmp_path: Path) -> None:
    handlers = write(
        tmp_path / "failing.py",
        """
        def recorder(event, context):
            raise ValueError("camera offline")

        HANDLERS = {"StartRecorder": recorder}
        """,
    )
    path = machine(
        tmp_path,
        {
            "StartRecording": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:StartRecorder",
                "End": True,
            }
        },
    )
    code, out, _ = run("run", path, "--handlers", handlers, "--output", "json", "--seed", "1")
    assert code == ExitCode.EXECUTION_FAILED
    described = json.loads(out)
    assert described["status"] == "FAILED"
    assert described["error"] == "ValueError"
    cause = json.loads(described["cause"])
    assert cause["errorMessage"] == "camera offline"
    assert cause["errorType"] == "ValueError"
    assert "output" not in described


def test_an_unresolved_task_names_the_state_resource_and_keys(tmp_path: Path) -> None:
    path = machine(
        tmp_path,
        {"Notify": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "End": True}},
    )
    code, out, _ = run("run", path, "--handlers", HANDLERS)
    assert code == ExitCode.EXECUTION_FAILED
    cause = next(line for line in out.splitlines() if line.startswith("cause: "))
    assert "Notify" in cause
    assert "arn:aws:states:::sns:publish" in cause
    assert "StartRecorder" in cause


# -- JSON output ---------------------------------------------------------------------------------


def test_json_output_is_describe_execution_shaped() -> None:
    code, out, _ = run(*DEMO, "--output", "json")
    assert code == ExitCode.OK
    described = json.loads(out)
    assert list(described) == [
        "executionArn",
        "stateMachineArn",
        "name",
        "status",
        "startDate",
        "input",
        "inputDetails",
        "stopDate",
        "output",
        "outputDetails",
    ]
    assert described["executionArn"] == (
        "arn:aws:states:us-east-1:123456789012:execution:StateMachine:demo"
    )
    assert described["status"] == "SUCCEEDED"
    assert described["startDate"] == "2026-11-30T12:00:00+00:00"
    assert described["stopDate"] == "2026-12-01T10:00:00+00:00"
    assert described["input"] == '{"start":"2026-12-01T09:00:00Z","end":"2026-12-01T10:00:00Z"}'
    assert json.loads(described["output"])["stopped"]["stoppedAt"] == "2026-12-01T10:00:00Z"


def test_json_output_with_history_adds_the_events() -> None:
    code, out, _ = run(*DEMO, "--output", "json", "--history")
    assert code == ExitCode.OK
    history = json.loads(out)["history"]
    assert len(history) == 23
    assert history[0]["type"] == "ExecutionStarted"
    assert history[0]["timestamp"] == "2026-11-30T12:00:00+00:00"
    scheduled = [
        (e["timestamp"], e["lambdaFunctionScheduledEventDetails"]["resource"])
        for e in history
        if e["type"] == "LambdaFunctionScheduled"
    ]
    fn = "arn:aws:lambda:us-east-1:123456789012:function:"
    assert scheduled == [
        ("2026-12-01T09:00:00+00:00", fn + "StartRecorder"),
        ("2026-12-01T09:01:00+00:00", fn + "SendLivePing"),
        ("2026-12-01T10:00:00+00:00", fn + "StopRecorder"),
    ]
    assert history[-1] == {
        "timestamp": "2026-12-01T10:00:00+00:00",
        "type": "ExecutionSucceeded",
        "id": 23,
        "previousEventId": 22,
        "executionSucceededEventDetails": {
            "output": json.loads(out)["output"],
            "outputDetails": {"truncated": False},
        },
    }


# -- handlers modules ----------------------------------------------------------------------------

PASS_TASK = {
    "Greet": {
        "Type": "Task",
        "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Greeter",
        "Next": "Shout",
    },
    "Shout": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:putObject", "End": True},
}


def test_handlers_from_decorated_functions(tmp_path: Path) -> None:
    handlers = write(
        tmp_path / "decorated.py",
        """
        from aslrun.handlers.modules import handler

        @handler("Greeter")
        def greet(event, context):
            return {"greeting": "hello " + event["who"], "fn": context.function_name}

        @handler
        def Shout(event):
            return event["greeting"].upper()
        """,
    )
    path = machine(tmp_path, PASS_TASK)
    code, out, err = run("run", path, "--handlers", handlers, "--input", '{"who": "class"}')
    assert (code, err) == (ExitCode.OK, "")
    assert out.splitlines()[-1] == 'output: "HELLO CLASS"'


def test_handlers_from_a_dotted_module_and_later_modules_win(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "clihandlerspkg"
    package.mkdir()
    write(package / "__init__.py", "")
    write(
        package / "first.py",
        """
        HANDLERS = {"Greeter": lambda event: "first", "Shout": lambda event: event + "!"}
        """,
    )
    write(package / "second.py", 'HANDLERS = {"Greeter": lambda event: "second"}\n')
    path = machine(tmp_path, PASS_TASK)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delitem(sys.modules, "clihandlerspkg", raising=False)
    try:
        code, out, err = run(
            "run", path, "--handlers", "clihandlerspkg.first", "--handlers", "clihandlerspkg.second"
        )
    finally:
        for name in ("clihandlerspkg", "clihandlerspkg.first", "clihandlerspkg.second"):
            sys.modules.pop(name, None)
    assert (code, err) == (ExitCode.OK, "")
    assert out.splitlines()[-1] == 'output: "second!"'


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "x = 1\n",
            "no handlers found (define a HANDLERS mapping or decorate functions "
            "with @aslrun.handler)",
        ),
        ("HANDLERS = [1]\n", "HANDLERS must be a mapping of keys to callables, not list"),
        ('HANDLERS = {"A": 3}\n', "HANDLERS['A'] is not callable (int)"),
        (
            "import math\n\nHANDLERS = {}\nmath.sqrt(-1)\n",
            "error while importing (line 4): ValueError: math domain error",
        ),
        ("def broken(:\n", "syntax error (line 1, column 12): invalid syntax"),
    ],
)
def test_unusable_handlers_modules_exit_2(tmp_path: Path, source: str, message: str) -> None:
    handlers = write(tmp_path / "bad_handlers.py", source)
    code, out, err = run("run", CLASSROOM, "--handlers", handlers)
    assert (code, out) == (ExitCode.INVALID_INPUT, "")
    assert err.endswith(f"{message}\n")
    assert err.startswith("aslrun run: ")
    assert "Traceback" not in err


def test_missing_handlers_file_and_module_exit_2() -> None:
    code, _, err = run("run", CLASSROOM, "--handlers", "nowhere/handlers.py")
    assert (code, err) == (
        ExitCode.INVALID_INPUT,
        "aslrun run: nowhere/handlers.py: no such handlers file\n",
    )
    code, _, err = run("run", CLASSROOM, "--handlers", "no_such_pkg_xyz.handlers")
    assert (code, err) == (
        ExitCode.INVALID_INPUT,
        "aslrun run: no_such_pkg_xyz.handlers: no module named 'no_such_pkg_xyz'\n",
    )


# -- bad input: located messages, exit 2, nothing run --------------------------------------------


def test_malformed_definition_file_is_located() -> None:
    code, out, err = run("run", MALFORMED)
    assert (code, out) == (ExitCode.INVALID_INPUT, "")
    assert err == (
        f"aslrun run: {MALFORMED}:5:3: invalid JSON: "
        "Expecting property name enclosed in double quotes\n"
    )


def test_invalid_definition_lists_each_problem_with_its_location(tmp_path: Path) -> None:
    path = machine(
        tmp_path, {"Ping": {"Type": "Pass", "Next": "Pnig"}, "Done": {"Type": "Succeed"}}
    )
    code, out, err = run("run", path)
    assert (code, out) == (ExitCode.INVALID_INPUT, "")
    assert err.startswith(f"aslrun run: {path}: invalid state machine definition")
    assert "  $.States.Ping.Next: " in err
    assert "Pnig" in err
    assert "Traceback" not in err


def test_missing_definition_file() -> None:
    code, _, err = run("run", "no/such/machine.asl.json")
    assert code == ExitCode.INVALID_INPUT
    assert (
        err == "aslrun run: no/such/machine.asl.json: file not found: 'no/such/machine.asl.json'\n"
    )


def test_malformed_input_names_the_option_and_the_position() -> None:
    code, out, err = run("run", CLASSROOM, "--input", '{"start": }')
    assert (code, out) == (ExitCode.INVALID_INPUT, "")
    assert (
        err == "aslrun run: --input: invalid JSON at line 1 column 11 (char 10): Expecting value\n"
    )


def test_malformed_input_file_names_the_file_and_the_position(tmp_path: Path) -> None:
    bad = write(tmp_path / "in.json", '{\n  "start": "x",\n}\n')
    code, _, err = run("run", CLASSROOM, "--input-file", bad)
    assert code == ExitCode.INVALID_INPUT
    assert err == (
        f"aslrun run: --input-file {bad}: invalid JSON at line 3 column 1 (char 18): "
        "Expecting property name enclosed in double quotes\n"
    )
    code, _, err = run("run", CLASSROOM, "--input-file", str(tmp_path / "missing.json"))
    assert code == ExitCode.INVALID_INPUT
    assert err == (
        f"aslrun run: --input-file {tmp_path / 'missing.json'}: cannot read: "
        "No such file or directory\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--start", "next tuesday"],
            "aslrun run: --start: 'next tuesday' is not an ISO 8601 time",
        ),
        (
            ["--clock", "real", "--start", "2026-11-30T12:00:00Z"],
            "aslrun run: --start applies to the virtual clock only (not with --clock real)",
        ),
        (["--sub", "nothing"], "aslrun run: --sub takes NAME=VALUE, got 'nothing'"),
    ],
)
def test_bad_options_exit_2(argv: list[str], message: str) -> None:
    code, out, err = run("run", CLASSROOM, *argv)
    assert (code, out) == (ExitCode.INVALID_INPUT, "")
    assert err.startswith(message)


def test_usage_errors_go_to_the_injected_stderr() -> None:
    code, out, err = run("run", CLASSROOM, "--input", "{}", "--input-file", INPUT_FILE)
    assert (code, out) == (ExitCode.INVALID_INPUT, "")
    assert err.startswith("usage: aslrun run")
    assert err.endswith("argument --input-file: not allowed with argument --input\n")
    code, out, err = run()
    assert (code, out) == (ExitCode.INVALID_INPUT, "")
    assert err.startswith("usage: aslrun")
    assert "a command is required (run" in err


def test_help_goes_to_the_injected_stdout() -> None:
    code, out, err = run("run", "--help")
    assert (code, err) == (ExitCode.OK, "")
    assert out.startswith("usage: aslrun run")
    for option in ("--input-file", "--handlers", "--clock", "--start", "--history", "--seed"):
        assert option in out


# -- other commands and entry points -------------------------------------------------------------


def test_the_real_clock_runs_a_machine_without_waits(tmp_path: Path) -> None:
    path = machine(tmp_path, {"Hi": {"Type": "Pass", "Result": {"ok": True}, "End": True}})
    code, out, _ = run("run", path, "--clock", "real")
    assert code == ExitCode.OK
    status, output = out.splitlines()[-2:]
    # The real clock's elapsed time is whatever the machine took: only its form is fixed.
    assert re.fullmatch(r"SUCCEEDED after [0-9.]+s on the real clock", status)
    assert output == 'output: {"ok":true}'


def test_validate_is_wired_in() -> None:
    code, out, _ = run("validate", CLASSROOM)
    assert (code, out) == (ExitCode.OK, f"{CLASSROOM}: OK (0 errors, 0 warnings)\n")


def test_python_dash_m_aslrun() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "aslrun", "--help"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("usage: aslrun")
    assert "run" in done.stdout


# -- issue 10: what a new user hit ---------------------------------------------------------------


def test_version_prints_the_installed_version() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    version = re.search(r'^version = "([^"]+)"$', pyproject, re.MULTILINE)
    assert version is not None
    code, out, err = run("--version")
    assert (code, out, err) == (ExitCode.OK, f"aslrun {version.group(1)}\n", "")


def test_express_type_gives_an_express_execution_arn(tmp_path: Path) -> None:
    # AWS: an Express execution's ARN is
    # arn:aws:states:REGION:ACCOUNT:express:MACHINE:EXECUTION-NAME:EXECUTION-ID.
    path = machine(tmp_path, {"Hi": {"Type": "Pass", "End": True}})
    code, out, _ = run("run", path, "--type", "EXPRESS", "--name", "x1", "--output", "json")
    assert code == ExitCode.OK
    arn = json.loads(out)["executionArn"]
    assert re.fullmatch(
        r"arn:aws:states:us-east-1:123456789012:express:StateMachine:x1:"
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
        arn,
    ), arn
    code, out, _ = run("run", path, "--type", "STANDARD", "--name", "x1", "--output", "json")
    assert json.loads(out)["executionArn"] == (
        "arn:aws:states:us-east-1:123456789012:execution:StateMachine:x1"
    )
    code, out, err = run("run", path, "--type", "express")
    assert (code, out) == (ExitCode.INVALID_INPUT, "")
    assert "argument --type: invalid choice: 'express' (choose from 'STANDARD', 'EXPRESS')" in err


def test_freeze_time_without_freezegun_is_refused_before_anything_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "freezegun", None)  # `import freezegun` now fails
    called = tmp_path / "called"
    handlers = write(
        tmp_path / "h.py",
        f"""
        def F(event):
            open({str(called)!r}, "w").close()
            return 1
        HANDLERS = {{"F": F}}
        """,
    )
    code, out, err = run(*DEMO[:2], "--freeze-time", "--handlers", handlers)
    assert (code, out) == (ExitCode.INVALID_INPUT, "")
    assert err == (
        "aslrun run: --freeze-time needs freezegun, which is not installed: install "
        "aslrun[freezegun] (pip install 'aslrun[freezegun]')\n"
    )
    assert not called.exists()


LEGACY_F = "arn:aws:lambda:us-east-1:123456789012:function:F"


@pytest.mark.parametrize(
    "task",
    [
        {"Resource": LEGACY_F},
        {"Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "F"}},
        {"Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": LEGACY_F}},
    ],
    ids=["legacy-arn", "invoke-name", "invoke-arn"],
)
def test_a_missing_lambda_handler_names_the_keys_and_how_to_register_one(
    tmp_path: Path, task: dict[str, object]
) -> None:
    path = machine(tmp_path, {"Notify": {"Type": "Task", **task, "End": True}})
    code, out, err = run("run", path, "--handlers", HANDLERS, "--output", "json")
    assert code == ExitCode.EXECUTION_FAILED
    described = json.loads(out)
    # The cause stays AWS's text (recorded: "Function not found: <qualified ARN> (Service:
    # AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; ...").
    assert described["error"] == "Lambda.ResourceNotFoundException"
    assert described["cause"].startswith(
        f"Function not found: {LEGACY_F}:$LATEST (Service: AWSLambda;"
    )
    assert "registered" not in described["cause"]
    keys = (
        "'SendLivePing', 'StartRecorder', 'StopRecorder', 'sendLivePing', 'startRecorder', "
        "'stopRecorder'"
    )
    assert err == (
        f"aslrun run: no handler for the Lambda function 'F' (Task state 'Notify'); "
        f"registered handler keys: {keys}. Register one in a --handlers module: "
        "HANDLERS = {'F': fn}, or decorate fn with @aslrun.handler('F') "
        "(the state's name or a glob over the Resource match too)\n"
    )


def test_no_hint_when_the_handler_itself_raises_function_not_found(tmp_path: Path) -> None:
    handlers = write(
        tmp_path / "h.py",
        """
        import aslrun
        def F(event):
            raise aslrun.TaskFailed("Lambda.ResourceNotFoundException", "gone")
        HANDLERS = {"F": F}
        """,
    )
    path = machine(tmp_path, {"T": {"Type": "Task", "Resource": LEGACY_F, "End": True}})
    code, out, err = run("run", path, "--handlers", handlers)
    assert (code, err) == (ExitCode.EXECUTION_FAILED, "")
    assert "error: Lambda.ResourceNotFoundException" in out.splitlines()


def test_the_real_clock_prints_each_line_as_its_event_happens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each timeline line reaches stdout as its event is recorded: the Lambda's scheduled and
    started lines are written before the handler runs, its result line after."""
    write(
        tmp_path / "live_probe_handlers.py",
        """
        LOG = []
        def F(event):
            LOG.append(("handler", None))
            return {"ok": True}
        HANDLERS = {"F": F}
        """,
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    import live_probe_handlers  # type: ignore[import-not-found]

    log: list[tuple[str, object]] = live_probe_handlers.LOG

    class Stream(io.StringIO):
        def write(self, text: str) -> int:
            log.append(("out", text))
            return super().write(text)

    path = machine(tmp_path, {"T": {"Type": "Task", "Resource": LEGACY_F, "End": True}})
    stdout = Stream()
    code = cli.run(
        ["run", path, "--clock", "real", "--handlers", "live_probe_handlers"],
        stdout=stdout,
        stderr=io.StringIO(),
    )
    assert code == ExitCode.OK
    order = [
        "handler" if kind == "handler" else str(text).split("  ")[-1].strip()
        for kind, text in log
        if kind == "handler" or "Lambda function" in str(text)
    ]
    assert order == [
        "Lambda function F scheduled, input {}",
        "Lambda function started",
        "handler",
        'Lambda function succeeded, output {"ok":true}',
    ]
    lines = stdout.getvalue().splitlines()
    assert lines[1] == "   #  TIME                      STATE  WHAT"
    assert [line[:4] for line in lines[2:9]] == [
        "   1",
        "   2",
        "   3",
        "   4",
        "   5",
        "   6",
        "   7",
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("a b", "aslrun run: --name: 'a b': ' ' is not allowed in an execution name"),
        ("x" * 81, "aslrun run: --name: an execution name has 1 to 80 characters, got 81"),
        ("", "aslrun run: --name: an execution name has 1 to 80 characters, got 0"),
        ("a/b", "aslrun run: --name: 'a/b': '/' is not allowed in an execution name"),
    ],
)
def test_execution_names_follow_aws_rules(name: str, message: str) -> None:
    # AWS (service quotas, "Names"): 1-80 characters; no whitespace, wildcards, brackets,
    # " # % \ ^ | ~ ` $ & , ; : / or control characters.
    code, out, err = run("run", CLASSROOM, "--name", name)
    assert (code, out) == (ExitCode.INVALID_INPUT, "")
    assert err.startswith(message)
