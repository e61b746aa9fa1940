"""``aslrun test-state``: AWS's TestState offline, from the command line.

``aslrun test-state FILE --state NAME [--input JSON | --input-file F] [--mock JSON]
[--inspection-level INFO|DEBUG] [--variables JSON] [--context JSON]
[--state-configuration JSON] [--handlers MODULE]``.  Prints TestState's response as JSON.
Exit status: 0 when the test ran, whatever its status (SUCCEEDED, FAILED, RETRIABLE,
CAUGHT_ERROR); 2 for bad input.
"""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from aslrun.errors import AslrunError
from aslrun.toolkit.test_state import INSPECTION_LEVELS, TestStateError, test_state

__all__ = ["register", "test_state_command"]


def register(subparsers: Any, *, read_input: Any, load_handlers: Any) -> None:
    """Add ``test-state`` to an argparse subparsers object; ``read_input(text, file)`` and
    ``load_handlers(specs)`` are ``aslrun run``'s readers (``aslrun.cli.inputs``)."""
    cmd = subparsers.add_parser(
        "test-state",
        help="run one state alone, as AWS's TestState API does",
        description="Run one state of a definition alone and print TestState's response "
        "(status, output, nextState, error, cause, inspectionData).",
    )
    cmd.add_argument("definition", metavar="FILE", help="the state machine definition")
    cmd.add_argument("--state", metavar="NAME", help="the state to test (default: StartAt)")
    cmd.add_argument("--input", metavar="JSON", help="the state's input (default: {})")
    cmd.add_argument("--input-file", metavar="FILE", help="read the input from FILE")
    cmd.add_argument("--mock", metavar="JSON", help='{"result": "..."} or {"errorOutput": ...}')
    cmd.add_argument("--inspection-level", choices=INSPECTION_LEVELS, default="INFO")
    cmd.add_argument("--variables", metavar="JSON", help="variables the state can read")
    cmd.add_argument("--context", metavar="JSON", help="Context object fields (with --mock)")
    cmd.add_argument("--state-configuration", metavar="JSON", help='e.g. {"retrierRetryCount": 1}')
    cmd.add_argument("--handlers", action="append", default=[], metavar="MODULE")
    cmd.set_defaults(func=test_state_command, read_input=read_input, load_handlers=load_handlers)


def _json(option: str, text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise TestStateError("ValidationException", f"{option}: not valid JSON ({exc})") from None


def test_state_command(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from aslrun.api import load  # noqa: PLC0415 - loaded on use

    try:
        machine = load(args.definition)
        definition = dict(machine.definition)
        value = args.read_input(args.input, args.input_file)
        answer = test_state(
            definition=definition,
            stateName=args.state if args.state is not None else definition.get("StartAt"),
            input=json.dumps(value) if value is not None else None,
            inspectionLevel=args.inspection_level,
            mock=_json("--mock", args.mock),
            variables=_json("--variables", args.variables),
            context=args.context,
            stateConfiguration=_json("--state-configuration", args.state_configuration),
            handlers=args.load_handlers(args.handlers),
        )
    except TestStateError as exc:
        stderr.write(f"aslrun test-state: {exc.code}: {exc.message}\n")
        return 2
    except AslrunError as exc:
        stderr.write(f"aslrun test-state: {exc}\n")
        return 2
    stdout.write(json.dumps(answer, indent=2) + "\n")
    return 0
