"""Touches to the built HTML that the theme and the i18n plugin leave wrong.

- Every page's head lists its other-language versions as
  ``<link rel="alternate">``; the theme's script then asks for a
  ``sitemap.xml`` beside each of them, which never exists (a 404 on every
  page). The language switcher in the header does not need them, so they go.
- Without ``site_url`` there is no correct sitemap (its addresses must be
  absolute): the one written with a literal ``None`` prefix is removed.
- The 404 page is written once per language to the same place, so the last
  language won. Each language's page is kept and put where it belongs
  (``/404.html`` in the default language, ``/<lang>/404.html`` for the
  others), with a language switcher that leads to each language's home.
- The heading anchors' title ("Permanent link") comes from one Markdown
  setting for every language: it is translated on the other languages' pages.
"""

from __future__ import annotations

import re
from pathlib import Path

from site_texts import LANGS, TEXT

SITEMAPS = ("sitemap.xml", "sitemap.xml.gz")
_HEAD_ALTERNATE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')
_LANG = re.compile(r'<html\s+lang="([^"]+)"')
_SWITCH = re.compile(r'(<a href=")[^"]*(" hreflang="([^"]+)")')
_PERMALINK = 'title="Permanent link"'


def page_lang(html: str) -> str:
    """The language a rendered page declares on ``<html lang>``."""
    match = _LANG.search(html)
    return match.group(1).split("-")[0] if match else LANGS[0]


def tidy_page(html: str) -> str:
    """One rendered page without head alternates, its anchors in its language."""
    html = _HEAD_ALTERNATE.sub("", html)
    lang = page_lang(html)
    if lang != LANGS[0] and lang in TEXT:
        html = html.replace(_PERMALINK, f'title="{TEXT[lang]["permalink"]}"')
    return html


def home(lang: str) -> str:
    """The site-absolute address of a language's home page (the 404 is served anywhere)."""
    return "/" if lang == LANGS[0] else f"/{lang}/"


def not_found_page(html: str) -> str:
    """The 404 page of one language: tidied, its switcher pointing at each home."""
    html = tidy_page(html)
    return _SWITCH.sub(
        lambda m: f"{m.group(1)}{home(m.group(3))}{m.group(2)}" if m.group(3) in LANGS
        else m.group(0),
        html,
    )


def place_not_found_pages(site_dir: Path, pages: dict[str, str]) -> list[Path]:
    """Writes each language's 404 page where that language's pages live."""
    written = []
    for lang, html in pages.items():
        path = site_dir / home(lang).strip("/") / "404.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(not_found_page(html), encoding="utf-8")
        written.append(path)
    return written


def drop_sitemaps(site_dir: Path) -> list[Path]:
    """Removes the sitemaps written without a ``site_url`` (their addresses say None)."""
    removed = []
    for lang in LANGS:
        for name in SITEMAPS:
            path = site_dir / home(lang).strip("/") / name
            if path.is_file():
                path.unlink()
                removed.append(path)
    return removed
