"""Durations as users write them: `90s`, `5m`, `1h30m`, `2d` and ISO-8601 `PT5M`/`P1DT2H`."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import lru_cache

from scheduler.diagnostics import echo

_COMPACT = re.compile(r"^(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?$")
_ISO = re.compile(
    r"^P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


# Cached by text: a large catalogue writes the same few durations thousands of times.
@lru_cache(maxsize=1024)
def parse_duration(text: str) -> timedelta:
    """Parse a duration; raise ValueError with a message a user can act on."""
    raw = text.strip()
    compact = raw.lower().replace(" ", "")
    match = _COMPACT.match(compact) if compact else None
    if match is None or not any(match.groupdict().values()):
        match = _ISO.match(raw.upper())
        if match is None or raw.upper() in ("P", "PT") or raw.upper().endswith("T"):
            raise ValueError(
                f"{echo(text, repr)} is not a duration; write it like 90s, 5m, 1h30m or PT5M"
            )
    parts = {k: float(v) if v else 0.0 for k, v in match.groupdict().items()}
    return timedelta(days=parts["d"], hours=parts["h"], minutes=parts["m"], seconds=parts["s"])


def format_duration(value: timedelta) -> str:
    """The shortest compact form: 300 s → `5m`, 5400 s → `1h30m`, 1.5 s → `1.5s`.

    The catalogue's own spelling, exact to the second (3661 s → `1h1m1s`), so that a whole
    number of seconds reads back through `parse_duration`: diagnostics and the catalogue's JSON
    quote settings with it. Measured durations in reports use `report.history.human_duration`
    instead, which shows milliseconds and rounds to two units; the two differ on purpose.
    """
    total = value.total_seconds()
    if total < 60 and total != int(total):
        return f"{total:.1f}s"
    seconds = round(total)
    if seconds == 0:
        return "0s"
    out = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        amount, seconds = divmod(seconds, size)
        if amount:
            out.append(f"{amount}{unit}")
    return "".join(out)
