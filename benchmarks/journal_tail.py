"""How long does one journal append take as the journal grows, with a 10 MB entry in it?

    python benchmarks/journal_tail.py [--json] [--appends 200]

An append finds the journal's tail by reading backwards at most 64 KiB, so
its cost does not depend on the journal's size or on one long line. Reports
the median append time of a small journal and of one holding a 10 MB line
followed by ordinary entries, and how long refusing a 10 MB last line takes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checker.journal import Journal, JournalError  # noqa: E402


def _median_append(journal: Journal, count: int) -> float:
    times = []
    for i in range(count):
        started = time.perf_counter()
        journal.append("bench.append", {"i": i})
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--appends", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small = Journal(Path(tmp) / "small.jsonl")
        small_s = _median_append(small, args.appends)
        big = Journal(Path(tmp) / "big.jsonl")
        big.append("bench.start")
        entry = json.loads(big.path.read_text().splitlines()[-1])
        entry.update(seq=2, data={"pad": "x" * (10 << 20)})
        with big.path.open("a") as handle:  # a 10 MB line, as a hand edit would leave it
            handle.write(json.dumps(entry) + "\n")
        started = time.perf_counter()
        with contextlib.suppress(JournalError):
            big.append("bench.refused")
        refuse_s = time.perf_counter() - started
        big.head_path.unlink()
        with big.path.open("a") as handle:
            handle.write(big.path.read_text().splitlines()[0].replace('"seq":1', '"seq":3') + "\n")
        after_s = _median_append(big, args.appends)
    result = {"append_median_ms": round(small_s * 1e3, 3),
              "append_after_10mb_line_median_ms": round(after_s * 1e3, 3),
              "refuse_10mb_tail_ms": round(refuse_s * 1e3, 3)}
    print(json.dumps(result, indent=2) if args.json else
          "\n".join(f"{k}: {v}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
