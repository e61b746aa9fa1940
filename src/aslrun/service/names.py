"""AWS's rules for names and the ARNs the service hands out and accepts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from aslrun.service.errors import InvalidArn, InvalidName, validation_error

__all__ = [
    "Arn",
    "activity_arn",
    "check_name",
    "execution_arn",
    "express_execution_arn",
    "parse_arn",
    "state_machine_arn",
]

MAX_NAME = 80
MAX_ARN = 256

# StartExecution/CreateStateMachine/CreateActivity ``name``: no white space, brackets, wildcards,
# the special characters " # % \ ^ | ~ ` $ & , ; : /, control characters, surrogates or
# U+FFFE/U+FFFF (botocore service model, ``name`` member docs).
_FORBIDDEN = re.compile(
    r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]"
)


def check_name(name: object, field: str = "name") -> str:
    """Return ``name`` if AWS accepts it; else raise AWS's error."""
    if not isinstance(name, str):
        raise validation_error(field, name, "Member must be a string")
    if len(name) > MAX_NAME:
        raise validation_error(
            field, name, f"Member must have length less than or equal to {MAX_NAME}"
        )
    if not name or _FORBIDDEN.search(name):
        raise InvalidName(f"Invalid Name: '{name}'")
    return name


def _prefix(region: str, account: str) -> str:
    return f"arn:aws:states:{region}:{account}"


def state_machine_arn(region: str, account: str, name: str) -> str:
    return f"{_prefix(region, account)}:stateMachine:{name}"


def execution_arn(region: str, account: str, machine: str, name: str) -> str:
    return f"{_prefix(region, account)}:execution:{machine}:{name}"


def express_execution_arn(
    region: str, account: str, machine: str, name: str, execution_id: str
) -> str:
    """An Express execution's ARN: AWS appends an id after the name."""
    return f"{_prefix(region, account)}:express:{machine}:{name}:{execution_id}"


def activity_arn(region: str, account: str, name: str) -> str:
    return f"{_prefix(region, account)}:activity:{name}"


@dataclass(frozen=True, slots=True)
class Arn:
    """A parsed Step Functions ARN: ``resource`` is the type, ``parts`` what follows it."""

    region: str
    account: str
    resource: str
    parts: tuple[str, ...]


_RESOURCE_PARTS = {
    "stateMachine": (1, 2),  # name, or name:version|alias
    "execution": (2, 2),
    "express": (3, 3),
    "activity": (1, 1),
    "mapRun": (2, 2),
}


def parse_arn(value: object, field: str, *kinds: str) -> Arn:
    """Parse a Step Functions ARN of one of ``kinds``; raise AWS's ``InvalidArn`` if it is not one.

    Length is checked first, as AWS's request validation does.
    """
    if not isinstance(value, str):
        raise validation_error(field, value, "Member must be a string")
    if not value or len(value) > MAX_ARN:
        bound = "greater than or equal to 1" if not value else f"less than or equal to {MAX_ARN}"
        raise validation_error(field, value, f"Member must have length {bound}")
    pieces = value.split(":")
    if len(pieces) < 7 or pieces[:3] != ["arn", "aws", "states"]:
        raise InvalidArn(f"Invalid Arn: 'Invalid ARN prefix: {value}'")
    resource = pieces[5]
    bounds = _RESOURCE_PARTS.get(resource)
    parts = tuple(pieces[6:])
    if bounds is None or resource not in kinds:
        raise InvalidArn(f"Invalid Arn: 'Resource type not valid in this context: {resource}'")
    low, high = bounds
    if not low <= len(parts) <= high or not all(parts):
        raise InvalidArn(f"Invalid Arn: 'Invalid ARN format: {value}'")
    return Arn(pieces[3], pieces[4], resource, parts)
