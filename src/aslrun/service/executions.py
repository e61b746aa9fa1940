"""StartExecution, StartSyncExecution, DescribeExecution, StopExecution, ListExecutions,
GetExecutionHistory, DescribeStateMachineForExecution."""

from __future__ import annotations

import bisect
import math
from typing import Any

from aslrun._json import JSON
from aslrun.api import Execution
from aslrun.runtime.clock import to_datetime
from aslrun.service.errors import (
    ExecutionAlreadyExists,
    ExecutionDoesNotExist,
    ResourceNotFound,
    StateMachineDeleting,
    StateMachineTypeNotSupported,
    ValidationException,
    validation_error,
)
from aslrun.service.inputs import check_text, parse_input
from aslrun.service.lifecycle import abort, launch
from aslrun.service.machines import check_enum, machine_record
from aslrun.service.mocks import split_test_case
from aslrun.service.names import check_name, execution_arn, parse_arn
from aslrun.service.paging import check_max_results, decode_token, encode_token
from aslrun.service.store import ExecutionRecord, ServiceState

__all__ = ["ExecutionsAPI", "execution_record"]

STATUSES = ("SUCCEEDED", "TIMED_OUT", "PENDING_REDRIVE", "ABORTED", "FAILED", "RUNNING")
EXPRESS_MAX_SECONDS = 300  # an Express execution runs at most five minutes
_NOT_SUPPORTED = "This operation is not supported by this type of state machine"
_DATA_KEYS = ("input", "inputDetails", "output", "outputDetails", "parameters")


def execution_record(s: ServiceState, arn: object) -> ExecutionRecord:
    """The (Standard) execution an ARN names; ``ExecutionDoesNotExist`` if none."""
    parse_arn(arn, "executionArn", "execution")
    assert isinstance(arn, str)
    record = s.executions.get(arn)
    if record is None:
        raise ExecutionDoesNotExist(f"Execution Does Not Exist: '{arn}'")
    return record


def _redrive(execution: Execution) -> dict[str, Any]:
    if execution.status in ("RUNNING", "SUCCEEDED"):
        reason = f"Execution is {execution.status} and cannot be redriven"
        return {
            "redriveCount": 0,
            "redriveStatus": "NOT_REDRIVABLE",
            "redriveStatusReason": reason,
        }
    return {"redriveCount": 0, "redriveStatus": "REDRIVABLE"}


def _describe(record: ExecutionRecord, included: str) -> dict[str, Any]:
    out = record.execution.describe()
    if "input" in out:
        out["input"] = record.input_text
    if record.trace_header is not None:
        out["traceHeader"] = record.trace_header
    if included == "METADATA_ONLY":
        for key in _DATA_KEYS:
            out.pop(key, None)
    return out


class ExecutionsAPI:
    """Execution operations (mixed into ``StepFunctions``)."""

    _s: ServiceState

    def start_execution(
        self,
        *,
        stateMachineArn: str,
        input: JSON = None,
        name: str | None = None,
        traceHeader: str | None = None,
    ) -> dict[str, Any]:
        """Start an execution; ``{"executionArn", "startDate"}``.

        Standard: the same name and input as a RUNNING execution returns that execution
        (idempotent); any other reuse of a name raises ``ExecutionAlreadyExists``, also after
        the execution has ended.  Express names need not be unique (the ARN carries an id).
        """
        s = self._s
        arn, case = split_test_case(stateMachineArn, s.mocks)  # arn#TestCase (SFN Local)
        record = machine_record(s, arn)
        if name is not None:
            check_name(name)
        check_text("traceHeader", traceHeader, 256)
        text, value = parse_input(input)
        if record.status == "DELETING":
            raise StateMachineDeleting(f"State Machine is being deleted: '{record.arn}'")
        if record.type == "STANDARD" and name is not None:
            arn = execution_arn(s.region, s.account, record.name, name)
            existing = s.executions.get(arn)
            if existing is not None:
                ex = existing.execution
                if ex.status == "RUNNING" and existing.input_text == text:
                    return {"executionArn": arn, "startDate": ex.start_date}
                raise ExecutionAlreadyExists(f"Execution Already Exists: '{arn}'")
            if s.retention.taken(arn):  # ended and gone (history="none"), its name taken
                raise ExecutionAlreadyExists(f"Execution Already Exists: '{arn}'")
            s.retention.reserve(arn)
        entry = launch(s, record, value, text, name or s.uuid(), traceHeader, case)
        ex = entry.execution
        return {"executionArn": ex.arn, "startDate": ex.start_date}

    def start_sync_execution(
        self,
        *,
        stateMachineArn: str,
        input: JSON = None,
        name: str | None = None,
        traceHeader: str | None = None,
        includedData: str = "ALL_DATA",
    ) -> dict[str, Any]:
        """Run an EXPRESS execution to its end and return its outcome (status SUCCEEDED,
        FAILED or TIMED_OUT).  The shared clock runs meanwhile, at most five simulated
        minutes (the Express limit), after which the execution is TIMED_OUT."""
        s = self._s
        arn, case = split_test_case(stateMachineArn, s.mocks)
        record = machine_record(s, arn)
        if record.type != "EXPRESS":
            raise StateMachineTypeNotSupported(_NOT_SUPPORTED)
        if name is not None:
            check_name(name)
        check_text("traceHeader", traceHeader, 256)
        check_enum("includedData", includedData, ("ALL_DATA", "METADATA_ONLY"))
        text, value = parse_input(input)
        if record.status == "DELETING":
            raise StateMachineDeleting(f"State Machine is being deleted: '{record.arn}'")
        entry = launch(s, record, value, text, name or s.uuid(), traceHeader, case, sync=True)
        ex = entry.execution
        clock = s.clock
        deadline = clock.now() + EXPRESS_MAX_SECONDS
        while not ex.done:
            due = clock.next_due()
            if due is None or due > deadline:
                break
            clock.step()
        if not ex.done:
            clock.run(until=deadline)
        if not ex.done:
            ex._timed_out()
        return _sync_result(entry, includedData)

    def describe_execution(
        self, *, executionArn: str, includedData: str = "ALL_DATA"
    ) -> dict[str, Any]:
        check_enum("includedData", includedData, ("ALL_DATA", "METADATA_ONLY"))
        record = execution_record(self._s, executionArn)
        out = {**_describe(record, includedData), **_redrive(record.execution)}
        map_run = self._s.map_run_of.get(executionArn)
        if map_run is not None:  # a Distributed Map's child execution
            out["mapRunArn"] = map_run
        return out

    def stop_execution(
        self, *, executionArn: str, error: str | None = None, cause: str | None = None
    ) -> dict[str, Any]:
        """Stop a running execution (ABORTED, ``ExecutionAborted``); ``{"stopDate"}``.  An
        execution that has already ended is left as it is and its stop date returned."""
        check_text("error", error, 256)
        check_text("cause", cause, 32768)
        s = self._s
        record = execution_record(s, executionArn)
        abort(record.execution, error, cause)
        stop = record.execution.stop_date
        assert stop is not None
        return {"stopDate": stop}

    def list_executions(
        self,
        *,
        stateMachineArn: str | None = None,
        statusFilter: str | None = None,
        maxResults: int | None = None,
        nextToken: str | None = None,
        mapRunArn: str | None = None,
        redriveFilter: str | None = None,
    ) -> dict[str, Any]:
        """A machine's executions, newest first, ``maxResults`` (default 100) per page."""
        s = self._s
        if mapRunArn is not None:
            return _map_run_executions(s, mapRunArn, statusFilter, maxResults, nextToken)
        if stateMachineArn is None:
            raise ValidationException("Must provide a StateMachine ARN or MapRun ARN")
        if statusFilter is not None:
            check_enum("statusFilter", statusFilter, STATUSES)
        if redriveFilter is not None:
            check_enum("redriveFilter", redriveFilter, ("REDRIVEN", "NOT_REDRIVEN"))
        size = check_max_results(maxResults, 100)
        machine = machine_record(s, stateMachineArn)
        if machine.type == "EXPRESS":
            raise StateMachineTypeNotSupported(_NOT_SUPPORTED)
        scope = f"{machine.arn}|{statusFilter or ''}|{redriveFilter or ''}"
        before = math.inf
        if nextToken is not None:
            before = decode_token(nextToken, "ListExecutions", scope, max_length=3096)
        chosen = _newest_first(s, machine.executions, before, statusFilter, redriveFilter, size)
        out: dict[str, Any] = {"executions": [_list_item(r) for r in chosen[:size]]}
        if len(chosen) > size:
            out["nextToken"] = encode_token("ListExecutions", scope, chosen[size - 1].seq)
        return out

    def get_execution_history(
        self,
        *,
        executionArn: str,
        maxResults: int | None = None,
        reverseOrder: bool = False,
        nextToken: str | None = None,
        includeExecutionData: bool = True,
    ) -> dict[str, Any]:
        """The execution's events, ``maxResults`` (default 100) per page, oldest first unless
        ``reverseOrder``; ``includeExecutionData=False`` leaves out inputs and outputs."""
        size = check_max_results(maxResults, 100)
        if not isinstance(reverseOrder, bool):
            raise validation_error("reverseOrder", reverseOrder, "Member must be a boolean")
        record = execution_record(self._s, executionArn)
        if record.execution.events.forgotten:
            raise ValidationException(
                f"The history of '{executionArn}' was not kept: the service keeps "
                f"history={self._s.history_mode!r} (see StepFunctions(history=...))"
            )
        history = record.execution.events
        count = history.kept
        scope = f"{record.execution.arn}|{int(reverseOrder)}"
        start = 0 if nextToken is None else decode_token(nextToken, "GetExecutionHistory", scope)
        if reverseOrder:
            indices = range(count - 1 - start, max(-1, count - 1 - start - size), -1)
        else:
            indices = range(start, min(count, start + size))
        rendered = [history.render(i) for i in indices]
        if not includeExecutionData:
            rendered = [_without_data(e) for e in rendered]
        out: dict[str, Any] = {"events": rendered}
        if start + size < count:
            out["nextToken"] = encode_token("GetExecutionHistory", scope, start + size)
        return out

    def describe_state_machine_for_execution(
        self, *, executionArn: str, includedData: str = "ALL_DATA"
    ) -> dict[str, Any]:
        """The state machine as it was when the execution started."""
        check_enum("includedData", includedData, ("ALL_DATA", "METADATA_ONLY"))
        record = execution_record(self._s, executionArn)
        v = record.version
        out: dict[str, Any] = {
            "stateMachineArn": record.machine.arn,
            "name": record.machine.name,
            "definition": v.definition,
            "roleArn": v.role_arn,
            "updateDate": to_datetime(v.updated),
            "loggingConfiguration": dict(v.logging),
            "tracingConfiguration": dict(v.tracing),
        }
        if v.revision_id is not None:
            out["revisionId"] = v.revision_id
        return out


def _newest_first(
    s: ServiceState,
    records: list[ExecutionRecord],
    before: float,
    status: str | None,
    redrive: str | None,
    size: int,
) -> list[ExecutionRecord]:
    """Up to ``size + 1`` records older than ``before`` (by seq), newest first: a page costs
    what it returns, not what the machine has run (records are in seq order)."""
    if redrive == "REDRIVEN":
        return []
    end = bisect.bisect_left(records, before, key=lambda r: r.seq)
    live = s.executions
    out: list[ExecutionRecord] = []
    for i in range(end - 1, -1, -1):
        r = records[i]
        if (status is None or r.execution.status == status) and r.execution.arn in live:
            out.append(r)
            if len(out) > size:
                break
    return out


def _map_run_executions(
    s: ServiceState,
    map_run_arn: str,
    status: str | None,
    max_results: int | None,
    next_token: str | None,
) -> dict[str, Any]:
    """ListExecutions by ``mapRunArn``: a Map Run's child executions, newest first."""
    parse_arn(map_run_arn, "mapRunArn", "mapRun")
    if status is not None:
        check_enum("statusFilter", status, STATUSES)
    size = check_max_results(max_results, 100)
    run = s.map_runs.get(map_run_arn)
    if run is None:
        raise ResourceNotFound(f"Resource not found: '{map_run_arn}'")
    scope = f"{map_run_arn}|{status or ''}"
    before = math.inf
    if next_token is not None:
        before = decode_token(next_token, "ListExecutions", scope, max_length=3096)
    chosen = _newest_first(s, run.children, before, status, None, size)
    items = [{**_list_item(r), "mapRunArn": map_run_arn} for r in chosen[:size]]
    out: dict[str, Any] = {"executions": items}
    if len(chosen) > size:
        out["nextToken"] = encode_token("ListExecutions", scope, chosen[size - 1].seq)
    return out


def _list_item(record: ExecutionRecord) -> dict[str, Any]:
    ex = record.execution
    item: dict[str, Any] = {
        "executionArn": ex.arn,
        "stateMachineArn": ex.state_machine_arn,
        "name": ex.name,
        "status": ex.status,
        "startDate": ex.start_date,
    }
    if ex.stop_date is not None:
        item["stopDate"] = ex.stop_date
    item["redriveCount"] = 0
    return item


def _without_data(event: dict[str, Any]) -> dict[str, Any]:
    out = dict(event)
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            out[key] = {k: v for k, v in value.items() if k not in _DATA_KEYS}
    return out


def _sync_result(record: ExecutionRecord, included: str) -> dict[str, Any]:
    ex = record.execution
    out = _describe(record, included)
    for key in ("redriveCount", "redriveStatus", "redriveStatusReason"):
        out.pop(key, None)
    stop = ex._stop if ex._stop is not None else ex._start
    elapsed_ms = max(0, round((stop - ex._start) * 1000))
    out["billingDetails"] = {
        "billedMemoryUsedInMB": 64,
        "billedDurationInMilliseconds": max(100, math.ceil(elapsed_ms / 100) * 100),
    }
    return out
