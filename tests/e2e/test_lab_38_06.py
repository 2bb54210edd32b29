"""Lab 38-06 end to end: a rollback brings the old code back, and the cache keeps
serving what the broken release stored."""

from __future__ import annotations

import json
import subprocess
import urllib.request

import pytest
from support import KIT_ROOT, git, just, lab, lab_json, public_url, unwrap

LAB_DIR = KIT_ROOT / "labs" / "38-06-a-cache-that-outlives-its-release"
SENTENCE = "she go to school yesterday"
GOOD = {"correction": "She went to school yesterday.", "spanish": "Ella fue a la escuela ayer."}

RECORD = """# My breaks

```yaml
- bug-id: "38-06"
  concept: a rollback flips the code, not the cache it filled; cache keys must name the release
  symptom: >-
    1.7.3 answered "correction" and "spanish" instead of a sentence, and after just
    rollback 1.7.2 served a JSON list: the rollback did not bring good answers back
  hidden_cause: >-
    the keys in src/minitutor/cache.py left out the release, so every release read the
    same entries; 1.7.3 stored entries as a pair and misread the old ones, and
    scripts/rollback.sh no longer moved the cache to a fresh namespace
  hint_1: "Which release serves, and is the answer its own?"
  hint_2: "Look in .lab/data/cache: which release wrote that entry?"
  hint_3: "What does key() do with the release it is given?"
  fix_diff: >-
    put the release back into key() in src/minitutor/cache.py and run
    scripts/cache-rotate.sh again at the end of scripts/rollback.sh
```
"""


def serving(ws, env) -> str:
    return lab_json("status", cwd=ws, env=env)["serving"]


def answer(ws):
    """What the API answers for the contract's sentence, through the workspace's router."""
    request = urllib.request.Request(public_url(ws) + "/quiz/submit",
                                     data=json.dumps({"sentence": SENTENCE}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def namespace(ws) -> str:
    return (ws / ".lab" / "data" / "cache" / "NAMESPACE").read_text().strip()


@pytest.mark.e2e
def test_the_whole_story(course):
    course, ws, env = course

    # Start: three good releases, smoke-tested, share one warm cache.
    lab("start", "38-06", cwd=course, env=env)
    assert serving(ws, env) == "1.7.2" and answer(ws) == GOOD
    cache = ws / ".lab" / "data" / "cache"
    assert any((cache / "ns-0").iterdir())

    # Break: 1.7.3 stores entries as pairs, and the rollback keeps the cache as it is.
    lab("break", "38-06", cwd=course, env=env)
    assert serving(ws, env) == "1.7.3"
    from labkit.check_fixtures import run_lab_checks

    results = {r.name: r for r in run_lab_checks(LAB_DIR, ws)}
    rotation = results["a rollback moves the cache to a fresh namespace"]
    assert not rotation.passed and "still ns-7" in rotation.message
    keys = results["a release never serves an answer another release cached"]
    assert not keys.passed and "cache keys must name the release" in keys.message
    assert results["service tests are untouched"].passed
    assert not any(r.error for r in results.values())
    es = unwrap(lab("check", "38-06", "--json", "--lang", "es", cwd=ws, env=env,
                    check=False).stdout)
    messages = {c["name"]: c["message"] for c in es["checks"]}
    assert "tiene que rotar el espacio de nombres" in messages[rotation.name]

    # Detect: the new release misreads the entry the old ones cached.
    smoke = lab("smoke", cwd=ws, env=env, check=False)
    assert smoke.returncode != 0
    assert "shows something else in the English correction slot" in smoke.stdout
    assert answer(ws) == {"correction": "correction", "spanish": "spanish"}

    # The fast way back misleads: 1.7.2 serves, and serves what 1.7.3 stored.
    rollback = just("rollback", cwd=ws, env=env)
    assert rollback.returncode == 0 and "now serving 1.7.2" in rollback.stdout
    assert serving(ws, env) == "1.7.2"
    assert not (cache / "NAMESPACE").exists()  # the cache never moved
    smoke = lab("smoke", cwd=ws, env=env, check=False)
    assert "did not answer a JSON object" in smoke.stdout
    assert answer(ws) == ["correction", "spanish"]

    # Mitigate: move the cache to a fresh namespace; nothing is deleted.
    rotated = just("cache-rotate", cwd=ws, env=env)
    assert "answers now go to namespace ns-1 (was ns-0)" in rotated.stderr
    assert lab("smoke", cwd=ws, env=env).stdout.startswith("[smoke] PASS")
    assert any((cache / "ns-0").iterdir())  # the old entries stay, unread

    # Fix: the reference fix, released as 1.7.4; now a rollback starts a fresh namespace.
    subprocess.run(["git", "apply", str(LAB_DIR / "fix" / "fix.diff")], cwd=ws, check=True)
    git("commit", "-qam", "cache: keys name the release; a rollback rotates the cache", cwd=ws)
    release = just("release", "1.7.4", cwd=ws, env=env)
    assert release.returncode == 0, release.stdout + release.stderr
    assert answer(ws) == GOOD and lab("smoke", cwd=ws, env=env).returncode == 0
    assert just("rollback", cwd=ws, env=env).returncode == 0
    assert namespace(ws) == "ns-2" and answer(ws) == GOOD
    lab("rollback", "--to", "1.7.4", cwd=ws, env=env)

    # Record and check: recovered, record valid, the stopwatch resolved.
    (ws / "notes" / "breaks.md").write_text(RECORD)
    report = unwrap(lab("check", "38-06", "--json", cwd=ws, env=env).stdout)
    assert report["recovered"] and report["record"]["valid"] and report["journal_intact"]
    assert all(c["passed"] for c in report["checks"]), report["checks"]
    assert report["stopwatch"]["state"] == "resolved"
