"""The layering a reader sees in the tree, held by the code itself: labcore below
both halves, checker/ judging evidence without importing labkit/ (not even inside a
function), and modules small enough to read."""

from __future__ import annotations

import ast

import pytest
from support import KIT_ROOT

MAX_LINES = 400


def imported_modules(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):  # every import, at the top or inside a function
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package, forbidden", [
    ("checker", ("labkit",)),
    ("labcore", ("labkit", "checker")),
])
def test_a_lower_layer_imports_nothing_from_the_ones_above(package, forbidden):
    offenders = sorted(
        f"{path.relative_to(KIT_ROOT)} imports {name}"
        for path in (KIT_ROOT / package).rglob("*.py")
        for name in imported_modules(path)
        if name.split(".")[0] in forbidden)
    assert not offenders, offenders


def test_no_module_is_over_400_lines():
    long = sorted(
        f"{path.relative_to(KIT_ROOT)}: {lines} lines"
        for folder in ("labkit", "checker", "labcore", "docs/hooks")
        for path in (KIT_ROOT / folder).rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES)
    assert not long, long
