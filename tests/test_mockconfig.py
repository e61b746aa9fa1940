"""Step Functions Local mock configuration files: loading, located errors, the resolver.

The example file is AWS's own (Step Functions developer guide, "Configuration file for mocked
service integrations"), with its LambdaSQSIntegration definition; the expected values are the
ones that page documents for the HappyPath, RetryPath and HybridPath test cases.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

import aslrun
from aslrun.errors import LoadError
from aslrun.toolkit.mockconfig import (
    MockConfigError,
    MockMissing,
    MockReturn,
    MockThrow,
    check_against_machine,
    iter_mock_diagnostics,
    load_mock_config,
    mock_config_from_env,
)

DATA = Path(__file__).parent / "toolkit_data"
AWS_FILE = DATA / "aws_mock_config.json"
MACHINE = "LambdaSQSIntegration"
LAMBDA_OK = MockReturn(
    {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}
)
SQS_OK = MockReturn(
    {
        "MD5OfMessageBody": "3bcb6e8e-7h85-4375-b0bc-1a59812c6e51",
        "MessageId": "3bcb6e8e-8b51-4375-b0bc-1a59812c6e51",
    }
)


def aws_raw() -> dict[str, Any]:
    raw: dict[str, Any] = json.loads(AWS_FILE.read_text())
    return raw


def problems(raw: Any) -> list[tuple[str, str, str]]:
    return [(d.location, d.severity, d.message) for d in iter_mock_diagnostics(raw)]


# -- AWS's documented example ---------------------------------------------------------------


def test_happy_path_returns_the_documented_responses() -> None:
    config = load_mock_config(AWS_FILE)
    assert config.resolve(MACHINE, "HappyPath", "LambdaState", 0) == LAMBDA_OK
    assert config.resolve(MACHINE, "HappyPath", "SQSState", 0) == SQS_OK
    assert config.warnings == ()
    assert config.source == str(AWS_FILE)


def test_retry_path_walks_0_then_the_range_1_2_then_3() -> None:
    # "The initial attempt ends with a task failure ... The first and second retry attempts end
    # with ... Lambda.TimeoutException ... The third retry attempt ends with a task success".
    config = load_mock_config(AWS_FILE)
    answers = [config.resolve(MACHINE, "RetryPath", "LambdaState", n) for n in range(4)]
    assert answers == [
        MockThrow("Lambda.ResourceNotReadyException", "Lambda resource is not ready."),
        MockThrow("Lambda.TimeoutException", "Lambda timed out."),
        MockThrow("Lambda.TimeoutException", "Lambda timed out."),
        LAMBDA_OK,
    ]


def test_past_the_last_key_fails_the_execution_instead_of_repeating() -> None:
    # "If you do not specify a mocked response for a specific retry attempt, for example,
    # retry "3", the state machine execution will fail."  Step Functions Local reports it as
    # States.Runtime.
    config = load_mock_config(AWS_FILE)
    missing = config.resolve(MACHINE, "RetryPath", "LambdaState", 4)
    assert missing == MockMissing("MockedLambdaRetry", 4)
    assert isinstance(missing, MockMissing)
    assert missing.error == "States.Runtime"
    assert missing.cause == (
        "The mocked response 'MockedLambdaRetry' has no response for invocation 4 "
        "(invocations count from 0)."
    )
    assert config.resolve(MACHINE, "HappyPath", "SQSState", 1) == MockMissing("MockedSQSSuccess", 1)


def test_a_state_the_test_case_does_not_list_is_not_mocked() -> None:
    # HybridPath: "SQSState performs an actual service call".
    config = load_mock_config(AWS_FILE)
    assert config.resolve(MACHINE, "HybridPath", "LambdaState", 0) == LAMBDA_OK
    assert config.resolve(MACHINE, "HybridPath", "SQSState", 0) is None


def test_dict_json_text_and_path_load_the_same() -> None:
    from_path = load_mock_config(AWS_FILE)
    assert load_mock_config(aws_raw()) == from_path
    assert load_mock_config(AWS_FILE.read_text()) == from_path
    assert load_mock_config(str(AWS_FILE)) == from_path


def test_unknown_machine_or_test_case_names_what_exists() -> None:
    config = load_mock_config(AWS_FILE)
    with pytest.raises(MockConfigError) as caught:
        config.resolve(MACHINE, "SadPath", "LambdaState", 0)
    assert str(caught.value) == (
        f"{AWS_FILE}: state machine 'LambdaSQSIntegration' has no test case 'SadPath' "
        "(test cases: HappyPath, HybridPath, RetryPath)"
    )
    with pytest.raises(MockConfigError) as caught:
        config.test_case("Other", "HappyPath")
    assert str(caught.value) == (
        f"{AWS_FILE}: no state machine 'Other' in the mock configuration "
        "(state machines: LambdaSQSIntegration)"
    )


def test_return_may_be_any_json_value() -> None:
    raw = {"StateMachines": {}, "MockedResponses": {"R": {"0": {"Return": [1, "a", None]}}}}
    assert load_mock_config(raw).responses["R"].at(0) == MockReturn([1, "a", None])


def test_throw_without_cause() -> None:
    raw = {"MockedResponses": {"R": {"0": {"Throw": {"Error": "E"}}}}}
    assert load_mock_config(raw).responses["R"].at(0) == MockThrow("E", None)


# -- located errors ---------------------------------------------------------------------------


def test_return_and_throw_together() -> None:
    raw = aws_raw()
    raw["MockedResponses"]["MockedLambdaRetry"]["1-2"]["Return"] = {}
    assert problems(raw) == [
        (
            "$.MockedResponses.MockedLambdaRetry['1-2']",
            "ERROR",
            "Return and Throw together: a response is one or the other",
        )
    ]
    with pytest.raises(MockConfigError) as caught:
        load_mock_config(raw)
    assert str(caught.value) == (
        "invalid mock configuration (1 problem):\n"
        "  $.MockedResponses.MockedLambdaRetry['1-2']: Return and Throw together: "
        "a response is one or the other"
    )


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("2-1", "is an empty range: 2 is after 1"),
        ("a", "is not an invocation number ('0', '3') or range ('1-2')"),
        ("1-", "is not an invocation number ('0', '3') or range ('1-2')"),
        ("-1", "is not an invocation number ('0', '3') or range ('1-2')"),
        ("01", "is not an invocation number ('0', '3') or range ('1-2')"),
        (" 1", "is not an invocation number ('0', '3') or range ('1-2')"),
    ],
)
def test_bad_invocation_keys(key: str, message: str) -> None:
    raw = {"MockedResponses": {"R": {"0": {"Return": 1}, key: {"Return": 2}}}}
    where = "$.MockedResponses.R" + (".a" if key == "a" else f"['{key}']")
    assert problems(raw) == [(where, "ERROR", message)]


def test_overlapping_ranges() -> None:
    raw = {"MockedResponses": {"R": {"0-2": {"Return": 1}, "2": {"Return": 2}}}}
    assert problems(raw) == [
        ("$.MockedResponses.R['2']", "ERROR", "overlaps '0-2': invocation 2 is in both")
    ]


def test_gaps_are_warnings_and_fail_only_when_reached() -> None:
    raw = {"MockedResponses": {"R": {"1": {"Return": 1}, "3-4": {"Return": 2}}}}
    assert problems(raw) == [
        (
            "$.MockedResponses.R",
            "WARNING",
            "has no response for invocation 0: it would fail the execution",
        ),
        (
            "$.MockedResponses.R",
            "WARNING",
            "has no response for invocation 2: it would fail the execution",
        ),
    ]
    response = load_mock_config(raw).responses["R"]
    assert [response.at(n) for n in range(6)] == [
        MockMissing("R", 0),
        MockReturn(1),
        MockMissing("R", 2),
        MockReturn(2),
        MockReturn(2),
        MockMissing("R", 5),
    ]


def test_an_empty_mocked_response_is_a_warning() -> None:
    raw = {"MockedResponses": {"R": {}}}
    config = load_mock_config(raw)
    assert [str(w) for w in config.warnings] == [
        "$.MockedResponses.R: has no responses: the first invocation will fail the execution"
    ]
    assert config.responses["R"].at(0) == MockMissing("R", 0)


def test_throw_without_error_and_wrong_types() -> None:
    raw = {
        "MockedResponses": {
            "R": {
                "0": {"Throw": {"Cause": "c"}},
                "1": {"Throw": {"Error": 5, "Cause": 6, "Extra": 1}},
                "2": {},
                "3": "x",
                "4": {"Retrun": 1},
            }
        }
    }
    assert problems(raw) == [
        (
            "$.MockedResponses.R['0'].Throw",
            "ERROR",
            "Throw without Error: the error name is required",
        ),
        ("$.MockedResponses.R['1'].Throw.Extra", "ERROR", "unknown field 'Extra'"),
        ("$.MockedResponses.R['1'].Throw.Error", "ERROR", "must be a string"),
        ("$.MockedResponses.R['1'].Throw.Cause", "ERROR", "must be a string"),
        ("$.MockedResponses.R['2']", "ERROR", "needs a Return or a Throw"),
        ("$.MockedResponses.R['3']", "ERROR", "must be an object with Return or Throw"),
        (
            "$.MockedResponses.R['4'].Retrun",
            "ERROR",
            "unknown field 'Retrun' (did you mean 'Return'?)",
        ),
        ("$.MockedResponses.R['4']", "ERROR", "needs a Return or a Throw"),
    ]


def test_test_case_naming_an_unknown_response_and_top_level_typos() -> None:
    raw = copy.deepcopy(aws_raw())
    raw["StateMachines"][MACHINE]["TestCases"]["HappyPath"]["SQSState"] = "MockedSQSSucess"
    raw["MockedResponse"] = raw.pop("MockedResponses")
    assert problems(raw) == [
        (
            "$.MockedResponse",
            "ERROR",
            "unknown field 'MockedResponse' (did you mean 'MockedResponses'?)",
        ),
        (
            "$.StateMachines.LambdaSQSIntegration.TestCases.HappyPath.LambdaState",
            "ERROR",
            "no mocked response 'MockedLambdaSuccess' in MockedResponses",
        ),
        (
            "$.StateMachines.LambdaSQSIntegration.TestCases.HappyPath.SQSState",
            "ERROR",
            "no mocked response 'MockedSQSSucess' in MockedResponses",
        ),
        (
            "$.StateMachines.LambdaSQSIntegration.TestCases.RetryPath.LambdaState",
            "ERROR",
            "no mocked response 'MockedLambdaRetry' in MockedResponses",
        ),
        (
            "$.StateMachines.LambdaSQSIntegration.TestCases.RetryPath.SQSState",
            "ERROR",
            "no mocked response 'MockedSQSSuccess' in MockedResponses",
        ),
        (
            "$.StateMachines.LambdaSQSIntegration.TestCases.HybridPath.LambdaState",
            "ERROR",
            "no mocked response 'MockedLambdaSuccess' in MockedResponses",
        ),
    ]


def test_misspelt_response_name_gets_a_hint() -> None:
    raw = aws_raw()
    raw["StateMachines"][MACHINE]["TestCases"]["HappyPath"]["SQSState"] = "MockedSQSSucess"
    assert problems(raw) == [
        (
            "$.StateMachines.LambdaSQSIntegration.TestCases.HappyPath.SQSState",
            "ERROR",
            "no mocked response 'MockedSQSSucess' in MockedResponses "
            "(did you mean 'MockedSQSSuccess'?)",
        )
    ]


def test_shapes_that_are_not_objects() -> None:
    assert problems([]) == [("$", "ERROR", "a mock configuration must be a JSON object")]
    assert problems({"StateMachines": {"M": {"TestCase": {}}}}) == [
        (
            "$.StateMachines.M.TestCase",
            "ERROR",
            "unknown field 'TestCase' (did you mean 'TestCases'?)",
        ),
        (
            "$.StateMachines.M.TestCases",
            "ERROR",
            "must be an object (test case name -> mocked states)",
        ),
    ]
    assert problems({"StateMachines": [], "MockedResponses": 3}) == [
        ("$.MockedResponses", "ERROR", "must be an object"),
        ("$.StateMachines", "ERROR", "must be an object"),
    ]


def test_invalid_json_is_located(tmp_path: Path) -> None:
    bad = tmp_path / "MockConfigFile.json"
    bad.write_text('{\n  "StateMachines": {,\n}')
    with pytest.raises(LoadError) as caught:
        load_mock_config(bad)
    assert (
        str(caught.value)
        == f"{bad}:2:21: invalid JSON: Expecting property name enclosed in double quotes"
    )


def test_missing_file() -> None:
    with pytest.raises(LoadError) as caught:
        load_mock_config("/nonexistent/MockConfigFile.json")
    assert str(caught.value) == (
        "/nonexistent/MockConfigFile.json: cannot read the mock configuration: "
        "No such file or directory"
    )


# -- against a definition -------------------------------------------------------------------


def test_checked_against_aws_definition() -> None:
    machine = aslrun.load(DATA / "lambda_sqs_integration.asl.json").machine
    config = load_mock_config(AWS_FILE)
    assert check_against_machine(config, MACHINE, machine) == []


def test_unknown_and_non_task_states_against_the_definition() -> None:
    definition = json.loads((DATA / "lambda_sqs_integration.asl.json").read_text())
    definition["States"]["LambdaState"]["Next"] = "Pause"
    definition["States"]["Pause"] = {"Type": "Wait", "Seconds": 1, "Next": "SQSState"}
    machine = aslrun.load(definition).machine
    raw = aws_raw()
    raw["StateMachines"][MACHINE]["TestCases"]["HybridPath"] = {
        "LambdaStat": "MockedLambdaSuccess",
        "Pause": "MockedLambdaSuccess",
    }
    found = check_against_machine(load_mock_config(raw), MACHINE, machine)
    assert [(d.location, d.severity, d.message) for d in found] == [
        (
            "$.StateMachines.LambdaSQSIntegration.TestCases.HybridPath.LambdaStat",
            "ERROR",
            "no state 'LambdaStat' in the definition (did you mean 'LambdaState'?)",
        ),
        (
            "$.StateMachines.LambdaSQSIntegration.TestCases.HybridPath.Pause",
            "WARNING",
            "'Pause' is a Wait state: only a Task state is mocked",
        ),
    ]


def test_states_inside_parallel_and_map_are_known() -> None:
    task = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True}
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "Branches": [{"StartAt": "InBranch", "States": {"InBranch": task}}],
                "Next": "M",
            },
            "M": {
                "Type": "Map",
                "ItemProcessor": {"StartAt": "InMap", "States": {"InMap": task}},
                "End": True,
            },
        },
    }
    raw = {
        "StateMachines": {"X": {"TestCases": {"T": {"InBranch": "R", "InMap": "R"}}}},
        "MockedResponses": {"R": {"0": {"Return": 1}}},
    }
    assert check_against_machine(load_mock_config(raw), "X", aslrun.load(definition).machine) == []


# -- SFN_MOCK_CONFIG --------------------------------------------------------------------------


def test_env_var_names_the_file() -> None:
    config = mock_config_from_env({"SFN_MOCK_CONFIG": str(AWS_FILE)})
    assert config == load_mock_config(AWS_FILE)


def test_without_the_env_var(tmp_path: Path) -> None:
    assert mock_config_from_env({}) is None
    assert mock_config_from_env({}, cwd=tmp_path) is None
    (tmp_path / "MockConfigFile.json").write_text(AWS_FILE.read_text())
    assert mock_config_from_env({}, cwd=tmp_path) == load_mock_config(AWS_FILE)
    # the variable wins over the default file, as in Step Functions Local
    other = tmp_path / "Env.json"
    other.write_text('{"MockedResponses": {}}')
    env_config = mock_config_from_env({"SFN_MOCK_CONFIG": str(other)}, cwd=tmp_path)
    assert env_config is not None
    assert env_config.responses == {}


def test_the_error_shown_in_docs_testing_md(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = (Path(__file__).parent.parent / "docs" / "testing.md").read_text()
    section = doc.split("## AWS Step Functions Local mock files", 1)[1]
    shown = section.split("```text\n", 1)[1].split("```", 1)[0].rstrip("\n")
    raw = aws_raw()
    raw["MockedResponses"]["MockedLambdaRetry"]["1-2"]["Return"] = {}
    raw["StateMachines"][MACHINE]["TestCases"]["HappyPath"]["SQSState"] = "MockedSQSSucess"
    monkeypatch.chdir(tmp_path)
    Path("MockConfigFile.json").write_text(json.dumps(raw))
    with pytest.raises(MockConfigError) as caught:
        load_mock_config("MockConfigFile.json")
    assert str(caught.value) == shown
