"""The service's declaration of how it is built and run (service.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from labkit.errors import DataError

FILENAME = "service.yaml"
_APP = re.compile(r"^[a-z][a-z0-9-]{0,39}$")


@dataclass(frozen=True)
class ServiceSpec:
    app: str
    build: tuple[str, ...]
    run: tuple[str, ...]
    pythonpath: tuple[str, ...]
    health: str
    contract: str | None
    requirements: str
    tag_format: str
    dockerfile: str = "Dockerfile"

    def tag(self, version: str) -> str:
        return self.tag_format.format(version=version)


def load(root: Path) -> ServiceSpec:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    path = root / FILENAME
    try:
        doc = YAML(typ="safe").load(path.read_text())
    except FileNotFoundError:
        raise DataError(path, "is missing; a workspace declares its service there") from None
    except YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise DataError(path, "is not valid YAML", line=line) from None
    if not isinstance(doc, dict):
        raise DataError(path, "must be a mapping of settings")
    if doc.get("schema_version") != 1:
        raise DataError(path, "must be 1", field="schema_version")

    def text(key: str, default: str | None = None) -> str:
        value = doc.get(key, default)
        if not isinstance(value, str) or not value:
            raise DataError(path, "must be a non-empty string", field=key)
        return value

    def argv(key: str) -> tuple[str, ...]:
        value = doc.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise DataError(path, "must be a non-empty list of strings", field=key)
        return tuple(value)

    app = text("app")
    if not _APP.match(app):
        raise DataError(path, "must be a lower-case name like 'tutor'", field="app")
    pythonpath = doc.get("pythonpath", [])
    if not isinstance(pythonpath, list) or not all(isinstance(v, str) for v in pythonpath):
        raise DataError(path, "must be a list of paths", field="pythonpath")
    health = text("health", "/healthz")
    if not health.startswith("/"):
        raise DataError(path, "must be a path starting with '/'", field="health")
    contract = doc.get("contract")
    if contract is not None and not isinstance(contract, str):
        raise DataError(path, "must be a path", field="contract")
    tag_format = text("tag_format", "v{version}")
    if "{version}" not in tag_format:
        raise DataError(path, "must contain {version}", field="tag_format")
    return ServiceSpec(
        app=app,
        build=argv("build"),
        run=argv("run"),
        pythonpath=tuple(pythonpath),
        health=health,
        contract=contract,
        requirements=text("requirements", "requirements.lock"),
        tag_format=tag_format,
        dockerfile=text("dockerfile", "Dockerfile"),
    )
