"""The local data loaded into the local AWS: what `local-data.yaml` declares
(`scheduler.local_data`) created through a boto3 session on the embedded moto, the same calls
and the same path as a job's handler takes. `embedded.running` runs it when it creates a local
AWS (no saved state yet, or after `sched local reset`), never on top of a saved state.
"""

from __future__ import annotations

import contextlib
import decimal
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
from boto3.dynamodb.types import TypeSerializer
from botocore.exceptions import BotoCoreError, ClientError

from scheduler import limits
from scheduler.diagnostics import Span
from scheduler.errors import LocalDataInvalid
from scheduler.local_data.model import Bucket, LocalData, Parameter, Queue, Secret, Table
from scheduler.local_data.read import read_local_data

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import WriteRequestTypeDef
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_ssm import SSMClient

# https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
_BATCH_WRITE_MAX_ITEMS = 25
_DEFAULT_REGION = "us-east-1"  # the one region where CreateBucket takes no LocationConstraint


def load_file(session: boto3.Session, path: Path) -> LocalData | None:
    """Load the local data file at `path` (nothing when there is none); what it declared."""
    data = read_local_data(path)
    if data is not None:
        load(session, data)
    return data


def load(session: boto3.Session, data: LocalData) -> None:
    """Create everything `data` declares in the AWS `session` talks to. Raises
    `LocalDataInvalid` at the line of what AWS refused."""
    if data.buckets:
        s3 = session.client("s3")
        for bucket in data.buckets:
            _bucket(s3, bucket, str(session.region_name), data.file)
    if data.tables:
        dynamodb = session.client("dynamodb")
        for table in data.tables:
            with _refused(data.file, table.where, f'table "{table.name}"'):
                dynamodb.create_table(
                    TableName=table.name,
                    KeySchema=[
                        {"AttributeName": k.name, "KeyType": "HASH" if i == 0 else "RANGE"}
                        for i, k in enumerate(table.key)
                    ],
                    AttributeDefinitions=[
                        {"AttributeName": k.name, "AttributeType": k.type} for k in table.key
                    ],
                    BillingMode="PAY_PER_REQUEST",
                )
            _items(dynamodb, table, data.file)
    if data.parameters:
        ssm = session.client("ssm")
        for parameter in data.parameters:
            _parameter(ssm, parameter, data.file)
    if data.secrets:
        secrets = session.client("secretsmanager")
        for secret in data.secrets:
            _secret(secrets, secret, data.file)
    if data.queues:
        sqs = session.client("sqs")
        for queue in data.queues:
            _queue(sqs, queue, data.file)


def _bucket(s3: S3Client, bucket: Bucket, region: str, file: str) -> None:
    with _refused(file, bucket.where, f'bucket "{bucket.name}"'):
        if region == _DEFAULT_REGION:
            s3.create_bucket(Bucket=bucket.name)
        else:
            s3.create_bucket(
                Bucket=bucket.name,
                CreateBucketConfiguration={"LocationConstraint": region},  # type: ignore[typeddict-item]
            )
    for item in bucket.objects:
        with _refused(file, item.where, f'object "{item.key}" of bucket "{bucket.name}"'):
            s3.put_object(Bucket=bucket.name, Key=item.key, Body=item.body)


def _items(dynamodb: DynamoDBClient, table: Table, file: str) -> None:
    serializer = TypeSerializer()
    for start in range(0, len(table.items), _BATCH_WRITE_MAX_ITEMS):
        batch = table.items[start : start + _BATCH_WRITE_MAX_ITEMS]
        requests: list[WriteRequestTypeDef] = []
        for number, item in enumerate(batch, start + 1):
            with _refused(file, item.where, f'item {number} of table "{table.name}"'):
                serialized = {
                    k: serializer.serialize(_numbers(v)) for k, v in item.attributes.items()
                }
            requests.append({"PutRequest": {"Item": serialized}})
        with _refused(file, table.where, f'the items of table "{table.name}"'):
            answer = dynamodb.batch_write_item(RequestItems={table.name: requests})
        if answer.get("UnprocessedItems"):  # AWS under load does this; moto does not
            raise _problem(file, table.where, f'items of table "{table.name}"', "not written")


def _numbers(value: object) -> object:
    """YAML's numbers as the Decimals boto3 sends as DynamoDB numbers (it refuses floats)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return decimal.Decimal(value)
    if isinstance(value, float):
        return decimal.Decimal(repr(value))
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _numbers(v) for k, v in value.items()}
    return value


def _parameter(ssm: SSMClient, parameter: Parameter, file: str) -> None:
    with _refused(file, parameter.where, f'parameter "{parameter.name}"'):
        ssm.put_parameter(Name=parameter.name, Value=parameter.value, Type=parameter.type)


def _secret(secrets: SecretsManagerClient, secret: Secret, file: str) -> None:
    with _refused(file, secret.where, f'secret "{secret.name}"'):
        secrets.create_secret(Name=secret.name, SecretString=secret.value)


def _queue(sqs: SQSClient, queue: Queue, file: str) -> None:
    # A FIFO queue must say so when it is created, as well as by its name:
    # https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
    fifo = {"FifoQueue": "true"} if queue.name.endswith(limits.SQS_FIFO_SUFFIX) else {}
    with _refused(file, queue.where, f'queue "{queue.name}"'):
        sqs.create_queue(QueueName=queue.name, Attributes=fifo)  # type: ignore[arg-type]


@contextlib.contextmanager
def _refused(file: str, where: Span, what: str) -> Iterator[None]:
    """What the local AWS refuses is a problem of the file, at the line that declares it."""
    try:
        yield
    except ClientError as error:
        detail = error.response.get("Error", {})
        reason = f"{detail.get('Code', '?')}: {detail.get('Message', '')}".rstrip(": ")
        raise _problem(file, where, what, reason) from error
    except (BotoCoreError, TypeError, ValueError, decimal.DecimalException) as error:
        raise _problem(file, where, what, str(error)) from error


def _problem(file: str, where: Span, what: str, reason: str) -> LocalDataInvalid:
    return LocalDataInvalid(
        file,
        [(f"{where}: the local AWS refused {what}: {reason}", "fix it in the file")],
    )
