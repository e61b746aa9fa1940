"""The ``validate`` and ``list`` subcommands.

``aslrun validate FILE...`` prints every diagnostic (text, or JSON shaped like AWS's
ValidateStateMachineDefinition response) and exits 0 (no errors), 1 (errors) or 2 (a file
could not be read or parsed).  A template or serverless.yml holding several state machines
is validated machine by machine (``--state-machine`` picks one).  ``aslrun list FILE``
shows the state machines a file holds.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any, Final, TextIO

from aslrun._json import JSON
from aslrun.definition.loader import list_state_machines, state_machine_keys
from aslrun.definition.validate import validate
from aslrun.errors import Diagnostic, LoadError

__all__ = [
    "EXIT_ERRORS",
    "EXIT_OK",
    "EXIT_UNREADABLE",
    "add_source_options",
    "aws_location",
    "parse_vars",
    "register",
]

EXIT_OK: Final = 0
EXIT_ERRORS: Final = 1
EXIT_UNREADABLE: Final = 2


def register(subparsers: Any) -> None:
    """Add ``validate`` and ``list`` to an argparse subparsers object."""
    check = subparsers.add_parser(
        "validate",
        help="check definitions and report every problem with AWS's codes",
        description="Check state machine definitions (ASL JSON/YAML, serverless.yml, "
        "CloudFormation/SAM templates) and report every problem with AWS's diagnostic codes. "
        "A file holding several state machines is checked machine by machine. Exit status: "
        "0 no errors, 1 errors, 2 a file could not be read.",
    )
    check.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="ASL file (.json/.yaml), serverless.yml or CloudFormation/SAM template",
    )
    check.add_argument(
        "--output",
        choices=("text", "json"),
        default="text",
        help="text: one line per problem (default); json: ValidateStateMachineDefinition's shape",
    )
    check.add_argument(
        "--severity",
        choices=("ERROR", "WARNING"),
        default="WARNING",
        help="lowest severity to report (default: WARNING, i.e. all)",
    )
    _add_load_options(check)
    check.set_defaults(func=run_validate)
    listing = subparsers.add_parser(
        "list",
        help="list the state machines a file holds",
        description="List the state machines a serverless.yml or CloudFormation/SAM template "
        "holds (key, name, kind, number of states); load warnings go to stderr.",
    )
    listing.add_argument(
        "file", metavar="FILE", help="ASL file, serverless.yml or CloudFormation/SAM template"
    )
    listing.add_argument(
        "--output",
        choices=("text", "json"),
        default="text",
        help="text: a table (default); json: a list of objects",
    )
    _add_load_options(listing, pick=False)
    listing.set_defaults(func=run_list)


def _add_load_options(parser: argparse.ArgumentParser, *, pick: bool = True) -> None:
    if pick:
        parser.add_argument(
            "--state-machine",
            metavar="NAME",
            help="the state machine to check (key, logical id or name); default: all",
        )
    add_source_options(parser)
    parser.add_argument("--region", help="region for ARNs and ${opt:region}")


def add_source_options(parser: argparse.ArgumentParser) -> None:
    """How a definition's deploy-time values are filled (``--sub``, ``--var``, ``--stage``,
    ``--allow-outside``): the same for ``aslrun validate``, ``list`` and ``run``."""
    parser.add_argument(
        "--sub",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="fill a ${NAME} placeholder in the definition (repeatable)",
    )
    parser.add_argument("--stage", help="the Serverless stage (${opt:stage}, ${sls:stage})")
    parser.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a value only AWS knows: a CloudFormation parameter or export, 'Logical.Attr' "
        "for Fn::GetAtt, a Serverless source such as ssm:/path (repeatable; a JSON array or "
        "object is read as JSON, anything else as text)",
    )
    parser.add_argument(
        "--allow-outside",
        action="store_true",
        help="let ${file()} and DefinitionUri read outside the file's folder",
    )


def parse_vars(items: Sequence[str]) -> dict[str, JSON]:
    """``--var NAME=VALUE`` items as ``variables=``; raises LoadError on a malformed item."""
    variables: dict[str, JSON] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise LoadError(f"--var takes NAME=VALUE, got {item!r}")
        parsed: JSON = value
        if value.lstrip().startswith(("[", "{")):
            try:
                parsed = json.loads(value)
            except ValueError:
                raise LoadError(f"--var {name}: {value!r} is not valid JSON") from None
        variables[name] = parsed
    return variables


def _load_options(args: argparse.Namespace) -> dict[str, Any]:
    subs = {}
    for item in args.sub:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise LoadError(f"--sub takes NAME=VALUE, got {item!r}")
        subs[name] = value
    options: dict[str, Any] = {
        "substitutions": subs,
        "stage": args.stage,
        "region": args.region,
        "variables": parse_vars(args.var),
        "allow_outside": args.allow_outside,
    }
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


def _report(
    file: str, machine: str | None, diagnostics: list[Diagnostic], failed: bool
) -> dict[str, Any]:
    report: dict[str, Any] = {"file": file}
    if machine is not None:
        report["stateMachine"] = machine
    report.update(
        {
            "result": "FAIL" if failed else "OK",
            "diagnostics": [_as_json(d) for d in diagnostics],
            "truncated": False,
        }
    )
    return report


def _machines(file: str, options: dict[str, Any]) -> list[str | None]:
    """The machines to check: the one asked for, else every machine of a multi-machine file."""
    if "state_machine" in options:
        return [None]
    keys = state_machine_keys(file)
    return keys if len(keys) > 1 else [None]


def run_validate(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """``aslrun validate``: returns 0, 1 or 2."""
    reports: list[dict[str, Any]] = []
    status = EXIT_OK
    for file in args.files:
        try:
            options = _load_options(args)
            machines = _machines(file, options)
        except LoadError as exc:
            status = EXIT_UNREADABLE
            _unreadable(file, None, exc, args, reports, stderr)
            continue
        for machine in machines:
            picked = options if machine is None else {**options, "state_machine": machine}
            try:
                diagnostics = validate(file, **picked)
            except LoadError as exc:
                status = EXIT_UNREADABLE
                _unreadable(file, machine, exc, args, reports, stderr)
                continue
            failed = any(d.severity == "ERROR" for d in diagnostics)
            if failed and status == EXIT_OK:
                status = EXIT_ERRORS
            shown = [d for d in diagnostics if args.severity == "WARNING" or d.severity == "ERROR"]
            reports.append(_report(file, machine, shown, failed))
            if args.output == "text":
                label = file if machine is None else f"{file} [{machine}]"
                _print_text(label, shown, failed, stdout)
    if args.output == "json":
        if len(reports) == 1:
            del reports[0]["file"]
            json.dump(reports[0], stdout, indent=2)
        else:
            json.dump(reports, stdout, indent=2)
        stdout.write("\n")
    return status


def _unreadable(
    file: str,
    machine: str | None,
    exc: LoadError,
    args: argparse.Namespace,
    reports: list[dict[str, Any]],
    stderr: TextIO,
) -> None:
    problem = Diagnostic((), str(exc), "INVALID_JSON_DESCRIPTION")
    reports.append(_report(file, machine, [problem], failed=True))
    if args.output == "text":
        where = "" if machine is None else f"[{machine}] "
        print(f"{where}{exc}", file=stderr)


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
    for entry in entries:
        where = f"{args.file}" if entry.key is None else f"{args.file} [{entry.key}]"
        for warning in entry.warnings:
            print(f"{where}: {warning.severity} {warning.code} {warning}", file=stderr)
        if entry.error is not None:
            print(f"{where}: cannot load: {entry.error}", file=stderr)
    if args.output == "json":
        json.dump(
            [
                {
                    "key": e.key,
                    "name": e.name,
                    "kind": e.kind,
                    "states": e.states,
                    "warnings": [_as_json(w) for w in e.warnings],
                    **({"error": e.error} if e.error is not None else {}),
                }
                for e in entries
            ],
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
