"""Render the old scopes a plan found (an older name of the catalogue still deployed) for people
and for machines: which scope, what of it runs, that it keeps firing, and the commands that move
the jobs (prune the old scope, then apply)."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping, Sequence

from scheduler.report.style import WIDTH, YELLOW, paint
from scheduler.scopes import OldScope, Scope


def _wrap(text: str, width: int, indent: str, hang: str) -> list[str]:
    # Job names hold hyphens: a line never breaks inside one.
    return textwrap.wrap(
        text, width, initial_indent=indent, subsequent_indent=hang, break_on_hyphens=False
    )


def _jobs(names: Sequence[str]) -> str:
    return ", ".join(names)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def to_lines(
    olds: Sequence[OldScope],
    prune: Mapping[Scope, str],
    apply: str,
    *,
    searched: bool = True,
    colour: bool = False,
    width: int = WIDTH,
) -> list[str]:
    """What a plan says of each old scope; `prune` is each one's prune command, `apply` the
    command that deploys the catalogue after. Nothing when there is none."""
    if not searched:
        text = (
            "note: older names of this catalogue were not looked for (tag:GetResources is not "
            "allowed); if it was renamed, the old name's jobs still run until pruned"
        )
        return ["", *_wrap(text, width, "", "  ")]
    lines: list[str] = []
    for old in olds:
        lines += ["", paint(f"Old name still deployed: {old.scope.label}", YELLOW, colour)]
        runs = f"it runs {_count(len(old.shared), 'job')} of this catalogue ({_jobs(old.shared)})"
        if old.others:
            runs += f" and {len(old.others)} it no longer has ({_jobs(old.others)})"
        counted = [
            _count(n, noun) for n, noun in ((old.functions, "function"), (old.rules, "rule")) if n
        ]
        found = f"{' and '.join(counted)} of it found"
        facts = [
            f"{runs}; {found}",
            "they keep firing until it is pruned: while both are deployed, each of these jobs "
            "fires twice",
            "to move them here, prune it first, then apply:",
        ]
        for fact in facts:
            lines += _wrap(fact, width, "  ", "    ")
        lines += [f"    {prune[old.scope]}", f"    {apply}"]
    return lines


def to_json(
    document: str,
    olds: Sequence[OldScope],
    prune: Mapping[Scope, str],
    apply: str,
    *,
    searched: bool = True,
) -> str:
    """The plan's JSON `document` with the old scopes it found (`old_scopes`; null when they
    were not looked for); as it is when there is none, so a plan's JSON only grows a key when
    there is something to act on."""
    if searched and not olds:
        return document
    data = json.loads(document)
    data["old_scopes"] = (
        [
            {
                "catalogue": old.scope.catalogue,
                "environment": old.scope.environment,
                "jobs": list(old.shared),
                "other_jobs": list(old.others),
                "functions": old.functions,
                "rules": old.rules,
                "commands": [prune[old.scope], apply],
            }
            for old in olds
        ]
        if searched
        else None
    )
    return json.dumps(data, indent=2, default=str)
