"""Finding and loading labs: `labs/<id>-<slug>/lab.yaml`, schema-checked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from labkit.errors import LabNotFound
from labkit.paths import labs_dir

LAB_FILE = "lab.yaml"


@dataclass(frozen=True)
class Lab:
    spec: object  # labkit.labspec.LabSpec
    dir: Path

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def checks_dir(self) -> Path:
        return self.dir / "checks"

    def readme(self, lang: str = "en") -> Path:
        return self.dir / ("README.es.md" if lang == "es" else "README.md")


def lab_dirs(root: Path | None = None) -> list[Path]:
    root = root or labs_dir()
    if not root.is_dir():
        return []
    # exists(), not is_file(): a lab.yaml that is not a regular file is named, not skipped
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / LAB_FILE).exists())


def load(directory: Path) -> Lab:
    """The lab in ``directory``, read strictly and schema-checked.

    Any problem is one DataError naming lab.yaml, the line and the field. What the
    strict reader made of the file is kept (labkit.derived), so the next command
    reading the same bytes skips the YAML; the schema checks run every time.
    """
    from labkit import derived
    from labkit.labspec import LAB_YAML_RULES, MAX_BYTES

    spec = derived.load_yaml(directory / LAB_FILE, kind="lab.yaml", limit=MAX_BYTES,
                             rules=LAB_YAML_RULES, read=_read, restore=_restore)
    return Lab(spec=spec, dir=directory)


def _read(doc) -> tuple[object, object]:
    from labcore.strict import require_mapping, schema_version, validate
    from labkit.labspec import SCHEMA_VERSIONS, LabSpec

    data = require_mapping(doc, "lab settings")
    schema_version(data, doc.path, SCHEMA_VERSIONS, line_of=doc.line_of)
    spec = validate(LabSpec, data, doc.path, line_of=doc.line_of, aliases={"break_": "break"})
    return spec, data


def _restore(data: object) -> object | None:
    """The LabSpec of data read before; None when it no longer passes (the file is
    then read again, for the sentence that names the line)."""
    from pydantic import ValidationError

    from labkit.labspec import SCHEMA_VERSIONS, LabSpec

    version = data.get("schema_version") if isinstance(data, dict) else None
    if type(version) is not int or version not in SCHEMA_VERSIONS:
        return None
    try:
        return LabSpec.model_validate(data)
    except ValidationError:
        return None


def all_labs(root: Path | None = None) -> list[Lab]:
    return [load(d) for d in lab_dirs(root)]


def get(lab_id: str, root: Path | None = None) -> Lab:
    for directory in lab_dirs(root):
        if directory.name == lab_id or directory.name.startswith(f"{lab_id}-"):
            return load(directory)
    known = ", ".join(d.name.split("-", 2)[0] + "-" + d.name.split("-", 2)[1]
                      for d in lab_dirs(root)) or "none"
    raise LabNotFound(f"there is no lab {lab_id!r} (known labs: {known})",
                      hint="see them with: lab list")
