#!/bin/sh
# Cut a release: just release 1.2.3
# Tags the current commit, builds the artifact from that tag, deploys it and
# prunes old artifacts. Old artifacts are your rollback path: keep some.
set -eu
LAB="${LAB:-lab}"
VERSION="${1:-}"

fail() { printf '[release] ERROR: %s\n' "$*" >&2; exit 1; }
# Print each just recipe before running it, so the log shows what really ran.
just() { printf '[release] %s\n' "$*"; command just "$@"; }

# 1. Check the version: three numbers joined by dots, not released before.
bad="version '$VERSION' is not of the form X.Y.Z (for example 1.2.3)"
case "$VERSION" in
    "") fail "missing version; usage: just release X.Y.Z" ;;
    *[!0-9.]* | .* | *. | *..* | *.*.*.*) fail "$bad" ;;
    *.*.*) ;;  # digits only, exactly two dots, no empty part
    *) fail "$bad" ;;
esac
if git rev-parse -q --verify "refs/tags/v$VERSION" >/dev/null; then
    fail "tag v$VERSION already exists; pick the next version"
fi

# 2. Record the version in a commit and tag it; the build uses the tag.
printf '%s\n' "$VERSION" > VERSION
git add VERSION
git commit -q --allow-empty -m "release $VERSION"
git tag -a "v$VERSION" -m "release $VERSION"
printf '[release] tagged v%s\n' "$VERSION"

# 3. Back up the data the release may migrate, build the artifact from the tag, deploy it.
sh scripts/backup.sh "$VERSION"
"$LAB" artifacts build "$VERSION" --ref "v$VERSION"
"$LAB" deploy "$VERSION"

# 4. Prune old artifacts, keeping the newest five.
just artifacts-prune --keep 5
