"""The `lab` command: thin verbs over the library, one error boundary."""

from __future__ import annotations

import sys

from labcore.errors import EXIT_INTERRUPTED, EXIT_USAGE
from labkit.cli.parser import build_parser, command_path


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    run = getattr(args, "run", None)
    if run is None:
        parser.print_help()
        return EXIT_USAGE
    from labkit.cli.render import set_command
    from labkit.i18n import use

    use(getattr(args, "lang", None))

    set_command(command_path(parser, argv))
    from labcore.errors import LabError

    try:
        return int(run(args) or 0)
    except LabError as err:
        from labkit.cli.render import error

        error(err)
        return err.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
