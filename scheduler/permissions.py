"""What a Lambda job's own execution role may do: its `permissions:` entries (the defaults', then
the job's) read as IAM, and the statement every job gets to write its own logs.

An entry is one of three things, as users of AWS SAM and the Serverless Framework write them:
  - a SAM policy template and its parameters, `{S3ReadPolicy: {BucketName: acme-app-logs}}`,
    expanded by `scheduler.policy_templates` with the catalogue's account and region;
  - an IAM statement, `{Effect: Allow, Action: [...], Resource: [...], Condition: {...}}`;
  - a managed policy ARN, `arn:aws:iam::aws:policy/ReadOnlyAccess`.
`interpret` reads one entry or says exactly what is wrong with it (rules report that at the
entry's line); `job_policy` builds the role's statements, each with the entry it came from.
Pure: no AWS call, standard library only.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from scheduler import limits, naming
from scheduler.canonical import canonical_json
from scheduler.catalogue.model import Catalogue, Compute, Grant, Job, RoleMode
from scheduler.kms_keys import KmsKey, decrypt_statement
from scheduler.policy_templates import TEMPLATES, TemplateError, closest, expand
from scheduler.runtime.contract import SecretRef

Origin = tuple[str | int, ...]
Statement = dict[str, Any]

STATEMENT_KEYS = ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition")
_ACTION = re.compile(r"^(\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$")
_POLICY_ARN = re.compile(r"^arn:(?P<partition>aws[a-z-]*):iam::(aws|\d{12}):policy/(?P<path>.+)$")
_ARN = re.compile(r"^arn:(?P<partition>[^:]*):(?P<service>[^:]*):[^:]*:[^:]*:.+$")
# Action names that only read: anything else on `Resource: "*"` is worth a warning.
_READ_VERBS = (
    "Get",
    "List",
    "Describe",
    "Head",
    "Scan",
    "Query",
    "Lookup",
    "BatchGet",
    "Search",
    "Select",
    "Filter",
    "Check",
    "Test",
    "Validate",
    "View",
    "Simulate",
    "Decrypt",
    "Receive",
)


class Problem(enum.StrEnum):
    """What kind of thing is wrong with an entry (each is its own diagnostic code)."""

    TEMPLATE = "template"  # no such policy template
    PARAMETERS = "parameters"  # a template's parameters missing, unknown or not text
    STATEMENT = "statement"  # neither a template, nor an ARN, nor a well-formed statement
    ARN = "arn"  # not a managed policy ARN


class GrantProblem(ValueError):
    """An entry that means nothing in IAM: `message` says what, `hint` what to write, `at` where
    inside the entry (keys below it, empty for the entry itself)."""

    def __init__(self, kind: Problem, message: str, hint: str, at: Origin = ()) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.hint = hint
        self.at = at


@dataclass(frozen=True)
class TemplateUse:
    name: str
    parameters: Mapping[str, object]


@dataclass(frozen=True)
class RawStatement:
    statement: Statement


@dataclass(frozen=True)
class ManagedPolicy:
    arn: str


Meaning = TemplateUse | RawStatement | ManagedPolicy


def _strings(value: object, key: str) -> list[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(v, str) and v for v in items):
        raise GrantProblem(
            Problem.STATEMENT,
            f"{key} must be a text or a list of texts, not {_kind(value)}",
            f'write {key}: "..." or {key}: ["...", "..."]',
            (key,),
        )
    return list(items)


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "an empty list" if not value else "a list holding something other than text"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    return type(value).__name__


def _statement(entry: Mapping[str, Any]) -> RawStatement:
    unknown = sorted(str(k) for k in entry if k not in STATEMENT_KEYS)
    if unknown:
        raise GrantProblem(
            Problem.STATEMENT,
            f"an IAM statement has no key {unknown[0]!r}",
            f"a statement takes {', '.join(STATEMENT_KEYS)}",
            (unknown[0],),
        )
    if entry.get("Effect") not in ("Allow", "Deny"):
        where: Origin = ("Effect",) if "Effect" in entry else ()
        raise GrantProblem(
            Problem.STATEMENT,
            "an IAM statement needs Effect: Allow or Effect: Deny",
            "add Effect: Allow",
            where,
        )
    actions = [k for k in ("Action", "NotAction") if k in entry]
    resources = [k for k in ("Resource", "NotResource") if k in entry]
    if len(actions) != 1 or len(resources) != 1:
        missing = "Action" if len(actions) != 1 else "Resource"
        raise GrantProblem(
            Problem.STATEMENT,
            f"an IAM statement needs exactly one of {missing} or Not{missing}",
            f'add {missing}: ["..."]',
        )
    statement: Statement = {"Effect": entry["Effect"]}
    for action_key in actions:
        names = _strings(entry[action_key], action_key)
        bad = next((a for a in names if not _ACTION.match(a)), None)
        if bad is not None:
            raise GrantProblem(
                Problem.STATEMENT,
                f"{bad!r} is not an IAM action",
                "write service:Action, e.g. s3:GetObject",
                (action_key,),
            )
        statement[action_key] = sorted(set(names))
    for resource_key in resources:
        statement[resource_key] = _strings(entry[resource_key], resource_key)
    if "Condition" in entry:
        if not isinstance(entry["Condition"], dict) or not entry["Condition"]:
            raise GrantProblem(
                Problem.STATEMENT,
                "Condition must be a mapping of operators to keys and values",
                'write Condition: {StringEquals: {"aws:ResourceTag/team": platform}}',
                ("Condition",),
            )
        statement["Condition"] = entry["Condition"]
    if "Sid" in entry:
        if not isinstance(entry["Sid"], str) or not re.fullmatch(r"[A-Za-z0-9]+", entry["Sid"]):
            raise GrantProblem(
                Problem.STATEMENT,
                "Sid must be letters and digits only",
                "remove it, or write Sid: ReadLogs",
                ("Sid",),
            )
        statement["Sid"] = entry["Sid"]
    return RawStatement(statement)


def interpret(entry: object) -> Meaning:
    """What one `permissions:` entry means; raises `GrantProblem` when it means nothing."""
    if isinstance(entry, str):
        if not _POLICY_ARN.match(entry):
            raise GrantProblem(
                Problem.ARN,
                f"{entry!r} is not a managed policy ARN",
                "write arn:aws:iam::aws:policy/NAME (AWS's) or arn:aws:iam::ACCOUNT:policy/NAME,"
                " a template like {S3ReadPolicy: {BucketName: ...}}, or a statement",
            )
        return ManagedPolicy(entry)
    if not isinstance(entry, dict) or not entry:
        raise GrantProblem(
            Problem.STATEMENT,
            f"a permissions entry cannot be {_kind(entry)}",
            "write a template like {S3ReadPolicy: {BucketName: ...}}, an IAM statement"
            " {Effect: Allow, Action: [...], Resource: [...]}, or a managed policy ARN",
        )
    if any(key in STATEMENT_KEYS for key in entry):
        return _statement(entry)
    if len(entry) != 1:
        names = ", ".join(sorted(str(k) for k in entry))
        raise GrantProblem(
            Problem.STATEMENT,
            f"a permissions entry names one policy template, not several ({names})",
            "write each template as its own entry of the list",
        )
    [(name, parameters)] = entry.items()
    if str(name) not in TEMPLATES:
        near = closest(str(name))
        raise GrantProblem(
            Problem.TEMPLATE,
            f"there is no policy template {name!r}",
            f"did you mean {near[0]}?" if near else "run `sched rules SCH401` for the list",
            (name,),
        )
    if parameters is None:
        parameters = {}
    if not isinstance(parameters, dict):
        raise GrantProblem(
            Problem.PARAMETERS,
            f"the parameters of {name} must be a mapping, not {_kind(parameters)}",
            _parameters_hint(str(name)),
            (name,),
        )
    try:  # a dry run with placeholder ARN parts: parameter problems show here, not at compile
        expand(str(name), parameters, partition="aws", region="us-east-1", account="123456789012")
    except TemplateError as error:
        raise GrantProblem(Problem.PARAMETERS, str(error), error.hint, (name,)) from None
    return TemplateUse(str(name), parameters)


def _parameters_hint(name: str) -> str:
    params = TEMPLATES[name].parameters
    if not params:
        return f"write {name}: {{}}"
    return f"write {name}: {{{', '.join(f'{p}: ...' for p in params)}}}"


@dataclass(frozen=True)
class SourcedStatement:
    """One statement of a role's policy and the entry it came from (None: sched's own)."""

    statement: Statement
    origin: Origin | None


@dataclass(frozen=True)
class RolePolicy:
    """A Lambda job's own role: its inline statements and the managed policies it attaches."""

    statements: tuple[SourcedStatement, ...]
    managed_policies: tuple[tuple[str, Origin], ...]

    @property
    def document(self) -> dict[str, Any]:
        return {"Version": "2012-10-17", "Statement": [s.statement for s in self.statements]}

    @property
    def managed_policy_arns(self) -> tuple[str, ...]:
        return tuple(sorted({arn for arn, _ in self.managed_policies}))


def log_statements(
    *, partition: str, region: str, account: str, group: str, before: str | None = None
) -> list[Statement]:
    """Writing to the function's own log group (`group`, or a pattern of several), and nothing
    else of CloudWatch Logs: what AWS's AWSLambdaBasicExecutionRole grants, scoped to the group.
    Apply creates the group; Lambda creates it again if it is deleted. `before` is the group the
    function logged to before it had its own (Lambda's default): a function that still does
    (between its role's update and its own in the apply that moves it, or rolled back to a
    version published before the move) keeps writing its runs where history reads them."""
    arn = f"arn:{partition}:logs:{region}:{account}:log-group:"
    groups = [f"{arn}{g}" for g in (group, before) if g]
    return [
        {"Sid": "CreateOwnLogGroup", "Effect": "Allow", "Action": ["logs:CreateLogGroup"],
         "Resource": groups},
        {"Sid": "WriteOwnLogs", "Effect": "Allow",
         "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": [f"{g}:*" for g in groups]},
    ]  # fmt: skip


# What AWS's AWSLambdaVPCAccessExecutionRole grants besides logs: Lambda creates, describes and
# deletes the function's network interfaces with the execution role. These actions take no
# resource-level scoping (Resource "*", as in that policy):
# https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions
NETWORK_INTERFACE_ACTIONS = (
    "ec2:AssignPrivateIpAddresses",
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:UnassignPrivateIpAddresses",
)


def network_statements() -> list[Statement]:
    """Managing the network interfaces of a function in a VPC (`vpc_statements`)."""
    return [
        {
            "Sid": "ManageNetworkInterfaces",
            "Effect": "Allow",
            "Action": list(NETWORK_INTERFACE_ACTIONS),
            "Resource": ["*"],
        }
    ]


def vpc_statements(job: Job) -> list[Statement]:
    """Managing the network interfaces of a function in a VPC; nothing without `vpc:`."""
    return network_statements() if job.vpc is not None else []


def secret_statements(job: Job, *, partition: str, region: str, account: str) -> list[Statement]:
    """Reading the job's `secrets:`, and nothing else of SSM or Secrets Manager; decrypting
    them with `secrets_kms_key` where one is named."""
    return reading_secrets(
        [text for _, text in job.secrets],
        job.secrets_kms_key,
        partition=partition,
        region=region,
        account=account,
    )


def reading_secrets(
    references: Iterable[str],
    kms_key: str | None,
    *,
    partition: str,
    region: str,
    account: str,
    sid: str = "",
) -> list[Statement]:
    """Reading exactly the secrets `references` name; `kms:Decrypt` with `kms_key` (through
    their services only) when one is named. `sid` tells apart the statements of each key."""
    parameters, secrets = set(), set()
    services: set[str] = set()
    for text in references:
        ref = SecretRef.parse(text)
        services.add(ref.scheme)
        if ref.scheme == "ssm":
            parameters.add(
                f"arn:{partition}:ssm:{region}:{account}:parameter/{ref.name.lstrip('/')}"
            )
        elif ref.name.startswith("arn:"):
            secrets.add(ref.name)
        else:  # Secrets Manager appends six random characters to a secret's ARN
            secrets.add(
                f"arn:{partition}:secretsmanager:{region}:{account}:secret:{ref.name}-??????"
            )
    statements: list[Statement] = []
    if parameters:
        statements.append(_allow(f"ReadSecretParameters{sid}", "ssm:GetParameter", parameters))
    if secrets:
        statements.append(_allow(f"ReadSecrets{sid}", "secretsmanager:GetSecretValue", secrets))
    if kms_key is not None and services:
        key = KmsKey.parse(kms_key)
        decrypt = decrypt_statement(
            key, partition=partition, region=region, account=account, services=services
        )
        statements.append({**decrypt, "Sid": f"{decrypt['Sid']}{sid}"})
    return statements


def _allow(sid: str, action: str, resources: set[str]) -> Statement:
    return {"Sid": sid, "Effect": "Allow", "Action": [action], "Resource": sorted(resources)}


def job_policy(
    job: Job, *, catalogue: str, region: str, account: str, log_group: str | None = None
) -> RolePolicy:
    """The own role of `job`: its log statements, then each entry's statements in the order
    written (the defaults' first). The catalogue must have validated: a bad entry raises
    `GrantProblem`. `log_group` is the group (or pattern) it writes its logs to (default: its
    function's)."""
    partition = naming.partition(region)
    group = log_group or naming.log_group_name(catalogue, job.name)
    # A shared role's pattern would be every default group of the scope's prefix, which other
    # names share: only a job's own role keeps its function's default group.
    before = (
        naming.lambda_log_group(naming.function_name(catalogue, job.name))
        if log_group is None
        else None
    )
    own = log_statements(
        partition=partition, region=region, account=account, group=group, before=before
    )
    if job.dead_letter_queue is not None:
        # Lambda sends a run that failed for good to its on-failure destination with the
        # function's own role: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
        action = "sns:Publish" if ":sns:" in job.dead_letter_queue else "sqs:SendMessage"
        own.append(
            {
                "Sid": "SendFailedRuns",
                "Effect": "Allow",
                "Action": [action],
                "Resource": [job.dead_letter_queue],
            }
        )
    own.extend(secret_statements(job, partition=partition, region=region, account=account))
    own.extend(vpc_statements(job))
    statements = [SourcedStatement(s, None) for s in own]
    managed: list[tuple[str, Origin]] = []
    for grant in job.permissions:
        meaning = interpret(grant.entry)
        if isinstance(meaning, ManagedPolicy):
            managed.append((meaning.arn, grant.origin))
        for statement in entry_statements(
            meaning, partition=partition, region=region, account=account
        ):
            statements.append(SourcedStatement(statement, grant.origin))
    return RolePolicy(tuple(statements), tuple(managed))


def entry_statements(
    meaning: Meaning, *, partition: str, region: str, account: str
) -> list[Statement]:
    """The statements one entry adds to a role's inline policy: they depend on the entry, the
    partition, region and account alone (a managed policy is attached, and adds none)."""
    match meaning:
        case RawStatement(statement):
            return [statement]
        case TemplateUse(name, parameters):
            return expand(name, parameters, partition=partition, region=region, account=account)
    return []


def shared_policy(job: Job, *, catalogue: str, region: str, account: str) -> RolePolicy:
    """The policy of the role `job` shares with every job of the same permissions (defaults:
    {roles: shared}): `job_policy`, but writing to the log groups of the catalogue's functions
    (its namespace), since one role serves several functions; everything else is the job's own."""
    every = naming.log_group_prefix(catalogue) + "*"
    return job_policy(job, catalogue=catalogue, region=region, account=account, log_group=every)


def shared_role_name(policy: RolePolicy, catalogue: str) -> str:
    """The name of the role of every job whose shared policy is `policy`: the same permission
    set, the same role."""
    text = canonical_json(policy.document) + "\n" + "\n".join(policy.managed_policy_arns)
    return naming.shared_role_name(catalogue, naming.short_hash(text))


# Which jobs share a role does not depend on the account or region (the same entries make the
# same policy in any), so the grouping is computed in one placeholder account.
_ANY_ACCOUNT, _ANY_REGION = "123456789012", "us-east-1"


def role_mates(catalogue: Catalogue) -> dict[str, tuple[str, ...]]:
    """With defaults: {roles: shared}, each job → the other jobs its role serves (jobs alone
    in their role, or whose entries are invalid, are left out); with per-job roles, empty."""
    if catalogue.roles is not RoleMode.SHARED:
        return {}
    by_role: dict[str, list[str]] = {}
    for job in catalogue.jobs:
        if job.compute is not Compute.LAMBDA or job.handler is None or job.role is not None:
            continue
        try:
            policy = shared_policy(
                job, catalogue=catalogue.prefix, region=_ANY_REGION, account=_ANY_ACCOUNT
            )
        except GrantProblem:
            continue
        by_role.setdefault(shared_role_name(policy, catalogue.prefix), []).append(job.name)
    return {
        name: tuple(other for other in names if other != name)
        for names in by_role.values()
        if len(names) > 1
        for name in names
    }


def meanings(job: Job) -> Iterator[tuple[Grant, Meaning | GrantProblem]]:
    """Each of the job's entries with what it means, or what is wrong with it."""
    for grant in job.permissions:
        try:
            yield grant, interpret(grant.entry)
        except GrantProblem as problem:
            yield grant, problem


def is_write(action: str) -> bool:
    """True unless the action's name says it only reads (`s3:GetObject`, `s3:List*`); `*` and
    `service:*` write."""
    stem = action.partition(":")[2].rstrip("*")
    return not stem or not stem.startswith(_READ_VERBS)


def arn_partition(text: str) -> str | None:
    """The partition of an ARN, or None when `text` is not one (`*`, a pattern)."""
    match = _ARN.match(text)
    return match["partition"] if match else None


def watcher_policy(
    *,
    log_group: str,
    job_log_groups: Iterable[str],
    topics: Iterable[str],
    region: str,
    account: str,
    job_functions: Iterable[str] = (),
    hook_secrets: Iterable[tuple[str, str | None]] = (),
    catalogue: str | None = None,
    owner: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The alert watcher's own role: writing its logs (to `log_group`), reading the watched
    jobs' log groups and its own (where its state is), reading the configuration of the jobs'
    functions sched deploys (`job_functions`, ARNs: their SCHED_DEPLOY, which their genuine
    lines carry), publishing to the channels' topics, reading the webhook channels' secrets
    (`hook_secrets`: reference and KMS key), decrypting them with their keys only; nothing else.

    Listed one by one, a few dozen jobs fill IAM's 10,240 characters of inline policy; past
    that (given the `catalogue`, the scope) the groups in the scope's namespace are allowed by
    its exact prefix (`/sched/<scope>/*`, no other scope's), and the functions named with the
    scope's prefix by that prefix, only when tagged as the catalogue's (`owner`: the ownership
    tags that say so, the catalogue's and environment's names; by default the scope's name)."""
    groups, functions, hooks = set(job_log_groups), set(job_functions), list(hook_secrets)
    explicit = _watcher_policy(
        log_group, groups, topics, region, account, functions, hooks, None, scope=catalogue
    )
    if (
        catalogue is None
        or len(canonical_json(explicit)) <= limits.IAM_ROLE_INLINE_POLICY_MAX_CHARS
    ):
        return explicit
    return _watcher_policy(
        log_group,
        groups,
        topics,
        region,
        account,
        functions,
        hooks,
        catalogue,
        scope=catalogue,
        owner=owner,
    )


_CATALOGUE_TAG = naming.CATALOGUE_TAG


def _watcher_policy(
    own_group: str,
    job_log_groups: set[str],
    topics: Iterable[str],
    region: str,
    account: str,
    job_functions: set[str],
    hook_secrets: list[tuple[str, str | None]],
    prefix_of: str | None,
    *,
    scope: str | None,
    owner: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    partition = naming.partition(region)
    group_prefix = naming.log_group_prefix(prefix_of) if prefix_of else None
    function_prefix = f"arn:{partition}:lambda:{region}:{account}:function:{prefix_of}-"

    def group_arns(name: str) -> list[str]:
        arn = f"arn:{partition}:logs:{region}:{account}:log-group:{name}"
        return [arn, f"{arn}:*"]

    listed = {g for g in job_log_groups if group_prefix is None or not g.startswith(group_prefix)}
    groups = sorted({a for g in {*listed, own_group} for a in group_arns(g)})
    if group_prefix is not None and listed != job_log_groups:
        groups.append(f"arn:{partition}:logs:{region}:{account}:log-group:{group_prefix}*")
    # For as many groups as Insights pays for, the watcher reads through Logs Insights, whose
    # GetQueryResults and StopQuery take no resource:
    # https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html
    # Imported here: validate builds job policies, never the watcher's, and the reader's
    # module (with the ports) would be most of what `permissions` costs it to import.
    from scheduler.insights import pays_for

    insights = pays_for(len(job_log_groups))
    reads = ["logs:FilterLogEvents", *(["logs:StartQuery"] if insights else [])]
    # Its query selects the groups under the catalogue's prefix (scheduler.insights); the IAM
    # reference does not say what such a query is authorized against, so StartQuery covers
    # that prefix (were it refused, the watcher lists its groups instead).
    by_prefix = (
        f"arn:{partition}:logs:{region}:{account}:log-group:{naming.log_group_prefix(scope)}*"
        if insights and scope is not None
        else None
    )
    statements: list[Statement] = [
        *log_statements(partition=partition, region=region, account=account, group=own_group),
        {"Sid": "ReadJobLogs", "Effect": "Allow", "Action": reads, "Resource": groups},
        *([{"Sid": "QueryJobLogs", "Effect": "Allow", "Action": "logs:StartQuery",
            "Resource": by_prefix}] if by_prefix is not None and by_prefix not in groups else []),
        *([{"Sid": "ReadQueryResults", "Effect": "Allow",
            "Action": ["logs:GetQueryResults", "logs:StopQuery"], "Resource": "*"}]
          if insights else []),
    ]  # fmt: skip
    if published := set(topics):  # webhook channels alone publish to no topic
        statements.append(_allow("PublishAlerts", "sns:Publish", published))
    by_key: dict[str | None, list[str]] = {}
    for reference, key in hook_secrets:
        by_key.setdefault(key, []).append(reference)
    for index, (key, references) in enumerate(sorted(by_key.items(), key=lambda kv: kv[0] or "")):
        statements.extend(
            reading_secrets(
                references,
                key,
                partition=partition,
                region=region,
                account=account,
                sid=f"Hook{index + 1}" if len(by_key) > 1 else "Hooks",
            )
        )
    ours = {f for f in job_functions if prefix_of and f.startswith(function_prefix)}
    if job_functions - ours:
        statements.append(
            _allow("ReadJobDeployments", "lambda:GetFunctionConfiguration", job_functions - ours)
        )
    if ours:
        statements.append(
            {
                "Sid": "ReadCatalogueDeployments",
                "Effect": "Allow",
                "Action": ["lambda:GetFunctionConfiguration"],
                "Resource": [f"{function_prefix}*"],
                "Condition": {
                    "StringEquals": {
                        f"aws:ResourceTag/{key}": value
                        for key, value in (owner or {_CATALOGUE_TAG: str(prefix_of)}).items()
                    }
                },
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}
