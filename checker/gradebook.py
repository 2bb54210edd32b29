"""Reports of a graded cohort: its summary, CSV, a Markdown table, a gradebook notebook.

Pure functions over the rows of :mod:`checker.grading` (as dicts); the CLI
decides where the text goes.
"""

from __future__ import annotations

import csv
import inspect
import io
import json
import statistics
from collections import Counter
from collections.abc import Sequence
from typing import Any

from checker.gradebook_plots import cohort_figures

# Detection is monitoring's (the smoke test or the kit's probe, the same for every
# learner); acknowledging is the learner's own first action.
PHASES = (("detect_s", "time to detect (monitoring: smoke or probe)"),
          ("acknowledge_s", "time to acknowledge (first action)"),
          ("mitigate_s", "time to mitigate (MTTR)"),
          ("resolve_s", "time to resolve"))

# The columns of the CSV and of the tables, in order (lists are joined with "; ").
COLUMNS = (
    "learner", "lab", "workspace", "mode", "recovered", "recovered_from", "state",
    "detect_s", "detected_by", "acknowledge_s", "mitigate_s", "resolve_s", "rollback_mode",
    "rollback_s", "hints_used", "hints_revealed", "record_valid", "record_errors", "review",
    "journal_intact", "journal_entries",
    "score", "score_max", "score_note", "flags", "error",
)


# --------------------------------------------------------------------------
# Summary


def spread(values: Sequence[float]) -> dict[str, float | int | None]:
    """n, min, first quartile, median, third quartile and max of ``values``."""
    data = sorted(v for v in values if v is not None)
    if not data:
        return {"n": 0, "min": None, "q1": None, "median": None, "q3": None, "max": None}
    if len(data) == 1:
        q1 = q3 = data[0]
    else:
        q1, _, q3 = statistics.quantiles(data, n=4, method="inclusive")
    return {"n": len(data), "min": data[0], "q1": q1, "median": statistics.median(data),
            "q3": q3, "max": data[-1]}


def summarize(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The cohort at a glance.

    What the journal tells (phases, scores, rollbacks, hints) is taken over the
    rows whose journal is intact (``trusted``); the other counts over every row
    without an error. Flags are counted by kind (the part before ':').
    """
    sound = [r for r in rows if r.get("error") is None]
    trusted = [r for r in sound if r.get("journal_intact")]
    modes = Counter(r.get("rollback_mode") or "none" for r in trusted)
    hint_numbers = Counter(n for r in trusted for n in r.get("hints_revealed") or [])
    top = max([3, *hint_numbers])
    kinds = Counter(flag.split(":", 1)[0] for r in sound for flag in r.get("flags") or [])
    return {
        "rows": len(rows),
        "learners": len({r["learner"] for r in rows}),
        "labs": sorted({r["lab"] for r in rows if r.get("lab")}),
        "scored": sum(1 for r in rows if r.get("score") is not None),
        "not_scored": sum(1 for r in sound if r.get("score") is None),
        "flagged": sum(1 for r in sound if r.get("flags")),
        "errors": len(rows) - len(sound),
        "trusted": len(trusted),
        "recovered": sum(1 for r in sound if r.get("recovered")),
        "record_valid": sum(1 for r in sound if r.get("record_valid")),
        "phases": {key: spread([r.get(key) for r in trusted]) for key, _ in PHASES},
        "score": spread([r.get("score") for r in trusted]),
        "rollbacks": {"rebuild": modes.get("rebuild", 0), "flip": modes.get("flip", 0),
                      "none": modes.get("none", 0)},
        "hints": {str(n): hint_numbers.get(n, 0) for n in range(1, top + 1)},
        "hints_used": {str(n): c for n, c in
                       sorted(Counter(r.get("hints_used") or 0 for r in trusted).items())},
        "flags": dict(sorted(kinds.items())),
    }


# --------------------------------------------------------------------------
# Cells of text


def cell(value: Any) -> str:
    """One value as the text of a table cell or a CSV field."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value == value else ""
    if isinstance(value, (list, tuple)):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return str(value)


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] = COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return out.getvalue()


def _md(value: Any) -> str:
    text = cell(value)
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split()) or "-"


def markdown_table(header: Sequence[str], body: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(_md(h) for h in header) + " |",
             "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(_md(v) for v in row) + " |" for row in body]
    return "\n".join(lines)


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _detected(row: dict[str, Any]) -> str:
    """Monitoring's detection, named by what detected it: not the learner's time."""
    if row.get("detect_s") is None:
        return "-"
    return f"{row.get('detected_by') or 'monitoring'} {_seconds(row['detect_s'])}"


def score_text(row: dict[str, Any]) -> str:
    if row.get("error") is not None:
        return "error"
    if row.get("score") is None:
        return "not scored"
    return f"{row['score']}/{row.get('score_max')}"


LEARNER_HEADER = ("learner", "lab", "mode", "recovered", "detected by", "acknowledge",
                  "mitigate", "resolve", "rollback", "hints", "record", "review", "journal",
                  "score", "flags")


def flag_kinds(row: dict[str, Any]) -> list[str]:
    """The kinds of a row's flags (the part before ':'), or ["error"]."""
    if row.get("error") is not None:
        return ["error"]
    return list(dict.fromkeys(f.split(":", 1)[0] for f in row.get("flags") or []))


def learner_cells(row: dict[str, Any], *, short: bool = False) -> list[str]:
    """The cells of one row in the human tables; ``short`` names flags by their kind."""
    problems = (", ".join(flag_kinds(row)) if short else
                f"error: {row['error']}" if row.get("error") is not None else
                "; ".join(row.get("flags") or []))
    if row.get("error") is not None:
        return [row["learner"], row.get("lab") or row.get("workspace") or "-",
                *["-"] * (len(LEARNER_HEADER) - 3), problems]
    record = ("valid" if row.get("record_valid") else
              "review" if row.get("record_status") == "review" else
              f"invalid ({row.get('record_errors')})")
    review = str(row["review"]) if row.get("review") else "-"  # fields waiting for a person
    return [
        row["learner"], row.get("lab") or "-", row.get("mode") or "-",
        {True: "yes", False: "no", None: "not checked"}[row.get("recovered")],
        _detected(row), _seconds(row.get("acknowledge_s")), _seconds(row.get("mitigate_s")),
        _seconds(row.get("resolve_s")), row.get("rollback_mode") or "-",
        str(row.get("hints_used") or 0), record, review,
        "intact" if row.get("journal_intact") else
        "missing" if row.get("journal_entries") is None else "TAMPERED",
        score_text(row), problems,
    ]


def problem_lines(rows: Sequence[dict[str, Any]]) -> list[str]:
    """One line per flag or error of every row, as 'learner lab: what'."""
    lines = []
    for row in rows:
        who = f"{row['learner']} {row.get('lab') or row.get('workspace') or ''}".rstrip()
        if row.get("error") is not None:
            lines.append(f"{who}: error: {row['error']}")
        lines.extend(f"{who}: {flag}" for flag in row.get("flags") or [])
    return lines


# --------------------------------------------------------------------------
# The gradebook notebook


def _summary_markdown(summary: dict[str, Any], title: str, source: str) -> list[str]:
    s = summary
    head = [
        f"# {title}",
        "",
        f"Graded from the evidence under `{source}`: {s['rows']} row(s), one per learner and "
        f"lab, for {s['learners']} learner(s) (labs: {', '.join(s['labs']) or 'none'}).",
        "",
        markdown_table(("rows", "scored", "flagged", "not scored", "errors", "recovered",
                        "record valid"),
                       [[s["rows"], s["scored"], s["flagged"], s["not_scored"], s["errors"],
                         s["recovered"], s["record_valid"]]]),
        "",
        "Flagged rows need a look: a journal that was tampered with is not scored, an "
        "invalid or missing record scores no record points. A row with an error could not "
        "be read as evidence at all.",
    ]
    stats = [spread_row(label, s["phases"][key]) for key, label in PHASES]
    stats.append(spread_row("score", s["score"], digits=0))
    phases = [
        "## Incident phases",
        "",
        f"Seconds from the impact (the broken release serving), over the {s['trusted']} "
        "row(s) with an intact journal; the rollbacks and hints below too. Detection is "
        "the monitoring's time (the smoke test or the kit's probe, which finds the break "
        "within a fraction of a second whatever the learner does); the learner's own "
        "reaction is the time to acknowledge, their first action on the incident.",
        "",
        markdown_table(("phase", "n", "min", "q1", "median", "q3", "max"), stats),
    ]
    rollbacks = [
        "## Rollbacks and hints",
        "",
        markdown_table(("rollback", "rows"),
                       [["rebuild (the previous artifact was gone)", s["rollbacks"]["rebuild"]],
                        ["flip (the previous release was still there)", s["rollbacks"]["flip"]],
                        ["no rollback", s["rollbacks"]["none"]]]),
        "",
        markdown_table(("hint", "revealed by"),
                       [[f"hint {n}", count] for n, count in s["hints"].items()]),
        "",
        markdown_table(("hints used", "rows"),
                       [[n, count] for n, count in s["hints_used"].items()]),
    ]
    flags = ["## Flags", ""]
    if s["flags"]:
        flags.append(markdown_table(("flag", "rows"), list(s["flags"].items())))
    else:
        flags.append("No row is flagged.")
    return ["\n".join(head), "\n".join(phases), "\n".join(rollbacks), "\n".join(flags)]


def spread_row(label: str, values: dict[str, Any], digits: int = 1) -> list[Any]:
    def fmt(v):
        return "-" if v is None else f"{v:.{digits}f}"

    return [label, values["n"], *(fmt(values[k]) for k in ("min", "q1", "median", "q3", "max"))]


def notebook(rows: Sequence[dict[str, Any]], *, source: str, title: str = "Gradebook"):
    """A gradebook notebook (nbformat v4): the summary, the table, the rows as data."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    summary = summarize(rows)
    cells = [new_markdown_cell(text) for text in _summary_markdown(summary, title, source)]
    flagged = [r for r in rows if r.get("error") is None and r.get("flags")]
    if flagged:
        cells.append(new_markdown_cell("\n".join([
            "## Flagged rows", "",
            markdown_table(("learner", "lab", "score", "flags"),
                           [[r["learner"], r.get("lab"), score_text(r), r["flags"]]
                            for r in flagged])])))
    errors = [r for r in rows if r.get("error") is not None]
    if errors:
        cells.append(new_markdown_cell("\n".join([
            "## Rows with an error", "",
            markdown_table(("learner", "workspace", "error"),
                           [[r["learner"], r.get("workspace"), r["error"]] for r in errors])])))
    cells.append(new_markdown_cell("\n".join([
        "## Learners", "",
        markdown_table(LEARNER_HEADER, [learner_cells(r) for r in rows])])))
    # JSON output never holds three quotes in a row, so a raw triple-quoted string holds it.
    data = json.dumps(list(rows), indent=1, default=str)
    cells.append(new_markdown_cell(
        "## The rows as data\n\nThe next cell holds every row (all the columns of "
        "`lab grade --format json`) as `rows`, a list of dicts, and the summary above as "
        "`summary`. With pandas: `pandas.DataFrame(rows)`."))
    cells.append(new_code_cell(
        "import json\n\n"
        f'summary = json.loads(r"""{json.dumps(summary, indent=1)}""")\n\n'
        f'rows = json.loads(r"""\n{data}\n""")\n'
        "len(rows)"))
    cells.append(new_markdown_cell(
        "## Figures\n\nThe time to mitigate of each learner, the rollback modes, hints "
        "used against score, and the time to acknowledge (the learner's first action), "
        "over the rows with an intact journal. Drawn with matplotlib when the gradebook "
        "was made; run the cell again to redraw."))
    cells.append(new_code_cell(
        "from typing import Any\n\nfrom IPython.display import Image, display\n\n\n"
        + inspect.getsource(cohort_figures)
        + "\n\nfor png in cohort_figures(rows):\n    display(Image(data=png, format='png'))"))
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "lab_gradebook": {"schema_version": 1, "source": source},
    })
    nbformat.validate(nb)
    return nb
