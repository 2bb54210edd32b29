"""Does the serving path hold under faults?

    python benchmarks/faults.py [--json] [--idle 1000] [--flips 20] [--rate 150]

Starts lab 38-01's service in a temporary course (1.2.2 serving, 1.2.1 the warm
previous release; or --workspace DIR), then measures through the router:

- idle_worst_latency_s: the slowest of --probes normal requests (fresh connection
  each) while --idle TCP connections sit open and silent (target <= 1 s);
- keepalive_old_responses: answers a keep-alive client got from the release it
  was on before a `lab rollback`, over --keepalive-flips rollbacks with 5 requests
  on the same connection after each (target 0);
- requests / failed_requests: two paced loads of --rate requests/s each, one on
  fresh connections and one on keep-alive connections, across --flips
  alternating deploy/rollback flips (target 0 failed);
- router_rps / direct_rps: wrk (Debian's; installed with apt-get when missing)
  through the router and straight to the serving backend (target ratio >= 0.5);
- backend_restart_s: the median, over --restarts runs, of the seconds from kill -9
  of the serving backend to the router answering 200 again (target <= 3 s).
"""

from __future__ import annotations

import argparse
import http.client
import json
import resource
import selectors
import socket
import sys
import time
from pathlib import Path

from _common import (
    PacedLoad,
    alternate,
    get_version,
    get_version_on,
    lab,
    machine,
    median,
    served_workspace,
    status,
    throughput,
)
from backend_restart import restart_seconds


def idle_latency(port: int, idle: int, probes: int) -> dict:
    """Worst latency of normal requests while ``idle`` silent connections are open."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < idle + 256:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    socks = []
    try:
        for _ in range(idle):
            socks.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        latencies, failed = [], 0
        for _ in range(probes):
            started = time.perf_counter()
            if get_version(port, timeout=15.0) is None:
                failed += 1
            latencies.append(time.perf_counter() - started)
        # An idle connection the router refused or closed has something to read.
        with selectors.DefaultSelector() as sel:
            for sock in socks:
                sel.register(sock, selectors.EVENT_READ)
            answered = len(sel.select(timeout=0))
    finally:
        for sock in socks:
            sock.close()
    return {"idle_connections": idle, "idle_probes": probes,
            "idle_worst_latency_s": round(max(latencies), 4), "idle_probe_failures": failed,
            "idle_refused_or_closed": answered}


def keepalive_after_flips(ws: Path, port: int, current: str, previous: str,
                          flips: int) -> tuple[dict, str, str]:
    """Requests a keep-alive client gets from the release a rollback flipped away from."""
    old_answers = failed = asked = 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        for _ in range(flips):
            if get_version_on(conn) != current:
                failed += 1
            lab("rollback", cwd=ws)
            current, previous = previous, current
            for _ in range(5):
                asked += 1
                version = get_version_on(conn)
                old_answers += version == previous
                failed += version is None
    finally:
        conn.close()
    return ({"keepalive_flips": flips, "keepalive_requests_after_flip": asked,
             "keepalive_old_responses": old_answers, "keepalive_failed": failed},
            current, previous)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--idle", type=int, default=1000, help="idle connections to hold")
    parser.add_argument("--probes", type=int, default=20)
    parser.add_argument("--keepalive-flips", type=int, default=6)
    parser.add_argument("--flips", type=int, default=20)
    parser.add_argument("--rate", type=float, default=150.0, help="each paced load, requests/s")
    parser.add_argument("--seconds", type=float, default=3.0, help="each wrk run")
    parser.add_argument("--restarts", type=int, default=3, help="kill -9 runs of (e)")
    parser.add_argument("--workspace", type=Path)
    args = parser.parse_args()

    result: dict = {"benchmark": "faults"}
    with served_workspace(args.workspace, "bench-faults-") as (ws, current, previous):
        port = status(ws)["supervisor"]["port"]
        # (a) A normal request while many idle connections are open.
        result.update(idle_latency(port, args.idle, args.probes))
        # (b) A keep-alive client across flips.
        found, current, previous = keepalive_after_flips(ws, port, current, previous,
                                                         args.keepalive_flips)
        result.update(found)
        # (c) Failed requests across flips, fresh and keep-alive connections.
        with PacedLoad(port, args.rate) as fresh, \
                PacedLoad(port, args.rate, keepalive=True) as kept:
            current, previous = alternate(ws, current, previous, args.flips)
        result.update({
            "flips": args.flips,
            "requests": fresh.ok + fresh.failed + kept.ok + kept.failed,
            "failed_requests": fresh.failed + kept.failed,
            "load_rps": round(fresh.rate + kept.rate, 1),
        })
        # (d) Throughput through the router and straight to the serving backend, with wrk.
        sup = status(ws)["supervisor"]
        backend_port = next(b["port"] for b in sup["backends"] if b["version"] == current)
        direct_rps = throughput(backend_port, args.seconds)
        router_rps = throughput(port, args.seconds)
        result.update({
            "router_rps": round(router_rps, 1),
            "direct_rps": round(direct_rps, 1),
            "router_direct_ratio": round(router_rps / direct_rps, 3) if direct_rps else None,
        })
        # (e) Killing the serving backend: seconds until the router answers 200 again.
        restarts = restart_seconds(ws, args.restarts, timeout=15.0)
        result.update({"backend_restart_s": round(median(restarts), 3),
                       "backend_restart_max_s": round(max(restarts), 3)})
    result["machine"] = machine()
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:>30}: {value}")
    ok = (result["idle_worst_latency_s"] <= 1.0 and result["idle_probe_failures"] == 0
          and result["keepalive_old_responses"] == 0 and result["keepalive_failed"] == 0
          and result["failed_requests"] == 0 and result["load_rps"] >= 100
          and (result["router_direct_ratio"] or 0) >= 0.5
          and result["backend_restart_s"] <= 3.0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
