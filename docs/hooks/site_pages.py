"""MkDocs hook: pages the site builds from the kit itself.

Two kinds of page are never written by hand, so they cannot drift from what
they describe:

- one page per lab and language, from ``labs/<dir>/lab.yaml`` (id, title) and
  the lab's own ``README.md`` / ``README.es.md``;
- the CLI reference, from the parser ``lab`` itself uses
  (``labkit.cli.parser.build_parser``), walked recursively.

The hook copies ``docs/`` into a temporary directory, writes the generated
pages next to the hand-written ones and points ``docs_dir`` there, so the i18n
plugin sees every page in both languages and nothing generated ever lands in
the source tree. Labs are read from ``$LAB_LABS_DIR``, else ``<kit>/labs``.
"""

from __future__ import annotations

import argparse
import atexit
import copy
import html
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger("labkit-site")

LANGS = ("en", "es")
LAB_YAML_MARKER = "<!-- labkit:lab-yaml-example -->"
LABS_SUBDIR = "labs"
CLI_PAGE = "reference/cli"
HELP_WIDTH = 82  # argparse wraps at COLUMNS - 2: an 80-column terminal

_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,63}$")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_INLINE_LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(\s+\"[^\"]*\")?\s*\)")
_REF_DEF = re.compile(r"^(\s{0,3}\[[^\]]+\]:\s*)<?(\S+?)>?(\s+.*)?$")
_CODE_SPAN = re.compile(r"(`+).+?\1")
_H1 = re.compile(r"^#\s+\S")

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "glance": "Lab {id} at a glance",
        "phase": "Course phase: {phase}",
        "start": "Set up your workspace: `lab start {id}`",
        "break": "Inject the faults: `lab break {id}`",
        "hint": "Stuck? Ask for the next hint: `lab hint {id}`",
        "record": "Write the break down in `notes/breaks.md` ([record format](../reference/records.md))",
        "check": "Check the recovery and the record: `lab check {id}`",
        "source": "This page is generated when the site is built, from `{src}`. "
        "To change it, edit that file.",
        "index_title": "Labs",
        "index_intro": "Every lab breaks a small but real service on purpose, often with "
        "two coupled faults. You detect the break, recover the service, fix the cause "
        "and write a record of what happened; the kit times the recovery and checks "
        "the record. The pages below are generated from each lab's own brief, so they "
        "always match the lab you run.",
        "index_how": "New here? Read [Getting started](../getting-started.md) first.",
        "index_empty": "This copy of the kit has no labs installed yet.",
        "col_id": "Lab",
        "col_title": "Title",
        "cli_title": "CLI reference",
        "cli_intro": "This page is generated from the argument parser of `lab` every "
        "time the site is built, so it shows exactly what `lab --help` and "
        "`lab COMMAND --help` print for this version of the kit.",
        "cli_usage": "Every command returns a non-zero exit code when it fails and "
        "prints one plain sentence saying why; commands that take `--json` print a "
        "machine-readable result instead of the human view.",
        "cli_aliases": "Also available as: {aliases}.",
    },
    "es": {
        "glance": "El laboratorio {id} de un vistazo",
        "phase": "Fase del curso: {phase}",
        "start": "Prepara tu espacio de trabajo: `lab start {id}`",
        "break": "Inyecta los fallos: `lab break {id}`",
        "hint": "¿Atascado? Pide la siguiente pista: `lab hint {id}`",
        "record": "Anota la avería en `notes/breaks.md` "
        "([formato del registro](../reference/records.md))",
        "check": "Comprueba la recuperación y el registro: `lab check {id}`",
        "source": "Esta página se genera al construir el sitio a partir de `{src}`. "
        "Si quieres cambiarla, edita ese archivo.",
        "index_title": "Laboratorios",
        "index_intro": "Cada laboratorio rompe a propósito un servicio pequeño pero real, "
        "a menudo con dos fallos acoplados. Tú detectas la avería, recuperas el "
        "servicio, corriges la causa y dejas constancia por escrito; el kit cronometra "
        "la recuperación y revisa el registro. Las páginas de abajo salen del enunciado "
        "de cada laboratorio, así que siempre coinciden con lo que ejecutas.",
        "index_how": "¿Es tu primera vez? Empieza por [Primeros pasos](../getting-started.md).",
        "index_empty": "Esta copia del kit todavía no tiene laboratorios instalados.",
        "col_id": "Laboratorio",
        "col_title": "Título",
        "cli_title": "Referencia de la CLI",
        "cli_intro": "Esta página se genera a partir del analizador de argumentos de "
        "`lab` cada vez que se construye el sitio, así que muestra exactamente lo que "
        "imprimen `lab --help` y `lab COMANDO --help` en esta versión del kit. La "
        "ayuda de la propia herramienta está en inglés y se reproduce tal cual.",
        "cli_usage": "Cuando un comando falla, termina con un código distinto de cero y "
        "explica el motivo en una sola frase; los que aceptan `--json` imprimen un "
        "resultado legible por máquinas en lugar de la vista para personas.",
        "cli_aliases": "También disponible como: {aliases}.",
    },
}


# --------------------------------------------------------------------------- labs


@dataclass(frozen=True)
class Lab:
    id: str
    title: dict[str, str]
    path: Path
    phase: str | None = None

    def readme(self, lang: str) -> Path:
        return self.path / ("README.md" if lang == "en" else f"README.{lang}.md")


def load_labs(labs_dir: Path) -> tuple[list[Lab], list[str]]:
    """Every lab under ``labs_dir`` that has ``lab.yaml`` and both READMEs.

    Returns the labs sorted by id and a list of problems (one sentence each)
    about directories that look like labs but cannot get a page.
    """
    labs: list[Lab] = []
    problems: list[str] = []
    if not labs_dir.is_dir():
        return labs, problems
    seen: dict[str, Path] = {}
    for lab_yaml in sorted(labs_dir.glob("*/lab.yaml")):
        lab_dir = lab_yaml.parent
        missing = [
            name
            for name in ("README.md", *(f"README.{x}.md" for x in LANGS[1:]))
            if not (lab_dir / name).is_file()
        ]
        if missing:
            problems.append(f"lab {lab_dir.name}: no {', '.join(missing)}, so it gets no page")
            continue
        try:
            data = yaml.safe_load(lab_yaml.read_text(encoding="utf-8"))
        except yaml.YAMLError as err:
            problems.append(f"{lab_yaml}: not valid YAML ({err})")
            continue
        if not isinstance(data, dict):
            problems.append(f"{lab_yaml}: expected a mapping at the top level")
            continue
        lab_id = str(data.get("id") or "").strip()
        if not _ID.match(lab_id):
            problems.append(f"{lab_yaml}: 'id' must be a short name like 38-01, got {lab_id!r}")
            continue
        if lab_id in seen:
            problems.append(f"{lab_yaml}: id {lab_id} is also used by {seen[lab_id]}")
            continue
        titles = _titles(data.get("title"))
        if not all(titles.get(lang) for lang in LANGS):
            problems.append(f"{lab_yaml}: 'title' needs a text for each of {', '.join(LANGS)}")
            continue
        phase = data.get("phase")
        seen[lab_id] = lab_yaml
        labs.append(Lab(lab_id, titles, lab_dir, None if phase is None else str(phase)))
    labs.sort(key=lambda lab: _natural(lab.id))
    return labs, problems


def _titles(raw: Any) -> dict[str, str]:
    if isinstance(raw, str):
        return dict.fromkeys(LANGS, raw.strip())
    if isinstance(raw, dict):
        return {lang: str(raw.get(lang) or "").strip() for lang in LANGS}
    return {}


def _natural(text: str) -> list[Any]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def lab_page(lab: Lab, lang: str, docs_source: Path) -> str:
    """The Markdown page of one lab in one language."""
    words = TEXT[lang]
    readme = lab.readme(lang)
    body = rewrite_links(
        strip_title(readme.read_text(encoding="utf-8")), lab.path, docs_source, LABS_SUBDIR
    )
    glance = [words["start"], words["break"], words["hint"], words["record"], words["check"]]
    if lab.phase:
        glance.insert(0, words["phase"])
    lines = [
        f"# {lab.id} · {lab.title[lang]}",
        "",
        f'!!! abstract "{words["glance"].format(id=lab.id)}"',
        "",
        *(f"    - {item.format(id=lab.id, phase=lab.phase)}" for item in glance),
        "",
        body.strip(),
        "",
        "---",
        "",
        f"*{words['source'].format(src=f'labs/{lab.path.name}/{readme.name}')}*",
        "",
    ]
    return "\n".join(lines)


def labs_index(labs: list[Lab], lang: str) -> str:
    words = TEXT[lang]
    lines = [f"# {words['index_title']}", "", words["index_intro"], "", words["index_how"], ""]
    if not labs:
        lines += [words["index_empty"], ""]
        return "\n".join(lines)
    lines += [f"| {words['col_id']} | {words['col_title']} |", "| --- | --- |"]
    for lab in labs:
        title = lab.title[lang].replace("|", "\\|")
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


def rewrite_links(markdown: str, lab_dir: Path, docs_source: Path, page_dir: str) -> str:
    """Makes a README's relative links work on the site.

    A link into the kit's ``docs/`` becomes a link between site pages; a link
    to anything else in the lab (its checks, its fix) is not published, so it
    is reduced to its text. Absolute URLs and in-page anchors are kept.
    Fenced code blocks and code spans are left untouched. A link into docs/
    that names a missing page stays a link, so the strict build reports it.
    """
    docs_source = docs_source.resolve()
    lab_dir = lab_dir.resolve()

    def target_for(raw: str) -> str | None:
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", raw) or raw.startswith(("#", "/")):
            return raw
        path, sep, fragment = raw.partition("#")
        resolved = (lab_dir / path).resolve()
        try:
            inside = resolved.relative_to(docs_source)
        except ValueError:
            return None
        rel = os.path.relpath(docs_source / inside, docs_source / page_dir)
        return rel.replace(os.sep, "/") + sep + fragment

    def inline(match: re.Match[str]) -> str:
        bang, text, raw, title = match.groups()
        target = target_for(raw)
        if target is None:
            return text
        return f"{bang}[{text}]({target}{title or ''})"

    out: list[str] = []
    fence: str | None = None
    for line in markdown.splitlines():
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            out.append(line)
            continue
        if opening:
            fence = opening.group(1)
            out.append(line)
            continue
        ref = _REF_DEF.match(line)
        if ref:
            target = target_for(ref.group(2))
            if target is None:
                continue
            out.append(f"{ref.group(1)}{target}{ref.group(3) or ''}")
            continue
        out.append(_outside_code(line, lambda part: _INLINE_LINK.sub(inline, part)))
    return "\n".join(out)


def _outside_code(line: str, change: Callable[[str], str]) -> str:
    pieces: list[str] = []
    last = 0
    for span in _CODE_SPAN.finditer(line):
        pieces.append(change(line[last : span.start()]))
        pieces.append(span.group(0))
        last = span.end()
    pieces.append(change(line[last:]))
    return "".join(pieces)


# ---------------------------------------------------------------------------- CLI


@dataclass
class Command:
    prog: str
    depth: int
    parser: argparse.ArgumentParser
    summary: str | None = None
    aliases: list[str] = field(default_factory=list)


def walk_parser(
    parser: argparse.ArgumentParser, depth: int = 0, summary: str | None = None
) -> list[Command]:
    """The parser and all its subcommands, depth first, in registration order."""
    commands = [Command(parser.prog, depth, parser, summary)]
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        helps = {choice.dest: choice.help for choice in action._choices_actions}
        done: dict[int, Command] = {}
        for name, child in action.choices.items():
            if id(child) in done:
                done[id(child)].aliases.append(name)
                continue
            if helps.get(name) == argparse.SUPPRESS:
                continue
            sub = walk_parser(child, depth + 1, helps.get(name))
            done[id(child)] = sub[0]
            commands.extend(sub)
    return commands


def format_help(parser: argparse.ArgumentParser) -> str:
    """``parser.format_help()`` at a fixed width, without terminal colours."""
    saved = {key: os.environ.get(key) for key in ("COLUMNS", "NO_COLOR", "FORCE_COLOR")}
    os.environ["COLUMNS"] = str(HELP_WIDTH)
    os.environ["NO_COLOR"] = "1"
    os.environ.pop("FORCE_COLOR", None)
    try:
        text = parser.format_help()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return _ANSI.sub("", text).rstrip() + "\n"


def cli_reference(parser: argparse.ArgumentParser, lang: str) -> str:
    words = TEXT[lang]
    lines = [f"# {words['cli_title']}", "", words["cli_intro"], "", words["cli_usage"], ""]
    for command in walk_parser(parser):
        level = "#" * min(2 + max(command.depth - 1, 0), 6)
        lines += [f"{level} `{command.prog}`", ""]
        description = (command.parser.description or "").strip()
        summary = (command.summary or "").strip()
        if description:
            lines += [_literal(" ".join(description.split())), ""]
        elif summary:
            lines += [_literal(_sentence(summary)), ""]
        if command.aliases:
            aliases = ", ".join(f"`{alias}`" for alias in command.aliases)
            lines += [words["cli_aliases"].format(aliases=aliases), ""]
        text = format_help(command.parser)
        fence = "```"
        while fence in text:
            fence += "`"
        lines += [f"{fence}text", text.rstrip("\n"), fence, ""]
    return "\n".join(lines)


def _literal(text: str) -> str:
    """Plain text that Markdown shows as written (no HTML, no emphasis)."""
    return re.sub(r"([\\`*_\[\]])", r"\\\1", html.escape(text, quote=False))


def _sentence(text: str) -> str:
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


# ------------------------------------------------------------------ page writing


def page_name(stem: str, lang: str) -> str:
    return f"{stem}.md" if lang == LANGS[0] else f"{stem}.{lang}.md"


def generate(
    docs_dir: Path, docs_source: Path, labs_dir: Path, parser: argparse.ArgumentParser
) -> tuple[list[str], list[str]]:
    """Writes the generated pages into ``docs_dir``.

    Returns the nav entries of the lab pages and the problems found.
    """
    labs, problems = load_labs(labs_dir)
    written: list[str] = []
    for lang in LANGS:
        written.append(
            _write(docs_dir, f"{LABS_SUBDIR}/{page_name('index', lang)}", labs_index(labs, lang))
        )
        for lab in labs:
            text = lab_page(lab, lang, docs_source)
            written.append(_write(docs_dir, f"{LABS_SUBDIR}/{page_name(lab.id, lang)}", text))
        written.append(_write(docs_dir, page_name(CLI_PAGE, lang), cli_reference(parser, lang)))
    for page in sorted(docs_dir.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        if LAB_YAML_MARKER in text:
            lang = page.suffixes[-2].lstrip(".") if len(page.suffixes) > 1 else LANGS[0]
            example = lab_yaml_example(labs, TEXT.get(lang, TEXT[LANGS[0]]))
            page.write_text(text.replace(LAB_YAML_MARKER, example), encoding="utf-8")
    for rel in written:
        if (docs_source / rel).exists():
            problems.append(f"docs/{rel} is generated at build time; delete the hand-written copy")
    return [f"{LABS_SUBDIR}/{lab.id}.md" for lab in labs], problems


def lab_yaml_example(labs: list[Lab], words: dict[str, str]) -> str:
    """The lab.yaml of lab 38-01 (else of the first lab) as a fenced block."""
    if not labs:
        return words["index_empty"]
    lab = next((lab for lab in labs if lab.id == "38-01"), labs[0])
    text = (lab.path / "lab.yaml").read_text(encoding="utf-8").rstrip("\n")
    fence = "```"
    while fence in text:
        fence += "`"
    return f'{fence}yaml title="labs/{lab.path.name}/lab.yaml"\n{text}\n{fence}'


def _write(docs_dir: Path, rel: str, text: str) -> str:
    path = docs_dir / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return rel


def inject_lab_nav(nav: Any, lab_pages: Iterable[str]) -> Any:
    """Puts the lab pages right after ``labs/index.md`` wherever nav lists it."""
    index = f"{LABS_SUBDIR}/index.md"
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


def on_shutdown(**kwargs: Any) -> None:
    staged = _STATE.pop("staged", None)
    if staged:
        shutil.rmtree(staged, ignore_errors=True)
