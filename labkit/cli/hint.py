"""lab hint LAB"""

from __future__ import annotations

from labcore.errors import EXIT_OK
from labkit.cli._lab import add_lab_arguments


def register(sub, common) -> None:
    p = sub.add_parser("hint", parents=[common.learner, common.json],
                       help="reveal the lab's next hint (hints are counted)",
                       description="Reveal the next of the lab's three hints, one at a time. "
                       "Each reveal is journaled and counts in grading.")
    add_lab_arguments(p, common, lang=True)
    p.set_defaults(run=run)


def run(args) -> int:
    from labkit.cli._lab import require_started, resolve
    from labkit.cli.render import print_json
    from labkit.console import console
    from labkit.hints import reveal_next
    from labkit.i18n import lang, t

    args.lang = lang(args.lang)
    target = resolve(args)
    ws = require_started(target)
    result = reveal_next(ws, target.lab, args.lang)
    if args.json:
        print_json({"lab": target.lab.id, "hint": result.number, "total": result.total,
                    "text": result.text, "shown": result.shown})
        return EXIT_OK
    if result.number == 0:
        console.print(t("hint.all_seen", args.lang),
                      style="lab.title", markup=False)
        for i, text in enumerate(result.shown, start=1):
            console.print(f"  {i}. {text}", style="lab.hint", markup=False)
        return EXIT_OK
    label = t("hint.label", args.lang)
    console.print(f"{label} {result.number}/{result.total}: {result.text}", style="lab.hint",
                  markup=False)
    return EXIT_OK
