"""lab deploy VERSION"""

from __future__ import annotations

from labcore.errors import EXIT_OK


def register(sub, common) -> None:
    p = sub.add_parser("deploy", parents=[common.workspace, common.json],
                       help="deploy a built release with zero downtime",
                       description="Verify the artifact, start its backend, wait for its health "
                       "check, swap the router's pointer and drain the old backend. The previous "
                       "release stays warm, so rolling back to it is a pointer swap.")
    p.add_argument("version", metavar="VERSION")
    p.set_defaults(run=run)


def run(args) -> int:
    from labkit.cli.render import print_json
    from labkit.console import say
    from labkit.i18n import t
    from labkit.runtime.deploy import deploy
    from labkit.runtime.layout import Workspace

    ws = Workspace.find(args.workspace)
    result = deploy(ws, args.version)
    if args.json:
        print_json(result.as_dict())
    elif result.restarted:
        say(t("deploy.restarted", version=result.version))
    elif not result.changed:
        say(f"[release] {result.version} is already serving")
    else:
        say(f"[release] now serving {result.version}")
    return EXIT_OK
