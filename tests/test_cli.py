"""The `govkg` command line, run as a user would (subprocess on the installed console script)."""

import csv
import io
import json
import os
import subprocess
import sys


def govkg(*args, store=None, check=True, cwd=None):
    cmd = [sys.executable, "-m", "govkg.cli"]
    if store:
        cmd += ["--store", str(store)]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("GOVKG_STORE", None)
    proc = subprocess.run(cmd + list(args), capture_output=True, text=True, cwd=cwd, env=env, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"govkg {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def test_demo_builds_the_default_store_in_the_working_folder(tmp_path):
    out = govkg("demo", cwd=tmp_path).stdout
    assert (tmp_path / "govkg-data" / "graph.db").is_file()
    assert "ingested 4 new article(s)" in out
    assert "成都智汇科技有限公司" in out and "水碾河社区" in out  # a co-building pair
    again = govkg("demo", cwd=tmp_path).stdout
    assert "0 new article(s), 4 already stored" in again


def test_ingest_then_stats_shows_every_type_and_predicate(corpus_dir, tmp_path):
    store = tmp_path / "g.db"
    out = govkg("ingest", str(corpus_dir), store=store).stdout
    assert "ingested 5 new article(s)" in out
    stats = json.loads(govkg("stats", "--json", store=store).stdout)
    assert set(stats["nodes"]) >= {"Area", "Community", "Organization", "Initiative", "Award", "Partnership"}
    assert set(stats["edges"]) >= {"PART_OF", "LOCATED_IN", "RUNS", "SUPPORTS", "COOPERATES_WITH", "PARTY_TO", "AFFILIATED_WITH", "AWARDED"}
    text = govkg("stats", store=store).stdout
    assert "articles: 5" in text


def test_store_can_come_from_the_environment(tmp_path, sample_copy):
    env_store = tmp_path / "env.db"
    env = {**os.environ, "GOVKG_STORE": str(env_store)}
    subprocess.run([sys.executable, "-m", "govkg.cli", "ingest", "-q", str(sample_copy)], env=env, check=True, capture_output=True)
    assert env_store.is_file()


def test_extract_json_is_the_gold_prediction_format(corpus_dir):
    pred = json.loads(govkg("extract", str(corpus_dir / "001_7d6378b62532869b.txt"), "--json").stdout)
    assert pred["article"] == "001_7d6378b62532869b.txt"
    assert any(e["name"] == "迎晖社区" and e["type"] == "Community" for e in pred["entities"])
    assert all({"subject", "predicate", "object", "evidence"} <= set(r) for r in pred["relations"])


def test_eval_prints_per_type_and_micro_scores(gold_dir, corpus_dir):
    out = govkg("eval", str(gold_dir), str(corpus_dir)).stdout
    for word in ("Area", "Community", "Organization", "Initiative", "Award", "micro", "PART_OF", "kind accuracy"):
        assert word in out
    report = json.loads(govkg("eval", str(gold_dir), str(corpus_dir), "--json").stdout)
    assert 0 < report["entities"]["micro"]["f1"] <= 1 and report["articles"] == 3


def test_query_formats(tmp_path, sample_copy):
    store = tmp_path / "g.db"
    govkg("ingest", "-q", str(sample_copy), store=store)
    rows = json.loads(govkg("query", "cobuild", "--format", "json", store=store).stdout)
    assert any(r["organization"] == "成都智汇科技有限公司" and r["community"] == "水碾河社区" for r in rows)
    assert all(r["org_kind"] == "enterprise" for r in rows)
    table = list(csv.DictReader(io.StringIO(govkg("query", "search", "--param", "q=shuinian", "--format", "csv", store=store).stdout)))
    assert table[0]["name"] == "水碾河社区" and table[0]["match"] == "pinyin"
    text = govkg("query", "cobuild", "--param", "district=锦江区", store=store).stdout
    assert "向阳社区" in text and "水碾河社区" not in text


def test_query_sources_in_every_format(tmp_path, wide_dirs):
    """Rows with evidence cite it: a list of citations in JSON, their one-line texts in CSV and tables."""
    store = tmp_path / "g.db"
    govkg("ingest", "-q", str(wide_dirs[1]), store=store)
    rows = json.loads(govkg("query", "awards", "--format", "json", store=store).stdout)
    cited = [s for r in rows for s in r["sources"] if s["url"]]
    assert cited and all(set(s) >= {"article_id", "title", "date", "url", "publisher", "start", "end", "sentence", "cite"} for s in cited)
    table = list(csv.DictReader(io.StringIO(govkg("query", "awards", "--format", "csv", store=store).stdout)))
    assert [r["sources"] for r in table] == [" | ".join(s["cite"] for s in r["sources"]) for r in rows]
    assert any(cited[0]["cite"] in r["sources"] and "http" in r["sources"] for r in table)
    text = govkg("query", "awards", store=store).stdout  # cells clipped to the table's width: a citation's title first
    assert text.splitlines()[0].split()[-1] == "sources" and cited[0]["title"][:8] in text and "[{" not in text


def test_errors_are_one_clear_line(tmp_path):
    proc = govkg("query", "nosuchquery", store=tmp_path / "g.db", check=False)
    assert proc.returncode == 2 and "no query named 'nosuchquery'" in proc.stderr and "Traceback" not in proc.stderr
    proc = govkg("query", "cobuild", "--param", "limit=many", store=tmp_path / "g.db", check=False)
    assert proc.returncode == 2 and "limit must be int" in proc.stderr
    proc = govkg("extract", str(tmp_path / "missing.txt"), check=False)
    assert proc.returncode == 2 and "no such file" in proc.stderr
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"x" * 4096)
    proc = govkg("stats", store=junk, check=False)
    assert proc.returncode == 2 and "not a govkg SQLite store" in proc.stderr


def test_ingest_reports_skipped_files_and_continues(tmp_path, sample_copy):
    (sample_copy / "empty.txt").write_bytes(b"")
    (sample_copy / "gbk.txt").write_bytes("成华区龙潭街道水碾河社区开展“邻里节”活动。".encode("gbk"))
    out = govkg("ingest", str(sample_copy), store=tmp_path / "g.db").stdout
    assert "ingested 5 new article(s)" in out and "1 skipped" in out and "empty.txt" in out
