"""lab swarm service|image|gate: what a swarm workspace's upgrade script asks the kit."""

from __future__ import annotations

from labcore.errors import EXIT_FAIL, EXIT_OK


def register(sub, common) -> None:
    parser = sub.add_parser("swarm", help="the workspace's swarm service, for upgrade scripts",
                            description="What a workspace on the swarm backend asks the kit: "
                            "its service's name, a release's image, and a place to record "
                            "what its upgrade gate decided.")
    verbs = parser.add_subparsers(title="swarm commands", metavar="COMMAND")
    parser.set_defaults(run=lambda args: parser.print_help() or 2)

    p = verbs.add_parser("service", parents=[common.workspace],
                         help="print the service's name (exit 1 while there is none)")
    p.set_defaults(run=run_service)

    p = verbs.add_parser("image", parents=[common.workspace],
                         help="load VERSION's verified image when missing and print its tag")
    p.add_argument("version", metavar="VERSION")
    p.set_defaults(run=run_image)

    p = verbs.add_parser("gate", parents=[common.workspace, common.json],
                         help="journal an upgrade gate's verdict beside what really serves",
                         description="Journal the verdict of the workspace's upgrade gate for "
                         "VERSION (pass or fail) with the version users get, the version the "
                         "service's spec names and the update's state at that moment.")
    p.add_argument("version", metavar="VERSION")
    p.add_argument("verdict", choices=("pass", "fail"))
    p.set_defaults(run=run_gate)


def _workspace(args):
    """The workspace, when it runs on the swarm backend (a UsageError otherwise)."""
    from labkit.errors import UsageError
    from labkit.runtime.backends import workspace_kind
    from labkit.runtime.layout import Workspace

    ws = Workspace.find(args.workspace)
    kind = workspace_kind(ws)
    if kind != "swarm":
        raise UsageError(f"{ws.root.name} runs on the {kind} backend, not on a swarm")
    return ws


def run_service(args) -> int:
    from labkit.console import warn
    from labkit.runtime import swarm

    ws = _workspace(args)
    if swarm.find(ws) is None:
        warn(f"{ws.root.name} has no swarm service yet; its first release creates it "
             "(lab deploy VERSION)")
        return EXIT_FAIL
    print(swarm.service_name(ws))
    return EXIT_OK


def run_image(args) -> int:
    from labkit.runtime.artifacts import ArtifactStore
    from labkit.runtime.backends import get_backend
    from labkit.runtime.layout import check_version

    ws = _workspace(args)
    version = check_version(args.version)
    ArtifactStore(ws).verify(version)
    backend = get_backend(ws)
    backend.prepare(version)
    print(backend.tag(version))
    return EXIT_OK


def run_gate(args) -> int:
    from labkit.cli.render import print_json
    from labkit.runtime.swarmgate import record

    entry = record(_workspace(args), args.version, args.verdict)
    if args.json:
        print_json(entry)
    return EXIT_OK
