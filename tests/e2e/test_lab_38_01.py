"""Lab 38-01 end to end, the way a learner lives it, through the real CLI and just."""

from __future__ import annotations

import json
import subprocess

from support import (
    KIT_ROOT,
    RECORD_38_01,
    git,
    just,
    lab,
    lab_json,
    unwrap,
)

LAB_DIR = KIT_ROOT / "labs" / "38-01-no-rollback-path"






def tars(ws):
    return sorted(p.name for p in (ws / "artifacts").glob("*.tar"))


def test_the_whole_story(course):
    course, ws, env = course

    # Start: three baseline releases, 1.2.2 serving, three artifacts kept.
    out = lab("start", "38-01", cwd=course, env=env).stdout
    assert "1.2.2 is serving" in out
    assert tars(ws) == ["tutor-1.2.0.tar", "tutor-1.2.1.tar", "tutor-1.2.2.tar"]
    assert git("tag", "--list", cwd=ws).split() == ["v1.2.0", "v1.2.1", "v1.2.2"]
    assert git("config", "--local", "user.name", cwd=ws) == "ana"
    assert (ws / ".copier-answers.yml").is_file()

    # Break: the workspace's own release prunes everything but the broken release.
    out = lab("break", "38-01", cwd=course, env=env).stdout
    for version in ("1.2.0", "1.2.1", "1.2.2"):
        assert f"[release] removed tutor-{version}.tar" in out
    assert "now serving 1.2.3" in out
    assert "just smoke-portal" in out and "lab rollback --rebuild" in out
    assert tars(ws) == ["tutor-1.2.3.tar"]
    head = git("rev-parse", "HEAD", cwd=ws)
    again = lab("break", "38-01", cwd=course, env=env).stdout
    assert "already broken" in again
    assert git("rev-parse", "HEAD", cwd=ws) == head, "the second break injected again"
    events = [json.loads(line)["event"] for line in (ws / ".lab/journal.jsonl").open()]
    assert events.count("fault.injected") == 1
    status = lab_json("status", cwd=ws, env=env)
    assert status["lab"]["break_active"] and status["serving"] == "1.2.3"
    assert "active for" in lab("status", cwd=ws, env=env).stdout

    # Detect: smoke fails with both findings.
    smoke = just("smoke-portal", cwd=ws, env=env)
    assert smoke.returncode != 0
    assert "[smoke] FAIL: response field order differs from contract" in smoke.stdout
    assert ("[smoke] FAIL: portal renderer shows Spanish gloss in the English correction slot"
            in smoke.stdout)

    # Mitigate: the fast way back is gone; the rebuild recovers.
    rollback = just("rollback", cwd=ws, env=env)
    assert rollback.returncode != 0
    assert ("[rollback] ERROR: no prior release tag found "
            "(last available: tutor-1.2.3.tar, current)") in rollback.stderr
    assert "would take about" in rollback.stderr
    # The same key messages for a Spanish-speaking learner.
    es = dict(env, LAB_LANG="es")
    smoke_es = just("smoke-portal", cwd=ws, env=es).stdout
    assert ("[smoke] FAIL: el portal muestra la glosa en español en el hueco de la corrección "
            "en inglés") in smoke_es
    rollback_es = just("rollback", cwd=ws, env=es).stderr
    assert "no hay ninguna versión anterior (último disponible: tutor-1.2.3.tar, actual)" in \
        rollback_es
    assert "llevaría unos" in rollback_es
    out = lab("rollback", "--rebuild", cwd=ws, env=env).stdout
    assert "now serving 1.2.2" in out
    assert lab("smoke", cwd=ws, env=env).stdout.startswith("[smoke] PASS")

    # Hints, one at a time, in either language.
    assert lab("hint", "38-01", cwd=ws, env=env).stdout.startswith("Hint 1/3:")
    assert lab("hint", "38-01", "--lang", "es", cwd=ws, env=env).stdout.startswith("Pista 2/3:")

    # Fix: the reference fix (two lines), released as 1.2.4.
    subprocess.run(["git", "apply", str(LAB_DIR / "fix" / "fix.diff")], cwd=ws, check=True)
    git("commit", "-qam", "keep five releases and restore the key order", cwd=ws)
    release = just("release", "1.2.4", cwd=ws, env=env)
    assert release.returncode == 0, release.stdout + release.stderr
    assert "[release] artifacts-prune --keep 5" in release.stdout
    assert lab("smoke", cwd=ws, env=env).returncode == 0

    # Record: the template alone is not a valid record; a real one is.
    lab("record", "38-01", cwd=ws, env=env)
    report = unwrap(lab("check", "38-01", "--json", cwd=ws, env=env, check=False).stdout)
    assert report["recovered"] is True and report["record"]["valid"] is False
    assert all(c["passed"] for c in report["checks"])
    (ws / "notes" / "breaks.md").write_text(RECORD_38_01)
    check = lab("check", "38-01", "--json", cwd=ws, env=env)
    report = unwrap(check.stdout)
    assert report["recovered"] and report["record"]["valid"] and report["journal_intact"]
    assert report["hints_used"] == 2
    watch = report["stopwatch"]
    assert watch["state"] == "resolved"
    assert 0 <= watch["detect_s"] <= watch["mitigate_s"] <= watch["resolve_s"]
    assert watch["rollback_mode"] == "rebuild" and watch["rollback_s"] > 0
    assert watch["rollback_failures"] == 2  # the English and the Spanish attempt
    assert report["record"]["warnings"][0]["message"].startswith("fix_diff is prose")
    human = lab("check", "38-01", cwd=ws, env=env).stdout
    assert "time to mitigate" in human and "rebuild" in human and "resolved" in human
    assert lab_json("stopwatch", cwd=ws, env=env)["state"] == "resolved"
    assert lab_json("status", cwd=ws, env=env)["lab"]["break_resolved"] is True

    # Retention restored: after two more releases, five are kept.
    for version in ("1.2.5", "1.2.6"):
        assert just("release", version, cwd=ws, env=env).returncode == 0
    assert tars(ws) == [f"tutor-1.2.{n}.tar" for n in (2, 3, 4, 5, 6)]
    assert lab_json("rollback", cwd=ws, env=env)["mode"] == "flip"


def test_checks_fail_on_the_broken_release_and_reset_keeps_notes(broken_38_01):
    course, ws, env = broken_38_01  # a copy of a course broken once per session, serving
    from labkit.check_fixtures import run_lab_checks

    results = {r.name: r for r in run_lab_checks(LAB_DIR, ws)}
    assert not results["smoke is green"].passed
    assert "field order" in results["smoke is green"].message
    assert "keeps only 1 release" in results["release script keeps at least five"].message
    assert not results["at least two artifacts are kept"].passed
    assert results["service tests are untouched"].passed

    # Diff fixes are applied to the broken state in a scratch copy and judged by the checks.
    verdicts = {}
    good = (LAB_DIR / "fix" / "fix.diff").read_text()
    half = good.split("diff --git a/src")[0]  # only release.sh: smoke still fails
    tests_edit = good + TESTS_EDIT
    big = good.replace("+just artifacts-prune --keep 5\n",
                       "+just artifacts-prune --keep 5\n" + "+# more\n" * 6)
    big = big.replace("@@ -34,4 +34,4 @@", "@@ -34,4 +34,10 @@")
    for name, diff in (("good", good), ("half", half), ("tests", tests_edit), ("big", big)):
        path = ws / "notes" / f"{name}.md"
        path.write_text(DIFF_RECORD.replace("DIFF", "\n".join(
            "    " + line for line in diff.splitlines())))
        proc = lab("records", "validate", str(path), "--json", cwd=ws, env=env, check=False)
        verdicts[name] = (proc.returncode, unwrap(proc.stdout))
    assert verdicts["good"][0] == 0, verdicts["good"]
    code, data = verdicts["half"]
    assert code == 1 and "still fail" in data["errors"][0]["message"]
    assert data["errors"][0]["field"] == "fix_diff" and data["errors"][0]["line"] == 10
    code, data = verdicts["tests"]
    assert code == 1 and any("may not touch" in e["message"] for e in data["errors"])
    code, data = verdicts["big"]
    assert code == 1 and any("at most 5" in e["message"] for e in data["errors"])

    (ws / "notes" / "breaks.md").write_text("my notes\n")
    out = lab("reset", "38-01", cwd=course, env=env).stdout
    assert "notes/ kept" in out
    assert (ws / "notes" / "breaks.md").read_text() == "my notes\n"
    assert tars(ws) == ["tutor-1.2.0.tar", "tutor-1.2.1.tar", "tutor-1.2.2.tar"]
    assert lab_json("status", cwd=ws, env=env)["serving"] == "1.2.2"
    assert not (ws / ".lab" / "break.json").exists()

    # `lab record` appends a template without disturbing what is there.
    lab("record", "38-01", "--lang", "es", cwd=ws, env=env)
    text = (ws / "notes" / "breaks.md").read_text()
    assert text.startswith("my notes\n") and "```yaml" in text and "bug-id" in text
    proc = lab("records", "validate", str(ws / "notes" / "breaks.md"), "--json", cwd=ws,
               env=env, check=False)
    assert proc.returncode == 1  # an empty template is not a record yet
    assert {e["field"] for e in unwrap(proc.stdout)["errors"]} >= {"symptom", "fix_diff"}


DIFF_RECORD = """- bug-id: "38-01"
  concept: a rollback needs the previous artifact
  symptom: just rollback said no prior release tag found
  hidden_cause: >-
    release.sh pruned with --keep 1 so the previous artifact was gone
  hint_1: "Count the artifacts."
  hint_2: "What does rollback deploy?"
  hint_3: "Read the prune flag."
  # The fix, as a unified diff:
  fix_diff: |
DIFF
"""

TESTS_EDIT = """diff --git a/tests/test_api.py b/tests/test_api.py
--- a/tests/test_api.py
+++ b/tests/test_api.py
@@ -1,1 +1,2 @@
 import json
+# looked at
"""
