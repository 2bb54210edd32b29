"""The artifact store: `artifacts/<app>-<version>.tar` plus a manifest beside each.

The manifest (`<app>-<version>.manifest.json`) holds the version, the commit it
was built from, the sha256 and size of the tar, and the build seconds. An
artifact is *verified* when its tar exists and hashes to its manifest.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tarfile
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from labkit.errors import ArtifactError, DataError
from labkit.runtime import failpoints
from labkit.runtime.fsutil import atomic_write_json
from labkit.runtime.layout import Workspace, check_version
from labkit.runtime.statefile import read_object

MANIFEST_SCHEMA = 1


@dataclass(frozen=True)
class ArtifactInfo:
    version: str
    file: str
    commit: str | None
    size: int
    sha256: str | None
    build_seconds: float | None
    verified: bool
    problem: str | None

    def as_dict(self) -> dict:
        return asdict(self)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class ArtifactStore:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.dir = ws.artifacts

    def tar_path(self, version: str) -> Path:
        return self.dir / self.ws.artifact_name(version)

    def manifest_path(self, version: str) -> Path:
        return self.dir / f"{self.ws.spec.app}-{version}.manifest.json"

    def versions(self) -> list[str]:
        """Versions whose tar is present, in no particular order."""
        prefix = f"{self.ws.spec.app}-"
        if not self.dir.is_dir():
            return []
        return sorted(
            p.name[len(prefix):-len(".tar")]
            for p in self.dir.glob(f"{prefix}*.tar")
            if p.is_file()
        )

    def has(self, version: str) -> bool:
        return self.tar_path(version).is_file()

    def rebuild_command(self, version: str) -> str:
        return f"lab artifacts build {version} --ref {self.ws.spec.tag(version)}"

    def manifest(self, version: str) -> dict | None:
        """The manifest of the tar on disk (settling a replacement a crash interrupted).

        A DataError naming the file and line when it cannot be read.
        """
        data = read_object(self.manifest_path(version),
                           hint=f"rebuild the artifact: {self.rebuild_command(version)}")
        if data is None:
            return None
        incoming = data.get("next")
        if isinstance(incoming, dict) and self.has(version):
            if sha256_file(self.tar_path(version)) == incoming.get("sha256"):
                return incoming
            return {k: v for k, v in data.items() if k != "next"}
        return data

    def info(self, version: str) -> ArtifactInfo:
        tar = self.tar_path(version)
        try:
            manifest = self.manifest(version) or {}
            problem = self._problem(version, manifest)
        except DataError as err:
            manifest, problem = {}, str(err)
        return ArtifactInfo(
            version=version,
            file=tar.name,
            commit=manifest.get("commit"),
            size=tar.stat().st_size if tar.exists() else 0,
            sha256=manifest.get("sha256"),
            build_seconds=manifest.get("build_seconds"),
            verified=problem is None,
            problem=problem,
        )

    def _problem(self, version: str, manifest: dict) -> str | None:
        tar = self.tar_path(version)
        if not tar.is_file():
            return "missing"
        if not manifest:
            return "no manifest"
        if manifest.get("version") != version:
            return "manifest names another version"
        if tar.stat().st_size != manifest.get("size"):
            return "size differs from its manifest"
        if self.digest(tar) != manifest.get("sha256"):
            return "sha256 differs from its manifest (corrupt)"
        return None

    def digest(self, tar: Path) -> str:
        """The sha256 of ``tar``, hashed again whenever the file may have changed.

        An image archive is large, and a flip verifies its target, so a digest is
        remembered in `.lab/verified.json` with the file's size, inode and change
        time (ctime, which any write or rename moves and no tool can set back).
        """
        st = tar.stat()
        stamp = [st.st_size, st.st_ino, st.st_ctime_ns, st.st_mtime_ns]
        path = self.ws.state / "verified.json"
        try:
            known = read_object(path) or {}
        except DataError:  # a cache the kit derives: a damaged one is rebuilt
            known = {}
        entry = known.get(tar.name)
        if isinstance(entry, dict) and entry.get("stat") == stamp and entry.get("sha256"):
            return entry["sha256"]
        digest = sha256_file(tar)
        if self.ws.state.is_dir():
            known = {k: v for k, v in known.items() if (self.dir / k).is_file()}
            known[tar.name] = {"stat": stamp, "sha256": digest}
            with contextlib.suppress(OSError):
                atomic_write_json(path, known)
        return digest

    def verify(self, version: str) -> dict:
        """The manifest of a verified artifact; ArtifactError otherwise."""
        check_version(version)
        try:
            manifest = self.manifest(version) or {}
        except DataError as err:
            raise ArtifactError(str(err), hint=err.hint) from None
        problem = self._problem(version, manifest)
        if problem == "missing":
            raise ArtifactError(
                f"no artifact for {version}: {self.dir.name}/{self.tar_path(version).name} does not exist",
                hint=f"build it first: lab artifacts build {version}",
            )
        if problem:
            raise ArtifactError(
                f"artifact {self.tar_path(version).name} failed verification: {problem}",
                hint=f"rebuild it: {self.rebuild_command(version)}",
            )
        return manifest

    def store(self, version: str, payload: Path, *, commit: str, ref: str, seconds: float) -> dict:
        """Pack ``payload`` into the store atomically and write its manifest."""
        tmp = self.scratch(version)
        try:
            with tarfile.open(tmp, "w", format=tarfile.PAX_FORMAT) as tar:
                for path in sorted(payload.rglob("*")):
                    rel = path.relative_to(payload).as_posix()
                    info = tar.gettarinfo(str(path), arcname=rel)
                    info.uid = info.gid = 0
                    info.uname = info.gname = ""
                    if info.isreg():
                        with path.open("rb") as handle:
                            tar.addfile(info, handle)
                    elif info.isdir() or info.issym():
                        tar.addfile(info)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        return self.store_file(version, tmp, commit=commit, ref=ref, seconds=seconds)

    def scratch(self, version: str) -> Path:
        """A new empty file in the store's directory to write an incoming tar into."""
        self.dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{version}.{os.getpid()}.", suffix=".tar.tmp",
                                   dir=self.dir)
        os.close(fd)
        return Path(tmp)

    def store_file(self, version: str, tmp: Path, *, commit: str, ref: str, seconds: float,
                   extra: dict | None = None) -> dict:
        """Move the finished tar ``tmp`` (from :meth:`scratch`) into the store with its
        manifest; ``extra`` adds fields (an image's id and digest)."""
        try:
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
            manifest = {
                "schema_version": MANIFEST_SCHEMA,
                "app": self.ws.spec.app,
                "version": version,
                "commit": commit,
                "ref": ref,
                "sha256": sha256_file(Path(tmp)),
                "size": os.path.getsize(tmp),
                "build_seconds": round(seconds, 3),
                "built_at": round(time.time(), 3),
                **(extra or {}),
            }
            # Three atomic steps, each leaving a verifiable artifact behind: announce
            # the incoming tar in the old manifest, swap the tar, settle the manifest.
            failpoints.hit("store.packed")
            try:
                current = self.manifest(version)
            except DataError:  # an unreadable manifest is what this build replaces
                current = None
            if current and self.has(version):
                atomic_write_json(self.manifest_path(version), {**current, "next": manifest})
            else:
                atomic_write_json(self.manifest_path(version), manifest)
            failpoints.hit("store.announced")
            os.replace(tmp, self.tar_path(version))
            failpoints.hit("store.swapped")
            atomic_write_json(self.manifest_path(version), manifest)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        return manifest

    def remove(self, version: str) -> None:
        """Delete an artifact: the tar first (it is what makes an artifact exist)."""
        for path in (self.tar_path(version), self.manifest_path(version)):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
            failpoints.hit("store.removing")

    def unpack(self, version: str, dest: Path) -> None:
        """Extract a verified artifact into ``dest`` (atomically: temp dir then rename)."""
        manifest = self.verify(version)
        marker = dest / ".artifact-sha256"
        if marker.is_file() and marker.read_text().strip() == manifest["sha256"]:
            return
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{version}.{os.getpid()}.", dir=dest.parent))
        try:
            with tarfile.open(self.tar_path(version)) as tar:
                _extract(tar, tmp)
            failpoints.hit("unpack.extracted")
            (tmp / ".artifact-sha256").write_text(manifest["sha256"] + "\n")
            if dest.exists():
                _rmtree(dest)
            os.replace(tmp, dest)
        except BaseException:
            _rmtree(tmp)
            raise


def _extract(tar: tarfile.TarFile, dest: Path) -> None:
    if hasattr(tarfile, "data_filter"):
        tar.extractall(dest, filter="data")
        return
    root = dest.resolve()
    for member in tar.getmembers():  # Python < 3.12 without the data filter
        target = (dest / member.name).resolve()
        if root not in (target, *target.parents) or member.isdev() or member.islnk():
            raise ArtifactError(f"artifact member {member.name!r} points outside the release")
    tar.extractall(dest)


def _rmtree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)
