"""`lab report --html`: one self-contained page, drawn in both languages and rendered by
a real browser."""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_report_view import WATCH

from labkit.report_html import render

CHROMIUM = Path("/usr/bin/chromium")
DATA = {
    "lab": "38-01", "learner": "eva", "recovered": True, "resolved": False,
    "checks": [{"name": "smoke is green", "passed": True, "message": "ok"},
               {"name": "five releases kept", "passed": False,
                "message": "the release script keeps 1 <artifact>"}],
    "record": {"valid": False, "errors": [{"file": "notes/breaks.md", "line": 4,
                                           "field": "symptom", "message": "is empty"}],
               "warnings": []},
    "stopwatch": WATCH,
    "score": {"points": 48, "max": 100, "note": None,
              "parts": {"recovered": 40, "record_valid": 0, "journal_intact": 10,
                        "mitigated_in_time": 0, "no_hint_bonus": 0, "hint_penalty": -2}},
}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.urls += [v for k, v in attrs if k in ("src", "href") and v]


def test_the_page_holds_the_timeline_checks_record_and_score_and_loads_nothing():
    page = render(DATA, "en")
    tags = _Tags()
    tags.feed(page)
    assert tags.urls == []  # nothing linked or loaded
    assert "svg" in tags.tags and tags.tags.count("circle") == len(WATCH["timeline"])
    assert "main" in tags.tags and page.startswith("<!doctype html>")
    assert "the release script keeps 1 &lt;artifact&gt;" in page  # escaped, never markup
    assert "score: 48 of 100" in page and "rollback failed" in page
    assert re.search(r'<html lang="en">', page)


def test_the_page_speaks_spanish_for_a_spanish_learner():
    page = render(DATA, "es")
    assert '<html lang="es">' in page
    for expected in ("línea temporal", "puntuación: 48 de 100", "registro no válido",
                     "vuelta atrás fallida"):
        assert expected in page


@pytest.mark.browser
def test_chromium_renders_the_page_with_its_picture(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip(f"headless Chromium not found at {CHROMIUM} (Debian: apt-get install chromium)")
    page = tmp_path / "report.html"
    page.write_text(render(DATA, "en"), encoding="utf-8")
    base = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}", "--host-resolver-rules=MAP * ~NOTFOUND"]
    dom = subprocess.run([*base, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count("<circle") == len(WATCH["timeline"])
    shot = tmp_path / "report.png"
    subprocess.run([*base, f"--screenshot={shot}", "--window-size=900,1400", page.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert shot.stat().st_size > 10_000  # a page with a picture, not a blank one
