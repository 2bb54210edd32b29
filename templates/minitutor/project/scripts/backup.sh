#!/bin/sh
# Back up the quiz record before a release: sh scripts/backup.sh 1.2.3
# The record is quiz.db in the data directory every release shares (.lab/data:
# the lab kit hands it to every release as $LAB_DATA_DIR). SQLite copies it with
# VACUUM INTO a new temporary file, the copy must pass PRAGMA integrity_check,
# and only then is it renamed to backups/quiz.before-<version>.schema-<N>.db,
# N being the schema the record is at before <version> migrates it.
# `lab rollback --restore-data` puts such a copy back.
set -eu
VERSION="${1:?usage: sh scripts/backup.sh VERSION}"
data="${LAB_DATA_DIR:-.lab/data}"
if [ ! -f "$data/quiz.db" ]; then
    printf '[backup] %s/quiz.db does not exist yet; nothing to back up\n' "$data" >&2
    exit 0
fi
mkdir -p "$data/backups"
"${LAB_PYTHON:-python3}" - "$data" "$VERSION" <<'PY'
import os, sqlite3, sys
data, version = sys.argv[1], sys.argv[2]
tmp = os.path.join(data, "backups", f".quiz.before-{version}.{os.getpid()}.tmp")
src = sqlite3.connect(os.path.join(data, "quiz.db"), timeout=10)
schema = src.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
src.execute("VACUUM INTO ?", (tmp,))
src.close()
copy = sqlite3.connect(tmp)
verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
copy.close()
if verdict != "ok":
    os.unlink(tmp)
    sys.exit(f"[backup] ERROR: the copy of quiz.db failed its integrity check: {verdict}")
name = f"quiz.before-{version}.schema-{schema}.db"
os.replace(tmp, os.path.join(data, "backups", name))
print(f"[backup] quiz.db (schema {schema}) saved as backups/{name}", file=sys.stderr)
PY
