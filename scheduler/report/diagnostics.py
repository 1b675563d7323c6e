"""Render diagnostics as text for terminals, JSON, GitHub workflow annotations or SARIF 2.1.0.

Formatters return strings; the CLI decides where they go. Input order is kept: callers sort.
Suppressed findings appear in json and sarif, marked; text and github show only their count.
"""

from __future__ import annotations

import json
import posixpath
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from scheduler import PROJECT_URL, __version__
from scheduler.diagnostics import Diagnostic, Severity, Span, active
from scheduler.report.style import BOLD, CYAN, DIM, RED, YELLOW, paint

if TYPE_CHECKING:
    from scheduler.rules.base import RuleDoc

_COLOURS = {Severity.ERROR: RED, Severity.WARNING: YELLOW, Severity.INFO: CYAN}


def summary_line(diagnostics: Sequence[Diagnostic], file: str) -> str:
    shown = active(diagnostics)
    silenced = len(diagnostics) - len(shown)
    tail = f" ({silenced} finding{'' if silenced == 1 else 's'} suppressed)" if silenced else ""
    if not shown:
        return f"{file}: no problems found{tail}"
    counts = {s: sum(1 for d in shown if d.severity is s) for s in Severity}
    parts = [
        f"{counts[s]} {s.label}{'' if counts[s] == 1 else 's'}"
        for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        if counts[s]
    ]
    # Findings of another file (the local data beside the catalogue) are said to be there.
    elsewhere = Counter(d.span.file for d in shown if d.span.file != file)
    if elsewhere:
        tail = f" ({', '.join(f'{n} in {other}' for other, n in elsewhere.items())}){tail}"
    return f"{file}: " + ", ".join(parts) + tail


def to_text(diagnostics: Sequence[Diagnostic], *, colour: bool = False) -> str:
    """`file:line:col: severity CODE message` then an indented hint, as compilers print.
    Suppressed findings are left out (`summary_line` counts them)."""
    lines = []
    for d in active(diagnostics):
        severity = paint(d.severity.label, _COLOURS[d.severity] + BOLD, colour)
        lines.append(f"{d.span}: {severity} {d.code} {d.message}")
        if d.hint:
            lines.append(paint(f"  hint: {d.hint}", DIM, colour))
    return "\n".join(lines)


def _place(span: Span) -> dict[str, Any]:
    return {"file": span.file, "line": span.line, "column": span.column}


def _as_dict(d: Diagnostic, docs: dict[str, str]) -> dict[str, Any]:
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
        "url": docs.get(d.code),
        "suppressed": (
            {"reason": d.suppressed.reason, **_place(d.suppressed.span)} if d.suppressed else None
        ),
    }


def to_json(diagnostics: Sequence[Diagnostic], docs: dict[str, str] | None = None) -> str:
    """Every finding, suppressed ones included: `suppressed` is null or says why and where.
    `docs` maps a code to its documentation URL."""
    urls = docs or {}
    return json.dumps({"diagnostics": [_as_dict(d, urls) for d in diagnostics]}, indent=2)


def _escape_data(text: str) -> str:
    # https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts (escapeData)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    # Properties also escape ':' and ',' which separate them (escapeProperty in the same file).
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def repository_path(file: str, *, cwd: str, root: str | None) -> str:
    """`file` (relative to `cwd`) as GitHub reads an annotation's or a SARIF result's path:
    relative to the repository's root (`GITHUB_WORKSPACE`), so that a workflow step with a
    `working-directory` still lands on the right file. Unchanged outside the repository."""
    if not root:
        return file
    full = posixpath.normpath(posixpath.join(cwd, file))
    base = posixpath.normpath(root)
    if full == base or not full.startswith(base.rstrip("/") + "/"):
        return file
    return posixpath.relpath(full, base)


def to_github(
    diagnostics: Sequence[Diagnostic],
    docs: dict[str, str] | None = None,
    *,
    cwd: str = ".",
    root: str | None = None,
) -> str:
    """GitHub Actions workflow commands: one annotation per diagnostic, on the exact line; none
    for a suppressed finding. `docs` maps a code to a documentation URL, added after the hint:
    an annotation has no link property (file, line, col, endLine, endColumn, title only).
    Paths are made relative to `root`, the repository (see `repository_path`)."""
    urls = docs or {}
    lines = []
    for d in active(diagnostics):
        props = {
            "file": repository_path(d.span.file, cwd=cwd, root=root),
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
        if d.code in urls:
            message += f"\nsee {urls[d.code]}"
        lines.append(f"::{_GITHUB_LEVEL[d.severity]} {rendered}::{_escape_data(message)}")
    return "\n".join(lines)


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _location(span: Span, uri: str) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": span.line, "startColumn": span.column}
    if span.end_line is not None:
        region["endLine"] = span.end_line
    if span.end_column is not None:
        region["endColumn"] = span.end_column
    return {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}


def _sarif_rule(code: str, doc: RuleDoc | None) -> dict[str, Any]:
    if doc is None:
        return {"id": code, "shortDescription": {"text": code}}
    examples = "".join(
        f"\n\n{label}:\n{text}"
        for label, text in (("Fails", doc.failing), ("Passes", doc.passing))
        if text
    )
    return {
        "id": code,
        "shortDescription": {"text": doc.title},
        "fullDescription": {"text": doc.explanation},
        "help": {"text": doc.explanation + examples},
        "helpUri": doc.url,
        "defaultConfiguration": {"level": _SARIF_LEVEL[doc.severity]},
    }


def to_sarif(
    diagnostics: Sequence[Diagnostic],
    docs: Mapping[str, RuleDoc],
    *,
    cwd: str = ".",
    root: str | None = None,
) -> str:
    """SARIF 2.1.0, for code-scanning upload; `docs` documents each code (`sched rules`). A
    suppressed finding carries SARIF's `suppressions` (kind inSource: the `ignore:` entry is
    in the catalogue itself), with its reason as the justification. Paths as in `to_github`."""

    def where(span: Span) -> dict[str, Any]:
        return _location(span, repository_path(span.file, cwd=cwd, root=root))

    codes = sorted({d.code for d in diagnostics})
    results = []
    for d in diagnostics:
        result: dict[str, Any] = {
            "ruleId": d.code,
            "ruleIndex": codes.index(d.code),
            "level": _SARIF_LEVEL[d.severity],
            "message": {"text": d.message + (f" (hint: {d.hint})" if d.hint else "")},
            "locations": [where(d.span)],
        }
        if d.suppressed is not None:
            result["suppressions"] = [
                {
                    "kind": "inSource",
                    "justification": d.suppressed.reason,
                    "location": where(d.suppressed.span),
                }
            ]
        results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "sched",
                        "version": __version__,
                        "informationUri": PROJECT_URL,
                        "rules": [_sarif_rule(c, docs.get(c)) for c in codes],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2)
