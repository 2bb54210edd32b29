"""Hostile records files just under the 1 MiB cap, shared by tests and benchmarks.

Each entry: name -> (builder of the file's text, what must come of it). The
outcome is either ("refused", words in the one-sentence error) or
("read", number of records).
"""

from __future__ import annotations

CAP = 1024 * 1024
ROOM = CAP - 200  # leave room for a head line


def _fit(text: str) -> str:
    assert len(text.encode()) <= CAP, len(text.encode())
    return text


def _repeat(head: str, unit: str, tail: str = "") -> str:
    n = (ROOM - len(head) - len(tail)) // len(unit)
    return _fit(head + unit * n + tail)


RECORD = "- bug-id: 38-01\n  concept: x\n"

HOSTILE: dict[str, tuple[object, tuple[str, object]]] = {
    "deep_flow_nesting": (lambda: _fit("- " + "[" * (ROOM // 2) + "]" * (ROOM // 2) + "\n"),
                          ("refused", "nested more than 50 levels deep")),
    "deep_block_nesting": (lambda: _fit("".join("  " * i + "- \n" for i in range(900))),
                           ("refused", "nested more than 50 levels deep")),
    "many_records": (lambda: RECORD * 9000, ("refused", "more than 10000 values")),
    "many_small_records": (lambda: "- {bug-id: a}\n" * 300, ("refused", "more than 200 records")),
    "many_lines": (lambda: _repeat("", RECORD), ("refused", "runs past 20000 lines")),
    "many_keys": (lambda: "- bug-id: 38-01\n" + "  key: v\n" * 15000,
                  ("refused", "appears twice in this record")),
    "many_distinct_keys": (lambda: _fit("- {bug-id: 38-01, " + ", ".join(
        f"k{i}: v" for i in range(ROOM // 12)) + "}\n"), ("refused", "more than 10000 values")),
    "many_flow_values": (lambda: _repeat("- bug-id: 38-01\n  concept: [", "a,", "a]\n"),
                         ("refused", "more than 10000 values")),
    "many_empty_items": (lambda: "-\n" * 15000, ("refused", "more than 10000 values")),
    "many_fenced_blocks": (lambda: _repeat("", "```yaml\n[]\n```\n"),
                           ("refused", "more than 200 ```yaml blocks")),
    "many_records_in_blocks": (lambda: _repeat("", "```yaml\n" + RECORD + "```\n"),
                               ("refused", "more than 200 ")),
    "alias_bomb": (lambda: _fit("- a: &a [x, x, x, x, x, x, x, x, x]\n"
                                + "  b: [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" * 19000),
                   ("refused", "the anchor '&a' is not allowed")),
    "long_line": (lambda: _repeat("- bug-id: 38-01\n  concept: ", "a", "\n"), ("read", 1)),
    "long_quoted_escapes": (lambda: _repeat('- bug-id: 38-01\n  concept: "', "\\t", '"\n'),
                            ("read", 1)),
    "long_block_scalar": (lambda: _repeat("- bug-id: 38-01\n  concept: |\n", "    word\n"),
                          ("refused", "runs past 20000 lines")),
    "long_block_scalar_lines": (lambda: _fit("- bug-id: 38-01\n  concept: |\n"
                                             + ("    " + "w" * 40 + "\n") * 19000),
                                ("read", 1)),
    "long_diff": (lambda: _repeat("- bug-id: 38-01\n  fix_diff: |\n    --- a/x\n    +++ b/x\n"
                                  "    @@ -1,99999 +1,99999 @@\n", "     c\n"),
                  ("refused", "runs past 20000 lines")),
    "blank_line_run": (lambda: "- bug-id: 38-01\n" + "\n" * 19000 + "  concept: x\n",
                       ("read", 1)),
    "blank_lines": (lambda: _repeat("- bug-id: 38-01\n", "\n"),
                    ("refused", "runs past 20000 lines")),
    "comment_lines": (lambda: _repeat("- bug-id: 38-01\n", "# note\n"),
                      ("refused", "runs past 20000 lines")),
    "long_key": (lambda: _repeat("- ", "k", ": v\n"), ("refused", "")),
}
