"""lab journal verify: is the evidence journal intact?"""

from __future__ import annotations

from labcore.errors import EXIT_FAIL, EXIT_OK


def register(sub, common) -> None:
    parser = sub.add_parser("journal", help="inspect the evidence journal",
                            description="Inspect the workspace's evidence journal.")
    verbs = parser.add_subparsers(title="journal commands", metavar="COMMAND")
    parser.set_defaults(run=lambda args: parser.print_help() or 2)
    p = verbs.add_parser("verify", parents=[common.workspace, common.json],
                         help="check the hash chain (and HMAC with LAB_JOURNAL_KEY); exit 1 "
                         "naming the first line that was edited, removed, reordered or truncated")
    p.set_defaults(run=run_verify)


def run_verify(args) -> int:
    from labkit.cli.render import print_json
    from labkit.console import console
    from labkit.runtime.layout import Workspace

    ws = Workspace.find(args.workspace)
    verdict = ws.journal.verify()
    if args.json:
        print_json({"journal": str(ws.journal_path), **verdict.as_dict(), "notes": verdict.notes})
    elif verdict.intact:
        console.print(f"[lab.pass]journal intact[/] ({verdict.lines} entries"
                      f"{', HMAC checked' if verdict.keyed else ''})")
        for note in verdict.notes:
            console.print(f"[lab.dim]note: {note}[/]")
    else:
        where = f"{ws.journal_path.name} " if verdict.line is not None else ""
        console.print(f"[lab.fail]journal tampered[/]: {where}{verdict.message} "
                      f"({verdict.problem})", markup=True)
    return EXIT_OK if verdict.intact else EXIT_FAIL
