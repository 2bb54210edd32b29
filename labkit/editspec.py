"""One edit of a workspace as plain data: what a fault or a baseline edit does.

``kind`` says which edit it is, and each kind has the fields it needs:

- ``replace`` (the default): ``file``, ``find`` (present exactly once) and ``replace``;
- ``create``: ``file`` (absent before) and its ``content``;
- ``delete``: ``file`` (present before);
- ``rename``: ``file`` (present before) and ``to`` (absent before);
- ``patch``: ``diff``, a unified diff (``git diff`` or ``diff -u``) applied with ``git apply``.

A field another kind needs is refused, naming it, so a typo never goes unseen.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

Kind = Literal["replace", "create", "delete", "rename", "patch"]

# The fields each kind needs; any other optional field is refused for it.
NEEDS: dict[str, tuple[str, ...]] = {
    "replace": ("file", "find", "replace"),
    "create": ("file", "content"),
    "delete": ("file",),
    "rename": ("file", "to"),
    "patch": ("diff",),
}
_OPTIONAL = ("file", "find", "replace", "content", "to", "diff")


def _inside(value: str) -> str:
    if not value or value.startswith("/") or ".." in value.split("/"):
        raise ValueError("must be a path inside the workspace")
    return value


class Edit(BaseModel):
    """One edit in the workspace; faults and baseline edits share this form."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    kind: Kind = "replace"
    file: str | None = Field(default=None, validate_default=True)
    find: str | None = Field(default=None, validate_default=True)
    replace: str | None = Field(default=None, validate_default=True)
    content: str | None = Field(default=None, validate_default=True)
    to: str | None = Field(default=None, validate_default=True)
    diff: str | None = Field(default=None, validate_default=True)

    @field_validator(*_OPTIONAL)
    @classmethod
    def _fits_kind(cls, value: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("kind")
        if kind is None:  # the kind itself is wrong; that error is reported
            return value
        name = info.field_name
        needed = name in NEEDS[kind]
        if value is None:
            if needed:
                raise ValueError(f"is required for an edit of kind '{kind}'")
            return None
        if not needed:
            raise ValueError(f"is not used by an edit of kind '{kind}' (it needs "
                             f"{', '.join(NEEDS[kind])})")
        if name in ("file", "to"):
            return _inside(value)
        if name == "find" and not value:
            raise ValueError("must not be empty")
        if name == "replace" and value == info.data.get("find"):
            raise ValueError("is the same as find, so the edit changes nothing")
        if name == "to" and value == info.data.get("file"):
            raise ValueError("is the same as file, so the rename changes nothing")
        if name == "diff":
            _diff_files(value)
        return value

    @property
    def files(self) -> list[str]:
        """Every workspace path the edit touches (both ends of a rename)."""
        if self.kind == "patch":
            return _diff_files(self.diff or "")
        if self.kind == "rename":
            return [self.file or "", self.to or ""]
        return [self.file or ""]

    @property
    def where(self) -> str:
        """The file(s) named in messages about this edit."""
        return " -> ".join(self.files) if self.kind == "rename" else ", ".join(self.files)


def _diff_files(text: str) -> list[str]:
    """The paths a unified diff touches, in order; ValueError naming the diff's line."""
    from checker.diffs import DEV_NULL, DiffError, parse_unified_diff

    try:
        summary = parse_unified_diff(text)
    except DiffError as err:
        raise ValueError(f"is not a unified diff git can apply ({err})") from None
    paths = []
    for change in summary.files:
        for path in (change.old_path, change.path):
            if path and path != DEV_NULL:
                paths.append(path)
    return list(dict.fromkeys(paths))
