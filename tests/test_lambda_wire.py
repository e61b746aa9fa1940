"""The Lambda wire format around a handler: the error payload's stack trace, a function that
does not exist, and ``LogType: Tail`` (issue 10, "Fidelity").

Rules: the Lambda Python runtime's error payload (recorded case
TestTaskServiceLambda::test_raise_exception: ``stackTrace`` starts at the handler's frame);
Lambda Invoke API reference ("LogResult — The last 4 KB of the execution log, which is
base64-encoded"); recorded case TestTaskServiceLambda::test_invoke_unsupported_param.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import re
from pathlib import Path
from typing import Any

from conftest import ACCOUNT, FN, INVOKE, REGION, events, machine, run, types

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


def task(resource: str, **fields: Any) -> dict[str, Any]:
    return machine({"T": {"Type": "Task", "Resource": resource, "End": True, **fields}})


def load_handler(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location("user_handler_in_aslrun_dir", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.handler


def test_handler_under_a_directory_named_aslrun_keeps_its_stack_trace(tmp_path: Path) -> None:
    """A user's handler in any ``aslrun/`` directory (e.g. a clone named aslrun) keeps its
    frames: only aslrun's own installed package frames are dropped. The trace is Lambda's:
    one entry per frame, starting in the handler."""
    folder = tmp_path / "aslrun"
    folder.mkdir()
    source = folder / "handler.py"
    source.write_text(
        'def handler(event, context):\n    raise Exception("Some exception was raised.")\n'
    )
    ex = run(task(FN + "f"), {}, {"f": load_handler(source)})
    cause = json.loads(ex.cause)
    assert cause["stackTrace"] == [
        f'  File "{source}", line 2, in handler\n'
        '    raise Exception("Some exception was raised.")\n'
    ]


def test_lambda_invoke_missing_function_names_the_qualified_arn() -> None:
    """lambda:invoke of a function that does not exist: Lambda.ResourceNotFoundException whose
    cause names the qualified ARN (``:$LATEST`` for an unqualified name); TaskStarted precedes
    TaskFailed (recorded case TestTaskServiceLambda::test_no_such_function)."""
    ex = run(task(INVOKE, Parameters={"FunctionName": "nope", "Payload": {}}), {}, {})
    assert ex.error == "Lambda.ResourceNotFoundException"
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:nope:$LATEST"
    assert re.fullmatch(
        re.escape(
            f"Function not found: {arn} (Service: AWSLambda; Status Code: 404; Error Code: "
            "ResourceNotFoundException; Request ID: "
        )
        + UUID
        + re.escape("; Proxy: null)"),
        ex.cause,
    )
    assert types(ex)[-4:] == ["TaskScheduled", "TaskStarted", "TaskFailed", "ExecutionFailed"]


def test_lambda_invoke_missing_function_keeps_the_given_qualifier() -> None:
    """A qualified FunctionName (an alias, or a full ARN with a version) is named as given."""
    ex = run(task(INVOKE, Parameters={"FunctionName": "nope:prod"}), {}, {})
    assert ex.cause.startswith(
        f"Function not found: arn:aws:lambda:{REGION}:{ACCOUNT}:function:nope:prod (Service"
    )
    ex = run(task(INVOKE, Parameters={"FunctionName": FN + "nope:7"}), {}, {})
    assert ex.cause.startswith(f"Function not found: {FN}nope:7 (Service")


def test_legacy_arn_missing_function_names_the_qualified_arn() -> None:
    """The legacy form (Resource = function ARN) fails the same way, LambdaFunctionFailed."""
    ex = run(task(FN + "nope"), {}, {"other": lambda e: e})
    assert ex.error == "Lambda.ResourceNotFoundException"
    assert ex.cause.startswith(f"Function not found: {FN}nope:$LATEST (Service: AWSLambda; ")
    assert types(ex)[-2:] == ["LambdaFunctionFailed", "ExecutionFailed"]


def test_log_type_tail_returns_the_base64_log_tail() -> None:
    """``LogType: Tail``: ``LogResult`` between ExecutedVersion and Payload, the same value in
    both ``X-Amz-Log-Result`` headers, and it decodes to the runtime's START/END/REPORT lines
    for this request (recorded case test_invoke_unsupported_param)."""

    def f(event: Any, ctx: Any) -> Any:
        ctx.sleep(0.25)
        return {}

    ex = run(
        task(INVOKE, Parameters={"FunctionName": "f", "Payload": {}, "LogType": "Tail"}),
        {},
        {"f": f},
    )
    out = ex.output
    assert list(out)[:3] == ["ExecutedVersion", "LogResult", "Payload"]
    log = out["LogResult"]
    assert out["SdkHttpMetadata"]["AllHttpHeaders"]["X-Amz-Log-Result"] == [log]
    assert out["SdkHttpMetadata"]["HttpHeaders"]["X-Amz-Log-Result"] == log
    rid = out["SdkResponseMetadata"]["RequestId"]
    assert base64.b64decode(log).decode("utf-8") == (
        f"START RequestId: {rid} Version: $LATEST\n"
        f"END RequestId: {rid}\n"
        f"REPORT RequestId: {rid}\tDuration: 250.00 ms\tBilled Duration: 250 ms\t"
        "Memory Size: 128 MB\tMax Memory Used: 128 MB\t\n"
    )


def test_without_log_type_there_is_no_log_result() -> None:
    """Without ``LogType: Tail`` the response has no LogResult and no X-Amz-Log-Result."""
    ex = run(task(INVOKE, Parameters={"FunctionName": "f", "Payload": {}}), {}, {"f": lambda e: {}})
    assert "LogResult" not in ex.output
    assert "X-Amz-Log-Result" not in ex.output["SdkHttpMetadata"]["HttpHeaders"]
    assert events(ex, "TaskSucceeded")
