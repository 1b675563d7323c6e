"""The quota report of a plan: what would not fit the account's quotas and the fix for each
and the same as JSON data: both shown by plan (and apply) only when something does not fit."""

from __future__ import annotations

from scheduler.quotas import QuotaCheck
from scheduler.report.style import RED, YELLOW, paint, wrap


def to_text(check: QuotaCheck, *, colour: bool, width: int) -> str:
    """Empty when everything fits."""
    if not check.shortfalls:
        return ""
    lines = ["Quotas (read before any change):"]
    for shortfall in check.shortfalls:
        mark = "error" if shortfall.blocking else "warning"
        head = f"{paint(mark, RED if shortfall.blocking else YELLOW, colour)} {shortfall.line()}"
        lines.extend(wrap(head, width, indent="  ", hang="    "))
        lines.extend(wrap(f"fix: {shortfall.fix}", width, indent="    ", hang="      "))
    for note in check.notes:
        lines.extend(wrap(f"note: {note}", width, indent="  ", hang="    "))
    return "\n".join(lines)


def to_data(check: QuotaCheck | None) -> dict[str, object] | None:
    """None when everything fits (or nothing was read)."""
    if check is None or not check.shortfalls:
        return None
    return {
        "fits": check.fits,
        "shortfalls": [
            {
                "what": s.what,
                "needed": s.needed,
                "ours": s.ours,
                "others": s.others,
                "limit": s.limit,
                "limit_read": s.read,
                "blocking": s.blocking,
                "fix": s.fix,
            }
            for s in check.shortfalls
        ],
        "notes": list(check.notes),
    }
