"""Issue 9 on the loading side: no input crashes, hangs or reads what it should not.

Each class of the issue that concerns loading has a test here: YAML that is not JSON (4),
depth (1), numbers JSON cannot hold (2), text and paths (3), AWS's definition size (8), files
(9) and confinement.  Every refusal is a LoadError whose text says where (file:line:column for
text, a JSON path for a dict) and what.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from aslrun import load
from aslrun.cli.app import run as cli
from aslrun.definition.limits import MAX_DEFINITION_BYTES, MAX_DEPTH
from aslrun.definition.loader import load_definition
from aslrun.definition.validate import validate
from aslrun.errors import LoadError


def refused(source: Any, **options: Any) -> str:
    with pytest.raises(LoadError) as info:
        load_definition(source, **options)
    return str(info.value)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


PASS_YAML = "StartAt: P\nStates:\n  P:\n    Type: Pass\n    End: true\n"


# -- class 4: YAML that is not JSON --------------------------------------------------------------


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("Comment: !!binary aGVsbG8=\n", "m.yaml:1:10: YAML !!binary has no JSON form"),
        ("Comment: !!set {a, b}\n", "m.yaml:1:10: YAML !!set has no JSON form"),
        ("Comment: !!omap [a: 1]\n", "m.yaml:1:10: YAML !!omap has no JSON form"),
        ("Comment: !!timestamp 2024-01-01\n", "m.yaml:1:10: YAML !!timestamp has no JSON form"),
        (
            "Parameters: {1: a}\n",
            "m.yaml:1:14: YAML key '1' is not text (int); JSON keys are strings: quote it ('1')",
        ),
        (
            "Parameters:\n  true: a\n",
            "m.yaml:2:3: YAML key 'true' is not text (bool); JSON keys are strings: "
            "quote it ('true')",
        ),
        (
            "Comment: .nan\n",
            "m.yaml:1:10: YAML .nan is not a JSON number (JSON has no NaN or Infinity)",
        ),
        (
            "Comment: -.inf\n",
            "m.yaml:1:10: YAML -.inf is not a JSON number (JSON has no NaN or Infinity)",
        ),
        (
            "Comment: 1e999\n",
            "m.yaml:1:10: YAML 1e999 is not a JSON number (JSON has no NaN or Infinity)",
        ),
        (
            "Comment: " + "7" * 4301 + "\n",
            "m.yaml:1:10: YAML integer of 4,301 digits; aslrun reads integers of at most 4,300",
        ),
    ],
)
def test_yaml_that_json_cannot_hold_is_refused_where_it_is(
    tmp_path: Path, yaml_text: str, expected: str
) -> None:
    path = write(tmp_path, "m.yaml", PASS_YAML + yaml_text)
    line_shift = PASS_YAML.count("\n")
    where, _, message = expected.partition(": ")
    name, line, column = where.split(":")
    located = f"{tmp_path / name}:{int(line) + line_shift}:{column}: {message}"
    assert refused(path) == located


def test_a_billion_laughs_fails_fast_even_under_an_unused_key(tmp_path: Path) -> None:
    lines = ["lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 9):  # 9^9 values once expanded
        lines.append(f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    path = write(tmp_path, "bomb.yaml", PASS_YAML + "x-unused:\n  " + "\n  ".join(lines) + "\n")
    assert refused(path) == (
        f"{path}:13:9: YAML aliases expand to more than 1,000,000 values "
        "(aslrun's limit; the document repeats an anchor too often)"
    )


def test_an_alias_inside_its_own_anchor_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "loop.yaml", PASS_YAML + "Comment: &me [1, *me]\n")
    assert refused(path) == (
        f"{path}:6:18: YAML alias *me is inside its own anchor; "
        "a structure that contains itself has no JSON form"
    )


def test_ordinary_aliases_and_merge_keys_still_load(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ok.yaml",
        "StartAt: P\nStates:\n  P: &pass\n    Type: Pass\n    Next: Q\n"
        "  Q:\n    <<: *pass\n    Next: null\n    End: true\n",
    )
    states = load_definition(path).definition["States"]
    assert states["Q"] == {"Type": "Pass", "Next": None, "End": True}


# -- class 1: depth ------------------------------------------------------------------------------


def nested(depth: int) -> dict[str, Any]:
    """A Pass definition whose Result nests ``depth`` objects."""
    result: Any = 1
    for _ in range(depth):
        result = {"a": result}
    return {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": result, "End": True}}}


def test_the_deepest_definition_allowed_loads_validates_and_runs() -> None:
    definition = nested(MAX_DEPTH - 3)  # + the top object, States and P = 256 levels
    assert validate(definition) == []
    assert load(definition).run().status == "SUCCEEDED"


def test_a_deeper_dict_gets_a_located_error() -> None:
    assert refused(nested(490)) == (
        "<input>: $.States.P.Result.a.a.a.a.a: nests more than 256 levels deep below here "
        "(aslrun's limit)"
    )
    with pytest.raises(LoadError):
        validate(nested(490))


def test_a_dict_that_contains_itself_is_refused() -> None:
    looped: dict[str, Any] = {"StartAt": "P", "States": {}}
    looped["States"]["P"] = {"Type": "Pass", "Result": looped, "End": True}
    assert "nests more than 256 levels deep below here" in refused(looped)


def test_deep_json_text_and_yaml_get_line_and_column(tmp_path: Path) -> None:
    text = json.dumps(nested(490))
    column = text.index("{", text.index('"Result"')) + 253 * len('{"a": ') + 1  # 257th brace
    assert refused(text) == f"<input>:1:{column}: nested more than 256 levels deep (aslrun's limit)"
    path = write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000)
    assert refused(path) == f"{path}:1:257: nested more than 256 levels deep (aslrun's limit)"
    deep_yaml = PASS_YAML + "Comment: " + "[" * 490 + "]" * 490 + "\n"
    path = write(tmp_path, "deep.yaml", deep_yaml)
    assert refused(path) == f"{path}:6:265: YAML nested more than 256 levels deep"


# -- class 2: numbers JSON cannot hold -----------------------------------------------------------


def definition_text(result: str) -> str:
    return (
        '{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": ' + result + ', "End": true}}}'
    )


@pytest.mark.parametrize(
    ("literal", "message"),
    [
        ("NaN", "invalid JSON: NaN is not a JSON number"),
        ("Infinity", "invalid JSON: Infinity is not a JSON number"),
        ("[1, -Infinity]", "invalid JSON: -Infinity is not a JSON number"),
        ("1e999", "the number 1e999 is beyond the range of a double"),
        ("9" * 4301, "an integer of 4,301 digits; aslrun reads integers of at most 4,300 digits"),
    ],
)
def test_numbers_json_cannot_hold_are_refused_in_json_text(
    tmp_path: Path, literal: str, message: str
) -> None:
    # AWS's JSON parser refuses NaN/Infinity: INVALID_JSON_DESCRIPTION at CreateStateMachine.
    path = write(tmp_path, "m.json", definition_text(literal))
    column = definition_text(literal).index(literal) + 1 + (4 if literal.startswith("[") else 0)
    assert refused(path) == f"{path}:1:{column}: {message}"


def test_an_integer_of_4300_digits_loads(tmp_path: Path) -> None:
    path = write(tmp_path, "m.json", definition_text("9" * 4300))
    assert load_definition(path).definition["States"]["P"]["Result"] == int("9" * 4300)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (float("nan"), "$.States.P.Result: nan is not a JSON number"),
        (float("inf"), "$.States.P.Result: inf is not a JSON number"),
        (10**4300, "$.States.P.Result: an integer of more than 4,300 digits"),
        ({1: "a"}, "$.States.P.Result: the key 1 is a int; JSON keys are text"),
        (b"x", "$.States.P.Result: a bytes is not a JSON value"),
    ],
    ids=["nan", "inf", "huge-int", "int-key", "bytes"],
)
def test_a_dict_holding_what_json_cannot_is_refused(value: Any, message: str) -> None:
    definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": value, "End": True}}}
    assert refused(definition) == f"<input>: {message}"


def test_validate_cli_reports_nan_as_invalid_json(tmp_path: Path) -> None:
    import io

    path = write(tmp_path, "m.json", definition_text("NaN"))
    out, err = io.StringIO(), io.StringIO()
    assert cli(["validate", "--output", "json", str(path)], out, err) == 2
    assert json.loads(out.getvalue())["diagnostics"] == [
        {
            "severity": "ERROR",
            "code": "INVALID_JSON_DESCRIPTION",
            "message": f"{path}:1:61: invalid JSON: NaN is not a JSON number",
            "location": "/",
        }
    ]


# -- class 8: AWS's definition size --------------------------------------------------------------


def sized(size: int) -> dict[str, Any]:
    """A definition whose compact JSON text is exactly ``size`` characters."""
    empty = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "", "End": True}}}
    padding = size - len(json.dumps(empty, separators=(",", ":")))
    return {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "x" * padding, "End": True}}}


def test_a_definition_of_1048576_characters_loads_and_one_more_is_refused() -> None:
    assert load_definition(sized(MAX_DEFINITION_BYTES)).definition["StartAt"] == "P"
    # CreateStateMachine API reference: definition "Maximum length of 1048576".
    assert refused(sized(MAX_DEFINITION_BYTES + 1)) == (
        "<input>: the definition is 1,048,577 characters of compact JSON; AWS refuses it: "
        "1 validation error detected: Value at 'definition' failed to satisfy constraint: "
        "Member must have length less than or equal to 1048576"
    )


# -- classes 3 and 9: files ----------------------------------------------------------------------


def sam_template(folder: Path, uri: str) -> Path:
    return write(
        folder,
        "template.yaml",
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n"
        f"    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: {uri}\n",
    )


def serverless_with_file(folder: Path, reference: str) -> Path:
    return write(
        folder,
        "serverless.yml",
        "service: s\nprovider:\n  name: aws\nstepFunctions:\n  stateMachines:\n"
        f"    m:\n      definition: ${{file({reference})}}\n",
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_named_and_never_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.json")
    fifo = tmp_path / "pipe.json"
    assert refused(fifo) == f"{fifo}: is a FIFO (named pipe), not a regular file"
    assert refused(sam_template(tmp_path, "pipe.json")) == (
        f"{fifo}: is a FIFO (named pipe), not a regular file"
    )
    assert refused(serverless_with_file(tmp_path, "pipe.json")) == (
        f"{tmp_path / 'serverless.yml'}: $.stepFunctions.stateMachines.m.definition: "
        f"{fifo}: is a FIFO (named pipe), not a regular file"
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_is_a_device_not_an_endless_file(tmp_path: Path) -> None:
    assert refused("/dev/zero") == "/dev/zero: is a character device, not a regular file"
    (tmp_path / "zero.json").symlink_to("/dev/zero")
    assert refused(sam_template(tmp_path, "zero.json"), allow_outside=True) == (
        f"{tmp_path / 'zero.json'}: is a character device, not a regular file"
    )


def test_directory_and_dangling_symlink_are_named(tmp_path: Path) -> None:
    (tmp_path / "machines.json").mkdir()
    assert refused(str(tmp_path / "machines.json")) == (
        f"{tmp_path / 'machines.json'}: is a directory, not a regular file"
    )
    (tmp_path / "link.json").symlink_to(tmp_path / "gone.json")
    assert refused(str(tmp_path / "link.json")) == (
        f"{tmp_path / 'link.json'}: dangling symbolic link: it points to "
        f"{str(tmp_path / 'gone.json')!r}, which does not exist"
    )


def test_not_utf8_targets_and_nul_bytes(tmp_path: Path) -> None:
    (tmp_path / "latin1.json").write_bytes('{"Comment": "café"}'.encode("latin-1"))
    assert refused(sam_template(tmp_path, "latin1.json")) == (
        f"{tmp_path / 'latin1.json'}:1:17: not UTF-8 text (byte 0xe9 at offset 16)"
    )
    assert refused(serverless_with_file(tmp_path, "latin1.json")).endswith(
        f"$.stepFunctions.stateMachines.m.definition: {tmp_path / 'latin1.json'}:1:17: "
        "not UTF-8 text (byte 0xe9 at offset 16)"
    )
    assert (
        refused("machine\x00.json") == "<input>: the path 'machine\\x00.json' contains a NUL byte"
    )
    template = sam_template(tmp_path, '"a\\0b.json"')
    assert refused(template) == (
        f"{template}: $.Resources.M.Properties.DefinitionUri: "
        "the path 'a\\x00b.json' contains a NUL byte"
    )


def test_a_file_over_10_mib_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as out:
        out.truncate(10 * 1024 * 1024 + 1)
    assert refused(path) == (
        f"{path}: the file is 10,485,761 bytes; aslrun reads files of at most 10,485,760 bytes"
    )


# -- confinement ---------------------------------------------------------------------------------


def test_text_and_dicts_never_read_this_machine(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("ASLRUN_SECRET", "s3cret")
    text = (
        "service: s\nprovider:\n  name: aws\nstepFunctions:\n  stateMachines:\n    m:\n"
        "      definition:\n        StartAt: A\n        States:\n          A:\n"
        "            Type: Pass\n            Result: ${env:ASLRUN_SECRET}\n            End: true\n"
    )
    assert refused(text) == (
        "<input>: $.stepFunctions.stateMachines.m.definition.States.A.Result: cannot resolve "
        "${env:ASLRUN_SECRET}; a serverless.yml given as text or a dict does not read "
        "environment variables: pass variables={'env:ASLRUN_SECRET': ...}"
    )
    path = write(tmp_path, "serverless.yml", text)  # the same file by its path reads it
    assert load_definition(path).definition["States"]["A"]["Result"] == "s3cret"
    file_text = text.replace("${env:ASLRUN_SECRET}", "${file(./secret.yml):key}")
    assert refused(file_text) == (
        "<input>: $.stepFunctions.stateMachines.m.definition.States.A.Result: "
        "${file(./secret.yml):key}: a serverless.yml given as text or a dict cannot read "
        "files; load it by its path"
    )
    template = {
        "Resources": {
            "M": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {"DefinitionUri": "/etc/hostname"},
            }
        }
    }
    assert refused(template) == (
        "<input>: $.Resources.M.Properties.DefinitionUri: a template given as text or a dict "
        "cannot read files; load the template by its path"
    )


def test_file_references_stay_inside_the_template_folder(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    write(tmp_path, "shared.asl.json", '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}')
    template = sam_template(project, "../shared.asl.json")
    message = (
        f"{template}: $.Resources.M.Properties.DefinitionUri: '../shared.asl.json' is outside "
        f"the template's folder {str(project)!r}; aslrun reads only that folder and below "
        "unless allowed (allow_outside=True, or --allow-outside on the command line)"
    )
    assert refused(template) == message
    loaded = load_definition(template, allow_outside=True)
    assert loaded.definition["States"] == {"A": {"Type": "Succeed"}}
    assert load(template, allow_outside=True).run().status == "SUCCEEDED"
    absolute = sam_template(project, str(tmp_path / "shared.asl.json"))
    assert "is outside the template's folder" in refused(absolute)
    (project / "inside.asl.json").symlink_to(tmp_path / "shared.asl.json")
    assert "'inside.asl.json' is outside" in refused(sam_template(project, "inside.asl.json"))
    assert "'/etc/hostname' is outside" in refused(sam_template(project, "/etc/hostname"))
    serverless = serverless_with_file(project, "../shared.asl.json")
    assert refused(serverless).endswith(
        "$.stepFunctions.stateMachines.m.definition: ${file(../shared.asl.json)} "
        f"is outside the template's folder {str(project)!r}; aslrun reads "
        "only that folder and below unless allowed (allow_outside=True, or --allow-outside on "
        "the command line)"
    )


def test_cli_allow_outside(tmp_path: Path) -> None:
    import io

    project = tmp_path / "project"
    project.mkdir()
    write(tmp_path, "shared.asl.json", '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}')
    template = str(sam_template(project, "../shared.asl.json"))
    for command in (["validate"], ["list"], ["run"]):
        out, err = io.StringIO(), io.StringIO()
        # list shows a machine it cannot load as '?' (exit 0) and says why on stderr
        assert cli([*command, template], out, err) == (0 if command == ["list"] else 2)
        assert "--allow-outside" in err.getvalue()
        out, err = io.StringIO(), io.StringIO()
        assert cli([*command, template, "--allow-outside"], out, err) == 0, err.getvalue()


def test_a_non_text_key_outside_the_definition_is_text_as_cloudformation_reads_it(
    tmp_path: Path,
) -> None:
    # serverless.yml http events often hold `statusCodes: {200: ...}`; CloudFormation and
    # js-yaml read such keys as text, and AWS deploys the file: only a definition refuses them.
    path = write(
        tmp_path,
        "serverless.yml",
        "service: s\nprovider:\n  name: aws\nfunctions:\n  f:\n    handler: h.f\n"
        "    events:\n      - http:\n          response:\n            statusCodes:\n"
        "              200:\n                pattern: ''\n"
        "stepFunctions:\n  stateMachines:\n    m:\n      definition:\n"
        + "\n".join("        " + line for line in PASS_YAML.splitlines())
        + "\n",
    )
    assert load_definition(path).definition["States"] == {"P": {"Type": "Pass", "End": True}}
    inside = path.read_text().replace(
        "        End: true", "        End: true\n        Result: {404: x}"
    )
    path.write_text(inside)
    assert refused(path) == (
        f"{path}:22:18: YAML key '404' is not text (int); JSON keys are strings: quote it ('404')"
    )
