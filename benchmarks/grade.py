"""How long does `lab grade` take over a cohort?

    python benchmarks/grade.py [--learners 300] [--jobs 2] [--repeat 3] [--json]
                               [--workspace DIR]

Takes one real finished workspace of lab 38-01 (or --workspace DIR, one that is
already finished: broken, rolled back, fixed, checked) and builds a cohort of
--learners directories from its evidence alone (.lab/*.json, the journal and
its head, the release history, notes/breaks.md), each one varied:

- phase timings: the journal's clocks are moved on at detection, at the
  rollback and at the fix (wall and monotonic times, and the probe windows'
  own times, together), then the chain is rebuilt with checker.journal's
  own line format and hashes, and the head rewritten;
- hints: 0 to 3 `hint.revealed` entries after detection, .lab/hints.json to match;
- rollback: a flip (the rebuild's failure and build taken out) or a rebuild;
- some records invalid (a field removed) or missing; some journals tampered
  with (one line edited after chaining).

Then times the real CLI end to end: `lab grade DIR --format json --jobs N
--out FILE` (--repeat runs, median reported) and checks it gave one row per
learner. Prints one JSON object (or a short text with --json off).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import LAB, RECORD_38_01, ROOT, base_env, lab, machine

sys.path.insert(0, str(ROOT))

# The journal's own line format and hash, so a re-timed journal chains as the kit's does.
from checker.journal import GENESIS, _canonical, _sha  # noqa: E402

LAB_ID = "38-01"
BROKEN = "1.2.3"
EVIDENCE = (".lab/lab.json", ".lab/break.json", ".lab/hints.json", ".lab/releases.jsonl",
            ".lab/router.json", "service.yaml")


# --------------------------------------------------------------------------
# One real finished workspace


def finished_workspace(base: Path) -> Path:
    course = base / "course"
    course.mkdir()
    env = base_env(LAB_COURSE=str(course), LAB_LEARNER="ana")
    ws = course / "learners" / "ana" / "phase-38"
    just = str(Path(sys.executable).parent / "just")
    try:
        lab("break", LAB_ID, cwd=course, env=env)
        subprocess.run([just, "smoke-portal"], cwd=ws, env=env, capture_output=True)
        subprocess.run([just, "rollback"], cwd=ws, env=env, capture_output=True)
        lab("rollback", "--rebuild", cwd=ws, env=env)
        fix = ROOT / "labs" / "38-01-no-rollback-path" / "fix" / "fix.diff"
        subprocess.run(["git", "apply", str(fix)], cwd=ws, check=True, env=env)
        subprocess.run(["git", "commit", "-qam", "fix"], cwd=ws, check=True, env=env)
        subprocess.run([just, "release", "1.2.4"], cwd=ws, env=env, check=True,
                       capture_output=True)
        (ws / "notes").mkdir(exist_ok=True)
        (ws / "notes" / "breaks.md").write_text(RECORD_38_01)
        lab("check", LAB_ID, cwd=ws, env=env)
    finally:
        lab("stop", "--workspace", str(ws), cwd=course, env=env, check=False)
    return ws


# --------------------------------------------------------------------------
# Varied copies of its evidence


def _index(records: list[dict], event: str, after: int = 0, **data) -> int | None:
    for i in range(after, len(records)):
        r = records[i]
        if r["event"] == event and all(r["data"].get(k) == v for k, v in data.items()):
            return i
    return None


def _shift(record: dict, seconds: float) -> None:
    ns = int(seconds * 1e9)
    record["wall"] = round(record["wall"] + seconds, 6)
    record["mono_ns"] += ns
    for key, value in record["data"].items():
        if key.endswith("_mono_ns") and isinstance(value, int):
            record["data"][key] = value + ns
        elif key == "start_wall" and isinstance(value, (int, float)):
            record["data"][key] = value + seconds


def vary_journal(lines: list[str], rng: random.Random, *, hints: int, flip: bool) -> list[dict]:
    records = [json.loads(line) for line in lines]
    impact = _index(records, "release.deployed", _index(records, "fault.injected"),
                    version=BROKEN)
    detected = _index(records, "smoke.failed", impact)
    rollback = _index(records, "rollback.started", impact)
    fix = _index(records, "release.built", rollback, version="1.2.4")
    delays = ((detected, rng.uniform(5, 300)), (rollback, rng.uniform(10, 1200)),
              (fix, rng.uniform(60, 3600)))
    for start, seconds in delays:
        for record in records[start:]:
            _shift(record, seconds)
    if flip:
        rebuild = _index(records, "rollback.started", rollback + 1, rebuild=True)
        finished = _index(records, "rollback.finished", rollback)
        drop = {i for i in range(rollback + 1, finished)
                if records[i]["event"] in ("rollback.failed", "release.built")}
        drop.add(rebuild)
        records[finished]["data"].update(mode="flip", seconds=round(rng.uniform(0.3, 1.5), 3),
                                         rebuild_seconds=None)
        for i in range(rollback + 1, finished):
            if records[i]["event"] == "release.deployed":
                records[i]["data"]["mode"] = "flip"
        records = [r for i, r in enumerate(records) if i not in drop]
        detected = _index(records, "smoke.failed")
    for number in range(hints, 0, -1):  # right after detection, in order
        hint = json.loads(json.dumps(records[detected]))
        hint.update(event="hint.revealed", data={"lab": LAB_ID, "hint": number, "lang": "en"})
        _shift(hint, 0.001 * number)
        records.insert(detected + 1, hint)
    return records


def chain(records: list[dict]) -> tuple[list[str], dict]:
    prev, lines = GENESIS, []
    for seq, record in enumerate(records, start=1):
        record["seq"], record["prev"] = seq, prev
        record.pop("hmac", None)
        line = _canonical(record)
        lines.append(line)
        prev = _sha(line)
    return lines, {"seq": len(lines), "sha256": prev}


def build_cohort(ws: Path, learners: Path, count: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    journal = (ws / ".lab" / "journal.jsonl").read_text().splitlines()
    record = (ws / "notes" / "breaks.md").read_text()
    kinds = {"flip": 0, "hints": 0, "invalid_record": 0, "no_record": 0, "tampered": 0}
    for n in range(count):
        name = f"learner-{n:03d}"
        dest = learners / name / "phase-38"
        (dest / ".lab").mkdir(parents=True)
        (dest / "notes").mkdir()
        for rel in EVIDENCE:
            if (ws / rel).exists():
                shutil.copyfile(ws / rel, dest / rel)
        info = json.loads((dest / ".lab" / "lab.json").read_text())
        info["learner"] = name
        (dest / ".lab" / "lab.json").write_text(json.dumps(info, indent=2))
        hints = rng.choice((0, 0, 0, 1, 1, 2, 3))
        flip = rng.random() < 0.4
        records = vary_journal(journal, rng, hints=hints, flip=flip)
        revealed = sum(1 for r in records if r["event"] == "hint.revealed")
        lines, head = chain(records)
        if rng.random() < 0.05:  # tampered: one line edited after it was chained
            at = rng.randrange(len(lines))
            lines[at] = lines[at].replace('"wall":', '"wall":1', 1)
            kinds["tampered"] += 1
        (dest / ".lab" / "journal.jsonl").write_text("\n".join(lines) + "\n")
        (dest / ".lab" / "journal.jsonl.head").write_text(json.dumps(head))
        (dest / ".lab" / "hints.json").write_text(json.dumps({LAB_ID: revealed}))
        roll = rng.random()
        if roll < 0.05:
            kinds["no_record"] += 1
        elif roll < 0.15:
            kinds["invalid_record"] += 1
            kept = [line for line in record.splitlines(keepends=True) if "hint_2" not in line]
            (dest / "notes" / "breaks.md").write_text("".join(kept))
        else:
            (dest / "notes" / "breaks.md").write_text(record)
        kinds["flip"] += flip
        kinds["hints"] += hints > 0
    return kinds


# --------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (median reported)")
    parser.add_argument("--seed", type=int, default=38)
    parser.add_argument("--workspace", type=Path,
                        help="a finished workspace of lab 38-01 to copy (default: make one)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-grade-") as tmp:
        base = Path(tmp)
        started = time.perf_counter()
        ws = args.workspace.resolve() if args.workspace else finished_workspace(base)
        made_s = time.perf_counter() - started
        learners = base / "cohort" / "learners"
        started = time.perf_counter()
        kinds = build_cohort(ws, learners, args.learners, args.seed)
        cohort_s = time.perf_counter() - started
        out = base / "grades.json"
        runs = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            proc = subprocess.run([LAB, "grade", str(learners), "--format", "json",
                                   "--jobs", str(args.jobs), "--out", str(out)],
                                  cwd=base, env=base_env(), capture_output=True, text=True)
            runs.append(time.perf_counter() - started)
            if proc.returncode != 0:
                raise SystemExit(f"lab grade failed:\n{proc.stdout}\n{proc.stderr}")
        rows = json.loads(out.read_text())
        if len(rows) != args.learners:
            raise SystemExit(f"{len(rows)} rows for {args.learners} learners")
        seconds = statistics.median(runs)
        result = {
            "benchmark": "grade",
            "seconds": round(seconds, 3),
            "runs_s": [round(r, 3) for r in runs],
            "learners": args.learners,
            "rows": len(rows),
            "rows_per_s": round(len(rows) / seconds, 1),
            "jobs": args.jobs,
            "scored": sum(1 for r in rows if r["score"] is not None),
            "flagged": sum(1 for r in rows if r["error"] is None and r["flags"]),
            "errors": sum(1 for r in rows if r["error"] is not None),
            "rebuild": sum(1 for r in rows if r["rollback_mode"] == "rebuild"),
            "flip": sum(1 for r in rows if r["rollback_mode"] == "flip"),
            "variations": kinds,
            "workspace_s": round(made_s, 1),
            "cohort_build_s": round(cohort_s, 2),
            "machine": machine(),
        }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"lab grade over {result['rows']} learners, --jobs {args.jobs}: "
              f"{result['seconds']} s median of {args.repeat} ({result['rows_per_s']} rows/s); "
              f"{result['scored']} scored, {result['flagged']} flagged, "
              f"{result['errors']} errors")
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
