"""The Step Functions API model: botocore's ``stepfunctions`` service model, read as data.

The protocol layer needs every operation's input and output shape (member names, types,
required members, length and value bounds, enums).  botocore ships that model
(``botocore/data/stepfunctions/2016-11-23/service-2.json``) and keeps it current, so aslrun
reads it from there rather than vendoring a copy: ``pip install 'aslrun[server]'`` brings
botocore.  The core package never imports this module.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from aslrun.errors import AslrunError

__all__ = ["ApiModel", "ModelUnavailable", "Operation", "api_model", "method_name"]

SERVICE = "stepfunctions"
TARGET_PREFIX = "AWSStepFunctions"


class ModelUnavailable(AslrunError):
    """botocore (the ``server`` extra) is not installed, so the API model cannot be read."""


@dataclass(frozen=True, slots=True)
class Operation:
    """One API operation: its wire name, the service method serving it, its shapes."""

    name: str  # StartExecution
    method: str  # start_execution
    input: Any  # botocore.model.StructureShape (or None)
    output: Any  # botocore.model.StructureShape (or None)


@dataclass(frozen=True, slots=True)
class ApiModel:
    """The operations of the Step Functions API, by wire name."""

    api_version: str
    target_prefix: str
    operations: dict[str, Operation]


_CAMEL_WORD = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def method_name(operation: str) -> str:
    """The boto3 method name of an operation (``StartExecution`` -> ``start_execution``);
    Step Functions' names are plain CamelCase words, so one rule covers them all."""
    return _CAMEL_WORD.sub("_", operation).lower()


@functools.lru_cache(maxsize=1)
def api_model() -> ApiModel:
    """The model, read once from the installed botocore."""
    try:
        from botocore.loaders import Loader  # noqa: PLC0415 - optional dependency
        from botocore.model import ServiceModel  # noqa: PLC0415 - optional dependency
    except ImportError:
        raise ModelUnavailable(
            "the Step Functions API layer needs botocore: pip install 'aslrun[server]'"
        ) from None
    data = Loader().load_service_model(SERVICE, "service-2")
    service = ServiceModel(data, service_name=SERVICE)
    operations = {}
    for name in service.operation_names:
        op = service.operation_model(name)
        operations[name] = Operation(name, method_name(name), op.input_shape, op.output_shape)
    return ApiModel(
        api_version=service.api_version,
        target_prefix=service.metadata.get("targetPrefix", TARGET_PREFIX),
        operations=operations,
    )
