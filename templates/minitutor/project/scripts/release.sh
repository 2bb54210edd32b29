#!/bin/sh
# Cut a release: just release 1.2.3
# Tags the current commit, builds the artifact from that tag, deploys it and
# prunes old artifacts. Old artifacts are your rollback path: keep some.
set -eu
LAB="${LAB:-lab}"
VERSION="${1:-}"

fail() { printf '[release] ERROR: %s\n' "$*" >&2; exit 1; }

# 1. Check the version: three numbers, and not released before.
[ -n "$VERSION" ] || fail "missing version; usage: just release X.Y.Z"
printf '%s\n' "$VERSION" | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+$' \
    || fail "version '$VERSION' is not of the form X.Y.Z (for example 1.2.3)"
if git rev-parse -q --verify "refs/tags/v$VERSION" >/dev/null; then
    fail "tag v$VERSION already exists; pick the next version"
fi

# 2. Record the version in a commit and tag it; the build uses the tag.
printf '%s\n' "$VERSION" > VERSION
git add VERSION
git commit -q --allow-empty -m "release $VERSION"
git tag -a "v$VERSION" -m "release $VERSION"
printf '[release] tagged v%s\n' "$VERSION"

# 3. Build the artifact from the tag, then deploy it.
"$LAB" artifacts build "$VERSION" --ref "v$VERSION"
"$LAB" deploy "$VERSION"

# 4. Prune old artifacts, keeping the newest five.
echo "[release] artifacts-prune --keep 5"
just artifacts-prune --keep 5
