"""lab rollback [--to VERSION] [--rebuild] [--restore-data]"""

from __future__ import annotations

from labcore.errors import EXIT_OK


def register(sub, common) -> None:
    p = sub.add_parser("rollback", parents=[common.workspace, common.json],
                       help="deploy the previous release again",
                       description="Deploy the release served before the current one. When its "
                       "artifact still exists this is a pointer flip; when it is gone, rollback "
                       "exits 3 and estimates the rebuild, which --rebuild then performs.")
    p.add_argument("--to", metavar="VERSION", help="roll back to this version instead")
    p.add_argument("--rebuild", action="store_true",
                   help="rebuild the target from its git tag if its artifact is missing or corrupt")
    p.add_argument("--restore-data", action="store_true",
                   help="restore the data backup taken before the releases rolled back over "
                   "when the data has changed schema since")
    p.set_defaults(run=run)


def run(args) -> int:
    from labkit.cli.render import print_json
    from labkit.console import say
    from labkit.i18n import t
    from labkit.runtime.deploy import rollback
    from labkit.runtime.layout import Workspace

    ws = Workspace.find(args.workspace)
    result = rollback(ws, to=args.to, rebuild=args.rebuild, restore_data=args.restore_data,
                      say=(lambda line: None) if args.json else say)
    if args.json:
        print_json(result.as_dict())
        return EXIT_OK
    if result.mode == "rebuild":
        say(t("rollback.rebuilt", version=result.version, rebuild_s=result.rebuild_seconds,
              seconds=result.seconds))
    elif not result.changed:
        say(t("rollback.already", version=result.version))
    else:
        say(t("rollback.flipped", version=result.version, seconds=result.seconds))
    return EXIT_OK
