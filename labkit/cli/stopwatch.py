"""lab stopwatch: the incident clock, live while a break is active."""

from __future__ import annotations

from labcore.errors import EXIT_OK


def register(sub, common) -> None:
    p = sub.add_parser("stopwatch", parents=[common.workspace, common.json],
                       help="show the incident's phases (a live clock while a break is active)",
                       description="Read the evidence journal and show the incident's phases: "
                       "impact, detected, mitigated, resolved. On a terminal it keeps updating "
                       "while the break is active; --json prints the phases once.")
    p.add_argument("--once", action="store_true", help="print once instead of a live clock")
    p.set_defaults(run=run)


def _lab_id(ws) -> str | None:
    from labkit import labstate

    return (labstate.lab_info(ws.root) or {}).get("lab")


def run(args) -> int:
    import time

    from checker.stopwatch import measure
    from labkit.cli.render import print_json
    from labkit.cli.report import stopwatch_table
    from labkit.console import console
    from labkit.runtime.layout import Workspace

    ws = Workspace.find(args.workspace)
    lab = _lab_id(ws)
    if args.json:
        print_json(measure(ws.journal.entries(), lab).as_dict())
        return EXIT_OK

    def view():
        from rich.console import Group
        from rich.text import Text

        watch = measure(ws.journal.entries(), lab).as_dict()
        head = Text(f"lab {watch['lab'] or '-'}: {watch['state']}", style="lab.title")
        if watch["impact_at"] and watch["state"] not in ("mitigated", "resolved"):
            running = time.time() - watch["impact_at"]
            head.append(f"  users affected for {running:,.1f} s", style="lab.fail")
        return Group(head, stopwatch_table(watch)), watch

    renderable, watch = view()
    if args.once or not console.is_terminal or watch["state"] in ("no break", "resolved"):
        console.print(renderable)
        return EXIT_OK
    from rich.live import Live

    with Live(renderable, console=console, refresh_per_second=4) as live:
        try:
            while watch["state"] != "resolved":
                time.sleep(0.25)
                renderable, watch = view()
                live.update(renderable)
        except KeyboardInterrupt:
            pass
    return EXIT_OK
