"""What ``Ref`` and ``Fn::GetAtt`` give for the resource types a state machine refers to.

Each builder takes the physical name and where the stack deploys (partition, region,
account) and returns the attributes by name (``Ref`` included).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, Protocol

__all__ = ["RESOURCE_ATTRIBUTES", "RESOURCE_ATTRIBUTES_NAME_PROPERTY", "Where"]


class Where(Protocol):
    """Where a stack deploys (a :class:`~aslrun.definition.cloudformation.Env`)."""

    @property
    def partition(self) -> str: ...
    @property
    def region(self) -> str: ...
    @property
    def account(self) -> str: ...


def _arn(env: Where, service: str, resource: str, *, region: bool = True) -> str:
    where = f"{env.region}:{env.account}" if region else f":{env.account}"
    return f"arn:{env.partition}:{service}:{where}:{resource}"


def _function(name: str, env: Where) -> dict[str, Any]:
    return {"Ref": name, "Arn": _arn(env, "lambda", f"function:{name}")}


def _machine(name: str, env: Where) -> dict[str, Any]:
    arn = _arn(env, "states", f"stateMachine:{name}")
    return {"Ref": arn, "Arn": arn, "Name": name}


def _queue(name: str, env: Where) -> dict[str, Any]:
    url = f"https://sqs.{env.region}.amazonaws.com/{env.account}/{name}"
    return {"Ref": url, "QueueUrl": url, "QueueName": name, "Arn": _arn(env, "sqs", name)}


def _topic(name: str, env: Where) -> dict[str, Any]:
    arn = _arn(env, "sns", name)
    return {"Ref": arn, "TopicArn": arn, "TopicName": name}


def _named(service: str, prefix: str, *, region: bool = True) -> Callable[[str, Where], Any]:
    def build(name: str, env: Where) -> dict[str, Any]:
        return {
            "Ref": name,
            "Arn": _arn(env, service, f"{prefix}{name}", region=region),
            "Name": name,
        }

    return build


def _bucket(name: str, env: Where) -> dict[str, Any]:
    return {
        "Ref": name,
        "Arn": f"arn:{env.partition}:s3:::{name}",
        "DomainName": f"{name}.s3.amazonaws.com",
    }


# Resource type -> the property holding its physical name, and its attributes.
RESOURCE_ATTRIBUTES_NAME_PROPERTY: Final[Mapping[str, str]] = {
    "AWS::Lambda::Function": "FunctionName",
    "AWS::Serverless::Function": "FunctionName",
    "AWS::StepFunctions::StateMachine": "StateMachineName",
    "AWS::Serverless::StateMachine": "Name",
    "AWS::StepFunctions::Activity": "Name",
    "AWS::DynamoDB::Table": "TableName",
    "AWS::Serverless::SimpleTable": "TableName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::Events::EventBus": "Name",
    "AWS::IAM::Role": "RoleName",
    "AWS::ECS::Cluster": "ClusterName",
    "AWS::Kinesis::Stream": "Name",
    "AWS::Logs::LogGroup": "LogGroupName",
}
RESOURCE_ATTRIBUTES: Final[Mapping[str, Callable[[str, Where], Mapping[str, Any]]]] = {
    "AWS::Lambda::Function": _function,
    "AWS::Serverless::Function": _function,
    "AWS::StepFunctions::StateMachine": _machine,
    "AWS::Serverless::StateMachine": _machine,
    "AWS::StepFunctions::Activity": lambda name, env: {
        "Ref": _arn(env, "states", f"activity:{name}"),
        "Arn": _arn(env, "states", f"activity:{name}"),
        "Name": name,
    },
    "AWS::DynamoDB::Table": _named("dynamodb", "table/"),
    "AWS::Serverless::SimpleTable": _named("dynamodb", "table/"),
    "AWS::SQS::Queue": _queue,
    "AWS::SNS::Topic": _topic,
    "AWS::S3::Bucket": _bucket,
    "AWS::Events::EventBus": _named("events", "event-bus/"),
    "AWS::IAM::Role": _named("iam", "role/", region=False),
    "AWS::ECS::Cluster": _named("ecs", "cluster/"),
    "AWS::Kinesis::Stream": _named("kinesis", "stream/"),
    "AWS::Logs::LogGroup": _named("logs", "log-group:"),
}
