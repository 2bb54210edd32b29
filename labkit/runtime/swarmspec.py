"""How a workspace's service runs on a swarm: ``deploy/service.yaml``, owned by the
workspace and read strictly (any problem is one sentence naming the file, the line
and the field). The kit turns it into the service's create arguments; what changes
between releases afterwards (the image) is the workspace's own business.

A sketch of the file::

    schema_version: 1
    replicas: 1
    env: {TUTOR_GREETING: hello}
    healthcheck: {test: [python3, -m, minitutor.healthcheck], interval_s: 1,
                  timeout_s: 2, retries: 2, start_period_s: 1}
    update_config: {order: start-first, failure_action: rollback, monitor_s: 4}
    rollback_config: {order: start-first, monitor_s: 2}
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from labcore.strict import KIB, Rules, load_yaml, require_mapping, schema_version, validate
from labkit.errors import DataError

FILENAME = "deploy/service.yaml"
SCHEMA_VERSIONS = (1,)
MAX_BYTES = 32 * KIB
RULES = Rules(noun="deploy/service.yaml", one_document="keep the whole spec in one document",
              max_depth=6, max_nodes=1_000, max_lines=1_000)
_ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]{0,63}")
SECOND = 1_000_000_000  # the daemon counts durations in nanoseconds


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HealthSpec(_Strict):
    test: list[str] = Field(min_length=1)
    interval_s: float = Field(default=1.0, gt=0, le=60)
    timeout_s: float = Field(default=2.0, gt=0, le=60)
    retries: int = Field(default=2, ge=1, le=10)
    start_period_s: float = Field(default=1.0, ge=0, le=300)

    @field_validator("test")
    @classmethod
    def _argv(cls, value: list[str]) -> list[str]:
        if not all(isinstance(v, str) and v for v in value):
            raise ValueError("must be a command as a list of non-empty strings")
        return value


class UpdateSpec(_Strict):
    order: Literal["start-first", "stop-first"] = "stop-first"
    failure_action: Literal["rollback", "pause", "continue"] = "pause"
    monitor_s: float = Field(default=5.0, gt=0, le=300)
    parallelism: int = Field(default=1, ge=0, le=10)
    delay_s: float = Field(default=0.0, ge=0, le=60)


class RollbackSpec(_Strict):
    order: Literal["start-first", "stop-first"] = "stop-first"
    monitor_s: float = Field(default=5.0, gt=0, le=300)
    parallelism: int = Field(default=1, ge=0, le=10)


class SwarmSpec(_Strict):
    """deploy/service.yaml, schema_version 1."""

    schema_version: int
    replicas: int = Field(default=1, ge=1, le=3)
    env: dict[str, str] = {}
    healthcheck: HealthSpec
    update_config: UpdateSpec = UpdateSpec()
    rollback_config: RollbackSpec = RollbackSpec()

    @field_validator("env")
    @classmethod
    def _names(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value:
            if not _ENV_NAME.fullmatch(name):
                raise ValueError(f"{name!r} is not an environment variable name like TUTOR_LEVEL")
        return value


def load(root: Path) -> SwarmSpec:
    path = root / FILENAME
    if not path.exists() and not path.is_symlink():
        raise DataError(path, "is missing; a workspace that runs on a swarm declares its "
                              "service there")
    doc = load_yaml(path, limit=MAX_BYTES, kind="a service spec", rules=RULES)
    data = require_mapping(doc, "settings")
    schema_version(data, path, SCHEMA_VERSIONS, line_of=doc.line_of)
    return validate(SwarmSpec, data, path, line_of=doc.line_of)


def create_args(spec: SwarmSpec) -> dict:
    """The docker SDK's ``services.create`` keyword arguments the spec stands for."""
    from docker.types import Healthcheck, RollbackConfig, ServiceMode, UpdateConfig

    health, update, back = spec.healthcheck, spec.update_config, spec.rollback_config
    return {
        "mode": ServiceMode("replicated", replicas=spec.replicas),
        "healthcheck": Healthcheck(test=["CMD", *health.test],
                                   interval=int(health.interval_s * SECOND),
                                   timeout=int(health.timeout_s * SECOND),
                                   retries=health.retries,
                                   start_period=int(health.start_period_s * SECOND)),
        "update_config": UpdateConfig(parallelism=update.parallelism,
                                      delay=int(update.delay_s * SECOND),
                                      failure_action=update.failure_action,
                                      monitor=int(update.monitor_s * SECOND),
                                      order=update.order),
        "rollback_config": RollbackConfig(parallelism=back.parallelism,
                                          monitor=int(back.monitor_s * SECOND),
                                          order=back.order),
    }
