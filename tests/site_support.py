"""Shared by the site's tests: the hook modules loaded the way MkDocs loads
them, and labs written from the fixture lab with a few settings changed."""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
HOOKS = REPO / "docs" / "hooks"
HOOK = HOOKS / "site_pages.py"
FIXTURE_LABS = Path(__file__).resolve().parent / "fixtures" / "site_labs"
FIXTURE_LAB = FIXTURE_LABS / "38-01-no-rollback-path"
DOCS = REPO / "docs"
CHROMIUM = Path("/usr/bin/chromium")
LAB_ID = "38-01"
BUILD_TIMEOUT = 300
# Chromium as the tests run it: headless, no profile sync, no background traffic.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
# Only the local server resolves: a page must render with no network at all.
OFFLINE_FLAGS = ("--disable-quic", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")


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


@dataclass(frozen=True)
class Site:
    root: Path
    output: str
    labs_dir: Path

    def page(self, path: str) -> str:
        return (self.root / path / "index.html").read_text(encoding="utf-8")

    def pages(self) -> list[str]:
        """Every built page, as the path a browser asks for (``""`` is the home page)."""
        found = []
        for path in sorted(self.root.rglob("*.html")):
            rel = path.relative_to(self.root).as_posix()
            found.append(rel.removesuffix("index.html"))
        return found


def site_labs_dir() -> Path:
    """The kit's own labs when lab 38-01 is there, else the test fixture."""
    labs, _ = sibling("site_labs").load_labs(REPO / "labs")
    return REPO / "labs" if any(lab.id == LAB_ID for lab in labs) else FIXTURE_LABS


def build_site(out: Path) -> Site:
    """``mkdocs build --strict`` of the kit's site into ``out``."""
    labs_dir = site_labs_dir()
    mkdocs = Path(sys.executable).with_name("mkdocs")
    command = [str(mkdocs)] if mkdocs.exists() else [sys.executable, "-m", "mkdocs"]
    env = {**os.environ, "LAB_LABS_DIR": str(labs_dir), "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [*command, "build", "--strict", "--site-dir", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{output}"
    return Site(out, output, labs_dir)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """A static HTTP server on 127.0.0.1 for ``directory``; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
