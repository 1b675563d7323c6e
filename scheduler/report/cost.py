"""Text of `sched cost`: one row per job (fires a month, run, memory, GB-seconds, Lambda and
Fargate dollars), the total, the total after Lambda's free tier, and where the prices are from."""

from __future__ import annotations

from datetime import timedelta

from scheduler import prices
from scheduler.cost import CostReport, JobCost
from scheduler.report.history import human_duration
from scheduler.report.style import WIDTH, wrap

HEADERS = ("JOB", "FIRES/30D", "RUN", "MEMORY", "GB-S", "LAMBDA $", "FARGATE $")


def _usd(value: float) -> str:
    return f"{value:.2f}" if value >= 0.01 or value == 0 else f"{value:.4f}"


def _row(cost: JobCost) -> tuple[str, ...]:
    return (
        cost.name,
        f"{cost.fires:,}",
        human_duration(timedelta(seconds=cost.run_seconds)),
        f"{cost.memory_mb} MB" + (" arm64" if cost.arm else ""),
        f"{cost.gb_seconds:,.0f}",
        _usd(cost.lambda_usd) + ("" if cost.on_lambda else " *"),
        _usd(cost.fargate_usd),
    )


def to_text(report: CostReport, *, width: int = WIDTH) -> str:
    total = (
        "total",
        f"{report.requests:,}",
        "",
        "",
        f"{report.gb_seconds:,.0f}",
        _usd(report.lambda_usd),
        _usd(report.fargate_usd),
    )
    table = [HEADERS, *(_row(j) for j in report.jobs), total]
    sizes = [max(len(r[i]) for r in table) for i in range(len(HEADERS))]

    def line(cells: tuple[str, ...]) -> str:
        first, *rest = cells
        right = (c.rjust(s) for c, s in zip(rest, sizes[1:], strict=True))
        return "  ".join([first.ljust(sizes[0]), *right]).rstrip()

    lines = [line(r) for r in table]
    lines.append("")
    notes = [
        f"Lambda after the free tier ({prices.LAMBDA_FREE_REQUESTS:,} requests and "
        f"{prices.LAMBDA_FREE_GB_SECONDS:,} GB-s a month, shared by the account): "
        f"${_usd(report.lambda_usd_with_free_tier)} a month"
    ]
    if any(not j.on_lambda for j in report.jobs):
        notes.append("* a Fargate job: its Lambda price is for comparison only")
    arm = " (Arm for arm64 jobs)" if any(j.arm for j in report.jobs) else ""
    notes.append(
        f"fires in the 30 days from {report.since:%Y-%m-%d %H:%M} UTC × expected_runtime × memory;"
        f" {prices.PRICES_REGION} on-demand x86{arm} prices of {prices.PRICES_DATE}"
    )
    for note in notes:
        lines += wrap(note, width, hang="  ")
    return "\n".join(lines)
