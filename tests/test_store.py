"""The embedded store: round trip, idempotent re-ingest, merging across articles, atomic writes."""

import pytest

from govkg.errors import StoreError
from graph.records import ArticleRecord, EdgeRecord, EvidenceRecord, GraphBatch, MentionRecord, NodeRecord
from graph.sqlite_store import SQLiteStore
from graph.traversal import graph_of
from ingest.pipeline import Pipeline


def _batch(article_id="art_1"):
    text = "向阳社区引入成都益邻社会工作服务中心。"
    return GraphBatch(
        article=ArticleRecord(article_id, "a.txt", "标题", text),
        nodes=[NodeRecord("n_c", "Community", "向阳社区", "community", ["向阳"], 0.8),
               NodeRecord("n_o", "Organization", "成都益邻社会工作服务中心", "social_org", [], 0.7)],
        edges=[EdgeRecord("e_1", "n_c", "n_o", "COOPERATES_WITH", 0.65, {"kind": "引入"})],
        mentions=[MentionRecord("n_c", article_id, 0, 0, 4, "向阳社区", 0.8)],
        evidence=[EvidenceRecord("e_1", article_id, 0, 0, len(text), 0.65)],
    )


def test_round_trip_keeps_nodes_aliases_edges_and_provenance(store):
    assert store.write_batch(_batch())
    node = store.get_node("n_c")
    assert node.name == "向阳社区" and node.kind == "community" and node.aliases == ["向阳"]
    assert [n.id for n in store.nodes_by_alias(["向阳"])] == ["n_c"]
    edge = next(store.iter_edges("COOPERATES_WITH"))
    assert edge.props == {"kind": "引入"} and edge.confidence == 0.65
    ev = store.evidence_of("e_1")[0]
    assert store.sentence_text(ev.article_id, ev.start, ev.end) == "向阳社区引入成都益邻社会工作服务中心。"
    assert store.mentions_of("n_c")[0].surface == "向阳社区"


def test_writing_the_same_article_twice_changes_nothing(store):
    assert store.write_batch(_batch())
    version, stats = store.version(), store.stats()
    assert not store.write_batch(_batch())
    assert store.version() == version and store.stats() == stats


def test_a_failed_write_leaves_no_part_of_the_article(store, monkeypatch):
    batch = _batch()
    batch.edges.append(EdgeRecord("e_bad", "n_c", "missing_node", "RUNS"))  # violates a foreign key
    with pytest.raises(StoreError, match="nothing of this article was stored"):
        store.write_batch(batch)
    assert not store.has_article("art_1")
    assert store.stats()["nodes"] == {} and store.stats()["mentions"] == 0


def test_reingesting_the_corpus_is_idempotent(corpus_dir, tmp_path):
    s = SQLiteStore(tmp_path / "g.db")
    first = Pipeline(s).ingest([corpus_dir])
    stats, version = s.stats(), s.version()
    second = Pipeline(s).ingest([corpus_dir])
    assert len(first.added) == 5 and len(second.unchanged) == 5 and not second.added
    assert s.stats() == stats and s.version() == version


def test_the_corpus_fills_every_node_type_and_predicate(corpus_store):
    stats = corpus_store.stats()
    assert set(stats["nodes"]) == {"Area", "Community", "Organization", "Initiative", "Award", "Partnership"}
    assert set(stats["edges"]) == {"PART_OF", "LOCATED_IN", "RUNS", "SUPPORTS", "COOPERATES_WITH", "PARTY_TO", "AFFILIATED_WITH", "AWARDED"}
    g = graph_of(corpus_store)
    assert any(d["predicate"] == "MENTIONED_IN" for _, _, d in g.edges(data=True))


def test_an_entity_named_again_in_another_article_merges(sample_store):
    shuinian = sample_store.nodes_by_alias(["水碾河社区"], "Community")
    assert len(shuinian) == 1
    articles = {m.article_id for m in sample_store.mentions_of(shuinian[0].id)}
    assert len(articles) == 2  # 02 and 04 both mention it
    platform = sample_store.nodes_by_alias(["邻里通"], "Initiative")
    assert len(platform) == 1 and len({m.article_id for m in sample_store.mentions_of(platform[0].id)}) == 2


def test_same_name_in_different_districts_stays_apart(sample_store):
    canteens = sample_store.nodes_by_alias(["邻里食堂"], "Initiative")
    assert len(canteens) == 2
    parents = sorted(tuple(n.props["parents"]) for n in canteens)
    assert parents == [("向阳社区",), ("同乐社区",)] or parents == [("同乐社区",), ("向阳社区",)]


def test_not_a_database_gives_a_store_error(tmp_path):
    f = tmp_path / "junk.db"
    f.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a govkg SQLite store"):
        SQLiteStore(f)


def test_marks_are_saved_in_either_order(store):
    store.set_mark("n_b", "n_a", "different", "two canteens")
    assert store.marks() == {("n_a", "n_b"): "different"}
    store.set_mark("n_a", "n_b", "same")
    assert store.marks() == {("n_a", "n_b"): "same"}
    with pytest.raises(StoreError):
        store.set_mark("n_a", "n_b", "maybe")


def _graph(store) -> tuple:
    nodes = sorted((n.id, n.type, n.name, n.kind, tuple(sorted(n.aliases)), n.confidence, repr(sorted(n.props.items())))
                   for n in store.iter_nodes())
    edges = sorted((e.id, e.src, e.dst, e.predicate, e.confidence, repr(sorted(e.props.items()))) for e in store.iter_edges())
    return nodes, edges, sorted(store.iter_mentions(), key=repr), sorted(store.iter_evidence(), key=repr)


def test_articles_written_in_batches_give_the_graph_of_one_write_each(tmp_path, sample_copy):
    """The pipeline links each article against the store plus the articles waiting in its batch
    (PendingView), so writing several per write_batches call changes no node id, name or merge
    (the sample articles name the same community and platform again: linked without the view,
    they would become second nodes)."""
    from bench.generator import write_corpus

    write_corpus(tmp_path / "synthetic", 40, seed=21)
    paths = [sample_copy, tmp_path / "synthetic"]
    one = SQLiteStore(tmp_path / "one.db")
    Pipeline(one).ingest(paths)
    batched = SQLiteStore(tmp_path / "batched.db")
    batched.write_batch_size = 3
    calls = []
    write_batches = batched.write_batches
    batched.write_batches = lambda batches: calls.append(len(batches)) or write_batches(batches)
    report = Pipeline(batched).ingest(paths)
    assert len(report.added) == 44 and calls[0] == 3 and sum(calls) == 44
    assert _graph(batched) == _graph(one)
    again = Pipeline(batched).ingest(paths)  # nothing new: every article is seen as stored
    assert not again.added and len(again.unchanged) == 44
