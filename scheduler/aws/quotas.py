"""The account's quotas and usage, read for a plan (`QuotaSource`): Lambda `GetAccountSettings`,
IAM `GetAccountSummary`, Service Quotas `GetServiceQuota` for EventBridge's rules per bus, and the
rules on the default bus (`ListRules` pages). Four calls plus one page per 100 rules.

An API the identity may not call, or that the endpoint lacks (moto has no GetAccountSettings and
Service Quotas only for VPC), leaves its quota at the documented default, with a note saying so.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from scheduler import limits
from scheduler.aws.clients import Clients
from scheduler.errors import AwsFailure
from scheduler.ports import AccountQuotas, Quota

_GB = 1024**3


class AwsQuotaSource:
    def __init__(self, clients: Clients) -> None:
        self._clients = clients

    def quotas(self) -> AccountQuotas:
        region = str(self._clients.session.region_name)
        return AccountQuotas(
            rules_per_bus=self._rules(region),
            roles=self._roles(),
            **self._lambda(),
        )

    def _rules(self, region: str) -> Quota:
        default = (
            limits.EVENTBRIDGE_RULES_PER_BUS_LOW
            if region in limits.EVENTBRIDGE_RULES_PER_BUS_LOW_REGIONS
            else limits.EVENTBRIDGE_RULES_PER_BUS
        )
        used = self._rules_on_default_bus()
        try:
            quota = self._clients.service_quotas.get_service_quota(
                ServiceCode=limits.EVENTBRIDGE_SERVICE_CODE,
                QuotaCode=limits.EVENTBRIDGE_RULES_QUOTA_CODE,
            )
            return Quota(int(quota["Quota"]["Value"]), used)
        except (ClientError, BotoCoreError, AwsFailure) as error:
            note = (
                f"servicequotas:GetServiceQuota answered {_code(error)}: EventBridge's rules per "
                f"bus taken as its documented default, {default} in {region}"
            )
            return Quota(default, used, read=False, note=note)

    def _rules_on_default_bus(self) -> int | None:
        try:
            pages = self._clients.events.get_paginator("list_rules").paginate(
                PaginationConfig={"PageSize": 100}
            )
            return sum(len(page.get("Rules", [])) for page in pages)
        except (ClientError, BotoCoreError, AwsFailure):
            return None

    def _roles(self) -> Quota:
        try:
            summary = self._clients.iam.get_account_summary()["SummaryMap"]
            return Quota(int(summary["RolesQuota"]), int(summary["Roles"]))
        except (ClientError, BotoCoreError, AwsFailure, KeyError) as error:
            note = (
                f"iam:GetAccountSummary answered {_code(error)}: IAM's roles per account taken as "
                f"its documented default, {limits.IAM_ROLES_PER_ACCOUNT}, and not counted"
            )
            return Quota(limits.IAM_ROLES_PER_ACCOUNT, None, read=False, note=note)

    def _lambda(self) -> dict[str, Quota]:
        try:
            settings: dict[str, Any] = dict(self._clients.lambda_.get_account_settings())
            limit, usage = settings["AccountLimit"], settings["AccountUsage"]
            return {
                "unreserved_concurrency": Quota(int(limit["UnreservedConcurrentExecutions"])),
                "code_storage_bytes": Quota(
                    int(limit["TotalCodeSize"]), int(usage["TotalCodeSize"])
                ),
            }
        except (ClientError, BotoCoreError, AwsFailure, KeyError) as error:
            note = (
                f"lambda:GetAccountSettings answered {_code(error)}: Lambda's concurrency taken as "
                f"its documented default, {limits.LAMBDA_ACCOUNT_CONCURRENCY}, and code storage "
                "not counted"
            )
            return {
                "unreserved_concurrency": Quota(
                    limits.LAMBDA_ACCOUNT_CONCURRENCY, read=False, note=note
                ),
                "code_storage_bytes": Quota(limits.LAMBDA_CODE_STORAGE_GB * _GB, None, read=False),
            }


def _code(error: Exception) -> str:
    """AWS's error code (or what failed), as the note names it."""
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code") or "an error")
    if isinstance(error, KeyError):
        return f"without {error}"
    return type(error).__name__
