"""Every registered derived table (graph.derived: `duplicates`' candidates, `search`'s pinyin, `brokers`'
and `cobuild`'s links) holds, after any sequence of writes and corrections, what a rebuild from scratch computes, whatever
the order of the articles; and each query reading one gives the rows of its graph implementation."""

from __future__ import annotations

import pytest

from conftest import article_paths
from conftest import derived_rows as tables
from conftest import rebuilt_derived_rows as rebuilt
from graph.curation import Curation, candidates, curate
from graph.derived import DERIVED
from graph.sqlite_store import SQLiteStore
from ingest.pipeline import Pipeline
from queries import QUERIES

NAMES = sorted(DERIVED)


def test_the_queries_register_their_tables():
    assert {"duplicates", "search", "brokers", "cobuild"} <= set(NAMES)


@pytest.fixture(scope="module")
def one_by_one(tmp_path_factory):
    """The real articles written one transaction (one refresh) per article."""
    store = SQLiteStore(tmp_path_factory.mktemp("derived") / "one.db")
    store.write_batch_size = 1
    Pipeline(store).ingest(article_paths())
    yield store
    store.close()


@pytest.mark.parametrize("name", NAMES)
def test_written_article_by_article_the_tables_equal_a_rebuild(one_by_one, name, tmp_path):
    kept = tables(one_by_one, name)
    assert all(kept.values()), f"{name}: an empty table on the real articles"
    assert kept == rebuilt(one_by_one, name, tmp_path)


def test_the_tables_do_not_depend_on_the_order_of_the_articles(one_by_one, tmp_path):
    backward = SQLiteStore(tmp_path / "b.db")
    backward.write_batch_size = 1
    for p in reversed(article_paths()):
        Pipeline(backward).ingest([p])
    for name in NAMES:
        assert tables(backward, name) == tables(one_by_one, name), name
    backward.close()


def test_corrections_keep_every_table_in_step(tmp_path):
    store = SQLiteStore(tmp_path / "c.db")
    Pipeline(store).ingest(article_paths())
    nodes = {n.id: n for n in store.iter_nodes()}

    def unique(node) -> bool:  # a name that picks this one node
        return [c.id for c in candidates(store, node.name, node.type)] == [node.id]

    cooperations = store.read_sql("SELECT src, dst FROM edges WHERE predicate = 'COOPERATES_WITH' ORDER BY id")
    org, com = next((nodes[r["src"]], nodes[r["dst"]]) for r in cooperations
                    if nodes[r["src"]].type == "Organization" and nodes[r["dst"]].type == "Community"
                    and unique(nodes[r["src"]]) and unique(nodes[r["dst"]]))
    curate(store, Curation("reject", org.name, "Organization", "COOPERATES_WITH", com.name))  # a link goes
    brokers = [nodes[r["org"]] for r in store.read_sql("SELECT org, count(*) AS n FROM broker_links GROUP BY org ORDER BY n DESC, org")]
    first, second = [b for b in brokers if unique(b) and b.id != org.id][:2]
    curate(store, Curation("merge", first.name, "Organization", target=second.name))  # links move
    linked = next(nodes[r["com"]] for r in store.read_sql("SELECT DISTINCT com FROM cobuild_links ORDER BY com")
                  if unique(nodes[r["com"]]) and r["com"] in {b["community"] for b in store.read_sql("SELECT community FROM broker_links")})
    curate(store, Curation("rename", linked.name, "Community", target=linked.name + "新区"))  # a new form to convert, links re-sorted
    shared = next(nodes[r["ini"]] for r in store.read_sql("SELECT DISTINCT ini FROM cobuild_links WHERE ini <> '' ORDER BY ini")
                  if unique(nodes[r["ini"]]))
    curate(store, Curation("rename", shared.name, "Initiative", target=shared.name + "（二期）"))
    for name in NAMES:
        assert tables(store, name) == rebuilt(store, name, tmp_path), name
    for query, raw in (("brokers", {}), ("search", {"q": "xinqu"}), ("duplicates", {}), ("cobuild", {"org_kind": "any", "limit": 1000})):
        spec = QUERIES[query]
        params = spec.bind(raw)
        assert spec.sql(store, params) == spec.embedded(store, **params), query
    store.close()


@pytest.mark.parametrize("name", NAMES)
def test_a_store_written_without_a_table_registered_is_rebuilt_or_done_without_it(tmp_path, name):
    path = tmp_path / "late.db"
    store = SQLiteStore(path)
    paths = article_paths()
    Pipeline(store).ingest(paths[:3])
    registered = DERIVED.pop(name)
    try:  # a writer that does not know the table (an older script, a graph-only tool): it falls behind
        Pipeline(store).ingest(paths[3:])
    finally:
        DERIVED[name] = registered
    reader = SQLiteStore(path, read_only=True)
    assert not reader.derived_ready(name)
    query = {"duplicates": ("duplicates", {"min_similarity": 50}), "search": ("search", {"q": "sq"}), "brokers": ("brokers", {}),
             "cobuild": ("cobuild", {"org_kind": "any"})}[name]
    spec = QUERIES[query[0]]
    params = spec.bind(query[1])
    without = spec.sql(reader, params)
    assert without == spec.embedded(store, **params)
    reader.close()
    assert store.derived_ready(name)
    assert tables(store, name) == rebuilt(store, name, tmp_path)
    assert spec.sql(store, params) == without
    store.close()


def test_tables_of_another_schema_are_made_afresh(tmp_path):
    """A govkg whose tables changed shape (another schema fingerprint) does not trust the old ones: a
    read-only store goes without them, a writable one drops and rebuilds them."""
    path = tmp_path / "old.db"
    store = SQLiteStore(path)
    Pipeline(store).ingest(article_paths()[:4])
    with store._tx() as con:  # the shape an older govkg gave the table, still marked in step
        con.execute("DROP TABLE broker_counts")
        con.execute("CREATE TABLE broker_counts(org TEXT PRIMARY KEY)")
    original = DERIVED["brokers"]

    class Reshaped:  # the same tables under a schema with one more statement: a new fingerprint
        name, tables, refresh, rebuild = original.name, original.tables, original.refresh, original.rebuild
        schema = (*original.schema, "CREATE INDEX IF NOT EXISTS broker_links_confidence ON broker_links(confidence)")

    DERIVED["brokers"] = Reshaped()
    try:
        reader = SQLiteStore(path, read_only=True)
        assert not reader.derived_ready("brokers")
        reader.close()
        assert store.derived_ready("brokers")
        assert tables(store, "brokers") == rebuilt(store, "brokers", tmp_path)
        spec = QUERIES["brokers"]
        assert spec.sql(store, spec.bind({})) == spec.embedded(store, **spec.bind({}))
    finally:
        DERIVED["brokers"] = original
    store.close()
