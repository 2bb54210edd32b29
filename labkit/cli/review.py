"""lab review list [DIR] | lab review decide LEARNER LAB FIELD accept|reject"""

from __future__ import annotations

from labcore.errors import EXIT_OK


def register(sub, common) -> None:
    parser = sub.add_parser(
        "review", help="records waiting for a person: list them, accept or reject a field",
        description="Records whose structure and fix are right but whose free text could "
        "not be matched (or disagrees with the evidence) wait for a person. Decisions are "
        "appended to reviews.jsonl beside the directory of learners, keyed to the record "
        "as it is now: editing the record opens the field again.")
    verbs = parser.add_subparsers(title="review commands", metavar="COMMAND")
    parser.set_defaults(run=lambda args: parser.print_help() or 2)
    p = verbs.add_parser("list", parents=[common.json], help="list the fields waiting",
                         description="List every field waiting for a decision: learner, "
                         "lab, field, its text and the rule it missed.")
    _dir(p)
    p.set_defaults(run=run_list)
    p = verbs.add_parser("decide", parents=[common.json], help="accept or reject one field",
                         description="Record a decision on one field of a learner's record. "
                         "`lab grade` and `lab check` apply it; the learner sees the comment.")
    p.add_argument("learner", metavar="LEARNER")
    p.add_argument("lab", metavar="LAB")
    p.add_argument("field", metavar="FIELD")
    p.add_argument("decision", choices=("accept", "reject"))
    p.add_argument("--comment", default="", metavar="TEXT", help="what the learner reads")
    _dir(p, positional=False)
    p.set_defaults(run=run_decide)


def _dir(p, positional: bool = True) -> None:
    help_text = ("the directory of learners (default: learners/ of the course directory, "
                 "as for `lab grade`)")
    if positional:
        p.add_argument("dir", nargs="?", metavar="DIR", help=help_text)
    else:
        p.add_argument("--dir", dest="dir", metavar="DIR", help=help_text)


def _rows(args):
    """The directory of learners and its rows, graded as `lab grade` does."""
    from argparse import Namespace

    from checker.cohort import grade_cohort
    from labkit.cli.grade import _cohort_dir, _settings

    root = _cohort_dir(args.dir)
    return root, grade_cohort(root, _settings(Namespace(lab=None), root))


def run_list(args) -> int:
    from labkit.cli.render import print_json
    from labkit.console import console
    from labkit.reviews import pending

    _, rows = _rows(args)
    items = pending(rows)
    if args.json:
        print_json(items)
        return EXIT_OK
    if not items:
        console.print("no record is waiting for review")
    for item in items:
        console.print(f"{item['learner']} {item['lab']} {item['field']}: {item['text']!r}\n"
                      f"  wanted: {item['rule']}", markup=False)
    return EXIT_OK


def run_decide(args) -> int:
    from labkit.cli.render import print_json
    from labkit.console import say
    from labkit.reviews import decide, find_field

    learner, lab, field = args.learner, args.lab, args.field
    root, rows = _rows(args)
    entry = decide(root, find_field(rows, learner, lab, field), field, args.decision,
                   args.comment)
    if args.json:
        print_json(entry)
        return EXIT_OK
    say(f"[review] {args.decision}ed {field} of {learner}'s record for {lab}")
    return EXIT_OK
