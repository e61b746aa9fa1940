"""The service the durability tests kill: ``python durable_child.py DIR MODE``.

``kill``: creates the machines of ``test_durable``, starts one execution of each, advances
1000 simulated seconds, prints ``READY <json>`` (what it recorded) and blocks until killed.
``nested``: two parents each wait on a child (``startExecution.sync:2`` and ``.sync``) whose
Wait is still running; advances 1000 simulated seconds, prints ``READY <json>``, blocks.
``loop``: starts executions and moves the clock forever, printing a line per round.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from aslrun.handlers.registry import HandlerContext
from aslrun.runtime.clock import VirtualClock
from aslrun.service import StepFunctions

START = "2024-01-01T00:00:00Z"
ROLE = "arn:aws:iam::123456789012:role/durable"
QUEUE = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
SLOW = "arn:aws:lambda:us-east-1:123456789012:function:slow"
ECHO = "arn:aws:lambda:us-east-1:123456789012:function:echo"
CALLS: list[str] = []


def notify(event: Any, context: HandlerContext) -> dict[str, Any]:
    CALLS.append("notify")
    return {"MessageId": "m-1"}


def slow(event: Any, context: HandlerContext) -> dict[str, Any]:
    CALLS.append("slow")
    context.sleep(5000)  # still running when the service is killed
    return {"slow": True}


def echo(event: Any, context: HandlerContext) -> Any:
    return event


HANDLERS = {QUEUE: notify, "slow": slow, "echo": echo}

MACHINES: dict[str, dict[str, Any]] = {
    "done": {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"a": 1}, "End": True}}},
    "fail": {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "C"}}},
    "wait": {
        "StartAt": "W",
        "States": {
            "W": {"Type": "Wait", "Seconds": 3600, "Next": "P"},
            "P": {"Type": "Pass", "End": True},
        },
    },
    "callback": {
        "StartAt": "Ask",
        "States": {
            "Ask": {
                "Type": "Task",
                "Resource": QUEUE,
                "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
                "End": True,
            }
        },
    },
    "slow": {"StartAt": "S", "States": {"S": {"Type": "Task", "Resource": SLOW, "End": True}}},
    "loop": {
        "StartAt": "P",
        "States": {
            "P": {"Type": "Pass", "Next": "W"},
            "W": {"Type": "Wait", "Seconds": 10, "Next": "T"},
            "T": {"Type": "Task", "Resource": ECHO, "End": True},
        },
    },
}


KID = "arn:aws:states:us-east-1:123456789012:stateMachine:kid"


def _parent(pattern: str, name: str) -> dict[str, Any]:
    task = {
        "Type": "Task",
        "Resource": f"arn:aws:states:::states:startExecution{pattern}",
        "Parameters": {"StateMachineArn": KID, "Input": {"x": 1}, "Name": name},
        "End": True,
    }
    return {"StartAt": "Run", "States": {"Run": task}}


NESTED: dict[str, dict[str, Any]] = {
    "kid": {
        "StartAt": "W",
        "States": {
            "W": {"Type": "Wait", "Seconds": 3600, "Next": "P"},
            "P": {"Type": "Pass", "Result": {"kid": "done"}, "End": True},
        },
    },
    "parent2": _parent(".sync:2", "kid-a"),
    "parent1": _parent(".sync", "kid-b"),
}


def service(state_dir: str) -> StepFunctions:
    return StepFunctions(clock=VirtualClock(START), seed=3, handlers=HANDLERS, state_dir=state_dir)


def arn_of(sfn: StepFunctions, name: str) -> str:
    return f"arn:aws:states:us-east-1:123456789012:stateMachine:{name}"


def kill_mode(sfn: StepFunctions) -> None:
    out: dict[str, Any] = {}
    for name in ("done", "fail", "wait", "callback", "slow"):
        defn = json.dumps(MACHINES[name])
        arn = sfn.create_state_machine(name=name, definition=defn, roleArn=ROLE)
        ex = sfn.start_execution(stateMachineArn=arn["stateMachineArn"], name="x", input="{}")
        out[name] = ex["executionArn"]
    sfn.step()
    sfn.advance(1000)
    histories = {
        name: sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
        for name, arn in out.items()
    }
    dumped = json.dumps({"arns": out, "calls": CALLS, "histories": histories}, default=str)
    print("READY", dumped, flush=True)
    sys.stdin.read()  # until killed


def nested_mode(sfn: StepFunctions) -> None:
    out: dict[str, Any] = {}
    for name, defn in NESTED.items():
        sfn.create_state_machine(name=name, definition=json.dumps(defn), roleArn=ROLE)
    for name in ("parent2", "parent1"):
        ex = sfn.start_execution(stateMachineArn=arn_of(sfn, name), name="p", input="{}")
        out[name] = ex["executionArn"]
    sfn.advance(1000)
    kids = sfn.list_executions(stateMachineArn=KID)["executions"]
    out.update({k["name"]: k["executionArn"] for k in kids})
    histories = {
        name: sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
        for name, arn in out.items()
    }
    print("READY", json.dumps({"arns": out, "histories": histories}, default=str), flush=True)
    sys.stdin.read()  # until killed


def loop_mode(sfn: StepFunctions) -> None:
    defn = json.dumps(MACHINES["loop"])
    arn = sfn.create_state_machine(name="loop", definition=defn, roleArn=ROLE)
    i = 0
    while True:  # ends when the test kills it
        sfn.start_execution(stateMachineArn=arn["stateMachineArn"], input=json.dumps({"i": i}))
        sfn.advance(3)
        print(i, flush=True)
        i += 1


if __name__ == "__main__":
    mode = sys.argv[2]
    sfn = service(sys.argv[1])
    {"kill": kill_mode, "nested": nested_mode, "loop": loop_mode}[mode](sfn)
