"""The browser the site's accessibility and layout tests drive: Debian's
Chromium under Playwright (never a browser Playwright downloads), and axe-core
from npm, installed into the kit's cache the first time it is needed."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from site_support import CHROMIUM, CHROMIUM_FLAGS, OFFLINE_FLAGS, REPO, serve

AXE_DIR = REPO / ".cache" / "axe"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
NPM_TIMEOUT = 300
# WCAG 2.1, levels A and AA: the rules the site and the portal must pass.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


def unavailable(reason: str) -> None:
    """Skips the test with ``reason``; under CI a missing tool is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the accessibility checks must run)")
    pytest.skip(reason)


def axe_script() -> Path:
    """axe.min.js of axe-core 4, installed with npm into .cache/axe when missing."""
    if not AXE_JS.is_file():
        npm = shutil.which("npm")
        if npm is None:
            unavailable("npm is not installed, so axe-core cannot be installed "
                        "(Debian: apt-get install npm)")
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [npm, "install", "--prefix", str(AXE_DIR), "--no-audit", "--no-fund",
             "--no-save", "--loglevel=error", "axe-core@4"],
            capture_output=True, text=True, timeout=NPM_TIMEOUT,
        )
        if result.returncode != 0 or not AXE_JS.is_file():
            unavailable(f"npm could not install axe-core@4: {result.stderr.strip()[-500:]}")
    return AXE_JS


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """One Playwright browser on Debian's Chromium, offline but for 127.0.0.1."""
    if not CHROMIUM.exists():
        unavailable(f"headless Chromium not found at {CHROMIUM} (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (pip install playwright)")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[*CHROMIUM_FLAGS, *OFFLINE_FLAGS],
            headless=True,
        )
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def axe_served() -> Iterator[str]:
    """The URL of axe.min.js on a local server: loaded by URL, the browser
    compiles it once and reuses the code on every page."""
    script = axe_script()
    with serve(script.parent) as base:
        yield base + script.name


def run_axe(page: Any, axe_url: str) -> list[dict[str, Any]]:
    """axe-core's violations of WCAG 2.1 A and AA on the loaded page."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=axe_url)
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {
                runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': '
                    + (n.failureSummary || '').split('\\n').slice(1, 2).join('')),
            }));
        }""",
        list(AXE_TAGS),
    )


def describe(violations: dict[str, list[dict[str, Any]]]) -> str:
    """One line per page and rule, for an assertion message."""
    lines = []
    for where, found in violations.items():
        for violation in found:
            lines.append(f"{where}: {violation['id']} ({violation['impact']}): "
                         f"{' | '.join(violation['nodes'])}")
    return "\n".join(lines)
