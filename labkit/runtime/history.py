"""Release history (`.lab/releases.jsonl`): every build, deploy, rollback and smoke verdict.

"Previous" always means the release served before the current one, read from
this history, never guessed from files on disk.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labcore.errors import DataError
from labcore.names import is_version
from labkit.runtime.fsutil import append_line
from labkit.runtime.statefile import read_records

SCHEMA_VERSION = 1
# The history is evidence: the kit reads it strictly and never rewrites it.
REPAIR_HINT = ("the release history is evidence the kit never rewrites: repair that line by "
               "hand (or ask your instructor); `lab doctor` lists every damaged state file")


@dataclass(frozen=True)
class BuildTimes:
    count: int
    median: float
    low: float
    high: float


class History:
    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, kind: str, version: str, **data: Any) -> dict[str, Any]:
        import json

        record = {"v": SCHEMA_VERSION, "at": round(time.time(), 3), "kind": kind,
                  "version": version, **data}
        append_line(self.path, json.dumps(record, sort_keys=True))
        return record

    def records(self) -> list[dict[str, Any]]:
        """Every record; a DataError naming the first line that is not one."""
        out = []
        for number, record in read_records(self.path, hint=REPAIR_HINT):
            if not isinstance(record.get("kind"), str):
                raise DataError(self.path, "is missing or not a string", line=number,
                                field="kind", hint=REPAIR_HINT)
            version = record.get("version")
            if not (is_version(version) or (record["kind"] == "smoke" and version == "-")):
                raise DataError(self.path, "is missing or not a release version", line=number,
                                field="version", hint=REPAIR_HINT)
            out.append(record)
        return out

    def served(self) -> list[str]:
        """Versions in the order they started serving (one entry per deploy)."""
        return [r["version"] for r in self.records() if r["kind"] == "deployed"]

    def serving(self) -> str | None:
        served = self.served()
        return served[-1] if served else None

    def previous(self) -> str | None:
        """The release served before the current one."""
        served = self.served()
        if not served:
            return None
        current = served[-1]
        for version in reversed(served[:-1]):
            if version != current:
                return version
        return None

    def release_order(self) -> list[str]:
        """Versions by when they were first released (built or deployed), oldest first."""
        order: list[str] = []
        for record in self.records():
            if record["kind"] in ("built", "deployed") and record["version"] not in order:
                order.append(record["version"])
        return order

    def build_times(self, backend: str | None = None) -> BuildTimes | None:
        """Measured builds (of one backend when named; unnamed records are the process's)."""
        seconds = [float(r["seconds"]) for r in self.records()
                   if r["kind"] == "built" and isinstance(r.get("seconds"), (int, float))
                   and (backend is None or r.get("backend", "process") == backend)]
        if not seconds:
            return None
        return BuildTimes(len(seconds), statistics.median(seconds), min(seconds), max(seconds))

    def smoke_verdicts(self) -> dict[str, bool]:
        """The latest smoke verdict of each version."""
        verdicts: dict[str, bool] = {}
        for record in self.records():
            if record["kind"] == "smoke":
                verdicts[record["version"]] = bool(record.get("passed"))
        return verdicts
