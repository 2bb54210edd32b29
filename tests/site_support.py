"""Shared by the site's tests: the hook modules loaded the way MkDocs loads
them, and labs written from the fixture lab with a few settings changed."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
HOOKS = REPO / "docs" / "hooks"
HOOK = HOOKS / "site_pages.py"
FIXTURE_LABS = Path(__file__).resolve().parent / "fixtures" / "site_labs"
FIXTURE_LAB = FIXTURE_LABS / "38-01-no-rollback-path"


def load_hook() -> ModuleType:
    """The hook file run the way MkDocs runs it: by path, its directory on
    sys.path only while it runs. Its sibling modules are then in sys.modules."""
    spec = importlib.util.spec_from_file_location("labkit_site_pages", HOOK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    saved = sys.path.copy()
    sys.path.insert(0, str(HOOKS))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = saved
    return module


def sibling(name: str) -> ModuleType:
    """One of the hook's sibling modules (``site_labs``, ``site_cli``, ...)."""
    if "labkit_site_pages" not in sys.modules:
        load_hook()
    return sys.modules[name]


def write_lab(
    root: Path,
    dirname: str,
    lab_id: str,
    *,
    title: tuple[str, str | None] = ("A title", "Un título"),
    readmes: tuple[str, ...] = ("README.md", "README.es.md"),
    readme_text: str = "# T\n\nBody.\n",
) -> Path:
    """A lab directory whose lab.yaml is the fixture lab's with another id,
    phase and title (``None`` for the Spanish title leaves it out)."""
    text = (FIXTURE_LAB / "lab.yaml").read_text(encoding="utf-8")
    phase = lab_id.split("-")[0]
    text = text.replace('id: "38-01"', f'id: "{lab_id}"', 1)
    text = re.sub(r"^phase: 38$", f"phase: {int(phase) if phase.isdigit() else 1}", text,
                  count=1, flags=re.M)
    spanish = f"\n  es: {title[1]}" if title[1] is not None else ""
    text = re.sub(r"^title:\n  en: .*\n  es: .*$", f"title:\n  en: {title[0]}{spanish}", text,
                  count=1, flags=re.M)
    path = root / dirname
    path.mkdir(parents=True)
    (path / "lab.yaml").write_text(text, encoding="utf-8")
    for readme in readmes:
        (path / readme).write_text(readme_text, encoding="utf-8")
    return path
