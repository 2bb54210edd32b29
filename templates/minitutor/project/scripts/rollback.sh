#!/bin/sh
# Roll back to the release that was serving before the current one.
# The lab kit does the work: if the previous artifact is still in artifacts/,
# rolling back is a quick switch; if it was pruned, it tells you so and what
# a rebuild would cost. Extra arguments go to `lab rollback` (try --help).
# After the switch the answer cache moves to a fresh namespace, so the release
# rolled back to never serves an answer a newer release stored.
set -e
"${LAB:-lab}" rollback "$@"
sh scripts/cache-rotate.sh
