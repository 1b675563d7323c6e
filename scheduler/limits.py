"""AWS limits that sched checks or works within, each with the page that documents it.

This is the only module that holds these numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

# https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
LAMBDA_MAX_TIMEOUT_SECONDS = 900
LAMBDA_MAX_TIMEOUT = timedelta(seconds=LAMBDA_MAX_TIMEOUT_SECONDS)
LAMBDA_MIN_TIMEOUT_SECONDS = 1
LAMBDA_MIN_TIMEOUT = timedelta(seconds=LAMBDA_MIN_TIMEOUT_SECONDS)

# https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html
LAMBDA_MIN_MEMORY_MB = 128
LAMBDA_MAX_MEMORY_MB = 10240

# https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html (FunctionName)
LAMBDA_FUNCTION_NAME_MAX = 64

# https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html (StatementId)
LAMBDA_STATEMENT_ID_MAX = 100

# https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html (4 KB in total)
LAMBDA_ENVIRONMENT_MAX_BYTES = 4096
# https://docs.aws.amazon.com/lambda/latest/api/API_Environment.html (Variables key pattern: a
# letter, then at least one more letter, digit or `_`)
LAMBDA_ENVIRONMENT_NAME_PATTERN = r"^[a-zA-Z][a-zA-Z0-9_]+$"
# https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-runtime.html (the keys of
# the runtime's own variables are reserved: a function's configuration cannot set them)
LAMBDA_RESERVED_ENVIRONMENT_NAMES = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
        "TZ",
    }
)

# https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html (Description)
LAMBDA_DESCRIPTION_MAX = 256
# https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html (Role pattern)
LAMBDA_ROLE_ARN_PATTERN = r"^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$"
# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html (Description)
EVENTBRIDGE_RULE_DESCRIPTION_MAX = 512
# https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html (Description)
SCHEDULER_SCHEDULE_DESCRIPTION_MAX = 512
# https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (Description)
IAM_ROLE_DESCRIPTION_MAX = 1000

# Tags on Lambda functions, EventBridge rules, IAM roles and schedule groups: at most 50 a
# resource, keys of 1-128 and values of 0-256 characters, made of letters, digits, spaces and
# the punctuation below (IAM's pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]), and `aws:` (in any case)
# reserved for AWS.
# https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html#tag-conventions
# https://docs.aws.amazon.com/lambda/latest/api/API_TagResource.html
# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Tag.html
# https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html#id_tags_rules_creating
TAGS_PER_RESOURCE_MAX = 50
TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256
TAG_PUNCTUATION = "_.:/=+-@"
TAG_RESERVED_PREFIX = "aws:"

# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html (Name)
EVENTBRIDGE_RULE_NAME_MAX = 64

# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html (Input)
EVENTBRIDGE_TARGET_INPUT_MAX = 8192

# https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
EVENTBRIDGE_RULES_PER_BUS = 300
EVENTBRIDGE_TARGETS_PER_RULE = 5
# The same page: the default is 100 rules per bus in these regions; the quota is adjustable and
# Service Quotas names it "Number of rules" (Amazon EventBridge).
EVENTBRIDGE_RULES_PER_BUS_LOW = 100
EVENTBRIDGE_RULES_PER_BUS_LOW_REGIONS = ("af-south-1", "eu-south-1")
EVENTBRIDGE_RULES_QUOTA_NAME = "Number of rules"
# Its Service Quotas codes, as the quota page's console link names them.
EVENTBRIDGE_SERVICE_CODE = "events"
EVENTBRIDGE_RULES_QUOTA_CODE = "L-244521F2"

# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html
EVENTBRIDGE_MAX_RETRY_ATTEMPTS = 185
# https://docs.aws.amazon.com/lambda/latest/api/API_VpcConfig.html: a function's VPC settings
# take at most 16 subnets and 5 security groups.
LAMBDA_VPC_MAX_SUBNETS = 16
LAMBDA_VPC_MAX_SECURITY_GROUPS = 5
# https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html: how often
# Lambda re-runs a failed asynchronous invocation, and how long it keeps an event; without an
# event invoke config a function gets the maxima.
LAMBDA_MAX_RETRY_ATTEMPTS = 2
LAMBDA_MIN_EVENT_AGE_SECONDS = 60
LAMBDA_MAX_EVENT_AGE_SECONDS = 21600
# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html and
# https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html
# (MaximumEventAgeInSeconds: 60 to 86400 for a rule's target and a schedule alike)
EVENTBRIDGE_MIN_EVENT_AGE_SECONDS = 60
EVENTBRIDGE_MAX_EVENT_AGE_SECONDS = 86400

# https://docs.aws.amazon.com/scheduler/latest/APIReference/API_FlexibleTimeWindow.html
# (MaximumWindowInMinutes: 1 to 1440, whole minutes)
SCHEDULER_FLEXIBLE_WINDOW_MIN_MINUTES = 1
SCHEDULER_FLEXIBLE_WINDOW_MAX_MINUTES = 1440

# https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html (Name)
SCHEDULER_SCHEDULE_NAME_MAX = 64
# https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateScheduleGroup.html (Name)
SCHEDULER_GROUP_NAME_MAX = 64

# https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (RoleName)
IAM_ROLE_NAME_MAX = 64
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html: the inline
# policies of one role together (whitespace not counted), and managed policies per role
# (the default quota; it can be raised to 20).
IAM_ROLE_INLINE_POLICY_MAX_CHARS = 10_240
IAM_MANAGED_POLICIES_PER_ROLE = 10

# https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
# (cron year field range; the finest granularity is one minute)
CRON_YEAR_MIN = 1970
CRON_YEAR_MAX = 2199
MIN_SCHEDULE_INTERVAL_SECONDS = 60

# Catalogue and job names become parts of every resource name, so they keep to the characters
# all of them accept: Lambda function names and statement ids allow no `.`, unlike rule names.
# https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html (FunctionName pattern)
NAME_PATTERN = r"^[A-Za-z0-9_-]+$"

# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html (roles per account)
IAM_ROLES_PER_ACCOUNT = 1000
# The same page: adjustable; Service Quotas names it "Roles per account" (AWS Identity and
# Access Management).
IAM_ROLES_QUOTA_NAME = "Roles per account"
IAM_ROLES_QUOTA_CODE = "L-FE177D64"

# https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html: concurrent executions
# shared by every function of the account in a region; adjustable, and Service Quotas names it
# "Concurrent executions" (AWS Lambda).
LAMBDA_ACCOUNT_CONCURRENCY = 1000
LAMBDA_CONCURRENCY_QUOTA_NAME = "Concurrent executions"
LAMBDA_CONCURRENCY_QUOTA_CODE = "L-B99A9384"

# https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html (code storage; a zip
# uploaded in the request itself, rather than from S3)
LAMBDA_CODE_STORAGE_GB = 75
LAMBDA_CODE_STORAGE_QUOTA_NAME = "Function and layer storage"
LAMBDA_CODE_STORAGE_QUOTA_CODE = "L-2ACBD22F"
LAMBDA_DIRECT_UPLOAD_MAX_BYTES = 50 * 1024 * 1024
# The same page: a function's code unzipped (layers included, and sched uses none).
LAMBDA_UNZIPPED_CODE_MAX_BYTES = 250 * 1024 * 1024

# https://docs.aws.amazon.com/scheduler/latest/UserGuide/scheduler-quotas.html
SCHEDULER_GROUPS_PER_ACCOUNT = 500

# https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html
LOGS_BATCH_MAX_EVENTS = 10_000
LOGS_BATCH_MAX_BYTES = 1_048_576
LOGS_EVENT_OVERHEAD_BYTES = 26
LOGS_BATCH_MAX_SPAN_MS = 24 * 60 * 60 * 1000

# https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartQuery.html
# (logGroupNames: up to 50 log groups; startTime/endTime in epoch seconds) and
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html
# (a query returns at most 10,000 rows; 30 concurrent Logs Insights queries per account)
INSIGHTS_MAX_LOG_GROUPS = 50
INSIGHTS_MAX_ROWS = 10_000
INSIGHTS_MAX_CONCURRENT_QUERIES = 30
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Source.html
# (`SOURCE logGroups(namePrefix: [...])`: at most five prefixes; a selection of more than
# 10,000 log groups is refused)
INSIGHTS_MAX_SOURCE_PREFIXES = 5
INSIGHTS_MAX_SOURCE_GROUPS = 10_000

# https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html
# (ResourcesPerPage: at most 100 resources a page)
TAGGING_RESOURCES_PER_PAGE_MAX = 100

# https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
# and API_ListRoles.html (MaxItems: at most 1,000 a page)
IAM_PAGE_SIZE_MAX = 1000

# API request rates (requests per second; the documented defaults, the lowest Region's where
# they differ), which `scheduler.aws.rates` paces calls at.
# https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html#api-requests
# (GetFunction 100, GetPolicy 15, every other control-plane call 15 together; not adjustable)
LAMBDA_GET_FUNCTION_PER_SECOND = 100
LAMBDA_GET_POLICY_PER_SECOND = 15
LAMBDA_CONTROL_PLANE_PER_SECOND = 15
# https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html (every API but PutEvents)
EVENTBRIDGE_API_PER_SECOND = 50
# https://docs.aws.amazon.com/scheduler/latest/UserGuide/scheduler-quotas.html
# (Create/Update/Delete/GetSchedule 250 outside the primary Regions, 1,000 or more in them;
# ListSchedules 50; the schedule group and tag calls 10)
SCHEDULER_SCHEDULES_PER_SECOND = 250
SCHEDULER_LIST_SCHEDULES_PER_SECOND = 50
SCHEDULER_GROUPS_PER_SECOND = 10
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html documents no request
# rate (only entity counts); IAM's writes throttle early, so a modest rate is assumed.
IAM_ASSUMED_PER_SECOND = 10

# https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html
# (log events older than 14 days are rejected)
LOGS_EVENT_MAX_AGE_SECONDS = 14 * 24 * 60 * 60


class RuntimeLanguage(StrEnum):
    PYTHON = "Python"
    NODEJS = "Node.js"
    JAVA = "Java"
    DOTNET = ".NET"
    RUBY = "Ruby"
    GO = "Go"
    OS_ONLY = "OS-only"


@dataclass(frozen=True)
class LambdaRuntime:
    """One runtime identifier and the dates on which AWS retires it (None: not scheduled)."""

    identifier: str
    language: RuntimeLanguage
    deprecated: date | None
    block_create: date | None = None
    block_update: date | None = None
    preview: bool = False


def _runtime(
    identifier: str,
    language: RuntimeLanguage,
    deprecated: str | None,
    block_create: str | None = None,
    block_update: str | None = None,
    *,
    preview: bool = False,
) -> LambdaRuntime:
    day = date.fromisoformat
    return LambdaRuntime(
        identifier,
        language,
        day(deprecated) if deprecated else None,
        day(block_create) if block_create else None,
        day(block_update) if block_update else None,
        preview,
    )


_PY, _JS, _JAVA = RuntimeLanguage.PYTHON, RuntimeLanguage.NODEJS, RuntimeLanguage.JAVA
_NET, _RB, _GO, _OS = (
    RuntimeLanguage.DOTNET,
    RuntimeLanguage.RUBY,
    RuntimeLanguage.GO,
    RuntimeLanguage.OS_ONLY,
)

# https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html: every runtime identifier
# Lambda accepts or once accepted, with its deprecation date and the dates from which Lambda
# blocks creating, then updating, functions on it, as the page gave them in late 2026. AWS moves
# these dates (in 2026 it pushed most blocks of retired runtimes to 2027-02-01 and 2027-03-03),
# so read the page again whenever you touch this table; the language pages (lambda-python.html,
# lambda-nodejs.html...) repeat the supported rows. python3.15 and nodejs26.x are public
# previews: the Lambda API accepts them (its Runtime enum), the page has no dates for them yet.
# dotnet9 is container-only (there is no zip runtime for it), so it is not here.
LAMBDA_RUNTIMES: dict[str, LambdaRuntime] = {
    runtime.identifier: runtime
    for runtime in (
        _runtime("python3.15", _PY, None, preview=True),
        _runtime("python3.14", _PY, "2029-06-30", "2029-07-31", "2029-08-31"),
        _runtime("python3.13", _PY, "2029-06-30", "2029-07-31", "2029-08-31"),
        _runtime("python3.12", _PY, "2028-10-31", "2028-11-30", "2029-01-10"),
        _runtime("python3.11", _PY, "2027-06-30", "2027-07-31", "2027-08-31"),
        _runtime("python3.10", _PY, "2026-10-31", "2027-02-01", "2027-03-03"),
        _runtime("python3.9", _PY, "2025-12-15", "2027-02-01", "2027-03-03"),
        _runtime("python3.8", _PY, "2024-10-14", "2027-02-01", "2027-03-03"),
        _runtime("python3.7", _PY, "2023-12-04", "2024-01-09", "2027-03-03"),
        _runtime("python3.6", _PY, "2022-07-18", "2022-07-18", "2022-08-29"),
        _runtime("python2.7", _PY, "2021-07-15", "2021-07-15", "2022-05-30"),
        _runtime("nodejs26.x", _JS, None, preview=True),
        _runtime("nodejs24.x", _JS, "2028-04-30", "2028-06-01", "2028-07-01"),
        _runtime("nodejs22.x", _JS, "2027-04-30", "2027-06-01", "2027-07-01"),
        _runtime("nodejs20.x", _JS, "2026-04-30", "2027-02-01", "2027-03-03"),
        _runtime("nodejs18.x", _JS, "2025-09-01", "2027-02-01", "2027-03-03"),
        _runtime("nodejs16.x", _JS, "2024-06-12", "2027-02-01", "2027-03-03"),
        _runtime("nodejs14.x", _JS, "2023-12-04", "2024-01-09", "2027-03-03"),
        _runtime("nodejs12.x", _JS, "2023-03-31", "2023-03-31", "2023-04-30"),
        _runtime("nodejs10.x", _JS, "2021-07-30", "2021-07-30", "2022-02-14"),
        _runtime("nodejs8.10", _JS, "2020-03-06", "2020-02-04", "2020-03-06"),
        _runtime("nodejs6.10", _JS, "2019-08-12", "2019-07-12", "2019-08-12"),
        _runtime("nodejs4.3", _JS, "2020-03-05", "2020-02-03", "2020-03-05"),
        _runtime("nodejs4.3-edge", _JS, "2020-03-05", "2019-03-31", "2019-04-30"),
        _runtime("nodejs", _JS, "2016-08-30", "2016-09-30", "2016-10-31"),
        _runtime("java25", _JAVA, "2029-06-30", "2029-07-31", "2029-08-31"),
        _runtime("java21", _JAVA, "2029-06-30", "2029-07-31", "2029-08-31"),
        # The Amazon Linux 2023 builds of older Java releases (July 2026): the page gives their
        # deprecation and update-block dates; the create-block date was not in the copy read.
        _runtime("java17.al2023", _JAVA, "2029-06-30", None, "2029-08-31"),
        _runtime("java11.al2023", _JAVA, "2029-06-30", None, "2029-08-31"),
        _runtime("java8.al2023", _JAVA, "2029-06-30", None, "2029-08-31"),
        _runtime("java17", _JAVA, "2027-06-30", "2027-07-31", "2027-08-31"),
        _runtime("java11", _JAVA, "2027-06-30", "2027-07-31", "2027-08-31"),
        _runtime("java8.al2", _JAVA, "2027-06-30", "2027-07-31", "2027-08-31"),
        _runtime("java8", _JAVA, "2024-01-08", "2024-02-08", "2027-03-03"),
        _runtime("dotnet10", _NET, "2028-11-14", "2028-12-14", "2029-01-15"),
        _runtime("dotnet8", _NET, "2026-11-10", "2027-02-01", "2027-03-03"),
        _runtime("dotnet6", _NET, "2024-12-20", "2027-02-01", "2027-03-03"),
        _runtime("dotnetcore3.1", _NET, "2023-04-03", "2023-04-03", "2023-05-03"),
        _runtime("dotnetcore2.1", _NET, "2022-01-05", "2022-01-05", "2022-04-13"),
        _runtime("dotnetcore2.0", _NET, "2019-05-30", "2019-04-30", "2019-05-30"),
        _runtime("dotnetcore1.0", _NET, "2019-06-27", "2019-06-30", "2019-07-30"),
        _runtime("ruby4.0", _RB, "2029-03-31", "2029-04-30", "2029-05-31"),
        _runtime("ruby3.4", _RB, "2028-03-31", "2028-04-30", "2028-05-31"),
        _runtime("ruby3.3", _RB, "2027-03-31", "2027-04-30", "2027-05-31"),
        _runtime("ruby3.2", _RB, "2026-03-31", "2027-02-01", "2027-03-03"),
        _runtime("ruby2.7", _RB, "2023-12-07", "2024-01-09", "2027-03-03"),
        _runtime("ruby2.5", _RB, "2021-07-30", "2021-07-30", "2022-03-31"),
        _runtime("go1.x", _GO, "2024-01-08", "2024-02-08", "2027-03-03"),
        _runtime("provided.al2023", _OS, "2029-06-30", "2029-07-31", "2029-08-31"),
        _runtime("provided.al2", _OS, "2026-07-31", "2027-02-01", "2027-03-03"),
        _runtime("provided", _OS, "2024-01-08", "2024-02-08", "2027-03-03"),
    )
}

# The data local mode starts from (local-data.yaml): what AWS accepts as names and values.
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
S3_BUCKET_NAME_MIN = 3
S3_BUCKET_NAME_MAX = 63
S3_BUCKET_NAME_CHARACTERS = r"^[a-z0-9.-]+$"
S3_BUCKET_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
S3_BUCKET_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html (UTF-8 bytes)
S3_OBJECT_KEY_MAX_BYTES = 1024

# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
DYNAMODB_TABLE_NAME_MIN = 3
DYNAMODB_TABLE_NAME_MAX = 255
DYNAMODB_TABLE_NAME_CHARACTERS = r"^[A-Za-z0-9_.-]+$"
DYNAMODB_KEY_TYPES = ("S", "N", "B")
DYNAMODB_KEY_ATTRIBUTES_MAX = 2  # a partition key and an optional sort key

# https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-su-create.html
# (parameter name constraints; the value limit of the standard tier)
SSM_PARAMETER_NAME_MAX = 1011
SSM_PARAMETER_NAME_CHARACTERS = r"^[A-Za-z0-9_./-]+$"
SSM_PARAMETER_RESERVED_PREFIXES = ("aws", "ssm")
SSM_PARAMETER_HIERARCHY_MAX = 15
SSM_PARAMETER_VALUE_MAX = 4096

# https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html
SECRET_NAME_MAX = 512
SECRET_NAME_CHARACTERS = r"^[A-Za-z0-9/_+=.@-]+$"
SECRET_VALUE_MAX_BYTES = 65536

# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
# (QueueName): up to 80 letters, digits, hyphens and underscores; a FIFO queue's name ends with
# .fifo, which counts towards the 80.
SQS_QUEUE_NAME_MAX = 80
SQS_QUEUE_NAME_CHARACTERS = r"^[A-Za-z0-9_-]+$"
SQS_FIFO_SUFFIX = ".fifo"

# https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html (Name: 1-256 characters)
SNS_TOPIC_NAME_MAX = 256
# https://docs.aws.amazon.com/sns/latest/api/API_Publish.html (Subject: under 100 characters)
SNS_SUBJECT_MAX = 99

# https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
# (retentionInDays: only these values; none means never expire)
CLOUDWATCH_LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip

# https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
# (logGroupName: 1 to 512 characters of [\.\-_/#A-Za-z0-9])
LOG_GROUP_NAME_MAX = 512
