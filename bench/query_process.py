"""The named queries timed in a process of their own on an existing embedded store, as a user's query
process meets them: `python -m bench.query_process STORE [--skip similar]` → bench/reports/queries-<stamp>.json.

For each query: the first call (what it keeps per store version read, the derived tables already in
step), the median uncached call (result cache cleared) and the process's peak and resident memory after
it. The baseline, from the same run: one read of every edge row (`SELECT … FROM edges`), the least any
query that scans the store would pay, and the resident memory before the first query.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

from bench.report import write_report
from core.errors import GovkgError
from graph.derived import DERIVED
from graph.sqlite_store import SQLiteStore
from queries import QUERIES, run_query
from queries.sql import DEGREE

REPORTS = Path(__file__).with_name("reports")


def _resident_mb() -> float | None:
    """This process's resident memory now, in MB (Linux /proc; None elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 1e6, 1)


_BUSIEST = f"SELECT n.id AS id, n.name AS name FROM nodes n WHERE n.type = ? ORDER BY {DEGREE} DESC, n.id LIMIT 1"


def query_params(store: SQLiteStore) -> dict:
    """Parameters of the timed queries: the community and the area with the most relations (read from the tables)."""
    busiest = next(iter(store.read_sql(_BUSIEST, ["Community"])), {"id": "", "name": "社区"})
    area = next(iter(store.read_sql(_BUSIEST, ["Area"])), {"id": "", "name": ""})
    return {"neighbors": {"entity": busiest["id"], "hops": 2}, "path": {"source": busiest["id"], "target": area["id"]},
            "entity": {"name": busiest["id"]}, "search": {"q": busiest["name"][:2]}}


def _peak_mb() -> float:
    """This process's peak resident memory in MB: VmHWM (Linux; ru_maxrss elsewhere, which on Linux keeps the
    peak of the process that started this one across exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError):
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def measure(store: SQLiteStore, names: list[str], repeats: int = 5) -> dict:
    """First call, median uncached call (ms) and memory (MB) after each query in `names`, in order."""
    params = query_params(store)
    out: dict = {"first_call_ms": {}, "latency_ms": {}, "peak_mb_after": {}, "resident_mb_after": {}}
    for name in names:
        args = QUERIES[name].bind(params.get(name, {}))
        t0 = time.perf_counter()
        run_query(store, name, args)
        out["first_call_ms"][name] = round((time.perf_counter() - t0) * 1000, 1)
        times = []
        for _ in range(repeats):
            store.clear_result_cache()
            t0 = time.perf_counter()
            run_query(store, name, args)
            times.append((time.perf_counter() - t0) * 1000)
        out["latency_ms"][name] = round(statistics.median(times), 1)
        out["peak_mb_after"][name] = _peak_mb()
        out["resident_mb_after"][name] = _resident_mb()
    return out


def edge_scan_ms(store: SQLiteStore) -> float:
    """One read of every edge row, in ms: the baseline a query reading the whole store cannot beat."""
    t0 = time.perf_counter()
    rows = store.read_sql("SELECT id, src, dst, predicate, confidence FROM edges")
    elapsed = (time.perf_counter() - t0) * 1000
    del rows
    return round(elapsed, 1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.query_process", description=__doc__.splitlines()[0])
    ap.add_argument("store", type=Path, help="an embedded store (SQLite file) written by govkg ingest or python -m bench")
    ap.add_argument("--skip", default="", help="comma-separated queries not to time (e.g. similar)")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--out", default=str(REPORTS))
    args = ap.parse_args(argv)
    try:
        store = SQLiteStore(args.store)
        for name in DERIVED:  # the derived tables brought in step first (a no-op after an ingest), not timed
            store.derived_ready(name)
    except GovkgError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    skipped = {s for s in args.skip.split(",") if s}
    names = [n for n in QUERIES if n not in skipped]
    report: dict = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "store": str(args.store), "stats": store.stats(),
              "resident_mb_before": _resident_mb(), "skipped": sorted(skipped)}
    report["queries"] = measure(store, names, args.repeats)
    report["baseline_edge_scan_ms"] = edge_scan_ms(store)
    report["peak_mb"] = _peak_mb()
    store.close()
    path = write_report(args.out, "queries", report)
    q = report["queries"]
    for name in names:
        print(f"{name:12s} first {q['first_call_ms'][name]:10.1f} ms  uncached {q['latency_ms'][name]:8.1f} ms  "
              f"peak {q['peak_mb_after'][name]:8.1f} MB")
    print(f"baseline: every edge read once {report['baseline_edge_scan_ms']} ms; peak {report['peak_mb']} MB\nreport: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
