#!/bin/sh
# The auto-updater: deploy the release the stable channel names.
#   just update             deploy it when it is newer than the serving release
#   just update --dry-run   only say what it would do
# deploy/channel.json maps the channel to a version, e.g. {"stable": "1.2.3"};
# promoting a release means moving "stable" forward to it.
set -eu
LAB="${LAB:-lab}"
CHANNEL="${CHANNEL:-deploy/channel.json}"
DRY="${1:-}"

say() { printf '[update] %s\n' "$*"; }
refuse() { printf '[update] REFUSED: %s\n' "$*" >&2; exit 1; }
# version_ge A B: A is B or newer (numeric, part by part)
version_ge() {
    [ "$(printf '%s\n%s\n' "$1" "$2" | sort -t. -k1,1n -k2,2n -k3,3n | tail -n 1)" = "$1" ]
}

target=$(sed -n 's/.*"stable"[[:space:]]*:[[:space:]]*"\([0-9][0-9.]*\)".*/\1/p' "$CHANNEL")
[ -n "$target" ] || refuse "$CHANNEL names no stable version"
current=$("$LAB" status --json | sed -n 's/^ *"serving": *"\([0-9.]*\)".*/\1/p' | head -n 1)
if [ "$target" = "$current" ]; then
    say "stable is $target, which is serving; nothing to do"
    exit 0
fi
# The downgrade guard: a channel only ever moves forward.
version_ge "$target" "${current:-0.0.0}" || refuse "stable names $target, older than the serving $current"
if [ "$DRY" = "--dry-run" ]; then
    say "would deploy $target (serving ${current:-nothing})"
    exit 0
fi
say "stable is $target; deploying it (serving ${current:-nothing})"
"$LAB" deploy "$target"
