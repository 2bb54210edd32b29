"""lab check LAB"""

from __future__ import annotations

from labcore.errors import EXIT_FAIL, EXIT_OK
from labkit.cli._lab import add_lab_arguments


def register(sub, common) -> None:
    p = sub.add_parser("check", parents=[common.learner, common.json],
                       help="run the lab's checks, validate the record, report the stopwatch",
                       description="Run the lab's checks against the workspace, validate the "
                       "records in notes/breaks.md for the lab's bug-id (a diff fix is applied "
                       "to the broken state in a scratch copy and must pass the checks), verify "
                       "the journal and report the incident's phases. Exit 0 when resolved.")
    add_lab_arguments(p, common, lang=True)
    p.add_argument("--no-verify-diff", action="store_true",
                   help="judge a diff fix by its shape only, without applying it")
    p.set_defaults(run=run)


def run(args) -> int:
    from labkit.cli._lab import require_started, resolve
    from labkit.cli.render import print_json
    from labkit.cli.views import render_check
    from labkit.i18n import lang
    from labkit.verdict import check_lab

    target = resolve(args)
    ws = require_started(target)
    report = check_lab(target.lab, ws, verify_diff=not args.no_verify_diff)
    if args.json:
        print_json(report.as_dict())
    else:
        render_check(report, lang(args.lang))
    return EXIT_OK if report.resolved else EXIT_FAIL
