"""lab status: what the workspace serves, its artifacts, and any active break."""

from __future__ import annotations


def register(sub, common) -> None:
    p = sub.add_parser("status", parents=[common.workspace, common.json],
                       help="show the serving release, artifacts and supervisor")
    p.set_defaults(run=run)


def run(args) -> int:
    from labkit.cli.render import print_json
    from labkit.console import console
    from labkit.runtime.layout import Workspace
    from labkit.runtime.status import runtime_status

    ws = Workspace.find(args.workspace)
    data = runtime_status(ws)
    if args.json:
        print_json(data)
        return 0
    sup = data["supervisor"]
    if sup["running"]:
        console.print(f"supervisor: running (pid {sup['pid']}) at {sup['url']}", markup=False)
        console.print(f"serving:    {data['serving'] or 'nothing'}", markup=False)
    else:
        was = sup.get("was_serving")
        console.print("supervisor: [lab.fail]not running[/]"
                      + (f" (it was serving {was}; `lab serve` brings it back)" if was else ""))
    prev = data["previous"]
    if prev:
        state = "artifact kept" if data["rollback_available"] else "[lab.fail]artifact gone[/]"
        console.print(f"rollback:   {prev} ({state})")
    else:
        console.print("rollback:   no previous release")
    console.print(f"artifacts:  {', '.join(data['artifacts']) or 'none'}", markup=False)
    return 0
