"""The examples and the README do what they say: `make demo`'s command, the README's Python."""

from __future__ import annotations

import io
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
