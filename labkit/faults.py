"""Applying and verifying a lab's faults: plain edits from lab.yaml (labkit.editspec).

Each kind knows from the workspace alone whether it is applied, so a break
that was cut off can be resumed and `lab dev check` can prove that every
fault fits a fresh workspace.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from labcore import git
from labkit.errors import LabError


class FaultError(LabError):
    """A fault does not fit the workspace (its text is missing or ambiguous)."""


@dataclass(frozen=True)
class FaultState:
    id: str
    file: str
    applied: bool


def _read(root: Path, fault, name: str) -> str:
    try:
        return (root / name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FaultError(f"fault {fault.id}: {name} does not exist in the workspace") from None


def _applied(root: Path, fault) -> bool:
    """Whether the fault is applied; FaultError when the workspace fits neither side."""
    kind = getattr(fault, "kind", "replace")
    if kind == "replace":
        text = _read(root, fault, fault.file)
        has_find, has_replace = text.count(fault.find), text.count(fault.replace)
        if has_find == 1 and not has_replace:
            return False
        if has_replace == 1 and not has_find:
            return True
        raise FaultError(
            f"fault {fault.id}: {fault.file} holds the original text {has_find} time(s) and "
            f"the faulty text {has_replace} time(s); expected exactly one of them once"
        )
    if kind == "create":
        path = root / fault.file
        if not path.exists():
            return False
        if path.is_file() and _read(root, fault, fault.file) == fault.content:
            return True
        raise FaultError(f"fault {fault.id}: {fault.file} already exists with other content, "
                         "so creating it would overwrite the workspace's own file")
    if kind == "delete":
        return not (root / fault.file).exists()
    if kind == "rename":
        source, target = (root / fault.file).exists(), (root / fault.to).exists()
        if source != target:
            return target
        raise FaultError(f"fault {fault.id}: {fault.file} and {fault.to} "
                         + ("both exist" if source else "are both missing")
                         + "; a rename needs exactly one of them")
    if kind == "patch":
        if _git_apply(root, fault.diff, "--check").returncode == 0:
            return False
        if _git_apply(root, fault.diff, "--check", "--reverse").returncode == 0:
            return True
        why = _git_apply(root, fault.diff, "--check").stderr.strip().splitlines()
        raise FaultError(f"fault {fault.id}: its diff neither applies to {fault.where} nor is "
                         f"applied already ({why[0] if why else 'git apply refused it'})")
    raise FaultError(f"fault {fault.id}: unknown kind {kind!r}")


def state(root: Path, fault) -> FaultState:
    """Whether one fault is applied (FaultError when the workspace fits neither side)."""
    return FaultState(fault.id, getattr(fault, "where", fault.file), _applied(root, fault))


def apply(root: Path, faults) -> list[str]:
    """Apply every fault not applied yet; returns the ids applied now. All or nothing."""
    states = [state(root, f) for f in faults]  # checks every fault before touching any file
    applied = []
    for fault, st in zip(faults, states, strict=True):
        if st.applied:
            continue
        _apply_one(root, fault)
        applied.append(fault.id)
    return applied


def _apply_one(root: Path, fault) -> None:
    kind = getattr(fault, "kind", "replace")
    path = root / (fault.file or "")
    if kind == "replace":
        text = _read(root, fault, fault.file)
        path.write_text(text.replace(fault.find, fault.replace, 1), encoding="utf-8")
    elif kind == "create":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(fault.content, encoding="utf-8")
    elif kind == "delete":
        path.unlink()
    elif kind == "rename":
        target = root / fault.to
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
    elif kind == "patch":
        proc = _git_apply(root, fault.diff)
        if proc.returncode != 0:
            raise FaultError(f"fault {fault.id}: git apply failed: {proc.stderr.strip()}")


def _git_apply(root: Path, diff: str, *flags: str):
    text = diff if diff.endswith("\n") else diff + "\n"
    return git.run(root, "apply", "--whitespace=nowarn", *flags, "-", input=text)
