"""The ``aslrun`` command line.

``main(argv)`` is the console script; it calls ``run(argv, stdout, stderr)``, which never
touches ``sys.stdout``/``sys.stderr`` itself and returns an :class:`ExitCode`:

* ``0`` (OK): the execution succeeded (``run``), or the command did its job;
* ``1`` (EXECUTION_FAILED): the execution ended FAILED, TIMED_OUT or ABORTED;
* ``2`` (INVALID_INPUT): nothing was run: bad arguments, unreadable or invalid definition,
  malformed input JSON, or a handlers module that cannot be loaded.  The message says where
  the problem is; no traceback is printed.

``aslrun run`` is defined here; ``validate`` and ``list`` come from :mod:`aslrun.cli.validate`.
"""

from __future__ import annotations

import argparse
import enum
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from aslrun.api import Execution, load
from aslrun.cli import timeline
from aslrun.errors import AslrunError
from aslrun.handlers.modules import collect_handlers, load_handler_module
from aslrun.runtime.clock import RealClock, VirtualClock

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

__all__ = ["ExitCode", "main", "run"]

Handler = Callable[..., Any]


class ExitCode(enum.IntEnum):
    """The process exit status: "could not run" is kept apart from "ran and failed"."""

    OK = 0
    EXECUTION_FAILED = 1
    INVALID_INPUT = 2


class UsageError(AslrunError):
    """A command-line argument is malformed; the message names the option."""


class _Exit(Exception):
    """argparse wants to stop (``--help``, a usage error); carries the exit status."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that writes to injected streams and raises instead of exiting."""

    streams: tuple[TextIO, TextIO] | None = None
    command_names: tuple[str, ...] = ()

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if not message:
            return
        if self.streams is None:
            super()._print_message(message, file)
            return
        out, err = self.streams
        (err if file is sys.stderr else out).write(message)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            self._print_message(message, sys.stderr)
        raise _Exit(status)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(ExitCode.INVALID_INPUT, f"{self.prog}: error: {message}\n")


def _build_parser(stdout: TextIO, stderr: TextIO) -> _Parser:
    parser = _Parser(
        prog="aslrun",
        description="Run AWS Step Functions state machines (Amazon States Language) locally, "
        "on a virtual clock.",
        epilog="Exit status: 0 succeeded, 1 the execution did not succeed (or the definition "
        "has errors, for validate), 2 bad input: nothing was run.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_run(commands)
    try:
        from aslrun.cli import validate as cli_validate  # noqa: PLC0415 - loaded only for validate/list
    except ImportError:
        pass
    else:
        cli_validate.register(commands)
    from aslrun.toolkit import cli_graph  # noqa: PLC0415 - the toolkit's command: aslrun graph

    cli_graph.register(commands)
    for sub in {id(p): p for p in commands.choices.values()}.values():
        if isinstance(sub, _Parser):
            sub.streams = (stdout, stderr)
    parser.streams = (stdout, stderr)
    parser.command_names = tuple(commands.choices)
    return parser


def _add_run(commands: Any) -> None:
    cmd = commands.add_parser(
        "run",
        help="run a state machine to its end and print its timeline",
        description="Run a state machine to its end (on a virtual clock by default: Wait "
        "states take no time) and print a timeline of its history, then its status and "
        "output (or error and cause).",
    )
    _add_run_inputs(cmd)
    _add_run_outputs(cmd)
    _add_run_loading(cmd)
    cmd.set_defaults(func=run_command)


def _add_run_inputs(cmd: argparse.ArgumentParser) -> None:
    """What is run: the definition, its input and the Task handlers."""
    cmd.add_argument(
        "definition",
        metavar="DEFINITION",
        help="ASL file (.json/.yaml), serverless.yml or CloudFormation/SAM template",
    )
    given = cmd.add_mutually_exclusive_group()
    given.add_argument("--input", metavar="JSON", help="the execution input, as JSON text")
    given.add_argument("--input-file", metavar="FILE", help="read the execution input from FILE")
    cmd.add_argument(
        "--handlers",
        action="append",
        default=[],
        metavar="FILE.py|package.module",
        help="a module offering Task handlers: a HANDLERS mapping and/or functions decorated "
        "with @aslrun.handler (repeatable; later modules win on the same key)",
    )


def _add_run_outputs(cmd: argparse.ArgumentParser) -> None:
    """How it runs and what is printed: the clock, the execution name, the report."""
    cmd.add_argument(
        "--clock",
        choices=("virtual", "real"),
        default="virtual",
        help="virtual: jump over waits (default); real: wait on the wall clock",
    )
    cmd.add_argument(
        "--start",
        metavar="ISO-TIME",
        help="the virtual clock's start time (default: now), e.g. 2026-11-30T12:00:00Z",
    )
    cmd.add_argument("--name", help="the execution name (default: a UUID)")
    cmd.add_argument(
        "--output",
        choices=("text", "json"),
        default="text",
        help="text: a timeline (default); json: DescribeExecution's shape",
    )
    cmd.add_argument(
        "--history",
        action="store_true",
        help="text: show every event's details; json: add the history events",
    )


def _add_run_loading(cmd: argparse.ArgumentParser) -> None:
    """How the definition is read out of its file, and the seed for repeatable runs."""
    cmd.add_argument(
        "--state-machine",
        metavar="NAME",
        help="which state machine of a serverless.yml or template to run",
    )
    cmd.add_argument(
        "--sub",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="fill a ${NAME} placeholder in the definition (repeatable)",
    )
    cmd.add_argument("--stage", help="the Serverless stage (${opt:stage}, ${sls:stage})")
    cmd.add_argument(
        "--region", default=None, help="region for ARNs (default: the file's, else us-east-1)"
    )
    cmd.add_argument(
        "--seed",
        type=int,
        metavar="N",
        help="seed for request ids and retry jitter, for repeatable runs",
    )
    cmd.add_argument(
        "--freeze-time",
        action="store_true",
        help="handlers calling datetime.now()/time.time() see the simulated time (freezegun)",
    )


# -- aslrun run --------------------------------------------------------------------------------


def run_command(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """``aslrun run``: load, run to the end, report; returns an :class:`ExitCode`."""
    try:
        clock = _clock(args.clock, args.start)
        input_value = _input(args.input, args.input_file)
        handlers = _handlers(args.handlers)
        machine = load(
            args.definition,
            state_machine=args.state_machine,
            substitutions=_substitutions(args.sub),
            stage=args.stage,
            region=args.region,
        )
    except AslrunError as exc:
        stderr.write(f"aslrun run: {exc}\n")
        return ExitCode.INVALID_INPUT
    try:
        execution = machine.run(
            input_value,
            handlers=handlers,
            clock=clock,
            name=args.name,
            seed=args.seed,
            freeze_time=args.freeze_time,
        )
    except AslrunError as exc:  # e.g. an input over 256 KiB: refused before anything runs
        stderr.write(f"aslrun run: {exc}\n")
        return ExitCode.INVALID_INPUT
    if args.output == "json":
        json.dump(_describe(execution, history=args.history), stdout, indent=2, ensure_ascii=False)
        stdout.write("\n")
    else:
        stdout.write(f"{machine.name}: execution {execution.name} ({args.clock} clock)\n")
        for line in timeline.render(execution, details=args.history, clock=args.clock):
            stdout.write(line + "\n")
    return ExitCode.OK if execution.status == "SUCCEEDED" else ExitCode.EXECUTION_FAILED


def _clock(kind: str, start: str | None) -> VirtualClock:
    if kind == "real":
        if start is not None:
            raise UsageError("--start applies to the virtual clock only (not with --clock real)")
        return RealClock()
    if start is None:
        return VirtualClock()
    try:
        return VirtualClock(start)
    except (ValueError, OverflowError) as exc:
        raise UsageError(f"--start: {start!r} is not an ISO 8601 time ({exc})") from None


def _input(text: str | None, file: str | None) -> Any:
    if file is not None:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--input-file: cannot read {file}: {exc.strerror}") from None
        where = f"--input-file {file}"
    elif text is None:
        return {}
    else:
        where = "--input"
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{where}: invalid JSON at line {exc.lineno} column {exc.colno} "
            f"(char {exc.pos}): {exc.msg}"
        ) from None


def _handlers(specs: Sequence[str]) -> dict[str, Handler]:
    handlers: dict[str, Handler] = {}
    for spec in specs:
        handlers.update(collect_handlers(load_handler_module(spec)))
    return handlers


def _substitutions(items: Sequence[str]) -> dict[str, str]:
    subs: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--sub takes NAME=VALUE, got {item!r}")
        subs[name] = value
    return subs


def _describe(execution: Execution, *, history: bool) -> dict[str, Any]:
    out = _iso(execution.describe())
    if history:
        out["history"] = [_iso(event) for event in execution.history]
    return out


def _iso(value: Mapping[str, Any]) -> dict[str, Any]:
    """Datetimes as the AWS CLI prints them (``datetime.isoformat()``)."""
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in value.items()}


# -- entry points --------------------------------------------------------------------------------


def run(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """Parse ``argv`` (without the program name), run the command, return its exit code."""
    parser = _build_parser(stdout, stderr)
    try:
        args = parser.parse_args(list(argv))
    except _Exit as stop:
        return stop.status
    func = getattr(args, "func", None)
    if func is None:
        commands = parser.command_names
        stderr.write(parser.format_usage())
        stderr.write(f"aslrun: error: a command is required ({', '.join(commands)})\n")
        return ExitCode.INVALID_INPUT
    status: int = func(args, stdout, stderr)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """The ``aslrun`` console script."""
    return run(sys.argv[1:] if argv is None else argv, sys.stdout, sys.stderr)
