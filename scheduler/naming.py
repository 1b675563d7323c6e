"""Deterministic AWS names, ARNs and ownership tags for a catalogue's resources.

Every name is `<catalogue>-<job>` (or a per-catalogue name), limited to the characters and length
AWS accepts: past the limit it is truncated and a short stable hash of the full name is appended.
`owns` is the one test of whether sched may change or delete something it finds in AWS.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping

from scheduler import limits

MANAGED_BY_KEY = "managed-by"
MANAGED_BY_VALUE = "sched"
CATALOGUE_TAG = "sched:catalogue"
ENVIRONMENT_TAG = "sched:environment"
JOB_TAG = "sched:job"
# On a role the jobs of one permission set share (defaults: {roles: shared}): it has no
# sched:job; the catalogue says which jobs use it.
SHARED_TAG = "sched:shared"
# What sched set on a resource besides its ownership tags, as short hashes (AWS keeps no
# history): the keys of the catalogue's tags, and on a role the managed policies it attached.
# Whatever else a person adds is theirs. No mark: sched set none; "*": too many to mark, all are
# sched's (as before there were marks).
TAG_KEYS_TAG = "sched:tags"
POLICIES_TAG = "sched:policies"
EMAILS_TAG = "sched:emails"
# On a versioned function (`versions:`): the alias its rule or schedule invokes, so that a read
# looks for an alias only on the functions that have one.
ALIAS_TAG = "sched:alias"
# On a function whose log group's retention sched sets (`log_retention:`), for the same reason.
LOGS_TAG = "sched:logs"
_MARK_LENGTH = 6
_ALL = "*"


def mark(values: Iterable[str]) -> str | None:
    """The value of a TAG_KEYS_TAG, POLICIES_TAG or EMAILS_TAG tag for `values`; None for none
    (no tag)."""
    hashes = sorted({hashlib.sha256(v.encode()).hexdigest()[:_MARK_LENGTH] for v in values})
    if not hashes:
        return None
    value = " ".join(hashes)
    return value if len(value) <= limits.TAG_VALUE_MAX else _ALL


def marked(value: str, marks: str | None) -> bool:
    """Whether `value` is among those `marks` (a `mark` value, or None) records."""
    if marks is None:
        return False
    digest = hashlib.sha256(value.encode()).hexdigest()[:_MARK_LENGTH]
    return marks == _ALL or digest in marks.split()


def is_sched_tag(key: str) -> bool:
    """The tags sched sets whatever the catalogue says (ownership, marks)."""
    return key == MANAGED_BY_KEY or key.startswith("sched:")


# The id of the one target sched puts on each of its rules; any other target is someone else's.
TARGET_ID = "sched"

HASH_LENGTH = 8
# Only what every resource name accepts (see limits.NAME_PATTERN); `.` would break Lambda names.
_INVALID = re.compile(r"[^A-Za-z0-9_-]")
# The shortest limit any sched name is kept within: every name keeps at least this many of its
# leading characters, so every name of a catalogue starts with `owned_prefix(catalogue)`.
_SHORTEST_LIMIT = min(
    limits.EVENTBRIDGE_RULE_NAME_MAX,
    limits.LAMBDA_FUNCTION_NAME_MAX,
    limits.SCHEDULER_SCHEDULE_NAME_MAX,
    limits.SCHEDULER_GROUP_NAME_MAX,
    limits.IAM_ROLE_NAME_MAX,
    limits.LAMBDA_STATEMENT_ID_MAX,
)
_KEPT = _SHORTEST_LIMIT - HASH_LENGTH - 1


def short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:HASH_LENGTH]


def bounded(name: str, limit: int) -> str:
    """`name` if AWS accepts it as is; else its valid characters cut to fit, plus `-<hash>`.

    The hash is of the original name, so two names that differ only past the cut, or only in
    replaced characters, stay distinct.
    """
    clean = _INVALID.sub("-", name)
    if clean == name and len(name) <= limit:
        return name
    return f"{clean[: limit - HASH_LENGTH - 1]}-{short_hash(name)}"


def _job_name(catalogue: str, job: str, limit: int) -> str:
    return bounded(f"{catalogue}-{job}", limit)


def function_name(catalogue: str, job: str) -> str:
    return _job_name(catalogue, job, limits.LAMBDA_FUNCTION_NAME_MAX)


def rule_name(catalogue: str, job: str) -> str:
    return _job_name(catalogue, job, limits.EVENTBRIDGE_RULE_NAME_MAX)


def schedule_name(catalogue: str, job: str) -> str:
    return _job_name(catalogue, job, limits.SCHEDULER_SCHEDULE_NAME_MAX)


def statement_id(catalogue: str, job: str) -> str:
    return _job_name(catalogue, job, limits.LAMBDA_STATEMENT_ID_MAX)


# The day-of-week half of a Unix either-day job (`0 0 1,15 * MON`) is a second rule or schedule,
# with its own permission statement, named as a job called `<job>-dow` would be (SCH104 refuses
# a catalogue where such a job exists), so that it carries the prefix and pairs like any other.
DAY_OF_WEEK_SUFFIX = "-dow"


def day_of_week_half(job: str) -> str:
    """The name the second rule, schedule and statement of an either-day job are made from."""
    return f"{job}{DAY_OF_WEEK_SUFFIX}"


def same_origin(statement: str, rule: str) -> bool:
    """Whether a statement id and a rule name are the two names sched makes from one job's
    name (`statement_id`, `rule_name`): equal, or the rule's the shorter cut of the same name."""
    if bounded(statement, limits.EVENTBRIDGE_RULE_NAME_MAX) == rule:
        return True
    tail = HASH_LENGTH + 1
    if len(statement) <= tail or len(rule) <= tail or statement[-tail:] != rule[-tail:]:
        return False
    return rule[-tail] == "-" and statement[:-tail].startswith(rule[:-tail])


def schedule_group_name(catalogue: str) -> str:
    """Scheduler schedules cannot be tagged, so each catalogue owns one tagged group."""
    return bounded(catalogue, limits.SCHEDULER_GROUP_NAME_MAX)


def job_role_name(catalogue: str, job: str) -> str:
    """The execution role of one Lambda job that sets no `role`: it holds only that job's
    permissions."""
    return _job_name(catalogue, job, limits.IAM_ROLE_NAME_MAX)


def shared_role_name(catalogue: str, digest: str) -> str:
    """The execution role of the jobs whose permission set hashes to `digest` (shared roles)."""
    return bounded(f"{catalogue}-sched-role-{digest}", limits.IAM_ROLE_NAME_MAX)


def scheduler_role_name(catalogue: str) -> str:
    """The role EventBridge Scheduler assumes to invoke the catalogue's functions."""
    return bounded(f"{catalogue}-sched-scheduler", limits.IAM_ROLE_NAME_MAX)


def ecs_role_name(catalogue: str) -> str:
    """The role EventBridge rules assume to start the catalogue's Fargate tasks."""
    return bounded(f"{catalogue}-sched-ecs", limits.IAM_ROLE_NAME_MAX)


def lock_parameter_name(catalogue: str) -> str:
    """The SSM parameter an apply of the catalogue holds while it writes (`aws/lock.py`); one
    per catalogue (`bounded` adds a hash when it replaces a character, so `a.b` and `a-b` do not
    share a lock)."""
    frame = len("/sched//apply-lock")
    return f"/sched/{bounded(catalogue, limits.SSM_PARAMETER_NAME_MAX - frame)}/apply-lock"


def scope_prefix(catalogue: str, environment: str | None) -> str:
    """What the names of a scope start from: `<catalogue>`, or `<catalogue>-<environment>`."""
    return catalogue if environment is None else f"{catalogue}-{environment}"


def owned_prefix(catalogue: str) -> str:
    """What every per-job and per-catalogue name of `catalogue` starts with."""
    return _INVALID.sub("-", f"{catalogue}-")[:_KEPT]


def has_owned_name(name: str, catalogue: str) -> bool:
    return name == schedule_group_name(catalogue) or name.startswith(owned_prefix(catalogue))


def owns(
    name: str, tags: Mapping[str, str], catalogue: str, environment: str | None = None
) -> bool:
    """True only when `name` has the scope's prefix AND it carries both ownership tags, and the
    scope's environment tag (none without an environment: each environment is a scope of its own).

    Lambda permissions and rule targets cannot be tagged: a target belongs to the catalogue when
    its rule is owned; a permission statement when its id has the prefix and its SourceArn is an
    owned rule (or it sits on an owned function and names no one else's rule). See
    `scheduler.state`.
    """
    return (
        tags.get(MANAGED_BY_KEY) == MANAGED_BY_VALUE
        and tags.get(CATALOGUE_TAG) == catalogue
        and tags.get(ENVIRONMENT_TAG) == environment
        and has_owned_name(name, scope_prefix(catalogue, environment))
    )


def ownership_tags(
    catalogue: str, job: str | None = None, environment: str | None = None
) -> dict[str, str]:
    tags = {MANAGED_BY_KEY: MANAGED_BY_VALUE, CATALOGUE_TAG: catalogue}
    if environment is not None:
        tags[ENVIRONMENT_TAG] = environment
    if job is not None:
        tags[JOB_TAG] = job
    return tags


def partition(region: str) -> str:
    """The ARN partition of a region (China and GovCloud have their own)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def function_arn(region: str, account: str, name: str) -> str:
    return f"arn:{partition(region)}:lambda:{region}:{account}:function:{name}"


def rule_arn(region: str, account: str, name: str) -> str:
    return f"arn:{partition(region)}:events:{region}:{account}:rule/{name}"


def role_arn(region: str, account: str, name: str) -> str:
    return f"arn:{partition(region)}:iam::{account}:role/{name}"


def ecs_cluster_arn(region: str, account: str, cluster: str) -> str:
    if cluster.startswith("arn:"):
        return cluster
    return f"arn:{partition(region)}:ecs:{region}:{account}:cluster/{cluster}"


def ecs_task_definition_arn(region: str, account: str, task_definition: str) -> str:
    if task_definition.startswith("arn:"):
        return task_definition
    return f"arn:{partition(region)}:ecs:{region}:{account}:task-definition/{task_definition}"


def managed_policy_arn(region: str, path_and_name: str) -> str:
    return f"arn:{partition(region)}:iam::aws:policy/{path_and_name}"


def function_name_in_arn(arn: str) -> str | None:
    """The function name in a Lambda function ARN (qualified or not); None for other ARNs."""
    # arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]
    parts = arn.split(":")
    if len(parts) >= 7 and parts[0] == "arn" and parts[2] == "lambda" and parts[5] == "function":
        return parts[6]
    return None


def topic_name(catalogue: str, channel: str) -> str:
    """The SNS topic sched owns for the email alert channel `channel`."""
    return bounded(f"{catalogue}-alerts-{channel}", limits.SNS_TOPIC_NAME_MAX)


def topic_arn(region: str, account: str, name: str) -> str:
    return f"arn:{partition(region)}:sns:{region}:{account}:{name}"


def watcher_name(catalogue: str) -> str:
    """The alert watcher's function, role and rule: one per catalogue."""
    return bounded(f"{catalogue}-sched-watcher", limits.LAMBDA_FUNCTION_NAME_MAX)


WATCHER = "sched-watcher"


def watcher_key(shard: int = 0, shards: int = 1) -> str:
    """What one of `shards` watchers (numbered from 1) is named for after its scope, as a job is
    for its name: `sched-watcher`, or `sched-watcher-<n>`."""
    return WATCHER if shards <= 1 else f"{WATCHER}-{shard + 1}"


def watcher_shard_name(catalogue: str, shard: int, shards: int) -> str:
    """The function, role and rule of one of `shards` watchers (numbered from 1); a single
    watcher keeps `watcher_name`."""
    if shards <= 1:
        return watcher_name(catalogue)
    return bounded(f"{catalogue}-{watcher_key(shard, shards)}", limits.LAMBDA_FUNCTION_NAME_MAX)


# The log groups of the functions sched deploys: `/sched/<scope>/<job>` (LoggingConfig.LogGroup),
# one namespace per scope. Neither part can hold a `/`, so `/sched/acme/` is the exact start of
# the groups of scope `acme` and of no other scope's (`acme-ops`'s start `/sched/acme-ops/`);
# the watcher's role reads the scope's groups by that prefix. Lambda's own groups
# (`/aws/lambda/<function>`, every name prefix shared) are where functions logged before.
# https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-loggroups.html
LOG_NAMESPACE = "/sched"
_LOG_PART_MAX = (limits.LOG_GROUP_NAME_MAX - len(LOG_NAMESPACE) - 2) // 2


def log_group_name(scope: str, job: str) -> str:
    """The log group of the function sched deploys for `job` (or `watcher_key`) in `scope`
    (see `scope_prefix`): every reader and writer of its logs asks here."""
    return f"{log_group_prefix(scope)}{bounded(job, _LOG_PART_MAX)}"


def log_group_prefix(scope: str) -> str:
    """What the log groups of `scope`'s functions start with, and no other scope's do."""
    return f"{LOG_NAMESPACE}/{bounded(scope, _LOG_PART_MAX)}/"


def lambda_log_group(function: str) -> str:
    """The group Lambda writes a function's logs to by default, for a name or an ARN: where a
    `function:` job's function logs, and where sched's own logged before they had a group of
    their own (`log_group_name`)."""
    return f"/aws/lambda/{function_name_in_arn(function) or function}"


def lambda_log_group_prefix(scope: str) -> str:
    """What Lambda's default groups of the functions named under `scope` start with. Other
    names may start so too: readers match groups exactly."""
    return lambda_log_group(owned_prefix(scope))
