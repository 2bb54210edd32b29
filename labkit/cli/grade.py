"""lab grade [DIR]: a cohort graded from its evidence, as a table, CSV, JSON or a notebook.

Exit codes: 0 when the cohort was graded, even when rows are flagged or carry
an error (they are in the output, and counted on stderr); 1 with --strict when
any row is flagged or has an error; 2 for bad arguments (no such DIR, an
unknown lab, --jobs below 1).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from labcore.errors import EXIT_FAIL, EXIT_OK

FORMATS = ("table", "csv", "json", "notebook")
DEFAULT_NOTEBOOK = "gradebook.ipynb"


def register(sub, common) -> None:
    p = sub.add_parser(
        "grade",
        help="grade a cohort from its evidence: table, CSV, JSON or a gradebook notebook",
        description="Grade every learner's workspace under DIR (learners/<name>/phase-NN/) "
        "from its evidence: the journal (verified, read by the stopwatch), .lab/*.json, "
        "notes/breaks.md (validated, a diff fix is not applied; the decisions of "
        "`lab review decide`, kept in reviews.jsonl beside DIR, are applied, and fields "
        "still waiting for one are counted in the review column) and the last `lab check` "
        "in the journal. One row per learner and lab, scored by the lab's rubric. A "
        "tampered journal is flagged and not scored; an invalid record is flagged; a "
        "workspace that cannot be read is a row with an error. Symlinks that lead out of "
        "a learner's directory are never followed. Nothing is started in the workspaces. "
        "Exit 0 when the cohort was graded (flagged and error rows are counted on stderr), "
        "1 with --strict when any row is flagged or has an error, 2 for bad arguments.")
    p.add_argument("dir", nargs="?", metavar="DIR",
                   help="the directory of learners (default: learners/ of the course "
                   "directory: $LAB_COURSE, else the nearest one above here)")
    p.add_argument("--lab", metavar="ID", help="only this lab, e.g. 38-01")
    p.add_argument("--format", choices=FORMATS, default="table",
                   help="table (default), csv, json (a list of rows) or notebook (a "
                   f"gradebook .ipynb, written to --out or {DEFAULT_NOTEBOOK})")
    p.add_argument("--out", metavar="FILE",
                   help="write to FILE (atomically) instead of standard output")
    p.add_argument("--jobs", type=int, default=1, metavar="N",
                   help="grade N workspaces at a time, in processes of their own (default 1)")
    p.add_argument("--run-checks", action="store_true",
                   help="run each lab's checks against the workspace now (in a subprocess "
                   "with a timeout) instead of reading `recovered` from the journal")
    p.add_argument("--check-timeout", type=float, default=120.0, metavar="S",
                   help="seconds the checks of one workspace may take (default 120)")
    p.add_argument("--strict", action="store_true",
                   help="exit 1 when any row is flagged or has an error")
    p.set_defaults(run=run)


def _cohort_dir(explicit: str | None) -> Path:
    from labkit.errors import UsageError
    from labkit.paths import course_root

    root = Path(explicit) if explicit else course_root() / "learners"
    if not root.exists():
        raise UsageError(f"there is no directory of learners at {root}",
                         hint="pass the directory holding <learner>/phase-NN/ as DIR")
    if not root.is_dir():
        raise UsageError(f"{root} is not a directory of learners")
    return root


def _settings(args, root: Path | None = None):
    from checker.grading import LabPolicy, Settings
    from labkit.catalog import all_labs, get
    from labkit.check_fixtures import PLUGIN
    from labkit.reviews import decisions_for
    from labkit.verdict import rules_for

    labs = all_labs()
    if args.lab is not None:
        args.lab = get(args.lab).id  # an unknown lab is a usage error naming the known ones
    policies = {lab.id: LabPolicy(lab.id, lab.spec.phase, lab.spec.rubric,
                                  str(lab.dir)) for lab in labs}
    return Settings(labs=policies, rules={lab.id: rules_for(lab) for lab in labs},
                    run_checks=getattr(args, "run_checks", False),
                    check_timeout=getattr(args, "check_timeout", 120.0),
                    check_plugins=(PLUGIN,),
                    decisions=decisions_for(root) if root is not None else {})


def run(args) -> int:
    from checker.cohort import count, grade_cohort
    from labkit.errors import UsageError

    if args.jobs < 1:
        raise UsageError(f"--jobs must be 1 or more, not {args.jobs}")
    if args.check_timeout <= 0:
        raise UsageError("--check-timeout must be more than 0 seconds")
    root = _cohort_dir(args.dir)
    settings = _settings(args, root)
    with _progress() as tick:
        rows = grade_cohort(root, settings, lab=args.lab, jobs=args.jobs, progress=tick)
    data = [r.as_dict() for r in rows]
    out = args.out
    if args.format == "notebook":
        import nbformat

        from checker.gradebook import notebook
        from checker.gradebook_run import execute

        out = out or DEFAULT_NOTEBOOK
        title = f"Gradebook of lab {args.lab}" if args.lab else "Gradebook"
        # Run when made, so the notebook opens with its tables' data and figures.
        book = execute(notebook(data, source=str(root.resolve()), title=title))
        _emit(nbformat.writes(book) + "\n", out)
    elif args.format == "json":
        import json

        _emit(json.dumps(data, indent=2, default=str) + "\n", out)
    elif args.format == "csv":
        from checker.gradebook import to_csv

        _emit(to_csv(data), out)
    else:
        _table(data, out)
    totals = count(rows)
    _report(totals, root, out)
    if args.strict and (totals["flagged"] or totals["errors"]):
        return EXIT_FAIL
    return EXIT_OK


def _emit(text: str, out: str | None) -> None:
    import sys

    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from labkit.runtime.fsutil import atomic_write_bytes

    atomic_write_bytes(Path(out), text.encode("utf-8"))


TABLE_WIDTH = 180  # when the table goes to a file or a pipe, lines may be long


def _table(data: list[dict], out: str | None) -> None:
    from rich import box
    from rich.console import Console, Group
    from rich.table import Table
    from rich.text import Text

    from checker.gradebook import LEARNER_HEADER, learner_cells, problem_lines
    from labkit.console import THEME, console

    table = Table(title="cohort grades (detect, mitigate, resolve: seconds from the impact)",
                  title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    right = {"detect", "acknowledge", "mitigate", "resolve", "hints", "score"}
    for name in LEARNER_HEADER:
        table.add_column(name, justify="right" if name in right else "left",
                         overflow="fold", no_wrap=name == "journal",
                         min_width=8 if name in ("learner", "flags") else None)
    for row in data:
        style = ("lab.fail" if row.get("error") is not None or not row.get("journal_intact")
                 else "lab.warn" if row.get("flags") else None)
        table.add_row(*learner_cells(row, short=True), style=style)
    view = Group(table, *(Text(line) for line in problem_lines(data)))
    if out is None and console.is_terminal:
        console.print(view)
        return
    import io

    buffer = io.StringIO()
    Console(file=buffer, theme=THEME, width=TABLE_WIDTH, no_color=True, highlight=False,
            soft_wrap=True).print(view)
    _emit(buffer.getvalue(), out)


def _report(totals: dict[str, int], root: Path, out: str | None) -> None:
    from labkit.console import err_console

    if totals["rows"]:
        line = (f"graded {totals['rows']} row(s): {totals['scored']} scored, "
                f"{totals['flagged']} flagged, {totals['not_scored']} not scored, "
                f"{totals['errors']} with an error")
    else:
        line = f"no learner workspaces under {root}"
    if out is not None:
        line += f"; written to {out}"
    style = "lab.warn" if totals["flagged"] or totals["errors"] or not totals["rows"] else None
    err_console.print(line, style=style, markup=False)


@contextlib.contextmanager
def _progress():
    """A progress bar on stderr, only when stderr is a terminal; yields the tick function."""
    from labkit.console import err_console

    if not err_console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress("grading", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console, transient=True) as bar:
        task = bar.add_task("grading", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)
