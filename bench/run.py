"""Measure extraction, ingest, store size, memory and query latency at growing corpus sizes.

Every figure sits beside a baseline measured in the same run on the same data:
plain `jieba.lcut` for extraction, raw `sqlite3.executemany` of the same rows for the store,
and, when a Neo4j server is given (--neo4j URI) or can be started (tests/neo4j/server), the same
corpus ingested into Neo4j and every query timed on both stores, as ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jieba

from bench.extraction import cpu_chars_per_second
from bench.generator import write_corpus
from bench.query_process import _resident_mb, query_params
from bench.report import write_report
from govkg.evaluation import Report, score_article
from graph.sqlite_store import _SCHEMA, SQLiteStore
from graph.traversal import graph_of
from ingest.cleaner import clean_document
from ingest.components import MODES, ExtractorConfig
from ingest.extractor import RuleExtractor
from ingest.pipeline import Pipeline
from ingest.reader import read_file
from queries import QUERIES, run_query

REPORTS = Path(__file__).with_name("reports")


def _peak_mb() -> dict:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"self_mb": round(own, 1), "largest_child_mb": round(children, 1)}


def measure_extraction(paths: list[Path], gold_dir: Path, sample: int, mode: str = "default") -> dict:
    """chars/s of the extractor of `mode` and of plain jieba on the same cleaned texts; F1 on ground truth."""
    articles = [clean_document(read_file(p)) for p in paths[:sample]]
    chars = sum(len(a.text) for a in articles)
    extractor = RuleExtractor(ExtractorConfig.for_mode(mode))
    extractor.extract(articles[0])
    jieba.lcut(articles[0].text)
    extractions: list = []
    speed = cpu_chars_per_second(lambda: extractions.extend(extractor.extract(a) for a in articles), chars, repeats=1)
    baseline = cpu_chars_per_second(lambda: [jieba.lcut(a.text) for a in articles], chars, repeats=1)
    report = Report()
    for p, ex in zip(paths[:sample], extractions):
        gold = json.loads((gold_dir / (p.stem + ".json")).read_text(encoding="utf-8"))
        score_article(gold, ex.as_prediction(0.5), report)
    ent, rel = report.micro(report.entities), report.micro(report.relations)
    return {
        "mode": mode, "articles": len(articles), "characters": chars,
        "extract_chars_per_cpu_second": round(speed),
        "jieba_lcut_chars_per_cpu_second": round(baseline),
        "extract_vs_jieba_time_ratio": round(baseline / speed, 2),
        "synthetic_entity_f1": round(ent.f1, 4), "synthetic_relation_f1": round(rel.f1, 4),
        "synthetic_entity_precision": round(ent.precision, 4), "synthetic_entity_recall": round(ent.recall, 4),
    }


def _store_rows(store: SQLiteStore) -> dict[str, list[tuple]]:
    con = sqlite3.connect(store.path)
    tables = ("articles", "sentences", "nodes", "aliases", "edges", "mentions", "evidence")
    rows = {t: con.execute(f"SELECT * FROM {t}").fetchall() for t in tables}  # noqa: S608 - fixed table names
    con.close()
    return rows


def sqlite_floor(rows: dict[str, list[tuple]], folder: Path) -> float:
    """Seconds to executemany the same rows into a fresh database with the same schema."""
    path = folder / "floor.db"
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.executescript(_SCHEMA)
    t0 = time.perf_counter()
    con.execute("BEGIN")
    for table, data in rows.items():
        if data:
            marks = ",".join("?" * len(data[0]))
            con.executemany(f"INSERT INTO {table} VALUES ({marks})", data)  # noqa: S608 - fixed table names
    con.execute("COMMIT")
    seconds = time.perf_counter() - t0
    con.close()
    return seconds


def measure_queries(store: SQLiteStore, repeats: int = 5, with_graph: bool = True) -> dict:
    """First call after the ingest and median latency (ms) of every named query on the store's tables
    (uncached: the result cache cleared before each timed call, the queries' indexes warm; cached: the same
    call again), with the process's peak memory; then, as the baseline of the same run, the old path: the
    whole networkx graph built (time, peak memory after) and each query's networkx implementation timed."""
    params = query_params(store)
    out: dict = {"first_call_ms": {}, "latency_ms": {}, "cached_ms": {}}
    for name, spec in QUERIES.items():
        args = spec.bind(params.get(name, {}))
        t0 = time.perf_counter()
        run_query(store, name, args)
        out["first_call_ms"][name] = round((time.perf_counter() - t0) * 1000, 1)  # includes building the query's index
        uncached, cached = [], []
        for _ in range(repeats):
            store.clear_result_cache()
            t0 = time.perf_counter()
            run_query(store, name, args)
            uncached.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            run_query(store, name, args)
            cached.append((time.perf_counter() - t0) * 1000)
        out["latency_ms"][name] = round(statistics.median(uncached), 1)
        out["cached_ms"][name] = round(statistics.median(cached), 2)
    out["resident_mb_tables"] = _resident_mb()
    if not with_graph:
        out["networkx_skipped"] = "the whole networkx graph does not fit beside this process at this size (--graph-baseline-max)"
        return out
    t0 = time.perf_counter()
    g = graph_of(store)
    out["graph_build_seconds"] = round(time.perf_counter() - t0, 2)
    out["nodes"], out["edges"] = g.number_of_nodes(), g.number_of_edges()
    out["networkx_first_call_ms"], out["networkx_latency_ms"] = {}, {}
    for name, spec in QUERIES.items():
        args = spec.bind(params.get(name, {}))
        t0 = time.perf_counter()
        spec.embedded(store, **args)
        out["networkx_first_call_ms"][name] = round((time.perf_counter() - t0) * 1000, 1)
        t0 = time.perf_counter()
        spec.embedded(store, **args)
        out["networkx_latency_ms"][name] = round((time.perf_counter() - t0) * 1000, 1)
    out["resident_mb_with_graph"] = _resident_mb()
    return out


def measure_neo4j(neo4j, corpus: Path, workers: int, embedded: dict, params: dict, sqlite_store: SQLiteStore, repeats: int = 5) -> dict:
    """The same corpus ingested into Neo4j (emptied first) and the median latency of every query there
    (Neo4j keeps no result cache: every call is uncached), with ratios to the embedded store."""
    neo4j.clear()
    report = Pipeline(neo4j, RuleExtractor(ExtractorConfig.for_mode(embedded.get("ingest_mode", "default")))).ingest([corpus], workers=workers)
    same = neo4j.stats() | {"store": ""} == sqlite_store.stats() | {"store": ""}
    out = {"ingest_seconds": round(report.seconds, 1), "writer_seconds": round(report.write_seconds, 1),
           "articles_per_second": round(len(report.added) / report.seconds, 1), "same_graph_as_embedded": same,
           "ingest_ratio_to_embedded": round(report.seconds / embedded["ingest"]["seconds"], 2),
           "writer_ratio_to_embedded": round(report.write_seconds / max(embedded["ingest"]["writer_seconds"], 1e-9), 2),
           "first_call_ms": {}, "latency_ms": {}, "latency_ratio_to_embedded_uncached": {}}
    for name in QUERIES:
        t0 = time.perf_counter()
        run_query(neo4j, name, params.get(name, {}))
        out["first_call_ms"][name] = round((time.perf_counter() - t0) * 1000, 1)  # query plans compiled and cached
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            run_query(neo4j, name, params.get(name, {}))
            times.append((time.perf_counter() - t0) * 1000)
        out["latency_ms"][name] = round(statistics.median(times), 1)
        if embedded.get("queries"):
            base = max(embedded["queries"]["latency_ms"][name], 0.05)
            out["latency_ratio_to_embedded_uncached"][name] = round(out["latency_ms"][name] / base, 1)
    return out


def measure_query_process(store_path: Path, workdir: Path) -> dict:
    """bench.query_process on the store in a process of its own (its memory is the query process's alone)."""
    out = workdir / "query-process"
    done = subprocess.run([sys.executable, "-m", "bench.query_process", str(store_path), "--out", str(out)],
                          capture_output=True, text=True, check=False)
    reports = sorted(out.glob("queries-*.json"))
    if done.returncode != 0 or not reports:
        return {"error": (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]}
    report = json.loads(reports[-1].read_text(encoding="utf-8"))
    shutil.rmtree(out, ignore_errors=True)
    return report


def run_size(n: int, workers: int, seed: int, sample: int, workdir: Path, queries: bool = True, neo4j=None,
             mode: str = "default", graph_baseline_max: int = 20000) -> dict:
    """All measurements for a corpus of `n` synthetic articles; ingest with the extractor of `mode`."""
    corpus, gold = workdir / f"corpus_{n}", workdir / f"gold_{n}"
    t0 = time.perf_counter()
    paths = write_corpus(corpus, n, seed, gold)
    result = {"articles": n, "generate_seconds": round(time.perf_counter() - t0, 1), "ingest_mode": mode}
    result["extraction_modes"] = {m: measure_extraction(paths, gold, min(sample, n), m) for m in MODES}
    result["extraction"] = result["extraction_modes"][mode]
    store = SQLiteStore(workdir / f"store_{n}.db")
    report = Pipeline(store, RuleExtractor(ExtractorConfig.for_mode(mode))).ingest([corpus], workers=workers)
    writes = report.nodes_written + report.edges_written
    size = sum(f.stat().st_size for f in workdir.glob(f"store_{n}.db*"))
    ingest_memory = _peak_mb()
    rows = _store_rows(store)
    floor = sqlite_floor(rows, workdir)
    result["ingest"] = {
        "workers": workers, "seconds": round(report.seconds, 1), "articles_per_second": round(len(report.added) / report.seconds, 1),
        "node_and_edge_writes_per_second": round(writes / report.seconds), "writer_seconds": round(report.write_seconds, 1),
        "sqlite_executemany_floor_seconds": round(floor, 2), "writer_vs_floor_ratio": round(report.write_seconds / floor, 1),
        "store_bytes": size, "rows": {k: len(v) for k, v in rows.items()},
        "peak_memory_after_ingest": ingest_memory,  # writer process and largest extraction worker, before any query
    }
    if queries:
        del rows  # the floor's copy of every row is not held while the queries run
        result["query_process"] = measure_query_process(workdir / f"store_{n}.db", workdir)
        result["queries"] = measure_queries(store, with_graph=n <= graph_baseline_max)
    if neo4j is not None:
        result["neo4j"] = measure_neo4j(neo4j, corpus, workers, result, query_params(store), store)
    result["peak_memory"] = _peak_mb()
    store.close()
    (workdir / "floor.db").unlink(missing_ok=True)
    return result


def print_table(report: dict) -> None:
    """A readable summary of a report."""
    print(f"\nmachine: {report['machine']['cpu']} · {report['machine']['cores']} cores · Python {report['machine']['python']}")
    for r in report["sizes"]:
        i, q = r["ingest"], r.get("queries")
        print(f"\n== {r['articles']:,} articles (ingest mode {r.get('ingest_mode', 'default')})")
        for mode, e in r.get("extraction_modes", {"default": r["extraction"]}).items():
            print(f"extraction   {e['extract_chars_per_cpu_second']:>12,} chars/s/core   jieba.lcut {e['jieba_lcut_chars_per_cpu_second']:,}   "
                  f"ratio {e['extract_vs_jieba_time_ratio']}×   synthetic F1 entities {e['synthetic_entity_f1']} relations "
                  f"{e['synthetic_relation_f1']}   [{mode}]")
        print(f"ingest       {i['articles_per_second']:>12,} articles/s   {i['node_and_edge_writes_per_second']:,} writes/s   "
              f"{i['seconds']} s with {i['workers']} workers   writer/floor {i['writer_vs_floor_ratio']}×   store {i['store_bytes'] / 1e6:.1f} MB")
        print(f"memory       after ingest {i['peak_memory_after_ingest']}   overall {r['peak_memory']}")
        if q:
            print("latency ms   " + "  ".join(f"{k} {v}" for k, v in q["latency_ms"].items()))
            print("first call   " + "  ".join(f"{k} {v}" for k, v in q["first_call_ms"].items()))
            print("cached       " + "  ".join(f"{k} {v}" for k, v in q["cached_ms"].items()))
            qp = r.get("query_process", {})
            if "queries" in qp:
                print("own process  " + "  ".join(f"{k} {v}" for k, v in qp["queries"]["latency_ms"].items()) +
                      f"   peak {qp['peak_mb']} MB (every edge read once: {qp['baseline_edge_scan_ms']} ms)")
            if "networkx_skipped" in q:
                print(f"resident     {q['resident_mb_tables']} MB after the table queries; networkx baseline skipped: {q['networkx_skipped']}")
                continue
            print(f"resident     {q['resident_mb_tables']} MB after the table queries   {q['resident_mb_with_graph']} MB with the networkx graph")
            print(f"baseline     networkx graph build {q['graph_build_seconds']} s ({q['nodes']:,} nodes, {q['edges']:,} edges)")
            print("networkx ms  " + "  ".join(f"{k} {v}" for k, v in q["networkx_latency_ms"].items()))
        nj = r.get("neo4j")
        if nj:
            print(f"neo4j        ingest {nj['ingest_seconds']} s = {nj['ingest_ratio_to_embedded']}× the embedded store "
                  f"(writer {nj['writer_ratio_to_embedded']}×)   same graph: {nj['same_graph_as_embedded']}")
            print("neo4j ms     " + "  ".join(f"{k} {v}" for k, v in nj["latency_ms"].items()))
            if nj["latency_ratio_to_embedded_uncached"]:
                print("neo4j/embed  " + "  ".join(f"{k} {v}×" for k, v in nj["latency_ratio_to_embedded_uncached"].items()))


def _open_neo4j(choice: str):
    """(server started here or None, Neo4jStore or None) for --neo4j URI|auto|off."""
    if choice == "off":
        return None, None
    from graph.neo4j_store import Neo4jStore

    if choice != "auto":
        return None, Neo4jStore.from_env(choice)
    from bench.neo4j_server import Neo4jTestServer, missing_tools

    if missing_tools():
        print(f"no Neo4j run: {', '.join(missing_tools())} missing (pass --neo4j URI to use a server)", flush=True)
        return None, None
    server = Neo4jTestServer(heap=os.environ.get("NEO4J_TEST_HEAP", "1g"))
    return server, Neo4jStore(server.uri, "neo4j", server.password)


def main(argv: list[str] | None = None) -> int:
    """`python -m bench`: run the sizes, write a JSON report, print a table."""
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument("--sizes", default="1000", help="comma-separated article counts, e.g. 1000,10000,100000")
    ap.add_argument("--workers", type=int, default=max(1, min(2, os.cpu_count() or 1)))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--sample", type=int, default=2000, help="articles used for extraction speed and F1")
    ap.add_argument("--out", default=str(REPORTS))
    ap.add_argument("--workdir", default=None, help="keep generated corpora and stores here")
    ap.add_argument("--no-queries", action="store_true", help="skip the query-latency phase (ingest figures only)")
    ap.add_argument("--graph-baseline-max", type=int, default=20000,
                    help="largest size at which the whole networkx graph is built as the queries' baseline (it needs ~10 GB at 100,000)")
    ap.add_argument("--mode", choices=sorted(MODES), default="default", help="extraction mode of the ingest (both are timed)")
    ap.add_argument("--keep-neo4j", action="store_true",
                    help="leave the ingested graph in the Neo4j store given by URI after the run (to profile queries on it)")
    ap.add_argument("--neo4j", default="auto",
                    help="Neo4j to compare with: a bolt:// URI (credentials from NEO4J_USERNAME/NEO4J_PASSWORD; its govkg data is "
                         "replaced), 'auto' (start tests/neo4j/server when Java and Maven are present) or 'off'")
    args = ap.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",") if x]
    report = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "seed": args.seed,
              "machine": {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(), "python": platform.python_version(),
                          "platform": platform.platform()}, "sizes": []}
    server, neo4j = _open_neo4j(args.neo4j)
    report["neo4j"] = {"uri": neo4j.uri if neo4j else None, "started_here": server is not None}
    try:
        with tempfile.TemporaryDirectory(prefix="govkg-bench-") as tmp:
            workdir = Path(args.workdir or tmp)
            workdir.mkdir(parents=True, exist_ok=True)
            for n in sizes:
                report["sizes"].append(run_size(n, args.workers, args.seed, args.sample, workdir, not args.no_queries, neo4j, args.mode,
                                                args.graph_baseline_max))
                print(f"done {n} articles", flush=True)
    finally:
        if neo4j is not None and not (args.keep_neo4j and server is None):
            try:
                neo4j.clear()
            except Exception as exc:  # the measurements are kept whatever the cleanup does
                print(f"could not empty the Neo4j store after the run: {exc}", flush=True)
        if neo4j is not None:
            neo4j.close()
        if server is not None:
            server.stop()
    path = write_report(args.out, "bench", report)
    print_table(report)
    print(f"\nreport: {path}")
    return 0
