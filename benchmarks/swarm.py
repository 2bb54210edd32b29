"""What lab 38-03 costs on a real single-node swarm (the swarm backend's reference).

    python benchmarks/swarm.py [--json] [--runs 3]

Times, through the real CLI and the workspace's own recipes, in a fresh course
each run (the Docker daemon must be in no swarm; the kit makes one and leaves it):
- `lab start 38-03` (a swarm, two image builds, a service; target <= 60 s);
- `lab break 38-03` (the broken 1.3.0 built and upgraded, the gate's false pass);
- swarm_rollback_s: from that false pass to the swarm's own rollback_completed,
  the price of an update that never turns healthy (health check plus monitor);
- flip_s: `docker service rollback` back to the previous spec once the fixed
  1.3.1 serves, until users get the previous release again (its image is loaded);
- rebuild_s: `just upgrade 1.3.2`, a new image built and the update converged,
  gate included.
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

from _common import ROOT, base_env, lab, machine, status

JUST = str(Path(sys.executable).parent / "just")
LAB_DIR = ROOT / "labs" / "38-03-the-upgrade-that-silently-rolled-back"
DEADLINE = 180.0


def timed(argv: list[str], cwd: Path, env: dict) -> float:
    started = time.monotonic()
    subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True)
    return time.monotonic() - started


def until(predicate, what: str) -> float:
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > DEADLINE:
            raise SystemExit(f"gave up waiting for {what}")
        time.sleep(0.2)
    return time.monotonic() - started


def one_run() -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-swarm-") as tmp:
        course = Path(tmp)
        env = base_env(LAB_COURSE=str(course), LAB_LEARNER="bench")
        ws = course / "learners" / "bench" / "phase-38"
        lab_cmd = [str(Path(sys.executable).parent / "lab")]
        try:
            start_s = timed([*lab_cmd, "start", "38-03"], course, env)
            break_s = timed([*lab_cmd, "break", "38-03"], course, env)
            # The break ends with the gate's false pass: the swarm rolls back from there.
            rolled = until(lambda: status(ws)["swarm"]["update"]["state"] == "rollback_completed",
                           "the swarm to roll 1.3.0 back")
            subprocess.run(["git", "apply", str(LAB_DIR / "fix" / "fix.diff")], cwd=ws,
                           check=True)
            subprocess.run(["git", "commit", "-qam", "fix"], cwd=ws, check=True, env=env)
            subprocess.run([JUST, "upgrade", "1.3.1"], cwd=ws, env=env, check=True,
                           capture_output=True)
            service = status(ws)["swarm"]["service"]
            started = time.monotonic()
            subprocess.run(["docker", "service", "rollback", "--detach", "--quiet", service],
                           check=True, capture_output=True)
            until(lambda: status(ws)["serving"] == "1.2.1", "users to get 1.2.1 again")
            flip_s = time.monotonic() - started
            until(lambda: status(ws)["swarm"]["update"]["state"] in ("rollback_completed",
                                                                      "completed"),
                  "the manual rollback to settle")
            rebuild_s = timed([JUST, "upgrade", "1.3.2"], ws, env)
        finally:
            lab("stop", cwd=ws, env=env, check=False)
    return {"start_s": start_s, "break_s": break_s, "swarm_rollback_s": rolled,
            "flip_s": flip_s, "rebuild_s": rebuild_s}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    runs = [one_run() for _ in range(args.runs)]
    summary = {key: {"median": round(statistics.median(r[key] for r in runs), 2),
                     "min": round(min(r[key] for r in runs), 2),
                     "max": round(max(r[key] for r in runs), 2)} for key in runs[0]}
    result = {"machine": machine(), "runs": args.runs, "summary": summary}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in summary.items():
            print(f"{key:18} median {value['median']:7.2f} s  "
                  f"(min {value['min']:.2f}, max {value['max']:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
