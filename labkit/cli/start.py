"""lab start LAB"""

from __future__ import annotations

from labcore.errors import EXIT_OK
from labkit.cli._lab import add_lab_arguments


def register(sub, common) -> None:
    p = sub.add_parser("start", parents=[common.learner, common.json],
                       help="scaffold a learner's workspace and release the lab's baseline",
                       description="Scaffold learners/NAME/phase-NN/ from the lab's template (its "
                       "own git repo), then tag, build and deploy each baseline release.")
    add_lab_arguments(p, common, lang=True)
    p.add_argument("--backend", choices=["process", "docker", "swarm"], default=None,
                   help="how releases run: 'process' (default, needs only python3 and git), "
                   "'docker' (images and containers; needs a Docker daemon) or 'swarm' (a "
                   "service on a single-node swarm; labs that need it choose it); also "
                   "LAB_BACKEND")
    p.set_defaults(run=run)


def run(args) -> int:
    from labkit.cli._lab import resolve
    from labkit.cli.render import print_json
    from labkit.console import say
    from labkit.i18n import t
    from labkit.lifecycle import start

    target = resolve(args)
    result = start(target.lab, target.root, target.learner, backend=args.backend,
                   progress=(lambda line: None) if args.json else say)
    if args.json:
        print_json({"lab": target.lab.id, "learner": target.learner,
                    "workspace": str(result.workspace), "created": result.created,
                    "serving": result.serving, "artifacts": result.artifacts,
                    "backend": result.backend,
                    "seconds": round(result.seconds, 3)})
        return EXIT_OK
    if not result.created:
        say(t("start.already", lab=target.lab.id, learner=target.learner,
              workspace=result.workspace))
    say(t("start.serving", version=result.serving, backend=result.backend,
          artifacts=", ".join(result.artifacts))
        + (f" ({result.seconds:.1f} s)" if result.created else ""))
    say(t("shell.next", lab=target.lab.id), style="lab.hint")
    return EXIT_OK
