"""The labs' pages: one per lab and language, the labs index, and the
``lab.yaml`` example of the authoring guide.

Labs are read through the kit's own catalog (``labkit.catalog``), so the site
and ``lab list`` always agree on which labs exist and what they are called. A
lab the catalog cannot load gets no page; its one-sentence error is reported
as a problem, which fails the strict build.
"""

from __future__ import annotations

import re
from pathlib import Path

from site_links import rewrite_links
from site_texts import LANGS, TEXT

from labkit.catalog import LAB_FILE, Lab, lab_dirs, load
from labkit.errors import LabError

LABS_SUBDIR = "labs"
# `<!-- labkit:lab-yaml-example -->` in a hand-written page becomes the
# lab.yaml of the first lab; `<!-- labkit:lab-yaml-example ID -->` names one.
# docs/lab-theory.yml: lab id -> the theory pages (relative to docs/) the lab practises.
THEORY_MAP = "lab-theory.yml"
LAB_YAML_MARKER = re.compile(r"<!--\s*labkit:lab-yaml-example(?:\s+([^\s>]+))?\s*-->")

_H1 = re.compile(r"^#\s+\S")


def load_labs(labs_dir: Path) -> tuple[list[Lab], list[str]]:
    """Every lab under ``labs_dir`` that the catalog loads and that has a brief
    in each language.

    Returns the labs sorted by id and a list of problems (one sentence each)
    about directories that look like labs but cannot get a page.
    """
    labs: list[Lab] = []
    problems: list[str] = []
    seen: dict[str, Path] = {}
    for directory in lab_dirs(labs_dir):
        try:
            lab = load(directory)
        except LabError as err:
            problems.append(str(err))
            continue
        missing = [lab.readme(lang).name for lang in LANGS if not lab.readme(lang).is_file()]
        if missing:
            problems.append(f"lab {directory.name}: no {', '.join(missing)}, so it gets no page")
            continue
        if lab.id in seen:
            problems.append(
                f"{directory / LAB_FILE}: id {lab.id} is also used by {seen[lab.id] / LAB_FILE}"
            )
            continue
        seen[lab.id] = directory
        labs.append(lab)
    labs.sort(key=lambda lab: lab.id)
    return labs, problems


def page_name(stem: str, lang: str) -> str:
    return f"{stem}.md" if lang == LANGS[0] else f"{stem}.{lang}.md"


def lab_page(lab: Lab, lang: str, docs_source: Path) -> str:
    """The Markdown page of one lab in one language."""
    words = TEXT[lang]
    readme = lab.readme(lang)
    body = rewrite_links(
        strip_title(readme.read_text(encoding="utf-8")), lab.dir, docs_source, LABS_SUBDIR
    )
    glance = [words[key] for key in ("phase", "start", "break", "hint", "record", "check")]
    lines = [
        f"# {lab.id} · {lab.spec.title.get(lang)}",
        "",
        f'!!! abstract "{words["glance"].format(id=lab.id)}"',
        "",
        *(f"    - {item.format(id=lab.id, phase=lab.spec.phase)}" for item in glance),
        "",
        body.strip(),
        "",
        *theory_section(lab.id, lang, docs_source),
    ]
    return "\n".join(lines)


def theory_map(docs_source: Path) -> dict[str, list[str]]:
    """docs/lab-theory.yml as a dict (empty when the file is absent)."""
    from ruamel.yaml import YAML

    path = docs_source / THEORY_MAP
    if not path.is_file():
        return {}
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        return {}
    return {str(key): [str(page) for page in value or []] for key, value in data.items()
            if isinstance(value, list)}


def page_title(docs_source: Path, page: str, lang: str) -> str | None:
    """The level-1 heading of a hand-written page in ``lang`` (else in the default)."""
    stem = page.removesuffix(".md")
    for candidate in (page_name(stem, lang), page):
        path = docs_source / candidate
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                if _H1.match(line):
                    return line.lstrip("#").strip()
            return Path(stem).name
    return None


def theory_section(lab_id: str, lang: str, docs_source: Path) -> list[str]:
    """The lab page's closing section: links to the theory the lab puts into practice."""
    pages = theory_map(docs_source).get(lab_id, [])
    links = [(page, page_title(docs_source, page, lang)) for page in pages]
    links = [(page, title) for page, title in links if title]
    if not links:
        return []
    return [f"## {TEXT[lang]['theory_title']}", "", TEXT[lang]["theory_intro"], "",
            *(f"- [{title}](../{page})" for page, title in links), ""]


def theory_problems(docs_source: Path, labs: list[Lab] | None = None) -> list[str]:
    """Entries of docs/lab-theory.yml naming a page (or, given the labs, a lab) that
    does not exist."""
    problems = []
    for lab_id, pages in theory_map(docs_source).items():
        if labs is not None and lab_id not in {lab.id for lab in labs}:
            problems.append(f"docs/{THEORY_MAP}: lab {lab_id} does not exist")
        for page in pages:
            if not (docs_source / page).is_file():
                problems.append(f"docs/{THEORY_MAP}: lab {lab_id} names {page}, which is "
                                "not a page under docs/")
    return problems


def labs_index(labs: list[Lab], lang: str) -> str:
    words = TEXT[lang]
    lines = [f"# {words['index_title']}", "", words["index_intro"], "", words["index_how"], ""]
    if not labs:
        lines += [words["index_empty"], ""]
        return "\n".join(lines)
    lines += [f"| {words['col_id']} | {words['col_title']} |", "| --- | --- |"]
    for lab in labs:
        title = lab.spec.title.get(lang).replace("|", "\\|")
        lines.append(f"| [{lab.id}]({lab.id}.md) | {title} |")
    lines.append("")
    return "\n".join(lines)


def strip_title(markdown: str) -> str:
    """Drops a leading level-1 heading: the page title comes from lab.yaml."""
    lines = markdown.splitlines()
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if _H1.match(line):
            del lines[index]
        break
    return "\n".join(lines)


def lab_yaml_example(labs: list[Lab], lang: str, lab_id: str | None = None) -> str:
    """The lab.yaml of the lab ``lab_id`` (else of the first lab) as a fenced block."""
    if not labs:
        return TEXT[lang]["index_empty"]
    lab = next((lab for lab in labs if lab.id == lab_id), labs[0])
    text = (lab.dir / LAB_FILE).read_text(encoding="utf-8").rstrip("\n")
    fence = "```"
    while fence in text:
        fence += "`"
    return f'{fence}yaml title="{LABS_SUBDIR}/{lab.dir.name}/{LAB_FILE}"\n{text}\n{fence}'


def fill_lab_yaml_examples(docs_dir: Path, labs: list[Lab]) -> None:
    """Replaces every lab.yaml marker in the pages under ``docs_dir``."""
    for page in sorted(docs_dir.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        if not LAB_YAML_MARKER.search(text):
            continue
        lang = page.suffixes[-2].lstrip(".") if len(page.suffixes) > 1 else LANGS[0]
        lang = lang if lang in TEXT else LANGS[0]
        text = LAB_YAML_MARKER.sub(
            lambda match, lang=lang: lab_yaml_example(labs, lang, match.group(1)), text
        )
        page.write_text(text, encoding="utf-8")
