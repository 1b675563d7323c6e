"""The memory size status suggests when the most a run used (REPORT's Max Memory Used) is far
under the function's size or close to it: half again the most used, in Lambda's steps. Lambda
gives CPU in proportion to memory, so a smaller size can also make a run slower."""

from __future__ import annotations

from scheduler import limits

# Far under: the most used is at most a fifth of the size; close: at least nine tenths.
FAR_UNDER = 0.2
CLOSE = 0.9
HEADROOM = 1.5
STEP_MB = 64


def suggested_memory(used_mb: int, size_mb: int) -> int | None:
    """A better `memory:` in MB, or None when the size is about right (or cannot grow)."""
    if size_mb <= 0 or used_mb < 0:
        return None
    wanted = -(-int(used_mb * HEADROOM) // STEP_MB) * STEP_MB
    wanted = min(max(wanted, limits.LAMBDA_MIN_MEMORY_MB), limits.LAMBDA_MAX_MEMORY_MB)
    if used_mb >= size_mb * CLOSE:
        return wanted if wanted > size_mb else None
    if used_mb <= size_mb * FAR_UNDER:
        return wanted if wanted < size_mb else None
    return None
