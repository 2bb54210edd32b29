"""lab reset LAB"""

from __future__ import annotations

from labcore.errors import EXIT_OK
from labkit.cli._lab import add_lab_arguments


def register(sub, common) -> None:
    p = sub.add_parser("reset", parents=[common.learner, common.json],
                       help="put the workspace back to the state after `lab start`, keeping notes/",
                       description="Stop the workspace, scaffold it again and release the "
                       "baseline, keeping the learner's notes/ directory.")
    add_lab_arguments(p, common)
    p.set_defaults(run=run)


def run(args) -> int:
    from labkit.cli._lab import resolve
    from labkit.cli.render import print_json
    from labkit.console import say
    from labkit.lifecycle import reset

    target = resolve(args)
    result = reset(target.lab, target.root, target.learner,
                   progress=(lambda line: None) if args.json else say)
    if args.json:
        print_json({"lab": target.lab.id, "workspace": str(result.workspace),
                    "serving": result.serving, "artifacts": result.artifacts})
        return EXIT_OK
    say(f"[reset] {target.lab.id} is back to its start: {result.serving} serving, notes/ kept")
    return EXIT_OK
