"""CreateActivity, DeleteActivity, ListActivities, DescribeActivity, GetActivityTask and the
task-token callbacks SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat."""

from __future__ import annotations

import json
from typing import Any

from aslrun.runtime.clock import to_datetime
from aslrun.service.errors import ActivityDoesNotExist, InvalidOutput, validation_error
from aslrun.service.hooks import RuntimeHooks
from aslrun.service.inputs import MAX_DATA, check_text
from aslrun.service.names import activity_arn, check_name, parse_arn
from aslrun.service.paging import check_max_results, decode_token, encode_token
from aslrun.service.store import ActivityRecord, ServiceState

__all__ = ["ActivitiesAPI"]


def _check_token(token: object) -> str:
    if not isinstance(token, str):
        raise validation_error("taskToken", token, "Member must be a string")
    if not token or len(token) > 2048:
        bound = "greater than or equal to 1" if not token else "less than or equal to 2048"
        raise validation_error("taskToken", token, f"Member must have length {bound}")
    return token


class ActivitiesAPI:
    """Activity and callback operations (mixed into ``StepFunctions``)."""

    _s: ServiceState
    _hooks: RuntimeHooks

    def create_activity(
        self, *, name: str, tags: list[dict[str, str]] | None = None
    ) -> dict[str, Any]:
        """Create an activity; the same name again returns the same ARN and creation date."""
        s = self._s
        check_name(name)
        arn = activity_arn(s.region, s.account, name)
        record = s.activities.get(arn)
        if record is None:
            record = s.activities[arn] = ActivityRecord(next(s.seq), name, arn, s.clock.now())
        return {"activityArn": arn, "creationDate": to_datetime(record.created)}

    def describe_activity(self, *, activityArn: str) -> dict[str, Any]:
        record = self._activity(activityArn)
        return {
            "activityArn": record.arn,
            "name": record.name,
            "creationDate": to_datetime(record.created),
        }

    def delete_activity(self, *, activityArn: str) -> dict[str, Any]:
        """Delete an activity (deleting one that does not exist succeeds, as on AWS)."""
        parse_arn(activityArn, "activityArn", "activity")
        self._s.activities.pop(activityArn, None)
        return {}

    def list_activities(
        self, *, maxResults: int | None = None, nextToken: str | None = None
    ) -> dict[str, Any]:
        """Activities in creation order, ``maxResults`` (default 100) per page."""
        size = check_max_results(maxResults, 100)
        after = 0 if nextToken is None else decode_token(nextToken, "ListActivities", "")
        records = [r for r in self._s.activities.values() if r.seq > after]
        items = [
            {"activityArn": r.arn, "name": r.name, "creationDate": to_datetime(r.created)}
            for r in records[:size]
        ]
        out: dict[str, Any] = {"activities": items}
        if len(records) > size:
            out["nextToken"] = encode_token("ListActivities", "", records[size - 1].seq)
        return out

    def get_activity_task(
        self, *, activityArn: str, workerName: str | None = None
    ) -> dict[str, Any]:
        """The oldest task scheduled for the activity, ``{"taskToken", "input"}``, or ``{}``
        when none waits: on simulated time a poll never blocks."""
        record = self._activity(activityArn)
        if workerName is not None and len(workerName) > 80:
            raise validation_error(
                "workerName", workerName, "Member must have length less than or equal to 80"
            )
        task = self._hooks.poll_activity(record.arn, workerName)
        return dict(task) if task else {}

    def send_task_success(self, *, taskToken: str, output: str) -> dict[str, Any]:
        """Answer a ``.waitForTaskToken`` Task or an activity task with its output (JSON)."""
        _check_token(taskToken)
        if not isinstance(output, str):
            raise validation_error("output", None, "Member must be a string")
        if len(output.encode("utf-8")) > MAX_DATA:
            raise validation_error(
                "output", None, f"Member must have length less than or equal to {MAX_DATA}"
            )
        try:
            value = json.loads(output)
        except ValueError as e:
            raise InvalidOutput(f"Invalid Output: '{e}'") from None
        self._hooks.task(taskToken).succeed(value)
        return {}

    def send_task_failure(
        self, *, taskToken: str, error: str | None = None, cause: str | None = None
    ) -> dict[str, Any]:
        """Fail a ``.waitForTaskToken`` Task or an activity task with ``error``/``cause``."""
        _check_token(taskToken)
        check_text("error", error, 256)
        check_text("cause", cause, 32768)
        self._hooks.task(taskToken).fail(error, cause)
        return {}

    def send_task_heartbeat(self, *, taskToken: str) -> dict[str, Any]:
        """Tell a task with ``HeartbeatSeconds`` that its worker is alive (no history event)."""
        _check_token(taskToken)
        self._hooks.task(taskToken).heartbeat()
        return {}

    def _activity(self, arn: object) -> ActivityRecord:
        parse_arn(arn, "activityArn", "activity")
        assert isinstance(arn, str)
        record = self._s.activities.get(arn)
        if record is None:
            raise ActivityDoesNotExist(f"Activity Does Not Exist: '{arn}'")
        return record
