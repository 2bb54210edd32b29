"""Lab 38-02 end to end, the way a learner lives it, through the real CLI and just."""

from __future__ import annotations

import json
import subprocess

from support import (
    KIT_ROOT,
    git,
    just,
    lab,
    lab_json,
    unwrap,
)

LAB_DIR = KIT_ROOT / "labs" / "38-02-failed-releases-eat-retention"
BUG = ("    english, spanish = payload.values()", "    english, spanish = sorted(payload.values())")
PORTAL = "src/minitutor/portal.py"




def tars(ws):
    return sorted(p.name for p in (ws / "artifacts").glob("*.tar"))


def history(ws, kind):
    rows = [json.loads(line) for line in (ws / ".lab" / "releases.jsonl").open()]
    return [r for r in rows if r["kind"] == kind]


def journal(ws):
    return [json.loads(line) for line in (ws / ".lab" / "journal.jsonl").open()]


PROSE_RECORD = """# My breaks

```yaml
- bug-id: "38-02"
  concept: >-
    retention that only counts releases forgets which one was good; protect the
    last known good release
  symptom: >-
    the portal showed the Spanish gloss in the correction slot, and just rollback
    flipped to 1.3.4, which failed the smoke test the same way
  hidden_cause: >-
    the release script prunes with --keep 3, and three broken releases in a row
    pushed 1.3.2, the last release that passed smoke, out of the window; the
    portal sorted the answer's values in src/minitutor/portal.py
  hint_1: "Which of the kept artifacts ever passed the smoke test?"
  hint_2: "How far back does just rollback go?"
  hint_3: "What does lab artifacts prune --help offer besides --keep?"
  fix_diff: >-
    stop sorting the values in src/minitutor/portal.py and prune with
    --protect-last-good in scripts/release.sh
```
"""


def test_the_whole_story(course):
    course, ws, env = course

    # Start: the lean retention is committed first, then three smoke-tested releases.
    out = lab("start", "38-02", cwd=course, env=env).stdout
    assert "1.3.2 is serving" in out and "1.3.2 passed its smoke test" in out
    assert tars(ws) == ["tutor-1.3.0.tar", "tutor-1.3.1.tar", "tutor-1.3.2.tar"]
    assert "just artifacts-prune --keep 3\n" in (ws / "scripts" / "release.sh").read_text()
    assert "release: keep three artifacts" in git("log", "--format=%s", cwd=ws)
    smoke = history(ws, "smoke")
    assert [(r["version"], r["passed"]) for r in smoke] == [
        ("1.3.0", True), ("1.3.1", True), ("1.3.2", True)]

    # Break: three broken releases in a row; the last one that prunes takes 1.3.2 away.
    out = lab("break", "38-02", cwd=course, env=env).stdout
    for number, version in enumerate(("1.3.3", "1.3.4", "1.3.5"), start=1):
        assert f"[break] shipping {version} ({number} of 3)" in out
        assert f"now serving {version}" in out
    assert out.index("[release] removed tutor-1.3.2.tar") > out.index("now serving 1.3.5")
    assert tars(ws) == ["tutor-1.3.3.tar", "tutor-1.3.4.tar", "tutor-1.3.5.tar"]
    injected = [e for e in journal(ws) if e["event"] == "fault.injected"]
    assert len(injected) == 1
    assert injected[0]["data"]["releases"] == ["1.3.3", "1.3.4", "1.3.5"]
    assert injected[0]["data"]["release"] == "1.3.5"
    assert "already broken" in lab("break", "38-02", cwd=course, env=env).stdout

    # Detect: the portal shows the Spanish gloss in the English slot.
    smoke = just("smoke-portal", cwd=ws, env=env)
    assert smoke.returncode != 0
    assert ("[smoke] FAIL: portal renderer shows Spanish gloss in the English correction slot"
            in smoke.stdout)

    # The fast way back is a flip, onto another broken release.
    rollback = just("rollback", cwd=ws, env=env)
    assert rollback.returncode == 0, rollback.stdout + rollback.stderr
    assert "flipped back to 1.3.4" in rollback.stdout
    assert just("smoke-portal", cwd=ws, env=env).returncode != 0

    # The last release that passed smoke is 1.3.2, and its artifact is gone.
    passed = [r["version"] for r in history(ws, "smoke") if r["passed"]]
    assert passed[-1] == "1.3.2"
    gone = lab("rollback", "--to", "1.3.2", cwd=ws, env=env, check=False)
    assert gone.returncode == 3 and ("the artifact of 1.3.2 (tutor-1.3.2.tar) is no longer "
                                     "in artifacts/: it was pruned") in gone.stderr
    out = lab("rollback", "--to", "1.3.2", "--rebuild", cwd=ws, env=env).stdout
    assert "rebuilt 1.3.2" in out and "now serving 1.3.2" in out
    assert lab("smoke", cwd=ws, env=env).stdout.startswith("[smoke] PASS: 1.3.2")

    assert lab("hint", "38-02", cwd=ws, env=env).stdout.startswith("Hint 1/3:")

    # Fix: the reference fix, released as 1.3.6: the prune now keeps 1.3.2.
    subprocess.run(["git", "apply", str(LAB_DIR / "fix" / "fix.diff")], cwd=ws, check=True)
    git("commit", "-qam", "read the portal slots in order; protect the last good release",
        cwd=ws)
    release = just("release", "1.3.6", cwd=ws, env=env)
    assert release.returncode == 0, release.stdout + release.stderr
    assert "[release] artifacts-prune --keep 3 --protect-last-good" in release.stdout
    assert "[release] protected 1.3.2: the last release that passed smoke" in release.stdout
    assert "[release] removed tutor-1.3.3.tar" in release.stdout
    assert lab("smoke", cwd=ws, env=env).stdout.startswith("[smoke] PASS: 1.3.6")

    # Check: every check passes; with a record, the break is resolved.
    report = unwrap(lab("check", "38-02", "--json", cwd=ws, env=env, check=False).stdout)
    assert report["checks"] and all(c["passed"] for c in report["checks"]), report["checks"]
    (ws / "notes").mkdir(exist_ok=True)
    (ws / "notes" / "breaks.md").write_text(PROSE_RECORD)
    report = lab_json("check", "38-02", cwd=ws, env=env)
    assert report["recovered"] and report["record"]["valid"], report["record"]
    watch = report["stopwatch"]
    assert watch["state"] == "resolved"
    assert watch["broken_releases"] == ["1.3.3", "1.3.4", "1.3.5"]
    assert watch["mitigated_version"] == "1.3.2"
    assert watch["rollback_mode"] == "rebuild" and watch["rollbacks_to_broken"] == 1
    assert 0 <= watch["detect_s"] <= watch["mitigate_s"] <= watch["resolve_s"]

    # Three more broken releases in a row no longer push the last good one out.
    portal = ws / PORTAL
    portal.write_text(portal.read_text().replace(*BUG))
    git("commit", "-qam", "portal: sort again", cwd=ws)
    for version in ("1.3.7", "1.3.8", "1.3.9"):
        out = just("release", version, cwd=ws, env=env)
        assert out.returncode == 0, out.stdout + out.stderr
        assert "[release] protected 1.3.6: the last release that passed smoke" in out.stdout
        assert just("smoke-portal", cwd=ws, env=env).returncode != 0
    assert tars(ws) == [f"tutor-1.3.{n}.tar" for n in (6, 7, 8, 9)]
    back = lab_json("rollback", "--to", "1.3.6", cwd=ws, env=env)
    assert back["mode"] == "flip" and back["version"] == "1.3.6"
    assert lab("smoke", cwd=ws, env=env).returncode == 0


DIFF_RECORD = """- bug-id: "38-02"
  concept: protect the last known good release from pruning
  symptom: the rollback flipped to 1.3.4 and the smoke test still failed
  hidden_cause: >-
    keep 3 let three broken releases push 1.3.2, the last good one, out
  hint_1: "Which kept artifact ever passed smoke?"
  hint_2: "How far back does a rollback go?"
  hint_3: "Read lab artifacts prune --help."
  fix_diff: |
DIFF
"""


def test_checks_fail_after_the_break_and_the_reference_fix_repairs_it(broken_38_02):
    course, ws, env = broken_38_02  # a copy of a course broken once per session, serving
    from labkit.check_fixtures import run_lab_checks

    results = {r.name: r for r in run_lab_checks(LAB_DIR, ws)}
    assert "Spanish gloss" in results["smoke is green"].message
    assert "1.3.5 is serving" in results["serving release is newer than the broken ones"].message
    assert ("can prune the last release that passed smoke"
            in results["release script protects the last good release"].message)
    assert ("1.3.2 is the last release that passed smoke, but its artifact tutor-1.3.2.tar is "
            "gone" in results["last release that passed smoke still has its artifact"].message)
    assert results["service tests are untouched"].passed

    # The reference fix, verified in a scratch copy: releases 1.3.6 and 1.3.7 after the
    # last broken release, each smoke-tested, and the checks pass there.
    good = (LAB_DIR / "fix" / "fix.diff").read_text()
    portal_only = "diff --git a/src" + good.split("diff --git a/src")[1]
    verdicts = {}
    for name, diff in (("good", good), ("portal_only", portal_only)):
        path = ws / "notes" / f"{name}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(DIFF_RECORD.replace("DIFF", "\n".join(
            "    " + line for line in diff.splitlines())))
        proc = lab("records", "validate", str(path), "--json", cwd=ws, env=env, check=False)
        verdicts[name] = (proc.returncode, unwrap(proc.stdout))
    assert verdicts["good"][0] == 0, verdicts["good"]
    code, data = verdicts["portal_only"]
    assert code == 1, data
    assert "release script protects the last good release" in data["errors"][0]["message"]

    # Reset: back to the smoke-tested baseline, with the lean retention committed again.
    out = lab("reset", "38-02", cwd=course, env=env).stdout
    assert "notes/ kept" in out
    assert tars(ws) == ["tutor-1.3.0.tar", "tutor-1.3.1.tar", "tutor-1.3.2.tar"]
    assert "just artifacts-prune --keep 3\n" in (ws / "scripts" / "release.sh").read_text()
    assert [r["version"] for r in history(ws, "smoke") if r["passed"]] == ["1.3.0", "1.3.1",
                                                                             "1.3.2"]
    assert not (ws / ".lab" / "break.json").exists()
