"""Distributed Map runs as the service shows them: each iteration a child execution (listed by
``list_executions(mapRunArn=...)``, described, its history readable) and the Map Run itself
(``describe_map_run``, ``list_map_runs``), in the shapes of botocore's model.

Child executions are named by a UUID derived from the Map Run's ARN and the item's index (the
same run gives the same names) and belong to the state machine ``MACHINE/LABEL``, as AWS
names them: ``arn:aws:states:REGION:ACCOUNT:execution:MACHINE/LABEL:UUID``.
"""

from __future__ import annotations

import math
import uuid
from typing import TYPE_CHECKING, Any

from aslrun._json import JSON, dumps
from aslrun.api import Execution
from aslrun.errors import StatesError
from aslrun.runtime.clock import to_datetime
from aslrun.runtime.history import History, Payload
from aslrun.service.errors import ExecutionDoesNotExist, ResourceNotFound
from aslrun.service.names import parse_arn
from aslrun.service.paging import check_max_results, decode_token, encode_token
from aslrun.service.store import ExecutionRecord

if TYPE_CHECKING:
    from aslrun.runtime.frame import Runtime
    from aslrun.service.store import ServiceState

__all__ = ["MapRunRecord", "MapRuns", "MapRunsAPI"]

_COUNTS = ("pending", "running", "succeeded", "failed", "timedOut", "aborted", "total")


class MapRunRecord:
    """One Map Run: its configuration, its child executions and how they stand."""

    def __init__(
        self,
        s: ServiceState,
        rt: Runtime,
        arn: str,
        label: str,
        config: tuple[int, int | None, float | None],
        total: int,
    ) -> None:
        self.s = s
        self.rt = rt
        self.seq = next(s.seq)
        self.arn = arn
        self.execution_arn = rt.execution_arn
        machine = rt.machine_name
        self.machine_arn = f"arn:aws:states:{rt.region}:{rt.account}:stateMachine:{machine}/{label}"
        self.prefix = f"arn:aws:states:{rt.region}:{rt.account}:execution:{machine}/{label}"
        self.start = rt.clock.now()
        self.stop: float | None = None
        self.status = "RUNNING"
        self.max_concurrency, self.tolerated_count, self.tolerated_percentage = config
        self.total = total
        self.children: list[ExecutionRecord] = []
        self.by_index: dict[int, Execution] = {}

    # -- the runtime's side (MapRunHandle) ---------------------------------------------------

    def child_started(self, index: int, history: History, input: JSON) -> None:
        name = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.arn}/{index}"))
        execution = Execution(
            name=name,
            arn=f"{self.prefix}:{name}",
            state_machine_arn=self.machine_arn,
            input=input,
            start_time=self.rt.clock.now(),
            history=history,
        )
        history.on_limit = None  # the child's own quota fails the iteration (runtime rule)
        parent = self.s.executions.get(self.execution_arn)
        if parent is None:  # the parent has left the service (history="none")
            return
        record = ExecutionRecord(
            next(self.s.seq), execution, parent.machine, parent.version, dumps(input)
        )
        self.children.append(record)
        self.by_index[index] = execution
        self.s.executions[execution.arn] = record
        self.s.map_run_of[execution.arn] = self.arn

    def child_ended(self, index: int, value: JSON, error: StatesError | None) -> None:
        execution = self.by_index.get(index)
        if execution is None or execution.done:
            return
        now = self.rt.clock.now()
        history = execution._history
        if error is None:
            execution.status, execution.output = "SUCCEEDED", value
            history.add(now, "ExecutionSucceeded", len(history), {"output": Payload(value)})
        else:
            execution.status = "FAILED"
            execution.error, execution.cause = error.error, error.cause or None
            history.add(now, "ExecutionFailed", len(history), execution._error_details())
        execution._stop = now

    def ended(self, status: str, error: StatesError | None = None) -> None:
        if self.stop is not None:
            return
        self.status, self.stop = status, self.rt.clock.now()
        for execution in self.by_index.values():
            if not execution.done:  # stopped with the run: ABORTED, no event of its own
                execution.status, execution._stop = "ABORTED", self.stop

    # -- the API's side ----------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        statuses = [e.status for e in self.by_index.values()]
        out = {
            "pending": self.total - len(statuses) if self.status == "RUNNING" else 0,
            "running": statuses.count("RUNNING"),
            "succeeded": statuses.count("SUCCEEDED"),
            "failed": statuses.count("FAILED"),
            "timedOut": statuses.count("TIMED_OUT"),
            "aborted": statuses.count("ABORTED"),
            "total": self.total,
        }
        assert tuple(out) == _COUNTS
        return {**out, "resultsWritten": 0, "failuresNotRedrivable": 0, "pendingRedrive": 0}


class MapRuns:
    """The service's ``Runtime.map_runs``: it records every Map Run of its executions."""

    __slots__ = ("s",)

    def __init__(self, s: ServiceState) -> None:
        self.s = s

    def started(
        self,
        rt: Runtime,
        map_run_arn: str,
        label: str,
        max_concurrency: int,
        tolerated_count: int | None,
        tolerated_percentage: float | None,
        total: int,
    ) -> MapRunRecord:
        config = (max_concurrency, tolerated_count, tolerated_percentage)
        run = MapRunRecord(self.s, rt, map_run_arn, label, config, total)
        self.s.map_runs[map_run_arn] = run
        return run


class MapRunsAPI:
    """DescribeMapRun and ListMapRuns (mixed into ``StepFunctions``)."""

    _s: ServiceState

    def describe_map_run(self, *, mapRunArn: str) -> dict[str, Any]:
        """A Map Run: status, dates, configuration, item and execution counts."""
        parse_arn(mapRunArn, "mapRunArn", "mapRun")
        run = self._s.map_runs.get(mapRunArn)
        if run is None:
            raise ResourceNotFound(f"Resource not found: '{mapRunArn}'")
        _settle(self._s, run)
        out: dict[str, Any] = {
            "mapRunArn": run.arn,
            "executionArn": run.execution_arn,
            "status": run.status,
            "startDate": to_datetime(run.start),
        }
        if run.stop is not None:
            out["stopDate"] = to_datetime(run.stop)
        counts = run.counts()
        out.update(
            {
                "maxConcurrency": run.max_concurrency,
                "toleratedFailurePercentage": float(run.tolerated_percentage or 0.0),
                "toleratedFailureCount": run.tolerated_count or 0,
                "itemCounts": dict(counts),
                "executionCounts": dict(counts),
                "redriveCount": 0,
            }
        )
        return out

    def list_map_runs(
        self, *, executionArn: str, maxResults: int | None = None, nextToken: str | None = None
    ) -> dict[str, Any]:
        """The Map Runs an execution started, newest first."""
        s = self._s
        parse_arn(executionArn, "executionArn", "execution")
        if executionArn not in s.executions:
            raise ExecutionDoesNotExist(f"Execution Does Not Exist: '{executionArn}'")
        size = check_max_results(maxResults, 100)
        before = math.inf
        if nextToken is not None:
            before = decode_token(nextToken, "ListMapRuns", executionArn)
        runs = sorted(
            (r for r in s.map_runs.values() if r.execution_arn == executionArn and r.seq < before),
            key=lambda r: -r.seq,
        )
        items = []
        for run in runs[:size]:
            _settle(s, run)
            item: dict[str, Any] = {
                "executionArn": run.execution_arn,
                "mapRunArn": run.arn,
                "stateMachineArn": run.machine_arn,
                "startDate": to_datetime(run.start),
            }
            if run.stop is not None:
                item["stopDate"] = to_datetime(run.stop)
            items.append(item)
        out: dict[str, Any] = {"mapRuns": items}
        if len(runs) > size:
            out["nextToken"] = encode_token("ListMapRuns", executionArn, runs[size - 1].seq)
        return out


def _settle(s: ServiceState, run: MapRunRecord) -> None:
    """A run whose execution ended (stopped, timed out) without it is ABORTED."""
    if run.status != "RUNNING":
        return
    parent = s.executions.get(run.execution_arn)
    if parent is not None and parent.execution.done:
        run.ended("ABORTED")
        run.stop = parent.execution._stop
