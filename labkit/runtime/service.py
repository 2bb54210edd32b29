"""The service's declaration of how it is built and run (service.yaml).

Read with the strict loader and checked with a pydantic model, so any problem
is one sentence naming service.yaml, the line and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from labcore.strict import KIB, Rules, load_yaml, require_mapping, schema_version, validate
from labkit.errors import DataError

FILENAME = "service.yaml"
SCHEMA_VERSIONS = (1,)
MAX_BYTES = 64 * KIB
RULES = Rules(noun="service.yaml", one_document="keep every setting in one document",
              max_depth=8, max_nodes=2_000, max_lines=2_000)


def _text(value: str) -> str:
    if not value:
        raise ValueError("must be a non-empty string")
    return value


class ServiceModel(BaseModel):
    """service.yaml, schema_version 1."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    schema_version: int
    app: str = Field(pattern=r"^[a-z][a-z0-9-]{0,39}$")
    build: list[str] = Field(min_length=1)
    run: list[str] = Field(min_length=1)
    pythonpath: list[str] = []
    health: str = "/healthz"
    contract: str | None = None
    requirements: str = "requirements.lock"
    tag_format: str = "v{version}"

    @field_validator("health")
    @classmethod
    def _path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("must be a path starting with '/'")
        return value

    @field_validator("requirements", "contract")
    @classmethod
    def _non_empty(cls, value: str | None) -> str | None:
        return value if value is None else _text(value)

    @field_validator("tag_format")
    @classmethod
    def _has_version(cls, value: str) -> str:
        if "{version}" not in value:
            raise ValueError("must contain {version}")
        return value

    @field_validator("build", "run")
    @classmethod
    def _argv(cls, value: list[str]) -> list[str]:
        if not all(value):
            raise ValueError("must be a non-empty list of non-empty strings")
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
    )
