"""Neo4j store: clear errors without a server; live ingest/idempotency/parity against a real Neo4j
($NEO4J_URI, or tests/neo4j/server started by the `neo4j_uri` fixture)."""

import os
import subprocess
import sys

import pytest

from govkg.errors import StoreConnectionError
from graph.factory import open_store
from graph.migrate import migrate
from graph.sqlite_store import SQLiteStore
from ingest.pipeline import Pipeline
from queries import QUERIES, run_query

PARAMS = {"neighbors": {"entity": "水碾河社区", "hops": 2}, "path": {"source": "成都智汇科技有限公司", "target": "成华区"},
          "entity": {"name": "水碾河社区"}, "search": {"q": "社区"}}


def test_unreachable_server_is_one_clear_line_without_the_password(monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-pass")
    with pytest.raises(StoreConnectionError) as info:
        open_store("bolt://127.0.0.1:1")
    message = str(info.value)
    assert "cannot reach Neo4j at bolt://127.0.0.1:1" in message and "s3cret-pass" not in message and "\n" not in message


def test_cli_reports_a_down_server_and_exits_2(tmp_path):
    env = {**os.environ, "NEO4J_PASSWORD": "s3cret-pass"}
    proc = subprocess.run([sys.executable, "-m", "govkg.cli", "--store", "neo4j://127.0.0.1:1", "stats"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 2 and "cannot reach Neo4j" in proc.stderr
    assert "s3cret-pass" not in proc.stderr + proc.stdout and "Traceback" not in proc.stderr


def test_migrate_copies_a_whole_graph_between_stores(sample_store, tmp_path):
    target = SQLiteStore(tmp_path / "copy.db")
    counts = migrate(sample_store, target, batch_size=7)
    assert counts["articles"] == 4 and counts["nodes"] == sum(sample_store.stats()["nodes"].values())
    assert target.stats() | {"store": ""} == sample_store.stats() | {"store": ""}
    for name in QUERIES:
        assert run_query(target, name, PARAMS.get(name, {})).rows == run_query(sample_store, name, PARAMS.get(name, {})).rows, name
    again = migrate(sample_store, target)  # idempotent
    assert target.stats() | {"store": ""} == sample_store.stats() | {"store": ""} and again["nodes"] == counts["nodes"]


@pytest.fixture(scope="module")
def neo4j_store(neo4j_uri):
    store = open_store(neo4j_uri)
    store.clear()
    yield store
    store.clear()
    store.close()


@pytest.mark.neo4j
def test_live_ingest_is_idempotent_and_matches_the_embedded_store(neo4j_store, sample_store):
    from govkg.cli import SAMPLE_CORPUS

    first = Pipeline(neo4j_store).ingest([SAMPLE_CORPUS])
    stats = neo4j_store.stats()
    second = Pipeline(neo4j_store).ingest([SAMPLE_CORPUS])
    assert len(first.added) == 4 and len(second.unchanged) == 4 and neo4j_store.stats() == stats
    assert stats | {"store": ""} == sample_store.stats() | {"store": ""}


@pytest.fixture(scope="module")
def migrated(neo4j_store, sample_store):
    """The embedded sample graph copied into Neo4j (same article stamps, so `articles` orders alike)."""
    neo4j_store.clear()
    counts = migrate(sample_store, neo4j_store, batch_size=7)
    assert counts["articles"] == 4 and neo4j_store.stats() | {"store": ""} == sample_store.stats() | {"store": ""}
    return neo4j_store


@pytest.mark.neo4j
@pytest.mark.parametrize("name", sorted(QUERIES))
def test_live_query_parity_after_migrate(migrated, sample_store, name):
    assert run_query(migrated, name, PARAMS.get(name, {})).rows == run_query(sample_store, name, PARAMS.get(name, {})).rows


@pytest.mark.neo4j
def test_explorer_neighbourhood_on_neo4j_reads_only_the_neighbourhood(migrated, sample_store, monkeypatch):
    from govkg.explorer import neighbourhood_elements, node_name
    from graph.neo4j_store import Neo4jStore

    centre = run_query(sample_store, "search", {"q": "水碾河社区"}).rows[0]["id"]
    expected = neighbourhood_elements(sample_store, centre, hops=2)

    def whole_graph(*_a, **_k):
        raise AssertionError("the explorer loaded the whole graph")

    for method in ("iter_nodes", "iter_edges", "iter_mentions", "iter_evidence"):
        monkeypatch.setattr(Neo4jStore, method, whole_graph)
    got = neighbourhood_elements(migrated, centre, hops=2)
    assert got == expected and len(got["nodes"]) > 3 and got["edges"]
    assert node_name(migrated, centre) == "水碾河社区"


@pytest.mark.neo4j
def test_indexes_kept_per_graph_version_are_rebuilt_after_a_write(neo4j_store, corpus_dir, tmp_path):
    """Neo4j keeps some queries' indexes per graph version (store.query_index: duplicates' scored pairs,
    the area tree, the broker ranking): articles written after a query are in the next answer, as on an
    embedded store holding the same articles."""
    from govkg.cli import SAMPLE_CORPUS

    neo4j_store.clear()
    Pipeline(neo4j_store).ingest([SAMPLE_CORPUS])
    embedded = SQLiteStore(tmp_path / "same.db")
    Pipeline(embedded).ingest([SAMPLE_CORPUS])
    cases = [("duplicates", {"min_similarity": 60.0}), ("hierarchy", {}), ("brokers", {"limit": 100})]
    first = {name: run_query(neo4j_store, name, params).rows for name, params in cases}
    for name, params in cases:
        assert first[name] == run_query(embedded, name, params).rows and first[name], name
    Pipeline(neo4j_store).ingest([corpus_dir])
    Pipeline(embedded).ingest([corpus_dir])
    for name, params in cases:
        again = run_query(neo4j_store, name, params).rows
        assert again == run_query(embedded, name, params).rows and again != first[name], name
