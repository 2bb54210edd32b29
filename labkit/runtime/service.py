"""The service's declaration of how it is built and run (service.yaml).

Read with the strict loader and checked with a pydantic model
(:mod:`.service_model`), so any problem is one sentence naming service.yaml, the
line and the field. The check of each field is a plain function here, which the
model calls: a command that meets bytes already read gets the settings back from
the kit's cache (labkit.derived) and checks them again with the same functions,
without importing pydantic or the YAML reader.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from labcore.strict import KIB, Rules
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


def check_app(value: object) -> object:
    if not isinstance(value, str) or not value:
        raise ValueError("must be a non-empty string")
    if not _APP.fullmatch(value):
        raise ValueError("must be a lower-case name like 'tutor'")
    return value


def check_argv(value: object) -> object:
    if not _strings(value, empty_ok=False):
        raise ValueError("must be a non-empty list of strings")
    return value


def check_paths(value: object) -> object:
    if not _strings(value, empty_ok=True):
        raise ValueError("must be a list of paths")
    return value


def check_health(value: object) -> object:
    if not isinstance(value, str) or not value.startswith("/"):
        raise ValueError("must be a path starting with '/'")
    return value


def check_path(value: object) -> object:
    """A path, or None (only ``contract`` may be left out: the others have defaults)."""
    if value is not None and (not isinstance(value, str) or not value):
        raise ValueError("must be a path")
    return value


def check_tag_format(value: object) -> object:
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


# Every field of ServiceSpec and the check its value passes.
CHECKS = {"app": check_app, "build": check_argv, "run": check_argv, "pythonpath": check_paths,
          "health": check_health, "contract": check_path, "requirements": check_path,
          "tag_format": check_tag_format, "dockerfile": check_path}
_NOT_NONE = ("requirements", "dockerfile")


def load(root: Path) -> ServiceSpec:
    from labkit import derived

    path = root / FILENAME
    if not path.exists() and not path.is_symlink():
        raise DataError(path, "is missing; a workspace declares its service there")
    return derived.load_yaml(path, kind="service.yaml", limit=MAX_BYTES, rules=RULES,
                             code=(__name__, "labkit.runtime.service_model"),
                             read=_read, restore=_restore)


def _read(doc) -> tuple[ServiceSpec, dict[str, Any]]:
    from labcore.strict import require_mapping, schema_version, validate
    from labkit.runtime.service_model import ServiceModel

    data = require_mapping(doc, "settings")
    version = schema_version(data, doc.path, SCHEMA_VERSIONS, line_of=doc.line_of)
    model = validate(ServiceModel, data, doc.path, line_of=doc.line_of)
    spec = ServiceSpec(**{name: tuple(value) if isinstance(value, list) else value
                          for name, value in model.model_dump(exclude={"schema_version"}).items()})
    return spec, {"schema_version": version,
                  **{name: list(value) if isinstance(value, tuple) else value
                     for name, value in asdict(spec).items()}}


def _restore(data: Any) -> ServiceSpec | None:
    """The settings kept from an earlier read, checked again; None if they do not pass."""
    if not isinstance(data, dict) or set(data) != {"schema_version", *CHECKS}:
        return None
    version = data["schema_version"]
    if type(version) is not int or version not in SCHEMA_VERSIONS:
        return None
    try:
        for name, check in CHECKS.items():
            check(data[name])
    except ValueError:
        return None
    if any(data[name] is None for name in _NOT_NONE):
        return None
    return ServiceSpec(**{name: tuple(value) if isinstance(value, list) else value
                          for name, value in data.items() if name != "schema_version"})
