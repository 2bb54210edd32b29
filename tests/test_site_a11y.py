"""The site in a real browser: every page in both languages and both colour
schemes passes axe-core's WCAG 2.1 A and AA rules, asks the server for nothing
that is not there, and stays readable on a phone."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

import pytest
from site_browser import axe_served, chromium, describe, run_axe
from site_support import Site, serve

pytestmark = pytest.mark.browser

SCHEMES = ("light", "dark")
MATERIAL = {"light": "default", "dark": "slate"}
PHONE = {"width": 390, "height": 844}


def _open(page: Any, url: str) -> None:
    page.goto(url, wait_until="load")
    # Material's own script marks the page once it has run.
    page.wait_for_function("() => document.documentElement.classList.contains('js')")


def _switch_scheme(page: Any, scheme: str) -> None:
    """The reader's way: the palette toggle in the header, then wait for the switch."""
    wanted = MATERIAL[scheme]
    if page.evaluate("() => document.body.dataset.mdColorScheme") != wanted:
        page.locator("[data-md-component=palette] label:not([hidden])").first.click()
    page.wait_for_function("(s) => document.body.dataset.mdColorScheme === s", arg=wanted)


def test_every_page_passes_axe_in_both_schemes(built_site: Site) -> None:
    pages = built_site.pages()
    assert len(pages) > 20
    violations: dict[str, list[dict[str, Any]]] = {}
    missing: set[str] = set()
    with serve(built_site.root) as base, axe_served() as axe, chromium() as browser:
        context = browser.new_context(color_scheme="light")
        # Every page starts from the system's scheme, not from the last toggle.
        context.add_init_script("try { localStorage.clear() } catch (e) {}")
        page = context.new_page()
        page.on("response", lambda r: r.status >= 400 and missing.add(f"{r.status} {r.url}"))
        page.on("requestfailed", lambda r: missing.add(f"failed {r.url}"))
        for path in pages:
            _open(page, urljoin(base, path))
            for scheme in SCHEMES:  # one load, both schemes
                _switch_scheme(page, scheme)
                found = run_axe(page, axe)
                if found:
                    violations[f"{scheme} /{path}"] = found
        context.close()
    assert not violations, f"{len(violations)} page(s) fail axe:\n{describe(violations)}"
    # Only /404.html itself may answer 404 (it is asked for by name here).
    assert {m for m in missing if not m.endswith("404.html")} == set()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_site_follows_the_systems_colour_scheme(built_site: Site, scheme: str) -> None:
    with serve(built_site.root) as base, axe_served() as axe, chromium() as browser:
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        for path in ("", "es/theory/"):
            _open(page, urljoin(base, path))
            assert page.evaluate("() => document.body.dataset.mdColorScheme") == MATERIAL[scheme]
            assert run_axe(page, axe) == [], path
        context.close()


def test_tables_scroll_inside_the_page_on_a_phone(built_site: Site) -> None:
    with serve(built_site.root) as base, chromium() as browser:
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        for path in ("theory/retention/", "es/theory/retention/", "reference/cli/"):
            _open(page, urljoin(base, path))
            # The page itself never scrolls sideways; a wide table scrolls in its own box.
            assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
            tables = page.evaluate(
                """() => [...document.querySelectorAll('.md-typeset table')].map(t => {
                    const box = t.closest('.md-typeset__scrollwrap') || t.parentElement;
                    const cells = [...t.querySelectorAll('td, th')];
                    return {
                        overflow: getComputedStyle(box).overflowX,
                        narrowest: Math.min(...cells.map(c => c.getBoundingClientRect().width)),
                        right: box.getBoundingClientRect().right,
                    };
                })"""
            )
            assert tables, path
            for table in tables:
                assert table["overflow"] in ("auto", "scroll"), (path, table)
                assert table["right"] <= PHONE["width"], (path, table)
                # A column squeezed narrower than a short word is unreadable.
                assert table["narrowest"] >= 64, (path, table)
        context.close()


FIGURES = {
    "theory/retention/": "retention-window",
    "theory/rollback-is-a-deploy/": "flip-vs-rebuild",
    "theory/recovery-time/": "incident-timeline",
    "theory/rollback-checklist/": "router-flip",
    "theory/gated-updates/": "gated-update",
    "theory/swarm-updates/": "swarm-rollback",
    "getting-started/": "portal-bug",
}


def test_theory_figures_draw_in_each_language_and_labs_link_their_theory(
    built_site: Site,
) -> None:
    titles: dict[str, dict[str, str]] = {}
    with serve(built_site.root) as base, chromium() as browser:
        page = browser.new_page()
        for prefix, lang in (("", "en"), ("es/", "es")):
            for path, figure in FIGURES.items():
                _open(page, urljoin(base, prefix + path))
                drawn = page.evaluate(
                    """(name) => [...document.images].filter(i => i.src.includes(name))
                        .map(i => ({w: i.naturalWidth, alt: i.alt, src: i.src}))""",
                    figure,
                )
                assert drawn and drawn[0]["w"] > 0 and drawn[0]["alt"], (prefix + path, drawn)
                title = page.evaluate(
                    "async (src) => (await (await fetch(src)).text()).match(/<title>([^<]*)/)[1]",
                    drawn[0]["src"],
                )
                titles.setdefault(figure, {})[lang] = title
            _open(page, urljoin(base, f"{prefix}labs/38-01/"))
            links = page.evaluate(
                "() => [...document.querySelectorAll('.md-content a')].map(a => a.pathname)"
            )
            assert f"/{prefix}theory/rollback-is-a-deploy/" in links
            text = page.evaluate("() => document.querySelector('.md-content').innerText")
            assert "generated" not in text and "se genera" not in text
        page.close()
    # Each language's page shows the figure drawn in its own words.
    assert all(pair["en"] != pair["es"] for pair in titles.values()), titles


def test_the_tutor_portal_passes_axe_and_keeps_its_slots(tmp_path) -> None:
    import sys

    from site_support import REPO

    source = REPO / "templates" / "minitutor" / "project" / "src"
    sys.path.insert(0, str(source))
    try:
        from minitutor import portal
    finally:
        sys.path.remove(str(source))
    (tmp_path / "form.html").write_text(portal.render_page(None, version="1.2.2"))
    (tmp_path / "answer.html").write_text(
        portal.render_page("I has a cat", version="1.2.3", error="the API was slow"))
    with serve(tmp_path) as base, axe_served() as axe, chromium() as browser:
        page = browser.new_page()
        for name in ("form.html", "answer.html"):
            page.goto(urljoin(base, name), wait_until="load")
            assert page.locator("main").count() == 1
            assert run_axe(page, axe) == [], name
        slots = page.evaluate(
            "() => [...document.querySelectorAll('[data-slot]')].map(e => e.dataset.slot)")
        assert slots == ["correction", "spanish"]
        page.close()
