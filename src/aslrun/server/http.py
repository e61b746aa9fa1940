"""The Step Functions API over HTTP: ``POST /`` with ``X-Amz-Target``, as AWS serves it.

The standard library's ``ThreadingHTTPServer`` (HTTP/1.1, keep-alive): the service is one
object behind one lock, so a concurrent server (ASGI) would only queue requests at that lock;
the stdlib server needs no dependency and starts in milliseconds in a test.

On a real clock a driver thread runs the scheduler: it sleeps on the clock's condition
variable until the next due time, and every request wakes it (a callback, a stop or a new
execution is served at once).  On a virtual clock time stands still between requests; the
clock route (``/_aslrun/clock``) moves it.
"""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from aslrun.protocol.clockroute import CLOCK_PATH, clock_request
from aslrun.protocol.dispatch import Dispatcher, Reply, json_reply
from aslrun.runtime.clock import RealClock

if TYPE_CHECKING:
    from aslrun.service import StepFunctions

__all__ = ["ApiServer", "ClockDriver"]

MAX_BODY: Final = 8 * 1024 * 1024  # a definition is at most 1 MiB, JSON-escaped in the body
HEALTH_PATH: Final = "/_aslrun/health"

Log = Callable[[str], None]


class ClockDriver:
    """Runs a ``RealClock``'s due actions in a thread of its own, under the service lock."""

    def __init__(self, clock: RealClock, log: Log) -> None:
        self.clock = clock
        self.log = log
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="aslrun-clock", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        with self.clock.wakeup:
            self._stopping = True
            self.clock.wakeup.notify_all()
        self._thread.join(timeout)

    def _run(self) -> None:
        clock = self.clock
        with clock.wakeup:
            while not self._stopping:
                due, now = clock.next_due(), clock.now()
                if due is None or due > now:
                    # releases the lock: requests are served meanwhile, and wake us
                    clock.wakeup.wait(None if due is None else due - now)
                    continue
                try:
                    clock.step()
                except Exception as e:  # a bug in one action must not stop the clock
                    self.log(f"aslrun serve: internal error on the clock: {type(e).__name__}: {e}")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], dispatcher: Dispatcher, log: Log | None):
        super().__init__(address, _Handler)
        self.dispatcher = dispatcher
        self.log = log


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "aslrun"
    server: _Server

    def setup(self) -> None:
        super().setup()
        # headers and body go out in two writes: without this, Nagle's algorithm holds the
        # body back for the client's delayed ACK (40 ms a request on Linux)
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self) -> None:
        body = self._body()
        if body is None:
            return
        dispatcher = self.server.dispatcher
        path = urlsplit(self.path).path
        if path == CLOCK_PATH:
            self._send(clock_request(dispatcher, "POST", body))
        else:
            self._send(dispatcher.handle(self.headers.get("X-Amz-Target"), body))

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == CLOCK_PATH:
            self._send(clock_request(self.server.dispatcher, "GET", b""))
        elif path == HEALTH_PATH:
            self._send(json_reply(200, {"status": "ok"}))
        else:
            self._send(
                json_reply(
                    404,
                    {
                        "__type": "UnknownOperationException",
                        "message": "the Step Functions API is served by POST / with an "
                        "X-Amz-Target header",
                    },
                )
            )

    def _body(self) -> bytes | None:
        length_header = self.headers.get("Content-Length")
        if length_header is None:
            if self.headers.get("Transfer-Encoding"):
                self._fail(411, "give the body with a Content-Length")
                return None
            return b""
        try:
            length = int(length_header)
        except ValueError:
            self._fail(400, f"Content-Length is not a number: {length_header!r}")
            return None
        if length < 0 or length > MAX_BODY:
            self._fail(413, f"the request body is over {MAX_BODY} bytes")
            return None
        return self.rfile.read(length)

    def _fail(self, status: int, message: str) -> None:
        self.close_connection = True
        self._send(json_reply(status, {"__type": "SerializationException", "message": message}))

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        log = self.server.log
        if log is not None:
            log(f"{self.address_string()} {format % args}")


class ApiServer:
    """The Step Functions API for ``service`` at ``http://host:port`` (``port`` 0: any free
    port; ``.url`` tells which).  ``start()`` serves from a thread; ``serve_forever()`` from
    the caller's; ``shutdown()`` (or leaving the ``with`` block) stops both the server and the
    clock's driver.  ``access_log``: called with a line per request (default: silent)."""

    def __init__(
        self,
        service: StepFunctions,
        host: str = "127.0.0.1",
        port: int = 8083,
        *,
        access_log: Log | None = None,
        error_log: Log | None = None,
    ) -> None:
        self.service = service
        self.dispatcher = Dispatcher(service)
        self._httpd = _Server((host, port), self.dispatcher, access_log)
        clock = service.clock
        log = error_log if error_log is not None else _stderr
        self._driver = ClockDriver(clock, log) if isinstance(clock, RealClock) else None
        self._thread: threading.Thread | None = None
        self._serving = False
        self._closed = False

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        shown = host if isinstance(host, str) else host.decode()
        if ":" in shown:
            shown = f"[{shown}]"
        return f"http://{shown}:{port}"

    def start(self) -> ApiServer:
        """Serve from a background thread; returns at once."""
        self._begin()
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="aslrun-http", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve from this thread until ``shutdown()`` is called from another."""
        self._begin()
        self._httpd.serve_forever()

    def _begin(self) -> None:
        self._serving = True
        if self._driver is not None:
            self._driver.start()

    def shutdown(self) -> None:
        """Stop serving (from any thread but the one in ``serve_forever``) and the clock."""
        if self._closed:
            return
        self._closed = True
        if self._serving:
            self._httpd.shutdown()
        if self._thread is not None:
            self._thread.join(10.0)
        if self._driver is not None:
            self._driver.stop()
        self._httpd.server_close()

    def __enter__(self) -> ApiServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.shutdown()


def _stderr(line: str) -> None:
    sys.stderr.write(line + "\n")
