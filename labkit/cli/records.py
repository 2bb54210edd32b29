"""lab records validate PATH | lab record LAB"""

from __future__ import annotations

from labcore.errors import EXIT_FAIL, EXIT_OK, EXIT_REVIEW
from labkit.cli._lab import add_lab_arguments

EXIT_BY_STATUS = {"valid": EXIT_OK, "review": EXIT_REVIEW, "invalid": EXIT_FAIL}


def register(sub, common) -> None:
    parser = sub.add_parser("records", help="validate breaks.md records",
                            description="Validate records of breaks (notes/breaks.md).")
    verbs = parser.add_subparsers(title="records commands", metavar="COMMAND")
    parser.set_defaults(run=lambda args: parser.print_help() or 2)
    p = verbs.add_parser("validate", parents=[common.json],
                         help="validate every record in a file: exit 0 valid, 1 invalid, "
                         "3 review",
                         description="Validate every record in a breaks.md file against its "
                         "lab's expectations. Inside a lab workspace a diff fix is applied to "
                         "the broken state and must pass the lab's checks, and the record's "
                         "claims are held against the journal and the release history. Free "
                         "text is matched on meaning (English or Spanish); a field that cannot "
                         "be matched sends the record to review. Exit 0 when valid, 1 when "
                         "invalid, 3 when a person must read a field.")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--no-verify-diff", action="store_true",
                   help="judge a diff fix by its shape only, without applying it")
    p.set_defaults(run=run_validate)

    p = sub.add_parser("record", parents=[common.learner],
                       help="append a template record for the lab to notes/breaks.md",
                       description="Append a commented template record for the lab to "
                       "notes/breaks.md, leaving what is there untouched.")
    add_lab_arguments(p, common, lang=True)
    p.set_defaults(run=run_record)


def _workspace_lab(path):
    """The lab workspace holding ``path`` and its lab, if any."""
    from labkit import labstate
    from labkit.catalog import get
    from labkit.errors import LabError

    for parent in path.resolve().parents:
        if (parent / "service.yaml").is_file() and (parent / ".lab").is_dir():
            info = labstate.lab_info(parent) or {}
            try:
                return parent, get(info["lab"]) if info.get("lab") else None
            except LabError:
                return parent, None
    return None, None


def run_validate(args) -> int:
    from pathlib import Path

    from checker.record_verdict import judge_records
    from labkit.cli.render import print_json
    from labkit.console import console
    from labkit.errors import UsageError
    from labkit.verdict import all_rules

    path = Path(args.path)
    if not path.exists():
        raise UsageError(f"{path} is not a records file (it does not exist)")
    if path.is_dir():
        raise UsageError(f"{path} is not a records file (it is a directory)")
    # Anything else (a device, a pipe, a file too big) is refused by the reader.
    verify = evidence = None
    root, lab = _workspace_lab(path)
    if root is not None:
        from labkit.runtime.layout import Workspace
        from labkit.verdict import evidence_of

        evidence = evidence_of(Workspace(root))
    if lab is not None and not args.no_verify_diff:
        from functools import partial

        from labkit.fixcheck import verify_fix

        verify = {lab.id: partial(verify_fix, lab, root)}  # other labs' diffs: shape only
    verdict = judge_records(path, all_rules(), verify_fix=verify, evidence=evidence)
    code = EXIT_BY_STATUS[verdict.status]
    if args.json:
        print_json({"file": str(path), **verdict.as_dict()})
        return code
    for kind, items in (("error", verdict.errors), ("warning", verdict.warnings),
                        ("review", verdict.reviews)):
        for item in items:
            where = item["file"] + (f", line {item['line']}" if item.get("line") else "")
            field = f" field '{item['field']}':" if item.get("field") else ""
            console.print(f"{where}:{field} {item['message']}",
                          style="lab.fail" if kind == "error" else "lab.warn", markup=False)
            if kind == "review":
                console.print(f"  wanted: {item['rule']}", style="lab.warn", markup=False)
    style = {"valid": "lab.pass", "review": "lab.warn"}.get(verdict.status, "lab.fail")
    console.print(f"[{style}]{verdict.status}[/]")
    return code


def run_record(args) -> int:
    from checker.records import template_record
    from labkit.cli._lab import require_started, resolve
    from labkit.console import say
    from labkit.i18n import lang
    from labkit.runtime.fsutil import atomic_write_bytes
    from labkit.verdict import RECORDS_FILE, rules_for

    args.lang = lang(args.lang)
    target = resolve(args)
    ws = require_started(target)
    path = ws.root / RECORDS_FILE
    before = path.read_bytes() if path.exists() else b""
    block = template_record(rules_for(target.lab), args.lang).encode()
    gap = b"" if not before else (b"\n" if before.endswith(b"\n") else b"\n\n")
    atomic_write_bytes(path, before + gap + block + (b"" if block.endswith(b"\n") else b"\n"))
    say(f"[record] appended a template record for {target.lab.id} to {path}")
    return EXIT_OK
