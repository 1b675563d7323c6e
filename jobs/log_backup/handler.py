"""Copy the last week's log objects from one S3 bucket to a backup bucket.

Input: source_bucket, backup_bucket, prefix (optional), days (default 7).
Objects keep their key under `<YYYY-MM-DD>/` in the backup bucket, the day the run was scheduled.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3


def main(event: dict[str, Any], context: Any) -> dict[str, Any]:
    source = event["source_bucket"]
    target = event["backup_bucket"]
    prefix = event.get("prefix", "")
    days = int(event.get("days", 7))
    scheduled = getattr(context, "scheduled_time", None) or datetime.now(UTC)
    since = scheduled - timedelta(days=days)
    folder = scheduled.strftime("%Y-%m-%d")

    s3 = boto3.client("s3")
    copied = skipped = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=source, Prefix=prefix):
        for item in page.get("Contents", []):
            if item["LastModified"] < since:
                skipped += 1
                continue
            s3.copy_object(
                Bucket=target,
                Key=f"{folder}/{item['Key']}",
                CopySource={"Bucket": source, "Key": item["Key"]},
            )
            copied += 1
    return {"copied": copied, "skipped": skipped, "backup_prefix": f"{folder}/"}
