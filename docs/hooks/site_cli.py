"""The CLI reference page, generated from the code it documents.

- every command's help, from the parser ``lab`` itself uses, walked
  recursively;
- the exit codes, from the named ``EXIT_*`` constants of ``labcore.errors``;
- the ``--json`` envelope, with the commands that print it read from the
  parser and its schema version from ``labkit.cli.render``.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from site_texts import EXIT_MEANINGS, TEXT

import labcore.errors
from labkit.cli.render import JSON_SCHEMA_VERSION

CLI_PAGE = "reference/cli"
HELP_WIDTH = 82  # argparse wraps at COLUMNS - 2: an 80-column terminal
JSON_FLAG = "--json"
# The envelope shown as the example: a command and the data it prints.
JSON_EXAMPLE_COMMAND = "artifacts previous"
JSON_EXAMPLE_DATA = {"previous": "1.2.2", "artifact": "tutor-1.2.2.tar"}

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class Command:
    prog: str
    depth: int
    parser: argparse.ArgumentParser
    summary: str | None = None
    aliases: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The command without the program name: ``artifacts list``."""
        return self.prog.split(" ", 1)[1] if " " in self.prog else ""

    @property
    def takes_json(self) -> bool:
        return any(JSON_FLAG in action.option_strings for action in self.parser._actions)


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
    lines += recipes_section(lang)
    commands = walk_parser(parser)
    for command in commands:
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
        lines += [*_fenced(format_help(command.parser).rstrip("\n"), "text"), ""]
    lines += exit_codes_section(exit_codes(), lang)
    lines += json_section(commands, lang)
    return "\n".join(lines)


# ------------------------------------------------------- the workspace's recipes


def recipes(justfile: Path) -> list[tuple[str, str]]:
    """``(usage, doc)`` of every recipe of ``justfile``, as the kit's `just` reads it."""
    from labkit.paths import bin_dir

    just = bin_dir() / "just"
    proc = subprocess.run([str(just) if just.exists() else "just", "--justfile", str(justfile),
                           "--dump", "--dump-format", "json"],
                          capture_output=True, text=True, timeout=30)
    if proc.returncode != 0:
        raise RuntimeError(f"{justfile}: just could not read it: {proc.stderr.strip()}")
    found = []
    for name, recipe in sorted(json.loads(proc.stdout)["recipes"].items()):
        if recipe.get("private") or name.startswith("_"):
            continue
        params = " ".join(("*" if p["kind"] == "star" else "+" if p["kind"] == "plus" else "")
                          + p["name"] for p in recipe["parameters"])
        found.append((f"just {name} {params}".rstrip(), recipe.get("doc") or ""))
    return found


def recipes_section(lang: str) -> list[str]:
    """The `just` recipes learners type inside their workspace, from each template."""
    from labkit.paths import templates_dir

    words = TEXT[lang]
    justfiles = sorted(templates_dir().glob("*/project/Justfile"))
    if not justfiles:
        return []
    lines = [f"## {words['recipes_title']}", "", words["recipes_intro"], ""]
    for justfile in justfiles:
        template = justfile.parent.parent.name
        lines += [words["recipes_template"].format(template=template), "",
                  f"| {words['recipes_col_recipe']} | {words['recipes_col_does']} |",
                  "| --- | --- |"]
        lines += [f"| `{usage}` | {_literal(doc)} |" for usage, doc in recipes(justfile)]
        lines.append("")
    return lines


# ------------------------------------------------------------------ exit codes


def exit_codes(module: ModuleType = labcore.errors) -> list[tuple[str, int]]:
    """The named exit codes (``EXIT_*`` integers) of ``module``, by value."""
    codes = [
        (name, value)
        for name, value in vars(module).items()
        if name.startswith("EXIT_") and isinstance(value, int) and not isinstance(value, bool)
    ]
    return sorted(codes, key=lambda code: (code[1], code[0]))


def undescribed(codes: list[tuple[str, int]]) -> list[str]:
    """The names among ``codes`` that lack a meaning in some language."""
    langs = TEXT.keys()
    return [
        name
        for name, _ in codes
        if not all((EXIT_MEANINGS.get(name) or {}).get(lang) for lang in langs)
    ]


def exit_codes_section(codes: list[tuple[str, int]], lang: str) -> list[str]:
    words = TEXT[lang]
    lines = [f"## {words['exit_title']}", "", words["exit_intro"], ""]
    lines += [
        f"| {words['col_code']} | {words['col_name']} | {words['col_meaning']} |",
        "| --- | --- | --- |",
    ]
    for name, value in codes:
        meaning = (EXIT_MEANINGS.get(name) or {}).get(lang, "").replace("|", "\\|")
        lines.append(f"| {value} | `{name}` | {meaning} |")
    return [*lines, ""]


# ----------------------------------------------------------------- JSON output


def envelope(command: str, data: Any) -> dict[str, Any]:
    """What ``lab COMMAND --json`` prints: one object around the command's result."""
    return {"schema_version": JSON_SCHEMA_VERSION, "command": command, "data": data}


def json_section(commands: list[Command], lang: str) -> list[str]:
    words = TEXT[lang]
    example = json.dumps(envelope(JSON_EXAMPLE_COMMAND, JSON_EXAMPLE_DATA), indent=2)
    lines = [f"## {words['json_title']}", "", words["json_intro"], ""]
    lines += [
        f"- {words['json_schema_version'].format(version=JSON_SCHEMA_VERSION)}",
        f"- {words['json_command']}",
        f"- {words['json_data']}",
        "",
        words["json_example"].format(invocation=f"lab {JSON_EXAMPLE_COMMAND} {JSON_FLAG}"),
        "",
        *_fenced(example, "json"),
        "",
    ]
    names = [command.name for command in commands if command.name and command.takes_json]
    if names:
        listed = ", ".join(f"`{name}`" for name in names)
        lines += [words["json_commands"].format(commands=listed), ""]
    return lines


# ---------------------------------------------------------------------- helpers


def _fenced(text: str, language: str) -> list[str]:
    fence = "```"
    while fence in text:
        fence += "`"
    return [f"{fence}{language}", text, fence]


def _literal(text: str) -> str:
    """Plain text that Markdown shows as written (no HTML, no emphasis)."""
    return re.sub(r"([\\`*_\[\]])", r"\\\1", html.escape(text, quote=False))


def _sentence(text: str) -> str:
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
