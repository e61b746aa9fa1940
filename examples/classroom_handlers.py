"""Task handlers for the classroom workflows (examples/classroom.asl.json, its JSONata twin
examples/classroom.jsonata.asl.json, and examples/serverless.yml).

Each is written as a Lambda function would be, ``handler(event, context)``; aslrun passes a
context whose ``now()`` is the simulated time.  ``HANDLERS`` maps each Lambda function name
(the last part of the Task's ``Resource`` ARN) to its handler, which is how
``aslrun run --handlers examples/classroom_handlers.py`` finds them.  The names
``start_recorder``/``send_live_ping``/``stop_recorder`` are those examples/serverless.yml
deploys.

The two definitions hand the recording id over differently: the JSONPath one passes the whole
state data, where StartRecorder's result sits at ``$.recording`` (its ResultPath); the JSONata
one keeps the id in a variable and passes ``{"recordingId": ...}`` as the Task's Arguments.
The handlers read either shape.
"""

from __future__ import annotations

from typing import Any


def start_recorder(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Start recording the class; the result lands in ``$.recording`` (the Task's ResultPath)."""
    return {"recordingId": "rec-0001", "startedAt": _iso(context.now())}


def send_live_ping(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Tell the live stream the class is on air."""
    return {"recordingId": _recording_id(event), "pingedAt": _iso(context.now())}


def stop_recorder(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Stop the recording started by StartRecorder."""
    return {"recordingId": _recording_id(event), "stoppedAt": _iso(context.now())}


def _recording_id(event: dict[str, Any]) -> str:
    """``{"recordingId": ...}`` (JSONata Arguments) or ``{"recording": {"recordingId": ...}}``."""
    if "recordingId" in event:
        return str(event["recordingId"])
    return str(event["recording"]["recordingId"])


def _iso(moment: Any) -> str:
    return str(moment.strftime("%Y-%m-%dT%H:%M:%SZ"))


HANDLERS = {
    "StartRecorder": start_recorder,
    "SendLivePing": send_live_ping,
    "StopRecorder": stop_recorder,
}

# examples/serverless.yml declares the same functions as startRecorder, sendLivePing and
# stopRecorder (deployed as consult-api-dev-startRecorder, ...): aslrun resolves a deployed
# name to the key the file declares it under, so registering the keys is enough.
HANDLERS.update(
    {
        "startRecorder": start_recorder,
        "sendLivePing": send_live_ping,
        "stopRecorder": stop_recorder,
    }
)
