"""lab serve | lab stop: the workspace supervisor's lifecycle."""

from __future__ import annotations

from labcore.errors import EXIT_OK


def register(sub, common) -> None:
    p = sub.add_parser("serve", parents=[common.workspace, common.json],
                       help="start the workspace's supervisor (router on 127.0.0.1)",
                       description="Start the supervisor that owns the public port and forwards "
                       "to the serving release. After a crash it brings back the release that "
                       "was serving.")
    p.set_defaults(run=run_serve)
    p = sub.add_parser("stop", parents=[common.workspace, common.json],
                       help="stop the supervisor and every backend it runs")
    p.set_defaults(run=run_stop)


def run_serve(args) -> int:
    from labkit.cli.render import print_json
    from labkit.console import say
    from labkit.i18n import t
    from labkit.runtime.control import ensure_running
    from labkit.runtime.layout import Workspace

    ws = Workspace.find(args.workspace)
    control = ensure_running(ws)
    status = control.call("status")
    revived = None
    if status.get("active"):  # serving by name is not enough: check that it answers
        revived = control.call("revive", version=status["active"], timeout=120)
        status = control.call("status")
    if args.json:
        print_json({**status, "restarted": bool(revived and revived["state"] == "restarted")})
        return EXIT_OK
    serving = status.get("active") or "nothing yet"
    line = f"[serve] {status['url']} (supervisor {status['pid']}), serving {serving}"
    if revived and revived["state"] == "restarted":
        line += t("serve.restarted", reason=revived.get("reason") or "?")
    say(line)
    return EXIT_OK


def run_stop(args) -> int:
    from labkit.cli.render import print_json
    from labkit.console import say
    from labkit.runtime.control import stop_supervisor
    from labkit.runtime.layout import Workspace

    result = stop_supervisor(Workspace.find(args.workspace))
    removed = ", ".join(result["removed"])
    if args.json:
        print_json(result)
    elif not result["was_running"]:
        say("[serve] the supervisor is not running"
            + (f"; removed its leftover containers {removed}" if removed else ""))
    elif result["killed"]:
        say(f"[serve] supervisor {result['pid']} did not stop within {result['timeout_s']:g} s and "
            "was killed" + (f"; removed its containers {removed}" if removed else ""))
    else:
        say(f"[serve] supervisor {result['pid']} stopped")
    return EXIT_OK
