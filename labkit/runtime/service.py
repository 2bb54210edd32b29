"""The service's declaration of how it is built and run (service.yaml).

Read with the strict loader and checked with a pydantic model, so any problem
is one sentence naming service.yaml, the line and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator

from labcore.strict import KIB, Rules, load_yaml, require_mapping, schema_version, validate
from labkit.errors import DataError

FILENAME = "service.yaml"
_APP = re.compile(r"[a-z][a-z0-9-]{0,39}")  # a full match: no trailing newline
SCHEMA_VERSIONS = (1,)
MAX_BYTES = 64 * KIB
RULES = Rules(noun="service.yaml", one_document="keep every setting in one document",
              max_depth=8, max_nodes=2_000, max_lines=2_000)


def _strings(value: object, *, empty_ok: bool) -> bool:
    return (isinstance(value, list) and (empty_ok or bool(value))
            and all(isinstance(v, str) and v for v in value))


class ServiceModel(BaseModel):
    """service.yaml, schema_version 1; each bad field gets a plain sentence."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int
    app: str
    build: list[str]
    run: list[str]
    pythonpath: list[str] = []
    health: str = "/healthz"
    contract: str | None = None
    requirements: str = "requirements.lock"
    tag_format: str = "v{version}"
    dockerfile: str = "Dockerfile"

    @field_validator("app", mode="before")
    @classmethod
    def _app(cls, value: object) -> object:
        if not isinstance(value, str) or not value:
            raise ValueError("must be a non-empty string")
        if not _APP.fullmatch(value):
            raise ValueError("must be a lower-case name like 'tutor'")
        return value

    @field_validator("build", "run", mode="before")
    @classmethod
    def _argv(cls, value: object) -> object:
        if not _strings(value, empty_ok=False):
            raise ValueError("must be a non-empty list of strings")
        return value

    @field_validator("pythonpath", mode="before")
    @classmethod
    def _paths(cls, value: object) -> object:
        if not _strings(value, empty_ok=True):
            raise ValueError("must be a list of paths")
        return value

    @field_validator("health", mode="before")
    @classmethod
    def _health(cls, value: object) -> object:
        if not isinstance(value, str) or not value.startswith("/"):
            raise ValueError("must be a path starting with '/'")
        return value

    @field_validator("contract", "requirements", "dockerfile", mode="before")
    @classmethod
    def _path(cls, value: object) -> object:
        if value is not None and (not isinstance(value, str) or not value):
            raise ValueError("must be a path")
        return value

    @field_validator("tag_format", mode="before")
    @classmethod
    def _has_version(cls, value: object) -> object:
        if not isinstance(value, str) or "{version}" not in value:
            raise ValueError("must contain {version}")
        return value


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
    path = root / FILENAME
    if not path.exists() and not path.is_symlink():
        raise DataError(path, "is missing; a workspace declares its service there")
    doc = load_yaml(path, limit=MAX_BYTES, kind="a service.yaml file", rules=RULES)
    data = require_mapping(doc, "settings")
    schema_version(data, path, SCHEMA_VERSIONS, line_of=doc.line_of)
    model = validate(ServiceModel, data, path, line_of=doc.line_of)
    return ServiceSpec(
        app=model.app,
        build=tuple(model.build),
        run=tuple(model.run),
        pythonpath=tuple(model.pythonpath),
        health=model.health,
        contract=model.contract,
        requirements=model.requirements,
        tag_format=model.tag_format,
        dockerfile=model.dockerfile,
    )
