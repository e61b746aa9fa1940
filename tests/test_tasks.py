"""Task states: handler resolution, Lambda semantics (legacy ARN and lambda:invoke), failures,
simulated time spent by handlers, and TimeoutSeconds.

Rules: AWS developer guide ("Task workflow state", "Invoke Lambda with Step Functions",
"Handling errors"); Lambda Python runtime error payloads; recorded cases cited per test.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import aslrun
from conftest import FN, INVOKE, at, events, machine, offsets, run, types


def task(resource: str, **fields: Any) -> dict[str, Any]:
    return machine({"T": {"Type": "Task", "Resource": resource, "End": True, **fields}})


def tag(label: str) -> Any:
    return lambda event, ctx: label


# -- handler resolution ------------------------------------------------------------------------


def test_exact_resource_wins_over_function_name_and_state_name() -> None:
    """Resolution order 1: the exact Resource string."""
    ex = run(
        task(FN + "f"),
        {},
        {"T": tag("state"), "f": tag("name"), FN + "f": tag("exact"), "arn:*": tag("glob")},
    )
    assert ex.output == "exact"


@pytest.mark.parametrize("suffix", ["", ":7", ":prod", ":$LATEST"])
def test_function_name_from_arn_with_version_or_alias(suffix: str) -> None:
    """Resolution order 2: the function name from a function ARN, with or without a qualifier."""
    ex = run(task(FN + "f" + suffix), {}, {"T": tag("state"), "f": tag("name")})
    assert ex.output == "name"


@pytest.mark.parametrize("function_name", ["f", FN + "f", FN + "f:prod", "123456789012:function:f"])
def test_lambda_invoke_function_name_parameter(function_name: str) -> None:
    """Resolution order 2: lambda:invoke's Parameters.FunctionName, a name or an (partial) ARN."""
    ex = run(
        task(
            INVOKE,
            Parameters={"FunctionName": function_name, "Payload": {}},
            ResultSelector={"p.$": "$.Payload"},
        ),
        {},
        {"T": tag("state"), "f": tag("name")},
    )
    assert ex.output == {"p": "name"}


def test_state_name_before_glob() -> None:
    """Resolution order 3: the state's name, before glob patterns."""
    ex = run(
        task("arn:aws:states:::sqs:sendMessage", Parameters={"QueueUrl": "q"}),
        {},
        {"T": tag("state"), "*sqs*": tag("glob")},
    )
    assert ex.output == "state"


def test_glob_over_resource_last() -> None:
    """Resolution order 4: fnmatch patterns over the Resource."""
    ex = run(
        task("arn:aws:states:::sqs:sendMessage", Parameters={"QueueUrl": "q"}),
        {},
        {"arn:aws:states:::sns:*": tag("sns"), "arn:aws:states:::sqs:*": tag("sqs")},
    )
    assert ex.output == "sqs"


def test_one_argument_handler_gets_only_the_event() -> None:
    """A one-parameter callable is called with the event alone."""
    ex = run(task(FN + "f"), {"a": 1}, {"f": lambda event: {"got": event}})
    assert ex.output == {"got": {"a": 1}}


def test_handler_receives_parameters_as_event_and_a_copy() -> None:
    """The event is the effective input after Parameters; mutating it does not leak."""

    def f(event: Any, ctx: Any) -> Any:
        event["b"] = 2
        return event

    ex = run(task(FN + "f", Parameters={"a.$": "$.x"}, ResultPath="$.r"), {"x": 1}, {"f": f})
    assert ex.output == {"x": 1, "r": {"a": 1, "b": 2}}


def test_handler_context_fields() -> None:
    """context: function_name, state_name, execution_arn, aws_request_id, now()."""
    seen: dict[str, Any] = {}

    def f(event: Any, ctx: Any) -> Any:
        seen.update(
            fn=ctx.function_name,
            state=ctx.state_name,
            arn=ctx.execution_arn,
            rid=ctx.aws_request_id,
            now=ctx.now(),
        )
        return None

    ex = run(
        machine(
            {
                "W": {"Type": "Wait", "Seconds": 5, "Next": "Call"},
                "Call": {"Type": "Task", "Resource": FN + "f:prod", "End": True},
            }
        ),
        {},
        {"f": f},
        name="e1",
    )
    assert ex.status == "SUCCEEDED"
    assert seen["fn"] == "f"
    assert seen["state"] == "Call"
    assert seen["arn"] == "arn:aws:states:us-east-1:123456789012:execution:StateMachine:e1"
    assert isinstance(seen["rid"], str) and len(seen["rid"]) == 36
    assert seen["now"] == at(5)


# -- legacy Lambda ARN ---------------------------------------------------------------------------


def test_legacy_lambda_events_and_raw_result() -> None:
    """A function ARN Resource: LambdaFunctionScheduled/Started/Succeeded; the result is the
    handler's value as is (recorded history of test_base_cases[BASE_LAMBDA_EMPTY])."""
    ex = run(task(FN + "f"), {"in": 1}, {"f": lambda e, c: {"out": [1, 2]}})
    assert ex.output == {"out": [1, 2]}
    assert types(ex) == [
        "ExecutionStarted",
        "TaskStateEntered",
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
        "LambdaFunctionSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    scheduled = events(ex, "LambdaFunctionScheduled")[0]["lambdaFunctionScheduledEventDetails"]
    assert scheduled["resource"] == FN + "f"
    assert json.loads(scheduled["input"]) == {"in": 1}


# -- lambda:invoke -------------------------------------------------------------------------------


def test_lambda_invoke_wraps_the_payload() -> None:
    """lambda:invoke result: {ExecutedVersion, Payload, SdkHttpMetadata, SdkResponseMetadata,
    StatusCode} (recorded case TestBaseScenarios::test_lambda_service_invoke)."""
    ex = run(
        task(INVOKE, Parameters={"FunctionName.$": "$.FunctionName", "Payload.$": "$.Payload"}),
        {"FunctionName": "f", "Payload": {"body": "string body"}},
        {"f": lambda e, c: e},
    )
    out = ex.output
    assert list(out) == [
        "ExecutedVersion",
        "Payload",
        "SdkHttpMetadata",
        "SdkResponseMetadata",
        "StatusCode",
    ]
    assert out["ExecutedVersion"] == "$LATEST"
    assert out["Payload"] == {"body": "string body"}
    assert out["StatusCode"] == 200
    assert out["SdkHttpMetadata"]["HttpStatusCode"] == 200
    assert set(out["SdkHttpMetadata"]) == {"AllHttpHeaders", "HttpHeaders", "HttpStatusCode"}
    assert set(out["SdkResponseMetadata"]) == {"RequestId"}


def test_lambda_invoke_content_length_is_the_runtime_response_size() -> None:
    """Content-Length is the size of the response the Python runtime wrote: json.dumps with its
    default separators, '{"body": "string body"}' = 23 bytes (recorded case
    TestBaseScenarios::test_lambda_service_invoke: "Content-Length": "23")."""
    ex = run(
        task(INVOKE, Parameters={"FunctionName": "f", "Payload": {"body": "string body"}}),
        {},
        {"f": lambda e, c: e},
    )
    headers = ex.output["SdkHttpMetadata"]
    assert headers["HttpHeaders"]["Content-Length"] == "23"
    assert headers["AllHttpHeaders"]["Content-Length"] == ["23"]


def test_lambda_invoke_events() -> None:
    """lambda:invoke records TaskScheduled/TaskStarted/TaskSucceeded with resourceType 'lambda'
    and resource 'invoke'."""
    ex = run(
        task(INVOKE, Parameters={"FunctionName": "f", "Payload": {"a": 1}}),
        {},
        {"f": lambda e, c: 1},
    )
    assert types(ex) == [
        "ExecutionStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    sched = events(ex, "TaskScheduled")[0]["taskScheduledEventDetails"]
    assert (sched["resourceType"], sched["resource"], sched["region"]) == (
        "lambda",
        "invoke",
        "us-east-1",
    )
    assert json.loads(sched["parameters"]) == {"FunctionName": "f", "Payload": {"a": 1}}


# -- failures --------------------------------------------------------------------------------------


class CustomError(Exception):
    pass


def test_legacy_exception_error_and_cause() -> None:
    """An exception: error = class name, cause = JSON {errorMessage, errorType, requestId,
    stackTrace} (recorded case TestTaskLambda::test_raise_exception)."""

    def f(event: Any, ctx: Any) -> Any:
        raise CustomError("Some exception was raised.")

    ex = run(task(FN + "f"), {}, {"f": f})
    assert ex.status == "FAILED"
    assert ex.error == "CustomError"
    cause = json.loads(ex.cause)
    assert list(cause) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert cause["errorMessage"] == "Some exception was raised."
    assert cause["errorType"] == "CustomError"
    assert isinstance(cause["stackTrace"], list) and cause["stackTrace"]
    assert types(ex)[-3:] == ["LambdaFunctionStarted", "LambdaFunctionFailed", "ExecutionFailed"]


def test_lambda_invoke_exception_cause_is_compact_json() -> None:
    """lambda:invoke re-serialises the error payload compactly (recorded case
    TestTaskServiceLambda::test_raise_exception_catch_output_path[None]: '{"errorMessage":...')."""

    def f(event: Any, ctx: Any) -> Any:
        raise Exception("Some exception was raised.")

    ex = run(task(INVOKE, Parameters={"FunctionName": "f", "Payload": {}}), {}, {"f": f})
    assert ex.error == "Exception"
    assert ex.cause.startswith(
        '{"errorMessage":"Some exception was raised.","errorType":"Exception"'
    )
    assert types(ex)[-2:] == ["TaskFailed", "ExecutionFailed"]


def test_task_failed_raised_by_handler_sets_error_and_cause() -> None:
    """aslrun.TaskFailed(error, cause) fails the task with exactly that error and cause."""

    def f(event: Any, ctx: Any) -> Any:
        raise aslrun.TaskFailed("Billing.Declined", "card expired")

    ex = run(task(FN + "f"), {}, {"f": f})
    assert (ex.error, ex.cause) == ("Billing.Declined", "card expired")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"a": 1}', {"a": 1}),
        (bytearray(b"[1,2]"), [1, 2]),
        ('{"a": 1}', '{"a": 1}'),
    ],
)
def test_bytes_results_are_decoded_as_json(raw: Any, expected: Any) -> None:
    """Bytes are the function's raw response: UTF-8 JSON as the Lambda runtime reads it; a str
    stays a string."""
    assert run(task(FN + "f"), {}, {"f": lambda e, c: raw}).output == expected


def test_result_over_256_kib_legacy() -> None:
    """A result over 256 KiB → States.DataLimitExceeded naming the resource (recorded case
    test_task_lambda_data_limit_exceeded_on_large_utf8_response)."""
    ex = run(task(FN + "f"), {}, {"f": lambda e, c: "a" * 262_144})
    assert ex.status == "FAILED"
    assert ex.error == "States.DataLimitExceeded"
    assert ex.cause == (
        f"The state/task '{FN}f' returned a result with a size exceeding the "
        "maximum number of bytes service limit."
    )


def test_result_over_256_kib_lambda_invoke() -> None:
    """Same through lambda:invoke: the cause names 'lambda' (recorded case
    test_service_task_lambada_catch_state_all_data_limit_exceeded_on_large_utf8_response)."""
    ex = run(task(INVOKE, Parameters={"FunctionName": "f"}), {}, {"f": lambda e, c: "é" * 140_000})
    assert ex.error == "States.DataLimitExceeded"
    assert ex.cause == (
        "The state/task 'lambda' returned a result with a size exceeding the "
        "maximum number of bytes service limit."
    )


def test_result_just_under_limit_is_fine() -> None:
    """A 200 KiB result is within the 256 KiB limit."""
    ex = run(task(FN + "f"), {}, {"f": lambda e, c: "a" * 200_000})
    assert ex.status == "SUCCEEDED"


def test_unknown_lambda_function() -> None:
    """A function nobody registered fails as Lambda does: Lambda.ResourceNotFoundException,
    'Function not found: <arn> ...'."""
    ex = run(task(FN + "nope"), {}, {"other": tag("x")})
    assert ex.status == "FAILED"
    assert ex.error == "Lambda.ResourceNotFoundException"
    assert ex.cause.startswith(f"Function not found: {FN}nope")


def test_unknown_lambda_invoke_function() -> None:
    """Same for lambda:invoke with a FunctionName nobody registered."""
    ex = run(task(INVOKE, Parameters={"FunctionName": "nope"}), {}, {})
    assert ex.error == "Lambda.ResourceNotFoundException"
    assert ex.cause.startswith(f"Function not found: {FN}nope")


def test_unresolved_other_resource_names_state_resource_and_keys() -> None:
    """Any other unresolved Resource fails with a message naming state, resource and keys."""
    resource = "arn:aws:states:::sqs:sendMessage"
    ex = run(task(resource, Parameters={"QueueUrl": "q"}), {}, {"alpha": tag("a")})
    assert ex.status == "FAILED"
    assert "'T'" in ex.cause
    assert resource in ex.cause
    assert "alpha" in ex.cause


# -- simulated time and timeouts ---------------------------------------------------------------


def test_context_sleep_spends_simulated_time() -> None:
    """context.sleep(60): the task completes 60 s later on the clock."""

    def f(event: Any, ctx: Any) -> Any:
        ctx.sleep(60)
        return ctx.now().isoformat()

    ex = run(task(FN + "f"), {}, {"f": f})
    assert ex.output == "2026-01-01T00:01:00+00:00"
    assert offsets(ex, "LambdaFunctionStarted") == [0]
    assert offsets(ex, "LambdaFunctionSucceeded") == [60]
    assert ex.stop_date == at(60)


def test_remaining_time_follows_timeout_seconds() -> None:
    """get_remaining_time_in_millis() counts down from TimeoutSeconds in simulated time."""
    seen = []

    def f(event: Any, ctx: Any) -> Any:
        seen.append(ctx.get_remaining_time_in_millis())
        ctx.sleep(4)
        seen.append(ctx.get_remaining_time_in_millis())

    run(task(FN + "f", TimeoutSeconds=10), {}, {"f": f})
    assert seen == [10_000, 6_000]


def test_timeout_seconds_fails_with_states_timeout_at_the_instant() -> None:
    """TimeoutSeconds shorter than the work: States.Timeout at start + TimeoutSeconds, with a
    TaskTimedOut event (recorded history of test_fixed_timeout_service_lambda_with_path)."""

    def f(event: Any, ctx: Any) -> Any:
        ctx.sleep(60)

    ex = run(task(INVOKE, Parameters={"FunctionName": "f"}, TimeoutSeconds=5), {}, {"f": f})
    assert ex.status == "FAILED"
    assert ex.error == "States.Timeout"
    assert types(ex) == [
        "ExecutionStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskTimedOut",
        "ExecutionFailed",
    ]
    assert offsets(ex, "TaskTimedOut") == [5]
    assert ex.stop_date == at(5)


def test_timeout_seconds_path() -> None:
    """TimeoutSecondsPath reads the timeout from the input (recorded case
    test_fixed_timeout_service_lambda_with_path: 5 s against a 60 s function)."""

    def f(event: Any, ctx: Any) -> Any:
        ctx.sleep(60)

    ex = run(
        task(
            INVOKE,
            Parameters={"FunctionName.$": "$.FunctionName", "Payload.$": "$.Payload"},
            TimeoutSecondsPath="$.TimeoutSecondsValue",
        ),
        {"TimeoutSecondsValue": 5, "FunctionName": "f", "Payload": None},
        {"f": f},
    )
    assert ex.error == "States.Timeout"
    assert offsets(ex, "TaskTimedOut") == [5]


def test_legacy_lambda_timeout_records_lambda_function_timed_out() -> None:
    """A legacy Lambda ARN times out with LambdaFunctionTimedOut."""
    ex = run(task(FN + "f", TimeoutSeconds=3), {}, {"f": lambda e, c: c.sleep(10)})
    assert ex.error == "States.Timeout"
    assert offsets(ex, "LambdaFunctionTimedOut") == [3]


def test_work_within_timeout_succeeds() -> None:
    """Work that ends before TimeoutSeconds succeeds at its own end time."""
    ex = run(task(FN + "f", TimeoutSeconds=30), {}, {"f": lambda e, c: c.sleep(29)})
    assert ex.status == "SUCCEEDED"
    assert ex.stop_date == at(29)


def test_scheduled_event_records_timeout() -> None:
    """TaskScheduled carries timeoutInSeconds when TimeoutSeconds is set."""
    ex = run(task(INVOKE, Parameters={"FunctionName": "f"}, TimeoutSeconds=30), {}, {"f": tag("x")})
    assert events(ex, "TaskScheduled")[0]["taskScheduledEventDetails"]["timeoutInSeconds"] == 30


def test_context_has_the_lambda_context_attributes() -> None:
    """The Python Lambda context object's attributes (AWS Lambda developer guide, "Using the
    Lambda context object to retrieve Python function information"): function_version
    ``$LATEST`` for an unqualified call, log_group_name ``/aws/lambda/<function name>``."""
    seen: dict[str, Any] = {}

    def f(event: Any, ctx: Any) -> Any:
        for name in (
            "function_name",
            "function_version",
            "invoked_function_arn",
            "memory_limit_in_mb",
            "log_group_name",
            "task_token",
        ):
            seen[name] = getattr(ctx, name)
        return None

    run(task(FN + "f"), {}, {"f": f})
    assert seen == {
        "function_name": "f",
        "function_version": "$LATEST",
        "invoked_function_arn": FN + "f",
        "memory_limit_in_mb": 128,
        "log_group_name": "/aws/lambda/f",
        "task_token": None,
    }


def test_timeout_seconds_path_is_read_on_every_run_of_the_same_machine() -> None:
    """TimeoutSecondsPath is read from each execution's input: LambdaFunctionScheduled's
    ``timeoutInSeconds`` is that execution's (history event shape: GetExecutionHistory's
    lambdaFunctionScheduledEventDetails {resource, input, inputDetails, timeoutInSeconds})."""
    sm = aslrun.load(task(FN + "f", TimeoutSecondsPath="$.t"))
    seen = []
    for t in (10, 20, 10):
        ex = sm.run({"t": t}, handlers={"f": tag("ok")}, clock=aslrun.VirtualClock(start=0))
        (scheduled,) = events(ex, "LambdaFunctionScheduled")
        seen.append(scheduled["lambdaFunctionScheduledEventDetails"])
    assert seen == [
        {
            "resource": FN + "f",
            "input": json.dumps({"t": t}, separators=(",", ":")),
            "inputDetails": {"truncated": False},
            "timeoutInSeconds": t,
        }
        for t in (10, 20, 10)
    ]
