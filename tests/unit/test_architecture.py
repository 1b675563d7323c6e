"""The import rules of DESIGN.md, checked by parsing every module's imports."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent.parent / "scheduler"
MODULES = sorted(PACKAGE.rglob("*.py"))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def _relative(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


@pytest.mark.parametrize("path", MODULES, ids=_relative)
def test_only_the_aws_adapters_and_local_mode_import_boto3_botocore_or_moto(path: Path) -> None:
    where = _relative(path)
    if where.startswith("scheduler/aws/") or where == "scheduler/local.py":
        return
    assert _imports(path).isdisjoint({"boto3", "botocore", "moto"})


@pytest.mark.parametrize("path", MODULES, ids=_relative)
def test_only_the_cli_imports_click(path: Path) -> None:
    if _relative(path).startswith("scheduler/cli/"):
        return
    assert "click" not in _imports(path)


def test_the_runtime_wrapper_uses_the_standard_library_only() -> None:
    allowed = set(sys.stdlib_module_names) | {"__future__"}
    assert _imports(PACKAGE / "runtime.py") <= allowed


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
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_limits_is_a_leaf_of_the_standard_library() -> None:
    allowed = set(sys.stdlib_module_names) | {"__future__"}
    assert _imports(PACKAGE / "limits.py") <= allowed


REPORT = sorted((PACKAGE / "report").glob("*.py"))


def _modules(path: Path) -> set[str]:
    """Every module `path` imports, by its full dotted name."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


NOT_FOR_REPORT = ("click", "boto3", "botocore", "moto", "scheduler.aws", "scheduler.local")


def _outside_report(module: str) -> bool:
    return any(module == name or module.startswith(f"{name}.") for name in NOT_FOR_REPORT)


@pytest.mark.parametrize("path", REPORT, ids=_relative)
def test_report_imports_neither_click_nor_aws_nor_local_mode(path: Path) -> None:
    assert sorted(m for m in _modules(path) if _outside_report(m)) == []


@pytest.mark.parametrize("path", REPORT, ids=_relative)
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
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
