"""lab update [LAB] [--learner NAME]"""

from __future__ import annotations

from labcore.errors import EXIT_FAIL, EXIT_OK


def register(sub, common) -> None:
    p = sub.add_parser("update", parents=[common.learner, common.workspace, common.json],
                       help="bring a workspace to the course's current template",
                       description="Run copier's update on a learner's workspace: the newer "
                       "template's changes arrive, the learner's commits and notes stay. A "
                       "workspace with uncommitted changes is refused; conflicts are listed "
                       "with both sides kept in each file, and the verb exits 1.")
    p.add_argument("lab", metavar="LAB", nargs="?",
                   help="lab id whose workspace to update (default: the workspace here)")
    p.add_argument("--lang", choices=("en", "es"), default=None,
                   help="language of the text (default: $LAB_LANG, else en)")
    p.set_defaults(run=run)


def run(args) -> int:
    from labkit.cli.render import print_json
    from labkit.console import say
    from labkit.i18n import t
    from labkit.template_update import named, update

    result = update(_workspace_root(args))
    if args.json:
        print_json(result.as_dict())
    elif not result.updated:
        say(t("update.current", workspace=result.workspace, version=result.to_version))
    elif result.conflicts:
        say(t("update.conflicts", before=result.from_version, after=result.to_version,
              files=named(result.conflicts)), style="lab.warn")
    else:
        say(t("update.done", before=result.from_version, after=result.to_version,
              files=named(result.changed) or "-"))
    return EXIT_FAIL if result.conflicts else EXIT_OK


def _workspace_root(args):
    from labkit.runtime.layout import Workspace

    if not args.lab:
        return Workspace.find(args.workspace).root
    from labkit.cli._lab import resolve
    from labkit.errors import WorkspaceError

    target = resolve(args)
    if not target.root.is_dir():
        raise WorkspaceError(
            f"lab {target.lab.id} has no workspace for {target.learner} at {target.root}",
            hint=f"start it with: lab start {target.lab.id} --learner {target.learner}",
        )
    return target.root
