"""lab smoke: the serving release against the API contract (what `just smoke-portal` runs)."""

from __future__ import annotations

from labcore.errors import EXIT_FAIL, EXIT_OK


def register(sub, common) -> None:
    p = sub.add_parser("smoke", parents=[common.workspace, common.json],
                       help="smoke-test the serving release against the API contract",
                       description="Send the contract's sample request through the router, "
                       "compare fields, order and types with contract/api.json, and check that "
                       "the portal shows each field in its own slot. Exits 1 on any finding.")
    p.add_argument("--lang", choices=("en", "es"), default=None,
                   help="language of the findings (default: $LAB_LANG, else en)")
    p.set_defaults(run=run)


def run(args) -> int:
    from labkit.cli.render import print_json
    from labkit.console import console, say
    from labkit.i18n import lang, t
    from labkit.runtime.layout import Workspace
    from labkit.smoke import run as smoke

    ws = Workspace.find(args.workspace)
    language = lang(args.lang)
    result = smoke(ws)
    if args.json:
        print_json(result.as_dict())
    elif result.passed:
        say(t("smoke.pass", language, version=result.version), style="lab.pass")
    else:
        for finding in result.findings:
            say(f"[smoke] FAIL: {finding.text(language)}", style="lab.fail")
            if finding.detail:
                console.print(f"        {finding.detail}", style="lab.dim", markup=False)
    return EXIT_OK if result.passed else EXIT_FAIL
