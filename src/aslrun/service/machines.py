"""CreateStateMachine, DescribeStateMachine, ListStateMachines, UpdateStateMachine,
DeleteStateMachine, DescribeStateMachineForExecution, ValidateStateMachineDefinition."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from aslrun.definition.validate import iter_diagnostics
from aslrun.runtime.clock import to_datetime
from aslrun.service.definitions import aws_location, compile_definition, read_definition
from aslrun.service.errors import (
    InvalidArn,
    MissingRequiredParameter,
    StateMachineAlreadyExists,
    StateMachineDeleting,
    StateMachineDoesNotExist,
    validation_error,
)
from aslrun.service.names import check_name, parse_arn, state_machine_arn
from aslrun.service.paging import check_max_results, decode_token, encode_token
from aslrun.service.store import MachineRecord, MachineVersion, ServiceState

__all__ = ["MachinesAPI", "check_enum", "machine_record"]

TYPES = ("STANDARD", "EXPRESS")
_DEFAULT_LOGGING: Mapping[str, Any] = {"level": "OFF", "includeExecutionData": False}
_DEFAULT_TRACING: Mapping[str, Any] = {"enabled": False}


def check_enum(field: str, value: object, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise validation_error(
            field, value, f"Member must satisfy enum value set: [{', '.join(allowed)}]"
        )
    return value


def _check_role(role_arn: object) -> str:
    if not isinstance(role_arn, str) or not role_arn.startswith("arn:"):
        raise InvalidArn(f"Invalid Arn: 'Invalid ARN prefix: {role_arn}'")
    return role_arn


def machine_record(s: ServiceState, arn: object, field: str = "stateMachineArn") -> MachineRecord:
    """The state machine an ARN names (``StateMachineDoesNotExist`` if none)."""
    record = s.machines.get(arn) if type(arn) is str else None
    if record is not None and record.status != "DELETING":
        return record  # a machine's own ARN: valid, and nothing to purge for it
    parse_arn(arn, field, "stateMachine")
    assert isinstance(arn, str)
    _purge_deleted(s)
    record = s.machines.get(arn)
    if record is None:
        raise StateMachineDoesNotExist(f"State Machine Does Not Exist: '{arn}'")
    return record


def _purge_deleted(s: ServiceState) -> None:
    """A DELETING machine goes once none of its executions runs any more."""
    for arn, record in list(s.machines.items()):
        if record.status == "DELETING" and all(r.execution.done for r in record.executions):
            del s.machines[arn]


class MachinesAPI:
    """State machine operations (mixed into ``StepFunctions``)."""

    _s: ServiceState

    def create_state_machine(
        self,
        *,
        name: str,
        definition: Any,
        roleArn: str | None = None,
        type: str = "STANDARD",
        loggingConfiguration: Mapping[str, Any] | None = None,
        tracingConfiguration: Mapping[str, Any] | None = None,
        tags: list[Mapping[str, str]] | None = None,
    ) -> dict[str, Any]:
        """Create a state machine (idempotent for the same name, definition, type and
        configuration; another role ARN or tags are ignored, as AWS ignores them)."""
        s = self._s
        check_name(name)
        check_enum("type", type, TYPES)
        text, value = read_definition(definition)
        arn = state_machine_arn(s.region, s.account, name)
        role = _check_role(roleArn) if roleArn is not None else _default_role(s, name)
        logging = dict(loggingConfiguration or _DEFAULT_LOGGING)
        tracing = dict(tracingConfiguration or _DEFAULT_TRACING)
        _purge_deleted(s)
        existing = s.machines.get(arn)
        if existing is not None:
            if existing.status == "DELETING":
                raise StateMachineDeleting(f"State Machine is being deleted: '{arn}'")
            v = existing.version
            if (v.definition, existing.type, v.logging, v.tracing) != (
                text,
                type,
                logging,
                tracing,
            ):
                raise StateMachineAlreadyExists(f"State Machine Already Exists: '{arn}'")
            return {"stateMachineArn": arn, "creationDate": to_datetime(existing.created)}
        sm = compile_definition(value, name=name, region=s.region, account=s.account, type=type)
        sm.role_arn = role
        now = s.clock.now()
        version = MachineVersion(text, role, now, logging, tracing, None, sm)
        s.machines[arn] = MachineRecord(next(s.seq), name, arn, type, now, version)
        return {"stateMachineArn": arn, "creationDate": to_datetime(now)}

    def describe_state_machine(
        self, *, stateMachineArn: str, includedData: str | None = None
    ) -> dict[str, Any]:
        record = machine_record(self._s, stateMachineArn)
        v = record.version
        out: dict[str, Any] = {
            "stateMachineArn": record.arn,
            "name": record.name,
            "status": record.status,
            "definition": v.definition,
            "roleArn": v.role_arn,
            "type": record.type,
            "creationDate": to_datetime(record.created),
            "loggingConfiguration": dict(v.logging),
            "tracingConfiguration": dict(v.tracing),
        }
        if v.revision_id is not None:
            out["revisionId"] = v.revision_id
        return out

    def list_state_machines(
        self, *, maxResults: int | None = None, nextToken: str | None = None
    ) -> dict[str, Any]:
        """State machines in creation order, ``maxResults`` (default 100) per page."""
        s = self._s
        size = check_max_results(maxResults, 100)
        after = 0 if nextToken is None else decode_token(nextToken, "ListStateMachines", "")
        _purge_deleted(s)
        records = [r for r in s.machines.values() if r.seq > after]
        items = [
            {
                "stateMachineArn": r.arn,
                "name": r.name,
                "type": r.type,
                "creationDate": to_datetime(r.created),
            }
            for r in records[:size]
        ]
        out: dict[str, Any] = {"stateMachines": items}
        if len(records) > size:
            out["nextToken"] = encode_token("ListStateMachines", "", records[size - 1].seq)
        return out

    def update_state_machine(
        self,
        *,
        stateMachineArn: str,
        definition: Any = None,
        roleArn: str | None = None,
        loggingConfiguration: Mapping[str, Any] | None = None,
        tracingConfiguration: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Change the definition/role/configuration; running executions keep the version
        they started with.  The same parameters again give the same ``revisionId``."""
        s = self._s
        record = machine_record(s, stateMachineArn)
        if record.status == "DELETING":
            raise StateMachineDeleting(f"State Machine is being deleted: '{record.arn}'")
        if (definition, roleArn, loggingConfiguration, tracingConfiguration) == (None,) * 4:
            raise MissingRequiredParameter(
                "Either the definition, the role ARN, the LoggingConfiguration, "
                "or the TracingConfiguration must be specified"
            )
        old = record.version
        text, sm = old.definition, old.machine
        if definition is not None:
            text, value = read_definition(definition)
        role = _check_role(roleArn) if roleArn is not None else old.role_arn
        logging = dict(loggingConfiguration) if loggingConfiguration is not None else old.logging
        tracing = dict(tracingConfiguration) if tracingConfiguration is not None else old.tracing
        now = s.clock.now()
        if (text, role, logging, tracing) == (
            old.definition,
            old.role_arn,
            old.logging,
            old.tracing,
        ):
            revision = old.revision_id or s.uuid()
        else:
            if text != old.definition:
                sm = compile_definition(
                    value, name=record.name, region=s.region, account=s.account, type=record.type
                )
            else:  # same compiled machine, its own role: running executions keep theirs
                sm = copy.copy(sm)
            sm.role_arn = role
            revision = s.uuid()
        record.version = MachineVersion(text, role, now, logging, tracing, revision, sm)
        return {"updateDate": to_datetime(now), "revisionId": revision}

    def delete_state_machine(self, *, stateMachineArn: str) -> dict[str, Any]:
        """Mark the machine DELETING; it goes once none of its executions runs (deleting a
        machine that does not exist succeeds, as on AWS)."""
        s = self._s
        parse_arn(stateMachineArn, "stateMachineArn", "stateMachine")
        record = s.machines.get(stateMachineArn)
        if record is not None:
            record.status = "DELETING"
            _purge_deleted(s)
        return {}

    def validate_state_machine_definition(
        self,
        *,
        definition: Any,
        type: str = "STANDARD",
        severity: str = "ERROR",
        maxResults: int | None = None,
    ) -> dict[str, Any]:
        """AWS's diagnostics for a definition: ``result`` (OK/FAIL), ``diagnostics``,
        ``truncated``."""
        check_enum("type", type, TYPES)
        check_enum("severity", severity, ("ERROR", "WARNING"))
        size = check_max_results(maxResults, 100, limit=100)
        from aslrun.service.errors import InvalidDefinition  # noqa: PLC0415 - loaded on use

        try:
            _, value = read_definition(definition)
        except InvalidDefinition as e:
            detail = e.message.removeprefix("Invalid State Machine Definition: '").rstrip("'")
            code, _, message = detail.partition(": ")
            diag = {"severity": "ERROR", "code": code, "message": message, "location": "/"}
            return {"result": "FAIL", "diagnostics": [diag], "truncated": False}
        wanted = ("ERROR",) if severity == "ERROR" else ("ERROR", "WARNING")
        found = [d for d in iter_diagnostics(value) if d.severity in wanted]
        found.sort(key=lambda d: d.severity != "ERROR")
        diagnostics = [
            {
                "severity": d.severity,
                "code": d.code,
                "message": d.message,
                "location": aws_location(d),
            }
            for d in found[:size]
        ]
        failed = any(d.severity == "ERROR" for d in found)
        return {
            "result": "FAIL" if failed else "OK",
            "diagnostics": diagnostics,
            "truncated": len(found) > size,
        }


def _default_role(s: ServiceState, name: str) -> str:
    return f"arn:aws:iam::{s.account}:role/service-role/StepFunctions-{name}-role"
