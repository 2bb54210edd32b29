"""lab list | lab show LAB"""

from __future__ import annotations

from labcore.errors import EXIT_FAIL, EXIT_OK


def register(sub, common) -> None:
    p = sub.add_parser("list", parents=[common.json], help="list the labs",
                       description="List the labs of the kit.")
    p.add_argument("--lang", choices=("en", "es"), default=None,
                   help="language of the titles (default: $LAB_LANG, else en)")
    p.set_defaults(run=run_list)
    p = sub.add_parser("show", parents=[common.json], help="show a lab's brief",
                       description="Show a lab's brief (its README) in English or Spanish.")
    p.add_argument("lab", metavar="LAB", help="lab id, e.g. 38-01")
    p.add_argument("--lang", choices=("en", "es"), default=None,
                   help="language of the brief (default: $LAB_LANG, else en)")
    p.set_defaults(run=run_show)


def run_list(args) -> int:
    from rich.table import Table

    from labkit.catalog import lab_dirs, load
    from labkit.cli.render import print_json
    from labkit.console import console, warn
    from labkit.errors import LabError
    from labkit.i18n import lang

    args.lang = lang(args.lang)
    labs, broken = [], []
    for directory in lab_dirs():
        try:
            labs.append(load(directory))
        except LabError as err:  # one bad lab must not hide the others
            broken.append({"dir": directory.name, "error": str(err)})
    if args.json:
        print_json([{"id": lab.id, "phase": lab.spec.phase, "title": lab.spec.title.get(args.lang),
                     "summary": lab.spec.summary.get(args.lang), "dir": lab.dir.name,
                     "error": None} for lab in labs]
                   + [{"id": None, "dir": b["dir"], "error": b["error"]} for b in broken])
        return EXIT_FAIL if broken else EXIT_OK
    table = Table(title="labs" if args.lang == "en" else "laboratorios", title_justify="left")
    table.add_column("id")
    table.add_column("title" if args.lang == "en" else "título")
    table.add_column("summary" if args.lang == "en" else "resumen")
    for lab in labs:
        table.add_row(lab.id, lab.spec.title.get(args.lang), lab.spec.summary.get(args.lang))
    console.print(table)
    for b in broken:
        warn(f"{b['dir']} is not a usable lab: {b['error']}")
    return EXIT_FAIL if broken else EXIT_OK


def run_show(args) -> int:
    from rich.markdown import Markdown

    from labkit.catalog import get
    from labkit.cli.render import print_json
    from labkit.console import console
    from labkit.i18n import lang

    args.lang = lang(args.lang)
    lab = get(args.lab)
    text = lab.readme(args.lang).read_text(encoding="utf-8")
    if args.json:
        print_json({"id": lab.id, "lang": args.lang, "title": lab.spec.title.get(args.lang),
                    "readme": text})
        return EXIT_OK
    # Markdown wraps its own lines; a soft-wrapping console would cut list items.
    console.print(Markdown(text), soft_wrap=False)
    return EXIT_OK
