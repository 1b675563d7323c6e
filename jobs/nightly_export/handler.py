"""Export yesterday's rows of a DynamoDB table to a CSV object in S3."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3


def main(event: dict[str, Any], context: Any) -> dict[str, Any]:
    scheduled = getattr(context, "scheduled_time", None) or datetime.now(UTC)
    day = (scheduled - timedelta(days=1)).strftime("%Y-%m-%d")
    table = boto3.resource("dynamodb").Table(event["table"])
    rows = table.scan().get("Items", [])
    buffer = io.StringIO()
    fields = sorted({key for row in rows for key in row})
    writer = csv.DictWriter(buffer, fieldnames=fields)
    writer.writeheader()
    writer.writerows(rows)
    key = f"{event['table']}/{day}.csv"
    boto3.client("s3").put_object(Bucket=event["bucket"], Key=key, Body=buffer.getvalue())
    return {"rows": len(rows), "key": key}
