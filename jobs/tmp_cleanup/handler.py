"""Delete objects in a scratch bucket that are older than `max_age_hours`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3


def main(event: dict[str, Any], context: Any) -> dict[str, Any]:
    cutoff = datetime.now(UTC) - timedelta(hours=int(event.get("max_age_hours", 24)))
    s3 = boto3.client("s3")
    deleted = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=event["bucket"]):
        old = [{"Key": o["Key"]} for o in page.get("Contents", []) if o["LastModified"] < cutoff]
        if old:
            s3.delete_objects(Bucket=event["bucket"], Delete={"Objects": old, "Quiet": True})
            deleted += len(old)
    return {"deleted": deleted}
