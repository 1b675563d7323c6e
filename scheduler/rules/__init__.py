"""The explicit registry of validation rules and the documentation of every diagnostic code."""

from __future__ import annotations

from scheduler.diagnostics import Severity
from scheduler.rules.alert_rules import ALERT_RULES
from scheduler.rules.base import Context, Rule, RuleDoc
from scheduler.rules.concurrency_rules import TooManyAtOnce
from scheduler.rules.lambda_runtime_rules import (
    BlockedRuntime,
    DeprecatedRuntime,
    HandlerNeedsPython,
    RuntimeDeprecatedSoon,
    UnknownRuntime,
)
from scheduler.rules.limit_rules import (
    DescriptionTooLong,
    EnvironmentName,
    InvalidTag,
    ReservedTag,
)
from scheduler.rules.name_rules import ClashingJobNames, InvalidName, NameOverLimit, NameTooLong
from scheduler.rules.package_rules import PackageTooLarge, RuntimeNameClash
from scheduler.rules.permission_rules import PERMISSION_RULES
from scheduler.rules.quota_rules import RolesPerAccount, RulesPerBus
from scheduler.rules.runtime_rules import (
    EnvironmentTooLarge,
    EventAgeOutOfRange,
    InputNotJson,
    InputTooLarge,
    MemoryOutOfRange,
    PolicyOverLimit,
    RuntimeCloseToTimeout,
    RuntimeOverLimit,
    TimeoutBelowRuntime,
    TimeoutOverLimit,
)
from scheduler.rules.schedule_rules import (
    SUB_MINUTE,
    AtNeedsScheduler,
    DatesNeedScheduler,
    DstAffected,
    EitherDayHalves,
    EndNotAfterStart,
    EndPassed,
    FlexibleWindowNeedsScheduler,
    FlexibleWindowOutOfRange,
    NeverFires,
    OneOffPassed,
    OverlappingRuns,
    ScheduleSyntax,
    StartPassed,
    TimezoneNeedsScheduler,
    UnknownTimezone,
)
from scheduler.rules.secret_rules import PlainTextSecret, SecretKey, SecretReference
from scheduler.rules.suppression import DOCS as SUPPRESSION_DOCS
from scheduler.rules.taken_names import TakenName
from scheduler.rules.target_rules import (
    CredentialFilesLeftOut,
    FargateSettings,
    HandlerFileMissing,
    HandlerFolderHoldsCatalogue,
    HandlerFunctionMissing,
    HandlerSyntaxError,
    MalformedArn,
    TargetChoice,
    VpcSettings,
)
from scheduler.rules.version_rules import VERSION_RULES

RULES: tuple[Rule, ...] = (
    ScheduleSyntax(),
    NeverFires(),
    EitherDayHalves(),
    FlexibleWindowNeedsScheduler(),
    FlexibleWindowOutOfRange(),
    OneOffPassed(),
    DatesNeedScheduler(),
    EndNotAfterStart(),
    StartPassed(),
    EndPassed(),
    UnknownTimezone(),
    TimezoneNeedsScheduler(),
    DstAffected(),
    OverlappingRuns(),
    AtNeedsScheduler(),
    RuntimeOverLimit(),
    TimeoutOverLimit(),
    TimeoutBelowRuntime(),
    RuntimeCloseToTimeout(),
    MemoryOutOfRange(),
    InputTooLarge(),
    InputNotJson(),
    PolicyOverLimit(),
    EnvironmentTooLarge(),
    EventAgeOutOfRange(),
    DescriptionTooLong(),
    InvalidTag(),
    ReservedTag(),
    EnvironmentName(),
    RulesPerBus(),
    RolesPerAccount(),
    TooManyAtOnce(),
    UnknownRuntime(),
    HandlerNeedsPython(),
    BlockedRuntime(),
    DeprecatedRuntime(),
    RuntimeDeprecatedSoon(),
    InvalidName(),
    NameTooLong(),
    NameOverLimit(),
    ClashingJobNames(),
    TakenName(),
    HandlerFileMissing(),
    HandlerFunctionMissing(),
    TargetChoice(),
    MalformedArn(),
    FargateSettings(),
    VpcSettings(),
    HandlerSyntaxError(),
    HandlerFolderHoldsCatalogue(),
    CredentialFilesLeftOut(),
    RuntimeNameClash(),
    PackageTooLarge(),
    PlainTextSecret(),
    SecretReference(),
    SecretKey(),
    *PERMISSION_RULES,
    *ALERT_RULES,
    *VERSION_RULES,
)

_E, _W = Severity.ERROR, Severity.WARNING

# Codes reported while reading the file (scheduler.catalogue.loader) or by sched itself.
LOADER_DOCS: tuple[RuleDoc, ...] = (
    RuleDoc(
        "SCH001",
        _E,
        "catalogue file cannot be read",
        "The file is missing, a directory, unreadable, too large, binary or not UTF-8.",
        "sched validate jobs.yml  # no such file",
        "sched validate jobs.yaml",
    ),
    RuleDoc(
        "SCH002",
        _E,
        "YAML syntax error",
        "The file is not valid YAML. Indent with spaces: YAML forbids tabs for indentation.",
        "jobs:\n\tlog-backup:",
        "jobs:\n  log-backup:",
    ),
    RuleDoc(
        "SCH003",
        _E,
        "duplicate key",
        "A key appears twice in one mapping; YAML would silently keep the last one.",
        "log-backup:\n  schedule: rate(1 day)\n  schedule: rate(2 days)",
        "log-backup:\n  schedule: rate(2 days)",
    ),
    RuleDoc(
        "SCH004",
        _E,
        "catalogue is not a mapping",
        "The file must be one YAML document whose top level is a mapping with `catalogue` and "
        "`jobs`, and `jobs` is a mapping of job names.",
        "- log-backup",
        "catalogue: acme-ops\njobs:\n  log-backup: {...}",
    ),
    RuleDoc(
        "SCH005",
        _E,
        "unknown key",
        "Keys are checked so that a typo cannot pass silently.",
        "shedule: rate(1 day)",
        "schedule: rate(1 day)",
    ),
    RuleDoc(
        "SCH006",
        _E,
        "wrong type or invalid value",
        "A value has the wrong type (a number as text, a list for a mapping) or is not allowed.",
        'memory: "256"',
        "memory: 256",
    ),
    RuleDoc(
        "SCH007",
        _E,
        "required key missing",
        "Every job needs schedule and expected_runtime; the catalogue needs a name.",
        "log-backup:\n  handler: jobs/log_backup/handler.py:main",
        "log-backup:\n  schedule: cron(0 2 ? * MON *)\n  expected_runtime: 5m\n"
        "  handler: jobs/log_backup/handler.py:main",
    ),
    RuleDoc(
        "SCH008",
        _E,
        "YAML aliases or nesting past a safe size",
        "Anchors and aliases expand past a safe size (a 'billion laughs' file), an alias sits "
        "inside its own anchor, or values nest deeper than 100 levels.",
        "a: &a [x, x]\nb: &b [*a, *a]\n# ... doubling many times",
        "defaults: &d {memory: 256}",
    ),
    RuleDoc(
        "SCH010",
        _E,
        "local data the local AWS would refuse",
        "local-data.yaml beside the catalogue declares what the local AWS (--local) starts "
        "with; sched validate checks it offline, as --local does before creating anything: "
        "names S3, DynamoDB, SSM, Secrets Manager or SQS would refuse, a table without a key, an "
        "item without its key attributes or with the wrong type, values over a service's size "
        "limit, a {file: PATH} that is not under local-data/. Only --local reads the file.",
        "# local-data.yaml\nbuckets:\n  Acme_Scratch: {}",
        "# local-data.yaml\nbuckets:\n  acme-scratch: {}",
    ),
    RuleDoc(
        "SCH011",
        _E,
        "job lists an environment the catalogue does not declare",
        "A job's `environments:` names where it is deployed, from those declared under the "
        "catalogue's `environments:`; an unknown name is usually a typo, and the job would "
        "silently be left out of the environment meant.",
        'environments:\n  prod: {account: "123456789012", region: eu-west-1}\njobs:\n'
        "  report:\n    environments: [production]",
        'environments:\n  prod: {account: "123456789012", region: eu-west-1}\njobs:\n'
        "  report:\n    environments: [prod]",
    ),
    RuleDoc(
        "SCH012",
        _E,
        "environment account, region or name malformed",
        "Each environment names the AWS account (12 digits: quote it, so that YAML keeps it as "
        "text) and region it is deployed to; plan and apply refuse any other account. Its name "
        "is part of every resource name, so it holds only letters, digits, - and _.",
        "environments:\n  prod: {account: 12345, region: eu-west}",
        'environments:\n  prod: {account: "123456789012", region: eu-west-1}',
    ),
    RuleDoc(
        "SCH013",
        _E,
        "environment overrides something the catalogue does not have",
        "An environment's `defaults`, `policy`, `alerts` and `jobs` merge over the catalogue's: "
        "an override of a job the catalogue does not have (or does not deploy to that "
        "environment) or of a key that does not exist would change nothing, so it is a mistake.",
        'environments:\n  prod:\n    account: "123456789012"\n    region: eu-west-1\n'
        "    jobs:\n      log-bakup: {memory: 1024}",
        'environments:\n  prod:\n    account: "123456789012"\n    region: eu-west-1\n'
        "    jobs:\n      log-backup: {memory: 1024}",
    ),
    RuleDoc(
        "SCH014",
        _E,
        "two environments make the same names in one account",
        "Every name of an environment is `<catalogue>-<environment>-<job>`: two environments "
        "in one account whose names meet (environment a with job b-c, environment a-b with job "
        "c) would fight over the same resources.",
        'environments:\n  a: {account: "123456789012", region: eu-west-1}\n'
        '  a-b: {account: "123456789012", region: eu-west-1}\njobs:\n  b-c: {...}\n  c: {...}',
        'environments:\n  dev: {account: "123456789012", region: eu-west-1}\n'
        '  prod: {account: "210987654321", region: eu-west-1}',
    ),
    *SUPPRESSION_DOCS,
    SUB_MINUTE,
    RuleDoc(
        "SCH901",
        _E,
        "internal error in a rule",
        "A validation rule crashed. This is a bug in sched; the other rules still ran. "
        "Please report it with the catalogue that triggers it (run with --debug).",
        "",
        "",
    ),
)


def all_docs() -> dict[str, RuleDoc]:
    """Every code sched can report, sorted by code."""
    docs = [*LOADER_DOCS, *(rule.doc for rule in RULES)]
    return {doc.code: doc for doc in sorted(docs, key=lambda d: d.code)}


__all__ = ["RULES", "Context", "Rule", "RuleDoc", "all_docs"]
