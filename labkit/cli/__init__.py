"""The `lab` command: thin verbs over the library, one error boundary."""

from __future__ import annotations

import sys

from labkit.cli.parser import build_parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run = getattr(args, "run", None)
    if run is None:
        parser.print_help()
        return 2
    from labcore.errors import LabError

    try:
        return int(run(args) or 0)
    except LabError as err:
        from labkit.cli.render import error

        error(err)
        return err.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
