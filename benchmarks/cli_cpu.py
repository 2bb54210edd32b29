"""How much CPU does one `lab` command cost?

    python benchmarks/cli_cpu.py [--runs 5] [--lab PATH] [--json]

Starts lab 38-01 in a temporary course (with the `lab` given, by default the
one beside this Python), then runs each command below --runs times inside the
workspace, the rounds interleaved, and reports the median CPU (user + sys, the
command and the processes it waited for, from wait4) of each. These are the
commands a story runs most: the release scripts call `lab artifacts build`,
`lab deploy`, `lab artifacts prune` and `lab status`; `just smoke-portal` runs
`lab smoke`. `lab deploy` alternates between 1.2.1 and 1.2.2 (a flip each time).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

from _common import LAB, base_env, machine

COMMANDS = [
    ("--version",),
    ("status",),
    ("status", "--json"),
    ("list",),
    ("show", "38-01"),
    ("smoke",),
    ("artifacts", "list"),
    ("artifacts", "prune", "--keep", "5"),
    ("deploy", "{flip}"),
    ("stopwatch", "--json"),
    ("journal", "verify"),
]


def cpu(lab: str, args: tuple[str, ...], ws: Path, env: dict) -> float:
    proc = subprocess.Popen([lab, *args], cwd=ws, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"lab {' '.join(args)} exited {proc.returncode}: "
                         f"{proc.stderr.read().decode()}")
    proc.stderr.close()
    return usage.ru_utime + usage.ru_stime


def measure(lab: str, runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-cpu-") as tmp:
        course = Path(tmp)
        env = base_env(LAB_COURSE=str(course), LAB_LEARNER="bench")
        subprocess.run([lab, "start", "38-01"], cwd=course, env=env, check=True,
                       capture_output=True)
        ws = course / "learners" / "bench" / "phase-38"
        samples: dict[str, list[float]] = {" ".join(c): [] for c in COMMANDS}
        try:
            for index in range(runs):
                for command in COMMANDS:
                    flip = "1.2.1" if index % 2 == 0 else "1.2.2"
                    args = tuple(a.replace("{flip}", flip) for a in command)
                    samples[" ".join(command)].append(cpu(lab, args, ws, env))
        finally:
            subprocess.run([lab, "stop"], cwd=ws, env=env, capture_output=True)
    return {name: round(statistics.median(values), 3) for name, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lab", default=LAB, help="the `lab` to measure (default: %(default)s)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.lab, args.runs)
    if args.json:
        print(json.dumps({"machine": machine(), "runs": args.runs, "median_cpu_s": result},
                         indent=2))
        return
    for name, seconds in result.items():
        print(f"lab {name.replace('{flip}', '1.2.1|1.2.2'):32s} {seconds:.3f} s")


if __name__ == "__main__":
    main()
