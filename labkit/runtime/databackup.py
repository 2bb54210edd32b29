"""Data backups and the rollback guard: a rollback does not hand a release data
it has never seen, unless the backup taken before that data changed is restored.

A release script backs up a SQLite file of the data directory before it deploys,
as ``backups/<name>.before-<release>.schema-<N>.db``: ``<name>.db`` as it was, at
schema N (the highest version in its ``schema_version`` table), just before
<release> went live. The backup's name is all the kit knows of a schema. Rolling
back to T crosses the releases served since T last served; the first of them with
a backup names the schema T last ran on. When the live file is at another
schema now, the rollback is refused, and ``--restore-data`` puts that backup in
place (the replaced file stays beside it) before the flip. No backup, no guard:
the kit then cannot tell and says so.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from labkit.errors import LabError, NoRollbackPath
from labkit.i18n import t
from labkit.runtime.history import History
from labkit.runtime.layout import Workspace

_NAME = re.compile(r"(?P<name>[A-Za-z0-9_-]+)\.before-(?P<release>[A-Za-z0-9.+-]+?)"
                   r"\.schema-(?P<schema>\d+)\.db")


class DataSchemaChanged(NoRollbackPath):
    """The data moved to another schema under the releases a rollback would leave."""


@dataclass(frozen=True)
class Backup:
    path: Path
    name: str  # the live file is <name>.db in the data directory
    release: str  # taken just before this release went live
    schema: int


def backups(ws: Workspace) -> list[Backup]:
    found = []
    for path in sorted((ws.data / "backups").glob("*.db")):
        match = _NAME.fullmatch(path.name)
        if match:
            found.append(Backup(path, match["name"], match["release"], int(match["schema"])))
    return found


def schema(db: Path) -> int | None:
    """The highest version in ``db``'s schema_version table (None when unreadable)."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
        try:
            return conn.execute("SELECT max(version) FROM schema_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def _intact(db: Path) -> bool:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
        try:
            return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def crossed(ws: Workspace, target: str) -> Backup | None:
    """The backup taken before the first release served after ``target`` last served."""
    served = History(ws.history_path).served()
    if target not in served:
        return None
    since = served[len(served) - served[::-1].index(target):]
    found = {backup.release: backup for backup in backups(ws)}
    return next((found[release] for release in since if release in found), None)


def guard(ws: Workspace, target: str, *, restore: bool,
          say=lambda line: None) -> Backup | None:
    """Refuse (or, with ``restore``, undo) a schema change between ``target`` and now;
    the backup restored, if any."""
    backup = crossed(ws, target)
    if backup is None:
        if any(ws.data.glob("*.db")):
            say(t("data.unchecked", target=target, data=_shown(ws, ws.data)))
        return None
    live = ws.data / f"{backup.name}.db"
    now = schema(live)
    if now == backup.schema:
        return None
    if not restore:
        shown_now = now if now is not None else t("data.unreadable_schema")
        raise DataSchemaChanged(t("data.refused", target=target, file=_shown(ws, live),
                                  now=shown_now, release=backup.release,
                                  schema=backup.schema),
                                hint=t("data.restore_hint"))
    tmp = live.with_name(f".{live.name}.restoring")
    shutil.copyfile(backup.path, tmp)
    if not _intact(tmp) or schema(tmp) != backup.schema:
        tmp.unlink()
        raise LabError(t("data.bad_backup", backup=_shown(ws, backup.path)))
    kept = backup.path.with_name(f"{backup.name}.replaced-by-rollback-to-{target}.db")
    n = 1
    while kept.exists():  # an earlier restore's leftovers are never overwritten
        n += 1
        kept = backup.path.with_name(f"{backup.name}.replaced-by-rollback-to-{target}.{n}.db")
    if live.exists():
        os.replace(live, kept)  # the data the newer releases wrote stays, unread
    os.replace(tmp, live)
    say(t("data.restored", backup=_shown(ws, backup.path), file=_shown(ws, live),
          schema=backup.schema, kept=_shown(ws, kept)))
    return backup


def _shown(ws: Workspace, path: Path) -> str:
    try:
        return str(path.relative_to(ws.root))
    except ValueError:
        return str(path)
