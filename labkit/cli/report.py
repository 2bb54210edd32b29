"""Rendering the checker's reports for people."""

from __future__ import annotations

from rich.table import Table

from labkit.console import console


def seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if value < 120:
        return f"{value:.1f} s"
    minutes, secs = divmod(int(round(value)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


def stopwatch_table(watch: dict, reference: dict | None = None) -> Table:
    table = Table(title="incident stopwatch", title_justify="left")
    table.add_column("phase")
    table.add_column("yours", justify="right")
    ref = reference or {}
    table.add_column(f"reference ({ref['backend']})" if ref.get("backend") else "reference",
                     justify="right")
    table.add_row("time to detect", seconds(watch["detect_s"]),
                  f"by {watch['detected_by']}" if watch.get("detected_by") else "")
    table.add_row("time to mitigate (MTTR)", seconds(watch["mitigate_s"]),
                  f"flip {seconds(ref.get('flip_s'))}" if ref else "")
    table.add_row("time to resolve", seconds(watch["resolve_s"]), "")
    mode = watch.get("rollback_mode")
    if mode:
        rollback = f"{mode} {seconds(watch['rollback_s'])}"
    elif watch.get("rollback_failures"):
        rollback = f"failed x{watch['rollback_failures']}"
    else:
        rollback = "-"
    table.add_row("rollback", rollback,
                  f"flip {seconds(ref.get('flip_s'))} / rebuild {seconds(ref.get('rebuild_s'))}"
                  if ref else "")
    table.add_row("hints used", str(watch["hints_used"]), "")
    return table


def render_check(report) -> None:
    data = report.as_dict()
    table = Table(title=f"lab {data['lab']} checks", title_justify="left")
    table.add_column("")
    table.add_column("check")
    table.add_column("detail")
    for check in data["checks"]:
        mark = "[lab.pass]PASS[/]" if check["passed"] else "[lab.fail]FAIL[/]"
        table.add_row(mark, check["name"], "" if check["passed"] else check["message"])
    console.print(table)
    record = data["record"]
    if record["valid"]:
        console.print("[lab.pass]record valid[/]")
    else:
        console.print(f"[lab.fail]record invalid[/] ({len(record['errors'])} error(s))")
    for kind, items in (("error", record["errors"]), ("warning", record["warnings"])):
        for item in items:
            where = item["file"] + (f":{item['line']}" if item.get("line") else "")
            field = f" {item['field']}:" if item.get("field") else ""
            style = "lab.fail" if kind == "error" else "lab.warn"
            console.print(f"  {kind}: {where}{field} {item['message']}", style=style,
                          markup=False)
    console.print(stopwatch_table(data["stopwatch"], data["reference"]))
    journal = data["journal"]
    if journal["intact"]:
        console.print(f"journal: [lab.pass]intact[/] ({journal['lines']} entries)")
    else:
        console.print(f"journal: [lab.fail]tampered[/]: {journal['message']}")
    verdict = ("[lab.pass]resolved[/]" if data["resolved"] else
               "[lab.warn]recovered, not resolved yet[/]" if data["recovered"] else
               "[lab.fail]not recovered yet[/]")
    console.print(f"verdict: {verdict}")
