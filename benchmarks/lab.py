"""What a learner waits for in lab 38-01.

    python benchmarks/lab.py [--json] [--runs 3]

Times, through the real CLI in a fresh temporary course each run:
- `lab start 38-01` (scaffold plus three real builds and deploys; target <= 30 s);
- `lab break 38-01` (inject, commit, build, deploy, prune; target <= 10 s);
- the recovery a learner meets: `lab rollback --rebuild` after the break, then,
  once the fix is released, a `lab rollback` flip; their ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, base_env, lab, machine


def timed(*args: str, cwd: Path, env: dict) -> float:
    started = time.monotonic()
    lab(*args, cwd=cwd, env=env)
    return time.monotonic() - started


def one_run() -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-lab-") as tmp:
        course = Path(tmp)
        env = base_env(LAB_COURSE=str(course), LAB_LEARNER="bench")
        ws = course / "learners" / "bench" / "phase-38"
        try:
            start_s = timed("start", "38-01", cwd=course, env=env)
            break_s = timed("break", "38-01", cwd=course, env=env)
            rebuild_s = timed("rollback", "--rebuild", cwd=ws, env=env)
            subprocess.run(["git", "apply", str(ROOT / "labs/38-01-no-rollback-path/fix/fix.diff")],
                           cwd=ws, check=True)
            subprocess.run(["git", "commit", "-qam", "fix"], cwd=ws, check=True, env=env)
            subprocess.run([str(Path(sys.executable).parent / "just"), "release", "1.2.4"],
                           cwd=ws, check=True, env=env, capture_output=True)
            flip_s = timed("rollback", cwd=ws, env=env)
        finally:
            lab("stop", cwd=ws, env=env, check=False)
    return {"start_s": start_s, "break_s": break_s, "rebuild_s": rebuild_s, "flip_s": flip_s}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = [one_run() for _ in range(args.runs)]

    def med(key: str) -> float:
        return round(statistics.median(r[key] for r in runs), 3)

    result = {
        "benchmark": "lab-38-01",
        "runs": args.runs,
        "start_median_s": med("start_s"),
        "break_median_s": med("break_s"),
        "rebuild_median_s": med("rebuild_s"),
        "flip_median_s": med("flip_s"),
        "rebuild_flip_ratio": round(med("rebuild_s") / med("flip_s"), 1),
        "all_runs": [{k: round(v, 3) for k, v in r.items()} for r in runs],
        "machine": machine(),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:>18}: {value}")
    return 0 if result["start_median_s"] <= 30 and result["break_median_s"] <= 10 else 1


if __name__ == "__main__":
    sys.exit(main())
