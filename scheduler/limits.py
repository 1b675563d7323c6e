"""AWS limits that sched checks or works within, each with the page that documents it.

This is the only module that holds these numbers.
"""

from __future__ import annotations

from datetime import timedelta

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

# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html (Name)
EVENTBRIDGE_RULE_NAME_MAX = 64

# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html (Input)
EVENTBRIDGE_TARGET_INPUT_MAX = 8192

# https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
EVENTBRIDGE_RULES_PER_BUS = 300
EVENTBRIDGE_TARGETS_PER_RULE = 5

# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html
EVENTBRIDGE_MAX_RETRY_ATTEMPTS = 185
EVENTBRIDGE_MAX_EVENT_AGE_SECONDS = 86400

# https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html (Name)
SCHEDULER_SCHEDULE_NAME_MAX = 64
# https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateScheduleGroup.html (Name)
SCHEDULER_GROUP_NAME_MAX = 64

# https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (RoleName)
IAM_ROLE_NAME_MAX = 64

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

# https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html (code storage; a zip
# uploaded in the request itself, rather than from S3)
LAMBDA_CODE_STORAGE_GB = 75
LAMBDA_DIRECT_UPLOAD_MAX_BYTES = 50 * 1024 * 1024

# https://docs.aws.amazon.com/scheduler/latest/UserGuide/scheduler-quotas.html
SCHEDULER_GROUPS_PER_ACCOUNT = 500

# https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html
LOGS_BATCH_MAX_EVENTS = 10_000
LOGS_BATCH_MAX_BYTES = 1_048_576
LOGS_EVENT_OVERHEAD_BYTES = 26
LOGS_BATCH_MAX_SPAN_MS = 24 * 60 * 60 * 1000

# https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html
# (ResourcesPerPage: at most 100 resources a page)
TAGGING_RESOURCES_PER_PAGE_MAX = 100

# https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html
# (log events older than 14 days are rejected)
LOGS_EVENT_MAX_AGE_SECONDS = 14 * 24 * 60 * 60

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
