"""lab status: what the workspace serves, its artifacts, and any active break."""

from __future__ import annotations

from labcore.errors import EXIT_OK


def register(sub, common) -> None:
    p = sub.add_parser("status", parents=[common.workspace, common.json],
                       help="show the serving release, artifacts and supervisor")
    p.add_argument("--lang", choices=("en", "es"), default=None,
                   help="language of the view (default: $LAB_LANG, else en)")
    p.set_defaults(run=run)


def run(args) -> int:
    from labkit.cli.render import print_json
    from labkit.i18n import lang as language
    from labkit.i18n import t
    from labkit.runtime.layout import Workspace
    from labkit.runtime.status import runtime_status

    ws = Workspace.find(args.workspace)
    data = runtime_status(ws)
    data["lab"] = lab_status(ws.root)
    for problem in data.get("state_problems", []):
        from labkit.console import warn

        warn(t("state.router_unreadable", error=problem))
    if args.json:
        print_json(data)
        return EXIT_OK
    from labkit.console import say  # rich: only for the terminal view

    lang = language(args.lang)
    sup = data["supervisor"]
    say(t("status.backend_kind", lang, kind=data["backend"]))
    if sup["running"]:
        say(t("status.running", lang, pid=sup["pid"], url=sup["url"]))
        say(t("status.serving", lang, version=data["serving"] or t("status.nothing", lang)))
        _backends(sup)
    else:
        was = sup.get("was_serving")
        say(t("status.stopped_was", lang, version=was) if was else t("status.stopped", lang),
            style="lab.fail")
    if "swarm" in data:
        _swarm(data["swarm"], lang)
    prev = data["previous"]
    if prev:
        kept = data["rollback_available"]
        say(t("status.rollback_kept" if kept else "status.rollback_gone", lang, version=prev),
            style=None if kept else "lab.fail")
    else:
        say(t("status.rollback_none", lang))
    say(t("status.artifacts", lang, names=", ".join(data["artifacts"]) or
          t("status.nothing", lang)))
    lab = data["lab"]
    if lab and lab.get("break_active"):
        say(t("status.break_active", lang, lab=lab["lab"],
              duration=_duration(lab["break_active_s"]), release=lab["release"]),
            style="lab.fail")
    elif lab and lab.get("break_resolved"):
        say(t("status.break_resolved", lang, lab=lab["lab"]))
    elif lab:
        say(t("status.no_break", lang, lab=lab["lab"]))
    return EXIT_OK


def _backends(sup: dict) -> None:
    from labkit.console import console
    from labkit.i18n import t

    for index, b in enumerate(sup.get("backends") or []):
        line = t("status.backend", version=b["version"], ident=b["ident"], health=b["health"],
                 role=f" ({b['role']})" if b.get("role") else "",
                 digest=b.get("digest") or "?", restarts=b.get("restarts", 0))
        style = "lab.pass" if b["health"] == "healthy" else "lab.fail"
        label = "backends:   " if index == 0 else " " * 12
        console.print(label + f"[{style}]{escape(line)}[/]")
    serving = next((b for b in sup.get("backends") or [] if b.get("role") == "serving"), None)
    if serving is not None and serving["health"] in ("down", "unhealthy"):
        watched = (sup.get("watching") or {}).get("watching", False)
        key = "status.serving_down_watched" if watched else "status.serving_down_unwatched"
        reason = serving.get("reason") or serving["health"]
        console.print(f"[lab.fail]{escape(t(key, version=serving['version'], reason=reason))}[/]")


def escape(text: str) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def lab_status(root) -> dict | None:
    import time

    from labkit import labstate

    info = labstate.lab_info(root)
    if not info:
        return None
    brk = labstate.break_info(root) or {}
    active = bool(brk) and not brk.get("resolved_at")
    return {
        "lab": info.get("lab"),
        "learner": info.get("learner"),
        "stage": info.get("stage"),
        "break_active": active,
        "break_resolved": bool(brk.get("resolved_at")),
        "release": brk.get("release"),
        "injected_at": brk.get("injected_at"),
        "break_active_s": round(time.time() - brk["injected_at"], 1)
        if active and brk.get("injected_at") else None,
    }


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


def _swarm(info: dict, lang: str) -> None:
    from labkit.console import say
    from labkit.i18n import t

    if info.get("error"):
        say(t("status.swarm_error", lang, error=info["error"]), style="lab.fail")
        return
    if not info.get("service"):
        say(t("status.swarm_none", lang))
        return
    update = info["update"]
    say(t("status.swarm_service", lang, service=info["service"], version=info["version"],
          state=update["state"] or t("status.swarm_no_update", lang)),
        style="lab.fail" if (update["state"] or "").startswith("rollback") else None)
    if update.get("message") and update["message"] != f"update {update['state']}":
        say(f"            {update['message']}", style="lab.dim")
    tasks = ", ".join(f"{task['version']} ({task['health'] or '-'})" for task in info["tasks"])
    say(t("status.swarm_tasks", lang, tasks=tasks or t("status.nothing", lang)))
