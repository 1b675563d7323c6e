"""Text from untrusted sources (log lines anyone who can write to a log group may have written)
made harmless to show: one function, stdlib only, used by the reports and by the alert watcher,
which ships it."""

from __future__ import annotations

import re

# Characters a terminal (or a reader) acts on rather than shows: C0 controls and DEL, C1 controls
# (U+009B is a one-character escape sequence on many terminals), Unicode bidi embeddings,
# overrides, isolates and marks (the "Trojan Source" reordering, CVE-2021-42574), and lone
# surrogates, which no UTF-8 output can hold.
_BREAKS = re.compile("[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]")
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def safe(text: str) -> str:
    """`text` (from a log line, so from anyone who can write to the log group) with line breaks
    and tabs as spaces, every other control character left out, lone surrogates as U+FFFD."""
    text = _BREAKS.sub(" ", text)
    text = _CONTROLS.sub("", text)
    return _SURROGATES.sub("\ufffd", text)
