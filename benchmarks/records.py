"""How long does reading a hostile records file under the 1 MiB cap take?

    python benchmarks/records.py [--json]

Writes each file of tests/hostile.py (deep nesting, many keys, many records,
many blocks, long lines, alias bombs, ...) to a temporary directory and times
checker.records.validate_file on it, in this process. Prints the outcome and
seconds of each, and the slowest. The target: every file is refused or read
in well under the 10 s a file could take before the limits (<= 3 s each on
the reference machine).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, machine

sys.path.insert(0, str(ROOT))
from hostile import HOSTILE  # noqa: E402  (tests/ is on the path via _common)

from checker.records import RecordRules, validate_file  # noqa: E402
from labcore.errors import DataError  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rules = {"38-01": RecordRules(bug_id="38-01")}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, (build, _) in sorted(HOSTILE.items()):
            path = Path(tmp) / f"{name}.md"
            path.write_text(build(), encoding="utf-8")
            start = time.perf_counter()
            try:
                report = validate_file(path, rules)
                outcome = f"read, {len(report.records)} record(s)"
            except DataError as err:
                outcome = f"refused at line {err.line}: {err.detail}"
            seconds = time.perf_counter() - start
            rows.append({"file": name, "bytes": path.stat().st_size,
                         "seconds": round(seconds, 3), "outcome": outcome})
    result = {"machine": machine(), "files": rows,
              "slowest_s": max(r["seconds"] for r in rows)}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for r in rows:
            print(f"{r['seconds']:6.2f} s  {r['file']:<24} {r['outcome'][:70]}")
        print(f"slowest: {result['slowest_s']:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
