"""lab status: what the workspace serves, its artifacts, and any active break."""

from __future__ import annotations

from labcore.errors import EXIT_OK


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
    data["lab"] = lab_status(ws.root)
    if args.json:
        print_json(data)
        return EXIT_OK
    sup = data["supervisor"]
    console.print(f"backend:    {data['backend']}", markup=False)
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
    lab = data["lab"]
    if lab and lab.get("break_active"):
        console.print(f"break:      [lab.fail]{lab['lab']} active[/] for "
                      f"{_duration(lab['break_active_s'])} (broken release {lab['release']})")
    elif lab and lab.get("break_resolved"):
        console.print(f"break:      {lab['lab']} resolved")
    elif lab:
        console.print(f"lab:        {lab['lab']} (no break active)", markup=False)
    return EXIT_OK


def lab_status(root) -> dict | None:
    import time

    from labkit import labstate

    info = labstate.lab_info(root)
    if not info:
        return None
    brk = labstate.break_info(root) or {}
    active = bool(brk) and not brk.get("resolved_at")
    return {
        "lab": info.get("lab"),
        "learner": info.get("learner"),
        "stage": info.get("stage"),
        "break_active": active,
        "break_resolved": bool(brk.get("resolved_at")),
        "release": brk.get("release"),
        "injected_at": brk.get("injected_at"),
        "break_active_s": round(time.time() - brk["injected_at"], 1)
        if active and brk.get("injected_at") else None,
    }


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"
