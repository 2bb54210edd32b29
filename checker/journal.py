"""The evidence journal: an append-only, hash-chained log of events.

One JSON object per line (keys sorted, compact)::

    {"boot": ..., "data": {...}, "event": "release.deployed", "mono_ns": ...,
     "prev": "<sha256 of the previous line>", "seq": 7, "v": 1, "wall": 1763900000.123}

``prev`` chains every line to the one before it, so an edited, removed or
reordered line breaks the chain. A head file beside the journal remembers the
last line written, so an edited or truncated tail is caught too. With
``LAB_JOURNAL_KEY`` set, every line also carries an HMAC over its content, so
the chain cannot be rewritten without the key. Appends are one write under an
exclusive lock.

The tail is found by reading backwards at most :data:`TAIL_LIMIT` bytes, so an
append costs the same however long the journal grows. A tail that cannot be
chained to (not JSON, no sequence number, no final newline, longer than the
limit) or a head file that disagrees with it stops every append with a
:class:`JournalError` before anything is written: the journal is evidence and
is never rewritten or glued onto.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labcore.errors import DataError
from labcore.locks import acquire, default_timeout

SCHEMA_VERSION = 1
TAIL_LIMIT = 64 * 1024  # the longest entry the journal writes or chains to
VERIFY = "run `lab journal verify` for the whole picture"
GENESIS = "0" * 64
KEY_ENV = "LAB_JOURNAL_KEY"


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return "unknown"


_BOOT = _boot_id()


def _canonical(obj: dict[str, Any]) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _sha(line: str) -> str:
    return hashlib.sha256(line.encode()).hexdigest()


def _mac(key: bytes, obj: dict[str, Any]) -> str:
    body = {k: v for k, v in obj.items() if k != "hmac"}
    return hmac.new(key, _canonical(body).encode(), hashlib.sha256).hexdigest()


def key_from_env() -> bytes | None:
    value = os.environ.get(KEY_ENV)
    return value.encode() if value else None


class JournalError(DataError):
    """The journal cannot be appended to safely (its tail or head file is damaged)."""


@dataclass(frozen=True)
class Entry:
    seq: int
    wall: float
    mono_ns: int
    boot: str
    event: str
    data: dict[str, Any]
    line: int  # 1-based line in the file


@dataclass
class Verdict:
    intact: bool
    lines: int
    problem: str | None = None  # edited | removed | reordered | truncated | forged | malformed
    line: int | None = None
    message: str = "intact"
    keyed: bool = False
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "intact": self.intact,
            "lines": self.lines,
            "problem": self.problem,
            "line": self.line,
            "message": self.message,
            "keyed": self.keyed,
        }


class Journal:
    def __init__(self, path: Path | str, key: bytes | None = None) -> None:
        self.path = Path(path)
        self.head_path = self.path.with_name(self.path.name + ".head")
        self.key = key if key is not None else key_from_env()

    # -- writing -----------------------------------------------------------
    def append(self, event: str, data: dict[str, Any] | None = None) -> Entry:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            acquire(fd, timeout=default_timeout(), what="another writer of the journal")
            tail = self._tail(fd)
            seq, prev = (1, GENESIS) if tail is None else (tail[0] + 1, tail[1])
            record: dict[str, Any] = {
                "v": SCHEMA_VERSION,
                "seq": seq,
                "wall": round(time.time(), 6),
                "mono_ns": time.monotonic_ns(),
                "boot": _BOOT,
                "event": event,
                "data": data or {},
                "prev": prev,
            }
            if self.key:
                record["hmac"] = _mac(self.key, record)
            line = _canonical(record)
            if len(line.encode()) >= TAIL_LIMIT:
                raise JournalError(self.path, f"an entry for {event} would be longer than "
                                   f"{TAIL_LIMIT // 1024} KiB, so it was not written")
            os.write(fd, (line + "\n").encode())
            os.fsync(fd)
            _write_head(self.head_path, seq, _sha(line))
        finally:
            os.close(fd)  # releases the lock
        return _entry(record, seq)

    def check_tail(self) -> None:
        """Raise JournalError when an append would fail; reads a bounded amount."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            self._head_for(None)
            return
        try:
            self._tail(fd)
        finally:
            os.close(fd)

    def _tail(self, fd: int) -> tuple[int, str] | None:
        """(seq, sha256) of the last entry, None when empty; JournalError when damaged."""
        size = os.lseek(fd, 0, os.SEEK_END)
        if size == 0:
            self._head_for(None)
            return None
        raw = _last_line(fd, size)

        def bad(what: str) -> JournalError:
            return JournalError(self.path, f"{what}, so nothing more can be recorded; {VERIFY}",
                                line=_count_lines(fd, size) + (0 if raw.ended else 1))

        if raw.text is None:
            raise bad(f"the last entry is longer than {TAIL_LIMIT // 1024} KiB")
        if not raw.ended:
            raise bad("the last entry does not end with a newline (it was cut short)")
        try:
            obj = json.loads(raw.text.decode("utf-8"))
        except ValueError:
            raise bad("the last entry is not a journal entry") from None
        seq = obj.get("seq") if isinstance(obj, dict) else None
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
            raise bad("the last entry has no valid sequence number")
        sha = hashlib.sha256(raw.text).hexdigest()
        self._head_for((seq, sha))
        return seq, sha

    def _head_for(self, tail: tuple[int, str] | None) -> None:
        """Check the head file against the tail (seq, sha); JournalError when they disagree."""
        if not self.head_path.exists():
            return
        head = _read_head(self.head_path)
        if head is None:
            raise JournalError(self.head_path, "is not a valid head record, so the journal's "
                               f"last entry cannot be checked; {VERIFY}")
        seq, sha = tail or (0, "")
        if head[0] > seq:
            raise JournalError(self.path, f"ends at entry {seq} but {head[0]} were written "
                               f"(it was cut short); {VERIFY}")
        if head[0] == seq and head[1] != sha:
            raise JournalError(self.path, f"entry {seq} was changed after it was written; "
                               f"{VERIFY}")

    # -- reading -----------------------------------------------------------
    def entries(self) -> list[Entry]:
        """Every well-formed entry, in file order (use verify() to judge them)."""
        out = []
        for number, raw in enumerate(self._lines(), start=1):
            try:
                obj = json.loads(raw)
                out.append(_entry(obj, number))
            except (ValueError, KeyError, TypeError):
                continue
        return out

    def _lines(self) -> list[str]:
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        return [raw for raw in text.split("\n") if raw != ""]

    def verify(self) -> Verdict:
        lines = self._lines()
        keyed = self.key is not None
        prev = GENESIS
        expected_seq = 1
        seen_seqs: set[int] = set()
        for number, raw in enumerate(lines, start=1):
            try:
                obj = json.loads(raw)
                seq = obj["seq"]
                claimed_prev = obj["prev"]
            except (ValueError, KeyError, TypeError):
                return _broken(len(lines), "malformed", number, "is not a journal entry", keyed)
            if not isinstance(seq, int) or seq < 1:
                return _broken(len(lines), "malformed", number, "has no valid sequence number", keyed)
            if keyed:
                mac = obj.get("hmac")
                if not isinstance(mac, str) or not hmac.compare_digest(mac, _mac(self.key, obj)):
                    return _broken(
                        len(lines), "forged", number, "does not carry a valid HMAC for the key", keyed
                    )
            if seq != expected_seq:
                if seq in seen_seqs or seq < expected_seq:
                    kind, what = "reordered", f"repeats or goes back to entry {seq}"
                elif seq > expected_seq:
                    kind, what = "removed", f"follows entry {expected_seq - 1} but is entry {seq}"
                return _broken(len(lines), kind, number, what, keyed)
            if claimed_prev != prev:
                return _broken(
                    len(lines), "edited", max(number - 1, 1),
                    "was changed after it was written (the next entry's hash does not match)"
                    if number > 1 else "was changed after it was written",
                    keyed,
                )
            seen_seqs.add(seq)
            prev = _sha(raw)
            expected_seq = seq + 1
        head = _read_head(self.head_path)
        notes: list[str] = []
        if head is None and self.head_path.exists():
            return Verdict(False, len(lines), "head", None,
                           f"{self.head_path.name} is not a valid head record, so truncation "
                           "cannot be checked", keyed)
        if head is not None:
            head_seq, head_sha = head
            if head_seq > len(lines):
                return _broken(
                    len(lines), "truncated", len(lines) + 1,
                    f"is missing: the journal ends at entry {len(lines)} but {head_seq} were written",
                    keyed,
                )
            if _sha(lines[head_seq - 1]) != head_sha:
                return _broken(
                    len(lines), "edited", head_seq, "was changed after it was written", keyed
                )
            if head_seq < len(lines):
                notes.append(f"{len(lines) - head_seq} entries after the last recorded head")
        elif lines:
            notes.append("no head file; the last entry cannot be checked")
        return Verdict(True, len(lines), keyed=keyed, notes=notes,
                       message=f"intact ({len(lines)} entries{', keyed' if keyed else ''})")


def _broken(total: int, kind: str, line: int, what: str, keyed: bool) -> Verdict:
    return Verdict(False, total, kind, line, f"line {line} {what}", keyed)


def _entry(obj: dict[str, Any], line: int) -> Entry:
    return Entry(
        seq=int(obj["seq"]),
        wall=float(obj["wall"]),
        mono_ns=int(obj["mono_ns"]),
        boot=str(obj.get("boot", "unknown")),
        event=str(obj["event"]),
        data=dict(obj.get("data") or {}),
        line=line,
    )


@dataclass(frozen=True)
class _Tail:
    text: bytes | None  # None: longer than TAIL_LIMIT
    ended: bool  # the file ends with a newline


def _last_line(fd: int, size: int) -> _Tail:
    """The last line, read backwards from the end: never more than TAIL_LIMIT + 1 bytes."""
    start = max(0, size - TAIL_LIMIT - 1)
    buf = os.pread(fd, size - start, start)
    ended = buf.endswith(b"\n")
    body = buf[:-1] if ended else buf
    cut = body.rfind(b"\n")
    if cut < 0 and start > 0:
        return _Tail(None, ended)
    return _Tail(body[cut + 1:], ended)


def _count_lines(fd: int, size: int) -> int:
    """Newlines in the file (for naming a line in an error; read in blocks)."""
    count, offset = 0, 0
    while offset < size:
        block = os.pread(fd, min(1 << 20, size - offset), offset)
        if not block:
            break
        count += block.count(b"\n")
        offset += len(block)
    return count


def _write_head(path: Path, seq: int, sha: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"seq": seq, "sha256": sha}))
    os.replace(tmp, path)


def _read_head(path: Path) -> tuple[int, str] | None:
    try:
        obj = json.loads(path.read_bytes()[:4096])
        seq, sha = obj["seq"], obj["sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1 or not isinstance(sha, str):
        return None
    return seq, sha


def events(path: Path | str) -> list[Entry]:
    return Journal(path).entries()
