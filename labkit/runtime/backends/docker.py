"""The docker backend: a release is an image (its `docker save` archive is the
artifact), run as a container publishing the service's port on 127.0.0.1 only.

Every daemon call goes through the docker SDK. Images and containers carry the
kit's labels (kit, workspace, app, version), so `lab stop` and a restarted
supervisor find exactly this workspace's containers.
"""

from __future__ import annotations

import contextlib
import os

from labkit.errors import ArtifactError
from labkit.runtime import dockerapi, failpoints
from labkit.runtime.artifacts import ArtifactStore
from labkit.runtime.backends.base import Backend, Running

DATA_DIR = "/data"  # where a container sees the workspace's .lab/data


class ContainerRunning(Running):
    def __init__(self, version: str, port: int, container) -> None:
        self.version = version
        self.port = port
        self.container = container
        self.ident = container.short_id

    def alive(self) -> bool:
        from docker.errors import DockerException

        try:
            self.container.reload()
        except DockerException:
            return False
        return self.container.status in ("created", "running")

    async def stop(self, timeout: float = 5.0) -> None:
        import asyncio

        await asyncio.to_thread(self._remove, max(1, int(timeout)))

    def _remove(self, timeout: int) -> None:
        from docker.errors import DockerException

        with contextlib.suppress(DockerException):
            self.container.stop(timeout=timeout)
        with contextlib.suppress(DockerException):
            self.container.remove(force=True)

    def log_tail(self, lines: int = 20) -> str:
        from docker.errors import DockerException

        try:
            return self.container.logs(tail=lines).decode(errors="replace")
        except DockerException:
            return ""


class DockerBackend(Backend):
    kind = "docker"

    def check(self) -> None:
        dockerapi.client()

    def tag(self, version: str) -> str:
        return f"{dockerapi.repository(self.ws)}:{version}"

    def _image_id(self, manifest: dict, version: str) -> str:
        image_id = manifest.get("image_id")
        if not image_id:
            raise ArtifactError(
                f"artifact {self.ws.artifact_name(version)} holds no image (it was built for "
                "the process backend)",
                hint=f"rebuild it: lab artifacts build {version} --ref {self.ws.spec.tag(version)}",
            )
        return image_id

    def prepare(self, version: str) -> None:
        """Load the verified archive when its image is missing, then tag it for here."""
        from docker.errors import ImageNotFound

        store = ArtifactStore(self.ws)
        manifest = store.verify(version)
        image_id = self._image_id(manifest, version)
        api = dockerapi.client()
        try:
            image = api.images.get(image_id)
        except ImageNotFound:
            with open(store.tar_path(version), "rb") as handle:
                api.images.load(handle)
            try:
                image = api.images.get(image_id)
            except ImageNotFound:
                raise ArtifactError(
                    f"{self.ws.artifact_name(version)} did not load the image its manifest "
                    f"names ({image_id[:19]})") from None
            failpoints.hit("unpack.extracted")
        image.tag(dockerapi.repository(self.ws), version)

    def prepared(self, version: str) -> bool:
        from docker.errors import DockerException

        manifest = ArtifactStore(self.ws).manifest(version) or {}
        try:
            image = dockerapi.client().images.get(self.tag(version))
        except DockerException:
            return False
        return bool(manifest.get("image_id")) and image.id == manifest["image_id"]

    def digest(self, version: str) -> str | None:
        """The artifact's sha256 when the image tagged here is the one its manifest names."""
        if not self.prepared(version):
            return None
        return (ArtifactStore(self.ws).manifest(version) or {}).get("sha256")

    def discard(self, version: str) -> None:
        """Remove this workspace's image of ``version`` (gone with its last tag)."""
        from docker.errors import DockerException

        with contextlib.suppress(DockerException):
            dockerapi.client().images.remove(self.tag(version))

    async def start(self, version: str, port: int) -> Running:
        import asyncio

        api = dockerapi.client()
        # Like a process release, a container gets the workspace's data directory (state
        # its releases share, such as a cache) and runs as the workspace's owner, so what
        # it writes there stays theirs.
        self.ws.data.mkdir(parents=True, exist_ok=True)
        container = await asyncio.to_thread(
            api.containers.run, self.tag(version), detach=True,
            ports={f"{dockerapi.PORT}/tcp": ("127.0.0.1", port)},
            labels=dockerapi.labels(self.ws, version),
            environment={"PORT": str(dockerapi.PORT), "LAB_VERSION": version,
                         "LAB_DATA_DIR": DATA_DIR},
            volumes={str(self.ws.data.resolve()): {"bind": DATA_DIR, "mode": "rw"}},
            user=f"{os.getuid()}:{os.getgid()}",
        )
        return ContainerRunning(version, port, container)

    def sweep(self) -> list[str]:
        from docker.errors import DockerException

        try:
            return dockerapi.remove_workspace_containers(self.ws)
        except (DockerException, dockerapi.DaemonUnavailable):
            return []
