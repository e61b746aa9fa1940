"""Issue 10, "Loading what people deploy": never reject what AWS deploys.

CloudFormation supplies some values only at deploy: parameters without a ``Default``,
``Fn::GetAtt`` of a nested stack's outputs or of resource types whose attributes aslrun cannot
compute, the resources SAM and the Serverless Framework create implicitly.  AWS deploys such
templates, so aslrun loads them with a recognisable ``placeholder-<Name>`` value and a WARNING
located where the definition uses it; ``variables=`` / ``--var`` give the real value.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from aslrun import load
from aslrun.cli.app import run as cli
from aslrun.definition.loader import StateMachineEntry, list_state_machines, load_definition
from aslrun.definition.validate import validate
from aslrun.errors import Diagnostic, LoadError

DEPLOY = Path(__file__).parent / "fixtures" / "deploy"
SAM = DEPLOY / "sam-app" / "template.yaml"
ORDERS = DEPLOY / "sam-app" / "statemachine" / "orders.asl.json"
SERVERLESS = DEPLOY / "serverless" / "serverless.yml"
ACCOUNT = "123456789012"


def placeholder(path: tuple[str | int, ...], why: str, key: str) -> Diagnostic:
    message = (
        f"{why}: using the placeholder 'placeholder-{key}' "
        f"(pass variables={{{key!r}: ...}} or --var {key}=...)"
    )
    return Diagnostic(path, message, "PLACEHOLDER_VALUE", "WARNING")


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


# -- CloudFormation / SAM: values known at deploy ----------------------------------------------


NOTIFY = placeholder(
    ("States", "Notify", "Parameters", "TopicArn"),
    "parameter 'NotifyTopicArn' has no Default (CloudFormation asks for it at deploy)",
    "NotifyTopicArn",
)
RUN_TASK_NETWORK = (
    "States",
    "RunTask",
    "Parameters",
    "NetworkConfiguration",
    "AwsvpcConfiguration",
)
CALLBACK_WARNINGS = [
    placeholder(
        ("States", "Call", "Parameters", "ApiEndpoint"),
        "'ServerlessRestApi' is a resource SAM creates at deploy",
        "ServerlessRestApi",
    ),
    placeholder(
        ("States", "Call", "Parameters", "Authentication", "ConnectionArn"),
        "Fn::GetAtt EventBridgeConnection.Arn is known only once the stack is deployed",
        "EventBridgeConnection.Arn",
    ),
    placeholder(
        (*RUN_TASK_NETWORK, "Subnets", 0),
        "Fn::GetAtt VPC.Outputs.Subnet1 is known only once the stack is deployed",
        "VPC.Outputs.Subnet1",
    ),
    placeholder(
        ("States", "RunTask", "Parameters", "Overrides", "TaskRoleArn"),
        "Fn::GetAtt ProcessFunctionRole.Arn: 'ProcessFunctionRole' is a resource SAM "
        "creates at deploy",
        "ProcessFunctionRole.Arn",
    ),
]


def test_parameter_without_default_becomes_a_located_placeholder() -> None:
    loaded = load_definition(SAM, state_machine="OrderMachine")
    assert loaded.definition["States"]["Notify"]["Parameters"]["TopicArn"] == (
        "placeholder-NotifyTopicArn"
    )
    assert loaded.definition["States"]["Process"]["Resource"] == (
        f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:ProcessFunction"
    )
    assert loaded.warnings == (NOTIFY,)


def test_deploy_time_attributes_and_sam_implicit_resources() -> None:
    loaded = load_definition(SAM, state_machine="CallbackMachine")
    params = loaded.definition["States"]["Call"]["Parameters"]
    assert params["ApiEndpoint"] == (
        "https://placeholder-ServerlessRestApi.execute-api.us-east-1.amazonaws.com/Prod/hook"
    )
    assert params["Authentication"] == {"ConnectionArn": "placeholder-EventBridgeConnection.Arn"}
    assert list(loaded.warnings) == CALLBACK_WARNINGS
    assert validate(SAM, state_machine="CallbackMachine") == CALLBACK_WARNINGS


def test_variables_override_placeholders() -> None:
    loaded = load_definition(
        SAM,
        state_machine="CallbackMachine",
        variables={
            "ServerlessRestApi": "abc123",
            "EventBridgeConnection.Arn": "arn:aws:events:us-east-1:1:connection/c",
            "VPC.Outputs.Subnet1": "subnet-1",
            "ProcessFunctionRole.Arn": "arn:aws:iam::1:role/r",
        },
    )
    assert loaded.warnings == ()
    assert loaded.definition["States"]["Call"]["Parameters"]["ApiEndpoint"] == (
        "https://abc123.execute-api.us-east-1.amazonaws.com/Prod/hook"
    )


def test_a_placeholder_resource_is_not_an_invalid_resource_error() -> None:
    # Resource: !Ref LegacyFunctionArn (no Default): AWS deploys it with the real ARN.
    greet = placeholder(
        ("States", "Greet", "Resource"),
        "parameter 'LegacyFunctionArn' has no Default (CloudFormation asks for it at deploy)",
        "LegacyFunctionArn",
    )
    subnets = placeholder(
        ("States", "Spread", "Parameters", "subnets", 0),
        "parameter 'Subnets' has no Default (CloudFormation asks for it at deploy)",
        "Subnets",
    )
    assert validate(SAM, state_machine="LegacyMachine") == [greet, subnets]


def test_run_resolves_a_placeholder_task_by_state_name_and_says_so() -> None:
    machine = load(SAM, state_machine="LegacyMachine")
    assert [w.path for w in machine.load_warnings] == [
        ("States", "Greet", "Resource"),
        ("States", "Spread", "Parameters", "subnets", 0),
    ]
    execution = machine.run(handlers={"Greet": lambda event: {"greeting": "hello"}})
    assert (execution.status, execution.output) == (
        "SUCCEEDED",
        {"subnets": ["placeholder-Subnets"]},
    )
    glob = load(SAM, state_machine="LegacyMachine").run(handlers={"placeholder-*": lambda e: 1})
    assert glob.status == "SUCCEEDED"


def test_cli_run_prints_the_placeholders_and_var_overrides(tmp_path: Path) -> None:
    handlers = str(DEPLOY / "sam-app" / "handlers.py")
    args = ("run", str(SAM), "--state-machine", "LegacyMachine", "--handlers", handlers)
    code, out, err = run_cli(*args, "--output", "json")
    assert code == 0
    assert json.loads(out)["output"] == '{"subnets":["placeholder-Subnets"]}'
    assert err.splitlines() == [
        "aslrun run: WARNING PLACEHOLDER_VALUE $.States.Greet.Resource: parameter "
        "'LegacyFunctionArn' has no Default (CloudFormation asks for it at deploy): using the "
        "placeholder 'placeholder-LegacyFunctionArn' (pass variables={'LegacyFunctionArn': ...} "
        "or --var LegacyFunctionArn=...)",
        "aslrun run: WARNING PLACEHOLDER_VALUE $.States.Spread.Parameters.subnets[0]: parameter "
        "'Subnets' has no Default (CloudFormation asks for it at deploy): using the placeholder "
        "'placeholder-Subnets' (pass variables={'Subnets': ...} or --var Subnets=...)",
    ]
    code, out, err = run_cli(
        *args,
        "--output",
        "json",
        "--var",
        "LegacyFunctionArn=arn:aws:lambda:us-east-1:123456789012:function:greet",
        "--var",
        'Subnets=["subnet-1", "subnet-2"]',
    )
    assert (code, err) == (0, "")
    assert json.loads(out)["output"] == '{"subnets":["subnet-1","subnet-2"]}'
    code, _, err = run_cli(*args, "--var", "oops")
    assert (code, err) == (2, "aslrun run: <input>: --var takes NAME=VALUE, got 'oops'\n")


def test_a_reference_to_nothing_is_still_an_error() -> None:
    # AWS refuses it too ("Unresolved resource dependencies"): no placeholder for a typo.
    template = {
        "Resources": {
            "M": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "Definition": {
                        "StartAt": "A",
                        "States": {"A": {"Type": "Pass", "Result": {"Ref": "Nope"}, "End": True}},
                    }
                },
            }
        }
    }
    with pytest.raises(LoadError) as info:
        load_definition(template)
    assert info.value.message == (
        "$.Resources.M.Properties.Definition.States.A.Result.Ref: "
        "'Nope' is not a parameter or resource of the template"
    )


# -- several machines in one template ------------------------------------------------------------


def test_list_proceeds_with_placeholders_and_shows_their_warnings() -> None:
    entries = list_state_machines(SAM)
    assert [(e.key, e.name, e.kind, e.states) for e in entries] == [
        ("OrderMachine", "orders", "sam", 2),
        ("CallbackMachine", None, "sam", 2),
        ("LegacyMachine", "legacy", "sam", 2),
    ]
    assert entries[0] == StateMachineEntry("OrderMachine", "orders", "sam", 2, (NOTIFY,))
    code, out, err = run_cli("list", str(SAM))
    assert code == 0
    assert out.splitlines() == [
        "KEY              NAME    KIND  STATES",
        "OrderMachine     orders  sam   2",
        "CallbackMachine  -       sam   2",
        "LegacyMachine    legacy  sam   2",
    ]
    assert err.splitlines()[0] == f"{SAM} [OrderMachine]: WARNING PLACEHOLDER_VALUE {NOTIFY}"
    assert len(err.splitlines()) == 1 + 4 + 2


def test_validate_checks_every_machine_of_a_template() -> None:
    code, out, _ = run_cli("validate", "--severity", "ERROR", str(SAM))
    assert (code, out.splitlines()) == (
        0,
        [
            f"{SAM} [OrderMachine]: OK (0 errors, 0 warnings)",
            f"{SAM} [CallbackMachine]: OK (0 errors, 0 warnings)",
            f"{SAM} [LegacyMachine]: OK (0 errors, 0 warnings)",
        ],
    )
    code, out, _ = run_cli("validate", "--state-machine", "legacy", "--severity", "ERROR", str(SAM))
    assert (code, out) == (0, f"{SAM}: OK (0 errors, 0 warnings)\n")


def test_validate_json_reports_each_machine() -> None:
    code, out, _ = run_cli("validate", "--output", "json", str(SAM))
    reports = json.loads(out)
    assert code == 0
    assert [(r["file"], r["stateMachine"], r["result"]) for r in reports] == [
        (str(SAM), "OrderMachine", "OK"),
        (str(SAM), "CallbackMachine", "OK"),
        (str(SAM), "LegacyMachine", "OK"),
    ]
    assert reports[0]["diagnostics"] == [
        {
            "severity": "WARNING",
            "code": "PLACEHOLDER_VALUE",
            "message": NOTIFY.message,
            "location": "/States/Notify/Parameters/TopicArn",
        }
    ]


def test_validate_reports_a_broken_machine_and_checks_the_others(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(
        "Resources:\n"
        "  Good:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n"
        "      Definition: {StartAt: A, States: {A: {Type: Pass, End: true}}}\n"
        "  Bad:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n"
        "      Definition: {StartAt: X, States: {A: {Type: Pass, End: true}}}\n"
    )
    code, out, _ = run_cli("validate", str(template))
    assert code == 1
    assert out.splitlines() == [
        f"{template} [Good]: OK (0 errors, 0 warnings)",
        f"{template} [Bad]: ERROR MISSING_TRANSITION_TARGET $.StartAt: Missing 'StartAt' target: X",
        f"{template} [Bad]: FAIL (1 error, 0 warnings)",
    ]


# -- a definition file filled by DefinitionSubstitutions ----------------------------------------


def test_definition_file_alone_names_the_template_that_fills_it() -> None:
    template = str(SAM)
    diagnostics = validate(ORDERS)
    assert diagnostics == [
        Diagnostic(
            ("States", "Process", "Resource"),
            "placeholder ${ProcessFunctionArn} is filled at deploy by the "
            f"DefinitionSubstitutions of OrderMachine in {template}; validate that template to "
            "check the filled value, or pass --sub ProcessFunctionArn=...",
            "UNSUBSTITUTED_PLACEHOLDER",
            "WARNING",
        ),
        Diagnostic(
            ("States", "Notify", "Parameters", "TopicArn"),
            "placeholder ${NotifyTopicArn} is filled at deploy by the DefinitionSubstitutions of "
            f"OrderMachine in {template}; validate that template to check the filled value, or "
            "pass --sub NotifyTopicArn=...",
            "UNSUBSTITUTED_PLACEHOLDER",
            "WARNING",
        ),
    ]


def test_a_name_the_template_does_not_substitute_stays_an_error(tmp_path: Path) -> None:
    (tmp_path / "sm").mkdir()
    (tmp_path / "sm" / "x.asl.json").write_text(
        '{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "${Typo}", "End": true}}}'
    )
    (tmp_path / "template.yaml").write_text(
        "Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n"
        "      DefinitionUri: sm/x.asl.json\n      DefinitionSubstitutions: {FnArn: x}\n"
    )
    diagnostics = validate(tmp_path / "sm" / "x.asl.json")
    assert [(d.severity, d.code, d.path) for d in diagnostics] == [
        ("ERROR", "INVALID_RESOURCE", ("States", "A", "Resource"))
    ]


def test_a_definition_given_as_text_keeps_the_resource_error() -> None:
    text = '{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "${F}", "End": true}}}'
    assert [(d.severity, d.code) for d in validate(text)] == [("ERROR", "INVALID_RESOURCE")]


# -- serverless.yml ------------------------------------------------------------------------------


def test_serverless_getatt_by_function_key_and_activity_ref() -> None:
    loaded = load_definition(SERVERLESS)
    states = loaded.definition["States"]
    arn = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:"
    activity = f"arn:aws:states:eu-west-1:{ACCOUNT}:activity:approveRoom"
    assert states["Open"]["Resource"] == arn + "classroom-dev-openRoom"
    assert states["Approve"]["Resource"] == activity
    assert states["ApproveAgain"]["Resource"] == activity
    assert states["Close"]["Resource"] == arn + "classroom-dev-close-room"
    assert loaded.warnings == (
        placeholder(
            ("States", "Logs", "Result"),
            "Fn::GetAtt OpenRoomLogGroup.Arn: 'OpenRoomLogGroup' is a resource the Serverless "
            "Framework creates at deploy",
            "OpenRoomLogGroup.Arn",
        ),
    )
