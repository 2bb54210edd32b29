"""Applying and verifying a lab's faults: plain text edits from lab.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from labkit.errors import LabError


class FaultError(LabError):
    """A fault does not fit the workspace (its text is missing or ambiguous)."""


@dataclass(frozen=True)
class FaultState:
    id: str
    file: str
    applied: bool


def _read(root: Path, fault) -> str:
    path = root / fault.file
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FaultError(f"fault {fault.id}: {fault.file} does not exist in the workspace") from None


def state(root: Path, fault) -> FaultState:
    """Whether one fault is applied: its replacement is present and its original is not."""
    text = _read(root, fault)
    has_find, has_replace = text.count(fault.find), text.count(fault.replace)
    if has_find == 1 and not has_replace:
        return FaultState(fault.id, fault.file, False)
    if has_replace == 1 and not has_find:
        return FaultState(fault.id, fault.file, True)
    raise FaultError(
        f"fault {fault.id}: {fault.file} holds the original text {has_find} time(s) and the "
        f"faulty text {has_replace} time(s); expected exactly one of them once"
    )


def apply(root: Path, faults) -> list[str]:
    """Apply every fault not applied yet; returns the ids applied now. All or nothing."""
    states = [state(root, f) for f in faults]  # checks every fault before touching any file
    applied = []
    for fault, st in zip(faults, states, strict=True):
        if st.applied:
            continue
        path = root / fault.file
        path.write_text(_read(root, fault).replace(fault.find, fault.replace, 1), encoding="utf-8")
        applied.append(fault.id)
    return applied
