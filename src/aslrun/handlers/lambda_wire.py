"""The Lambda service's side of a Task's call, as Step Functions sees it: the error and
cause a function's exception becomes (with the stack trace of the handler's own frames), a
missing function's 404, the ``lambda:invoke`` response and its ``LogType: Tail`` log."""

from __future__ import annotations

import base64
import functools
import json
import math
import os
import traceback
from types import TracebackType
from typing import Final

from aslrun._json import JSON
from aslrun.handlers.registry import LAMBDA_ARN, PARTIAL_LAMBDA_ARN

__all__ = [
    "lambda_error",
    "lambda_invoke_response",
    "lambda_log_tail",
    "lambda_not_found",
    "qualified_function_arn",
]

# The directory of the installed aslrun package, resolved once: a traceback frame is aslrun's
# own exactly when its file lies under it (never judged by a directory *name*, which a user's
# project may share: a clone called ``aslrun`` or handlers under ``.../aslrun/``).
_PACKAGE_DIR: Final = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))


@functools.lru_cache(maxsize=256)
def _is_own_file(filename: str) -> bool:
    try:
        return os.path.commonpath([os.path.realpath(filename), _PACKAGE_DIR]) == _PACKAGE_DIR
    except (OSError, ValueError):  # a NUL byte, another drive: not aslrun's
        return False


def _handler_frames(tb: TracebackType | None) -> list[str]:
    """The formatted frames from the handler down: aslrun's own leading frames are dropped,
    so the trace starts in the handler, as Lambda's does."""
    while tb is not None and _is_own_file(tb.tb_frame.f_code.co_filename):
        tb = tb.tb_next
    return traceback.format_tb(tb)


def lambda_error(exc: BaseException, request_id: str, *, compact: bool = False) -> tuple[str, str]:
    """Error and cause as AWS reports a failed Python Lambda function.

    A legacy function ARN reports the runtime's text (``json.dumps`` with spaces); the
    ``lambda:invoke`` integration re-serialises it compactly.
    """
    error_type = type(exc).__name__
    cause = json.dumps(
        {
            "errorMessage": str(exc),
            "errorType": error_type,
            "requestId": request_id,
            "stackTrace": _handler_frames(exc.__traceback__),
        },
        separators=(",", ":") if compact else None,
    )
    return error_type, cause


def qualified_function_arn(function_name: str, region: str, account: str) -> str:
    """The ARN Lambda resolves a FunctionName to, with its qualifier: a name, a partial ARN
    (``123456789012:function:f``), ``name:alias`` or a full ARN; unqualified means
    ``$LATEST``."""
    m = LAMBDA_ARN.match(function_name)
    if m:
        region, account = m.group("region"), m.group("account")
        name, qualifier = m.group("name"), m.group("qualifier")
    else:
        m = PARTIAL_LAMBDA_ARN.match(function_name)
        if m:
            account = m.group("account") or account
            name, _, qualifier = function_name.rpartition("function:")[2].partition(":")
        else:
            name, _, qualifier = function_name.partition(":")
    return f"arn:aws:lambda:{region}:{account}:function:{name}:{qualifier or '$LATEST'}"


def lambda_not_found(function_arn: str, request_id: str) -> tuple[str, str]:
    """Error and cause of invoking a function that does not exist; ``function_arn`` is the
    qualified ARN (:func:`qualified_function_arn`), which Lambda's message names."""
    return (
        "Lambda.ResourceNotFoundException",
        f"Function not found: {function_arn} (Service: AWSLambda; Status Code: 404; "
        f"Error Code: ResourceNotFoundException; Request ID: {request_id}; Proxy: null)",
    )


_LOG_TAIL_BYTES: Final = 4096  # Lambda's LogResult: "the last 4 KB of the execution log"


def lambda_log_tail(
    request_id: str, duration_ms: float, *, output: str = "", memory_mb: int = 128
) -> str:
    """``LogResult`` of an invocation with ``LogType: Tail``: the base64 of the last 4 KB of
    the function's log, in the Lambda runtime's layout (START, the function's output, END,
    REPORT with tab-separated fields). Times are simulated; memory use is not measured, so
    the report gives the configured size."""
    billed = max(1, math.ceil(duration_ms))
    text = (
        f"START RequestId: {request_id} Version: $LATEST\n"
        f"{output}"
        f"END RequestId: {request_id}\n"
        f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\t"
        f"Billed Duration: {billed} ms\tMemory Size: {memory_mb} MB\t"
        f"Max Memory Used: {memory_mb} MB\t\n"
    )
    data = text.encode("utf-8", errors="replace")[-_LOG_TAIL_BYTES:]
    return base64.b64encode(data).decode("ascii")


def lambda_invoke_response(
    payload: JSON, request_id: str, size: int, log_result: str | None = None
) -> dict[str, JSON]:
    """The response of ``arn:aws:states:::lambda:invoke`` around a function's payload.

    ``log_result`` (``LogType: Tail``) adds ``LogResult`` and the ``X-Amz-Log-Result``
    header, where and as AWS records them (conformance case
    ``TestTaskServiceLambda::test_invoke_unsupported_param``).
    """
    all_headers: dict[str, JSON] = {}
    headers: dict[str, JSON] = {
        "Connection": "keep-alive",
        "Content-Length": str(size),
        "Content-Type": "application/json",
        "Date": "Thu, 01 Jan 1970 00:00:00 GMT",
        "X-Amz-Executed-Version": "$LATEST",
    }
    if log_result is not None:
        all_headers["X-Amz-Log-Result"] = [log_result]
        headers["X-Amz-Log-Result"] = log_result
    all_headers.update(
        {
            "X-Amz-Executed-Version": ["$LATEST"],
            "x-amzn-Remapped-Content-Length": ["0"],
            "Connection": ["keep-alive"],
            "x-amzn-RequestId": [request_id],
            "Content-Length": [str(size)],
            "Date": ["Thu, 01 Jan 1970 00:00:00 GMT"],
            "X-Amzn-Trace-Id": ["Root=1-00000000-000000000000000000000000;Sampled=0"],
            "Content-Type": ["application/json"],
        }
    )
    headers.update(
        {
            "x-amzn-Remapped-Content-Length": "0",
            "x-amzn-RequestId": request_id,
            "X-Amzn-Trace-Id": "Root=1-00000000-000000000000000000000000;Sampled=0",
        }
    )
    response: dict[str, JSON] = {"ExecutedVersion": "$LATEST"}
    if log_result is not None:
        response["LogResult"] = log_result
    response["Payload"] = payload
    response["SdkHttpMetadata"] = {
        "AllHttpHeaders": all_headers,
        "HttpHeaders": headers,
        "HttpStatusCode": 200,
    }
    response["SdkResponseMetadata"] = {"RequestId": request_id}
    response["StatusCode"] = 200
    return response
