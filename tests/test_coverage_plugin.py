"""``pytest --aslrun-cov``: the options, the reports and the fail-under exit status, run
with pytester in a fresh test directory."""

from __future__ import annotations

import json

import pytest

TESTS = """
import aslrun

DEFINITION = {
    "StartAt": "Check",
    "States": {
        "Check": {"Type": "Choice",
                  "Choices": [{"Variable": "$.n", "NumericGreaterThan": 5, "Next": "Big"}],
                  "Default": "Small"},
        "Big": {"Type": "Pass", "End": True},
        "Small": {"Type": "Pass", "End": True},
    },
}

def test_big():
    assert aslrun.load(DEFINITION, name="Sizes").run({"n": 9}).status == "SUCCEEDED"
"""
SERVICE_TEST = """
import aslrun
from test_sizes import DEFINITION

def test_small_through_the_service():
    sfn = aslrun.StepFunctions()
    arn = sfn.create_state_machine(name="Sizes", definition=__import__("json").dumps(DEFINITION),
                                   roleArn="arn:aws:iam::123456789012:role/r")["stateMachineArn"]
    sfn.start_execution(stateMachineArn=arn, input='{"n": 1}')
    sfn.run()
"""


def test_off_by_default(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_sizes=TESTS)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert "aslrun state machine coverage" not in result.stdout.str()


def test_term_missing_report(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_sizes=TESTS)
    result = pytester.runpytest("--aslrun-cov")
    result.assert_outcomes(passed=1)
    # 5 points: 3 states, rule #1, Default; the run takes Check, rule #1, Big
    result.stdout.fnmatch_lines(
        [
            "*aslrun state machine coverage*",
            "Name   States   Miss  Branches  BrMiss   Cover",
            "*",
            "Sizes       3      1         2       1     60%",
            "Sizes: not covered: Check Default -> Small; Small",
        ]
    )


def test_service_executions_count_too(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_sizes=TESTS, test_service=SERVICE_TEST)
    result = pytester.runpytest("--aslrun-cov", "--aslrun-cov-report=term")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["Sizes       3      0         2       0    100%"])


def test_json_and_html_reports(pytester: pytest.Pytester) -> None:
    pytest.importorskip("grandalf")
    pytester.makepyfile(test_sizes=TESTS)
    result = pytester.runpytest(
        "--aslrun-cov", "--aslrun-cov-report=json:cov/cov.json", "--aslrun-cov-report=html:cov.html"
    )
    result.assert_outcomes(passed=1)
    data = json.loads((pytester.path / "cov" / "cov.json").read_text())
    assert data["percent"] == 60.0
    assert data["machines"][0]["name"] == "Sizes"
    page = (pytester.path / "cov.html").read_text()
    assert 'data-state="Small" data-type="Pass" data-outcome="not-reached"' in page
    assert 'data-state="Big" data-type="Pass" data-outcome="succeeded"' in page


@pytest.mark.parametrize(("threshold", "code"), [("60", 0), ("61", 1)])
def test_fail_under(pytester: pytest.Pytester, threshold: str, code: int) -> None:
    pytester.makepyfile(test_sizes=TESTS)
    result = pytester.runpytest("--aslrun-cov", f"--aslrun-cov-fail-under={threshold}")
    assert result.ret == code
    if code:
        result.stdout.fnmatch_lines(
            ["FAIL Required state machine coverage of 61% not reached. Total coverage: 60.00%"]
        )


def test_bad_report_option(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_sizes=TESTS)
    result = pytester.runpytest("--aslrun-cov", "--aslrun-cov-report=xml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--aslrun-cov-report=xml: expected term, term-missing, json:PATH or html:PATH*"]
    )
