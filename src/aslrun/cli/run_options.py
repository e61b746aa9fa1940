"""The options of ``aslrun run``: what is run, how it runs and is reported, how the
definition is loaded, and Step Functions Local mock files."""

from __future__ import annotations

import argparse

from aslrun.cli.validate import add_source_options

__all__ = ["add_inputs", "add_loading", "add_outputs"]


def add_inputs(cmd: argparse.ArgumentParser) -> None:
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


def add_outputs(cmd: argparse.ArgumentParser) -> None:
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
        "--type",
        choices=("STANDARD", "EXPRESS"),
        default="STANDARD",
        help="the state machine's type, as CreateStateMachine takes it (default: STANDARD)",
    )
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
    cmd.add_argument(
        "--coverage",
        nargs="?",
        const="-",
        metavar="PATH",
        help="state machine coverage of this run: a table on stderr, or a report written to "
        "PATH (.json, .html; else the table)",
    )


def add_loading(cmd: argparse.ArgumentParser) -> None:
    """How the definition is read out of its file, and the seed for repeatable runs."""
    cmd.add_argument(
        "--state-machine",
        metavar="NAME",
        help="which state machine of a serverless.yml or template to run",
    )
    cmd.add_argument(
        "--region", default=None, help="region for ARNs (default: the file's, else us-east-1)"
    )
    add_source_options(cmd)
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
    _add_mocks(cmd)


def _add_mocks(cmd: argparse.ArgumentParser) -> None:
    """Step Functions Local mock files: which file, which test case, how strictly checked."""
    cmd.add_argument(
        "--mock-config",
        metavar="FILE",
        help="a Step Functions Local mock configuration (MockConfigFile.json); default: the "
        "SFN_MOCK_CONFIG environment variable's file",
    )
    cmd.add_argument(
        "--test-case",
        metavar="NAME",
        help="run under this test case of the mock configuration (its Task states answer "
        "with their mocked responses)",
    )
    cmd.add_argument(
        "--mock-validation",
        choices=("STRICT", "PRESENT", "NONE"),
        default="STRICT",
        help="check mocked results against the service's response shape (needs "
        "aslrun[botocore] unless NONE; default: STRICT)",
    )
    cmd.add_argument(
        "--machine-name",
        metavar="NAME",
        help="the state machine's name (its ARN, and its entry in the mock configuration); "
        "default: the file's name for it, else StateMachine",
    )
