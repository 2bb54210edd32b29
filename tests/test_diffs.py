"""checker.diffs: reading the unified diff of a fix."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.diffs import (
    DiffError,
    DiffSummary,
    FileChange,
    looks_like_diff,
    parse_unified_diff,
    touches,
)

FIX_38_01 = """\
diff --git a/scripts/release.sh b/scripts/release.sh
index 3f1c2aa..8e0b915 100755
--- a/scripts/release.sh
+++ b/scripts/release.sh
@@ -21,3 +21,3 @@ deploy "$version"
 smoke_portal "$version"
-prune_artifacts --keep 1
+prune_artifacts --keep 5
 echo "released $version"
diff --git a/src/minitutor/agent.py b/src/minitutor/agent.py
index 51d0c3e..a77b2f0 100644
--- a/src/minitutor/agent.py
+++ b/src/minitutor/agent.py
@@ -12,3 +12,3 @@
 def gloss(word):
     entry = lookup(word)
-    return {"es": entry.en, "en": entry.es}
+    return {"en": entry.en, "es": entry.es}
\\ No newline at end of file
"""


def one_file(body: str, header: str = "@@ -1,{old} +1,{new} @@") -> str:
    lines = body.splitlines()
    old = sum(1 for line in lines if line[:1] in (" ", "-"))
    new = sum(1 for line in lines if line[:1] in (" ", "+"))
    return f"--- a/f.txt\n+++ b/f.txt\n{header.format(old=old, new=new)}\n{body}"


# -- what a diff changes -------------------------------------------------------


def test_the_38_01_fix_counts_two_changed_lines() -> None:
    summary = parse_unified_diff(FIX_38_01)
    assert summary == DiffSummary(
        files=(
            FileChange("scripts/release.sh", 1, 1, 1, False, False),
            FileChange("src/minitutor/agent.py", 1, 1, 1, False, False),
        ),
        changed_lines=2,
    )


@pytest.mark.parametrize(
    ("body", "changed"),
    [
        (" a\n-b\n+B\n c\n", 1),  # a line swapped for another
        (" a\n+b\n c\n", 1),  # one line added
        (" a\n-b\n c\n", 1),  # one line removed
        ("-a\n-b\n+A\n+B\n+C\n", 3),  # two lines become three
        ("-a\n+A\n b\n-c\n+C\n", 2),  # two separate swaps in one hunk
        ("-a\n b\n+c\n", 2),  # a removal and an addition apart are two changes
    ],
)
def test_changed_lines_take_the_larger_side_of_each_run(body: str, changed: int) -> None:
    summary = parse_unified_diff(one_file(body))
    assert summary.changed_lines == changed
    assert summary.files[0].changed == changed


def test_runs_are_summed_over_hunks_and_files() -> None:
    text = (
        "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n@@ -9 +9,3 @@\n q\n+r\n+s\n"
        "--- a/y\n+++ b/y\n@@ -1 +0,0 @@\n-gone\n"
    )
    summary = parse_unified_diff(text)
    assert [f.changed for f in summary.files] == [3, 1]
    assert summary.changed_lines == 4


def test_prefixes_dev_null_and_git_headers() -> None:
    text = """\
diff --git a/docs/new.md b/docs/new.md
new file mode 100644
index 0000000..e69de29
--- /dev/null
+++ b/docs/new.md
@@ -0,0 +1,2 @@
+# New
+page
diff --git a/old.txt b/old.txt
deleted file mode 100644
index e69de29..0000000
--- a/old.txt
+++ /dev/null
@@ -1 +0,0 @@
-gone
"""
    new, deleted = parse_unified_diff(text).files
    assert (new.path, new.is_new, new.is_deleted, new.added) == ("docs/new.md", True, False, 2)
    assert (deleted.path, deleted.is_new, deleted.is_deleted, deleted.removed) == (
        "old.txt",
        False,
        True,
        1,
    )


def test_plain_diff_u_headers_with_dates() -> None:
    text = (
        "--- scripts/release.sh\t2024-05-01 10:00:00.000000000 +0200\n"
        "+++ scripts/release.sh\t2024-05-01 10:05:00.000000000 +0200\n"
        "@@ -1 +1 @@\n-prune --keep 1\n+prune --keep 5\n"
    )
    (change,) = parse_unified_diff(text).files
    assert change.path == "scripts/release.sh"


def test_a_rename_keeps_both_names() -> None:
    text = """\
diff --git a/tests/helpers.py b/src/helpers.py
similarity index 100%
rename from tests/helpers.py
rename to src/helpers.py
"""
    (change,) = parse_unified_diff(text).files
    assert (change.path, change.old_path, change.changed) == (
        "src/helpers.py",
        "tests/helpers.py",
        0,
    )


def test_quoted_paths_are_unquoted() -> None:
    text = '--- "a/caf\\303\\251 menu.txt"\n+++ "b/caf\\303\\251 menu.txt"\n@@ -1 +1 @@\n-a\n+b\n'
    (change,) = parse_unified_diff(text).files
    assert change.path == "café menu.txt"


def test_crlf_and_blank_context_lines_are_tolerated() -> None:
    text = "--- a/f\r\n+++ b/f\r\n@@ -1,3 +1,3 @@\r\n a\r\n\r\n-b\r\n+c\r\n"
    assert parse_unified_diff(text).changed_lines == 1


def test_text_around_the_diff_is_ignored() -> None:
    text = "Restore the flag.\n\n" + FIX_38_01 + "\nThat is all.\n"
    assert parse_unified_diff(text).changed_lines == 2


# -- malformed diffs -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n-a\n+b\n", 3, "ends early"),
        ("--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n+c\n", 6, "outside any hunk"),
        ("--- a/f\n+++ b/f\n@@ -1,2 +1 @@\n-a\n-b\n-c\n", 6, "removes more lines"),
        ("--- a/f\n+++ b/f\n@@ -1 +1,2 @@\n-a\n-b\n+c\n", 5, "removes more lines"),
        ("--- a/f\n+++ b/f\n@@ -1 +1 @@\n*a\n+b\n", 4, "must start with"),
        ("@@ -1 +1 @@\n-a\n+b\n", 1, "before its '---' and '+++'"),
        ("--- a/f\n+++ b/f\n@@ -x +1 @@\n-a\n+b\n", 3, "not of the form"),
        ("--- a/f\n+++ b/f\n", 1, "has no hunk"),
        ("--- /abs/f\n+++ /abs/f\n@@ -1 +1 @@\n-a\n+b\n", 1, "absolute"),
        ("--- a/../f\n+++ b/../f\n@@ -1 +1 @@\n-a\n+b\n", 1, "outside the project"),
        ("diff --git a/i.png b/i.png\nBinary files a/i.png and b/i.png differ\n", 2, "binary"),
        ("--- a/f\n+++ b/f\n@@ -0,0 +0,0 @@\n", 3, "announces no lines"),
    ],
)
def test_malformed_diffs_raise_a_clear_error(text: str, line: int, words: str) -> None:
    with pytest.raises(DiffError) as info:
        parse_unified_diff(text)
    assert info.value.line == line
    assert words in info.value.reason
    assert str(info.value) == f"line {line}: {info.value.reason}"
    assert isinstance(info.value, ValueError)


def test_no_changes_at_all_is_an_error() -> None:
    with pytest.raises(ValueError, match="no file changes"):
        parse_unified_diff("just some words\n")


# -- telling a diff from prose -------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        FIX_38_01,
        "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n",
        "@@ -1,2 +1,2 @@\n-a\n+b\n",
        "diff --git a/f b/f\nold mode 100644\nnew mode 100755\n",
    ],
)
def test_diffs_look_like_diffs(text: str) -> None:
    assert looks_like_diff(text)


@pytest.mark.parametrize(
    "text",
    [
        "restore --keep 5 in release.sh and the key order in agent.py",
        "--- a note ---\nnothing here is a diff\n",
        "I ran diff --git on it and saw +++ and --- lines.",
        "",
    ],
)
def test_prose_does_not_look_like_a_diff(text: str) -> None:
    assert not looks_like_diff(text)


# -- protected paths -----------------------------------------------------------


def summary_of(*paths: str) -> DiffSummary:
    files = tuple(FileChange(p, 1, 0, 1, False, False) for p in paths)
    return DiffSummary(files, len(files))


@pytest.mark.parametrize(
    ("patterns", "hits"),
    [
        (("tests/",), ["tests/test_smoke.py", "Tests/Upper.py"]),
        (("tests",), ["tests/test_smoke.py", "Tests/Upper.py"]),
        (("*.lock",), ["uv.lock"]),
        (("contract/*.json",), ["contract/gloss.json"]),
        (("src/minitutor/agent.py",), ["src/minitutor/agent.py"]),
        (("src/mini",), []),
        ((), []),
    ],
)
def test_touches_matches_prefixes_and_globs(patterns: tuple[str, ...], hits: list[str]) -> None:
    summary = summary_of(
        "src/minitutor/agent.py",
        "tests/test_smoke.py",
        "testsuite/x.py",
        "Tests/Upper.py",
        "uv.lock",
        "contract/gloss.json",
    )
    assert touches(summary, patterns) == hits


def test_touches_sees_the_old_name_of_a_renamed_file() -> None:
    text = "diff --git a/tests/a.py b/src/a.py\nrename from tests/a.py\nrename to src/a.py\n"
    assert touches(parse_unified_diff(text), ["tests/"]) == ["tests/a.py"]


# -- whatever the text: a summary or a DiffError --------------------------------

edits = st.lists(
    st.tuples(
        st.integers(0, 2),
        st.floats(0, 1),
        st.text(
            st.one_of(st.sampled_from(list('+- @\\\n/ab,0123456789"')), st.characters()), max_size=5
        ),
    ),
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(edits=edits)
def test_mutated_diffs_give_a_summary_or_a_diff_error(edits: list[tuple[int, float, str]]) -> None:
    text = FIX_38_01
    for cut, where, piece in edits:
        at = int(where * len(text))
        text = text[:at] + piece + text[at + cut :]
    try:
        summary = parse_unified_diff(text)
    except DiffError as err:
        assert err.reason
        return
    assert summary.changed_lines == sum(f.changed for f in summary.files)
    for change in summary.files:
        assert max(change.added, change.removed) <= change.changed <= change.added + change.removed
    touches(summary, ["tests/", "*.py"])
