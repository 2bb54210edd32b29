"""Checks of plain data read from a file: the versioned-schema check, and pydantic
validation that names the field and, given ``line_of``, its line. Apart from the
YAML reader, so that data read before (labkit.derived) is checked without it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from labcore.errors import DataError


def schema_version(data: Any, path: Path | str, known: Iterable[int], *,
                   line_of: Callable[[Sequence[Any]], int | None] | None = None) -> int:
    """The ``schema_version`` of ``data``, refused unless it is one of ``known``."""
    versions = sorted(known)
    listed = ", ".join(str(v) for v in versions)
    line = line_of(["schema_version"]) if line_of else None
    if not isinstance(data, dict):
        raise DataError(path, "must be a mapping with a schema_version", line=line)
    if "schema_version" not in data:
        raise DataError(path, f"is missing; write schema_version: {versions[-1]}", line=line,
                        field="schema_version")
    value = data["schema_version"]
    if isinstance(value, bool) or not isinstance(value, int) or value not in versions:
        raise DataError(path, f"{value!r} is not a version this kit reads (it reads {listed}); "
                        "update the kit or write the file for a version it reads",
                        line=line, field="schema_version")
    return value


def validate(model: Any, data: Any, path: Path | str, *,
             line_of: Callable[[Sequence[Any]], int | None] | None = None,
             aliases: dict[str, str] | None = None) -> Any:
    """``model.model_validate(data)``; the first error becomes one DataError naming
    the field (dotted) and, with ``line_of``, its line. ``aliases`` maps a model's
    field names to the names written in the file."""
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        loc = [(aliases or {}).get(p, p) if isinstance(p, str) else p
               for p in first["loc"] if p != "__root__"]
        field = ".".join(str(p) for p in loc) or None
        line = line_of(loc) if line_of else None
        raise DataError(path, pydantic_message(first), line=line, field=field) from None


def pydantic_message(error: dict) -> str:
    msg = error.get("msg", "is invalid")
    if error.get("type") == "missing":
        return "is required"
    if error.get("type") == "extra_forbidden":
        return "is not a known setting"
    if error.get("type") == "value_error" and error.get("ctx", {}).get("error") is not None:
        return str(error["ctx"]["error"])  # the validator's own sentence
    return msg[0].lower() + msg[1:] if msg else "is invalid"
