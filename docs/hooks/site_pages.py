"""MkDocs hook: pages the site builds from the kit itself.

Two kinds of page are never written by hand, so they cannot drift from what
they describe:

- one page per lab and language, from the kit's catalog of labs
  (``labkit.catalog``) and each lab's own ``README.md`` / ``README.es.md``
  (``site_labs``, with links made to work on the site by ``site_links``);
- the CLI reference, from the parser ``lab`` itself uses, the kit's named
  exit codes and its JSON envelope (``site_cli``).

Every sentence the hook adds is in ``site_texts``, in each language.

The hook copies ``docs/`` into a temporary directory, writes the generated
pages next to the hand-written ones and points ``docs_dir`` there, so the i18n
plugin sees every page in both languages and nothing generated ever lands in
the source tree. Labs are read from ``$LAB_LABS_DIR``, else ``<kit>/labs``.
Problems (a lab that does not load, a hand-written copy of a generated page,
an exit code without a meaning) are logged as warnings, which fail the
strict build.
"""

from __future__ import annotations

import argparse
import atexit
import copy
import importlib
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority, get_plugin_logger

# MkDocs puts this directory on sys.path while it runs the hook file; a rebuild
# under `mkdocs serve` runs it again, so the siblings are reloaded with it.
_SIBLINGS = ("site_texts", "site_links", "site_labs", "site_cli", "site_html")
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
for _name in _SIBLINGS:
    if _name in sys.modules:
        importlib.reload(sys.modules[_name])

import site_cli  # noqa: E402
import site_html  # noqa: E402
import site_labs  # noqa: E402
from site_texts import LANGS  # noqa: E402

log = get_plugin_logger("labkit-site")


def generate(
    docs_dir: Path, docs_source: Path, labs_dir: Path, parser: argparse.ArgumentParser
) -> tuple[list[str], list[str]]:
    """Writes the generated pages into ``docs_dir``.

    Returns the nav entries of the lab pages and the problems found.
    """
    labs, problems = site_labs.load_labs(labs_dir)
    subdir = site_labs.LABS_SUBDIR
    written: list[str] = []
    for lang in LANGS:
        index = site_labs.labs_index(labs, lang)
        written.append(_write(docs_dir, f"{subdir}/{site_labs.page_name('index', lang)}", index))
        for lab in labs:
            page = site_labs.lab_page(lab, lang, docs_source)
            written.append(_write(docs_dir, f"{subdir}/{site_labs.page_name(lab.id, lang)}", page))
        reference = site_cli.cli_reference(parser, lang)
        written.append(_write(docs_dir, site_labs.page_name(site_cli.CLI_PAGE, lang), reference))
    site_labs.fill_lab_yaml_examples(docs_dir, labs)
    # Another labs directory (a test's, a course's) need not hold every lab mapped.
    kit_labs = labs_dir.resolve() == _kit_labs()
    problems.extend(site_labs.theory_problems(docs_source, labs if kit_labs else None))
    for name in site_cli.undescribed(site_cli.exit_codes()):
        problems.append(
            f"labcore/errors.py: exit code {name} has no meaning in each of "
            f"{', '.join(LANGS)} in docs/hooks/site_texts.py (EXIT_MEANINGS)"
        )
    for rel in written:
        if (docs_source / rel).exists():
            problems.append(f"docs/{rel} is generated at build time; delete the hand-written copy")
    return [f"{subdir}/{lab.id}.md" for lab in labs], problems


def _write(docs_dir: Path, rel: str, text: str) -> str:
    path = docs_dir / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return rel


def inject_lab_nav(nav: Any, lab_pages: Iterable[str]) -> Any:
    """Puts the lab pages right after ``labs/index.md`` wherever nav lists it."""
    index = f"{site_labs.LABS_SUBDIR}/index.md"
    pages = list(lab_pages)

    def visit(items: list[Any]) -> list[Any]:
        result: list[Any] = []
        for item in items:
            if isinstance(item, dict):
                result.append(
                    {
                        key: visit(value) if isinstance(value, list) else value
                        for key, value in item.items()
                    }
                )
            else:
                result.append(item)
        if index in items or any(
            isinstance(item, dict) and index in item.values() for item in items
        ):
            result.extend(page for page in pages if page not in items)
        return result

    return visit(nav) if isinstance(nav, list) else nav


# ---------------------------------------------------------------------- the hook

_STATE: dict[str, Any] = {}


def _ignore_hooks(source: Path) -> Callable[[str, list[str]], set[str]]:
    def ignore(directory: str, names: list[str]) -> set[str]:
        skipped = {name for name in names if name == "__pycache__"}
        if Path(directory) == source:
            skipped.add("hooks")
        return skipped

    return ignore


def _kit_labs() -> Path:
    return (Path(__file__).resolve().parent.parent.parent / "labs").resolve()


def _labs_dir() -> Path:
    from labkit.paths import labs_dir

    return labs_dir()


def _parser() -> argparse.ArgumentParser:
    from labkit.cli.parser import build_parser

    return build_parser()


def on_config(config: Any, **kwargs: Any) -> Any:
    if config.docs_dir == _STATE.get("staged"):
        return config  # the i18n plugin runs one more pass per language
    source = Path(config.docs_dir).resolve()
    staged = Path(tempfile.mkdtemp(prefix="labkit-site-"))
    atexit.register(shutil.rmtree, staged, True)
    shutil.copytree(source, staged, dirs_exist_ok=True, ignore=_ignore_hooks(source))
    labs_dir = _labs_dir()
    lab_pages, problems = generate(staged, source, labs_dir, _parser())
    for problem in problems:
        log.warning(problem)
    if "nav" not in _STATE:
        _STATE["nav"] = copy.deepcopy(config.nav)
    config.nav = inject_lab_nav(copy.deepcopy(_STATE["nav"]), lab_pages)
    config.docs_dir = str(staged)
    _STATE.update(staged=str(staged), source=str(source))
    for watched in (source, labs_dir):
        if watched.is_dir() and str(watched) not in config.watch:
            config.watch.append(str(watched))
    return config


def on_post_page(output: str, **kwargs: Any) -> str:
    return site_html.tidy_page(output)


def on_post_template(output_content: str, template_name: str, **kwargs: Any) -> str:
    if template_name == "404.html":
        # Each language writes its 404 to the same file; keep every one.
        _STATE.setdefault("not_found", {})[site_html.page_lang(output_content)] = output_content
    return output_content


@event_priority(-200)  # after the i18n plugin has built the other languages
def on_post_build(config: Any, **kwargs: Any) -> None:
    site_dir = Path(config.site_dir)
    site_html.place_not_found_pages(site_dir, _STATE.get("not_found", {}))
    if not config.site_url:
        site_html.drop_sitemaps(site_dir)


def on_shutdown(**kwargs: Any) -> None:
    staged = _STATE.pop("staged", None)
    if staged:
        shutil.rmtree(staged, ignore_errors=True)
