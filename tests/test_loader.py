"""load_definition / list_state_machines over every supported format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aslrun.definition.loader import StateMachineEntry, list_state_machines, load_definition
from aslrun.definition.validate import validate
from aslrun.definition.yaml_loader import parse_yaml
from aslrun.errors import Diagnostic, LoadError

SAMPLES = Path(__file__).parent / "samples"
ACCOUNT = "123456789012"


# -- YAML ----------------------------------------------------------------------------


def test_yaml_12_core_scalars() -> None:
    data = parse_yaml(
        "a: [Yes, No, On, Off, y, n, yes, true, False, TRUE, null, ~, '', 017, 0x1F, 0o17,"
        " 1.5, 1e3, 2024-01-01, 2024-01-01T10:00:00Z, 1_000, 12:30]"
    )
    assert data == {
        "a": [
            "Yes",
            "No",
            "On",
            "Off",
            "y",
            "n",
            "yes",
            True,
            False,
            True,
            None,
            None,
            "",
            17,
            31,
            15,
            1.5,
            1000.0,
            "2024-01-01",
            "2024-01-01T10:00:00Z",
            "1_000",
            "12:30",
        ]
    }


def test_states_named_yes_and_no() -> None:
    loaded = load_definition(
        "StartAt: Q\nStates:\n  Q:\n    Type: Choice\n    Choices:\n"
        "      - Variable: $.ok\n        BooleanEquals: true\n        Next: Yes\n"
        "    Default: No\n  Yes: {Type: Succeed}\n  No: {Type: Fail}\n"
    )
    assert list(loaded.definition["States"]) == ["Q", "Yes", "No"]
    assert loaded.definition["States"]["Q"]["Default"] == "No"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("!GetAtt A.Arn", {"Fn::GetAtt": ["A", "Arn"]}),
        ("!GetAtt [A, Arn]", {"Fn::GetAtt": ["A", "Arn"]}),
        ("!Ref X", {"Ref": "X"}),
        ("!Sub 'a-${X}'", {"Fn::Sub": "a-${X}"}),
        ("!Join ['', [a, !Ref B]]", {"Fn::Join": ["", ["a", {"Ref": "B"}]]}),
        ("!If [C, 1, 2]", {"Fn::If": ["C", 1, 2]}),
        ("!ImportValue Shared", {"Fn::ImportValue": "Shared"}),
        ("!Select [0, !GetAZs '']", {"Fn::Select": [0, {"Fn::GetAZs": ""}]}),
        ("!Split [',', 'a,b']", {"Fn::Split": [",", "a,b"]}),
        ("!FindInMap [M, K, V]", {"Fn::FindInMap": ["M", "K", "V"]}),
        ("!Base64 hi", {"Fn::Base64": "hi"}),
        ("!Equals [a, b]", {"Fn::Equals": ["a", "b"]}),
        ("!Not [!Condition C]", {"Fn::Not": [{"Condition": "C"}]}),
        (
            "!And [!Condition A, !Or [!Condition B]]",
            {"Fn::And": [{"Condition": "A"}, {"Fn::Or": [{"Condition": "B"}]}]},
        ),
    ],
)
def test_cloudformation_short_tags(text: str, expected: Any) -> None:
    assert parse_yaml(f"v: {text}") == {"v": expected}


def test_unsafe_tags_are_refused() -> None:
    with pytest.raises(LoadError, match="invalid YAML"):
        load_definition("a: !!python/object/apply:os.system ['true']\nb: 1\n")


# -- sources -------------------------------------------------------------------------


def test_dict_text_and_path_sources(tmp_path: Path) -> None:
    asl = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}
    file = tmp_path / "m.asl.json"
    file.write_text('{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}')
    assert load_definition(asl).definition == asl
    assert load_definition(file.read_text()).definition == asl
    assert load_definition(str(file)).definition == asl
    loaded = load_definition(file)
    assert (loaded.definition, loaded.source, loaded.kind, loaded.name) == (
        asl,
        str(file),
        "asl",
        None,
    )


def test_dict_source_is_not_mutated() -> None:
    asl = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "${X}", "End": True}}}
    load_definition(asl, substitutions={"X": "y"})
    assert asl["States"]["A"]["Result"] == "${X}"


def test_missing_file_with_case_hint(tmp_path: Path) -> None:
    (tmp_path / "Machine.json").write_text("{}")
    with pytest.raises(LoadError) as info:
        load_definition(str(tmp_path / "machine.json"))
    assert str(info.value).endswith(
        f"file not found: {str(tmp_path / 'machine.json')!r} "
        f"(did you mean {str(tmp_path / 'Machine.json')!r}? names are case-sensitive)"
    )


@pytest.mark.parametrize(
    ("name", "line", "column", "message"),
    [
        (
            "trailing-comma.json",
            5,
            3,
            "invalid JSON: Expecting property name enclosed in double quotes",
        ),
        (
            "bad-indent.yaml",
            5,
            4,
            "invalid YAML: while parsing a block mapping expected <block end>, "
            "but found '<block mapping start>'",
        ),
    ],
)
def test_syntax_errors_carry_line_and_column(
    name: str, line: int, column: int, message: str
) -> None:
    path = SAMPLES / "malformed" / name
    with pytest.raises(LoadError) as info:
        load_definition(path)
    assert (info.value.source, info.value.line, info.value.column, info.value.message) == (
        str(path),
        line,
        column,
        message,
    )
    assert str(info.value).startswith(f"{path}:{line}:{column}: ")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (SAMPLES / "malformed" / "list.yaml", "expected an object at the top level, got a list"),
        ("{", "invalid JSON: Expecting property name enclosed in double quotes"),
        ('{"Resources": 1, "x": 2}\n', "not a state machine definition"),
        ("nothing-here.yml", "file not found: 'nothing-here.yml'"),
    ],
)
def test_unloadable_sources(source: Any, message: str) -> None:
    with pytest.raises(LoadError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_definition(source)


# -- ASL placeholders ------------------------------------------------------------------


def test_substitutions_and_leftover_placeholders() -> None:
    asl = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Task",
                "Resource": "${FnArn}",
                "Parameters": {"Table": "${Table}"},
                "End": True,
            }
        },
    }
    loaded = load_definition(asl, substitutions={"FnArn": "arn:aws:lambda:us-east-1:1:function:f"})
    assert loaded.definition["States"]["A"]["Resource"] == "arn:aws:lambda:us-east-1:1:function:f"
    [warning] = loaded.warnings
    assert (warning.code, warning.severity, warning.location) == (
        "UNSUBSTITUTED_PLACEHOLDER",
        "WARNING",
        "$.States.A.Parameters.Table",
    )
    assert "${Table}" in warning.message


# -- serverless.yml --------------------------------------------------------------------


def test_issue_4_serverless_file() -> None:
    loaded = load_definition(SAMPLES / "issue4-serverless.yml")
    assert (loaded.kind, loaded.key, loaded.name) == (
        "serverless",
        "stepFunction",
        "classroom-state-machine",
    )
    assert loaded.definition["States"]["SendLivePingWait"] == {
        "Type": "Wait",
        "Seconds": 60,
        "Next": "StoppingWait",
    }


def test_serverless_variables_getatt_ref_sub() -> None:
    loaded = load_definition(SAMPLES / "serverless-vars.yml", state_machine="orderFlow")
    states = loaded.definition["States"]
    assert loaded.name == "order-flow-dev"
    # ${opt:stage, 'dev'} falls back to dev; function "validate-order" -> ValidateDashorder...
    assert states["Validate"]["Resource"] == (
        f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:orders-dev-validate-order"
    )
    # ${file(./serverless-config.yml):${sls:stage}} then .timeout
    assert states["Validate"]["TimeoutSeconds"] == 30
    # Ref to a function is its name (here the function's own `name`).
    assert states["Charge"]["Parameters"]["FunctionName"] == "orders-charge-dev"
    assert states["Save"]["Parameters"]["TableName"] == "orders-dev-table"
    assert states["Notify"]["Parameters"]["TopicArn"] == f"arn:aws:sns:eu-west-1:{ACCOUNT}:orders"
    assert states["Notify"]["Next"] == "Yes"


def test_serverless_stage_region_and_account_options() -> None:
    loaded = load_definition(
        SAMPLES / "serverless-vars.yml",
        state_machine="order-flow-prod",
        stage="prod",
        region="ap-south-1",
        account="111122223333",
    )
    states = loaded.definition["States"]
    assert loaded.key == "orderFlow"
    assert states["Validate"]["Resource"] == (
        "arn:aws:lambda:ap-south-1:111122223333:function:orders-prod-validate-order"
    )
    assert states["Validate"]["TimeoutSeconds"] == 300


def test_serverless_several_machines_need_a_choice() -> None:
    with pytest.raises(LoadError) as info:
        load_definition(SAMPLES / "serverless-vars.yml")
    assert info.value.message == (
        "2 state machines; pick one with state_machine= (--state-machine): "
        "orderFlow (name: order-flow-dev), refundFlow"
    )
    with pytest.raises(LoadError, match="no state machine 'nope'; this file holds: orderFlow"):
        load_definition(SAMPLES / "serverless-vars.yml", state_machine="nope")


def serverless(definition_yaml: str, extra: str = "") -> str:
    return (
        f"service: svc\nprovider:\n  name: aws\n{extra}stepFunctions:\n  stateMachines:\n"
        f"    m:\n      definition:\n{definition_yaml}"
    )


def test_serverless_values_read_from_aws_become_placeholders() -> None:
    # The framework reads ${ssm:...} from AWS at deploy: AWS deploys it, so aslrun loads it
    # with a placeholder and a warning located where the definition uses it (issue 10).
    text = serverless(
        "        StartAt: A\n        States:\n          A:\n            Type: Task\n"
        "            Resource: ${ssm:/fn/arn}\n            End: true\n"
    )
    loaded = load_definition(text)
    assert loaded.definition["States"]["A"]["Resource"] == "placeholder-ssm:/fn/arn"
    assert loaded.warnings == (
        Diagnostic(
            ("States", "A", "Resource"),
            "${ssm:/fn/arn} is read from AWS by the Serverless Framework at deploy: using the "
            "placeholder 'placeholder-ssm:/fn/arn' (pass variables={'ssm:/fn/arn': ...} or "
            "--var ssm:/fn/arn=...)",
            "PLACEHOLDER_VALUE",
            "WARNING",
        ),
    )
    assert validate(text) == list(loaded.warnings)  # no INVALID_RESOURCE about the placeholder
    loaded = load_definition(text, variables={"ssm:/fn/arn": "arn:aws:lambda:x"})
    assert loaded.definition["States"]["A"]["Resource"] == "arn:aws:lambda:x"
    fallback = text.replace("${ssm:/fn/arn}", "${ssm:/fn/arn, 'arn:aws:lambda:y'}")
    assert load_definition(fallback).definition["States"]["A"]["Resource"] == "arn:aws:lambda:y"
    with pytest.raises(LoadError) as info:  # not a value from AWS: still an error
        load_definition(text.replace("${ssm:/fn/arn}", "${self:custom.nope}"))
    assert info.value.message == (
        "$.stepFunctions.stateMachines.m.definition.States.A.Resource: cannot resolve "
        "${self:custom.nope}"
    )


def test_serverless_env_and_unknown_function() -> None:
    text = serverless(
        "        StartAt: A\n        States:\n          A:\n            Type: Pass\n"
        "            Result: ${env:GREETING, 'hi'}\n            End: true\n"
    )
    assert load_definition(text).definition["States"]["A"]["Result"] == "hi"
    assert (
        load_definition(text, variables={"env:GREETING": "yo"}).definition["States"]["A"]["Result"]
        == "yo"
    )
    bad = serverless(
        "        StartAt: A\n        States:\n          A:\n            Type: Task\n"
        "            Resource: !GetAtt HelloLambdaFunction.Arn\n"
        "            End: true\n",
        "functions:\n  hi:\n    handler: h.h\n",
    )
    with pytest.raises(
        LoadError,
        match=r"'HelloLambdaFunction' is not a parameter or resource "
        r"of the template \(functions: HiLambdaFunction, hi\)",
    ):
        load_definition(bad)


# -- CloudFormation and SAM --------------------------------------------------------------


def test_sam_definition_uri_and_substitutions() -> None:
    loaded = load_definition(SAMPLES / "sam" / "template.yaml")
    states = loaded.definition["States"]
    assert (loaded.kind, loaded.key, loaded.name, loaded.warnings) == (
        "sam",
        "StockTradingStateMachine",
        "stock-trader",
        (),
    )
    assert states["Check Stock Value"]["Resource"] == (
        f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:StockCheckerFunction"
    )
    assert states["Sell Stock"]["Resource"] == (
        f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:stock-seller"
    )
    assert states["Record Transaction"]["Resource"] == "arn:aws:states:::dynamodb:putItem"
    assert states["Record Transaction"]["Parameters"]["TableName"] == "stock-trades"


def test_sam_missing_definition_uri_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "Machine.asl.json").write_text("{}")
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n"
        "    Type: AWS::Serverless::StateMachine\n"
        "    Properties:\n      DefinitionUri: machine.asl.json\n"
    )
    with pytest.raises(LoadError) as info:
        load_definition(tmp_path / "template.yaml")
    assert info.value.message == (
        f"file not found: {str(tmp_path / 'machine.asl.json')!r} "
        f"(did you mean {str(tmp_path / 'Machine.asl.json')!r}? names are case-sensitive)"
    )


def test_cloudformation_definition_string_with_fn_sub() -> None:
    loaded = load_definition(
        SAMPLES / "cfn-definition-string.json", state_machine="hello-prod", region="eu-central-1"
    )
    assert (loaded.kind, loaded.key) == ("cloudformation", "MyStateMachine")
    assert loaded.definition == {
        "StartAt": "Hello",
        "States": {
            "Hello": {
                "Type": "Task",
                "Resource": f"arn:aws:lambda:eu-central-1:{ACCOUNT}:function:hello",
                "Next": "Wait",
            },
            "Wait": {"Type": "Wait", "Seconds": 10, "Next": "Done"},
            "Done": {"Type": "Pass", "Result": f"eu-central-1/{ACCOUNT}", "End": True},
        },
    }


def test_cloudformation_fn_join_and_definition_substitutions() -> None:
    loaded = load_definition(
        SAMPLES / "cfn-definition-string.json", state_machine="JoinedStateMachine"
    )
    assert loaded.definition["States"]["A"]["Parameters"] == {"greeting": "hello prod"}
    loaded = load_definition(
        SAMPLES / "cfn-definition-string.json",
        state_machine="JoinedStateMachine",
        variables={"Env": "qa"},
        substitutions={},
    )
    assert loaded.definition["States"]["A"]["Parameters"] == {"greeting": "hello qa"}


def test_cloudformation_unresolvable_sub_variable() -> None:
    with pytest.raises(LoadError, match=r"'Unknown' is not a parameter or resource"):
        load_definition(
            SAMPLES / "cfn-definition-string.json", state_machine="BrokenSubStateMachine"
        )


def test_import_value_needs_a_variable() -> None:
    template = {
        "Resources": {
            "M": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "Definition": {
                        "StartAt": "A",
                        "States": {
                            "A": {
                                "Type": "Task",
                                "Resource": {"Fn::ImportValue": "shared-fn-arn"},
                                "End": True,
                            }
                        },
                    }
                },
            }
        }
    }
    loaded = load_definition(template)
    assert loaded.definition["States"]["A"]["Resource"] == "placeholder-shared-fn-arn"
    assert loaded.warnings == (
        Diagnostic(
            ("States", "A", "Resource"),
            "Fn::ImportValue 'shared-fn-arn' is an export of another stack: using the "
            "placeholder 'placeholder-shared-fn-arn' (pass variables={'shared-fn-arn': ...} "
            "or --var shared-fn-arn=...)",
            "PLACEHOLDER_VALUE",
            "WARNING",
        ),
    )
    loaded = load_definition(template, variables={"shared-fn-arn": "arn:x"})
    assert loaded.definition["States"]["A"]["Resource"] == "arn:x"


def test_conditions_and_no_value() -> None:
    template = {
        "Parameters": {"Env": {"Type": "String", "Default": "prod"}},
        "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
        "Resources": {
            "M": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "Definition": {
                        "StartAt": "A",
                        "States": {
                            "A": {
                                "Type": "Pass",
                                "End": True,
                                "Result": {"Fn::If": ["IsProd", "big", "small"]},
                                "Comment": {
                                    "Fn::If": ["IsProd", {"Ref": "AWS::NoValue"}, "dev only"]
                                },
                            }
                        },
                    }
                },
            }
        },
    }
    assert load_definition(template).definition["States"]["A"] == {
        "Type": "Pass",
        "End": True,
        "Result": "big",
    }


def test_list_state_machines() -> None:
    assert list_state_machines(SAMPLES / "serverless-vars.yml") == [
        StateMachineEntry("orderFlow", "order-flow-dev", "serverless", 5),
        StateMachineEntry("refundFlow", None, "serverless", 1),
    ]
    assert list_state_machines(SAMPLES / "cfn-definition-string.json") == [
        StateMachineEntry("MyStateMachine", "hello-prod", "cloudformation", 3),
        StateMachineEntry("JoinedStateMachine", None, "cloudformation", 1),
        StateMachineEntry(
            "BrokenSubStateMachine",
            None,
            "cloudformation",
            None,
            error="$.Resources.BrokenSubStateMachine.Properties.DefinitionString['Fn::Sub']: "
            "'Unknown' is not a parameter or resource of the template",
        ),
    ]
    assert list_state_machines({"StartAt": "A", "States": {"A": {}}}) == [
        StateMachineEntry(None, None, "asl", 1)
    ]
