"""`lab report --html`: one self-contained page of a learner's recovery.

The incident's timeline drawn as SVG, the checks, the record's verdict and the
score with the rubric lines that made it. Nothing is loaded from anywhere: the
styles are inline and the picture is part of the page. Colours keep a contrast
of at least 4.5:1 against the background (WCAG 2.1 AA).
"""

from __future__ import annotations

from html import escape

from labkit.i18n import t

_WIDTH, _HEIGHT, _LEFT, _RIGHT = 760, 150, 40, 40
_COLOUR = {"impact": "#b3261e", "detected": "#8a5a00", "acknowledged": "#1d4f91",
           "rollback": "#5b2a86", "mitigated": "#1b6b2f", "resolved": "#1b6b2f"}
_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; color: #1a1a1a; background: #fff;
       max-width: 56rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #c8c8c8; }
.pass { color: #1b6b2f; font-weight: 600; } .fail { color: #b3261e; font-weight: 600; }
.muted { color: #4a4a4a; } svg { max-width: 100%; height: auto; }
"""


def _seconds(value: float | None) -> str:
    from labkit.cli.views import seconds

    return seconds(value)


def timeline_svg(watch: dict, lang: str) -> str:
    """The incident's marks on an axis of seconds after the impact."""
    from labkit.cli.views import mark_text

    marks = watch.get("timeline") or []
    title = escape(t("report.timeline_title", lang))
    if not marks:
        return (f'<p class="muted">{escape(t("html.no_timeline", lang))}</p>')
    span = max(m["at_s"] for m in marks) or 1.0
    usable = _WIDTH - _LEFT - _RIGHT
    axis_y = 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {_HEIGHT}" '
             f'role="img" aria-labelledby="tl-title"><title id="tl-title">{title}</title>',
             f'<line x1="{_LEFT}" y1="{axis_y}" x2="{_WIDTH - _RIGHT}" y2="{axis_y}" '
             'stroke="#4a4a4a" stroke-width="2"/>',
             f'<text x="{_LEFT}" y="{axis_y + 40}" font-size="13" fill="#1a1a1a">0 s</text>',
             f'<text x="{_WIDTH - _RIGHT}" y="{axis_y + 40}" font-size="13" fill="#1a1a1a" '
             f'text-anchor="end">{escape(_seconds(span))}</text>']
    for index, mark in enumerate(marks):
        x = _LEFT + mark["at_s"] / span * usable
        colour = _COLOUR.get(mark["what"], "#1a1a1a")
        if mark["what"] == "rollback" and mark.get("outcome") != "ok":
            colour = _COLOUR["impact"]
        label = escape(f"{_seconds(mark['at_s'])}: {mark_text(mark, lang)}")
        parts.append(f'<circle cx="{x:.1f}" cy="{axis_y}" r="7" fill="{colour}">'
                     f'<title>{label}</title></circle>')
        y = axis_y - 16 - 14 * (index % 3)
        parts.append(f'<text x="{x:.1f}" y="{y}" font-size="12" fill="{colour}" '
                     f'text-anchor="middle">{escape(mark["what"][:1].upper())}</text>')
    parts.append("</svg>")
    items = "".join(f"<li>{escape(_seconds(m['at_s']))}: {escape(mark_text(m, lang))}</li>"
                    for m in marks)
    return "".join(parts) + f"<ol>{items}</ol>"


def render(data: dict, lang: str) -> str:
    """The page of one check report (``CheckReport.as_dict()``)."""
    lab = escape(data["lab"])
    watch = data["stopwatch"]
    checks = "".join(
        f'<tr><td class="{"pass" if c["passed"] else "fail"}">'
        f'{"PASS" if c["passed"] else "FAIL"}</td><td>{escape(c["name"])}</td>'
        f'<td>{"" if c["passed"] else escape(c["message"])}</td></tr>' for c in data["checks"])
    record = data["record"]
    findings = "".join(
        f"<li>{escape(e['file'])}{':' + str(e['line']) if e.get('line') else ''} "
        f"{escape(e.get('field') or '')} {escape(e['message'])}</li>" for e in record["errors"])
    verdict = (t("check.record_valid", lang) if record["valid"] else
               t("check.record_invalid", lang, count=len(record["errors"])))
    points = data["score"]
    if points["points"] is None:
        score = f'<p class="fail">{escape(t("score.not_scored", lang, note=points["note"]))}</p>'
    else:
        rows = "".join(f"<tr><td>{value:+d}</td><td>{escape(t('score.part.' + part, lang))}"
                       f"</td></tr>" for part, value in points["parts"].items())
        score = (f"<p><strong>{escape(t('score.total', lang, points=points['points'], max=points['max']))}"
                 f"</strong></p><table>{rows}</table>")
    phases = "".join(
        f"<tr><th scope=\"row\">{escape(t(key, lang))}</th><td>{escape(_seconds(watch.get(field)))}"
        f"</td></tr>" for key, field in (("report.detect", "detect_s"),
                                         ("report.acknowledge", "acknowledge_s"),
                                         ("report.mitigate", "mitigate_s"),
                                         ("report.resolve", "resolve_s")))
    title = escape(t("html.title", lang, lab=data["lab"]))
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>{_STYLE}</style></head>
<body><main>
<h1>{title}</h1>
<p class="muted">{escape(t("html.who", lang, learner=data.get("learner") or "-", lab=lab))}</p>
<h2>{escape(t("report.timeline_title", lang))}</h2>
{timeline_svg(watch, lang)}
<h2>{escape(t("report.stopwatch_title", lang))}</h2>
<table>{phases}</table>
<h2>{escape(t("check.title", lang, lab=data["lab"]))}</h2>
<table><thead><tr><th scope="col"></th><th scope="col">{escape(t("check.col_check", lang))}</th>
<th scope="col">{escape(t("check.col_detail", lang))}</th></tr></thead><tbody>{checks}</tbody></table>
<h2>{escape(t("html.record", lang))}</h2>
<p class="{"pass" if record["valid"] else "fail"}">{escape(verdict)}</p><ul>{findings}</ul>
<h2>{escape(t("html.score", lang))}</h2>
{score}
</main></body></html>
"""
