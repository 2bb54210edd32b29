"""The HTML report passes axe-core's WCAG 2.1 A and AA rules in Chromium."""

from __future__ import annotations

import pytest
from site_browser import axe_served, chromium, describe, run_axe
from test_report_html import DATA

from labkit.report_html import render

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_report_has_no_accessibility_violation(tmp_path, lang):
    page_file = tmp_path / f"report.{lang}.html"
    page_file.write_text(render(DATA, lang), encoding="utf-8")
    with axe_served() as axe_url, chromium() as browser:
        page = browser.new_page()
        page.goto(page_file.as_uri())
        violations = run_axe(page, axe_url)
    assert not violations, describe({page_file.name: violations})
