"""`duplicates`' candidates kept at write time (queries/duplicate_tables.py, graph.derived): a place name or
a correction that arrives later keeps them what a rebuild computes, and the query reads them without
rescanning the store (tests/test_derived_tables.py holds what every derived table must do)."""

from __future__ import annotations

import pytest

from conftest import derived_rows as tables
from conftest import rebuilt_derived_rows as rebuilt
from graph.curation import Curation, curate
from graph.records import ArticleRecord, GraphBatch, MentionRecord, NodeRecord
from graph.sqlite_store import SQLiteStore
from queries import QUERIES, run_query
from queries.duplicate_keys import block_keys, core_name, group_pairs, similarity
from queries.duplicate_tables import DUPLICATE_TABLES


def _article(n: int, names: list[tuple[str, str, str]]) -> GraphBatch:
    """An invented article mentioning (id, type, name) nodes."""
    text = "，".join(name for _, _, name in names) + "。"
    aid = f"art_invented_{n}"
    nodes, mentions, at = [], [], 0
    for nid, typ, name in names:
        nodes.append(NodeRecord(nid, typ, name, "space" if typ == "Initiative" else None))
        mentions.append(MentionRecord(nid, aid, 0, at, at + len(name), name))
        at += len(name) + 1
    return GraphBatch(ArticleRecord(aid, f"{aid}.txt", "invented", text), [], nodes, [], mentions, [])


def test_a_place_named_later_re_strips_the_initiatives_it_starts(store, tmp_path):
    # 锦江邻里食堂 and 邻里食堂 are one initiative's core only once 锦江 is known as a place, whichever comes first;
    # 锦江区 then cuts longer (a remainder it starts, not the name's start: 成都市 is cut first)
    store.write_batch(_article(1, [("i1", "Initiative", "成都市锦江区邻里食堂"), ("i2", "Initiative", "邻里食堂"),
                                   ("p0", "Area", "成都市"), ("p1", "Area", "锦江")]))
    assert dict(store._query("SELECT id, core FROM dup_items")) == {"i1": "区邻里食堂", "i2": "邻里食堂"}
    store.write_batch(_article(2, [("p2", "Area", "锦江区")]))
    assert dict(store._query("SELECT id, core FROM dup_items")) == {"i1": "邻里食堂", "i2": "邻里食堂"}
    assert store._query("SELECT kind, core, n FROM dup_groups") == [("space", "邻里食堂", 2)]
    assert tables(store, "duplicates") == rebuilt(store, "duplicates", tmp_path)
    rows = run_query(store, "duplicates").rows
    assert {r["id"] for r in rows if r["status"] == "similar_separate"} == {"i1", "i2"}


def test_corrections_keep_the_tables_in_step(tmp_path):
    store = SQLiteStore(tmp_path / "c.db")
    store.write_batch(_article(1, [("i1", "Initiative", "幸福邻里食堂"), ("i2", "Initiative", "睦邻食堂"),
                                   ("i3", "Initiative", "长者助餐点"), ("p1", "Community", "幸福社区")]))
    curate(store, Curation("rename", "睦邻食堂", "Initiative", target="邻里食堂"))  # now 幸福邻里食堂 with a qualifier in front
    assert tables(store, "duplicates") == rebuilt(store, "duplicates", tmp_path)
    assert store._query("SELECT a, b, score FROM dup_pairs") == [("幸福邻里食堂", "邻里食堂", 90.0)]
    curate(store, Curation("merge", "长者助餐点", "Initiative", target="邻里食堂"))
    assert store._query("SELECT id FROM dup_items ORDER BY id") == [("i1",), ("i2",)]
    assert tables(store, "duplicates") == rebuilt(store, "duplicates", tmp_path)


def test_the_query_reads_only_the_pairs_above_its_threshold(corpus_store):
    statements: list[str] = []
    corpus_store._con().set_trace_callback(statements.append)
    try:
        corpus_store.clear_result_cache()
        run_query(corpus_store, "duplicates", {"min_similarity": 95})
    finally:
        corpus_store._con().set_trace_callback(None)
    assert any("FROM dup_pairs WHERE score >=" in s for s in statements)
    assert not any("FROM nodes i WHERE i.type = 'Initiative'" in s for s in statements)  # no scan of the initiatives


def test_candidates_are_one_edit_apart_or_a_qualifier_in_front():
    pairs = group_pairs({("space", c) for c in ("长者食堂", "长者饭堂", "社区长者食堂", "邻里中心", "青年之家", "长者之家")})
    assert pairs[("space", "长者食堂", "长者饭堂")] == similarity("长者食堂", "长者饭堂")  # one edit
    assert pairs[("space", "社区长者食堂", "长者食堂")] == 90.0  # a qualifier in front
    assert ("space", "邻里中心", "青年之家") not in pairs  # nothing in common: never compared
    assert "长者食" in block_keys("长者食堂") and block_keys("之家") == {"之家"}
    assert core_name("第三届锦江区邻里节", {"锦江区"}) == "邻里节"


@pytest.mark.parametrize("threshold", [50, 85, 100])
def test_rows_from_the_tables_equal_the_rows_on_the_graph(corpus_store, threshold):
    spec = QUERIES["duplicates"]
    params = spec.bind({"min_similarity": threshold, "limit": 500})
    assert corpus_store.derived_ready(DUPLICATE_TABLES.name)
    assert spec.sql(corpus_store, params) == spec.embedded(corpus_store, **params)


def test_a_short_list_reads_only_the_best_clusters_yet_follows_the_marks(tmp_path):
    store = SQLiteStore(tmp_path / "m.db")
    store.write_batch(_article(1, [("a1", "Initiative", "幸福邻里食堂"), ("a2", "Initiative", "邻里食堂"),
                                   ("b1", "Initiative", "长者助餐点"), ("b2", "Initiative", "长者助餐站"), ("c1", "Initiative", "睦邻书屋")]))
    spec = QUERIES["duplicates"]
    two = spec.bind({"min_similarity": 50, "limit": 2})
    first = spec.sql(store, two)
    assert first == spec.embedded(store, **two) and {r["id"] for r in first} == {"a1", "a2"}  # 90 (a qualifier) before 80 (one edit)
    store.set_mark("b1", "c1", "same")  # joined at 100 to an initiative in no pair: that cluster now comes first
    marked = spec.sql(store, two)
    assert marked == spec.embedded(store, **two) and {r["id"] for r in marked} <= {"b1", "b2", "c1"}
    store.set_mark("a1", "a2", "different")
    assert spec.sql(store, two) == spec.embedded(store, **two)
    store.close()
