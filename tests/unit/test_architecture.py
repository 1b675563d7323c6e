"""The import rules of DESIGN.md §2, generated from one table and checked by parsing every
module's imports. A broken rule fails with the module and the import named.

Only imports that run count: those under `if TYPE_CHECKING:` are annotations, not dependencies.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent.parent / "scheduler"
MODULES = sorted(PACKAGE.rglob("*.py"))
STDLIB = frozenset(sys.stdlib_module_names) | {"__future__"}
LEAVES = (
    "diagnostics",
    "errors",
    "limits",
    "naming",
    "files",
    "resources",
    "canonical",
    "policy_templates",
    "access",
    "handler_calls",
    "untrusted",
)


@dataclass(frozen=True)
class Import:
    module: str  # dotted, absolute (`scheduler.history.model`, `boto3.session`)
    line: int


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _package_of(path: Path) -> list[str]:
    return list(path.parent.relative_to(PACKAGE.parent).parts)


@cache
def imports(path: Path) -> tuple[Import, ...]:
    """Every import `path` runs, made absolute."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[Import] = []

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and _is_type_checking(node.test):
                visit(node.orelse)
                continue
            if isinstance(node, ast.Import):
                found.extend(Import(a.name, node.lineno) for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    package = _package_of(path)
                    package = package[: len(package) - node.level + 1]
                    base = ".".join([*package, *([base] if base else [])])
                # `from scheduler import limits` imports the module scheduler.limits
                found.extend(Import(f"{base}.{a.name}", node.lineno) for a in node.names)
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    visit([child])

    visit(tree.body)
    return tuple(found)


def name_of(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


def _in(module: str, *prefixes: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _top(module: str) -> str:
    return module.split(".", maxsplit=1)[0]


@dataclass(frozen=True)
class Rule:
    """Modules under `where` (paths relative to the repository) may not import `forbidden`,
    unless what they import is under `allowed`; `exempt` takes paths out of `where`.
    `forbidden` names packages (`boto3`), modules of sched (`scheduler.cli`), or THIRD_PARTY:
    anything neither stdlib nor sched."""

    name: str
    where: tuple[str, ...]
    forbidden: tuple[str, ...]
    exempt: tuple[str, ...] = ()
    allowed: tuple[str, ...] = ()


THIRD_PARTY = "<third party>"
ALL = ("scheduler",)

# The one table (DESIGN.md §2).
RULES = (
    Rule(
        "leaves import nothing of the package but limits.py, where AWS limits live, and the"
        " leaf canonical.py (one JSON text per value)",
        tuple(f"scheduler/{leaf}.py" for leaf in LEAVES),
        ("scheduler",),
        allowed=("scheduler.limits", "scheduler.canonical"),
    ),
    Rule(
        "the collected resource state and a resource's plain-dict form import nothing of the"
        " package but the resource values (resources.py)",
        ("scheduler/resource_state.py", "scheduler/resource_dict.py"),
        ("scheduler",),
        allowed=("scheduler.resources",),
    ),
    Rule(
        "runtime/ is standard library only and imports nothing else of sched",
        ("scheduler/runtime",),
        (THIRD_PARTY, "scheduler"),
        allowed=("scheduler.runtime",),
    ),
    Rule(
        "schedule/, history/ and watch/ import no third-party package",
        ("scheduler/schedule", "scheduler/history", "scheduler/watch"),
        (THIRD_PARTY,),
    ),
    Rule(
        "only aws/ and local/ import boto3 or botocore",
        ALL,
        ("boto3", "botocore"),
        exempt=("scheduler/aws", "scheduler/local"),
    ),
    Rule("only local/ imports moto", ALL, ("moto",), exempt=("scheduler/local",)),
    Rule(
        "the local data file is read and checked without boto3 or moto",
        ("scheduler/local_data",),
        ("boto3", "botocore", "moto"),
    ),
    Rule("only cli/ imports click", ALL, ("click",), exempt=("scheduler/cli",)),
    Rule(
        "report/ never imports aws/ or local/",
        ("scheduler/report",),
        ("scheduler.aws", "scheduler.local"),
    ),
    Rule(
        "nothing imports cli/ but the entry points",
        ALL,
        ("scheduler.cli",),
        exempt=("scheduler/cli", "scheduler/__main__.py"),
    ),
    Rule(
        "only cli/ imports app/",
        ALL,
        ("scheduler.app",),
        exempt=("scheduler/cli", "scheduler/app"),
    ),
    Rule(
        "the deploy and run wings reach AWS only through the ports",
        (
            "scheduler/history",
            "scheduler/watch",
            "scheduler/plan.py",
            "scheduler/compile.py",
            "scheduler/apply.py",
            "scheduler/validate.py",
        ),
        ("scheduler.aws", "scheduler.local", "scheduler.app"),
    ),
)


def _applies(rule: Rule, where: str) -> bool:
    inside = any(where == w or where.startswith(w.rstrip("/") + "/") for w in rule.where)
    exempt = any(where == e or where.startswith(e.rstrip("/") + "/") for e in rule.exempt)
    return inside and not exempt


def _breaks(rule: Rule, imported: str) -> bool:
    if _in(imported, *rule.allowed):
        return False
    for forbidden in rule.forbidden:
        if forbidden == THIRD_PARTY:
            if _top(imported) not in STDLIB and _top(imported) != "scheduler":
                return True
        elif _in(imported, forbidden):
            return True
    return False


CASES = [
    pytest.param(rule, path, id=f"{name_of(path)}: {rule.name}")
    for rule in RULES
    for path in MODULES
    if _applies(rule, name_of(path))
]


@pytest.mark.parametrize(("rule", "path"), CASES)
def test_import_rule(rule: Rule, path: Path) -> None:
    broken = [
        f"{name_of(path)}:{i.line} imports {i.module}"
        for i in imports(path)
        if _breaks(rule, i.module)
    ]
    assert not broken, f"{rule.name}: " + "; ".join(broken)


def _closure(path: Path) -> dict[Path, str]:
    """Every sched module `path` imports, directly or not → the chain of files bringing it in."""
    seen: dict[Path, str] = {}
    todo = [(path, name_of(path))]
    while todo:
        current, chain = todo.pop()
        for i in imports(current):
            target = _module_path(i.module) if _in(i.module, "scheduler") else None
            if target is None or target in seen or target == path:
                continue
            seen[target] = f"{chain} → {name_of(target)}"
            todo.append((target, seen[target]))
    return seen


def _module_path(module: str) -> Path | None:
    base = PACKAGE.parent.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    parent = module.rpartition(".")[0]  # `from scheduler.x import name`: name is no module
    return _module_path(parent) if parent and parent != module else None


SHIPPABLE = [
    p
    for p in MODULES
    if name_of(p).startswith(
        ("scheduler/history/", "scheduler/schedule/", "scheduler/runtime/", "scheduler/watch/")
    )
]


@pytest.mark.parametrize("path", SHIPPABLE, ids=name_of)
def test_what_a_function_ships_needs_no_third_party_package_even_indirectly(path: Path) -> None:
    """history/, schedule/ and runtime/ are shipped into functions: nothing they import, at any
    depth, may import a third-party package."""
    broken = sorted(
        {
            f"{chain} imports {_top(i.module)} (line {i.line})"
            for module, chain in _closure(path).items()
            for i in imports(module)
            if _top(i.module) not in STDLIB and _top(i.module) != "scheduler"
        }
    )
    assert not broken, "; ".join(broken)


def test_the_table_covers_every_package_it_names() -> None:
    for rule in RULES:
        for where in rule.where:
            assert (PACKAGE.parent / where).exists(), f"{rule.name}: {where} does not exist"


def _last_line_printed_by(probe: str) -> str:
    """Run `probe` in a fresh interpreter at the repository root; the last line it printed."""
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def test_sched_validate_does_not_import_boto3() -> None:
    probe = (
        "import runpy, sys\n"
        "sys.argv = ['sched', 'validate', 'jobs.yaml']\n"
        "try:\n"
        "    runpy.run_module('scheduler', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "aws = ('boto3', 'botocore', 'moto')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in aws))\n"
    )
    assert _last_line_printed_by(probe) == "[]"


REPORT = sorted((PACKAGE / "report").glob("*.py"))
NOT_FOR_REPORT = ("click", "boto3", "botocore", "moto", "scheduler.aws", "scheduler.local")


@pytest.mark.parametrize("path", REPORT, ids=name_of)
def test_report_returns_strings_and_never_prints(path: Path) -> None:
    tree = ast.parse(path.read_text(), filename=str(path))
    printing = [
        node.lineno
        for node in ast.walk(tree)
        if (isinstance(node, ast.Name) and node.id == "print")
        or (isinstance(node, ast.Attribute) and node.attr in ("stdout", "stderr"))
    ]
    assert printing == []


def test_importing_every_report_module_loads_neither_click_nor_aws_nor_local_mode() -> None:
    names = [f"scheduler.report.{path.stem}" for path in REPORT if path.stem != "__init__"]
    probe = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        f"outside = {NOT_FOR_REPORT!r}\n"
        "print(sorted(m for m in sys.modules\n"
        "    if any(m == n or m.startswith(n + '.') for n in outside)))\n"
    )
    assert _last_line_printed_by(probe) == "[]"
