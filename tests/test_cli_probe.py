"""Hostile files and arguments through ``aslrun run``, ``validate`` and ``list`` (issue 9,
class 10): each ends with exit status 2 and a message on stderr that names what was wrong
(the file, or the option), never a Python traceback, never the "this is a bug" net, and never
blocks.

Exit status 2 means "nothing was run: bad input" (docs/usage.md); 1 is kept for an execution
that ran and did not succeed (or, for ``validate``, a definition with errors).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from aslrun import cli

PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
BUG = "this is a bug in aslrun"
NOT_YET = "the loaders/robustness fix for this class has not landed on this branch yet"


def run(argv: list[str]) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = cli.run(argv, stdout=stdout, stderr=stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def run_unblocked(argv: list[str], fifo: Path) -> tuple[int, str, str, bool]:
    """Run while a watchdog stands by to open ``fifo``'s write end (and close it at once) if
    the command is still running after a generous while: a reader blocked on the FIFO then
    sees end of file, so the suite cannot hang.  Returns whether the watchdog had to act."""
    done = threading.Event()
    acted: list[bool] = []

    def unblock() -> None:
        if done.is_set():
            return
        acted.append(True)
        with contextlib.suppress(OSError):  # OSError: nobody is reading it
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    watchdog = threading.Timer(30, unblock)
    watchdog.start()
    try:
        code, out, err = run(argv)
    finally:
        done.set()
        watchdog.cancel()
    return code, out, err, bool(acted)


def assert_refused(code: int, out: str, err: str, names: str, *, one_line: bool = True) -> None:
    assert code == 2, (code, err)
    assert "Traceback" not in err and "Traceback" not in out
    assert BUG not in err, err
    assert names in err, err
    assert err.endswith("\n")
    if one_line:
        assert err.count("\n") == 1, err


# -- definition files ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Hostile:
    """A definition file: ``make(folder)`` creates it and returns its path."""

    make: Callable[[Path], Path]
    fixed: bool = True  # False: its fix belongs to another branch (strict xfail below)


def _write(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return make


def _folder(folder: Path) -> Path:
    path = folder / "machines.json"
    path.mkdir()
    return path


def _fifo(folder: Path) -> Path:
    path = folder / "pipe.json"
    os.mkfifo(path)
    return path


def _dangling(folder: Path) -> Path:
    path = folder / "link.json"
    path.symlink_to(folder / "gone.json")
    return path


def _definition_with(result: str) -> bytes:
    head = '{"StartAt":"P","States":{"P":{"Type":"Pass","Result":'
    return (head + result + ',"End":true}}}').encode()


HOSTILE: dict[str, Hostile] = {
    "missing": Hostile(lambda folder: folder / "nope.asl.json"),
    "directory": Hostile(_folder),
    "fifo": Hostile(_fifo),
    "dangling-symlink": Hostile(_dangling),
    "binary": Hostile(_write("binary.json", bytes(range(256)) * 4)),
    "not-utf8": Hostile(
        _write("latin1.json", '{"Comment": "café", "StartAt": "P"}'.encode("latin-1"))
    ),
    "empty": Hostile(_write("empty.json", b"")),
    "only-whitespace": Hostile(_write("blank.yaml", b"  \n\n")),
    "top-level-array": Hostile(_write("array.json", b"[1, 2]")),
    "top-level-string": Hostile(_write("string.json", b'"StartAt"')),
    "truncated-json": Hostile(_write("cut.json", json.dumps(PASS).encode()[:-7])),
    "invalid-yaml": Hostile(_write("bad.yaml", b"StartAt: [P\n")),
    "deeply-nested-json": Hostile(_write("deep.json", b"[" * 100_000 + b"]" * 100_000)),
    "deeply-nested-result": Hostile(
        _write("deep-result.json", _definition_with('{"a":' * 5000 + "1" + "}" * 5000)),
    ),
    "nan-literal": Hostile(_write("nan.json", _definition_with("NaN"))),
    "infinity-literal": Hostile(_write("inf.json", _definition_with("-Infinity"))),
    "integer-of-5000-digits": Hostile(_write("bigint.json", _definition_with("9" * 5000))),
    "over-1-mib": Hostile(_write("huge.json", _definition_with('"' + "x" * (1024 * 1024) + '"'))),
    "yaml-binary-tag": Hostile(
        _write("binary-tag.yaml", b"StartAt: P\nStates: !!binary aGVsbG8=\n")
    ),
}


def _cases() -> list[object]:
    cases = []
    for label, hostile in HOSTILE.items():
        for command in ("run", "validate", "list", "graph"):
            marks = [] if hostile.fixed else [pytest.mark.xfail(strict=True, reason=NOT_YET)]
            cases.append(pytest.param(command, label, id=f"{command}-{label}", marks=marks))
    return cases


@pytest.mark.parametrize(("command", "label"), _cases())
def test_a_hostile_definition_file_is_refused_with_its_name(
    tmp_path: Path, command: str, label: str
) -> None:
    path = HOSTILE[label].make(tmp_path)
    code, out, err, blocked = run_unblocked([command, str(path)], path)
    assert not blocked, f"aslrun {command} blocked reading {label}"
    assert out == ""
    assert_refused(code, out, err, str(path))


# -- aslrun graph --execution ----------------------------------------------------------------------

GRAPH_NOT_YET = "aslrun graph reads --execution with open().read() (toolkit/cli_graph.py)"
# A FIFO given as --execution blocks aslrun graph today: reported, not tested here, since a
# strict xfail would cost the watchdog's whole wait on every run.


@pytest.mark.parametrize(
    ("label", "names"),
    [
        ("missing", "cannot read"),
        ("empty", "invalid JSON at line 1 column 1"),
        ("not-a-history", "not an execution history"),
        pytest.param(
            "not-utf8", "not UTF-8", marks=pytest.mark.xfail(strict=True, reason=GRAPH_NOT_YET)
        ),
        pytest.param(
            "deep",
            "nested",
            marks=pytest.mark.xfail(strict=True, reason=GRAPH_NOT_YET),
        ),
    ],
)
def test_a_hostile_execution_history_for_graph_is_refused(
    tmp_path: Path, label: str, names: str
) -> None:
    definition = tmp_path / "pass.asl.json"
    definition.write_text(json.dumps(PASS), encoding="utf-8")
    history = tmp_path / f"history-{label}.json"
    if label != "missing":
        history.write_bytes(
            {
                "empty": b"",
                "not-a-history": b'"events"',
                "not-utf8": b'[{"id": 1, "type": "caf\xe9"}]',
                "deep": b"[" * 100_000 + b"]" * 100_000,
            }[label]
        )
    argv = ["graph", str(definition), "--format", "dot", "--execution", str(history)]
    code, out, err, blocked = run_unblocked(argv, history)
    assert not blocked, "aslrun graph blocked on the --execution file"
    assert out == ""
    assert_refused(code, out, err, str(history))
    assert names in err


# -- options of `aslrun run` ---------------------------------------------------------------------


@pytest.fixture
def definition(tmp_path: Path) -> str:
    path = tmp_path / "pass.asl.json"
    path.write_text(json.dumps(PASS), encoding="utf-8")
    return str(path)


def _input_file(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize(
    ("argv", "names"),
    [
        (["--input", "{"], "--input: invalid JSON at line 1 column 2 (char 1)"),
        (["--input", "NaN"], "--input: invalid JSON: NaN is not a JSON number"),
        (["--input", "[Infinity]"], "--input: invalid JSON: Infinity is not a JSON number"),
        (["--input", "9" * 5000], "--input: a number is too long to read"),
        (["--input", "[" * 100_000 + "]" * 100_000], "--input: nested too deeply to read"),
        (
            ["--input", '"' + "x" * 262_143 + '"'],
            "--input: the execution input is 262145 bytes; the maximum is 262144 bytes",
        ),
        (["--start", "yesterday"], "--start: 'yesterday' is not an ISO 8601 time"),
        (["--start", "99999-01-01T00:00:00Z"], "--start: '99999-01-01T00:00:00Z'"),
        (["--clock", "real", "--start", "2026-12-01T09:00:00Z"], "--start applies"),
        (["--sub", "NOVALUE"], "--sub takes NAME=VALUE, got 'NOVALUE'"),
        (["--name", "has space"], "--name: 'has space'"),
        (["--name", "x" * 81], "--name: an execution name has 1 to 80 characters, got 81"),
        (["--handlers", ""], "--handlers: empty"),
        (["--handlers", "."], "--handlers .: a relative module name"),
        (["--handlers", "..pkg.mod"], "--handlers ..pkg.mod: a relative module name"),
        (["--handlers", "no_such_module_for_aslrun"], "no_such_module_for_aslrun: no module"),
        (["--handlers", "/nonexistent/h.py"], "/nonexistent/h.py: no such handlers file"),
    ],
    ids=lambda value: value[0][:40] if isinstance(value, str) else None,
)
def test_a_bad_option_value_is_refused_naming_the_option(
    definition: str, argv: list[str], names: str
) -> None:
    code, out, err = run(["run", definition, *argv])
    assert out == ""
    assert_refused(code, out, err, names)
    assert err.startswith("aslrun run: ")


@pytest.mark.parametrize(
    ("argv", "names"),
    [
        (["run", "DEF", "--clock", "sundial"], "argument --clock: invalid choice: 'sundial'"),
        (["run", "DEF", "--seed", "x"], "argument --seed: invalid int value: 'x'"),
        (["run", "DEF", "--type", "BATCH"], "argument --type: invalid choice: 'BATCH'"),
        (["run", "DEF", "--output", "xml"], "argument --output: invalid choice: 'xml'"),
        (["run", "DEF", "--no-such-option"], "unrecognized arguments: --no-such-option"),
        (["run"], "the following arguments are required: DEFINITION"),
        (["validate", "DEF", "--severity", "INFO"], "argument --severity: invalid choice"),
        (["list", "DEF", "--output", "yaml"], "argument --output: invalid choice: 'yaml'"),
        (["frobnicate"], "argument COMMAND: invalid choice: 'frobnicate'"),
        ([], "a command is required"),
    ],
)
def test_a_malformed_command_line_is_a_usage_error(
    definition: str, argv: list[str], names: str
) -> None:
    code, out, err = run([definition if a == "DEF" else a for a in argv])
    assert out == ""
    assert_refused(code, out, err, names, one_line=False)
    assert err.startswith("usage: aslrun")
    assert err.splitlines()[-1].startswith("aslrun")


@pytest.mark.parametrize(
    ("label", "data", "names"),
    [
        ("not-utf8", b'{"a": "caf\xe9"}', "not UTF-8 text (byte 10)"),
        (
            "over-256-kib",
            b'{"a": "' + b"x" * 262_144 + b'"}',
            "the execution input is 262152 bytes; the maximum is 262144 bytes",
        ),
        (
            "over-4-mib",
            b'"' + b" " * (4 * 1024 * 1024) + b'"',
            "more than 4194304 bytes; an execution input is at most 262144 bytes of JSON",
        ),
        ("deep", b"[" * 100_000 + b"]" * 100_000, "nested too deeply to read"),
        ("nan", b'{"a": NaN}', "invalid JSON: NaN is not a JSON number"),
        ("invalid", b'{"a": }', "invalid JSON at line 1 column 7 (char 6)"),
    ],
)
def test_a_bad_input_file_is_refused_naming_it(
    tmp_path: Path, definition: str, label: str, data: bytes, names: str
) -> None:
    path = _input_file(tmp_path, f"{label}.json", data)
    code, out, err = run(["run", definition, "--input-file", path])
    assert out == ""
    assert_refused(code, out, err, f"aslrun run: --input-file {path}: {names}")


def test_an_input_file_with_a_byte_order_mark_is_read(tmp_path: Path, definition: str) -> None:
    path = _input_file(tmp_path, "bom.json", b'\xef\xbb\xbf{"a": 1}')
    code, out, err = run(["run", definition, "--input-file", path, "--output", "json"])
    assert (code, err, json.loads(out)["output"]) == (0, "", '{"a":1}')


@pytest.mark.parametrize("kind", ["fifo", "directory", "missing", "dangling-symlink"])
def test_an_input_file_that_is_not_a_regular_file_is_refused_without_opening_it(
    tmp_path: Path, definition: str, kind: str
) -> None:
    path = tmp_path / f"input-{kind}"
    expected = {
        "fifo": "is a FIFO (named pipe); give a file of JSON text",
        "directory": "is a directory; give a file of JSON text",
        "missing": "cannot read: No such file or directory",
        "dangling-symlink": "cannot read: No such file or directory",
    }[kind]
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    elif kind == "dangling-symlink":
        path.symlink_to(tmp_path / "gone.json")
    code, out, err, blocked = run_unblocked(["run", definition, "--input-file", str(path)], path)
    assert not blocked, "aslrun run blocked on the --input-file"
    assert out == ""
    assert_refused(code, out, err, f"aslrun run: --input-file {path}: {expected}")


@pytest.mark.parametrize(
    ("source", "names"),
    [
        ("raise RuntimeError('no camera')\n", "error while importing (line 1): RuntimeError"),
        ("import sys\nsys.exit(3)\n", "error while importing (line 2): SystemExit: 3"),
        ("def broken(:\n", "syntax error (line 1"),
        ("import no_such_module_for_aslrun\n", "ModuleNotFoundError"),
        ("HANDLERS = 5\n", "HANDLERS must be a mapping of keys to callables, not int"),
        ("HANDLERS = {'F': 5}\n", "HANDLERS['F'] is not callable (int)"),
        ("X = 1\n", "no handlers found"),
    ],
    ids=["raises", "exits", "syntax", "imports-missing", "not-mapping", "not-callable", "none"],
)
def test_a_broken_handlers_module_is_refused_naming_it(
    tmp_path: Path, definition: str, source: str, names: str
) -> None:
    module = tmp_path / "handlers_under_test.py"
    module.write_text(source, encoding="utf-8")
    code, out, err = run(["run", definition, "--handlers", str(module)])
    assert out == ""
    assert_refused(code, out, err, f"aslrun run: {module}: ")
    assert names in err


def test_a_handlers_directory_is_refused(tmp_path: Path, definition: str) -> None:
    code, out, err = run(["run", definition, "--handlers", str(tmp_path)])
    assert_refused(code, out, err, f"--handlers {tmp_path}: is a directory")


# -- the last net --------------------------------------------------------------------------------


def test_an_unexpected_exception_is_one_line_naming_the_file_and_asking_for_a_report(
    monkeypatch: pytest.MonkeyPatch, definition: str
) -> None:
    """Whatever a command raises that nobody expected is reported, not printed as a
    traceback; exit 2, since nothing ran to an outcome."""

    def explode(*args: object, **kwargs: object) -> object:
        raise KeyError("the\nunexpected")

    monkeypatch.setattr("aslrun.cli.app.load", explode)
    code, out, err = run(["run", definition])
    assert (code, out) == (2, "")
    assert err == (
        f"aslrun run: {definition}: internal error: KeyError: 'the\\nunexpected' "
        "(this is a bug in aslrun; please report it)\n"
    )


# -- the console script's streams ------------------------------------------------------------------


def _script(argv: list[str], **env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "aslrun", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **env},
    )


def test_a_reader_closing_the_pipe_ends_the_command_quietly(tmp_path: Path) -> None:
    path = tmp_path / "many.asl.json"
    states = {f"S{i}": {"Type": "Pass", "Next": f"S{i + 1}"} for i in range(200)}
    states["S200"] = {"Type": "Succeed"}
    path.write_text(json.dumps({"StartAt": "S0", "States": states}), encoding="utf-8")
    with _script(["run", str(path), "--history"]) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # `| head -0`: the reader is gone before the first line
        err = proc.stderr.read().decode()
    assert (proc.returncode, err) == (141, "")  # 128 + SIGPIPE, as a shell reports it


def test_text_the_terminal_cannot_encode_is_escaped(tmp_path: Path) -> None:
    path = tmp_path / "cafe.asl.json"
    definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "café", "End": True}}}
    path.write_text(json.dumps(definition), encoding="utf-8")
    text = _script(["run", str(path)], PYTHONIOENCODING="ascii")
    out, err = text.communicate()
    assert (text.returncode, err) == (0, b"")
    assert out.decode("ascii").splitlines()[-1] == 'output: "caf\\xe9"'
    described = _script(["run", str(path), "--output", "json"], PYTHONIOENCODING="ascii")
    out, err = described.communicate()
    assert (described.returncode, err) == (0, b"")
    assert json.loads(out.decode("ascii"))["output"] == '"café"'


def _raising_handler(tmp_path: Path, statement: str) -> tuple[str, str]:
    module = tmp_path / "stopping_handlers.py"
    module.write_text(f"def F(event):\n    {statement}\nHANDLERS = {{'F': F}}\n", encoding="utf-8")
    path = tmp_path / "task.asl.json"
    task = {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:F"}
    path.write_text(
        json.dumps({"StartAt": "T", "States": {"T": {**task, "End": True}}}), encoding="utf-8"
    )
    return str(path), str(module)


def test_a_handler_calling_sys_exit_is_one_line_not_a_silent_exit(tmp_path: Path) -> None:
    path, module = _raising_handler(tmp_path, "raise SystemExit(3)")
    code, out, err = run(["run", path, "--handlers", module])
    assert (code, out) == (2, "")
    assert err == (
        f"aslrun run: {path}: the run was ended by sys.exit(3) in a Task handler; a handler "
        "should return a result or raise an exception\n"
    )


def test_ctrl_c_ends_the_console_script_with_one_line_and_sigints_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, module = _raising_handler(tmp_path, "raise KeyboardInterrupt")
    assert cli.main(["run", path, "--handlers", module]) == 130
    assert capsys.readouterr().err == "aslrun: interrupted\n"
