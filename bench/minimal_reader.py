"""The floor sched's no-change plan is measured against: a bare boto3 reader making only the reads
a full diff of a catalogue needs, with the same bulk APIs (one tag search, roles in bulk), and
nothing sched adds (quotas, alert topics, dead-letter queues, aliases, log groups).

Not a benchmark itself; `bench_scale.py` runs it beside sched's plan and compares the calls.
"""

from __future__ import annotations

import contextlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3


def read(session: boto3.Session, catalogue: str, scheduler_group: str) -> int:
    """Read everything a diff of `catalogue` needs; the number of API calls it took."""
    calls = [0]

    def count(**_: Any) -> None:
        calls[0] += 1

    session.events.register("before-call.*.*", count)
    lam, events = session.client("lambda"), session.client("events")
    iam, sched = session.client("iam"), session.client("scheduler")
    tagging = session.client("resourcegroupstaggingapi")
    prefix = f"{catalogue}-"
    tagged = {
        m["ResourceARN"]
        for page in tagging.get_paginator("get_resources").paginate(
            TagFilters=[{"Key": "managed-by", "Values": ["sched"]}],
            ResourceTypeFilters=["lambda:function", "events:rule"],
            ResourcesPerPage=100,
        )
        for m in page["ResourceTagMappingList"]
    }
    functions = [
        f["FunctionName"]
        for page in lam.get_paginator("list_functions").paginate()
        for f in page["Functions"]
        if f["FunctionName"].startswith(prefix)
    ]
    rules = [
        r
        for page in events.get_paginator("list_rules").paginate(NamePrefix=prefix)
        for r in page["Rules"]
    ]
    roles = [
        r["RoleName"]
        for page in iam.get_paginator("list_roles").paginate(PaginationConfig={"PageSize": 1000})
        for r in page["Roles"]
        if r["RoleName"].startswith(prefix)
    ]
    if roles:
        for _ in iam.get_paginator("get_account_authorization_details").paginate(
            Filter=["Role"], PaginationConfig={"PageSize": 1000}
        ):
            pass
    groups = [
        g["Arn"]
        for page in sched.get_paginator("list_schedule_groups").paginate(NamePrefix=catalogue)
        for g in page["ScheduleGroups"]
        if g["Name"] == scheduler_group
    ]
    schedules = [
        s["Name"]
        for page in sched.get_paginator("list_schedules").paginate(GroupName=scheduler_group)
        for s in page["Schedules"]
    ]

    def rule_reads(rule: dict[str, Any]) -> None:
        if rule["Arn"] not in tagged:  # moto's tag search leaves rules out; AWS's covers them
            events.list_tags_for_resource(ResourceARN=rule["Arn"])
        for page in events.get_paginator("list_targets_by_rule").paginate(Rule=rule["Name"]):
            for target in page["Targets"]:
                with contextlib.suppress(lam.exceptions.ResourceNotFoundException):
                    lam.get_policy(FunctionName=target["Arn"])

    def invoke_config(name: str) -> None:
        with contextlib.suppress(lam.exceptions.ResourceNotFoundException):
            lam.get_function_event_invoke_config(FunctionName=name)

    with ThreadPoolExecutor(16) as pool:
        for arn in groups:
            pool.submit(sched.list_tags_for_resource, ResourceArn=arn)
        list(pool.map(rule_reads, rules))
        list(pool.map(invoke_config, functions))
        list(
            pool.map(
                lambda name: sched.get_schedule(GroupName=scheduler_group, Name=name), schedules
            )
        )
    session.events.unregister("before-call.*.*", count)
    return calls[0]
