"""One text per JSON value (sorted keys, no spaces): how sched compares and measures documents.

A leaf of its own so that `sched validate`, which measures role policies, needs none of
`resources.py`'s resource classes.
"""

from __future__ import annotations

import json

# One encoder for every call: `json.dumps` with options builds a new one each time, which was
# half the cost of measuring 10,000 jobs' role policies. It keeps no state between calls.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(document: object) -> str:
    """One text per JSON value: sorted keys, no spaces. Accepts a JSON string or a value."""
    value = json.loads(document) if isinstance(document, str) else document
    return canonical_value(value)


def canonical_value(value: object) -> str:
    """`canonical_json` of a value that is never read as JSON text (a string stays a string)."""
    return _ENCODER.encode(value)
