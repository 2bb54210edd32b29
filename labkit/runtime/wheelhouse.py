"""A local wheelhouse of the service's pinned dependencies, so builds run offline.

The first build that needs a pinned wheel downloads it once; every later build
(and every rebuild) installs from here with ``--no-index``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from labcore.locks import file_lock
from labkit.errors import BuildError
from labkit.paths import wheelhouse_dir

_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([A-Za-z0-9.+!_-]+)\s*(?:#.*)?$")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def pins(requirements: Path) -> list[tuple[str, str]]:
    out = []
    for number, raw in enumerate(requirements.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _PIN.match(line)
        if not match:
            raise BuildError(
                f"{requirements.name}, line {number}: {line!r} is not pinned as name==version"
            )
        out.append((match.group(1), match.group(2)))
    return out


def missing(requirements: Path, wheelhouse: Path) -> list[str]:
    present = {p.name.lower() for p in wheelhouse.glob("*.whl")} if wheelhouse.is_dir() else set()
    wanted = []
    for name, version in pins(requirements):
        prefix = f"{_norm(name)}-{version}-".lower()
        if not any(fname.startswith(prefix) for fname in present):
            wanted.append(f"{name}=={version}")
    return wanted


def ensure(requirements: Path, wheelhouse: Path | None = None) -> Path:
    """Make sure every pin of ``requirements`` has a wheel in the wheelhouse."""
    wheelhouse = wheelhouse or wheelhouse_dir()
    if not requirements.is_file():
        return wheelhouse
    if not missing(requirements, wheelhouse):
        return wheelhouse
    wheelhouse.mkdir(parents=True, exist_ok=True)
    with file_lock(wheelhouse / ".lock", timeout=600, what="another wheelhouse download"):
        wanted = missing(requirements, wheelhouse)
        if not wanted:
            return wheelhouse
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "-q",
             "--no-deps", "--only-binary=:all:", "-d", str(wheelhouse), *wanted],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0 or missing(requirements, wheelhouse):
            raise BuildError(
                f"the wheelhouse {wheelhouse} lacks {', '.join(wanted)} and downloading them failed",
                hint="builds need these wheels once; connect to a package index and build again",
            )
    return wheelhouse


def wheels_for(requirements: Path, wheelhouse: Path) -> list[Path]:
    """The wheelhouse's wheels of exactly the pins of ``requirements``."""
    if not requirements.is_file():
        return []
    out = []
    for name, version in pins(requirements):
        prefix = f"{_norm(name)}-{version}-".lower()
        out += [p for p in sorted(wheelhouse.glob("*.whl")) if p.name.lower().startswith(prefix)]
    return out
