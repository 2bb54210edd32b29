"""lab shell [LAB] [-c CMD]"""

from __future__ import annotations


def register(sub, common) -> None:
    p = sub.add_parser("shell", parents=[common.learner, common.workspace],
                       help="a shell in the learner's workspace with the kit's tools on PATH",
                       description="Open your shell in the learner's workspace with the kit's "
                       "tools (lab, just, python) first on PATH, so the workspace's recipes "
                       "(`just smoke-portal`, `just rollback`, `just release V`) work as they "
                       "are. With -c, run one command there and exit with its status.")
    p.add_argument("lab", metavar="LAB", nargs="?",
                   help="the lab whose workspace to enter (default: the workspace holding "
                   "the current directory, or --workspace)")
    p.add_argument("-c", dest="command", metavar="CMD",
                   help="run CMD in the workspace instead of an interactive shell")
    p.set_defaults(run=run)


def run(args) -> int:
    from labkit.cli._lab import require_started, resolve
    from labkit.console import say
    from labkit.runtime.layout import Workspace
    from labkit.shell import run_shell

    ws = (require_started(resolve(args)) if args.lab is not None
          else Workspace.find(args.workspace))
    return run_shell(ws.root, args.command, announce=say)
