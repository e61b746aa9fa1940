"""``aslrun serve`` (the Step Functions API over HTTP) and ``aslrun clock`` (move a server's
virtual clock).  ``register(subparsers)`` adds both to the ``aslrun`` command line."""

from __future__ import annotations

import argparse
import inspect
import json
import os
import signal
import threading
import urllib.error
import urllib.request
from typing import Any, Final, TextIO

from aslrun.cli import inputs
from aslrun.errors import AslrunError
from aslrun.protocol.clockroute import CLOCK_PATH
from aslrun.protocol.model import ModelUnavailable
from aslrun.runtime.clock import format_iso
from aslrun.service import StepFunctions

__all__ = ["DEFAULT_ENDPOINT", "build_service", "register"]

DEFAULT_ENDPOINT: Final = "http://127.0.0.1:8083"
ENDPOINT_VARIABLE: Final = "ASLRUN_ENDPOINT"
_TIMEOUT: Final = 30.0  # seconds a clock request may take (a long advance runs many actions)


def register(subparsers: Any) -> None:
    """Add ``serve`` and ``clock`` to an argparse subparsers object."""
    _add_serve(subparsers)
    _add_clock(subparsers)


def _add_serve(subparsers: Any) -> None:
    cmd = subparsers.add_parser(
        "serve",
        help="serve the Step Functions API over HTTP for boto3, the AWS SDKs and the AWS CLI",
        description="Serve the Step Functions API (AWS JSON 1.0, X-Amz-Target: "
        "AWSStepFunctions.*) at http://HOST:PORT.  Point a client's endpoint at it.  "
        "Ctrl-C or SIGTERM stops it.",
    )
    cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    cmd.add_argument("--port", type=int, default=8083, help="port (8083; 0: any free port)")
    cmd.add_argument(
        "--clock",
        choices=("real", "virtual"),
        default="real",
        help="real (default): waits take their time; virtual: time stands still until "
        "`aslrun clock advance` (or POST /_aslrun/clock) moves it",
    )
    cmd.add_argument("--start", metavar="ISO8601", help="virtual clock start (default: now)")
    cmd.add_argument(
        "--handlers",
        action="append",
        default=[],
        metavar="MODULE",
        help="Task handlers: a FILE.py or package.module (repeatable); a Task with no "
        "handler fails as AWS fails a missing Lambda function",
    )
    cmd.add_argument(
        "--mock-config", metavar="FILE", help="Step Functions Local mock configuration"
    )
    cmd.add_argument("--state-dir", metavar="DIR", help="keep state machines and executions in DIR")
    cmd.add_argument("--region", default="us-east-1", help="region of the ARNs (us-east-1)")
    cmd.add_argument("--account", default="123456789012", help="account of the ARNs")
    cmd.add_argument("--seed", type=int, help="seed for generated names and randomness")
    cmd.add_argument("--access-log", action="store_true", help="log each request to stderr")
    cmd.set_defaults(func=serve_command)


def _add_clock(subparsers: Any) -> None:
    cmd = subparsers.add_parser(
        "clock",
        help="read or move the virtual clock of an `aslrun serve --clock virtual` server",
        description="Read or move the virtual clock of a running `aslrun serve`; prints the "
        "server's time after the move (ISO 8601).",
    )
    cmd.add_argument(
        "action",
        choices=("now", "advance", "run-until", "run"),
        help="now: print the time; advance SECONDS; run-until WHEN (ISO 8601 or epoch "
        "seconds); run: until nothing is scheduled",
    )
    cmd.add_argument("value", nargs="?", help="SECONDS for advance, WHEN for run-until")
    cmd.add_argument(
        "--endpoint",
        default=None,
        help=f"the server (default: ${ENDPOINT_VARIABLE} or {DEFAULT_ENDPOINT})",
    )
    cmd.set_defaults(func=clock_command)


# -- aslrun serve ------------------------------------------------------------------------------


def build_service(
    *,
    clock: Any,
    handlers: Any = None,
    seed: int | None = None,
    region: str = "us-east-1",
    account: str = "123456789012",
    mock_config: str | None = None,
    state_dir: str | None = None,
) -> StepFunctions:
    """The service a server runs.  ``mock_config`` and ``state_dir`` go to the constructor
    when this version's ``StepFunctions`` takes them (else a ``UsageError`` says so)."""
    kwargs: dict[str, Any] = {
        "clock": clock,
        "handlers": handlers,
        "seed": seed,
        "region": region,
        "account": account,
    }
    accepted = inspect.signature(StepFunctions).parameters
    for name, value in (("mock_config", mock_config), ("state_dir", state_dir)):
        if value is None:
            continue
        if name not in accepted:
            option = "--" + name.replace("_", "-")
            raise inputs.UsageError(f"{option}: not supported by this version of aslrun yet")
        kwargs[name] = value
    return StepFunctions(**kwargs)


def serve_command(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """``aslrun serve``: build the service, serve until SIGINT/SIGTERM."""
    from aslrun.server.http import ApiServer  # noqa: PLC0415 - the server only for serve

    try:
        if not 0 <= args.port <= 65535:
            raise inputs.UsageError(f"--port: {args.port} is not a port number (0-65535)")
        clock = inputs.clock(args.clock, args.start)
        service = build_service(
            clock=clock,
            handlers=inputs.handlers(args.handlers),
            seed=args.seed,
            region=args.region,
            account=args.account,
            mock_config=args.mock_config,
            state_dir=args.state_dir,
        )
        log = (lambda line: _line(stderr, line)) if args.access_log else None
        server = ApiServer(
            service,
            args.host,
            args.port,
            access_log=log,
            error_log=lambda line: _line(stderr, line),
        )
    except (AslrunError, ModelUnavailable) as exc:
        stderr.write(f"aslrun serve: {exc}\n")
        return 2
    except OSError as exc:  # the port is taken, the address is not ours ...
        stderr.write(f"aslrun serve: cannot listen on {args.host}:{args.port}: {exc}\n")
        return 2
    _announce(server.url, args, service, stdout)
    _serve_until_signal(server)
    _line(stdout, "aslrun serve: stopped")
    return 0


def _announce(url: str, args: argparse.Namespace, service: StepFunctions, out: TextIO) -> None:
    if args.clock == "virtual":
        clock = (
            f"virtual clock at {format_iso(service.clock.now())}; move it with "
            f"`aslrun clock advance SECONDS --endpoint {url}`"
        )
    else:
        clock = "real clock"
    _line(out, f"aslrun serve: the Step Functions API at {url} ({clock})")
    if args.state_dir is None:
        _line(out, "aslrun serve: keeping everything in memory (no --state-dir)")
    else:
        _line(out, f"aslrun serve: keeping state machines and executions in {args.state_dir}")
    _line(
        out,
        f"aslrun serve: point clients at it: AWS_ENDPOINT_URL_SFN={url} (boto3, AWS SDK for "
        "JavaScript v3, AWS CLI), or endpoint_url= / endpoint: / --endpoint-url",
    )


def _serve_until_signal(server: Any) -> None:
    """Serve from this thread; SIGINT and SIGTERM stop the server from a helper thread (the
    signal handler runs in this thread, which is inside ``serve_forever``)."""

    def stop(signum: int, frame: object) -> None:
        threading.Thread(target=server.shutdown, name="aslrun-stop").start()

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, stop)
    try:
        server.serve_forever()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.shutdown()


def _line(stream: TextIO, text: str) -> None:
    stream.write(text + "\n")
    stream.flush()


# -- aslrun clock ------------------------------------------------------------------------------


def clock_command(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """``aslrun clock now|advance|run-until|run``: one request to the server's clock route."""
    endpoint = (args.endpoint or os.environ.get(ENDPOINT_VARIABLE) or DEFAULT_ENDPOINT).rstrip("/")
    try:
        request = _clock_body(args.action, args.value)
    except inputs.UsageError as exc:
        stderr.write(f"aslrun clock: {exc}\n")
        return 2
    try:
        answer = clock_call(endpoint, request)
    except ClockCallError as exc:
        stderr.write(f"aslrun clock: {exc}\n")
        return 2
    _line(stdout, str(answer.get("now")))
    return 0


class ClockCallError(AslrunError):
    """The clock route could not be reached or refused the request."""


def clock_call(endpoint: str, request: dict[str, Any] | None) -> dict[str, Any]:
    """GET (``request`` None) or POST the server's clock route; its JSON answer."""
    url = endpoint.rstrip("/") + CLOCK_PATH
    data = None if request is None else json.dumps(request).encode()
    req = urllib.request.Request(url, data=data, method="GET" if data is None else "POST")
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=_TIMEOUT) as response:
            answer: dict[str, Any] = json.loads(response.read())
            return answer
    except urllib.error.HTTPError as e:
        try:
            message = json.loads(e.read()).get("message", e.reason)
        except ValueError:
            message = e.reason
        raise ClockCallError(f"{url}: {e.code}: {message}") from None
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", e)
        raise ClockCallError(
            f"{url}: cannot reach the server ({reason}); is `aslrun serve` running there?"
        ) from None


def _clock_body(action: str, value: str | None) -> dict[str, Any] | None:
    if action in ("now", "run"):
        if value is not None:
            raise inputs.UsageError(f"{action} takes no value (got {value!r})")
        return None if action == "now" else {"run": True}
    if value is None:
        what = "SECONDS" if action == "advance" else "WHEN (ISO 8601 or epoch seconds)"
        raise inputs.UsageError(f"{action} needs {what}")
    if action == "advance":
        try:
            seconds = float(value)
        except ValueError:
            raise inputs.UsageError(f"advance: {value!r} is not a number of seconds") from None
        return {"advance": seconds}
    try:
        return {"runUntil": float(value)}
    except ValueError:
        return {"runUntil": value}
