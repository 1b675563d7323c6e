"""Text of `sched versions` (a job's kept versions, the live one marked, runs and failures in
the window) and of `sched rollback`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scheduler.report.history import human_duration

if TYPE_CHECKING:
    from scheduler.app.versions import JobVersions, RolledBack

HEADERS = ("VERSION", "RUNS", "FAILED")


def versions_text(found: JobVersions) -> str:
    if not found.rows:
        return f"{found.job}: {found.function} has no published versions yet; apply publishes one"
    live = " live (pinned)" if found.pinned else " live"
    rows = [
        (f"{row.version}{live if row.live else ''}", str(row.runs), str(row.failures))
        for row in found.rows
    ]
    sizes = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(HEADERS)]
    lines = [_row(HEADERS, sizes), *(_row(r, sizes) for r in rows)]
    lines.append("")
    lines.append(
        f"runs in the last {human_duration(found.window)}; live: the version the schedule invokes"
    )
    if found.pinned:
        lines.append(
            f"pinned by sched rollback: apply leaves it there; sched rollback {found.job} --latest"
            " moves it to the newest"
        )
    return "\n".join(lines)


def _row(cells: tuple[str, ...], sizes: list[int]) -> str:
    """The version left-aligned, the counts right-aligned."""
    first, *counts = cells
    return "  ".join(
        [first.ljust(sizes[0]), *(c.rjust(s) for c, s in zip(counts, sizes[1:], strict=True))]
    )


def rollback_text(done: RolledBack) -> str:
    return "\n".join(
        (
            f"{done.job}: live alias of {done.function} moved from version "
            f"{done.before or '-'} to {done.after}",
            f"  pinned: apply leaves it there (the plan says so); sched rollback {done.job}"
            " --latest moves it to the newest"
            if done.pinned
            else "  not pinned: apply keeps it on the newest version",
        )
    )
