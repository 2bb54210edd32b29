"""The single rich console of the kit, with its named styles."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.theme import Theme

THEME = Theme(
    {
        "lab.pass": "bold green",
        "lab.fail": "bold red",
        "lab.warn": "yellow",
        "lab.hint": "cyan",
        "lab.dim": "dim",
        "lab.title": "bold",
        "lab.version": "bold magenta",
    }
)

console = Console(theme=THEME, highlight=False, soft_wrap=True)
err_console = Console(theme=THEME, highlight=False, soft_wrap=True, stderr=True)


def say(line: str, style: str | None = None) -> None:
    """Print one line of plain text (brackets are not markup)."""
    console.print(line, style=style, markup=False)
    sys.stdout.flush()


def warn(line: str) -> None:
    err_console.print(line, style="lab.warn", markup=False)
