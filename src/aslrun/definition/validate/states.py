"""The per-state rules about fields and types: one plain function per concern (STATE_RULES).

Each rule takes a :class:`StateContext` and yields :class:`Diagnostic` values.  Rules never
raise on malformed input: a value of the wrong type is reported and then skipped.  The field
tables (which fields each type has, which hold paths, which belong to one query language)
are here; the rules about values (paths, payload templates, JSONata, Assign) are in
:mod:`.payloads`, Retry and Catch in :mod:`.retry_catch`, Choice rules in :mod:`.choice`,
and the shared context and value checks in :mod:`.checks`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

from aslrun.definition.validate.checks import (
    JSONATA,
    JSONPATH,
    StateContext,
    check_int,
    error,
    exclusive,
    is_expression,
    is_int,
    is_number,
    language_message,
    warning,
)
from aslrun.definition.validate.retry_catch import rule_catch, rule_retry
from aslrun.errors import Diagnostic
from aslrun.lang.choice_operators import instant

__all__ = ["FIELDS", "JSONATA", "JSONPATH", "PATH_FIELDS", "STATE_RULES", "StateContext"]

Loc = tuple[str | int, ...]

_BASE = frozenset({"Type", "Comment", "QueryLanguage"})
_FLOW = frozenset({"Next", "End"})
_IO = frozenset({"InputPath", "OutputPath", "Output"})
_RESULT = frozenset({"ResultSelector", "ResultPath", "Retry", "Catch"})
FIELDS: Final[Mapping[str, frozenset[str]]] = {
    "Pass": _BASE | _FLOW | _IO | {"Parameters", "Result", "ResultPath", "Assign"},
    "Task": _BASE
    | _FLOW
    | _IO
    | _RESULT
    | {
        "Resource",
        "Parameters",
        "Arguments",
        "Credentials",
        "Assign",
        "TimeoutSeconds",
        "TimeoutSecondsPath",
        "HeartbeatSeconds",
        "HeartbeatSecondsPath",
    },
    "Choice": _BASE | _IO | {"Choices", "Default", "Assign"},
    "Wait": _BASE
    | _FLOW
    | _IO
    | {"Seconds", "SecondsPath", "Timestamp", "TimestampPath", "Assign"},
    "Succeed": _BASE | _IO,
    "Fail": _BASE | {"Error", "ErrorPath", "Cause", "CausePath"},
    "Parallel": _BASE | _FLOW | _IO | _RESULT | {"Branches", "Parameters", "Arguments", "Assign"},
    "Map": _BASE
    | _FLOW
    | _IO
    | _RESULT
    | {
        "Iterator",
        "ItemProcessor",
        "ItemsPath",
        "Items",
        "ItemsPointer",
        "ItemSelector",
        "Parameters",
        "ItemReader",
        "ItemBatcher",
        "ResultWriter",
        "MaxConcurrency",
        "MaxConcurrencyPath",
        "ToleratedFailurePercentage",
        "ToleratedFailurePercentagePath",
        "ToleratedFailureCount",
        "ToleratedFailureCountPath",
        "Label",
        "Assign",
    },
}
JSONPATH_ONLY: Final = frozenset(
    {
        "InputPath",
        "OutputPath",
        "Parameters",
        "ResultSelector",
        "ResultPath",
        "ItemsPath",
        "SecondsPath",
        "TimestampPath",
        "TimeoutSecondsPath",
        "HeartbeatSecondsPath",
        "ErrorPath",
        "CausePath",
        "MaxConcurrencyPath",
        "ToleratedFailurePercentagePath",
        "ToleratedFailureCountPath",
    }
)
JSONATA_ONLY: Final = frozenset({"Arguments", "Output", "Items"})
# Fields holding a path; "reference" paths (ResultPath) must select a single node.
PATH_FIELDS: Final[Mapping[str, str]] = {
    "InputPath": "path",
    "OutputPath": "path",
    "ResultPath": "reference",
    "ItemsPath": "path",
    "SecondsPath": "path",
    "TimestampPath": "path",
    "TimeoutSecondsPath": "path",
    "HeartbeatSecondsPath": "path",
    "MaxConcurrencyPath": "path",
    "ToleratedFailurePercentagePath": "path",
    "ToleratedFailureCountPath": "path",
    "ErrorPath": "path-or-intrinsic",
    "CausePath": "path-or-intrinsic",
}
_PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")
_ARN = re.compile(r"^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.+)$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
_PARTITIONS = frozenset(
    {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}
)


# -- fields and query language -----------------------------------------------------


def rule_fields(ctx: StateContext) -> Iterator[Diagnostic]:
    """Fields the state type (and query language) supports."""
    allowed = FIELDS.get(ctx.type)
    if allowed is None:
        return
    for key in ctx.body:
        if key not in allowed:
            yield error((*ctx.path, key), f"Field '{key}' is not supported")
        elif (ctx.jsonata and key in JSONPATH_ONLY) or (not ctx.jsonata and key in JSONATA_ONLY):
            yield error((*ctx.path, key), language_message(ctx.language, key))


def rule_query_language(ctx: StateContext) -> Iterator[Diagnostic]:
    if "QueryLanguage" not in ctx.body:
        return
    value = ctx.body["QueryLanguage"]
    path = (*ctx.path, "QueryLanguage")
    if value not in (JSONPATH, JSONATA):
        yield error(path, "The field 'QueryLanguage' must be 'JSONPath' or 'JSONata'")
    elif value == JSONPATH and ctx.top_language == JSONATA:
        yield error(
            path,
            "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
        )


def rule_flow(ctx: StateContext) -> Iterator[Diagnostic]:
    """Next/End: exactly one on Task, Pass, Wait, Parallel, Map; none on the others."""
    if ctx.type not in FIELDS or ctx.type in ("Choice", "Succeed", "Fail"):
        return
    has_next, end = "Next" in ctx.body, ctx.body.get("End")
    if has_next and not isinstance(ctx.body["Next"], str):
        yield error((*ctx.path, "Next"), "The field 'Next' must be a state name (a string)")
    if "End" in ctx.body and not isinstance(end, bool):
        yield error((*ctx.path, "End"), "The field 'End' must be a boolean")
    if has_next and end is True:
        yield error(ctx.path, "Fields 'Next' and 'End' are mutually exclusive")
    elif not has_next and end is not True:
        yield error(ctx.path, "The state must have either 'Next' or 'End': true")


# -- state types -------------------------------------------------------------------


def rule_type(ctx: StateContext) -> Iterator[Diagnostic]:
    check = TYPE_RULES.get(ctx.type)
    if check is not None:
        yield from check(ctx)


def _task(ctx: StateContext) -> Iterator[Diagnostic]:
    body = ctx.body
    if "Resource" not in body:
        yield error(ctx.path, "The field 'Resource' is required")
    else:
        yield from check_resource(body["Resource"], (*ctx.path, "Resource"))
    yield from exclusive(ctx, "TimeoutSeconds", "TimeoutSecondsPath")
    yield from exclusive(ctx, "HeartbeatSeconds", "HeartbeatSecondsPath")
    for key in ("TimeoutSeconds", "HeartbeatSeconds"):
        if key in body:
            yield from check_int(ctx, body[key], (*ctx.path, key), 1)
    timeout, heartbeat = body.get("TimeoutSeconds"), body.get("HeartbeatSeconds")
    if is_int(timeout) and is_int(heartbeat) and heartbeat >= timeout:
        yield error(
            (*ctx.path, "HeartbeatSeconds"), "HeartbeatSeconds must be smaller than TimeoutSeconds"
        )
    if "Credentials" in body and not isinstance(body["Credentials"], dict):
        yield error((*ctx.path, "Credentials"), "The field 'Credentials' must be an object")
    yield from _object_or_expression(ctx, "Arguments")


def _object_or_expression(ctx: StateContext, key: str) -> Iterator[Diagnostic]:
    value = ctx.body.get(key)
    if key in ctx.body and not (isinstance(value, dict) or is_expression(value)):
        yield error(
            (*ctx.path, key), f"The field '{key}' must be an object or a JSONata expression"
        )


def check_resource(value: Any, path: Loc) -> Iterator[Diagnostic]:
    """A Task's Resource: an ARN (errors), with a plausible region and account (warnings)."""
    if not isinstance(value, str):
        yield error(path, "The field 'Resource' must be a string (an ARN)")
        return
    placeholders = _PLACEHOLDER.findall(value)
    if placeholders:
        names = ", ".join("${" + p + "}" for p in placeholders)
        yield error(
            path,
            f"Resource has unsubstituted placeholder {names}; pass "
            f"substitutions (--sub {placeholders[0]}=...)",
            "INVALID_RESOURCE",
        )
        return
    match = _ARN.match(value)
    if match is None:
        yield error(path, f"Resource {value!r} is not a valid ARN", "INVALID_RESOURCE")
        return
    partition, service, region, account, resource = match.groups()
    if partition not in _PARTITIONS:
        yield warning(
            path, f"ARN partition {partition!r} is not an AWS partition", "INVALID_RESOURCE"
        )
    if service == "states" and not region and not account:
        return  # an optimized or SDK integration: arn:aws:states:::service:action
    if not _REGION.match(region):
        yield warning(path, f"ARN region {region!r} is not an AWS region", "INVALID_RESOURCE")
    if not re.fullmatch(r"\d{12}", account):
        yield warning(
            path, f"ARN account {account!r} is not a 12-digit AWS account id", "INVALID_RESOURCE"
        )
    if service == "lambda" and not resource.startswith("function:"):
        yield warning(
            path,
            f"Lambda ARN resource {resource!r} should be 'function:<name>'",
            "INVALID_RESOURCE",
        )


def _wait(ctx: StateContext) -> Iterator[Diagnostic]:
    fields = ("Seconds", "SecondsPath", "Timestamp", "TimestampPath")
    present = [f for f in fields if f in ctx.body]
    if len(present) != 1:
        found = ", ".join(present) or "none"
        yield error(
            ctx.path,
            "A Wait state must have exactly one of 'Seconds', "
            f"'SecondsPath', 'Timestamp', 'TimestampPath' (found: {found})",
        )
    if "Seconds" in ctx.body:
        yield from check_int(ctx, ctx.body["Seconds"], (*ctx.path, "Seconds"), 0)
    if "Timestamp" in ctx.body:
        value = ctx.body["Timestamp"]
        if not (ctx.jsonata and is_expression(value)) and instant(value) is None:
            yield error(
                (*ctx.path, "Timestamp"),
                "The field 'Timestamp' must be an ISO-8601 (RFC 3339) timestamp "
                "such as '2016-03-14T01:59:00Z'",
            )


def _fail(ctx: StateContext) -> Iterator[Diagnostic]:
    yield from exclusive(ctx, "Error", "ErrorPath")
    yield from exclusive(ctx, "Cause", "CausePath")
    for key in ("Error", "Cause", "ErrorPath", "CausePath"):
        if key in ctx.body and not isinstance(ctx.body[key], str):
            yield error((*ctx.path, key), f"The field '{key}' must be a string")


def _parallel(ctx: StateContext) -> Iterator[Diagnostic]:
    branches = ctx.body.get("Branches")
    if not isinstance(branches, list) or not branches:
        yield error((*ctx.path, "Branches"), "The field 'Branches' must be a non-empty array")
    yield from _object_or_expression(ctx, "Arguments")


def _map(ctx: StateContext) -> Iterator[Diagnostic]:
    body, path = ctx.body, ctx.path
    processors = [k for k in ("ItemProcessor", "Iterator") if k in body]
    if len(processors) != 1:
        yield error(path, "A Map state must have exactly one of 'ItemProcessor' or 'Iterator'")
    yield from exclusive(ctx, "MaxConcurrency", "MaxConcurrencyPath")
    yield from exclusive(ctx, "ToleratedFailurePercentage", "ToleratedFailurePercentagePath")
    yield from exclusive(ctx, "ToleratedFailureCount", "ToleratedFailureCountPath")
    yield from exclusive(ctx, "ItemSelector", "Parameters")
    if "MaxConcurrency" in body:
        yield from check_int(ctx, body["MaxConcurrency"], (*path, "MaxConcurrency"), 0)
    if "ToleratedFailureCount" in body:
        yield from check_int(
            ctx, body["ToleratedFailureCount"], (*path, "ToleratedFailureCount"), 0
        )
    percentage = body.get("ToleratedFailurePercentage")
    expression = ctx.jsonata and is_expression(percentage)
    if (
        "ToleratedFailurePercentage" in body
        and not expression
        and not (is_number(percentage) and 0 <= percentage <= 100)
    ):
        yield error(
            (*path, "ToleratedFailurePercentage"),
            "The field 'ToleratedFailurePercentage' must be a number from 0 to 100",
        )
    if "Items" in body and not (isinstance(body["Items"], list) or is_expression(body["Items"])):
        yield error((*path, "Items"), "The field 'Items' must be an array or a JSONata expression")
    for key in ("ItemReader", "ItemBatcher", "ResultWriter"):
        if key in body and not isinstance(body[key], dict):
            yield error((*path, key), f"The field '{key}' must be an object")
    reader, writer = body.get("ItemReader"), body.get("ResultWriter")
    if isinstance(reader, dict) and not isinstance(reader.get("Resource"), str):
        yield error((*path, "ItemReader"), "The field 'ItemReader.Resource' is required")
    if isinstance(writer, dict) and "Resource" not in writer and "WriterConfig" not in writer:
        yield error(
            (*path, "ResultWriter"),
            "A ResultWriter needs 'Resource' (with Parameters/Arguments) or 'WriterConfig'",
        )
    yield from _label(ctx)


def _label(ctx: StateContext) -> Iterator[Diagnostic]:
    if "Label" not in ctx.body:
        return
    label = ctx.body["Label"]
    if (
        not isinstance(label, str)
        or not 0 < len(label) <= 40
        or re.search(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f]", label)
    ):
        yield error(
            (*ctx.path, "Label"),
            "A Label must be 1 to 40 characters without whitespace or "
            '< > { } [ ] ? * " # % \\ ^ | ~ ` $ & , ; : /',
            "INVALID_LABEL_NAME",
        )


TYPE_RULES: Final[Mapping[str, Callable[[StateContext], Iterator[Diagnostic]]]] = {
    "Task": _task,
    "Wait": _wait,
    "Fail": _fail,
    "Parallel": _parallel,
    "Map": _map,
}


STATE_RULES: Final[tuple[Callable[[StateContext], Iterator[Diagnostic]], ...]] = (
    rule_fields,
    rule_query_language,
    rule_flow,
    rule_type,
    rule_retry,
    rule_catch,
)
"""The rules about a state's fields and type; :mod:`.payloads` has those about its values."""
