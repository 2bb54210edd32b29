"""lab doctor [--fix]: what is wrong with a workspace and the command that repairs it."""

from __future__ import annotations

from labcore.errors import EXIT_FAIL, EXIT_OK


def register(sub, common) -> None:
    p = sub.add_parser("doctor", parents=[common.workspace, common.json],
                       help="check a workspace and say how to repair each problem",
                       description="Check the supervisor, the backends, the public port, every "
                       "state file, leftovers of interrupted work and the journal, and print "
                       "each problem with the command that repairs it. --fix repairs what is "
                       "derived (router.json, leftovers, stale pid and socket files), never the "
                       "evidence (journal, release history). Exit 0 when healthy.")
    p.add_argument("--fix", action="store_true",
                   help="repair what is derived, then check again")
    p.add_argument("--lang", choices=("en", "es"), default=None,
                   help="language of the text (default: $LAB_LANG, else en)")
    p.set_defaults(run=run)


def run(args) -> int:
    from labkit.cli.render import print_json
    from labkit.console import say
    from labkit.i18n import t
    from labkit.runtime import doctor
    from labkit.runtime.layout import Workspace

    ws = Workspace.find(args.workspace)
    report = doctor.fix(ws) if args.fix else doctor.examine(ws)

    def message(problem) -> str:
        return t(f"doctor.{problem.code}", args.lang, **problem.params)

    if args.json:
        print_json({"workspace": str(report.workspace), "healthy": report.healthy,
                    "checks": [{"name": n, "ok": ok} for n, ok in report.checks.items()],
                    "problems": [p.as_dict(message(p)) for p in report.problems],
                    "fixed": [p.as_dict(message(p)) for p in report.fixed]})
        return EXIT_OK if report.healthy else EXIT_FAIL
    say(t("doctor.title", args.lang, workspace=report.workspace))
    for problem in report.fixed:
        say("  " + t("doctor.fixed", args.lang, message=message(problem)), style="lab.pass")
    for problem in report.problems:
        say(f"  ✗ {message(problem)}", style="lab.fail")
        repair = (t("doctor.repair", args.lang, command=problem.command) if problem.command
                  else t("doctor.by_hand", args.lang))
        say(f"    {repair}", style="lab.hint")
    if report.healthy:
        say(t("doctor.healthy", args.lang), style="lab.pass")
        return EXIT_OK
    say(t("doctor.remaining", args.lang, count=len(report.problems)), style="lab.fail")
    return EXIT_FAIL
