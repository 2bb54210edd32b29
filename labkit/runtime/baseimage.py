"""The offline base image of the docker backend: Debian's python3 from packages.

Made once with ``mmdebstrap --variant=minbase --include=python3,python3-venv
bookworm`` into the kit's cache directory (shared by every workspace and test),
then ``docker import``-ed. Nothing is ever pulled from a registry.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from labcore.locks import file_lock
from labkit.errors import BuildError
from labkit.i18n import t
from labkit.paths import cache_dir
from labkit.runtime import dockerapi

SUITE = "bookworm"
PACKAGES = ("python3", "python3-venv")
# Documentation, manual pages and translations stay out of the image.
EXCLUDES = ("/usr/share/doc/*", "/usr/share/man/*", "/usr/share/locale/*", "/usr/share/info/*")
IMAGE = f"labkit/base:{SUITE}-python3"
CHANGES = [
    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "ENV LANG=C.UTF-8",
    f"LABEL {dockerapi.KIT_LABEL}={dockerapi.KIT}",
]


def tarball() -> Path:
    return cache_dir() / "docker" / f"{SUITE}-python3.tar"


def ensure(say=lambda line: None) -> str:
    """The base image's tag, importing it (and making its tarball) when missing."""
    from docker.errors import ImageNotFound

    api = dockerapi.client()
    try:
        api.images.get(IMAGE)
        return IMAGE
    except ImageNotFound:
        pass
    started = time.monotonic()
    say(t("docker.base_building", image=IMAGE, cache=tarball().parent))
    tar = tarball()
    tar.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(tar.parent / ".base.lock", timeout=900, what="another base image build"):
        try:
            api.images.get(IMAGE)
            return IMAGE
        except ImageNotFound:
            pass
        if not tar.is_file():
            _debootstrap(tar, say)
        say(f"[docker] docker import {tar.name} {IMAGE}")
        api.api.import_image_from_file(str(tar), repository=IMAGE.split(":")[0],
                                       tag=IMAGE.split(":")[1], changes=CHANGES)
    say(t("docker.base_imported", image=IMAGE, seconds=time.monotonic() - started))
    return IMAGE


def _mmdebstrap() -> str:
    found = shutil.which("mmdebstrap")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "mmdebstrap"], env=env,
                       capture_output=True)
        found = shutil.which("mmdebstrap")
        if found:
            return found
    raise BuildError(t("docker.no_mmdebstrap"))


def _debootstrap(tar: Path, say) -> None:
    part = tar.with_name(tar.name + ".part.tar")
    argv = [_mmdebstrap(), "--variant=minbase", "--format=tar",
            f"--include={','.join(PACKAGES)}",
            *(f"--dpkgopt=path-exclude={path}" for path in EXCLUDES),
            "--dpkgopt=force-unsafe-io",  # a throwaway tree: no fsync per unpacked file
            SUITE, str(part)]
    say("[docker] " + " ".join(argv[:1] + [a for a in argv[1:] if a != str(part)]) + f" {tar.name}")
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    tail: list[str] = []
    for line in proc.stdout:
        line = line.rstrip()
        tail = (tail + [line])[-20:]
        if line.startswith("I: "):
            say(f"[docker]   {line[3:]}")
    if proc.wait() != 0 or not part.is_file():
        part.unlink(missing_ok=True)
        raise BuildError(f"mmdebstrap could not make the base image (exit {proc.returncode})",
                         hint="\n".join(tail) or None)
    os.replace(part, tar)
