"""The ``validate`` and ``list`` subcommands.

``aslrun validate FILE...`` prints every diagnostic (text, or JSON shaped like AWS's
ValidateStateMachineDefinition response) and exits 0 (no errors), 1 (errors) or 2 (a file
could not be read or parsed).  ``aslrun list FILE`` shows the state machines a file holds.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any, Final, TextIO

from aslrun.definition.loader import list_state_machines
from aslrun.definition.validate import validate
from aslrun.errors import Diagnostic, LoadError

__all__ = ["EXIT_ERRORS", "EXIT_OK", "EXIT_UNREADABLE", "aws_location", "register"]

EXIT_OK: Final = 0
EXIT_ERRORS: Final = 1
EXIT_UNREADABLE: Final = 2


def register(subparsers: Any) -> None:
    """Add ``validate`` and ``list`` to an argparse subparsers object."""
    check = subparsers.add_parser(
        "validate", help="check definitions and report every problem with AWS's codes"
    )
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--output", choices=("text", "json"), default="text")
    check.add_argument(
        "--severity",
        choices=("ERROR", "WARNING"),
        default="WARNING",
        help="lowest severity to report (default: WARNING, i.e. all)",
    )
    _add_load_options(check)
    check.set_defaults(func=run_validate)
    listing = subparsers.add_parser("list", help="list the state machines a file holds")
    listing.add_argument("file", metavar="FILE")
    listing.add_argument("--output", choices=("text", "json"), default="text")
    _add_load_options(listing, pick=False)
    listing.set_defaults(func=run_list)


def _add_load_options(parser: argparse.ArgumentParser, *, pick: bool = True) -> None:
    if pick:
        parser.add_argument(
            "--state-machine",
            metavar="NAME",
            help="the state machine to use (key, logical id or name)",
        )
    parser.add_argument(
        "--sub",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="fill a ${NAME} placeholder (repeatable)",
    )
    parser.add_argument("--stage", help="Serverless stage (${opt:stage}, ${sls:stage})")
    parser.add_argument("--region", help="region for ARNs and ${opt:region}")


def _load_options(args: argparse.Namespace) -> dict[str, Any]:
    subs = {}
    for item in args.sub:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise LoadError(f"--sub takes NAME=VALUE, got {item!r}")
        subs[name] = value
    options: dict[str, Any] = {"substitutions": subs, "stage": args.stage, "region": args.region}
    if getattr(args, "state_machine", None) is not None:
        options["state_machine"] = args.state_machine
    return options


def aws_location(path: Sequence[str | int]) -> str:
    """AWS's location format: ``/States/C/Choices[0]/Next``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f"/{part}"
    return out or "/"


def _as_json(diagnostic: Diagnostic) -> dict[str, str]:
    return {
        "severity": diagnostic.severity,
        "code": diagnostic.code,
        "message": diagnostic.message,
        "location": aws_location(diagnostic.path),
    }


def _report(file: str, diagnostics: list[Diagnostic], failed: bool) -> dict[str, Any]:
    return {
        "file": file,
        "result": "FAIL" if failed else "OK",
        "diagnostics": [_as_json(d) for d in diagnostics],
        "truncated": False,
    }


def run_validate(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """``aslrun validate``: returns 0, 1 or 2."""
    reports, status = [], EXIT_OK
    for file in args.files:
        try:
            diagnostics = validate(file, **_load_options(args))
        except LoadError as exc:
            status = EXIT_UNREADABLE
            problem = Diagnostic((), str(exc), "INVALID_JSON_DESCRIPTION")
            reports.append(_report(file, [problem], failed=True))
            if args.output == "text":
                print(f"{exc}", file=stderr)
            continue
        failed = any(d.severity == "ERROR" for d in diagnostics)
        if failed and status == EXIT_OK:
            status = EXIT_ERRORS
        shown = [d for d in diagnostics if args.severity == "WARNING" or d.severity == "ERROR"]
        reports.append(_report(file, shown, failed))
        if args.output == "text":
            _print_text(file, shown, failed, stdout)
    if args.output == "json":
        if len(reports) == 1:
            del reports[0]["file"]
            json.dump(reports[0], stdout, indent=2)
        else:
            json.dump(reports, stdout, indent=2)
        stdout.write("\n")
    return status


def _print_text(file: str, shown: list[Diagnostic], failed: bool, stdout: TextIO) -> None:
    for d in shown:
        print(f"{file}: {d.severity} {d.code} {d}", file=stdout)
    errors = sum(d.severity == "ERROR" for d in shown)
    warnings = len(shown) - errors
    verdict = "FAIL" if failed else "OK"
    print(
        f"{file}: {verdict} ({errors} error{'s' * (errors != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)})",
        file=stdout,
    )


def run_list(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """``aslrun list``: returns 0, or 2 when the file cannot be read."""
    try:
        entries = list_state_machines(args.file, **_load_options(args))
    except LoadError as exc:
        print(f"{exc}", file=stderr)
        return EXIT_UNREADABLE
    if args.output == "json":
        json.dump(
            [{"key": e.key, "name": e.name, "kind": e.kind, "states": e.states} for e in entries],
            stdout,
            indent=2,
        )
        stdout.write("\n")
        return EXIT_OK
    rows = [("KEY", "NAME", "KIND", "STATES")] + [
        (e.key or "-", e.name or "-", e.kind, "?" if e.states is None else str(e.states))
        for e in entries
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        print(
            "  ".join(c.ljust(w) for c, w in zip(row[:3], widths, strict=True)) + "  " + row[3],
            file=stdout,
        )
    return EXIT_OK
