#!/bin/sh
# Move the tutor's answer cache to a fresh namespace: just cache-rotate
# Every release reads and writes the namespace named in NAMESPACE, in the cache
# directory (.lab/data/cache: the lab kit hands it to every release as
# $LAB_DATA_DIR). Writing a new name there moves them all to an empty namespace
# in one step. Nothing is deleted in place: the old entries stay on disk, unread.
set -eu
cache="${LAB_DATA_DIR:-.lab/data}/cache"
mkdir -p "$cache"
old=$(cat "$cache/NAMESPACE" 2>/dev/null || true)
n=${old#ns-}
case "$n" in
    "" | *[!0-9]*) n=0 ;;
esac
new="ns-$((n + 1))"
printf '%s\n' "$new" > "$cache/NAMESPACE.$$"
mv "$cache/NAMESPACE.$$" "$cache/NAMESPACE"
printf '[cache] answers now go to namespace %s (was %s)\n' "$new" "${old:-ns-0}" >&2
