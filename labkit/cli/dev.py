"""lab dev check [ID]"""

from __future__ import annotations

from labcore.errors import EXIT_FAIL, EXIT_OK


def register(sub, common) -> None:
    parser = sub.add_parser("dev", help="tools for lab authors",
                            description="Tools for lab authors.")
    verbs = parser.add_subparsers(title="dev commands", metavar="COMMAND")
    parser.set_defaults(run=lambda args: parser.print_help() or 2)
    p = verbs.add_parser("check", parents=[common.json],
                         help="prove each lab breaks and its reference fix repairs it",
                         description="For each lab (or the one given): lab.yaml is valid, texts "
                         "exist in both languages, a fresh workspace scaffolds, each fault "
                         "applies cleanly, the break makes the checks fail without touching the "
                         "service's tests, and the reference fix makes them pass within the "
                         "line budget. Exits 1 on any failure.")
    p.add_argument("id", nargs="?", metavar="ID", help="one lab (default: every lab)")
    p.add_argument("--keep", action="store_true", help="keep the scratch course for inspection")
    p.add_argument("--static", action="store_true",
                   help="only what needs no workspace (lab.yaml, both languages, the fix's "
                   "line budget): seconds instead of minutes")
    p.set_defaults(run=run_check)


def run_check(args) -> int:
    from rich.table import Table

    from labkit.cli.render import print_json
    from labkit.console import console, err_console
    from labkit.devcheck import check_labs

    def progress(step) -> None:
        if not args.json:
            mark = "ok  " if step.ok else "FAIL"
            detail = "" if step.ok or not step.detail else f": {step.detail}"
            err_console.print(f"[dev] {mark} {step.lab}: {step.step}{detail}", markup=False,
                              style="lab.dim" if step.ok else "lab.fail")

    steps = check_labs(args.id, report=progress, keep=args.keep, static=args.static)
    failed = [s for s in steps if not s.ok]
    if args.json:
        print_json({"ok": not failed, "steps": [s.as_dict() for s in steps]})
        return EXIT_FAIL if failed else EXIT_OK
    table = Table(title="lab dev check", title_justify="left")
    for column in ("lab", "step", "", "detail"):
        table.add_column(column)
    for s in steps:
        table.add_row(s.lab, s.step, "[lab.pass]ok[/]" if s.ok else "[lab.fail]FAIL[/]",
                      s.detail)
    console.print(table)
    for s in failed:
        console.print(f"FAIL {s.lab}: {s.step}: {s.detail}", style="lab.fail", markup=False)
    return EXIT_FAIL if failed else EXIT_OK
