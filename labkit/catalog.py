"""Finding and loading labs: `labs/<id>-<slug>/lab.yaml`, schema-checked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from labkit.errors import DataError, LabNotFound
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
    return sorted(p for p in root.iterdir() if (p / LAB_FILE).is_file())


def load(directory: Path) -> Lab:
    from pydantic import ValidationError
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    path = directory / LAB_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise DataError(path, f"is not UTF-8 text (byte {err.start})") from None
    try:
        doc = YAML(typ="rt").load(text)
    except YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        problem = getattr(err, "problem", None) or "invalid YAML"
        raise DataError(path, f"is not valid YAML: {problem}",
                        line=mark.line + 1 if mark else None) from None
    if not isinstance(doc, dict):
        raise DataError(path, "must be a mapping of lab settings", line=1)
    from labkit.labspec import LabSpec

    try:
        spec = LabSpec.model_validate(_plain(doc))
    except ValidationError as err:
        first = err.errors()[0]
        loc = [p for p in first["loc"] if p != "__root__"]
        field = ".".join(str(p) for p in loc) or None
        raise DataError(path, _message(first), line=_line_of(doc, loc), field=field) from None
    return Lab(spec=spec, dir=directory)


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


def _plain(node):
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _message(error: dict) -> str:
    msg = error.get("msg", "is invalid")
    if error.get("type") == "missing":
        return "is required"
    if error.get("type") == "extra_forbidden":
        return "is not a known setting"
    return msg[0].lower() + msg[1:] if msg else "is invalid"


def _line_of(doc, loc: list) -> int | None:
    """The 1-based line of the deepest node of ``loc`` that exists in the document."""
    node, line = doc, 1
    for part in loc:
        key = "break" if part == "break_" else part
        lc = getattr(node, "lc", None)
        try:
            if isinstance(node, dict) and key in node:
                if lc is not None:
                    line = lc.key(key)[0] + 1
                node = node[key]
            elif isinstance(node, list) and isinstance(key, int) and key < len(node):
                if lc is not None:
                    line = lc.item(key)[0] + 1
                node = node[key]
            else:
                break
        except (KeyError, IndexError, TypeError):
            break
    return line
