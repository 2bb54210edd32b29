"""lab artifacts build|list|prune|previous"""

from __future__ import annotations

from labcore.errors import EXIT_OK


def register(sub, common) -> None:
    parser = sub.add_parser("artifacts", help="build, list and prune release artifacts",
                            description="Build, list and prune the workspace's release artifacts.")
    verbs = parser.add_subparsers(title="artifact commands", metavar="COMMAND")
    parser.set_defaults(run=lambda args: parser.print_help() or 2)

    p = verbs.add_parser("build", parents=[common.workspace, common.json],
                         help="build artifacts/<app>-VERSION.tar from a git ref",
                         description="Build a release artifact from a git ref with the "
                         "workspace's own build recipe (pinned dependencies, tests as a gate).")
    p.add_argument("version", metavar="VERSION")
    p.add_argument("--ref", default="HEAD", help="git ref to build from (default: HEAD)")
    p.set_defaults(run=run_build)

    p = verbs.add_parser("list", parents=[common.workspace, common.json],
                         help="list artifacts, which one serves and which is the rollback target")
    p.set_defaults(run=run_list)

    p = verbs.add_parser("prune", parents=[common.workspace, common.json],
                         help="remove the oldest artifacts by release history",
                         description="Remove the oldest artifacts by release history, keeping "
                         "the N newest and always the serving release. With --protect-last-good "
                         "it also keeps the last release that passed its smoke test.")
    p.add_argument("--keep", type=int, required=True, metavar="N",
                   help="how many releases to keep (at least 1)")
    p.add_argument("--protect-last-good", action="store_true",
                   help="also keep the newest release whose latest smoke verdict in the release "
                   "history passed (no verdicts: nothing extra is kept)")
    p.set_defaults(run=run_prune)

    p = verbs.add_parser("previous", parents=[common.workspace, common.json],
                         help="print the version served before the current one "
                         "(exit 3 when there is none or its artifact is gone)")
    p.set_defaults(run=run_previous)


def run_build(args) -> int:
    from labkit.cli.render import print_json
    from labkit.console import say
    from labkit.runtime.build import build
    from labkit.runtime.layout import Workspace

    ws = Workspace.find(args.workspace)
    with ws.lock("another release command"):
        result = build(ws, args.version, args.ref,
                       say=(lambda line: None) if args.json else say)
    if args.json:
        print_json({"version": result.version, "commit": result.commit, "ref": result.ref,
                    "seconds": result.seconds, "artifact": ws.artifact_name(result.version),
                    "sha256": result.manifest["sha256"]})
    else:
        say(f"[release] image {ws.spec.app}-{result.version} built ({result.seconds:.2f} s)")
    return EXIT_OK


def run_list(args) -> int:
    from rich.table import Table

    from labkit.cli.render import print_json
    from labkit.console import console
    from labkit.runtime.artifacts import ArtifactStore
    from labkit.runtime.deploy import serving
    from labkit.runtime.history import History
    from labkit.runtime.layout import Workspace

    ws = Workspace.find(args.workspace)
    store = ArtifactStore(ws)
    history = History(ws.history_path)
    present = store.versions()
    order = [v for v in history.release_order() if v in present]
    order = sorted(set(present) - set(order)) + order
    current = serving(ws)
    previous = history.previous()
    rows = []
    for version in order:
        info = store.info(version)
        rows.append({**info.as_dict(), "serving": version == current,
                     "rollback_target": version == previous})
    if args.json:
        print_json({"app": ws.spec.app, "serving": current, "rollback_target": previous,
                    "rollback_available": previous in present, "artifacts": rows})
        return EXIT_OK
    table = Table(title=f"artifacts of {ws.spec.app}", title_justify="left")
    for col in ("version", "commit", "size", "verified", "role"):
        table.add_column(col)
    for row in rows:
        role = "serving" if row["serving"] else ("rollback target" if row["rollback_target"] else "")
        verified = "[lab.pass]yes[/]" if row["verified"] else f"[lab.fail]no: {row['problem']}[/]"
        table.add_row(row["version"], (row["commit"] or "?")[:12], _size(row["size"]),
                      verified, role)
    console.print(table)
    if previous and previous not in present:
        console.print(f"[lab.warn]the rollback target {previous} has no artifact: "
                      "a rollback would need a rebuild[/]")
    return EXIT_OK


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def run_prune(args) -> int:
    from labkit.cli.render import print_json
    from labkit.console import say
    from labkit.runtime.layout import Workspace
    from labkit.runtime.retention import prune

    ws = Workspace.find(args.workspace)
    result = prune(ws, args.keep, protect_last_good=args.protect_last_good,
                   say=(lambda line: None) if args.json else say)
    if args.json:
        print_json(result.as_dict())
    return EXIT_OK


def run_previous(args) -> int:
    from labkit.cli.render import print_json
    from labkit.console import say
    from labkit.runtime.deploy import previous_available
    from labkit.runtime.layout import Workspace

    ws = Workspace.find(args.workspace)
    version = previous_available(ws)
    if args.json:
        print_json({"previous": version, "artifact": ws.artifact_name(version)})
    else:
        say(version)
    return EXIT_OK
