"""Queries with a `sql` implementation read the embedded store's own tables and indexes, never the whole
graph, and give exactly the rows their networkx `embedded` implementation gives, on the real articles."""

import pytest

from core.errors import QueryError
from graph import traversal
from queries import QUERIES, run_query
from queries.helpers import initials_key, pinyin_key

SQL_QUERIES = sorted(name for name, spec in QUERIES.items() if spec.sql is not None)


def _entities(store, count: int = 40) -> list[str]:
    """The most connected entities, then some of every type: names a user would look up."""
    nodes = list(store.iter_nodes())
    degree = {n.id: len(store.edges_of([n.id])) for n in nodes}
    picked = sorted(nodes, key=lambda n: (-degree[n.id], n.id))[: count // 2]
    for t in sorted({n.type for n in nodes}):
        picked += [n for n in nodes if n.type == t][:3]
    return list(dict.fromkeys(n.name for n in picked))


def _param_sets(name: str, store) -> list[dict]:
    names = _entities(store)
    if name == "neighbors":
        return [{"entity": n, "hops": h} for n in names[:15] for h in (1, 2, 3)] + [
            {"entity": names[0], "hops": 2, "types": "Organization,Community"}, {"entity": names[1], "predicates": "RUNS,PART_OF", "hops": 2},
            {"entity": names[2], "hops": 3, "limit": 7}, {"entity": names[3], "min_confidence": 0.8, "hops": 2}]
    if name == "entity":
        return [{"name": n} for n in names]
    if name == "articles":
        return [{}, {"limit": 3}]
    if name == "awards":
        rows = run_query(store, "awards", {}).rows
        return [{}, {"limit": 2}] + [{"year": r["year"]} for r in rows if r["year"]][:3] + \
            [{"area": r[f]} for r in rows for f in ("street", "district") if r[f]][:4]
    if name == "path":
        far = names[::3][:8]
        return [{"source": x, "target": y, "max_hops": h} for x in far for y in far if x < y for h in (2, 4, 6)] + \
            [{"source": names[0], "target": names[1], "limit": 1}, {"source": names[0], "target": names[0]}]
    if name == "cobuild":
        rows = run_query(store, "cobuild", {"org_kind": "any"}).rows
        return [{}, {"org_kind": "any"}, {"org_kind": "any", "limit": 3}, {"org_kind": "social_org"}, {"min_confidence": 0.9, "org_kind": "any"}] + \
            [{"district": r[f], "org_kind": "any"} for r in rows for f in ("street", "district") if r[f]][:4] + \
            [{"kind": r["partnership_kind"], "org_kind": "any"} for r in rows if r["partnership_kind"]][:3]
    if name == "search":
        return [{"q": n} for n in names[:10]] + [{"q": n[:2]} for n in names[:10]] + \
            [{"q": "shequ"}, {"q": "sq", "limit": 5}, {"q": "社区", "type": "Community"}, {"q": "公司", "type": "Organization", "limit": 3}] + \
            [{"q": pinyin_key(n)} for n in names[:6]] + [{"q": pinyin_key(n)[:5], "limit": 50} for n in names[:6]] + \
            [{"q": initials_key(n)} for n in names[:6]] + [{"q": "fuwu", "type": "Initiative", "limit": 100}]
    if name == "brokers":
        return [{}, {"limit": 3}, {"min_confidence": 0.8}, {"min_confidence": 0.95, "limit": 50}]
    if name == "duplicates":
        kinds = sorted({n.kind for n in store.iter_nodes("Initiative") if n.kind})
        return [{}, {"min_similarity": 60}, {"min_similarity": 40, "limit": 5}] + [{"kind": k, "min_similarity": 50} for k in kinds[:3]]
    if name == "similar":
        return [{}, {"min_similarity": 30}, {"min_similarity": 30, "scope": "across"}, {"min_similarity": 30, "scope": "within", "limit": 5}]
    if name == "hierarchy":
        areas = [n.name for n in store.iter_nodes("Area")]
        return [{}, {"limit": 5}] + [{"root": a} for a in areas[:10]]
    raise AssertionError(f"no parameters chosen for {name}: add them here")


def test_some_queries_run_on_the_tables():
    assert {"neighbors", "entity", "articles", "awards", "hierarchy", "path", "cobuild", "search", "brokers", "duplicates", "similar"} <= set(SQL_QUERIES)


@pytest.mark.parametrize("name", SQL_QUERIES)
def test_sql_gives_the_rows_of_the_graph_implementation(name, corpus_store, wide_store):
    spec = QUERIES[name]
    for store in (corpus_store, wide_store):
        for raw in _param_sets(name, store):
            params = spec.bind(raw)
            assert spec.sql(store, params) == spec.embedded(store, **params), (name, raw)


def test_a_local_query_builds_no_graph(tmp_path, corpus_dir, monkeypatch):
    from graph.sqlite_store import SQLiteStore
    from ingest.pipeline import Pipeline

    store = SQLiteStore(tmp_path / "g.db")
    Pipeline(store).ingest([corpus_dir])

    def no_graph(_store):
        raise AssertionError("the whole graph was built")

    monkeypatch.setattr(traversal, "build_graph", no_graph)
    monkeypatch.setattr(traversal, "_CACHE", {})
    name = _entities(store)[0]
    reached = run_query(store, "neighbors", {"entity": name, "hops": 2}).rows
    assert reached[-1]["hops"] == 2
    assert run_query(store, "entity", {"name": name}).rows
    assert run_query(store, "articles", {}).rows
    assert run_query(store, "brokers", {}).rows
    assert run_query(store, "awards", {}).rows and run_query(store, "hierarchy", {}).rows
    assert run_query(store, "search", {"q": name}).rows and run_query(store, "cobuild", {"org_kind": "any"}).rows
    assert run_query(store, "path", {"source": name, "target": reached[-1]["id"]}).rows[0]["length"] == 2
    with pytest.raises(QueryError, match="no entity named"):
        run_query(store, "entity", {"name": "没有这个实体"})
    store.close()


def test_duplicates_on_the_tables_follow_the_marks_as_the_graph_does(tmp_path, corpus_dir, wide_dirs):
    from graph.sqlite_store import SQLiteStore
    from ingest.pipeline import Pipeline

    store = SQLiteStore(tmp_path / "g.db")
    Pipeline(store).ingest([corpus_dir, wide_dirs[1]])
    spec = QUERIES["duplicates"]
    params = spec.bind({"min_similarity": 50})
    rows = spec.sql(store, params)
    clusters = [[r["id"] for r in rows if r["cluster"] == c and r["status"] != "reported_twice"] for c in sorted({r["cluster"] for r in rows})]
    clusters = [c for c in clusters if len(c) > 1]
    assert len(clusters) >= 2, rows
    store.set_mark(clusters[0][0], clusters[0][1], "different")
    store.set_mark(clusters[0][0], clusters[1][0], "same")
    after = spec.sql(store, params)
    assert after == spec.embedded(store, **params) and after != rows
    store.set_mark(clusters[-1][0], clusters[-1][1], "different")  # a cluster a short list would not reach
    alone = next(n.id for n in store.iter_nodes("Initiative") if n.id not in {r["id"] for r in after})
    store.set_mark(clusters[-2][0], alone, "same")  # joined at 100 to one in no cluster: it moves up the list
    one = spec.bind({"min_similarity": 50, "limit": 1})
    top = [r["id"] for r in spec.sql(store, spec.bind({"min_similarity": 50, "limit": 50})) if r["cluster"] == 1]
    for i, a in enumerate(top):  # the first cluster taken apart: a one-row list shows the next one
        for b in top[i + 1:]:
            store.set_mark(a, b, "different")
    assert spec.sql(store, one)[0]["id"] not in top
    for limit in (1, 2, 5, len(rows)):  # the clusters a call returns, chosen before its initiatives are read
        cut = spec.bind({"min_similarity": 50, "limit": limit})
        assert spec.sql(store, cut) == spec.embedded(store, **cut), limit
    store.close()


def test_read_sql_refuses_a_statement_that_writes_and_changes_nothing(corpus_store):
    from core.errors import StoreError

    before = corpus_store.read_sql("SELECT count(*) AS n FROM nodes")
    with pytest.raises(StoreError):
        corpus_store.read_sql("DELETE FROM nodes")
    assert corpus_store.read_sql("SELECT count(*) AS n FROM nodes") == before and before[0]["n"] > 0
