"""Views of the evidence for people (stopwatch, timeline, check, score), in the learner's
language."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from labkit.console import console
from labkit.i18n import t

_BAR = 48  # characters of the timeline strip
_SYMBOL = {"impact": "I", "detected": "D", "acknowledged": "A", "rollback": "R",
           "mitigated": "M", "resolved": "V"}
_STYLE = {"impact": "lab.fail", "detected": "lab.warn", "acknowledged": "lab.hint",
          "mitigated": "lab.pass", "resolved": "lab.pass"}


def seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if value < 120:
        return f"{value:.1f} s"
    minutes, secs = divmod(int(round(value)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


def _by(value: float | None, who: str | None, lang: str | None) -> str:
    if value is None:
        return t("report.not_yet", lang)
    if who not in ("probe", "smoke"):
        return seconds(value)
    return t("report.by", lang, value=seconds(value), who=t(f"report.by_{who}", lang))


def stopwatch_table(watch: dict, reference: dict | None = None,
                    lang: str | None = None) -> Table:
    table = Table(title=t("report.stopwatch_title", lang), title_justify="left")
    table.add_column(t("report.col_phase", lang))
    table.add_column(t("report.col_yours", lang), justify="right")
    table.add_column(t("report.col_reference", lang), justify="right")
    ref = reference or {}
    impact = watch.get("impact_at") is not None
    table.add_row(t("report.detect", lang), _by(watch["detect_s"], watch.get("detected_by"), lang),
                  "")
    table.add_row(t("report.acknowledge", lang),
                  seconds(watch.get("acknowledge_s")) if watch.get("acknowledge_s") is not None
                  else t("report.not_yet", lang), "")
    mitigate = _by(watch["mitigate_s"], watch.get("mitigated_by"), lang)
    table.add_row(t("report.mitigate", lang), mitigate,
                  t("report.ref_flip", lang, flip=seconds(ref.get("flip_s"))) if ref else "")
    table.add_row(t("report.resolve", lang), seconds(watch["resolve_s"]) if
                  watch["resolve_s"] is not None else t("report.not_yet", lang), "")
    mode = watch.get("rollback_mode")
    if mode:
        rollback = f"{mode} {seconds(watch['rollback_s'])}"
    elif watch.get("rollback_failures"):
        rollback = t("report.rollback_failed", lang, count=watch["rollback_failures"])
    else:
        rollback = "-"
    table.add_row(t("report.rollback", lang), rollback,
                  t("report.ref_flip_rebuild", lang, flip=seconds(ref.get("flip_s")),
                    rebuild=seconds(ref.get("rebuild_s"))) if ref else "")
    table.add_row(t("report.rollbacks_to_broken", lang), str(watch.get("rollbacks_to_broken", 0)),
                  "")
    table.add_row(t("report.hints", lang), str(watch["hints_used"]), "")
    if watch.get("backend_outages"):
        table.add_row(t("report.backend_down", lang),
                      f"{seconds(watch['backend_down_s'])} x{watch['backend_outages']}", "")
    if impact and watch["mitigate_s"] is None and watch.get("state") == "detected":
        table.caption = t("report.not_measured", lang)
    return table


def mark_text(mark: dict, lang: str | None) -> str:
    what = mark["what"]
    if what == "rollback":
        return t(f"report.mark.rollback.{mark.get('outcome', 'ok')}", lang,
                 to=mark.get("to") or "?", mode=mark.get("mode") or "?")
    if what in ("detected",):
        who = mark.get("by")
        by = t(f"report.by_{who}", lang) if who in ("probe", "smoke") else "?"
        return t("report.mark.detected", lang, by=by)
    if what == "impact" and mark.get("by") == "gate":
        return t("report.mark.impact_gate", lang)
    return t(f"report.mark.{what}", lang)


def timeline(watch: dict, lang: str | None = None) -> Group:
    """The incident's marks in order, with a strip drawn to scale."""
    marks = watch.get("timeline") or []
    span = max((m["at_s"] for m in marks), default=0.0) or 1.0
    strip = ["-"] * (_BAR + 1)
    for mark in marks:  # marks close in time sit side by side, in order
        slot = round(mark["at_s"] / span * _BAR)
        while slot < _BAR and strip[slot] != "-":
            slot += 1
        strip[slot] = _SYMBOL[mark["what"]]
    lines = [Text(t("report.timeline_title", lang), style="lab.title"),
             Text("  |" + "".join(strip) + f"| {seconds(span)}", style="lab.dim")]
    for mark in marks:
        style = _STYLE.get(mark["what"])
        if mark["what"] == "rollback":
            style = "lab.pass" if mark.get("outcome") == "ok" else "lab.fail"
        lines.append(Text(f"  {seconds(mark['at_s']):>8}  {_SYMBOL[mark['what']]}  "
                          f"{mark_text(mark, lang)}", style=style))
    return Group(*lines)


def render_stopwatch(watch: dict, reference: dict | None, lang: str | None,
                     running_s: float | None = None) -> Group:
    lab = watch.get("lab") or "-"
    if watch["state"] == "no break":
        return Group(Text(t("report.no_break", lang, lab=lab), style="lab.title"))
    head = Text(t("report.state", lang, lab=lab, state=t(f"state.{watch['state']}", lang)),
                style="lab.title")
    if running_s is not None:
        head.append("  " + t("report.users_affected", lang, seconds=seconds(running_s)),
                    style="lab.fail")
    parts = [head, stopwatch_table(watch, reference, lang)]
    if watch.get("timeline"):
        parts.append(timeline(watch, lang))
    return Group(*parts)


def score_lines(points: dict, lang: str | None) -> Group:
    """The score and the rubric lines that made it."""
    if points["points"] is None:
        return Group(Text(t("score.not_scored", lang, note=points["note"] or ""),
                          style="lab.fail"))
    lines = [Text(t("score.total", lang, points=points["points"], max=points["max"]),
                  style="lab.title")]
    for part, value in points["parts"].items():
        lines.append(Text(f"  {value:+4d}  {t('score.part.' + part, lang)}",
                          style="lab.pass" if value > 0 else "lab.dim" if value == 0
                          else "lab.fail"))
    return Group(*lines)


def render_check(report, lang: str | None = None) -> None:
    data = report.as_dict()
    table = Table(title=t("check.title", lang, lab=data["lab"]), title_justify="left")
    table.add_column("")
    table.add_column(t("check.col_check", lang))
    table.add_column(t("check.col_detail", lang))
    for check in data["checks"]:
        mark = "[lab.pass]PASS[/]" if check["passed"] else "[lab.fail]FAIL[/]"
        detail = Text("" if check["passed"] else check["message"])  # never read as markup
        table.add_row(mark, Text(check["name"]), detail)
    console.print(table)
    record = data["record"]
    if record["valid"]:
        console.print(t("check.record_valid", lang), style="lab.pass", markup=False)
    elif record.get("status") == "review":
        console.print(t("check.record_review", lang,
                        count=len({r["field"] for r in record["reviews"]})),
                      style="lab.warn", markup=False)
    else:
        console.print(t("check.record_invalid", lang, count=len(record["errors"])),
                      style="lab.fail", markup=False)
    for kind, items in (("error", record["errors"]), ("warning", record["warnings"])):
        for item in items:
            where = item["file"] + (f":{item['line']}" if item.get("line") else "")
            field = f" {item['field']}:" if item.get("field") else ""
            style = "lab.fail" if kind == "error" else "lab.warn"
            console.print(f"  {t('check.' + kind, lang)}: {where}{field} {item['message']}",
                          style=style, markup=False)
    for item in record.get("reviews", []):
        console.print(f"  {t('check.review', lang)}: {item['field']}: {item['message']}",
                      style="lab.warn", markup=False)
    for item in record.get("decisions", []):
        console.print(t(f"check.decision_{item['decision']}", lang, field=item["field"],
                        comment=item["comment"] or "-"), markup=False)
    watch = data["stopwatch"]
    console.print(render_stopwatch(watch, data["reference"], lang))
    if watch.get("impact_at") is not None:
        console.print(t("check.lesson", lang, to_broken=watch.get("rollbacks_to_broken", 0),
                        failed=watch.get("rollback_failures", 0),
                        first=seconds(watch.get("acknowledge_s"))), markup=False)
    console.print(score_lines(data["score"], lang))
    journal = data["journal"]
    if journal["intact"]:
        console.print(t("check.journal_intact", lang, lines=journal["lines"]), markup=False)
    else:
        console.print(t("check.journal_tampered", lang, message=journal["message"]),
                      style="lab.fail", markup=False)
    key, style = (("check.verdict_resolved", "lab.pass") if data["resolved"] else
                  ("check.verdict_recovered", "lab.warn") if data["recovered"] else
                  ("check.verdict_not_recovered", "lab.fail"))
    console.print(t(key, lang), style=style, markup=False)
