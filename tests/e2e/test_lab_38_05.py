"""Lab 38-05 end to end: the stable channel moves backward and the updater follows it."""

from __future__ import annotations

import json
import subprocess

import pytest
from support import KIT_ROOT, git, just, lab, lab_json, unwrap

LAB_DIR = KIT_ROOT / "labs" / "38-05-a-tag-that-moves-backward"

RECORD = """# My breaks

```yaml
- bug-id: "38-05"
  concept: a channel is a pointer; the updater must still refuse to move backward
  symptom: >-
    just update deployed 1.6.0 while 1.6.3 was serving and called it an update,
    and just rollback then went forward to 1.6.3
  hidden_cause: >-
    deploy/channel.json moved stable back to 1.6.0 and the same commit removed the
    downgrade guard (version_ge) from scripts/update.sh
  hint_1: "Compare what serves before and after just update."
  hint_2: "Where did stable point before the last commit?"
  hint_3: "Read the guard the updater used to have."
  fix_diff: >-
    restore the version_ge guard in scripts/update.sh and point stable in
    deploy/channel.json at 1.6.2, the last release that passed smoke
```
"""



def serving(ws, env) -> str:
    return lab_json("status", cwd=ws, env=env)["serving"]


@pytest.mark.e2e
def test_the_whole_story(course):
    course, ws, env = course

    # Start: three good releases, 1.6.2 promoted to stable; the updater has nothing to do.
    lab("start", "38-05", cwd=course, env=env)
    assert serving(ws, env) == "1.6.2"
    assert json.loads((ws / "deploy" / "channel.json").read_text()) == {"stable": "1.6.2"}
    quiet = just("update", cwd=ws, env=env)
    assert quiet.returncode == 0 and "nothing to do" in quiet.stdout

    # Break: 1.6.3 ships with stable moved back and the downgrade guard gone.
    lab("break", "38-05", cwd=course, env=env)
    assert serving(ws, env) == "1.6.3"
    from labkit.check_fixtures import run_lab_checks

    results = {r.name: r for r in run_lab_checks(LAB_DIR, ws)}
    assert not results["the updater refuses to go backward"].passed
    assert "must refuse a version older" in results["the updater refuses to go backward"].message
    assert "behind 1.6.2" in results["stable names the last good release or a newer one"
                                     ].message
    assert results["service tests are untouched"].passed
    assert not any(r.error for r in results.values())

    # Detect: the "update" installs the older build and says it deployed it.
    dry = just("update", "--dry-run", cwd=ws, env=env)
    assert "would deploy 1.6.0 (serving 1.6.3)" in dry.stdout
    update = just("update", cwd=ws, env=env)
    assert update.returncode == 0, update.stdout + update.stderr
    assert "stable is 1.6.0; deploying it (serving 1.6.3)" in update.stdout
    assert serving(ws, env) == "1.6.0"

    # The fast way back misleads: "previous" is the newer broken release.
    assert "now serving 1.6.3" in lab("rollback", cwd=ws, env=env).stdout
    # Mitigate: the last good release, named explicitly.
    lab("rollback", "--to", "1.6.2", cwd=ws, env=env)
    assert lab("smoke", cwd=ws, env=env).stdout.startswith("[smoke] PASS")

    # Fix: the reference fix (four changed lines), released as 1.6.4.
    subprocess.run(["git", "apply", str(LAB_DIR / "fix" / "fix.diff")], cwd=ws, check=True)
    git("commit", "-qam", "updater: refuse to go backward; stable back on 1.6.2", cwd=ws)
    release = just("release", "1.6.4", cwd=ws, env=env)
    assert release.returncode == 0, release.stdout + release.stderr
    assert lab("smoke", cwd=ws, env=env).returncode == 0
    refused = just("update", cwd=ws, env=env)
    assert refused.returncode != 0
    assert "REFUSED: stable names 1.6.2, older than the serving 1.6.4" in refused.stderr
    assert serving(ws, env) == "1.6.4"

    # Record and check: recovered, record valid, the stopwatch resolved.
    (ws / "notes" / "breaks.md").write_text(RECORD)
    report = unwrap(lab("check", "38-05", "--json", cwd=ws, env=env).stdout)
    assert report["recovered"] and report["record"]["valid"] and report["journal_intact"]
    assert all(c["passed"] for c in report["checks"]), report["checks"]
    assert report["stopwatch"]["state"] == "resolved"
    es = unwrap(lab("check", "38-05", "--json", "--lang", "es", cwd=ws, env=env).stdout)
    assert es["recovered"]


@pytest.mark.e2e
def test_check_messages_follow_the_learners_language(course):
    course, ws, env = course
    lab("break", "38-05", cwd=course, env=env)
    proc = lab("check", "38-05", "--lang", "es", "--json", cwd=ws, env=env, check=False)
    checks = {c["name"]: c for c in unwrap(proc.stdout)["checks"]}
    message = checks["stable names the last good release or a newer one"]["message"]
    assert "un canal nunca retrocede" in message
