"""Reading unified diffs: which files a fix changes and by how many lines.

The line budget of a fix counts *changed lines*: within each run of adjacent
removed (``-``) and added (``+``) lines, the larger of the two counts. A line
replaced by another counts 1; a line only added or only removed counts 1; a
run that removes two lines and adds three counts 3. Runs are separated by
context lines, hunks and files, and the counts are summed over the whole diff.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass

from labcore.protected import protected

__all__ = [
    "DiffError",
    "DiffSummary",
    "FileChange",
    "looks_like_diff",
    "parse_unified_diff",
    "touches",
]

DEV_NULL = "/dev/null"

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_HUNK_LOOSE = re.compile(r"^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@")
_GIT_HEADER_PREFIXES = (
    "index ",
    "new file mode ",
    "deleted file mode ",
    "old mode ",
    "new mode ",
    "similarity index ",
    "dissimilarity index ",
    "rename from ",
    "rename to ",
    "copy from ",
    "copy to ",
    "Binary files ",
    "GIT binary patch",
)


class DiffError(ValueError):
    """A diff that cannot be read; ``line`` is the line of the diff, when known."""

    def __init__(self, line: int | None, reason: str) -> None:
        self.line = line
        self.reason = reason
        super().__init__(reason if line is None else f"line {line}: {reason}")


@dataclass(frozen=True)
class FileChange:
    """What a diff does to one file.

    ``path`` is the file's name after the change (before it, for a deleted
    file); ``old_path`` is set only when a rename or copy gave it another name.
    """

    path: str
    added: int
    removed: int
    changed: int
    is_new: bool
    is_deleted: bool
    old_path: str | None = None


@dataclass(frozen=True)
class DiffSummary:
    files: tuple[FileChange, ...]
    changed_lines: int


def _lines(text: str) -> list[str]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def looks_like_diff(text: str) -> bool:
    """Whether ``text`` is meant as a unified diff rather than prose.

    True when it has a ``diff --git`` line, a ``---``/``+++`` header pair or a
    ``@@ -a,b +c,d @@`` hunk header at the start of a line.
    """
    lines = _lines(text)
    for i, line in enumerate(lines):
        if line.startswith("diff --git ") or _HUNK_LOOSE.match(line):
            return True
        if line.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ "):
            return True
    return False


def _unquote(name: str) -> str:
    """Undo git's C-style quoting of a path (``"a/caf\\303\\251.txt"``)."""
    if len(name) < 2 or not (name.startswith('"') and name.endswith('"')):
        return name
    body = name[1:-1]
    out = bytearray()
    simple = {
        "n": "\n",
        "t": "\t",
        '"': '"',
        "\\": "\\",
        "a": "\a",
        "b": "\b",
        "f": "\f",
        "v": "\v",
        "r": "\r",
    }
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt in "01234567" and re.match(r"[0-7]{3}", body[i + 1 : i + 4]):
                out.append(int(body[i + 1 : i + 4], 8) & 0xFF)
                i += 4
                continue
            out.extend(simple.get(nxt, nxt).encode("utf-8"))
            i += 2
            continue
        out.extend(ch.encode("utf-8"))
        i += 1
    return out.decode("utf-8", errors="replace")


def _header_path(raw: str, lineno: int) -> str:
    """The path named by a ``---``/``+++`` header, without ``a/``/``b/``."""
    name = raw.split("\t", 1)[0].rstrip()
    if not name.startswith('"'):
        # `diff -u` may put a date after the name, separated by spaces too.
        name = re.sub(r"\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?( [+-]\d{4})?$", "", name)
    name = _unquote(name)
    if not name:
        raise DiffError(lineno, "the file header names no file")
    if name == DEV_NULL:
        return DEV_NULL
    return _clean_path(name, lineno)


def _clean_path(name: str, lineno: int) -> str:
    if name.startswith(("a/", "b/")):
        name = name[2:]
    if name.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", name):
        raise DiffError(lineno, f"the path '{name}' is absolute; use a path inside the project")
    norm = posixpath.normpath(name.replace("\\", "/"))
    if norm == ".." or norm.startswith("../"):
        raise DiffError(lineno, f"the path '{name}' points outside the project")
    if norm == ".":
        raise DiffError(lineno, "the file header names no file")
    return norm


def _git_paths(line: str, lineno: int) -> tuple[str | None, str | None]:
    """Best-effort paths from ``diff --git a/x b/y`` (exact when both are equal)."""
    rest = line[len("diff --git ") :].strip()
    if rest.startswith('"'):
        m = re.match(r'^("(?:[^"\\]|\\.)*")\s+(.*)$', rest)
        if not m:
            return None, None
        old, new = m.group(1), m.group(2)
    else:
        m = re.match(r"^a/(.*) b/(.*)$", rest)
        if m and m.group(1) == m.group(2):
            old, new = "a/" + m.group(1), "b/" + m.group(2)
        else:
            parts = rest.split(" ")
            if len(parts) != 2:
                return None, None
            old, new = parts
    return _clean_path(_unquote(old), lineno), _clean_path(_unquote(new), lineno)


class _File:
    def __init__(self, lineno: int) -> None:
        self.lineno = lineno
        self.old: str | None = None
        self.new: str | None = None
        self.is_new = False
        self.is_deleted = False
        self.renamed_from: str | None = None
        self.renamed_to: str | None = None
        self.has_header = False  # saw ---/+++
        self.git_only = False  # a git header with no content change is allowed
        self.hunks = 0
        self.added = 0
        self.removed = 0
        self.changed = 0

    def finish(self) -> FileChange:
        old = self.renamed_from or self.old
        new = self.renamed_to or self.new
        if self.has_header and self.hunks == 0 and not (self.is_new or self.is_deleted):
            name = new if new not in (None, DEV_NULL) else old
            raise DiffError(self.lineno, f"the change to {name} has no hunk ('@@ ... @@' lines)")
        if not self.has_header and not self.git_only:
            raise DiffError(self.lineno, "a file section without '---' and '+++' headers")
        is_new = self.is_new or old == DEV_NULL
        is_deleted = self.is_deleted or new == DEV_NULL
        path = old if is_deleted else new
        if path is None or path == DEV_NULL:
            raise DiffError(self.lineno, "cannot tell which file this part of the diff changes")
        old_path = old if old not in (None, DEV_NULL, path) else None
        return FileChange(
            path=path,
            added=self.added,
            removed=self.removed,
            changed=self.changed,
            is_new=is_new,
            is_deleted=is_deleted,
            old_path=old_path,
        )


def parse_unified_diff(text: str) -> DiffSummary:
    """Read a unified diff (plain ``diff -u`` or ``git diff``).

    Raises :class:`DiffError` (a ``ValueError``) with one sentence, naming the
    line of the diff, when the text is not a well-formed diff: hunk counts that
    do not match their lines, a hunk before any file header, stray lines, a
    path outside the project, or no changes at all.
    """
    lines = _lines(text)
    files: list[FileChange] = []
    current: _File | None = None
    in_git_header = False
    last_hunk_line = 0
    i = 0
    n = len(lines)

    def close() -> None:
        nonlocal current
        if current is not None:
            files.append(current.finish())
        current = None

    while i < n:
        line = lines[i]
        lineno = i + 1
        if line.startswith("diff --git "):
            close()
            current = _File(lineno)
            current.old, current.new = _git_paths(line, lineno)
            current.git_only = True
            in_git_header = True
            i += 1
            continue
        if line.startswith("--- ") and i + 1 < n and lines[i + 1].startswith("+++ "):
            if current is None or current.has_header or current.hunks:
                close()
                current = _File(lineno)
            current.old = _header_path(line[4:], lineno)
            current.new = _header_path(lines[i + 1][4:], lineno + 1)
            current.has_header = True
            in_git_header = False
            i += 2
            continue
        if in_git_header and current is not None and line.startswith(_GIT_HEADER_PREFIXES):
            if line.startswith("new file mode "):
                current.is_new = True
            elif line.startswith("deleted file mode "):
                current.is_deleted = True
            elif line.startswith(("rename from ", "copy from ")):
                current.renamed_from = _clean_path(_unquote(line.split(" ", 2)[2]), lineno)
            elif line.startswith(("rename to ", "copy to ")):
                current.renamed_to = _clean_path(_unquote(line.split(" ", 2)[2]), lineno)
            elif line.startswith(("Binary files ", "GIT binary patch")):
                raise DiffError(
                    lineno, "binary changes cannot be checked; a fix changes text files"
                )
            i += 1
            continue
        m = _HUNK.match(line)
        if m or line.startswith("@@"):
            if not m:
                raise DiffError(lineno, "the hunk header is not of the form '@@ -a,b +c,d @@'")
            if current is None or not current.has_header:
                raise DiffError(lineno, "a hunk comes before its '---' and '+++' file headers")
            in_git_header = False
            i = _read_hunk(lines, i, m, current)
            last_hunk_line = lineno
            continue
        if line.strip() == "":
            i += 1
            continue
        if current is not None and current.hunks and line[:1] in ("+", "-", " ", "\\"):
            raise DiffError(
                lineno,
                f"this line is outside any hunk; the hunk header on line "
                f"{last_hunk_line} announces fewer lines",
            )
        # Anything else (a commit message, prose around the diff) is ignored,
        # as `git apply` and `patch` do.
        in_git_header = False
        i += 1
    close()
    if not files:
        raise DiffError(None, "it holds no file changes ('---', '+++' and '@@' lines)")
    return DiffSummary(files=tuple(files), changed_lines=sum(f.changed for f in files))


def _read_hunk(lines: list[str], i: int, m: re.Match[str], current: _File) -> int:
    """Consume one hunk starting at header line ``i``; returns the next index."""
    header_no = i + 1
    old_left = int(m.group(2)) if m.group(2) is not None else 1
    new_left = int(m.group(4)) if m.group(4) is not None else 1
    if old_left == 0 and new_left == 0:
        raise DiffError(header_no, "the hunk header announces no lines")
    run_add = run_del = 0
    i += 1
    n = len(lines)
    while old_left > 0 or new_left > 0:
        if i >= n:
            raise DiffError(
                header_no,
                f"the hunk ends early; its header announces "
                f"{old_left} more old and {new_left} more new lines",
            )
        line = lines[i]
        tag = line[:1]
        if tag == "\\":
            i += 1
            continue
        if tag in (" ", ""):
            if old_left == 0 or new_left == 0:
                raise DiffError(
                    i + 1, f"the hunk has more lines than its header on line {header_no} says"
                )
            old_left -= 1
            new_left -= 1
            current.changed += max(run_add, run_del)
            run_add = run_del = 0
        elif tag == "-":
            if old_left == 0:
                raise DiffError(
                    i + 1, f"the hunk removes more lines than its header on line {header_no} says"
                )
            old_left -= 1
            run_del += 1
            current.removed += 1
        elif tag == "+":
            if new_left == 0:
                raise DiffError(
                    i + 1, f"the hunk adds more lines than its header on line {header_no} says"
                )
            new_left -= 1
            run_add += 1
            current.added += 1
        else:
            raise DiffError(i + 1, "a line inside a hunk must start with ' ', '+' or '-'")
        i += 1
    current.changed += max(run_add, run_del)
    # "\ No newline at end of file" may follow the last line of a hunk.
    while i < n and lines[i].startswith("\\"):
        i += 1
    current.hunks += 1
    return i


def touches(summary: DiffSummary, patterns: Iterable[str]) -> list[str]:
    """Paths the diff changes that match any of ``patterns``.

    A pattern with ``*``, ``?`` or ``[`` is a glob (``*`` also crosses ``/``);
    otherwise it is a path or directory prefix (``tests/`` or ``tests``).
    Matching ignores case. Both names of a renamed file are considered.
    """
    return protected((p for change in summary.files for p in (change.old_path, change.path)
                      if p), patterns)
