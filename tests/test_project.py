"""The project's own rules: package names resolve here, imports point one way, README ↔ CI."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("extract", "graph", "ontology", "api", "queries")
# who may import whom: api → graph → extract; ontology and queries are data
ALLOWED = {
    "extract": {"extract"},
    "graph": {"graph", "extract", "ontology", "queries"},
    "api": {"api", "graph", "extract", "ontology", "queries"},
    "ontology": {"ontology"},
    "queries": {"queries"},
}


@pytest.mark.parametrize("name", PACKAGES)
def test_generic_package_names_resolve_to_this_tree(name: str) -> None:
    module = importlib.import_module(f"jixiao.{name}")
    assert Path(module.__file__).resolve().parent == ROOT / name


def _package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if parts[0] == "jixiao" and len(parts) > 1 else parts[0]


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(_package_of(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module == "jixiao":
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(_package_of(node.module))
    return found & set(PACKAGES)


def test_imports_name_the_jixiao_package() -> None:
    """Inside the project every import of its own packages goes through ``jixiao.``:
    no top-level ``graph`` or ``api`` is installed."""
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    assert node.module.split(".")[0] not in PACKAGES, (path, node.module)


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_point_one_way(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, package
    for path in files:
        bad = _imported_packages(path) - ALLOWED[package]
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = text.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", setup, flags=re.S)


def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_test_one() -> None:
    commands = _readme_commands()
    assert len(commands) == 2, commands
    assert all("\n" not in c for c in commands)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()


def test_modules_stay_readable() -> None:
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            lines = path.read_text(encoding="utf-8").count("\n")
            assert lines <= 450, f"{path.relative_to(ROOT)} has {lines} lines"
