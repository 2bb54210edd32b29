"""The docker backend's build: `docker build` of an exported git ref with the
workspace's own Dockerfile, then `docker save` into the artifact store.

The build context is the plain export plus `.wheelhouse/` (the release's pinned
wheels, and in `gate/` the wheels of pytest for the test gate), so nothing is downloaded inside the build and
the base image is the kit's offline one. Every build is uncached, like a clean
build host's.
"""

from __future__ import annotations

import hashlib
import shutil
from importlib import metadata
from pathlib import Path

from labkit.errors import BuildError
from labkit.runtime import baseimage, dockerapi, wheelhouse
from labkit.runtime.artifacts import ArtifactStore
from labkit.runtime.layout import Workspace

# What the service's tests need inside the image to gate the build: pytest and what it
# requires, pinned to the versions the kit runs with, so both backends gate alike.
GATE_TOOL = "pytest"
CONTEXT_WHEELS = ".wheelhouse"


def gate_pins(tool: str = GATE_TOOL) -> list[str]:
    from packaging.requirements import Requirement

    seen: dict[str, str] = {}
    todo = [tool]
    while todo:
        name = todo.pop()
        key = name.lower().replace("_", "-")
        if key in seen:
            continue
        seen[key] = f"{name}=={metadata.version(name)}"
        for spec in metadata.requires(name) or []:
            req = Requirement(spec)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return sorted(seen.values())


def image_digest(attrs: dict) -> str:
    """The content address of an image's filesystem (its layer chain): the same after
    `docker save` and `docker load`, whatever the image is tagged."""
    layers = (attrs.get("RootFS") or {}).get("Layers") or []
    return "sha256:" + hashlib.sha256("\n".join(layers).encode()).hexdigest()


def build_image(ws: Workspace, version: str, src: Path, say) -> tuple[Path, dict]:
    """Build and save the image of ``version`` from the export in ``src``.

    Returns the saved archive (a scratch file of the store) and the manifest fields
    naming the image.
    """
    api = dockerapi.client()
    dockerfile = src / ws.spec.dockerfile
    if not dockerfile.is_file():
        raise BuildError(f"{ws.spec.dockerfile} is missing from the release's sources; the "
                         "docker backend builds each release with the workspace's own Dockerfile")
    base = baseimage.ensure(say)
    wheels = src / CONTEXT_WHEELS
    (wheels / "gate").mkdir(parents=True)
    gate = wheels / "gate.lock"
    gate.write_text("\n".join(gate_pins()) + "\n")
    requirements = src / ws.spec.requirements
    house = wheelhouse.ensure(requirements)
    wheelhouse.ensure(gate, house)
    for wheel in wheelhouse.wheels_for(requirements, house):
        shutil.copy2(wheel, wheels / wheel.name)
    for wheel in wheelhouse.wheels_for(gate, house):
        shutil.copy2(wheel, wheels / "gate" / wheel.name)
    tag = f"{dockerapi.repository(ws)}:{version}"
    replaced = _image_id(api, tag)
    layers: list[str] = []
    tail: list[str] = []
    stream = api.api.build(path=str(src), dockerfile=ws.spec.dockerfile, tag=tag,
                           buildargs={"BASE": base, "VERSION": version},
                           labels=dockerapi.labels(ws, version), nocache=True, rm=True,
                           forcerm=True, pull=False, decode=True)
    for chunk in stream:
        if "error" in chunk:
            _remove_untagged(api, layers[-1:])  # the last step that worked, and its parents
            raise BuildError(
                f"the image build of {version} failed; no artifact was stored",
                hint="\n".join((tail + [str(chunk["error"]).strip()])[-25:]),
            )
        for line in str(chunk.get("stream", "")).splitlines():
            line = line.rstrip()
            if not line:
                continue
            tail = (tail + [line])[-25:]
            if line.startswith(" ---> ") and " " not in line[6:].strip():
                layers.append(line[6:].strip())
            if line.startswith("Step "):
                say(f"[build] {line}")
    image = api.images.get(tag)
    if replaced and replaced != image.id:
        _remove_untagged(api, [replaced])  # the image this build replaced under its tag
    store = ArtifactStore(ws)
    tmp = store.scratch(version)
    try:
        with open(tmp, "wb") as handle:
            for block in image.save(named=True):
                handle.write(block)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp, {"image_id": image.id, "image_digest": image_digest(image.attrs),
                 "image_tag": tag, "backend": "docker"}


def _image_id(api, ref: str) -> str | None:
    from docker.errors import DockerException

    try:
        return api.images.get(ref).id
    except DockerException:
        return None


def _remove_untagged(api, refs: list[str]) -> None:
    """Remove images no tag and no container uses any more (never forced)."""
    from docker.errors import DockerException

    for ref in refs:
        try:
            if not api.images.get(ref).tags:
                api.images.remove(ref)
        except DockerException:
            continue
