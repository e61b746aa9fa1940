"""The examples and the README do what they say: `make demo`'s command, the README's Python,
and every example definition run from the CLI with the handlers and input shipped beside it."""

from __future__ import annotations

import io
import json
import re
import shlex
from pathlib import Path

import pytest

import aslrun
from aslrun import cli

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"


def demo_argv() -> list[str]:
    """The arguments `make demo` passes to aslrun, read from the Makefile."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    recipe = re.search(r"^demo:.*\n\t(.*)$", makefile, re.MULTILINE)
    assert recipe is not None, "the Makefile has no demo target"
    words = shlex.split(recipe.group(1))
    assert words[0] == "$(BIN)/aslrun"
    return words[1:]


def test_make_demo_shows_the_three_tasks_at_the_storys_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    stdout, stderr = io.StringIO(), io.StringIO()
    code = cli.run(demo_argv(), stdout=stdout, stderr=stderr)
    assert (code, stderr.getvalue()) == (0, "")
    lines = stdout.getvalue().splitlines()
    succeeded = [
        (line.split()[1], line.split()[2])
        for line in lines
        if "Lambda function" in line and "succeeded" in line
    ]
    assert succeeded == [
        ("2026-12-01T09:00:00.000Z", "StartRecording"),
        ("2026-12-01T09:01:00.000Z", "SendLivePing"),
        ("2026-12-01T10:00:00.000Z", "StopRecording"),
    ]
    assert "SUCCEEDED after 22h 0m 0s on the virtual clock" in lines


def test_the_readme_python_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(.*?)```", readme, re.DOTALL)
    assert block is not None
    monkeypatch.chdir(ROOT)
    printed = io.StringIO()
    namespace: dict[str, object] = {"print": lambda *a: printed.write(" ".join(map(str, a)))}
    exec(compile(block.group(1), "README.md", "exec"), namespace)  # the asserts inside run too
    assert printed.getvalue().startswith('{"start":"2026-12-01T09:00:00Z"')


@pytest.mark.parametrize(
    "path",
    sorted(
        p.name
        for p in EXAMPLES.iterdir()
        if p.suffix in {".json", ".yml", ".yaml"} and not p.name.endswith(".input.json")
    ),
)
def test_every_example_definition_loads(path: str) -> None:
    sm = aslrun.load(EXAMPLES / path)
    assert sm.machine.states


def test_the_makefile_demo_uses_the_example_files() -> None:
    argv = demo_argv()
    assert argv[:2] == ["run", "examples/classroom.asl.json"]
    for option in ("--handlers", "--input-file"):
        assert (ROOT / argv[argv.index(option) + 1]).is_file()


# -- every example runs with the shipped handlers ---------------------------------------------

CLASSROOM_INPUT = {"start": "2026-12-01T09:00:00Z", "end": "2026-12-01T10:00:00Z"}
CLASSROOM_OUTPUT = {
    **CLASSROOM_INPUT,
    "recording": {"recordingId": "rec-0001", "startedAt": "2026-12-01T09:00:00Z"},
    "livePing": {"recordingId": "rec-0001", "pingedAt": "2026-12-01T09:01:00Z"},
    "stopped": {"recordingId": "rec-0001", "stoppedAt": "2026-12-01T10:00:00Z"},
}
CLASSROOM_RUN = [
    "--handlers",
    "examples/classroom_handlers.py",
    "--input-file",
    "examples/classroom.input.json",
    "--start",
    "2026-11-30T12:00:00Z",
]

# file -> (extra arguments, output, stop time). The outputs follow from the ASL data flow of
# each definition (ResultPath keeps the input and adds each Task's result; a JSONata Task's
# Output replaces it) and the handlers' documented results; the stop times from the waits
# (the classroom story: 10:00 UTC; retries: 1 s + 2 s back-off, a 4 s call, 3 rounds of 10 s).
EXAMPLE_RUNS: dict[str, tuple[list[str], object, str]] = {
    "classroom.asl.json": (CLASSROOM_RUN, CLASSROOM_OUTPUT, "2026-12-01T10:00:00+00:00"),
    "classroom.jsonata.asl.json": (
        CLASSROOM_RUN,
        {"recordingId": "rec-0001", "stoppedAt": "2026-12-01T10:00:00Z"},
        "2026-12-01T10:00:00+00:00",
    ),
    "serverless.yml": (CLASSROOM_RUN, CLASSROOM_OUTPUT, "2026-12-01T10:00:00+00:00"),
    "retries.asl.json": (
        [
            "--handlers",
            "examples/retries_handlers.py",
            "--input-file",
            "examples/retries.input.json",
            "--start",
            "2026-12-01T09:00:00Z",
        ],
        {"rooms": [1, 2, 3, 4, 5, 6], "fetched": {"ok": True}},
        "2026-12-01T09:00:37+00:00",
    ),
}


def example_definitions() -> list[str]:
    return sorted(
        p.name
        for p in EXAMPLES.iterdir()
        if p.suffix in {".json", ".yml", ".yaml"} and not p.name.endswith(".input.json")
    )


def test_every_example_definition_has_a_run_below() -> None:
    assert sorted(EXAMPLE_RUNS) == example_definitions()


@pytest.mark.parametrize("name", sorted(EXAMPLE_RUNS))
def test_each_example_runs_with_the_shipped_handlers(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra, output, stop = EXAMPLE_RUNS[name]
    monkeypatch.chdir(ROOT)
    stdout, stderr = io.StringIO(), io.StringIO()
    code = cli.run(
        ["run", f"examples/{name}", *extra, "--output", "json"], stdout=stdout, stderr=stderr
    )
    described = json.loads(stdout.getvalue())
    assert (code, stderr.getvalue(), described["status"]) == (0, "", "SUCCEEDED")
    assert json.loads(described["output"]) == output
    assert described["stopDate"] == stop


@pytest.mark.parametrize("name", example_definitions())
def test_the_examples_readme_presents_each_example(name: str) -> None:
    assert f"`{name}`" in (EXAMPLES / "README.md").read_text(encoding="utf-8")


def test_the_examples_readme_commands_are_the_tested_ones() -> None:
    """Each `aslrun run` command in examples/README.md is one of EXAMPLE_RUNS, word for word."""
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8").replace("\\\n", " ")
    commands = [shlex.split(c) for c in re.findall(r"^aslrun (run .*)$", readme, re.MULTILINE)]
    assert commands
    for words in commands:
        name = words[1].removeprefix("examples/")
        assert name in EXAMPLE_RUNS, words
        assert words[2:] == EXAMPLE_RUNS[name][0], words
