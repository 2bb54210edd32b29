"""lab rollback [--to VERSION] [--rebuild]"""

from __future__ import annotations


def register(sub, common) -> None:
    p = sub.add_parser("rollback", parents=[common.workspace, common.json],
                       help="deploy the previous release again",
                       description="Deploy the release served before the current one. When its "
                       "artifact still exists this is a pointer flip; when it is gone, rollback "
                       "exits 3 and estimates the rebuild, which --rebuild then performs.")
    p.add_argument("--to", metavar="VERSION", help="roll back to this version instead")
    p.add_argument("--rebuild", action="store_true",
                   help="rebuild the target from its git tag if its artifact is missing or corrupt")
    p.set_defaults(run=run)


def run(args) -> int:
    from labkit.cli.render import print_json
    from labkit.console import say
    from labkit.i18n import pick
    from labkit.runtime.deploy import rollback
    from labkit.runtime.layout import Workspace

    ws = Workspace.find(args.workspace)
    result = rollback(ws, to=args.to, rebuild=args.rebuild,
                      say=(lambda line: None) if args.json else say)
    if args.json:
        print_json(result.as_dict())
        return 0
    if result.mode == "rebuild":
        say(pick(f"[rollback] rebuilt {result.version} in {result.rebuild_seconds:.2f} s; "
                 f"now serving {result.version} ({result.seconds:.2f} s in all)",
                 f"[rollback] {result.version} reconstruida en {result.rebuild_seconds:.2f} s; "
                 f"ahora se sirve {result.version} ({result.seconds:.2f} s en total)"))
    elif not result.changed:
        say(f"[rollback] {result.version} is already serving")
    else:
        say(pick(f"[rollback] flipped back to {result.version} in {result.seconds:.2f} s; "
                 f"now serving {result.version}",
                 f"[rollback] vuelta a {result.version} en {result.seconds:.2f} s; "
                 f"ahora se sirve {result.version}"))
    return 0
