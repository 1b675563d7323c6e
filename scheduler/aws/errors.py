"""botocore failures → the typed errors of `scheduler.ports`, each naming the IAM action and the
resource. `translated` wraps every AWS call; `connection_failure` turns a failure to reach AWS at
all (no credentials, no region, expired token, endpoint down) into one line and a hint.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
    SSOError,
    TokenRetrievalError,
    WaiterError,
)

from scheduler import limits
from scheduler.errors import (
    AccessDenied,
    AwsError,
    AwsFailure,
    Conflict,
    InvalidRequest,
    NotFound,
    QuotaExceeded,
    ThrottledError,
)

_THROTTLED = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
    }
)
_QUOTA = frozenset(
    {
        "LimitExceeded",
        "LimitExceededException",
        "ServiceQuotaExceededException",
        "CodeStorageExceededException",
    }
)
# SNS says "NotFound": https://docs.aws.amazon.com/sns/latest/api/API_Publish.html (Errors)
_NOT_FOUND = frozenset(
    {
        "ResourceNotFoundException",
        "NoSuchEntity",
        "NotFoundException",
        "NoSuchEntityException",
        "AWS.SimpleQueueService.NonExistentQueue",
        "QueueDoesNotExist",
        "NotFound",
        "ParameterNotFound",
    }
)
_CONFLICT = frozenset(
    {
        "ResourceConflictException",
        "ConflictException",
        "EntityAlreadyExists",
        "ResourceAlreadyExistsException",
        "ConcurrentModificationException",
        "DeleteConflict",
        "PreconditionFailedException",
        "ResourceInUseException",
        "ParameterAlreadyExists",
    }
)
_INVALID = frozenset(
    {
        "ValidationException",
        "ValidationError",
        "InvalidParameterValueException",
        "InvalidParameterException",
        "InvalidParameterCombination",
        "InvalidRequestException",
        "InvalidInput",
        "MalformedPolicyDocument",
        "MalformedPolicyDocumentException",
        "RequestEntityTooLargeException",
        "InvalidEventPatternException",
        "ManagedRuleException",
    }
)
# Failures that go away by themselves: AWS's own, and a change racing another on one resource.
_TRANSIENT = frozenset(
    {
        "InternalFailure",
        "InternalServerError",
        "InternalServerException",
        "ServiceException",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "ConcurrentModificationException",
    }
)
_EXPIRED = frozenset(
    {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"}
)
_BAD_CREDENTIALS = frozenset(
    {"InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch"}
)
# What each quota means, named where AWS's own message does not say which limit was hit.
_QUOTAS = {
    "events:PutRule": f"EventBridge allows {limits.EVENTBRIDGE_RULES_PER_BUS} rules per event bus",
    "events:PutTargets": (
        f"EventBridge allows {limits.EVENTBRIDGE_TARGETS_PER_RULE} targets per rule"
    ),
    "iam:CreateRole": f"IAM allows {limits.IAM_ROLES_PER_ACCOUNT} roles per account by default",
    "lambda:CreateFunction": (
        f"Lambda keeps at most {limits.LAMBDA_CODE_STORAGE_GB} GB of code per region by default"
    ),
    "lambda:UpdateFunctionCode": (
        f"Lambda keeps at most {limits.LAMBDA_CODE_STORAGE_GB} GB of code per region by default"
    ),
    "scheduler:CreateScheduleGroup": (
        f"EventBridge Scheduler allows {limits.SCHEDULER_GROUPS_PER_ACCOUNT} schedule groups "
        "per account by default"
    ),
}

EXPIRED_HINT = "refresh the credentials (e.g. `aws sso login`) and run the command again"
CREDENTIALS_HINT = (
    "set AWS_PROFILE (or --profile) to a profile with valid keys, run `aws configure`, "
    "or use --local to work against the embedded local AWS"
)


def from_client_error(service: str, error: ClientError, resource: str = "") -> AwsError:
    """The typed error for an AWS error response to a call of `service` (its IAM prefix)."""
    details = error.response.get("Error", {})
    code = str(details.get("Code", "") or "Unknown")
    message = str(details.get("Message", "") or code)
    action = f"{service}:{error.operation_name}"
    about = f" ({resource})" if resource else ""
    if code in _THROTTLED:
        return ThrottledError(action, f"throttled{about}: {message}", code=code, resource=resource)
    if code.startswith("AccessDenied") or code in {"UnauthorizedOperation", "AuthFailure"}:
        return AccessDenied(
            action,
            f"access denied{about}: {message}",
            f"allow {action} for the AWS identity in use (check the profile and its policies)",
            code=code,
            resource=resource,
        )
    if code in _QUOTA:
        limit = _QUOTAS.get(action)
        text = f"{limit}; {message}" if limit else message
        return QuotaExceeded(action, f"quota reached{about}: {text}", code=code, resource=resource)
    if code in _NOT_FOUND:
        return NotFound(action, f"not found{about}: {message}", code=code, resource=resource)
    if code in _CONFLICT:
        conflict = Conflict(action, f"conflict{about}: {message}", code=code, resource=resource)
        conflict.transient = code in _TRANSIENT
        return conflict
    if code in _INVALID:
        return InvalidRequest(action, f"rejected{about}: {message}", code=code, resource=resource)
    if code in _EXPIRED:
        return AwsError(
            action, "the AWS credentials have expired", EXPIRED_HINT, code=code, resource=resource
        )
    if code in _BAD_CREDENTIALS:
        return AwsError(
            action,
            f"AWS does not accept the credentials in use: {message}",
            CREDENTIALS_HINT,
            code=code,
            resource=resource,
        )
    unknown = AwsError(
        action,
        f"{code}{about}: {message}",
        "AWS reported an error; run the command again, and check the AWS status page if it "
        "persists",
        code=code,
        resource=resource,
    )
    unknown.transient = code in _TRANSIENT
    return unknown


def connection_failure(error: BotoCoreError, action: str = "") -> AwsFailure:
    """One line and a hint for a failure that happened before AWS could answer."""
    where = f"{action}: " if action else ""
    match error:
        case NoCredentialsError() | PartialCredentialsError():
            return AwsFailure(f"{where}no usable AWS credentials found", CREDENTIALS_HINT)
        case NoRegionError():
            return AwsFailure(
                f"{where}no AWS region configured",
                "pass --region, set AWS_REGION, or set a region in the profile",
            )
        case ProfileNotFound():
            return AwsFailure(
                f"{where}{error}", "check the profile name against ~/.aws/config (`aws configure`)"
            )
        case TokenRetrievalError() | SSOError():
            return AwsFailure(f"{where}the AWS SSO session has expired ({error})", EXPIRED_HINT)
        case EndpointConnectionError() | ConnectTimeoutError() | ReadTimeoutError():
            return AwsFailure(
                f"{where}cannot reach AWS: {error}",
                "check the network and AWS_ENDPOINT_URL (an emulator must be running), "
                "or use --local",
            )
        case ParamValidationError():
            return InvalidRequest(action or "aws", f"sched built an invalid request: {error}")
        case WaiterError():
            return AwsFailure(
                f"{where}gave up waiting: {error}",
                "AWS did not reach the expected state; run the command again",
            )
        case _:
            return AwsFailure(f"{where}{error}", "run the command again")


@contextmanager
def translated(service: str, resource: str = "") -> Iterator[None]:
    """Raise the typed error for any botocore failure inside: `service` is the IAM prefix of
    the calls (`lambda`), `resource` what they are about."""
    try:
        yield
    except ClientError as error:
        raise from_client_error(service, error, resource) from error
    except BotoCoreError as error:
        raise connection_failure(
            error, f"{service} ({resource})" if resource else service
        ) from error
