"""How fast is a rollback when the previous artifact exists, and when it does not?

    python benchmarks/rollback.py [--json] [--flips 20] [--rate 150] [--backend docker]

Starts lab 38-01's service in a temporary course (1.2.2 serving, 1.2.1 the
warm previous release; or --workspace DIR, an existing workspace whose history
has a current and a previous release), then measures:

- flip_median_s: from starting `lab rollback` to the previous version answering
  requests through the router (median of --flips rollbacks, alternating);
- switch_median_ms: the router's own pointer swap, as the supervisor timed it;
- rebuild_s: `lab rollback --rebuild` after the previous artifact was pruned;
- requests / failed_requests: a paced load (>= 100 requests/s, fresh connection
  each) running through alternating deploy/rollback flips;
- router_rps / direct_rps: keep-alive throughput through the router and
  straight to the serving backend, measured by wrk (Debian's; installed with
  apt-get when missing).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from _common import (
    LAB,
    PacedLoad,
    alternate,
    base_env,
    lab,
    machine,
    median,
    served_workspace,
    status,
    throughput,
    wait_version,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--flips", type=int, default=20)
    parser.add_argument("--rate", type=float, default=150.0, help="paced load, requests/s")
    parser.add_argument("--workspace", type=Path)
    parser.add_argument("--backend", choices=["process", "docker"], default="process",
                        help="the backend of the temporary course (not with --workspace)")
    args = parser.parse_args()

    with served_workspace(args.workspace, "bench-rollback-", args.backend) as \
            (ws, current, previous):
        port = status(ws)["supervisor"]["port"]
        # 1. Flips: time from starting `lab rollback` to the previous version answering.
        flips, switches = [], []
        for _ in range(args.flips):
            started = time.monotonic()
            proc = subprocess.Popen([LAB, "rollback"], cwd=ws, env=base_env(),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            wait_version(port, previous)
            flips.append(time.monotonic() - started)
            if proc.wait() != 0:
                raise SystemExit(proc.stderr.read().decode())
            switches.append(status(ws)["supervisor"].get("last_switch_ns"))
            current, previous = previous, current
        switch_ns = [s for s in switches if s is not None]

        # 2. Zero failed requests under paced load across alternating deploy/rollback flips.
        with PacedLoad(port, args.rate) as load:
            current, previous = alternate(ws, current, previous, args.flips)
        # 3. Throughput through the router and straight to the backend (wrk).
        sup = status(ws)["supervisor"]
        backend_port = next(b["port"] for b in sup["backends"] if b["version"] == current)
        direct_rps = throughput(backend_port)
        router_rps = throughput(port)

        # 4. Rebuild: prune the previous artifact away, then rollback --rebuild.
        lab("artifacts", "prune", "--keep", "1", cwd=ws)
        started = time.monotonic()
        lab("rollback", "--rebuild", cwd=ws)
        rebuild_s = time.monotonic() - started
        wait_version(port, previous)

    flip_median = median(flips)
    result = {
        "benchmark": "rollback",
        "backend": status(ws)["backend"] if args.workspace else args.backend,
        "flips": len(flips),
        "flip_median_s": round(flip_median, 4),
        "flip_max_s": round(max(flips), 4),
        "switch_median_ms": round(median(switch_ns) / 1e6, 4) if switch_ns else None,
        "rebuild_s": round(rebuild_s, 3),
        "rebuild_flip_ratio": round(rebuild_s / flip_median, 1),
        "requests": load.ok + load.failed,
        "failed_requests": load.failed,
        "load_rps": round(load.rate, 1),
        "router_rps": round(router_rps, 1),
        "direct_rps": round(direct_rps, 1),
        "router_direct_ratio": round(router_rps / direct_rps, 3) if direct_rps else None,
        "machine": machine(),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:>20}: {value}")
    ok = (result["flip_median_s"] <= 1.0 and (result["switch_median_ms"] or 0) <= 1.0
          and result["failed_requests"] == 0 and result["router_direct_ratio"] >= 0.5)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
