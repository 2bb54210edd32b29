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
    p.add_argument("--lang", choices=("en", "es"), default=None,
                   help="language of the view (default: $LAB_LANG, else en)")
    p.set_defaults(run=run)


def _lab_id(ws) -> str | None:
    from labkit import labstate

    return (labstate.lab_info(ws.root) or {}).get("lab")


def _reference(lab_id: str | None) -> dict | None:
    """The lab's reference figures, when the lab is known to this kit."""
    from labkit.catalog import get
    from labkit.errors import LabError

    if lab_id is None:
        return None
    try:
        ref = get(lab_id).spec.reference
    except LabError:
        return None
    return {"flip_s": ref.flip_s, "rebuild_s": ref.rebuild_s}


def run(args) -> int:
    import time

    from checker.stopwatch import measure
    from labkit.cli.render import print_json
    from labkit.cli.views import render_stopwatch
    from labkit.console import console
    from labkit.i18n import lang as language
    from labkit.runtime.layout import Workspace

    ws = Workspace.find(args.workspace)
    lab = _lab_id(ws)
    if args.json:
        print_json(measure(ws.journal.entries(), lab).as_dict())
        return EXIT_OK

    chosen = language(args.lang)
    reference = _reference(lab)

    def view():
        watch = measure(ws.journal.entries(), lab).as_dict()
        running = (time.time() - watch["impact_at"] if watch["impact_at"]
                   and watch["state"] not in ("mitigated", "resolved") else None)
        return render_stopwatch(watch, reference, chosen, running), watch

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
