"""The pytest plugin, run with ``pytester``: the fixtures and the marker, the domain
assertions on the classroom workflow, golden files (missing, written, compared), the failure
report, re-raising handler errors, and mock configurations through the marker and
``SFN_MOCK_CONFIG``.

The classroom's times are its story's: it waits until ``$.start`` (09:00), records, pings a
minute later (09:01) and stops at ``$.end`` (10:00)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
AWS_FILE = Path(__file__).parent / "toolkit_data" / "aws_mock_config.json"
AWS_MACHINE = Path(__file__).parent / "toolkit_data" / "lambda_sqs_integration.asl.json"

HEADER = f"""
import json
from pathlib import Path

import pytest

import aslrun
from aslrun.testing import Call, assert_history_matches

EXAMPLES = Path({str(EXAMPLES)!r})
CLASSROOM = EXAMPLES / "classroom.asl.json"
INPUT = (EXAMPLES / "classroom.input.json").read_text()


def handlers():
    import importlib.util
    spec = importlib.util.spec_from_file_location("classroom_handlers",
                                                  EXAMPLES / "classroom_handlers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.HANDLERS


def run_classroom(sfn, name="maths"):
    arn = sfn.create_state_machine(name="classroom", definition=CLASSROOM)["stateMachineArn"]
    started = sfn.start_execution(stateMachineArn=arn, name=name, input=INPUT)
    sfn.run()
    return sfn.execution(started["executionArn"])
"""


def inner(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """A pytest run inside the test (without hypothesis's plugin: its summary costs seconds)."""
    return pytester.runpytest("-p", "no:hypothesispytest", *args)


def test_importing_aslrun_does_not_import_pytest() -> None:
    code = "import aslrun, aslrun.testing, sys; print('pytest' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "False\n"


def test_fixtures_and_marker_configure_clock_seed_and_handlers(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
def test_default_clock(sfn, aslrun_clock):
    assert sfn.clock is aslrun_clock
    assert sfn.now().isoformat() == "2026-01-01T00:00:00+00:00"


@pytest.mark.aslrun(start="2026-12-01T08:00:00Z", seed=7, handlers=handlers())
def test_marked(sfn):
    assert sfn.now().isoformat() == "2026-12-01T08:00:00+00:00"
    ex = run_classroom(sfn)
    assert ex.status == "SUCCEEDED"
    assert ex.path == ["RecordingWait", "StartRecording", "SendLivePingWait",
                       "SendLivePing", "StoppingWait", "StopRecording"]
    [call] = ex.calls("StartRecording")
    assert call.input == {"start": "2026-12-01T09:00:00Z", "end": "2026-12-01T10:00:00Z"}
    assert call.at.isoformat() == "2026-12-01T09:00:00+00:00"
    assert call.output == {"recordingId": "rec-0001", "startedAt": "2026-12-01T09:00:00Z"}
    assert ex.state_output("SendLivePing")["livePing"] == {
        "recordingId": "rec-0001", "pingedAt": "2026-12-01T09:01:00Z"}
    assert ex.state_input("StopRecording")["recording"]["recordingId"] == "rec-0001"
    assert sfn.now().isoformat() == "2026-12-01T10:00:00+00:00"


@pytest.mark.aslrun(handlers=handlers())
def test_seeded_from_node_id_a(sfn):
    arn = sfn.create_state_machine(name="n", definition=CLASSROOM)["stateMachineArn"]
    first = sfn.start_execution(stateMachineArn=arn, input=INPUT)["executionArn"]
    with Path("names.txt").open("a") as names:
        names.write(first + "\\n")
"""
    )
    result = inner(pytester)
    result.assert_outcomes(passed=3)
    result = inner(pytester, "-k", "seeded")
    result.assert_outcomes(passed=1)
    names = (pytester.path / "names.txt").read_text().splitlines()
    assert len(names) == 2
    assert names[0] == names[1]  # the same node id gives the same generated execution name


def test_an_unknown_marker_argument_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import pytest

@pytest.mark.aslrun(strat="2026-12-01T08:00:00Z")
def test_typo(sfn):
    pass
"""
    )
    result = inner(pytester)
    result.stdout.fnmatch_lines(["*@pytest.mark.aslrun: unknown argument strat (known: *"])


def test_state_output_of_a_state_never_left_says_what_ran(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
@pytest.mark.aslrun(handlers=handlers())
def test_missing(sfn):
    ex = run_classroom(sfn)
    ex.state_output("Ping")
"""
    )
    result = inner(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*StateNotReached: state 'Ping' was left 0 times, so there is no visit -1; the "
            "execution's path: RecordingWait -> StartRecording -> SendLivePingWait -> "
            "SendLivePing -> StoppingWait -> StopRecording"
        ]
    )


def test_golden_file_missing_written_compared(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
@pytest.mark.aslrun(start="2026-12-01T08:00:00Z", handlers=handlers())
def test_golden(sfn):
    assert_history_matches(run_classroom(sfn), "golden/classroom.json")
"""
    )
    result = inner(pytester)
    result.assert_outcomes(failed=1)
    golden = pytester.path / "golden" / "classroom.json"
    result.stdout.fnmatch_lines(
        [f"*golden file {golden} does not exist: run pytest --aslrun-update-golden*"]
    )
    inner(pytester, "--aslrun-update-golden").assert_outcomes(passed=1)
    written = golden.read_text()
    assert '"timestamp": "2026-12-01T09:00:00+00:00"' in written
    assert '"type": "ExecutionSucceeded"' in written
    inner(pytester).assert_outcomes(passed=1)
    golden.write_text(written.replace("rec-0001", "rec-0002"))
    result = inner(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"*the history differs from the golden file {golden}*",
            "E       -*rec-0002*",
            "E       +*rec-0001*",
        ]
    )


FAILING = (
    HEADER
    + """
def broken(event, context):
    return 1 / 0


def failing_handlers():
    found = handlers()
    found["StartRecorder"] = broken
    return found


@pytest.mark.aslrun(start="2026-12-01T08:00:00Z", handlers=failing_handlers())
def test_fails(sfn):
    ex = run_classroom(sfn)
    assert ex.status == "SUCCEEDED"
"""
)


def test_a_failed_assertion_explains_the_execution(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(FAILING)
    result = inner(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*- aslrun executions -*",
            "execution maths: FAILED",
            "  path: RecordingWait -> StartRecording",
            "  failing state: StartRecording",
            '  its input: {"start":"2026-12-01T09:00:00Z","end":"2026-12-01T10:00:00Z"}',
            "  error: ZeroDivisionError",
            '  cause: {"errorMessage": "division by zero", "errorType": "ZeroDivisionError"*',
            "  history around the failure:",
            "*  2026-12-01T09:00:00+00:00  TaskStateEntered  StartRecording",
            "*  2026-12-01T09:00:00+00:00  LambdaFunctionFailed  StartRecording  ZeroDivisionError",
            "*  2026-12-01T09:00:00+00:00  ExecutionFailed  ZeroDivisionError",
            "  handler traceback (StartRecording):",
            "    Traceback (most recent call last):",
            "*test_a_failed_assertion_explains_the_execution.py*, line 30, in broken",
            "*return 1 / 0*",
            "    ZeroDivisionError: division by zero",
        ]
    )


def test_raise_handler_errors_option_and_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(FAILING)
    result = inner(pytester, "--aslrun-raise-handler-errors")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*return 1 / 0*", "E       ZeroDivisionError: division by zero"])
    assert "assert 'FAILED' == 'SUCCEEDED'" not in result.stdout.str()
    marked = "handlers=failing_handlers(), raise_handler_errors=True)"
    pytester.makepyfile(FAILING.replace("handlers=failing_handlers())", marked))
    result = inner(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["E       ZeroDivisionError: division by zero"])


MOCKED = f"""
import json
from pathlib import Path

import pytest

MACHINE = Path({str(AWS_MACHINE)!r})
OK = {{"MD5OfMessageBody": "3bcb6e8e-7h85-4375-b0bc-1a59812c6e51",
      "MessageId": "3bcb6e8e-8b51-4375-b0bc-1a59812c6e51"}}


def run(sfn, arn_suffix=""):
    arn = sfn.create_state_machine(name="LambdaSQSIntegration",
                                   definition=MACHINE)["stateMachineArn"]
    started = sfn.start_execution(stateMachineArn=arn + arn_suffix)
    sfn.run()
    return sfn.execution(started["executionArn"])
"""


def test_mock_config_through_the_marker(pytester: pytest.Pytester) -> None:
    (pytester.path / "mocks").mkdir()
    (pytester.path / "mocks" / "MockConfigFile.json").write_text(AWS_FILE.read_text())
    pytester.makepyfile(
        MOCKED
        + """
@pytest.mark.aslrun(mock_config="mocks/MockConfigFile.json", test_case="RetryPath")
def test_retry_path(sfn):
    ex = run(sfn)
    assert ex.output == OK
    assert [c.error for c in ex.calls("LambdaState")] == [
        "Lambda.ResourceNotReadyException", "Lambda.TimeoutException",
        "Lambda.TimeoutException", None]
    assert [c.at.isoformat() for c in ex.calls("LambdaState")] == [
        "2026-01-01T00:00:00+00:00", "2026-01-01T00:00:02+00:00",
        "2026-01-01T00:00:06+00:00", "2026-01-01T00:00:14+00:00"]


@pytest.mark.aslrun(mock_config="mocks/MockConfigFile.json")
def test_hash_test_case(sfn):
    assert run(sfn, "#HappyPath").output == OK
"""
    )
    inner(pytester).assert_outcomes(passed=2)


def test_mock_config_through_sfn_mock_config(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SFN_MOCK_CONFIG", str(AWS_FILE))
    pytester.makepyfile(
        MOCKED
        + """
@pytest.mark.aslrun(test_case="HappyPath")
def test_env(sfn):
    assert run(sfn).output == OK
"""
    )
    inner(pytester).assert_outcomes(passed=1)


def test_the_failure_report_in_docs_testing_md_is_what_pytest_shows(
    pytester: pytest.Pytester,
) -> None:
    doc = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    section = doc.split("**When a test fails**", 1)[1]
    shown = section.split("```text\n", 1)[1].split("```", 1)[0].splitlines()
    pytester.makepyfile(FAILING)
    lines = inner(pytester).stdout.lines
    start = lines.index(shown[0])
    actual = lines[start : start + len(shown)]
    for expected, got in zip(shown, actual, strict=True):
        if expected.endswith("..."):  # the cause, cut in the doc
            assert got.startswith(expected[:-3]), got
        elif expected.lstrip().startswith("File "):  # the test file's path is the reader's
            assert got.endswith(", line 30, in broken"), got
        else:
            assert got == expected
