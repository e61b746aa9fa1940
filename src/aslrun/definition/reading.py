"""Reading definition files and text safely: what is read, how much, and how deep.

Only regular files are read (a FIFO, a device such as ``/dev/zero``, a directory or a dangling
symbolic link is refused, named as what it is), at most :data:`MAX_FILE_BYTES` of them.
Parsed JSON or YAML must be JSON: objects with string keys, finite numbers, integers of at
most :data:`MAX_INT_DIGITS` digits, at most :data:`MAX_DEPTH` levels deep and
:data:`MAX_NODES` values.  A loaded definition's compact JSON text may be at most
:data:`MAX_DEFINITION_BYTES` (AWS's limit).  Each refusal is a :class:`LoadError` with a
location: ``file:line:column`` for text, a JSON path for a dict.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import yaml

from aslrun.definition.limits import (
    MAX_DEFINITION_BYTES,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_INT_DIGITS,
    MAX_NODES,
)
from aslrun.definition.yaml_loader import NonTextKey, parse_yaml
from aslrun.errors import LoadError, format_location

__all__ = [
    "MAX_DEFINITION_BYTES",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_INT_DIGITS",
    "MAX_NODES",
    "check_definition_size",
    "check_json",
    "check_keys",
    "confine",
    "missing",
    "parse_text",
    "read_text",
]

_SUFFIXES = (".json", ".yaml", ".yml")
_TOKEN = re.compile(
    r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]|-?Infinity|NaN|-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?'
)
_INT_LIMIT: Final = 10**MAX_INT_DIGITS
_NUMBER_LITERALS = frozenset({"NaN", "Infinity", "-Infinity"})
_AWS_SIZE = (
    "1 validation error detected: Value at 'definition' failed to satisfy constraint: "
    "Member must have length less than or equal to 1048576"
)


# -- files ---------------------------------------------------------------------------


def missing(path: Path) -> LoadError:
    """``file not found``, with a hint when only the letter case differs."""
    hint = ""
    try:
        folder = path.parent if str(path.parent) else Path()
        matches = [
            p.name
            for p in folder.iterdir()
            if p.name.lower() == path.name.lower() and p.name != path.name
        ]
    except OSError:
        matches = []
    if matches:
        hint = f" (did you mean {str(folder / matches[0])!r}? names are case-sensitive)"
    what = "file" if path.suffix.lower() in _SUFFIXES else "file or definition text"
    return LoadError(f"{what} not found: {str(path)!r}{hint}", source=str(path))


def _what(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _open(path: Path) -> int:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        return os.open(path, flags)
    except FileNotFoundError:
        if os.path.islink(path):
            target = os.readlink(path)
            raise LoadError(
                f"dangling symbolic link: it points to {target!r}, which does not exist",
                source=str(path),
            ) from None
        raise missing(path) from None
    except OSError as exc:
        raise LoadError(f"cannot open: {exc.strerror}", source=str(path)) from None


def read_text(path: Path) -> str:
    """The UTF-8 text of a regular file of at most :data:`MAX_FILE_BYTES`; never blocks."""
    if "\x00" in str(path):
        raise LoadError(f"the path {str(path)!r} contains a NUL byte")
    fd = _open(path)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise LoadError(f"is {_what(info.st_mode)}, not a regular file", source=str(path))
        if info.st_size > MAX_FILE_BYTES:
            raise _too_big(path, info.st_size)
        chunks, size = [], 0
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_FILE_BYTES:  # grew while being read
                raise _too_big(path, size)
    except OSError as exc:
        raise LoadError(f"cannot read: {exc.strerror}", source=str(path)) from None
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError(
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            source=str(path),
            line=line,
            column=column,
        ) from None


def _too_big(path: Path, size: int) -> LoadError:
    return LoadError(
        f"the file is {size:,} bytes; aslrun reads files of at most {MAX_FILE_BYTES:,} bytes",
        source=str(path),
    )


def confine(path: Path, root: Path, *, what: str, allow_outside: bool) -> Path:
    """``path`` (relative to ``root``) if its target lies inside ``root``; else a LoadError."""
    if "\x00" in str(path):
        raise LoadError(f"the path {str(path)!r} contains a NUL byte")
    full = root / path
    if allow_outside:
        return full
    try:
        inside = full.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a symlink loop: reported when read
        inside = True
    if not inside:
        raise LoadError(
            f"{what} is outside the template's folder {str(root.resolve())!r}; "
            "aslrun reads only that folder and below unless allowed "
            "(allow_outside=True, or --allow-outside on the command line)"
        )
    return full


# -- text ----------------------------------------------------------------------------


class _Refused(ValueError):
    """A JSON token aslrun refuses (found while parsing; located afterwards)."""


def _constant(token: str) -> Any:
    raise _Refused(token)


def _int(token: str) -> int:
    if len(token.lstrip("-")) > MAX_INT_DIGITS:
        raise _Refused(token)
    return int(token)


def _float(token: str) -> float:
    value = float(token)
    if math.isinf(value):
        raise _Refused(token)
    return value


def parse_text(text: str, source: str | None, *, suffix: str = "") -> dict[str, Any]:
    """Parse JSON or YAML text into a dict; every error carries line and column."""
    if len(text) > MAX_FILE_BYTES:
        raise LoadError(
            f"the text is {len(text):,} characters; aslrun reads at most {MAX_FILE_BYTES:,}",
            source=source,
        )
    looks_json = suffix == ".json" or (not suffix and text.lstrip().startswith("{"))
    data: Any
    if looks_json:
        try:
            data = _parse_json(text, source)
        except json.JSONDecodeError as exc:
            error = LoadError(
                f"invalid JSON: {exc.msg}", source=source, line=exc.lineno, column=exc.colno
            )
            if suffix == ".json":
                raise error from None
            try:  # YAML flow style ({StartAt: A, ...}) is not JSON
                data = parse_yaml(text)
            except Exception:
                raise error from None
    else:
        data = _parse_yaml(text, source)
    if not isinstance(data, dict):
        kind = "nothing" if data is None else f"a {type(data).__name__}"
        raise LoadError(f"expected an object at the top level, got {kind}", source=source)
    # JSON text holds only JSON types (refused tokens raise while parsing) and YAML's
    # composer and constructors enforce every limit: only JSON's depth is left to check.
    if looks_json and not _json_ok(data, types=False):
        _raise_located(text, source, f"nested more than {MAX_DEPTH} levels deep")
    return data


def _parse_json(text: str, source: str | None) -> Any:
    """json.loads refusing NaN/Infinity, huge integers and infinite floats, located."""
    try:
        return json.loads(text, parse_constant=_constant, parse_int=_int, parse_float=_float)
    except (_Refused, RecursionError):
        _raise_located(text, source, "invalid JSON")
    raise AssertionError("unreachable")  # pragma: no cover


def _raise_located(text: str, source: str | None, fallback: str) -> None:
    """Find the first token aslrun refuses in JSON text; raise a LoadError at its place."""
    depth = 0
    for match in _TOKEN.finditer(text):
        token, problem = match.group(), None
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                problem = f"nested more than {MAX_DEPTH} levels deep (aslrun's limit)"
        elif token in "]}":
            depth -= 1
        elif token[0] != '"':
            problem = _number_problem(token)
        if problem is not None:
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            raise LoadError(problem, source=source, line=line, column=column)
    raise LoadError(fallback, source=source)


def _number_problem(token: str) -> str | None:
    if token in _NUMBER_LITERALS:
        return f"invalid JSON: {token} is not a JSON number"
    digits = len(token.lstrip("-"))
    if re.fullmatch(r"-?[0-9]+", token) and digits > MAX_INT_DIGITS:
        return f"an integer of {digits:,} digits; aslrun reads integers of at most 4,300 digits"
    if not re.fullmatch(r"-?[0-9]+", token) and math.isinf(float(token)):
        return f"the number {token} is beyond the range of a double"
    return None


def _parse_yaml(text: str, source: str | None) -> Any:
    try:
        return parse_yaml(text, source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        prefix = "" if message.startswith("YAML ") else "invalid YAML: "
        raise LoadError(
            f"{prefix}{message}",
            source=source,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise LoadError(f"invalid YAML: {exc}", source=source) from None
    except RecursionError:  # a backstop: the composer limits depth itself
        raise LoadError(f"nested more than {MAX_DEPTH} levels deep", source=source) from None


# -- shape ---------------------------------------------------------------------------


def _json_ok(value: Any, *, types: bool) -> bool:
    """Quick iterative check (no paths kept): depth, size and, if ``types``, JSON types."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    nodes = 0
    while stack:
        item, depth = stack.pop()
        nodes += len(item)
        if depth > MAX_DEPTH or nodes > MAX_NODES:
            return False
        mapping = isinstance(item, Mapping)
        if types and mapping and not all(type(k) is str for k in item):
            return False
        for child in item.values() if mapping else item:
            kind = type(child)
            if kind is str or kind is bool or child is None:
                continue
            if kind is dict or kind is list:
                stack.append((child, depth + 1))
            elif kind is int:
                if types and abs(child) >= _INT_LIMIT:
                    return False
            elif kind is float:
                if types and not math.isfinite(child):
                    return False
            elif isinstance(child, Mapping):
                stack.append((child, depth + 1))
            elif types:
                return False
    return True


def _shape_problem(value: Any) -> tuple[tuple[str | int, ...], str] | None:
    """The first way ``value`` is not JSON aslrun accepts, as (path, message); iterative."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    nodes = 0
    while stack:
        item, path = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            return path, f"more than {MAX_NODES:,} values (aslrun's limit)"
        if len(path) > MAX_DEPTH:
            message = f"nests more than {MAX_DEPTH} levels deep below here (aslrun's limit)"
            return path[:8], message
        if isinstance(item, Mapping):
            for key, child in item.items():
                if not isinstance(key, str):
                    return path, f"the key {key!r} is a {type(key).__name__}; JSON keys are text"
                stack.append((child, (*path, key)))
        elif isinstance(item, list):
            stack.extend((child, (*path, i)) for i, child in enumerate(item))
        elif isinstance(item, float) and not math.isfinite(item):
            return path, f"{item} is not a JSON number"
        elif isinstance(item, int) and abs(item) >= _INT_LIMIT:
            return path, "an integer of more than 4,300 digits"
        elif item is not None and not isinstance(item, (str, bool, int, float)):
            return path, f"a {type(item).__name__} is not a JSON value"
    return None


def check_json(value: Any, source: str | None) -> None:
    """Refuse a value that is not JSON aslrun accepts (a dict given in Python)."""
    if not isinstance(value, Mapping):
        raise LoadError(f"expected an object, got a {type(value).__name__}", source=source)
    if _json_ok(value, types=True):
        return
    problem = _shape_problem(value) or ((), "is not JSON")
    raise LoadError(f"{format_location(problem[0])}: {problem[1]}", source=source)


def check_keys(definition: Any, source: str | None) -> None:
    """Refuse a YAML key that was not text (``{1: a}``) inside a definition, where it was."""
    stack = [definition]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if isinstance(key, NonTextKey):
                    raise LoadError(
                        key.problem(), source=key.source or source, line=key.line, column=key.column
                    )
                if isinstance(value, (dict, list)):
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, (dict, list)))


def check_definition_size(definition: Any, source: str | None) -> str:
    """AWS refuses a definition longer than 1,048,576 characters (measured compact);
    returns the compact text."""
    text = json.dumps(definition, ensure_ascii=False, separators=(",", ":"))
    size = len(text)
    if size > MAX_DEFINITION_BYTES:
        raise LoadError(
            f"the definition is {size:,} characters of compact JSON; AWS refuses it: {_AWS_SIZE}",
            source=source,
        )
    return text
