"""The domain imports nothing outside the standard library (a positive list, beyond import-linter's
forbidden list), and the application only the domain and the standard library."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize(
    ("package", "allowed"), [("domain", {"domain"}), ("application", {"domain", "application"})]
)
def test_layer_imports_only_the_standard_library(package, allowed):
    offenders = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        foreign = {
            name
            for name in imported_roots(path)
            if name not in sys.stdlib_module_names and name not in allowed and name != "__future__"
        }
        if foreign:
            offenders[str(path.relative_to(ROOT))] = sorted(foreign)
    assert offenders == {}
