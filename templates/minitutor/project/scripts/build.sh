#!/bin/sh
# Build one release of the service into $LAB_OUT, the way a real build does:
# copy the code, install the pinned dependencies from a local wheelhouse, run
# the service's own tests against the result (a failing test fails the
# build), stamp the version. The lab kit then packs $LAB_OUT into
# artifacts/<app>-<version>.tar.
#
# Runs from a plain export of a git ref. Inputs (set by `lab artifacts build`):
#   LAB_OUT         empty directory to fill with the release payload
#   LAB_WHEELHOUSE  directory of wheels (no network needed)
#   LAB_PYTHON      the Python interpreter to build and test with
#   LAB_VERSION     the version being built
set -eu
: "${LAB_OUT:?LAB_OUT is not set}" "${LAB_WHEELHOUSE:?LAB_WHEELHOUSE is not set}"
: "${LAB_PYTHON:?LAB_PYTHON is not set}" "${LAB_VERSION:?LAB_VERSION is not set}"
say() { printf '[build] %s\n' "$*"; }

say "copying sources for $LAB_VERSION"
cp -R src contract "$LAB_OUT/"

say "installing pinned dependencies from requirements.lock"
PIP_DISABLE_PIP_VERSION_CHECK=1 "$LAB_PYTHON" -m pip install --quiet \
    --no-index --find-links "$LAB_WHEELHOUSE" --no-deps \
    --target "$LAB_OUT/site" -r requirements.lock

say "running the service's tests against the release"
# The tests see only the release's code and dependencies (plus pytest), not
# plugins that happen to be installed next to the build's Python.
PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 PYTHONDONTWRITEBYTECODE=1 \
    PYTHONPATH="$LAB_OUT/site:$LAB_OUT/src" \
    "$LAB_PYTHON" -m pytest -q -p no:cacheprovider tests

printf '%s\n' "$LAB_VERSION" > "$LAB_OUT/VERSION"
say "release $LAB_VERSION ready"
