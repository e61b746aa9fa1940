"""``aslrun graph``: draw a definition, and an execution's path over it.

``aslrun graph FILE [--format svg|mermaid|dot] [--execution HISTORY.json] [-o OUT]``.  The
format defaults to the output file's suffix (``.svg``, ``.mmd``/``.md``, ``.dot``/``.gv``),
else SVG.  ``--execution`` reads a history as ``aslrun run --output json --history`` prints it,
as ``aws stepfunctions get-execution-history`` prints it, or a bare list of events.
Exit status: 0 drawn, 2 nothing drawn (bad file, bad history, missing ``graph`` extra).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from aslrun.errors import AslrunError
from aslrun.toolkit.graph import FORMATS, Format, render
from aslrun.toolkit.graph_overlay import events_of, read_history

__all__ = ["graph_command", "register"]

_SUFFIXES: dict[str, Format] = {
    ".svg": "svg",
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
    ".md": "mermaid",
    ".dot": "dot",
    ".gv": "dot",
}


def register(subparsers: Any) -> None:
    """Add ``graph`` to an argparse subparsers object."""
    cmd = subparsers.add_parser(
        "graph",
        help="draw a state machine (and an execution's path) as SVG, Mermaid or DOT",
        description="Draw a state machine as AWS's console does: states in their type's "
        "shape, labelled transitions, Parallel branches and Map processors nested.  With "
        "--execution, colour each state by its outcome (succeeded, failed, caught, retried, "
        "not reached) and draw the transitions taken.",
    )
    cmd.add_argument(
        "definition", metavar="DEFINITION", help="ASL file, serverless.yml or template"
    )
    cmd.add_argument(
        "--format",
        choices=FORMATS,
        help="svg (default; needs aslrun[graph]), mermaid (GitHub markdown) or dot (graphviz); "
        "default: from the output file's suffix",
    )
    cmd.add_argument(
        "--execution",
        metavar="HISTORY.json",
        help="an execution's history: aslrun run --output json --history, "
        "get-execution-history, or a list of events",
    )
    cmd.add_argument("-o", "--output", metavar="OUT", help="write here (default: stdout)")
    cmd.add_argument("--state-machine", metavar="NAME", help="which state machine of the file")
    cmd.set_defaults(func=graph_command)


def graph_command(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Run ``aslrun graph``; returns 0, or 2 when nothing could be drawn."""
    from aslrun.api import load  # noqa: PLC0415 - the CLI loads the engine only when drawing

    out = Path(args.output) if args.output else None
    fmt: Format = args.format or (_SUFFIXES.get(out.suffix.lower(), "svg") if out else "svg")
    try:
        machine = load(args.definition, state_machine=args.state_machine)
        history = _history(args.execution) if args.execution else None
        text = render(machine.definition, fmt, history, name=machine.name)
    except AslrunError as exc:
        stderr.write(f"aslrun graph: {exc}\n")
        return 2
    if fmt == "mermaid" and out is not None and out.suffix.lower() == ".md":
        text = f"```mermaid\n{text}```\n"
    if out is None:
        stdout.write(text)
        return 0
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        stderr.write(f"aslrun graph: cannot write {out}: {exc.strerror}\n")
        return 2
    return 0


class HistoryFileError(AslrunError):
    """The --execution file is not a readable execution history."""


def _history(path: str) -> Any:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise HistoryFileError(f"--execution: cannot read {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise HistoryFileError(
            f"--execution {path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    try:
        return read_history(events_of(data))
    except (ValueError, KeyError, TypeError) as exc:
        raise HistoryFileError(f"--execution {path}: {exc}") from None
