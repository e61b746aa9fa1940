"""``pytest --aslrun-cov``: state machine coverage across a test run (entry point ``pytest11``:
``aslrun-cov``).

Every execution started while the tests run (``StateMachine.run``/``start``, the ``sfn``
fixture's service, any ``StepFunctions``) is read after the test that started it: its history
and definition give the states entered, transitions taken, Choice rules and Defaults chosen,
Catchers and Retriers exercised and Parallel branches run (``aslrun.toolkit.coverage``).
Options: ``--aslrun-cov`` turns it on; ``--aslrun-cov-report=term|term-missing|json:PATH|
html:PATH`` (repeatable; default ``term-missing``); ``--aslrun-cov-fail-under=N`` fails the run
(exit status 1) when the total is below N percent.  The ``aslrun_cov`` fixture is the collector.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest

from aslrun.toolkit.coverage import CoverageCollector

__all__ = ["CoverageSession"]

_KEY = pytest.StashKey["CoverageSession"]()


class CoverageSession:
    """The collector and the executions started since the last test ended."""

    def __init__(self) -> None:
        self.collector = CoverageCollector()
        self.pending: list[tuple[Any, Any]] = []
        self._stop: Callable[[], None] | None = None

    def start(self) -> None:
        from aslrun.api import observe_executions  # noqa: PLC0415 - loaded when the plugin is enabled

        self._stop = observe_executions(lambda sm, ex: self.pending.append((sm, ex)))

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        for machine, execution in pending:
            self.collector.add(machine.definition, execution.history, name=machine.name)

    def stop(self) -> None:
        if self._stop is not None:
            self._stop()
            self._stop = None
        self.flush()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("aslrun-cov", "aslrun state machine coverage")
    group.addoption(
        "--aslrun-cov",
        action="store_true",
        default=False,
        help="measure which states, transitions, Choice rules, Catchers and Retriers the "
        "tests' executions exercised",
    )
    group.addoption(
        "--aslrun-cov-report",
        action="append",
        default=[],
        metavar="TYPE",
        help="term, term-missing (default), json:PATH or html:PATH; repeatable",
    )
    group.addoption(
        "--aslrun-cov-fail-under",
        type=float,
        default=None,
        metavar="N",
        help="fail the run when total state machine coverage is below N percent",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("aslrun_cov") or config.getoption("aslrun_cov_fail_under") is not None:
        for report in config.getoption("aslrun_cov_report"):
            _check_report(report)
        session = CoverageSession()
        session.start()
        config.stash[_KEY] = session


def _check_report(report: str) -> None:
    kind, _, path = report.partition(":")
    if kind in ("term", "term-missing") and not path:
        return
    if kind in ("json", "html") and path:
        return
    raise pytest.UsageError(
        f"--aslrun-cov-report={report}: expected term, term-missing, json:PATH or html:PATH"
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    yield
    session = item.config.stash.get(_KEY, None)
    if session is not None:
        session.flush()


@pytest.fixture
def aslrun_cov(request: pytest.FixtureRequest) -> CoverageCollector:
    """The run's coverage collector (a fresh one when ``--aslrun-cov`` is off): ``.add(
    definition, history)`` counts a history recorded elsewhere (on AWS, in a file)."""
    session = request.config.stash.get(_KEY, None)
    return session.collector if session is not None else CoverageCollector()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    cov = session.config.stash.get(_KEY, None)
    if cov is None:
        return
    cov.stop()
    threshold = session.config.getoption("aslrun_cov_fail_under")
    if threshold is not None and cov.collector.percent() < threshold and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    cov = config.stash.get(_KEY, None)
    if cov is None:
        return
    from aslrun.toolkit.coverage_report import to_html, to_json, to_text  # noqa: PLC0415 - loaded when a report is written

    cov.stop()
    reports = config.getoption("aslrun_cov_report") or ["term-missing"]
    tr = terminalreporter
    for report in reports:
        kind, _, path = report.partition(":")
        if kind in ("term", "term-missing"):
            tr.write_sep("-", "aslrun state machine coverage")
            tr.write(to_text(cov.collector, show_missing=kind == "term-missing"))
        else:
            text = to_json(cov.collector) if kind == "json" else to_html(cov.collector)
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(text, encoding="utf-8")
            tr.write_line(f"aslrun coverage {kind} report written to {path}")
    threshold = config.getoption("aslrun_cov_fail_under")
    if threshold is not None:
        total = cov.collector.percent()
        if total < threshold:
            tr.write_line(
                f"FAIL Required state machine coverage of {threshold:g}% not reached. "
                f"Total coverage: {total:.2f}%",
                red=True,
            )
        else:
            tr.write_line(
                f"Required state machine coverage of {threshold:g}% reached. "
                f"Total coverage: {total:.2f}%"
            )
