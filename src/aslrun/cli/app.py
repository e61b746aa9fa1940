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
import io
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from importlib import metadata
from typing import TYPE_CHECKING, Any, Final, NoReturn, TextIO

from aslrun.api import Execution, StateMachine, load
from aslrun.cli import hints, inputs, run_options, timeline
from aslrun.errors import AslrunError, InvalidExecutionInput
from aslrun.handlers.registry import require_freezegun
from aslrun.runtime.clock import VirtualClock
from aslrun.runtime.history import HistoryEvent

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

__all__ = ["ExitCode", "main", "run"]

Handler = Callable[..., Any]

_LIVE_ID_WIDTH: Final = 4  # the live timeline cannot know how many events will come
_LIVE_STATE_WIDTH: Final = 40
_INTERNAL_TEXT: Final = 300
_SIGPIPE_STATUS: Final = 128 + 13  # what a shell reports for a process ended by SIGPIPE
_SIGINT_STATUS: Final = 128 + 2  # ... and by SIGINT (Ctrl-C)


class ExitCode(enum.IntEnum):
    """The process exit status: "could not run" is kept apart from "ran and failed"."""

    OK = 0
    EXECUTION_FAILED = 1
    INVALID_INPUT = 2


UsageError = inputs.UsageError


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
    parser.add_argument(
        "--version", action="version", version=f"aslrun {_version()}", help="print the version"
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
    from aslrun.toolkit import cli_test_state  # noqa: PLC0415 - aslrun test-state

    cli_test_state.register(
        commands, read_input=inputs.execution_input, load_handlers=inputs.handlers
    )
    from aslrun.cli import serve as cli_server  # noqa: PLC0415 - aslrun serve / aslrun clock

    cli_server.register(commands)
    for sub in {id(p): p for p in commands.choices.values()}.values():
        if isinstance(sub, _Parser):
            sub.streams = (stdout, stderr)
    parser.streams = (stdout, stderr)
    parser.command_names = tuple(commands.choices)
    return parser


def _version() -> str:
    try:
        return metadata.version("aslrun")
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        return "unknown"


def _add_run(commands: Any) -> None:
    cmd = commands.add_parser(
        "run",
        help="run a state machine to its end and print its timeline",
        description="Run a state machine to its end (on a virtual clock by default: Wait "
        "states take no time) and print a timeline of its history, then its status and "
        "output (or error and cause).",
    )
    run_options.add_inputs(cmd)
    run_options.add_outputs(cmd)
    run_options.add_loading(cmd)
    cmd.set_defaults(func=run_command)


# -- aslrun run --------------------------------------------------------------------------------


def run_command(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """``aslrun run``: load, run to the end, report; returns an :class:`ExitCode`."""
    from aslrun.cli import validate as cli_validate  # noqa: PLC0415 - loaded on use

    try:
        if args.freeze_time:
            _require_freezegun()
        clock = inputs.clock(args.clock, args.start)
        name = inputs.execution_name(args.name)
        input_value = inputs.execution_input(args.input, args.input_file)
        handlers = inputs.handlers(args.handlers)
        mock_config = _mock_config(args, os.environ)
        machine = load(
            args.definition,
            name=args.machine_name,
            state_machine=args.state_machine,
            substitutions=inputs.substitutions(args.sub),
            stage=args.stage,
            region=args.region,
            type=args.type,
            variables=cli_validate.parse_vars(args.var),
            allow_outside=args.allow_outside,
        )
        for warning in machine.load_warnings:  # placeholders: say which values are not real
            stderr.write(f"aslrun run: {warning.severity} {warning.code} {warning}\n")
    except AslrunError as exc:
        stderr.write(f"aslrun run: {exc}\n")
        return ExitCode.INVALID_INPUT
    live = args.clock == "real" and args.output == "text"
    try:
        execution = machine.start(
            input_value,
            handlers=handlers,
            clock=clock,
            name=name,
            seed=args.seed,
            freeze_time=args.freeze_time,
            mock_config=mock_config,
            test_case=args.test_case,
            mock_validation=args.mock_validation,
        )
    except InvalidExecutionInput as exc:  # e.g. over 256 KiB: refused before anything runs
        source = "--input" if args.input is not None else f"--input-file {args.input_file}"
        stderr.write(f"aslrun run: {source}: {exc}\n")
        return ExitCode.INVALID_INPUT
    except AslrunError as exc:
        stderr.write(f"aslrun run: {exc}\n")
        return ExitCode.INVALID_INPUT
    if live:
        _stream(machine, execution, clock, args, stdout)
    else:
        _run_to_end(execution, clock)
        _report(machine, execution, args, stdout)
    if args.coverage is not None:
        _coverage(machine, execution, args.coverage, stderr)
    for hint in hints.missing_handlers(execution.history, handlers, machine.function_aliases):
        stderr.write(f"aslrun run: {hint}\n")
    for hint in hints.waiting_for_tokens(execution):
        stderr.write(f"aslrun run: {hint}\n")
    return ExitCode.OK if execution.status == "SUCCEEDED" else ExitCode.EXECUTION_FAILED


def _coverage(machine: StateMachine, execution: Execution, target: str, stderr: TextIO) -> None:
    from aslrun.toolkit.coverage_report import write_run_coverage  # noqa: PLC0415 - the toolkit, loaded on use

    write_run_coverage(machine, execution, target, stderr)


def _mock_config(args: argparse.Namespace, environ: Mapping[str, str]) -> str | None:
    """--mock-config, else SFN_MOCK_CONFIG (used, as by Step Functions Local, only with a
    test case)."""
    path = args.mock_config or (environ.get("SFN_MOCK_CONFIG") if args.test_case else None)
    if args.test_case and not path:
        raise inputs.UsageError(
            "--test-case needs a mock configuration: --mock-config FILE or the "
            "SFN_MOCK_CONFIG environment variable"
        )
    if path and not args.test_case:
        raise inputs.UsageError("--mock-config needs --test-case NAME (which test case to run)")
    return path or None


def _require_freezegun() -> None:
    try:
        require_freezegun()
    except ImportError:
        raise inputs.UsageError(
            "--freeze-time needs freezegun, which is not installed: install "
            "aslrun[freezegun] (pip install 'aslrun[freezegun]')"
        ) from None


def _run_to_end(execution: Execution, clock: VirtualClock) -> None:
    while not execution.done and clock.step():
        pass


def _report(
    machine: StateMachine, execution: Execution, args: argparse.Namespace, stdout: TextIO
) -> None:
    if args.output == "json":
        described = _describe(execution, history=args.history)
        json.dump(described, stdout, indent=2, ensure_ascii=not _unicode(stdout))
        stdout.write("\n")
        return
    stdout.write(f"{machine.name}: execution {execution.name} ({args.clock} clock)\n")
    for line in timeline.render(execution, details=args.history, clock=args.clock):
        stdout.write(line + "\n")


def _stream(
    machine: StateMachine,
    execution: Execution,
    clock: VirtualClock,
    args: argparse.Namespace,
    stdout: TextIO,
) -> None:
    """The real clock: each timeline line is printed as its event is recorded."""
    names = timeline.definition_state_names(machine.definition)
    table = timeline.Timeline(
        width=min(max([0, *map(len, names)]), _LIVE_STATE_WIDTH),
        id_width=_LIVE_ID_WIDTH,
        details=args.history,
    )

    def show(event: HistoryEvent) -> None:
        for line in table.lines(event.as_dict()):
            stdout.write(line + "\n")
        stdout.flush()

    stdout.write(f"{machine.name}: execution {execution.name} ({args.clock} clock)\n")
    stdout.write(table.header() + "\n")
    for event in execution.events:  # recorded by start(): ExecutionStarted
        show(event)
    execution.events.listener = show
    try:
        _run_to_end(execution, clock)
    finally:
        execution.events.listener = None
    for line in timeline.outcome(execution, args.clock):
        stdout.write(line + "\n")


def _unicode(stream: TextIO) -> bool:
    """Whether ``stream`` takes any text (StringIO, UTF-8); JSON for others uses escapes."""
    encoding = getattr(stream, "encoding", None)
    return encoding is None or encoding.lower().replace("_", "-") in ("utf-8", "utf8")


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
    """Parse ``argv`` (without the program name), run the command, return its exit code.

    Whatever goes wrong ends in one line on ``stderr`` and an exit code, never a traceback:
    an exception no command expected is reported as a bug (exit 2).
    """
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
    try:
        status: int = func(args, stdout, stderr)
    except BrokenPipeError:  # the reader went away (`aslrun run ... | head`): main() ends quietly
        raise
    except SystemExit as stop:  # only user code (a Task handler) calls sys.exit mid-command
        stderr.write(
            f"aslrun {args.command}: {_files(args)}the run was ended by sys.exit({stop.code!r}) "
            "in a Task handler; a handler should return a result or raise an exception\n"
        )
        return ExitCode.INVALID_INPUT
    except Exception as exc:  # the last net; each known failure has its own message
        stderr.write(_internal_error(args, exc) + "\n")
        return ExitCode.INVALID_INPUT
    return status


def _files(args: argparse.Namespace) -> str:
    """``FILE: `` for each definition file on the command line."""
    files = [getattr(args, "definition", None), getattr(args, "file", None)]
    files += getattr(args, "files", None) or []
    return "".join(f"{f}: " for f in files if f is not None)


def _internal_error(args: argparse.Namespace, exc: Exception) -> str:
    where = _files(args)
    text = " ".join(str(exc).split())
    if len(text) > _INTERNAL_TEXT:
        text = text[: _INTERNAL_TEXT - 3] + "..."
    return (
        f"aslrun {args.command}: {where}internal error: {type(exc).__name__}: {text} "
        "(this is a bug in aslrun; please report it)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """The ``aslrun`` console script.

    Text a terminal's encoding cannot show is written as escapes rather than failing; a
    reader that closes the pipe early (``aslrun run ... | head``) ends the command quietly
    with the shell's status for SIGPIPE (141), Ctrl-C with one line and SIGINT's (130).
    """
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    try:
        return run(sys.argv[1:] if argv is None else argv, sys.stdout, sys.stderr)
    except KeyboardInterrupt:  # Ctrl-C, e.g. during a --clock real run
        sys.stderr.write("aslrun: interrupted\n")
        return _SIGINT_STATUS
    except BrokenPipeError:
        # Python would complain again when it flushes stdout at exit: point it at devnull.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return _SIGPIPE_STATUS
