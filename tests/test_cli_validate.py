"""The validate and list subcommands, driven with StringIO streams."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

from aslrun.cli import validate as cli_validate

SAMPLES = Path(__file__).parent / "samples"
ISSUE = str(SAMPLES / "issue4-serverless.yml")
EXAMPLE = str(Path(__file__).parent.parent / "examples" / "serverless.yml")


def run(*argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="aslrun")
    cli_validate.register(parser.add_subparsers())
    args = parser.parse_args(list(argv))
    stdout, stderr = io.StringIO(), io.StringIO()
    code = args.func(args, stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def test_issue_4_definition_fails_with_location_and_arn_warning() -> None:
    code, out, err = run("validate", ISSUE)
    assert code == 1
    assert err == ""
    lines = out.splitlines()
    assert (
        f"{ISSUE}: ERROR MISSING_TRANSITION_TARGET $.States.SendLivePing: "
        'State "SendLivePing" is not reachable.'
    ) in lines
    assert (
        f"{ISSUE}: WARNING INVALID_RESOURCE $.States.StartRecording.Resource: "
        "ARN account '13######' is not a 12-digit AWS account id"
    ) in lines
    assert lines[-1] == f"{ISSUE}: FAIL (1 error, 3 warnings)"


def test_json_output_is_shaped_like_aws() -> None:
    code, out, _ = run("validate", "--output", "json", "--severity", "ERROR", ISSUE)
    assert code == 1
    assert json.loads(out) == {
        "result": "FAIL",
        "diagnostics": [
            {
                "severity": "ERROR",
                "code": "MISSING_TRANSITION_TARGET",
                "message": 'State "SendLivePing" is not reachable.',
                "location": "/States/SendLivePing",
            }
        ],
        "truncated": False,
    }


def test_corrected_example_is_ok() -> None:
    code, out, _ = run("validate", "--state-machine", "classroom-state-machine", EXAMPLE)
    assert (code, out) == (0, f"{EXAMPLE}: OK (0 errors, 0 warnings)\n")


def test_unreadable_file_exits_2_and_others_are_still_checked() -> None:
    bad = str(SAMPLES / "malformed" / "trailing-comma.json")
    code, out, err = run("validate", bad, EXAMPLE)
    assert code == 2
    assert err == f"{bad}:5:3: invalid JSON: Expecting property name enclosed in double quotes\n"
    assert out == f"{EXAMPLE}: OK (0 errors, 0 warnings)\n"
    code, out, _ = run("validate", "--output", "json", bad, EXAMPLE)
    reports = json.loads(out)
    assert code == 2
    assert [(r["file"], r["result"]) for r in reports] == [(bad, "FAIL"), (EXAMPLE, "OK")]
    assert reports[0]["diagnostics"][0]["code"] == "INVALID_JSON_DESCRIPTION"


def test_sub_option_fills_placeholders(tmp_path: Path) -> None:
    file = tmp_path / "m.asl.json"
    file.write_text(
        '{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "${FnArn}", "End": true}}}'
    )
    # Issue 10: a definition file's ${FnArn} is filled by a template at deploy; AWS never
    # sees it unsubstituted, so checked alone it is a WARNING, not an ERROR.
    code, out, _ = run("validate", str(file))
    assert (code, out) == (
        0,
        f"{file}: WARNING UNSUBSTITUTED_PLACEHOLDER $.States.A.Resource: placeholder ${{FnArn}} "
        "is filled at deploy by the DefinitionSubstitutions of the template that deploys this "
        "file (SAM: DefinitionUri); validate that template to check the filled value, or pass "
        f"--sub FnArn=...\n{file}: OK (0 errors, 1 warning)\n",
    )
    code, _, _ = run(
        "validate", "--sub", "FnArn=arn:aws:lambda:us-east-1:123456789012:function:f", str(file)
    )
    assert code == 0
    code, _, err = run("validate", "--sub", "oops", str(file))
    assert (code, err) == (2, "<input>: --sub takes NAME=VALUE, got 'oops'\n")


def test_stage_option() -> None:
    code, out, _ = run("list", "--stage", "prod", str(SAMPLES / "serverless-vars.yml"))
    assert code == 0
    assert out.splitlines() == [
        "KEY         NAME             KIND        STATES",
        "orderFlow   order-flow-prod  serverless  5",
        "refundFlow  -                serverless  1",
    ]


def test_list_json_and_unreadable() -> None:
    code, out, _ = run("list", "--output", "json", str(SAMPLES / "sam" / "template.yaml"))
    assert (code, json.loads(out)) == (
        0,
        [
            {
                "key": "StockTradingStateMachine",
                "name": "stock-trader",
                "kind": "sam",
                "states": 5,
                "warnings": [],
            }
        ],
    )
    code, _, err = run("list", "missing.yml")
    assert (code, err) == (2, "missing.yml: file not found: 'missing.yml'\n")
