"""The learner's record of a break (``notes/breaks.md``): parse and validate.

A records file is Markdown holding a YAML list of records, either as the
whole file ("bare") or in one or more fenced ```yaml (or ```yml) blocks among
prose; the lists of all blocks are joined in order. A file with no fenced
yaml block is read as bare YAML.

Parsing raises :class:`~checker.errors.EvidenceError` for problems with the
file as a whole (not YAML, not a list, a duplicated key, ...), always with
the file's line. Validation never raises: it returns :class:`Finding` s, each
with the line of the field concerned, or of the record when the field is
missing.

Line numbers come from the character offsets of the YAML parser's events
(the same pass that refuses aliases and duplicated keys), counted against the
file's own lines, so a record in a fenced block gets its line in the file.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import json
import posixpath
import re
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import TaggedScalar
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from checker.diffs import DiffError, looks_like_diff, parse_unified_diff, touches
from checker.errors import EvidenceError

__all__ = [
    "HINT_FIELDS",
    "MAX_BYTES",
    "REQUIRED_FIELDS",
    "Finding",
    "FixVerdict",
    "Mention",
    "Record",
    "RecordRules",
    "RecordsReport",
    "parse_records",
    "template_record",
    "validate_file",
    "validate_record",
]

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 50

REQUIRED_FIELDS: tuple[str, ...] = (
    "bug-id",
    "concept",
    "symptom",
    "hidden_cause",
    "hint_1",
    "hint_2",
    "hint_3",
    "fix_diff",
)
HINT_FIELDS: tuple[str, ...] = ("hint_1", "hint_2", "hint_3")

ERROR = "error"
WARNING = "warning"
PROSE_WARNING = "fix_diff is prose, so it cannot be verified mechanically"


# --------------------------------------------------------------------------
# Data


@dataclass(frozen=True)
class Record:
    """One record as written: plain Python values and where each key sits."""

    file: str
    line: int
    fields: dict[str, object]
    field_lines: dict[str, int]

    def line_of(self, name: str | None) -> int:
        """The line of field ``name``, or of the record when it is absent."""
        if name is None:
            return self.line
        return self.field_lines.get(name, self.line)


@dataclass(frozen=True)
class Mention:
    """Something a field must mention: any one of ``any_of`` (ignoring case)."""

    label: str
    any_of: tuple[str, ...]


@dataclass(frozen=True)
class RecordRules:
    """What one lab expects of its record (built by the caller from lab.yaml)."""

    bug_id: str
    required: tuple[str, ...] = REQUIRED_FIELDS
    mentions: dict[str, tuple[Mention, ...]] = field(default_factory=dict)
    line_budget: int = 5
    fault_files: tuple[str, ...] = ()
    protected: tuple[str, ...] = ("tests/",)


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    field: str | None
    message: str
    severity: str  # "error" | "warning"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "message": self.message,
            "severity": self.severity,
        }


@dataclass(frozen=True)
class FixVerdict:
    """The answer of a fix verifier (apply the diff, run the lab's checks)."""

    ok: bool
    message: str


@dataclass
class RecordsReport:
    records: list[Record]
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def valid(self) -> bool:
        """At least one record was checked and nothing is an error."""
        return bool(self.records) and not self.errors

    def as_dict(self) -> dict[str, object]:
        return {
            "valid": self.valid,
            "records": len(self.records),
            "findings": [f.as_dict() for f in self.findings],
        }


# --------------------------------------------------------------------------
# Reading the file


def _read_text(path: Path) -> str:
    try:
        st = path.stat()
    except FileNotFoundError:
        raise EvidenceError(path, "the file does not exist") from None
    except OSError as exc:
        raise EvidenceError(path, f"the file cannot be read ({exc.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise EvidenceError(path, "this is a directory, not a records file")
    if not stat.S_ISREG(st.st_mode):
        raise EvidenceError(path, "this is not a regular file")
    too_big = f"the file is over the 1 MiB limit for a records file ({st.st_size} bytes)"
    if st.st_size > MAX_BYTES:
        raise EvidenceError(path, too_big, line=1)
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise EvidenceError(path, f"the file cannot be read ({exc.strerror})") from None
    if len(data) > MAX_BYTES:  # it grew after stat()
        raise EvidenceError(path, too_big, line=1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        raise EvidenceError(
            path,
            f"this line is not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
            line=before.count(b"\n") + 1,
        ) from None
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class _Block:
    """YAML text taken from the file; ``first_line`` is its first line in the file."""

    text: str
    first_line: int
    fenced: bool
    newlines: tuple[int, ...]

    @classmethod
    def make(cls, text: str, first_line: int, fenced: bool) -> _Block:
        nl = tuple(i for i, ch in enumerate(text) if ch == "\n")
        return cls(text, first_line, fenced, nl)

    def line_at(self, index: int | None) -> int:
        """File line (1-based) of character ``index`` of the block."""
        if index is None or index < 0:
            return self.first_line
        index = min(index, len(self.text))
        return self.first_line + bisect.bisect_left(self.newlines, index)


_FENCE_OPEN = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


def _closes(line: str, fence: str) -> bool:
    return re.fullmatch(rf" {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*", line) is not None


def _blocks(path: Path, text: str) -> list[_Block]:
    """The YAML parts of the file: its fenced yaml blocks, or the whole file."""
    lines = text.split("\n")
    blocks: list[_Block] = []
    i = 0
    while i < len(lines):
        m = _FENCE_OPEN.match(lines[i])
        if not m or (m["fence"][0] == "`" and "`" in m["info"]):
            i += 1
            continue
        fence, indent = m["fence"], len(m["indent"])
        words = m["info"].strip().split()
        lang = words[0].strip("{}.").casefold() if words else ""
        j = i + 1
        while j < len(lines) and not _closes(lines[j], fence):
            j += 1
        if lang in ("yaml", "yml"):
            if j >= len(lines):
                raise EvidenceError(
                    path, f"this {fence}{lang} block is never closed with {fence}", line=i + 1
                )
            body = [_dedent(line, indent) for line in lines[i + 1 : j]]
            blocks.append(_Block.make("\n".join(body) + "\n", i + 2, True))
        i = j + 1
    if blocks:
        return blocks
    return [_Block.make(text, 1, False)]


def _dedent(line: str, n: int) -> str:
    k = 0
    while k < n and k < len(line) and line[k] == " ":
        k += 1
    return line[k:]


# --------------------------------------------------------------------------
# YAML: a first pass over the parser's events, then loading


_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_ALLOWED_TAGS = {
    "scalar": {"tag:yaml.org,2002:str", "!"},
    "map": {"tag:yaml.org,2002:map", "!"},
    "seq": {"tag:yaml.org,2002:seq", "!"},
}
_DATE_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}")


@dataclass
class _Item:
    """A top-level list item as the events show it."""

    kind: str  # "map" | "seq" | "scalar"
    index: int
    key_indexes: list[int] = field(default_factory=list)


@dataclass
class _Frame:
    kind: str  # "map" | "seq"
    index: int
    keys: dict[str, int] | None = None  # scalar key -> index of its first use
    expect_key: bool = True
    collect: list[int] | None = None  # key positions of a record


@dataclass
class _Shape:
    root: str | None = None  # "map" | "seq" | "scalar" | None (no document)
    root_index: int = 0
    items: list[_Item] = field(default_factory=list)
    bad_date_index: int | None = None


def _tag_name(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


def _scan(path: Path, block: _Block) -> _Shape:
    """Check the events of a block and learn its shape.

    Refuses anchors and aliases at the first one (so an alias bomb costs
    nothing), explicit tags other than the plain ones, merge keys, nesting
    deeper than MAX_DEPTH, duplicated keys and a second document.
    """

    def fail(message: str, index: int | None, fld: str | None = None) -> EvidenceError:
        return EvidenceError(path, message, line=block.line_at(index), field=fld)

    shape = _Shape()
    stack: list[_Frame] = []
    documents = 0
    for event in _events(path, block):
        index = event.start_mark.index if event.start_mark is not None else None
        if isinstance(event, AliasEvent):
            raise fail(
                f"the alias '*{event.anchor}' is not allowed in records; write the value out",
                index,
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise fail(
                f"the anchor '&{anchor}' is not allowed in records; write the value out", index
            )
        if isinstance(event, DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise fail(
                    "a second YAML document starts here ('---'); keep all records in one list",
                    index,
                )
            continue
        if isinstance(event, (MappingEndEvent, SequenceEndEvent)):
            stack.pop()
            continue
        if isinstance(event, ScalarEvent):
            kind = "scalar"
        elif isinstance(event, MappingStartEvent):
            kind = "map"
        elif isinstance(event, SequenceStartEvent):
            kind = "seq"
        else:
            continue
        tag = getattr(event, "tag", None)
        if tag is not None and str(tag) not in _ALLOWED_TAGS[kind]:
            raise fail(
                f"the YAML tag '{_tag_name(str(tag))}' is not allowed in records; remove it", index
            )
        if (
            kind == "scalar"
            and shape.bad_date_index is None
            and not event.style
            and _DATE_LIKE.match(event.value)
            and not _is_date(event.value)
        ):
            shape.bad_date_index = index
        depth = len(stack)
        if depth == 0:
            shape.root, shape.root_index = kind, index or 0
        else:
            parent = stack[-1]
            if parent.kind == "map":
                if parent.expect_key:
                    if parent.collect is not None:
                        parent.collect.append(index or 0)
                    if kind == "scalar":
                        _check_key(event, parent, fail, block.line_at)
                parent.expect_key = not parent.expect_key
            elif depth == 1 and shape.root == "seq":
                shape.items.append(_Item(kind, index or 0))
        if kind != "scalar":
            if depth + 1 > MAX_DEPTH:
                raise fail(f"the values are nested more than {MAX_DEPTH} levels deep", index)
            frame = _Frame(kind, index or 0, keys={} if kind == "map" else None)
            if kind == "map" and depth == 1 and shape.root == "seq":
                frame.collect = shape.items[-1].key_indexes
            stack.append(frame)
    return shape


def _check_key(
    event: ScalarEvent,
    parent: _Frame,
    fail: Callable[..., EvidenceError],
    line_at: Callable[[int | None], int],
) -> None:
    """Refuse a merge key, or a key already used in the same mapping."""
    key = event.value
    index = event.start_mark.index
    shown = _shown(key)
    if key == "<<" and not event.style:
        raise fail("merge keys ('<<') are not allowed in records", index)
    if parent.keys is None:
        return
    if key in parent.keys:
        first = line_at(parent.keys[key])
        in_record = parent.collect is not None
        where = "this record" if in_record else "the same mapping"
        raise fail(
            f"the key '{shown}' appears twice in {where} (first on line {first})",
            index,
            shown if in_record else None,
        )
    parent.keys[key] = index


def _shown(text: object, limit: int = 40) -> str:
    """A learner's text fit for a one-line message: one line, not too long."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _is_date(value: str) -> bool:
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if not m:
        return True
    try:
        _dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return False
    return True


def _events(path: Path, block: _Block) -> Iterator[Any]:
    bad = _NON_PRINTABLE.search(block.text)
    if bad:
        raise EvidenceError(
            path,
            f"the control character U+{ord(bad.group()):04X} is not allowed in YAML; remove it",
            line=block.line_at(bad.start()),
        )
    stream = YAML(typ="rt").parse(block.text)
    while True:
        try:
            event = next(stream)
        except StopIteration:
            return
        except MarkedYAMLError as exc:
            raise _syntax_error(path, block, exc) from None
        except (YAMLError, RecursionError, ValueError) as exc:
            raise EvidenceError(
                path,
                "this is not valid YAML; check the indentation and quoting",
                line=block.first_line,
            ) from exc
        yield event


# A paragraph starting at the left margin (after a blank line or at the top)
# with no ':' and no sign of YAML: prose in a file read as bare YAML.
_PROSE_LINE = re.compile(r"(?:\A|\n[ \t]*\n)[^\s#\-\[\]{}'\"|>][^:\n]*(?:\n|\Z)")


def _syntax_error(path: Path, block: _Block, exc: MarkedYAMLError) -> EvidenceError:
    message, mark = _explain(exc)
    index = getattr(mark, "index", None) if mark is not None else None
    if not block.fenced and _PROSE_LINE.search(block.text):
        message += "; if the file mixes prose and records, put the records in a ```yaml block"
    return EvidenceError(path, message, line=block.line_at(index))


def _explain(exc: MarkedYAMLError) -> tuple[str, Any]:
    """One plain sentence for a YAML syntax error, and the mark to point at."""
    problem = str(exc.problem or "")
    context = str(exc.context or "")
    pm, cm = exc.problem_mark, exc.context_mark
    at = pm if pm is not None else cm
    if "quoted scalar" in context and "end of stream" in problem:
        return "this quoted value is never closed; add the closing quote", cm or pm
    if "simple key" in context and "expected ':'" in problem:
        return (
            "this line is not 'key: value' and not indented under the key above; "
            "indent it to continue the value, or add the missing ':'",
            cm or pm,
        )
    if problem.startswith("mapping values are not allowed"):
        return (
            "a ': ' here cannot start a key; put a value that contains ': ' in quotes, "
            "or fix the indentation of this line",
            at,
        )
    if "'\\t'" in problem or "tab character" in problem:
        return "a tab is used for indentation here; YAML indents with spaces", at
    m = re.search(r"found character '(.+?)' that cannot start any token", problem)
    if m:
        return f"a value cannot start with '{m.group(1)}'; put the value in quotes", at
    if "escape character" in problem:
        return (
            "a double-quoted value holds an unknown '\\' escape; use single quotes, "
            "or write '\\\\' for a backslash",
            at,
        )
    if "',' or ']'" in problem:
        return "a '[' list is not closed with ']' or misses a ','", at
    if "',' or '}'" in problem:
        return "a '{' mapping is not closed with '}' or misses a ','", at
    if "block scalar" in context:
        return (
            "after '|' or '>' the text must start on the next line, indented under its key",
            at,
        )
    if "document" in context or "document" in problem:
        return "a second YAML document starts here ('---'); keep all records in one list", at
    if "sequence entries are not allowed" in problem or "'-' indicator" in problem:
        return "a list item ('- ') cannot start here; check the indentation", at
    if "directive" in problem or "directive" in context:
        return "a '%' directive is not allowed in records", at
    if "block end" in problem or "expected key" in problem or "block" in context:
        return "the indentation of this line does not fit the lines above", at
    return "this is not valid YAML; check the indentation and quoting", at


def _load(path: Path, block: _Block, shape: _Shape) -> Any:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = True  # duplicates were refused by _scan
    try:
        return yaml.load(block.text)
    except MarkedYAMLError as exc:
        raise _syntax_error(path, block, exc) from None
    except Exception as exc:  # a value the loader cannot build (e.g. 2023-02-30)
        index = shape.bad_date_index if shape.bad_date_index is not None else shape.root_index
        raise EvidenceError(
            path,
            "a value here cannot be read (an impossible date?); put it in quotes",
            line=block.line_at(index),
        ) from exc


def _plain(value: Any) -> Any:
    """ruamel's round-trip types as plain Python values."""
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, TaggedScalar):
        return str(value.value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool) or type(value).__name__ == "ScalarBoolean":
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, _dt.datetime):
        return _dt.datetime(
            value.year,
            value.month,
            value.day,
            value.hour,
            value.minute,
            value.second,
            value.microsecond,
            value.tzinfo,
        )
    if isinstance(value, _dt.date):
        return _dt.date(value.year, value.month, value.day)
    if isinstance(value, Mapping):
        return {_plain_key(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


def _plain_key(key: Any) -> Any:
    plain = _plain(key)
    if isinstance(plain, (dict, list)):
        return str(plain)
    return plain


def _key_name(key: Any) -> str:
    plain = _plain_key(key)
    if isinstance(plain, str):
        return plain
    if plain is None:
        return "null"
    if isinstance(plain, bool):
        return "true" if plain else "false"
    return str(plain)


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, _dt.date):
        return "a date"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    return "not text"


def _block_records(path: Path, block: _Block) -> list[Record]:
    shape = _scan(path, block)
    if shape.root is None:
        return []
    where = "the file" if not block.fenced else "this yaml block"
    if shape.root == "map":
        raise EvidenceError(
            path,
            f"{where} holds one mapping, not a list of records; start each record with '- '",
            line=block.line_at(shape.root_index),
        )
    if shape.root == "scalar":
        hint = (
            "; write the records as a YAML list, or put them in a ```yaml block"
            if not block.fenced
            else "; start each record with '- '"
        )
        raise EvidenceError(
            path,
            f"{where} holds text, not a list of records{hint}",
            line=block.line_at(shape.root_index),
        )
    data = _load(path, block, shape)
    if not isinstance(data, list) or len(data) != len(shape.items):
        raise EvidenceError(
            path, "this list cannot be read as records", line=block.line_at(shape.root_index)
        )
    records: list[Record] = []
    for number, (item, info) in enumerate(zip(data, shape.items, strict=True), start=1):
        item_line = block.line_at(info.index)
        if not isinstance(item, Mapping):
            raise EvidenceError(
                path,
                f"item {number} of the list is {_describe(_plain(item))}, not a record; "
                "a record is a set of 'key: value' lines such as 'bug-id: 38-01'",
                line=item_line,
            )
        keys = list(item.keys())
        if len(keys) != len(info.key_indexes):
            raise EvidenceError(path, "a key appears twice in this record", line=item_line)
        fields: dict[str, object] = {}
        lines: dict[str, int] = {}
        for key, key_index in zip(keys, info.key_indexes, strict=True):
            name = _key_name(key)
            key_line = block.line_at(key_index)
            if name in fields:
                raise EvidenceError(
                    path,
                    f"the key '{_shown(name)}' appears twice in this record "
                    f"(first on line {lines[name]})",
                    line=key_line,
                    field=_shown(name),
                )
            fields[name] = _plain(item[key])
            lines[name] = key_line
        first = next(iter(lines.values()), item_line)
        records.append(Record(file=str(path), line=first, fields=fields, field_lines=lines))
    return records


def parse_records(path: Path | str) -> list[Record]:
    """Every record of a records file, in order.

    Raises EvidenceError (with the file and a line) when the file cannot be
    read as records: too big, not UTF-8, not YAML, not a list of mappings, a
    duplicated key, aliases, or no records at all.
    """
    path = Path(path)
    text = _read_text(path)
    if not text.strip():
        raise EvidenceError(
            path, "the file is empty; it should hold a YAML list of records", line=1
        )
    blocks = _blocks(path, text)
    records: list[Record] = []
    for block in blocks:
        records.extend(_block_records(path, block))
    if not records:
        first = blocks[0]
        where = "its ```yaml blocks are empty" if first.fenced else "it holds only comments"
        line = first.first_line - 1 if first.fenced else 1
        raise EvidenceError(path, f"the file holds no records ({where})", line=line)
    return records


# --------------------------------------------------------------------------
# Validation


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def _names_file(prose: str, path: str) -> bool:
    """Whether ``prose`` names ``path`` by its path or its basename."""
    base = posixpath.basename(path.rstrip("/")) or path
    pattern = rf"(?<![\w\-]){re.escape(base.casefold())}(?![\w\-])"
    return re.search(pattern, prose.casefold()) is not None


def _not_text(name: str, value: object) -> str:
    kind = _describe(value)
    if kind == "a mapping":
        return f"{name} must be text, not a mapping; if the text holds ': ', put it in quotes"
    if kind == "a list":
        return f"{name} must be text, not a list"
    return f"{name} must be text, not {kind}; put the value in quotes"


def validate_record(
    record: Record,
    rules: RecordRules,
    known_labs: set[str],
    verify_fix: Callable[[str], FixVerdict] | None = None,
) -> list[Finding]:
    """What is wrong with one record, judged by its lab's rules.

    ``verify_fix`` is called with the diff when ``fix_diff`` is a well-formed
    diff inside the rules (no protected path, within the line budget).
    """
    findings: list[Finding] = []

    def add(name: str | None, message: str, severity: str = ERROR) -> None:
        message = " ".join(message.split())
        findings.append(Finding(record.file, record.line_of(name), name, message, severity))

    texts: dict[str, str] = {}
    wanted = dict.fromkeys((*rules.required, "bug-id", *HINT_FIELDS, "fix_diff", *rules.mentions))
    for name in wanted:
        required = name in rules.required or name in rules.mentions
        if name not in record.fields:
            if required:
                add(name, f"{name} is missing")
            continue
        value = record.fields[name]
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                add(name, f"{name} is empty")
        elif not isinstance(value, str):
            add(name, _not_text(name, value))
        else:
            texts[name] = value

    bug_id = texts.get("bug-id", "").strip()
    if bug_id:
        if bug_id not in known_labs:
            known = sorted(known_labs)
            also = f" (known: {', '.join(known)})" if 0 < len(known) <= 8 else ""
            add("bug-id", f"unknown bug-id '{_shown(bug_id)}'{also}")
        elif rules.bug_id and bug_id != rules.bug_id:
            add("bug-id", f"bug-id '{_shown(bug_id)}' is not lab {rules.bug_id}")

    seen: dict[str, str] = {}
    for name in HINT_FIELDS:
        if name not in texts:
            continue
        key = _norm(texts[name])
        if key in seen:
            add(name, f"{name} repeats {seen[key]}; write three different hints")
        else:
            seen[key] = name

    for name, mentions in rules.mentions.items():
        if name not in texts:
            continue
        haystack = _norm(texts[name])
        for mention in mentions:
            examples = [n for n in mention.any_of if n.strip()]
            if examples and not any(_norm(n) in haystack for n in examples):
                add(
                    name,
                    f"{name} does not mention {mention.label} (for example '{examples[0]}')",
                )

    fix = texts.get("fix_diff")
    if fix is not None:
        _check_fix(fix, rules, verify_fix, add)

    findings.sort(key=lambda f: f.line)
    return findings


def _check_fix(
    fix: str,
    rules: RecordRules,
    verify_fix: Callable[[str], FixVerdict] | None,
    add: Callable[..., None],
) -> None:
    if not looks_like_diff(fix):
        for path in rules.fault_files:
            if not _names_file(fix, path):
                add("fix_diff", f"fix_diff does not name {path}, a file the break changed")
        add("fix_diff", PROSE_WARNING, WARNING)
        return
    try:
        summary = parse_unified_diff(fix)
    except DiffError as exc:
        add(
            "fix_diff",
            f"fix_diff is not a well-formed diff: {exc.reason} (line {exc.line} of the diff)",
        )
        return
    except ValueError as exc:
        add("fix_diff", f"fix_diff is not a well-formed diff: {exc}")
        return
    blocked = touches(summary, rules.protected)
    for path in blocked:
        add("fix_diff", f"fix_diff changes {path}, which a fix may not touch")
    over = summary.changed_lines > rules.line_budget
    if over:
        add(
            "fix_diff",
            f"fix_diff changes {summary.changed_lines} lines; "
            f"a fix may change at most {rules.line_budget}",
        )
    if verify_fix is not None and not blocked and not over:
        verdict = verify_fix(fix)
        if not verdict.ok:
            add("fix_diff", verdict.message.strip() or "fix_diff does not repair the lab")


def _bug_id_of(record: Record) -> str | None:
    value = record.fields.get("bug-id")
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def validate_file(
    path: Path | str,
    rules_by_lab: dict[str, RecordRules],
    *,
    bug_id: str | None = None,
    verify_fix: Callable[[str], FixVerdict] | Mapping[str, Callable[[str], FixVerdict]] | None = None,
) -> RecordsReport:
    """Parse a records file and judge its records.

    With ``bug_id``, only the records of that lab are judged, and having none
    is an error. Records of an unknown lab are judged on their form only, plus
    an error on their bug-id. Raises EvidenceError when the file cannot be
    parsed (see :func:`parse_records`).
    """
    records = parse_records(path)
    known = set(rules_by_lab)
    findings: list[Finding] = []
    if bug_id is not None:
        wanted = bug_id.strip()
        selected = [r for r in records if _bug_id_of(r) == wanted]
        if not selected:
            findings.append(Finding(str(path), 1, None, f"no record for bug-id {wanted}", ERROR))
    else:
        selected = records
    first_of: dict[str, int] = {}
    for record in selected:
        rid = _bug_id_of(record)
        rules = rules_by_lab.get(rid) if rid is not None else None
        if isinstance(verify_fix, Mapping):  # one verifier per lab
            check = verify_fix.get(rid) if rules is not None else None
        else:
            check = verify_fix if rules is not None else None
        findings.extend(
            validate_record(record, rules or RecordRules(bug_id=rid or ""), known, check)
        )
        if rid is not None:
            if rid in first_of:
                findings.append(
                    Finding(
                        record.file,
                        record.line_of("bug-id"),
                        "bug-id",
                        f"another record for bug-id {_shown(rid)} is on line {first_of[rid]}",
                        WARNING,
                    )
                )
            else:
                first_of[rid] = record.line
    return RecordsReport(records=selected, findings=findings)


# --------------------------------------------------------------------------
# A template for the learner


_GUIDE: dict[str, dict[str, str]] = {
    "en": {
        "head": (
            "Record of the break of lab {lab}. Fill in every field and keep the\n"
            "indentation, then run: lab check {lab}\n"
            "Put a value in quotes if it holds ': ' or ' #'. For a longer text,\n"
            "go on writing on the next lines, indented under the key."
        ),
        "concept": "The release-engineering idea behind the break, in one line.",
        "symptom": "What you observed: the failing command, its message, the impact.",
        "hidden_cause": "Why it happened: the change behind it and how it led to the symptom.",
        "hint_1": "Three different hints for the next learner, from gentle to\nalmost the answer.",
        "fix_diff": (
            "Your fix: a unified diff (git diff) of at most {budget} changed lines,\n"
            "written as\n"
            "  fix_diff: |\n"
            "    diff --git a/... b/...\n"
            "or a sentence naming every file you changed."
        ),
    },
    "es": {
        "head": (
            "Registro de la rotura del laboratorio {lab}. Rellena cada campo sin\n"
            "cambiar la sangría y después ejecuta: lab check {lab}\n"
            "Pon un valor entre comillas si contiene ': ' o ' #'. Un texto largo\n"
            "puede seguir en las líneas siguientes, sangradas bajo la clave."
        ),
        "concept": "La idea de ingeniería de releases detrás de la rotura, en una línea.",
        "symptom": "Lo que observaste: el comando que falla, su mensaje, el impacto.",
        "hidden_cause": "Por qué ocurrió: el cambio que lo provocó y cómo llevó al síntoma.",
        "hint_1": "Tres pistas distintas para quien venga después, de suave a\ncasi la respuesta.",
        "fix_diff": (
            "Tu arreglo: un diff unificado (git diff) de {budget} líneas cambiadas\n"
            "como máximo, escrito así\n"
            "  fix_diff: |\n"
            "    diff --git a/... b/...\n"
            "o una frase que nombre cada fichero que cambiaste."
        ),
    },
}


def _comment(text: str, indent: str) -> list[str]:
    return [f"{indent}# {line}".rstrip() for line in text.split("\n")]


def template_record(rules: RecordRules, lang: str = "en") -> str:
    """A fenced ```yaml block with one empty record for the lab, with guidance.

    It parses, and it does not validate until the learner fills it in.
    """
    guide = _GUIDE.get(lang[:2].casefold(), _GUIDE["en"])
    fmt = {"lab": rules.bug_id, "budget": rules.line_budget}
    out = ["```yaml", *_comment(guide["head"].format(**fmt), "")]
    out.append(f"- bug-id: {json.dumps(rules.bug_id, ensure_ascii=False)}")
    names = [n for n in (*rules.required, *rules.mentions) if n != "bug-id"]
    for name in dict.fromkeys(names):
        if name in guide:
            out.extend(_comment(guide[name].format(**fmt), "  "))
        out.append(f'  {name}: ""')
    out.append("```")
    return "\n".join(out) + "\n"
