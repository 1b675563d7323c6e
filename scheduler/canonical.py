"""One text per JSON value (sorted keys, no spaces): how sched compares and measures documents.

A leaf of its own so that `sched validate`, which measures role policies, needs none of
`resources.py`'s resource classes.
"""

from __future__ import annotations

import json


def canonical_json(document: object) -> str:
    """One text per JSON value: sorted keys, no spaces. Accepts a JSON string or a value."""
    value = json.loads(document) if isinstance(document, str) else document
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
