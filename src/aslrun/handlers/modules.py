"""Handler modules: mark functions with ``@aslrun.handler`` and collect them from a module.

A handlers module (``aslrun run --handlers FILE.py`` or ``--handlers package.module``) offers
its Task handlers in either or both of two ways::

    HANDLERS = {"StartRecorder": start_recorder}      # key -> callable

    @aslrun.handler("SendLivePing")                   # keys given explicitly
    def send_live_ping(event, context): ...

    @aslrun.handler                                   # key = the function's own name
    def StopRecorder(event, context): ...

The decorator only labels the function (it sets ``__aslrun_handler_keys__``); nothing is
registered anywhere when the module is imported.  :func:`collect_handlers` reads the labels,
so two modules never see each other's handlers.  Keys are matched as the ``handlers`` mapping
of :meth:`aslrun.StateMachine.run` matches them (Resource, function name, state name, glob).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any, Final, TypeVar, overload

from aslrun.errors import AslrunError

__all__ = ["HandlerModuleError", "collect_handlers", "handler", "load_handler_module"]

F = TypeVar("F", bound=Callable[..., Any])

KEYS_ATTRIBUTE: Final = "__aslrun_handler_keys__"


class HandlerModuleError(AslrunError):
    """A handlers module could not be found, imported, or offers no usable handlers."""


@overload
def handler(key: F, /) -> F: ...


@overload
def handler(key: str, /, *keys: str) -> Callable[[F], F]: ...


def handler(key: str | F, /, *keys: str) -> F | Callable[[F], F]:
    """Mark a function as the handler for one or more keys (default: the function's name).

    ``@handler`` uses the function's ``__name__``; ``@handler("StartRecorder", "arn:*")``
    serves every key given.  Returns the function unchanged apart from the label.
    """
    if callable(key):
        return _label(key, (key.__name__,))
    names = (key, *keys)
    for name in names:
        if not name:
            raise TypeError("handler keys must be non-empty strings")

    def decorate(fn: F) -> F:
        return _label(fn, names)

    return decorate


def _label(fn: F, keys: tuple[str, ...]) -> F:
    existing: tuple[str, ...] = getattr(fn, KEYS_ATTRIBUTE, ())
    setattr(fn, KEYS_ATTRIBUTE, existing + tuple(k for k in keys if k not in existing))
    return fn


def collect_handlers(module: ModuleType) -> dict[str, Callable[..., Any]]:
    """The handlers a module offers: its ``HANDLERS`` mapping, then its labelled functions.

    Raises :class:`HandlerModuleError` when ``HANDLERS`` is not a mapping of string keys to
    callables, or when the module offers no handler at all.
    """
    where = getattr(module, "__file__", None) or module.__name__
    found: dict[str, Callable[..., Any]] = {}
    table = getattr(module, "HANDLERS", None)
    if table is not None:
        if not isinstance(table, Mapping):
            raise HandlerModuleError(
                f"{where}: HANDLERS must be a mapping of keys to callables, "
                f"not {type(table).__name__}"
            )
        for key, fn in table.items():
            if not isinstance(key, str):
                raise HandlerModuleError(f"{where}: HANDLERS key {key!r} is not a string")
            if not callable(fn):
                raise HandlerModuleError(
                    f"{where}: HANDLERS[{key!r}] is not callable ({type(fn).__name__})"
                )
            found[key] = fn
    for value in vars(module).values():
        keys = getattr(value, KEYS_ATTRIBUTE, None) if callable(value) else None
        if isinstance(keys, tuple):
            for key in keys:
                found.setdefault(key, value)
    if not found:
        raise HandlerModuleError(
            f"{where}: no handlers found (define a HANDLERS mapping or decorate functions "
            "with @aslrun.handler)"
        )
    return found


def load_handler_module(spec: str) -> ModuleType:
    """Import a handlers module from a file path (``handlers.py``) or a dotted module name.

    A file is imported under a private name with its directory on ``sys.path`` while it
    loads, so it can import its neighbours as Lambda code does.  A module name is looked up
    on ``sys.path`` plus the current directory.  Any failure becomes a
    :class:`HandlerModuleError` naming the module and the cause, never a traceback.
    """
    path = Path(spec)
    if spec.endswith(".py") or path.is_file() or "/" in spec or "\\" in spec:
        return _import_file(path, spec)
    return _import_name(spec)


def _import_file(path: Path, spec: str) -> ModuleType:
    if not path.is_file():
        raise HandlerModuleError(f"{spec}: no such handlers file")
    resolved = path.resolve()
    name = f"_aslrun_handlers_{abs(hash(str(resolved))):x}_{resolved.stem}"
    module_spec = importlib.util.spec_from_file_location(name, resolved)
    if module_spec is None or module_spec.loader is None:
        raise HandlerModuleError(f"{spec}: cannot be imported as a Python module")
    module = importlib.util.module_from_spec(module_spec)
    folder = str(resolved.parent)
    added = folder not in sys.path
    if added:
        sys.path.insert(0, folder)
    sys.modules[name] = module
    try:
        module_spec.loader.exec_module(module)
    except BaseException as exc:
        sys.modules.pop(name, None)
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise HandlerModuleError(f"{spec}: {_describe_failure(exc, resolved)}") from None
    finally:
        if added:
            sys.path.remove(folder)
    return module


def _import_name(spec: str) -> ModuleType:
    added = "" not in sys.path
    if added:
        sys.path.insert(0, "")
    try:
        return importlib.import_module(spec)
    except ModuleNotFoundError as exc:
        if exc.name is not None and (spec == exc.name or spec.startswith(exc.name + ".")):
            raise HandlerModuleError(f"{spec}: no module named {exc.name!r}") from None
        raise HandlerModuleError(f"{spec}: {_describe_failure(exc, None)}") from None
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        raise HandlerModuleError(f"{spec}: {_describe_failure(exc, None)}") from None
    finally:
        if added:
            sys.path.remove("")


def _describe_failure(exc: BaseException, file: Path | None) -> str:
    """``error while importing (line 3): ZeroDivisionError: division by zero``.

    The line is the last one run in ``file`` (or, for a module name, the last frame of all).
    """
    if isinstance(exc, SyntaxError):
        where = f"line {exc.lineno}" + (f", column {exc.offset}" if exc.offset else "")
        return f"syntax error ({where}): {exc.msg}"
    text = f"{type(exc).__name__}: {exc}"
    tb = exc.__traceback__
    where = ""
    while tb is not None:
        code_file = tb.tb_frame.f_code.co_filename
        if file is None:
            where = f" ({code_file}, line {tb.tb_lineno})"
        elif Path(code_file) == file:
            where = f" (line {tb.tb_lineno})"
        tb = tb.tb_next
    return f"error while importing{where}: {text}"
