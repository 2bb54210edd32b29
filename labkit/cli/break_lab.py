"""lab break LAB"""

from __future__ import annotations

from labcore.errors import EXIT_OK
from labkit.cli._lab import add_lab_arguments


def register(sub, common) -> None:
    p = sub.add_parser("break", parents=[common.learner, common.json],
                       help="inject the lab's faults and ship them with the workspace's release",
                       description="Start the lab if needed, apply its faults, commit them and run "
                       "the workspace's own `just release` for the break release. Running it "
                       "again does not inject twice.")
    add_lab_arguments(p, common, lang=True)
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--challenge", dest="mode", action="store_const", const="challenge",
                      help="only the goal and the symptoms; the guidance moves into the "
                      "hints, which are counted")
    mode.add_argument("--guided", dest="mode", action="store_const", const="guided",
                      help="the next steps after the break (the default unless the course's "
                      "course.yaml says `mode: challenge`)")
    p.set_defaults(run=run)


def run(args) -> int:
    from labkit.cli._lab import resolve
    from labkit.cli.render import print_json
    from labkit.console import console, say
    from labkit.i18n import lang, t
    from labkit.lifecycle import break_lab, is_ready, start
    from labkit.modes import briefing, course_mode

    args.lang = lang(args.lang)
    target = resolve(args)
    quiet = (lambda line: None) if args.json else say
    mode = args.mode or course_mode(target.course)
    if not is_ready(target.root, target.lab):
        start(target.lab, target.root, target.learner, progress=quiet)
    if not args.json:
        say(f"[break] {target.lab.id}: {target.lab.spec.title.get(args.lang)}")
    result = break_lab(target.lab, target.root, stream=None if args.json else say, mode=mode)
    if args.json:
        print_json({"lab": target.lab.id, "learner": target.learner,
                    "workspace": str(result.workspace), "already": result.already,
                    "injected": result.injected, "release": result.release,
                    "releases": result.releases, "mode": result.mode,
                    "commit": result.commit})
        return EXIT_OK
    if result.already:
        say(t("break.already", args.lang, lab=target.lab.id, workspace=result.workspace))
        return EXIT_OK
    heading = t(f"break.heading.{result.mode}", args.lang)
    console.print(f"\n{heading}  (cd {result.workspace})", style="lab.title", markup=False)
    for step in briefing(target.lab, result.mode, args.lang):
        console.print(f"  - {step}", style="lab.hint", markup=False)
    say(t("shell.next", args.lang, lab=target.lab.id), style="lab.hint")
    return EXIT_OK
