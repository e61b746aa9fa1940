"""The pytest plugin (entry point ``pytest11``: ``aslrun``).

Fixtures: ``aslrun_clock`` (a fresh ``VirtualClock``) and ``sfn`` (an ``aslrun.StepFunctions``
on it, seeded from the test's node id, torn down after the test).  The marker
``@pytest.mark.aslrun(start=, seed=, mock_config=, test_case=, mock_validation=, handlers=,
raise_handler_errors=)`` configures them.  When a test using ``sfn`` fails, the report gets an
"aslrun executions" section explaining each execution that did not succeed.  Options:
``--aslrun-update-golden`` rewrites golden files, ``--aslrun-raise-handler-errors`` lets a
handler's exception through to the test.  ``sfn_boto3`` is a boto3 client answered by ``sfn``
(aslrun.server.target); ``--aslrun-target=URL`` points both fixtures at another endpoint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Generator, Mapping
from pathlib import Path
from typing import Any, Final

import pytest

from aslrun.handlers.registry import ResourceRegistry
from aslrun.runtime.clock import VirtualClock
from aslrun.service import StepFunctions
from aslrun.testing.golden import GoldenSettings, golden_settings
from aslrun.testing.recording import HandlerRaised, RecordingRegistry
from aslrun.testing.report import explain

DEFAULT_START: Final = "2026-01-01T00:00:00Z"
"""Where the ``aslrun_clock`` starts without a marker's ``start``: a fixed instant, so that
histories (and golden files) are the same on every run."""

_MARKER: Final = (
    "aslrun(start=None, seed=None, mock_config=None, test_case=None, mock_validation='STRICT', "
    "handlers=None, raise_handler_errors=None): configure the sfn and aslrun_clock fixtures"
)
_KEYS: Final = frozenset(
    {
        "start",
        "seed",
        "mock_config",
        "test_case",
        "mock_validation",
        "handlers",
        "raise_handler_errors",
    }
)
_REGISTRY_KEY = pytest.StashKey[RecordingRegistry]()
_SERVICE_KEY = pytest.StashKey[StepFunctions]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("aslrun", "aslrun (AWS Step Functions state machines)")
    group.addoption(
        "--aslrun-update-golden",
        action="store_true",
        default=False,
        help="rewrite the golden files assert_history_matches compares with",
    )
    group.addoption(
        "--aslrun-raise-handler-errors",
        action="store_true",
        default=False,
        help="a Task handler's exception fails the test where it was raised, instead of "
        "failing the Task",
    )
    group.addoption(
        "--aslrun-target",
        metavar="URL",
        default=None,
        help="run the tests against this Step Functions endpoint (aslrun serve, Step Functions "
        "Local, or 'aws'): the sfn and sfn_boto3 fixtures are boto3 clients for it",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", _MARKER)


def _settings(item: pytest.Item) -> dict[str, Any]:
    marker = item.get_closest_marker("aslrun")
    if marker is None:
        return {}
    if marker.args:
        raise pytest.UsageError(f"{item.nodeid}: @pytest.mark.aslrun takes keyword arguments")
    unknown = sorted(set(marker.kwargs) - _KEYS)
    if unknown:
        raise pytest.UsageError(
            f"{item.nodeid}: @pytest.mark.aslrun: unknown argument {', '.join(unknown)} "
            f"(known: {', '.join(sorted(_KEYS))})"
        )
    return dict(marker.kwargs)


def _seed(nodeid: str) -> int:
    """A seed that depends on the test's node id only: stable across runs and machines."""
    return int.from_bytes(hashlib.sha256(nodeid.encode("utf-8")).digest()[:8], "big")


def _handlers(value: Any) -> ResourceRegistry:
    if value is None:
        return ResourceRegistry()
    if isinstance(value, ResourceRegistry):
        return value
    if isinstance(value, Mapping):
        return ResourceRegistry(value)
    if isinstance(value, str):  # a handlers module, as for aslrun run --handlers
        from aslrun.cli.inputs import handlers  # noqa: PLC0415 - loaded on use

        return ResourceRegistry(handlers([value]))
    raise pytest.UsageError(
        "@pytest.mark.aslrun(handlers=...): a mapping of keys to callables, a "
        f"ResourceRegistry or a handlers module; got {type(value).__name__}"
    )


def _mock_config(value: Any, root: Path) -> Any:
    if isinstance(value, (str, Path)) and not str(value).lstrip().startswith("{"):
        path = Path(value)
        return path if path.is_absolute() else root / path
    return value


@pytest.fixture
def aslrun_clock(request: pytest.FixtureRequest) -> VirtualClock:
    """A fresh virtual clock (the marker's ``start``, else 2026-01-01T00:00:00Z)."""
    start = _settings(request.node).get("start") or DEFAULT_START
    return VirtualClock(start=start)


@pytest.fixture
def sfn(
    request: pytest.FixtureRequest, aslrun_clock: VirtualClock
) -> Generator[StepFunctions, None, None]:
    """An ``aslrun.StepFunctions`` on ``aslrun_clock``, configured by the ``aslrun`` marker
    (with ``--aslrun-target``: a boto3 client for that endpoint)."""
    target = request.config.getoption("--aslrun-target")
    if target:
        from aslrun.server.target import remote_client  # noqa: PLC0415 - the server, loaded on use

        yield remote_client(target)
        return
    settings = _settings(request.node)
    reraise = settings.get("raise_handler_errors")
    if reraise is None:
        reraise = bool(request.config.getoption("--aslrun-raise-handler-errors"))
    registry = RecordingRegistry(_handlers(settings.get("handlers")), reraise=bool(reraise))
    seed = settings.get("seed")
    root = Path(str(request.node.path)).parent
    service = StepFunctions(
        clock=aslrun_clock,
        handlers=registry,
        seed=_seed(request.node.nodeid) if seed is None else seed,
        mock_config=_mock_config(settings.get("mock_config"), root),
        test_case=settings.get("test_case"),
        mock_validation=settings.get("mock_validation", "STRICT"),
    )
    request.node.stash[_REGISTRY_KEY] = registry
    request.node.stash[_SERVICE_KEY] = service
    yield service
    for arn in [a for a, r in service._s.executions.items() if not r.execution.done]:
        service.execution(arn).stop("aslrun.TestEnded", "the test using the sfn fixture ended")


@pytest.fixture
def sfn_boto3(request: pytest.FixtureRequest) -> Generator[Any, None, None]:
    """A boto3 ``stepfunctions`` client answered in-process by the ``sfn`` service (with
    ``--aslrun-target``: a client for that endpoint), so the test runs unchanged on AWS."""
    from aslrun.server.target import boto3_client, remote_client  # noqa: PLC0415 - the server, loaded on use

    target = request.config.getoption("--aslrun-target")
    if target:
        yield remote_client(target)
        return
    with boto3_client(request.getfixturevalue("sfn")) as client:
        yield client


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    root = Path(str(item.path)).parent
    update = bool(item.config.getoption("--aslrun-update-golden"))
    with golden_settings(GoldenSettings(root=root, update=update)):
        try:
            return (yield)
        except HandlerRaised as raised:  # --aslrun-raise-handler-errors: the handler's own
            raise raised.original from None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call" and report.failed:
        text = _executions_report(item)
        if text:
            report.sections.append(("aslrun executions", text))
    return report


def _executions_report(item: pytest.Item) -> str:
    service = item.stash.get(_SERVICE_KEY, None)
    if service is None:
        return ""
    registry = item.stash.get(_REGISTRY_KEY, None)
    failures = registry.failures if registry is not None else {}
    blocks = []
    for arn, record in service._s.executions.items():
        ex = record.execution
        if ex.status == "SUCCEEDED":
            blocks.append(f"execution {ex.name}: SUCCEEDED (path: {' -> '.join(ex.path)})")
            continue
        blocks.append(explain(ex, handler_errors=failures.get(arn, ())))
    return "\n\n".join(blocks)


ExplainHook = Callable[[Any], str]
