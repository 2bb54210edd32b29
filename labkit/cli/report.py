"""lab report LAB --html FILE"""

from __future__ import annotations

from labcore.errors import EXIT_FAIL, EXIT_OK
from labkit.cli._lab import add_lab_arguments


def register(sub, common) -> None:
    p = sub.add_parser("report", parents=[common.learner],
                       help="write the recovery as one self-contained HTML page",
                       description="Run the lab's check (as `lab check` does) and write one "
                       "HTML page with the incident's timeline drawn as SVG, the checks, the "
                       "record's verdict and the score. The page loads nothing from anywhere.")
    add_lab_arguments(p, common, lang=True)
    p.add_argument("--html", metavar="FILE", required=True, help="where to write the page")
    p.add_argument("--no-verify-diff", action="store_true",
                   help="judge a diff fix by its shape only, without applying it")
    p.set_defaults(run=run)


def run(args) -> int:
    from pathlib import Path

    from labkit.cli._lab import require_started, resolve
    from labkit.console import say
    from labkit.i18n import lang, t
    from labkit.report_html import render
    from labkit.runtime.fsutil import atomic_write_bytes
    from labkit.verdict import check_lab

    target = resolve(args)
    ws = require_started(target)
    report = check_lab(target.lab, ws, verify_diff=not args.no_verify_diff)
    out = Path(args.html)
    atomic_write_bytes(out, render(report.as_dict(), lang(args.lang)).encode("utf-8"))
    say(t("html.written", path=out))
    return EXIT_OK if report.resolved else EXIT_FAIL
