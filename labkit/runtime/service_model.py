"""The pydantic model of service.yaml (schema_version 1), read when the file's bytes
are new; each field is checked by its function in :mod:`.service`."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict

from labkit.runtime.service import (
    check_app,
    check_argv,
    check_health,
    check_path,
    check_paths,
    check_tag_format,
)


class ServiceModel(BaseModel):
    """service.yaml, schema_version 1; each bad field gets a plain sentence."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int
    app: Annotated[str, BeforeValidator(check_app)]
    build: Annotated[list[str], BeforeValidator(check_argv)]
    run: Annotated[list[str], BeforeValidator(check_argv)]
    pythonpath: Annotated[list[str], BeforeValidator(check_paths)] = []
    health: Annotated[str, BeforeValidator(check_health)] = "/healthz"
    contract: Annotated[str | None, BeforeValidator(check_path)] = None
    requirements: Annotated[str, BeforeValidator(check_path)] = "requirements.lock"
    tag_format: Annotated[str, BeforeValidator(check_tag_format)] = "v{version}"
    dockerfile: Annotated[str, BeforeValidator(check_path)] = "Dockerfile"
