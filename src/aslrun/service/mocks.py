"""Step Functions Local test cases in the service: ``start_execution(stateMachineArn=arn +
"#HappyPath")`` runs the execution under that test case of the service's mock configuration
(``StepFunctions(mock_config=...)``, else the ``SFN_MOCK_CONFIG`` variable read when the service
is made), as AWS Step Functions Local does."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aslrun.runtime.invoke import Invoker
from aslrun.service.errors import InvalidArn
from aslrun.service.store import MachineRecord

__all__ = ["ServiceMocks", "split_test_case"]


class ServiceMocks:
    """The service's mock configuration, its default test case and validation mode."""

    __slots__ = ("config", "test_case", "validation")

    def __init__(self, config: Any, test_case: str | None, validation: str) -> None:
        self.config = config
        self.test_case = test_case
        self.validation = validation

    @classmethod
    def make(
        cls,
        mock_config: Any,
        test_case: str | None,
        validation: str,
        environ: Mapping[str, str],
    ) -> ServiceMocks:
        from aslrun.toolkit.mockconfig import mock_config_from_env  # noqa: PLC0415 - the toolkit sits above the service
        from aslrun.toolkit.mocking import as_mock_config  # noqa: PLC0415 - the toolkit sits above the service
        from aslrun.toolkit.mockshapes import MODES, require_botocore  # noqa: PLC0415 - the toolkit sits above the service

        if validation not in MODES:
            raise ValueError(
                f"mock_validation: expected one of {', '.join(MODES)}, got {validation!r}"
            )
        config = (
            mock_config_from_env(environ) if mock_config is None else as_mock_config(mock_config)
        )
        if config is not None:
            require_botocore(validation)
        return cls(config, test_case, validation)

    def invoker(
        self, record: MachineRecord, test_case: str | None, inner: Invoker
    ) -> Invoker | None:
        """The invoker of one execution of ``record`` under ``test_case`` (or the default)."""
        case = test_case if test_case is not None else self.test_case
        if case is None or self.config is None:
            return None
        from aslrun.toolkit.mocking import plan_mocks  # noqa: PLC0415 - the toolkit sits above the service

        machine = record.version.machine
        plan = plan_mocks(
            self.config, record.name, case, machine.machine, validation=self.validation
        )
        return plan.invoker(inner)


def split_test_case(arn: object, mocks: ServiceMocks | None) -> tuple[object, str | None]:
    """``arn#TestCase`` -> ``(arn, "TestCase")``; a test case needs a mock configuration."""
    if not isinstance(arn, str) or "#" not in arn:
        return arn, None
    base, _, case = arn.partition("#")
    if mocks is None or mocks.config is None:
        raise InvalidArn(
            f"Invalid Arn: '{arn}': a test case (#{case}) needs a mock configuration: "
            "StepFunctions(mock_config=...) or the SFN_MOCK_CONFIG environment variable"
        )
    return base, case
