"""``.waitForTaskToken`` before callbacks: the token is at ``$$.Task.Token`` and the handler
answers for the worker (its return value is the SendTaskSuccess output)."""

from __future__ import annotations

from typing import Any

import aslrun

DEFINITION = {
    "StartAt": "Ask",
    "States": {
        "Ask": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {
                "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
                "MessageBody": {"token.$": "$$.Task.Token", "order.$": "$.order"},
            },
            "End": True,
        }
    },
}


def test_the_token_is_in_the_context_and_the_handler_answers() -> None:
    seen: list[dict[str, Any]] = []

    def worker(params: dict[str, Any]) -> dict[str, Any]:
        seen.append(params["MessageBody"])
        return {"approved": True}

    ex = aslrun.load(DEFINITION).run(
        {"order": 7}, handlers={"arn:aws:states:::sqs:sendMessage.waitForTaskToken": worker}
    )
    assert (ex.status, ex.output) == ("SUCCEEDED", {"approved": True})
    (body,) = seen
    assert body["order"] == 7
    assert len(body["token"]) == 36  # a fresh opaque token per attempt
    scheduled = next(e for e in ex.history if e["type"] == "TaskScheduled")
    assert scheduled["taskScheduledEventDetails"]["resourceType"] == "sqs"
    assert scheduled["taskScheduledEventDetails"]["resource"] == "sendMessage.waitForTaskToken"


def test_a_task_without_the_pattern_has_no_token() -> None:
    definition = {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": {"t.$": "$$.Task.Token"},
                "End": True,
            }
        },
    }
    ex = aslrun.load(definition).run({}, handlers={"T": lambda e: e})
    assert ex.status == "FAILED"
    assert ex.error == "States.Runtime"
    assert ex.cause == (
        "An error occurred while executing the state 'T' (entered at the event id #2). "
        "The JSONPath '$$.Task.Token' specified for the field 't.$' could not be found in "
        "the input '{}'"
    )
