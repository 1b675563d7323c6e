"""AWS list prices `sched cost` multiplies by: Lambda requests and GB-seconds with its monthly
free tier, and Fargate vCPU and memory hours. Each is US East (N. Virginia), Linux x86, on
demand (and Lambda on Arm), as read on PRICES_DATE from its source page: other regions and
Savings Plans differ.
"""

from __future__ import annotations

PRICES_DATE = "2026-12-02"
PRICES_REGION = "us-east-1"

# https://aws.amazon.com/lambda/pricing/ (x86; "$0.20 per 1M requests")
LAMBDA_USD_PER_REQUEST = 0.20 / 1_000_000
# https://aws.amazon.com/lambda/pricing/ (x86, the first price tier)
LAMBDA_USD_PER_GB_SECOND = 0.0000166667
# https://aws.amazon.com/lambda/pricing/ (Arm, the first price tier; requests cost the same)
LAMBDA_ARM_USD_PER_GB_SECOND = 0.0000133334
# https://aws.amazon.com/lambda/pricing/ (free tier, every month, shared by the account)
LAMBDA_FREE_REQUESTS = 1_000_000
LAMBDA_FREE_GB_SECONDS = 400_000

# https://aws.amazon.com/fargate/pricing/ (Linux/x86; billed per second, one minute minimum)
FARGATE_USD_PER_VCPU_HOUR = 0.04048
FARGATE_USD_PER_GB_HOUR = 0.004445
FARGATE_MINIMUM_SECONDS = 60
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html
# (task CPU and memory): vCPU → the most memory (GB) a task of that size may have.
FARGATE_SIZES = ((0.25, 2.0), (0.5, 4.0), (1.0, 8.0), (2.0, 16.0), (4.0, 30.0))
FARGATE_MIN_MEMORY_GB = 0.5
