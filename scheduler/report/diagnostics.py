"""Render diagnostics as text for terminals, JSON, GitHub workflow annotations or SARIF 2.1.0.

Formatters return strings; the CLI decides where they go. Input order is kept: callers sort.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from scheduler import __version__
from scheduler.diagnostics import Diagnostic, Severity
from scheduler.report.style import BOLD, CYAN, DIM, RED, YELLOW, paint

_COLOURS = {Severity.ERROR: RED, Severity.WARNING: YELLOW, Severity.INFO: CYAN}


def summary_line(diagnostics: Sequence[Diagnostic], file: str) -> str:
    if not diagnostics:
        return f"{file}: no problems found"
    counts = {s: sum(1 for d in diagnostics if d.severity is s) for s in Severity}
    parts = [
        f"{counts[s]} {s.label}{'' if counts[s] == 1 else 's'}"
        for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        if counts[s]
    ]
    return f"{file}: " + ", ".join(parts)


def to_text(diagnostics: Sequence[Diagnostic], *, colour: bool = False) -> str:
    """`file:line:col: severity CODE message` then an indented hint, as compilers print."""
    lines = []
    for d in diagnostics:
        severity = paint(d.severity.label, _COLOURS[d.severity] + BOLD, colour)
        lines.append(f"{d.span}: {severity} {d.code} {d.message}")
        if d.hint:
            lines.append(paint(f"  hint: {d.hint}", DIM, colour))
    return "\n".join(lines)


def _as_dict(d: Diagnostic) -> dict[str, Any]:
    return {
        "code": d.code,
        "severity": d.severity.label,
        "message": d.message,
        "hint": d.hint,
        "file": d.span.file,
        "line": d.span.line,
        "column": d.span.column,
        "end_line": d.span.end_line,
        "end_column": d.span.end_column,
    }


def to_json(diagnostics: Sequence[Diagnostic]) -> str:
    return json.dumps({"diagnostics": [_as_dict(d) for d in diagnostics]}, indent=2)


def _escape_data(text: str) -> str:
    # https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts (escapeData)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    # Properties also escape ':' and ',' which separate them (escapeProperty in the same file).
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def to_github(diagnostics: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands: one annotation per diagnostic, on the exact line."""
    lines = []
    for d in diagnostics:
        props = {
            "file": d.span.file,
            "line": str(d.span.line),
            "col": str(d.span.column),
        }
        if d.span.end_line is not None:
            props["endLine"] = str(d.span.end_line)
        if d.span.end_column is not None and d.span.end_line == d.span.line:
            props["endColumn"] = str(d.span.end_column)
        props["title"] = f"{d.code}"
        rendered = ",".join(f"{k}={_escape_property(v)}" for k, v in props.items())
        message = d.message + (f"\nhint: {d.hint}" if d.hint else "")
        lines.append(f"::{_GITHUB_LEVEL[d.severity]} {rendered}::{_escape_data(message)}")
    return "\n".join(lines)


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def to_sarif(diagnostics: Sequence[Diagnostic], rule_titles: dict[str, str]) -> str:
    """SARIF 2.1.0, for code-scanning upload; `rule_titles` maps each code to its short title."""
    codes = sorted({d.code for d in diagnostics})
    results = []
    for d in diagnostics:
        region: dict[str, int] = {"startLine": d.span.line, "startColumn": d.span.column}
        if d.span.end_line is not None:
            region["endLine"] = d.span.end_line
        if d.span.end_column is not None:
            region["endColumn"] = d.span.end_column
        results.append(
            {
                "ruleId": d.code,
                "ruleIndex": codes.index(d.code),
                "level": _SARIF_LEVEL[d.severity],
                "message": {"text": d.message + (f" (hint: {d.hint})" if d.hint else "")},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": d.span.file},
                            "region": region,
                        }
                    }
                ],
            }
        )
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "sched",
                        "version": __version__,
                        "informationUri": "https://github.com/sched-dev/sched",
                        "rules": [
                            {"id": c, "shortDescription": {"text": rule_titles.get(c, c)}}
                            for c in codes
                        ],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2)
