"""Reading the values of ``aslrun run``'s options: each failure is a :class:`UsageError` whose
message names the option (and the file), never a traceback.

* ``--input`` / ``--input-file``: JSON text; a file must be a regular file of UTF-8 text of at
  most :data:`MAX_INPUT_FILE_BYTES` (a FIFO or a device is refused before it is opened, so
  nothing blocks).  The 256 KiB limit on the input itself is checked by ``start()``.
* ``--handlers``: a ``.py`` file or an absolute dotted module name.
* ``--start``, ``--sub``, ``--name``.
"""

from __future__ import annotations

import json
import stat
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final, NoReturn

from aslrun._json import JSON, MAX_PAYLOAD_BYTES
from aslrun.errors import AslrunError
from aslrun.handlers.modules import collect_handlers, load_handler_module
from aslrun.runtime.clock import RealClock, VirtualClock

__all__ = [
    "UsageError",
    "clock",
    "execution_input",
    "execution_name",
    "handlers",
    "substitutions",
]

Handler = Callable[..., Any]

MAX_INPUT_FILE_BYTES: Final = 16 * MAX_PAYLOAD_BYTES
"""The most of an --input-file read: 4 MiB, room for any indentation of an input whose
compact JSON fits AWS's 256 KiB; a larger file cannot hold a valid input."""

NAME_MAX_LENGTH: Final = 80
_NAME_FORBIDDEN: Final = frozenset(' \t\n\r\f\v?*<>{}[]"#%\\^|~`$&,;:/')
"""Characters AWS forbids in an execution name (the service quotas page, "Names")."""


class UsageError(AslrunError):
    """A command-line argument is malformed; the message names the option."""


class _NotJson(ValueError):
    """``NaN``/``Infinity``: Python's reader takes them, JSON (and AWS) does not."""


def _refuse_constant(name: str) -> NoReturn:
    raise _NotJson(name)


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _read_input_file(file: str) -> str:
    where = f"--input-file {file}"
    try:
        info = Path(file).stat()
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UsageError(f"{where}: cannot read: {reason}") from None
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{where}: is {_file_kind(info.st_mode)}; give a file of JSON text")
    try:
        with open(file, "rb") as stream:
            raw = stream.read(MAX_INPUT_FILE_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"{where}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_INPUT_FILE_BYTES:
        raise UsageError(
            f"{where}: more than {MAX_INPUT_FILE_BYTES} bytes; an execution input is at most "
            f"{MAX_PAYLOAD_BYTES} bytes of JSON"
        )
    try:
        return raw.decode("utf-8-sig")  # a byte-order mark is skipped, as the loader does
    except UnicodeDecodeError as exc:
        raise UsageError(f"{where}: not UTF-8 text (byte {exc.start})") from None


def execution_input(text: str | None, file: str | None) -> JSON:
    """The execution input from ``--input`` or ``--input-file`` (default ``{}``)."""
    if file is not None:
        text = _read_input_file(file)
        where = f"--input-file {file}"
    elif text is None:
        return {}
    else:
        where = "--input"
    try:
        value: JSON = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{where}: invalid JSON at line {exc.lineno} column {exc.colno} "
            f"(char {exc.pos}): {exc.msg}"
        ) from None
    except _NotJson as exc:
        raise UsageError(f"{where}: invalid JSON: {exc} is not a JSON number") from None
    except RecursionError:
        raise UsageError(
            f"{where}: nested too deeply to read (more than about "
            f"{sys.getrecursionlimit()} levels of arrays and objects)"
        ) from None
    except ValueError as exc:  # an integer past Python's digit limit for conversions
        raise UsageError(f"{where}: a number is too long to read ({exc})") from None
    return value


def handlers(specs: Sequence[str]) -> dict[str, Handler]:
    """The handlers of every ``--handlers`` module; later modules win on the same key."""
    found: dict[str, Handler] = {}
    for spec in specs:
        if not spec.strip():
            raise UsageError("--handlers: empty; give a FILE.py or a package.module name")
        if spec.startswith("."):
            raise UsageError(
                f"--handlers {spec}: a relative module name; give a FILE.py or an absolute "
                "package.module name"
            )
        if Path(spec).is_dir():
            raise UsageError(
                f"--handlers {spec}: is a directory; give a FILE.py or a package.module name"
            )
        found.update(collect_handlers(load_handler_module(spec)))
    return found


def clock(kind: str, start: str | None) -> VirtualClock:
    """``--clock`` and ``--start``."""
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


def substitutions(items: Sequence[str]) -> dict[str, str]:
    """``--sub NAME=VALUE`` (repeatable)."""
    subs: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--sub takes NAME=VALUE, got {item!r}")
        subs[name] = value
    return subs


def execution_name(name: str | None) -> str | None:
    """``--name``, checked against AWS's rules for execution names (StartExecution's
    InvalidName): 1 to 80 characters, no whitespace, brackets, wildcards, control characters
    or any of ``" # % \\ ^ | ~ ` $ & , ; : /`` (the service quotas page and
    StateExitedEventDetails' name rules list the same characters)."""
    if name is None:
        return None
    if not 1 <= len(name) <= NAME_MAX_LENGTH:
        raise UsageError(
            f"--name: an execution name has 1 to {NAME_MAX_LENGTH} characters, got {len(name)}"
        )
    for char in name:
        code = ord(char)
        if (
            char in _NAME_FORBIDDEN
            or code < 0x20
            or 0x7F <= code <= 0x9F
            or 0xD800 <= code <= 0xDFFF  # surrogates (a non-UTF-8 byte in argv)
            or code in (0xFFFE, 0xFFFF)
        ):
            raise UsageError(
                f"--name: {name!r}: {char!r} is not allowed in an execution name (no "
                "whitespace, brackets, wildcards, control characters or any of "
                '" # % \\ ^ | ~ ` $ & , ; : /)'
            )
    return name
