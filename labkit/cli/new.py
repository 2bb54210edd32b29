"""lab new ID --title TEXT"""

from __future__ import annotations

from labcore.errors import EXIT_OK


def register(sub, common) -> None:
    p = sub.add_parser("new", parents=[common.json],
                       help="scaffold a new lab (lab.yaml, READMEs, hints, checks, fix)",
                       description="Scaffold labs/ID-slug/ with a commented lab.yaml, both "
                       "READMEs, hint placeholders, a checks folder and a fix folder. Fill it "
                       "in, then run `lab dev check ID`.")
    p.add_argument("id", metavar="ID", help="PHASE-NUMBER, e.g. 38-03")
    p.add_argument("--title", required=True, help="the lab's title in English")
    p.add_argument("--title-es", help="the lab's title in Spanish (default: the English one)")
    p.add_argument("--template", default="minitutor", help="service template (default: minitutor)")
    p.set_defaults(run=run)


def run(args) -> int:
    from labkit.authoring import new_lab
    from labkit.cli.render import print_json
    from labkit.console import say

    dest = new_lab(args.id, args.title, title_es=args.title_es, template=args.template)
    if args.json:
        print_json({"id": args.id, "dir": str(dest)})
    else:
        say(f"[new] created {dest}")
        say(f"[new] fill in the TODOs, then run: lab dev check {args.id}")
    return EXIT_OK
