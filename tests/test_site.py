"""The self-paced site: a strict build in both languages, pages generated from
the labs and the CLI, nothing fetched from the network, and a real browser
following the language switcher."""

from __future__ import annotations

import argparse
import html
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from urllib.parse import urljoin, urlsplit

import pytest
from site_support import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    DOCS,
    LAB_ID,
    OFFLINE_FLAGS,
    REPO,
    Site,
    load_hook,
    serve,
    sibling,
    site_labs_dir,
    write_lab,
)

BROWSER_TIMEOUT = 90


site_pages = load_hook()
site_cli = sibling("site_cli")
site_labs = sibling("site_labs")
site_links = sibling("site_links")


@pytest.fixture(scope="module")
def site(built_site: Site) -> Site:
    return built_site


# ------------------------------------------------------------------ the build


def test_strict_build_has_no_warnings(site: Site) -> None:
    flagged = [line for line in site.output.splitlines() if re.match(r"^(WARNING|ERROR)\b", line)]
    assert flagged == []
    assert (site.root / "index.html").is_file()
    assert (site.root / "es" / "index.html").is_file()


def test_every_hand_written_page_exists_in_both_languages() -> None:
    pages = {
        path.relative_to(DOCS).as_posix()
        for path in DOCS.rglob("*.md")
        if "hooks" not in path.relative_to(DOCS).parts
    }
    english = {page for page in pages if not page.endswith(".es.md")}
    spanish = {page.removesuffix(".es.md") + ".md" for page in pages if page.endswith(".es.md")}
    assert english, "docs/ has no pages"
    assert english - spanish == set(), "pages without a Spanish version"
    assert spanish - english == set(), "Spanish pages without an English version"


def test_lab_pages_exist_in_both_languages(site: Site) -> None:
    labs, problems = site_labs.load_labs(site.labs_dir)
    assert problems == []
    lab = next(lab for lab in labs if lab.id == LAB_ID)
    for lang, prefix in (("en", ""), ("es", "es/")):
        page = site.page(f"{prefix}labs/{LAB_ID}")
        assert f'<html lang="{lang}"' in page
        text = html.unescape(re.sub(r"<[^>]+>", "", page))
        assert f"{LAB_ID} · {lab.spec.title.get(lang)}" in text
        readme = lab.readme(lang).read_text(encoding="utf-8")
        for heading in re.findall(r"^##\s+(.+?)\s*#*$", readme, flags=re.M):
            assert re.sub(r"[`*_]", "", heading) in text, heading
        index = site.page(f"{prefix}labs")
        assert f'href="{LAB_ID}/"' in index


def test_cli_reference_shows_the_help_of_every_command(site: Site) -> None:
    from labkit.cli.parser import build_parser

    parser = build_parser()
    commands = site_cli.walk_parser(parser)
    top_level = [command for command in commands if command.depth == 1]
    assert [command.prog for command in top_level] == [
        f"lab {name}" for name in _top_level_names(parser)
    ]

    def flat(text: str) -> str:
        return " ".join(text.split())

    texts = sibling("site_texts")
    for prefix, lang in (("", "en"), ("es/", "es")):
        page = flat(html.unescape(re.sub(r"<[^>]+>", "", site.page(f"{prefix}reference/cli"))))
        assert "usage: lab" in page
        for heading in ("exit_title", "json_title"):
            assert texts.TEXT[lang][heading] in page
        for name, value in site_cli.exit_codes():
            assert f"{value} {name} {texts.EXIT_MEANINGS[name][lang]}" in page
        assert f'"schema_version": {site_cli.JSON_SCHEMA_VERSION}' in page
        for command in commands:
            assert f"usage: {command.prog}" in page
            assert flat(site_cli.format_help(command.parser)) in page, command.prog


def _top_level_names(parser: argparse.ArgumentParser) -> list[str]:
    names: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            seen: set[int] = set()
            for name, child in action.choices.items():
                hidden = any(
                    choice.dest == name and choice.help == argparse.SUPPRESS
                    for choice in action._choices_actions
                )
                if id(child) not in seen and not hidden:
                    names.append(name)
                seen.add(id(child))
    return names


def test_authoring_guide_shows_a_real_lab_yaml(site: Site) -> None:
    for prefix in ("", "es/"):
        page = site.page(f"{prefix}guides/authoring")
        assert "labkit:lab-yaml-example" not in page
        assert re.search(r'class="filename">labs/[^<]+/lab\.yaml<', page)


@pytest.mark.parametrize("page", ["records.md", "records.es.md"])
def test_the_example_record_passes_the_checker(page: str, tmp_path: Path) -> None:
    records = pytest.importorskip("checker.records")
    text = (DOCS / "reference" / page).read_text(encoding="utf-8")
    example = re.search(r"^    ````markdown\n(.*?)^    ````$", text, flags=re.M | re.S)
    assert example, "no example records file on the page"
    breaks = tmp_path / "breaks.md"
    breaks.write_text(re.sub(r"^    ", "", example.group(1), flags=re.M), encoding="utf-8")
    (record,) = records.parse_records(breaks)
    assert records.validate_record(record, _record_rules(records), {LAB_ID}) == []


def _record_rules(records: ModuleType) -> object:
    """Lab 38-01's record rules, from its lab.yaml (the kit's, else the fixture's)."""
    from labkit.verdict import rules_for

    labs, _ = site_labs.load_labs(site_labs_dir())
    return rules_for(next(lab for lab in labs if lab.id == LAB_ID))


# --------------------------------------------------------------- no network


class _Resources(HTMLParser):
    """Collects every URL a page makes the browser fetch or link to."""

    FETCHING = {
        "link": "href",
        "script": "src",
        "img": "src",
        "iframe": "src",
        "source": "src",
        "audio": "src",
        "video": "src",
        "embed": "src",
        "object": "data",
        "track": "src",
        "input": "src",
    }

    def __init__(self) -> None:
        super().__init__()
        self.fetched: list[str] = []
        self.anchors: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in self.FETCHING and self.FETCHING[tag] in values:
            self.fetched.append(values[self.FETCHING[tag]])
        if "srcset" in values:
            self.fetched.extend(part.split()[0] for part in values["srcset"].split(",") if part)
        if tag == "a":
            self.anchors.append(values)


def _parse(page: str) -> _Resources:
    parser = _Resources()
    parser.feed(page)
    return parser


def test_nothing_is_fetched_from_the_network(site: Site) -> None:
    pages = sorted(site.root.rglob("*.html"))
    assert len(pages) > 10
    offenders: list[str] = []
    for path in pages:
        text = path.read_text(encoding="utf-8")
        for needle in ("fonts.googleapis", "fonts.gstatic"):
            if needle in text:
                offenders.append(f"{path}: {needle}")
        for url in _parse(text).fetched:
            if re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", url, flags=re.I) or "cdn." in url:
                offenders.append(f"{path}: {url}")
    for path in site.root.rglob("*.css"):
        text = path.read_text(encoding="utf-8")
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", text):
            if re.match(r"^(?:https?:)?//", url):
                offenders.append(f"{path}: url({url})")
        if re.search(r"@import\s+(?:url\()?['\"]?(?:https?:)?//", text):
            offenders.append(f"{path}: remote @import")
    assert offenders == []


def test_material_fonts_and_repo_widget_are_off() -> None:
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s+font:\s*false\s*$", config, flags=re.M)
    assert not re.search(r"^(repo_url|google_analytics):", config, flags=re.M)
    assert "social" not in config


# ------------------------------------------------------- the generator itself


def _nested_parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="lab", description="The root.")
    verbs = root.add_subparsers(title="commands", metavar="COMMAND")
    start = verbs.add_parser("start", help="scaffold a workspace", description="Scaffolds.")
    start.add_argument("lab_id")
    artifacts = verbs.add_parser("artifacts", aliases=["art"], help="the artifact store")
    nested = artifacts.add_subparsers(title="artifact commands", metavar="ACTION")
    for name in ("build", "list", "prune", "previous"):
        nested.add_parser(name, help=f"{name} artifacts", description=f"Does {name}.")
    verbs.add_parser("secret", help=argparse.SUPPRESS)
    return root


def test_cli_walker_follows_nested_subcommands() -> None:
    commands = site_cli.walk_parser(_nested_parser())
    assert [(c.prog, c.depth) for c in commands] == [
        ("lab", 0),
        ("lab start", 1),
        ("lab artifacts", 1),
        ("lab artifacts build", 2),
        ("lab artifacts list", 2),
        ("lab artifacts prune", 2),
        ("lab artifacts previous", 2),
    ]
    assert commands[2].aliases == ["art"]
    page = site_cli.cli_reference(_nested_parser(), "es")
    assert page.startswith("# Referencia de la CLI")
    assert "## `lab artifacts`" in page
    assert "### `lab artifacts prune`" in page
    assert "usage: lab artifacts prune [-h]" in page
    assert "Does prune." in page
    assert "`art`" in page
    assert "`lab secret`" not in page


def test_lab_links_point_at_site_pages_or_become_text(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "theory").mkdir(parents=True)
    (docs / "theory" / "retention.md").write_text("# R\n", encoding="utf-8")
    lab = tmp_path / "labs" / "38-01-x"
    lab.mkdir(parents=True)
    text = (
        "See [retention](../../docs/theory/retention.md#helm) and "
        "[the checks](checks/test_a.py), ![diagram](fix/a.png), "
        "[web](https://example.org/) and [here](#top).\n"
        "`[kept](checks/b.py)`\n"
        "```\n[also kept](checks/c.py)\n```\n"
        "[ref]: checks/d.py\n"
    )
    out = site_links.rewrite_links(text, lab, docs, "labs")
    assert "[retention](../theory/retention.md#helm)" in out
    assert "the checks," in out and "(checks/test_a.py)" not in out
    assert "diagram" in out and "fix/a.png" not in out
    assert "[web](https://example.org/)" in out and "[here](#top)" in out
    assert "`[kept](checks/b.py)`" in out and "[also kept](checks/c.py)" in out
    assert "[ref]:" not in out


def test_labs_without_both_briefs_or_with_bad_data_are_reported(tmp_path: Path) -> None:
    write_lab(tmp_path, "10-02-b", "10-02", title=("Second", "Segundo"))
    write_lab(tmp_path, "10-01-a", "10-01", title=("First", "Primero"))
    write_lab(tmp_path, "10-03-c", "10-03", title=("Only English", None))
    write_lab(tmp_path, "10-04-d", "10-04", readmes=("README.md",))
    write_lab(tmp_path, "10-05-e", "../x")
    labs, problems = site_labs.load_labs(tmp_path)
    assert [item.id for item in labs] == ["10-01", "10-02"]
    assert len(problems) == 3
    assert any("README.es.md" in problem for problem in problems)
    page = site_labs.lab_page(labs[0], "es", tmp_path)
    assert page.startswith("# 10-01 · Primero\n")
    assert "lab check 10-01" in page and "Body." in page and "\n# T" not in page


def test_lab_pages_are_injected_after_the_labs_index() -> None:
    nav = [{"Home": "index.md"}, {"Labs": ["labs/index.md"]}, {"Ref": ["reference/cli.md"]}]
    out = site_pages.inject_lab_nav(nav, ["labs/38-01.md", "labs/38-02.md"])
    assert out[1] == {"Labs": ["labs/index.md", "labs/38-01.md", "labs/38-02.md"]}
    assert out[2] == nav[2] and nav[1] == {"Labs": ["labs/index.md"]}


# ------------------------------------------------------------- real browser


class _Browser:
    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.runs = 0

    def dom(self, url: str) -> str:
        self.runs += 1
        profile = self.scratch / f"profile-{self.runs}"
        command = [
            str(CHROMIUM),
            *CHROMIUM_FLAGS,
            *OFFLINE_FLAGS,
            f"--user-data-dir={profile}",
            "--dump-dom",
            url,
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=BROWSER_TIMEOUT)
        assert result.returncode == 0, f"chromium failed on {url}:\n{result.stderr[-3000:]}"
        assert "<html" in result.stdout, f"chromium printed no DOM for {url}"
        return result.stdout


def _html_tag(dom: str) -> str:
    match = re.search(r"<html\b[^>]*>", dom)
    assert match, "no <html> element in the rendered DOM"
    return match.group(0)


def _switcher_link(dom: str, lang: str) -> str:
    links = [
        anchor["href"]
        for anchor in _parse(dom).anchors
        if anchor.get("hreflang") == lang and "md-select__link" in anchor.get("class", "")
    ]
    assert links, f"the language switcher has no entry for {lang!r}"
    return links[0]


@pytest.mark.browser
def test_site_renders_and_switches_language_in_chromium(site: Site, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"headless Chromium not found at {CHROMIUM} (Debian: apt-get install chromium)")
    labs, _ = site_labs.load_labs(site.labs_dir)
    lab = next(lab for lab in labs if lab.id == LAB_ID)
    browser = _Browser(tmp_path)
    with serve(site.root) as base:
        home = browser.dom(base)
        assert 'lang="en"' in _html_tag(home)
        assert re.search(r'<header\b[^>]*class="[^"]*\bmd-header\b', home), "no Material header"
        assert re.search(r'class="[^"]*\bjs\b', _html_tag(home)), "Material's scripts did not run"

        english_url = urljoin(base, f"labs/{LAB_ID}/")
        english = browser.dom(english_url)
        assert 'lang="en"' in _html_tag(english)
        assert html.escape(lab.spec.title.en, quote=False) in english

        spanish_url = urljoin(english_url, _switcher_link(english, "es"))
        assert urlsplit(spanish_url).path == f"/es/labs/{LAB_ID}/"
        spanish = browser.dom(spanish_url)
        assert 'lang="es"' in _html_tag(spanish)
        assert html.escape(lab.spec.title.es, quote=False) in spanish
        assert urlsplit(urljoin(spanish_url, _switcher_link(spanish, "en"))).path == (
            f"/labs/{LAB_ID}/"
        )


# ------------------------------------------------- what the theme leaves behind


def test_no_sitemap_says_none_and_no_page_points_at_a_missing_one(site: Site) -> None:
    sitemaps = list(site.root.rglob("sitemap.xml"))
    for sitemap in sitemaps:
        assert "None" not in sitemap.read_text(encoding="utf-8"), sitemap
    for path in site.root.rglob("*.html"):
        # The theme fetches sitemap.xml beside every <link rel="alternate"> of the head.
        assert not re.search(r'<link rel="alternate" href="[^"]*" hreflang=', path.read_text(
            encoding="utf-8")), path


@pytest.mark.parametrize(("rel", "lang", "home"), [("404.html", "en", "/"),
                                                   ("es/404.html", "es", "/es/")])
def test_each_language_has_its_own_404_page(site: Site, rel: str, lang: str, home: str) -> None:
    page = (site.root / rel).read_text(encoding="utf-8")
    assert f'<html lang="{lang}"' in page
    switcher = {a["hreflang"]: a["href"] for a in _parse(page).anchors if "hreflang" in a}
    assert switcher == {"en": "/", "es": "/es/"}, home


def test_theme_labels_are_translated_on_spanish_pages(site: Site) -> None:
    english, spanish = site.page("theory"), site.page("es/theory")
    assert 'title="Dark mode"' in english and 'title="Permanent link"' in english
    assert 'title="Modo oscuro"' in spanish and 'title="Modo claro"' in spanish
    assert "Permanent link" not in spanish and "Dark mode" not in spanish
    assert 'title="Enlace permanente"' in spanish
