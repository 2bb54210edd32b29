"""Builds the argument parser from one module per verb.

Each verb module exposes ``register(subparsers, common)``; it adds its parser and
sets ``run`` to a function taking the parsed arguments and returning an exit
code. Verb modules import the library lazily, and `lab` registers only the verb it
runs (:data:`VERB_MODULES` names the verbs of each module), so `lab` starts fast.
"""

from __future__ import annotations

import argparse
import importlib

from labkit import __version__

# Each verb module and the verbs it registers. Order here is the order of `lab --help`.
VERB_MODULES = {
    "labs": ("list", "show"),
    "start": ("start",),
    "break_lab": ("break",),
    "smoke": ("smoke",),
    "hint": ("hint",),
    "shell": ("shell",),
    "reset": ("reset",),
    "check": ("check",),
    "report": ("report",),
    "records": ("records", "record"),
    "stopwatch": ("stopwatch",),
    "grade": ("grade",),
    "review": ("review",),
    "status": ("status",),
    "swarm": ("swarm",),
    "artifacts": ("artifacts",),
    "deploy": ("deploy",),
    "rollback": ("rollback",),
    "update": ("update",),
    "serve": ("serve", "stop"),
    "journal": ("journal",),
    "doctor": ("doctor",),
    "new": ("new",),
    "dev": ("dev",),
}


class Common:
    """Parent parsers shared by verbs."""

    def __init__(self) -> None:
        self.workspace = argparse.ArgumentParser(add_help=False)
        self.workspace.add_argument(
            "--workspace",
            metavar="DIR",
            help="the workspace to act on (default: the one containing the current directory)",
        )
        self.json = argparse.ArgumentParser(add_help=False)
        self.json.add_argument("--json", action="store_true", help="print JSON for scripts")
        self.learner = argparse.ArgumentParser(add_help=False)
        self.learner.add_argument(
            "--learner",
            metavar="NAME",
            help="the learner (default: $LAB_LEARNER, else the system user)",
        )
        self.learner.add_argument(
            "--course",
            metavar="DIR",
            help="the course directory holding learners/ (default: $LAB_COURSE, "
            "else the nearest one above the current directory, else here)",
        )


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser of `lab`. Given the ``argv`` to parse, when it starts with a verb
    only that verb's module is imported and registered: the parse, the verb's help
    and its errors are the same, and a command starts without building the other
    verbs. Otherwise (no verb, an option, an unknown word) every verb is there."""
    first = argv[0] if argv else None
    modules = [m for m, verbs in VERB_MODULES.items() if first in verbs] or list(VERB_MODULES)
    parser = argparse.ArgumentParser(
        prog="lab",
        description="Break-fix labs for release engineering: break a real service, "
        "recover it, and have the recovery measured.",
    )
    parser.add_argument("--version", action="version", version=f"lab {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    common = Common()
    for name in modules:
        module = importlib.import_module(f"labkit.cli.{name}")
        module.register(sub, common)
    return parser


def command_path(parser: argparse.ArgumentParser, argv: list[str]) -> str:
    """The verb ``argv`` runs, by its canonical name ("artifacts list"), aliases resolved."""
    current, words = parser, []
    for token in argv:
        sub = next((a for a in current._actions
                    if isinstance(a, argparse._SubParsersAction)), None)
        if sub is None:
            break
        if token in sub.choices:
            current = sub.choices[token]
            words = current.prog.split()[1:]
        elif not token.startswith("-"):
            break
    return " ".join(words)
