"""Reading the workspace's state files so that damage is a sentence, not a traceback.

A state file that cannot be read (not UTF-8, not JSON, not an object) raises a
:class:`labcore.errors.DataError` naming the file, the line and what to do
(the ``hint`` its owner passes). Nothing here repairs anything: the owner of a
file decides whether it is derived (rebuilt) or evidence (only reported).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from labcore.errors import DataError
from labcore.strict import load_jsonl_lines
from labkit.runtime.fsutil import JSONL_ADVICE, STATE_LIMIT, read_json


def unreadable(path: Path, err: BaseException, hint: str | None = None) -> DataError:
    """The DataError for ``path`` that ``err`` (raised while reading it) stands for."""
    if isinstance(err, DataError):
        return DataError(err.path, err.detail, line=err.line, field=err.field,
                         hint=hint or err.hint)
    if isinstance(err, UnicodeDecodeError):
        line = err.object.count(b"\n", 0, err.start) + 1 if isinstance(err.object, bytes) else None
        return DataError(path, "is not UTF-8 text", line=line, hint=hint)
    if isinstance(err, json.JSONDecodeError):
        return DataError(path, f"is not valid JSON ({err.msg})", line=err.lineno, hint=hint)
    if isinstance(err, OSError):
        return DataError(path, f"cannot be read ({err.strerror or err})", hint=hint)
    return DataError(path, "is not valid JSON", hint=hint)


def read_object(path: Path, *, hint: str | None = None) -> dict[str, Any] | None:
    """The JSON object in ``path``, None when the file does not exist."""
    if not path.exists():
        return None
    try:
        data = read_json(path, None)
    except (ValueError, OSError, DataError) as err:
        raise unreadable(path, err, hint) from None
    if not isinstance(data, dict):
        raise DataError(path, "is not a JSON object", line=1, hint=hint)
    return data


def read_records(path: Path, *, hint: str | None = None) -> list[tuple[int, dict[str, Any]]]:
    """(line number, object) for every JSON line of ``path``; blank lines are skipped.

    A last line without its newline that is not JSON is a write a crash cut
    short and is skipped; any other bad line raises a DataError naming it.
    """
    if not path.exists() and not path.is_symlink():
        return []
    try:
        return load_jsonl_lines(path, limit=STATE_LIMIT, kind="a state file",
                                advice=JSONL_ADVICE)
    except (ValueError, OSError, DataError) as err:
        raise unreadable(path, err, hint) from None
