"""One contract for every GraphStore (as Haystack's DocumentStoreBaseTests serves every document store).

`StoreContract` holds the tests; `TestSQLiteStore` and `TestNeo4jStore` run them against the
embedded store and a live Neo4j (tests/neo4j/server, started by the `neo4j_uri` fixture). The
reference every store is compared with is an embedded store built from the same articles:
ingest of ../shared/corpus and ../shared/wide/articles, idempotent re-ingest, no half article
after a crash, aliases, provenance offsets, every named query with many parameter sets, and every
export format byte for byte.
"""

from __future__ import annotations

import csv
import os
import re
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import CORPUS, REPO, WIDE, need_shared
from graph import records
from graph.export import FORMATS, export
from graph.migrate import migrate
from graph.records import EdgeRecord, GraphBatch, NodeRecord
from graph.sqlite_store import SQLiteStore
from ingest.metadata import normalize_date
from ingest.pipeline import Pipeline
from ingest.resolve import normalize_name
from queries import QUERIES, get_query, run_query

FIXED_NOW = "2026-01-01T00:00:00"  # every article gets the same stamp, so `articles` orders by id on both stores


@pytest.fixture(scope="module", autouse=True)
def fixed_clock():
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(records, "utc_now", lambda: FIXED_NOW)
        yield


def corpus_paths() -> list[Path]:
    need_shared()
    if not WIDE.is_dir():
        pytest.skip(f"wide articles not found at {WIDE}")
    return [CORPUS, WIDE]


def article_count() -> int:
    return len([p for d in corpus_paths() for p in d.iterdir() if p.suffix in (".txt", ".md", ".html")])


def canonical(store) -> dict:
    """Everything a store holds, in a store-independent form."""
    return {
        "articles": sorted((a.id, a.path, a.title, a.text, a.encoding, a.extractor, a.ingested_at, a.url, a.date, a.publisher)
                           for a in store.iter_articles()),
        "sentences": {a.id: store.sentences_of(a.id) for a in store.iter_articles(with_text=False)},
        "nodes": sorted((n.id, n.type, n.name, n.kind, tuple(sorted(n.aliases)), n.confidence, repr(sorted(n.props.items())))
                        for n in store.iter_nodes()),
        "edges": sorted((e.id, e.src, e.dst, e.predicate, e.confidence, repr(sorted(e.props.items()))) for e in store.iter_edges()),
        "mentions": sorted(store.iter_mentions(), key=lambda m: (m.node_id, m.article_id, m.start, m.end)),
        "evidence": sorted(store.iter_evidence(), key=lambda e: (e.edge_id, e.article_id, e.sentence_index)),
        "marks": store.marks(),
    }


@pytest.fixture(scope="module")
def reference(tmp_path_factory, fixed_clock):
    """The embedded store with both article folders, ingested once."""
    store = SQLiteStore(tmp_path_factory.mktemp("reference") / "graph.db")
    report = Pipeline(store).ingest(corpus_paths())
    assert len(report.added) == article_count(), report.summary()
    yield store
    store.close()


@pytest.fixture(scope="module")
def ref_canonical(reference) -> dict:
    return canonical(reference)


def query_cases(reference) -> list[tuple[str, dict]]:
    """(query, params) cases drawn from the reference graph: filters, limits, ties, parallel edges."""
    nodes = list(reference.iter_nodes())
    edges = list(reference.iter_edges())
    degree = Counter([e.src for e in edges] + [e.dst for e in edges])
    by_type = {t: sorted((n for n in nodes if n.type == t), key=lambda n: (-degree[n.id], n.id)) for t in
               ("Area", "Community", "Organization", "Initiative", "Award", "Partnership")}
    districts = [n.name for n in by_type["Area"] if n.kind == "district"]
    streets = [n.name for n in by_type["Area"] if n.kind == "subdistrict"]
    hubs = [ts[0] for ts in by_type.values() if ts]
    pairs = Counter(tuple(sorted((e.src, e.dst))) for e in edges)
    parallel = [p for p, k in pairs.items() if k > 1]
    cases: list[tuple[str, dict]] = [
        ("cobuild", {}), ("cobuild", {"org_kind": "any"}), ("cobuild", {"org_kind": "any", "min_confidence": 0.7}),
        ("cobuild", {"kind": "共建", "org_kind": "any"}), ("cobuild", {"limit": 3, "org_kind": "any"}),
        ("duplicates", {}), ("duplicates", {"min_similarity": 70.0}), ("duplicates", {"kind": "space", "min_similarity": 60.0}),
        ("similar", {}), ("similar", {"min_similarity": 25.0}), ("similar", {"kind": "space", "scope": "across", "min_similarity": 30.0}),
        ("similar", {"scope": "within", "limit": 5}),
        ("hierarchy", {}), ("hierarchy", {"limit": 7}),
        ("brokers", {}), ("brokers", {"limit": 3}), ("brokers", {"min_confidence": 0.7}), ("brokers", {"limit": 100}),
        ("awards", {}), ("awards", {"limit": 2}),
        ("articles", {}), ("articles", {"limit": 3}),
        ("search", {"q": "社区"}), ("search", {"q": "中心", "type": "Organization"}), ("search", {"q": "shequ", "limit": 50}),
    ]
    cases += [("cobuild", {"district": d, "org_kind": "any"}) for d in districts[:2] + streets[:2]]
    cases += [("hierarchy", {"root": d}) for d in districts[:2]]
    cases += [("awards", {"area": d}) for d in districts[:2]]
    years = sorted({e.props.get("year") for e in edges if e.predicate == "AWARDED" and e.props.get("year")})
    cases += [("awards", {"year": y}) for y in years[:2]]
    for hub in hubs:
        cases += [("neighbors", {"entity": hub.name, "hops": h}) for h in (1, 2, 3)]
        cases += [("entity", {"name": hub.name}), ("entity", {"name": hub.id})]
        cases += [("neighbors", {"entity": hub.id, "hops": 2, "types": "Community,Organization", "min_confidence": 0.6}),
                  ("neighbors", {"entity": hub.id, "hops": 2, "predicates": "RUNS,PART_OF", "limit": 5})]
    aliased = [n for n in nodes if n.aliases][:3]
    cases += [("entity", {"name": n.aliases[0]}) for n in aliased] + [("search", {"q": n.aliases[0]}) for n in aliased]
    ends = [n.id for n in hubs] + [x for p in parallel[:3] for x in p]
    for i, a in enumerate(ends):
        for b in ends[i + 1:]:
            cases.append(("path", {"source": a, "target": b, "max_hops": 6}))
    for a, b in parallel[:3]:  # a path that crosses a pair of nodes with parallel relationships
        around = [e.dst if e.src == a else e.src for e in edges if a in (e.src, e.dst) and b not in (e.src, e.dst)]
        for c in sorted(set(around))[:2]:
            cases.append(("path", {"source": c, "target": b}))
    assert {name for name, _ in cases} == set(QUERIES), "every named query is exercised"
    return cases


def rows_of(store, name: str, params: dict):
    rows = run_query(store, name, params).rows
    return rows if get_query(name).ordered else sorted(rows, key=repr)


KILL_CHILD = """
import os, signal, sys
from graph import records
records.utc_now = lambda: sys.argv[3]
from graph.factory import open_store
from ingest.pipeline import Pipeline
store = open_store(sys.argv[1])
store.write_batch_size = min(store.write_batch_size, 2)  # a store writing several articles per transaction: two
cls, written = type(store), []
original = cls._write_rows
def write_then_die(self, tx, batch, *args, **kwargs):
    original(self, tx, batch, *args, **kwargs)  # every row is sent, the transaction is still open
    written.extend(batch if isinstance(batch, list) else [batch])
    if len(written) > int(sys.argv[2]):
        os.kill(os.getpid(), signal.SIGKILL)
cls._write_rows = write_then_die
Pipeline(store).ingest(sys.argv[4:])
"""


class StoreContract:
    """The tests every store passes. Subclasses provide `fresh()` (an empty store) and `loaded()`
    (the store holding both article folders; subclasses may reuse it between tests)."""

    uri_for_child: str

    def fresh(self):
        raise NotImplementedError

    def loaded(self, reference):
        raise NotImplementedError

    # ------------------------------------------------------------------ ingest
    def test_ingest_matches_the_reference_graph(self, reference, ref_canonical):
        store = self.fresh()
        report = Pipeline(store).ingest(corpus_paths())
        assert len(report.added) == article_count() and not report.skipped, report.summary()
        assert store.stats() | {"store": ""} == reference.stats() | {"store": ""}
        assert canonical(store) == ref_canonical
        self.assert_manifest_metadata(store)
        self.mark_loaded(store)

    @staticmethod
    def assert_manifest_metadata(store) -> None:
        """The wide set's SOURCES.tsv reached the store: each of its articles has the URL, date and publisher
        listed for its file, as iter_articles and get_article return them."""
        listed = {r["file"]: r for r in csv.DictReader((WIDE.parent / "SOURCES.tsv").open(encoding="utf-8"), delimiter="\t")}
        wide = [a for a in store.iter_articles(with_text=False) if Path(a.path).parent == WIDE]
        assert len(wide) == len(listed) and sum(a.date is not None for a in wide) >= len(wide) - 2
        for a in wide:
            row = listed[Path(a.path).name]
            assert a.url == row["url"] and a.publisher and a.date == normalize_date(row["date"]), a.path  # "2025-03 (event …)": 2025-03
            assert a.date is None or re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", a.date), a.date
            got = store.get_article(a.id)
            assert (got.url, got.date, got.publisher) == (a.url, a.date, a.publisher)

    def test_reingest_is_a_no_op(self, reference, ref_canonical):
        store = self.loaded(reference)
        version = store.version()
        report = Pipeline(store).ingest(corpus_paths())
        assert not report.added and len(report.unchanged) == article_count()
        assert store.version() == version and canonical(store) == ref_canonical

    def test_merges_do_not_depend_on_write_order(self):
        """The same node and edge written by two articles, in both orders: names, kinds, aliases,
        confidence, props and evidence merge to one result (the embedded store's rules)."""
        def batch(article_id: str, name: str, kind, aliases, conf: float, props: dict, edge_props: dict, sentence: int):
            art = records.ArticleRecord(article_id, f"{article_id}.txt", article_id, "某某社区与某某公司签约共建。" * 3)
            return GraphBatch(
                art, [records.SentenceRecord(article_id, 0, 0, 14)],
                [NodeRecord("n_1", "Organization", name, kind, aliases, conf, props),
                 NodeRecord("n_2", "Community", "某某社区", "community", [], 1.0, {})],
                [EdgeRecord("e_1", "n_1", "n_2", "COOPERATES_WITH", conf, edge_props)],
                [records.MentionRecord("n_1", article_id, 0, 7, 11, name[:4], conf)],
                [records.EvidenceRecord("e_1", article_id, 0, 0, 14, conf), records.EvidenceRecord("e_1", article_id, 0, 0, 13, 0.1)])

        one = batch("art_a", "某某公司", "enterprise", ["某某"], 0.6, {"date": "2023", "tags": ["b"]}, {"kind": "签约"}, 0)
        two = batch("art_b", "某某有限公司", None, ["某某集团"], 0.9, {"date": "2021", "tags": ["a"]}, {"kind": "共建", "date": "2022"}, 0)
        results = []
        for order in ((one, two), (two, one)):
            store = self.fresh()
            assert all(store.write_batch(b) for b in order)
            assert not store.write_batch(order[0])  # already stored
            results.append(canonical(store) | {"articles": None})
        assert results[0] == results[1]
        node = [n for n in results[0]["nodes"] if n[0] == "n_1"][0]
        assert node[2:6] == ("某某有限公司", "enterprise", ("某某", "某某公司", "某某集团"), 0.9)
        assert eval(node[6]) == [("date", "2021"), ("tags", ["a", "b"])]  # noqa: S307 - our own repr
        edge = results[0]["edges"][0]
        assert eval(edge[5]) == [("date", "2022"), ("kind", "共建")] and edge[4] == 0.9  # noqa: S307
        assert [(e.article_id, e.end) for e in results[0]["evidence"]] == [("art_a", 14), ("art_b", 14)]
        self.mark_dirty()

    def test_a_process_killed_mid_article_leaves_no_half_article(self, reference, ref_canonical):
        store = self.fresh()
        files = sorted(str(p) for d in corpus_paths() for p in d.iterdir() if p.suffix == ".txt")
        proc = subprocess.run([sys.executable, "-c", KILL_CHILD, self.child_uri(store), "2", FIXED_NOW, *files], cwd=REPO,
                              capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO)})
        assert proc.returncode == -signal.SIGKILL, proc.stderr[-500:]
        self.assert_whole_articles(store, reference, expected=2)
        report = Pipeline(store).ingest(corpus_paths())  # re-running completes it
        assert len(report.added) == article_count() - 2
        assert canonical(store) == ref_canonical
        self.mark_loaded(store)

    @staticmethod
    def assert_whole_articles(store, reference, expected: int) -> None:
        """Every stored article has all its mentions and evidence; nothing refers to an absent article."""
        stored = {a.id for a in store.iter_articles(with_text=False)}
        assert len(stored) == expected
        ref_mentions = Counter(m.article_id for m in reference.iter_mentions())
        assert Counter(m.article_id for m in store.iter_mentions()) == {a: ref_mentions[a] for a in stored}
        assert {e.article_id for e in store.iter_evidence()} <= stored
        node_ids = {n.id for n in store.iter_nodes()}
        assert {m.node_id for m in store.iter_mentions()} == node_ids

    # ------------------------------------------------------------------ reads
    def test_aliases_find_their_node(self, reference):
        store = self.loaded(reference)
        aliased = [n for n in reference.iter_nodes() if n.aliases]
        assert aliased, "the corpus has aliased names"
        for n in aliased:
            for alias in n.aliases:
                found = {m.id for m in store.nodes_by_alias([normalize_name(alias)], n.type)}
                assert n.id in found, (n.name, alias)
            assert store.get_node(n.id).aliases == n.aliases

    def test_provenance_offsets_point_into_the_article_text(self, reference):
        store = self.loaded(reference)
        texts = {a.id: a.text for a in store.iter_articles()}
        mentions = list(store.iter_mentions())
        assert mentions
        for m in mentions:
            assert texts[m.article_id][m.start:m.end] == m.surface
            assert store.sentence_text(m.article_id, m.start, m.end) == m.surface
        for a in texts:
            spans = store.sentences_of(a)
            assert [i for i, _, _ in spans] == list(range(len(spans)))
        for ev in store.iter_evidence():
            index, start, end = store.sentences_of(ev.article_id)[ev.sentence_index]
            assert (start, end) == (ev.start, ev.end)
        some = [e.id for e in store.iter_edges()][:20]
        sentences = store.evidence_sentences(some, 1)
        for edge_id in some:
            ev = store.evidence_of(edge_id)
            assert sentences.get(edge_id, []) == [texts[e.article_id][e.start:e.end] for e in ev][:1]
        articles = {a.id: a for a in store.iter_articles(with_text=False)}
        cited = store.citations(some, 2)
        assert cited == reference.citations(some, 2)
        for edge_id in some:
            expected = store.evidence_of(edge_id)[:2]
            got = cited.get(edge_id, [])
            assert [(c.article_id, c.sentence_index, c.start, c.end) for c in got] == [
                (e.article_id, e.sentence_index, e.start, e.end) for e in expected]
            for c in got:
                a = articles[c.article_id]
                assert c.sentence == texts[c.article_id][c.start:c.end] and c.edge_id == edge_id
                assert (c.title, c.date, c.url, c.publisher) == (a.title, a.date, a.url, a.publisher)
        assert any(c.url for cs in store.citations([e.id for e in store.iter_edges()], 1).values() for c in cs), \
            "some evidence comes from a wide article with a manifest URL"

    def test_every_named_query_returns_the_reference_rows(self, reference):
        store = self.loaded(reference)
        cases = query_cases(reference)
        for name, params in cases:
            assert rows_of(store, name, params) == rows_of(reference, name, params), (name, params)
        assert any(run_query(reference, name, params).rows for name, params in cases if name == "path"), "some path exists"

    def test_marks_change_duplicates_the_same_way(self, reference, tmp_path):
        store = self.loaded(reference)
        ref = SQLiteStore(tmp_path / "marked.db")
        migrate(reference, ref)
        rows = run_query(ref, "duplicates", {"min_similarity": 60.0}).rows
        ids = [r["id"] for r in rows if r["status"] != "marked_same"][:2]
        if len(ids) < 2:
            pytest.skip("no duplicate candidates in the corpus")
        for s in (store, ref):
            s.set_mark(ids[0], ids[1], "different", "contract test")
        assert store.marks() == ref.marks()
        assert run_query(store, "duplicates", {"min_similarity": 60.0}).rows == run_query(ref, "duplicates", {"min_similarity": 60.0}).rows
        self.mark_dirty()

    def test_every_export_format_is_identical(self, reference, tmp_path):
        store = self.loaded(reference)
        for fmt in FORMATS:
            mine, theirs = export(store, fmt, tmp_path / f"store.{fmt}"), export(reference, fmt, tmp_path / f"ref.{fmt}")
            if mine.is_dir():
                names = sorted(p.name for p in theirs.iterdir())
                assert sorted(p.name for p in mine.iterdir()) == names and names
                for name in names:
                    assert (mine / name).read_bytes() == (theirs / name).read_bytes(), (fmt, name)
            else:
                assert mine.read_bytes() == theirs.read_bytes(), fmt

    def test_migrate_from_the_embedded_store_gives_the_same_graph(self, reference, ref_canonical):
        store = self.fresh()
        counts = migrate(reference, store, batch_size=37)
        assert counts["articles"] == article_count()
        assert canonical(store) == ref_canonical
        migrate(reference, store)  # idempotent
        assert canonical(store) == ref_canonical
        self.mark_loaded(store)

    # ------------------------------------------------------------------ state kept between tests
    def mark_loaded(self, store) -> None:
        type(self)._loaded = store

    def mark_dirty(self) -> None:
        type(self)._loaded = None

    def child_uri(self, store) -> str:
        return store.uri


class TestSQLiteStore(StoreContract):
    _loaded = None

    @pytest.fixture(autouse=True)
    def _tmp(self, tmp_path_factory):
        type(self)._factory = tmp_path_factory

    def fresh(self):
        return SQLiteStore(self._factory.mktemp("contract") / "graph.db")

    def loaded(self, reference):
        if type(self)._loaded is None:
            store = self.fresh()
            Pipeline(store).ingest(corpus_paths())
            type(self)._loaded = store
        return type(self)._loaded


@pytest.mark.neo4j
class TestNeo4jStore(StoreContract):
    """Neo4j Community has one user database: `fresh()` clears it, `loaded()` re-ingests when a test changed it."""

    _loaded = None
    _store = None

    @pytest.fixture(autouse=True)
    def _connect(self, neo4j_uri):
        from graph.factory import open_store

        if type(self)._store is None:
            type(self)._store = open_store(neo4j_uri)
        yield

    @classmethod
    def teardown_class(cls):
        if cls._store is not None:
            cls._store.clear()
            cls._store.close()
            cls._store = cls._loaded = None

    def fresh(self):
        type(self)._loaded = None
        self._store.clear()
        return self._store

    def loaded(self, reference):
        if type(self)._loaded is None:
            store = self.fresh()
            Pipeline(store).ingest(corpus_paths())
            type(self)._loaded = store
        return type(self)._loaded

    def test_a_connection_dropped_mid_article_leaves_no_half_article(self, reference, ref_canonical, monkeypatch):
        """The socket is shut down after every row of a transaction's articles was sent, before the commit:
        the server rolls the transaction back; the driver's managed retry (or a re-run) writes it whole."""
        import socket

        from govkg.errors import StoreConnectionError
        from graph.neo4j_store import Neo4jStore

        store = self.fresh()
        original, dropped = Neo4jStore._write_rows, []

        def write_then_drop(self_, tx, batches, with_article, **options):
            original(self_, tx, batches, with_article, **options)
            victim = [b for b in batches if b.article.path.endswith("002_0cefa76649957665.txt")]
            if not dropped and victim:
                dropped.append(victim[0].article.id)
                assert not store.has_article(victim[0].article.id)  # another session cannot see it yet
                tx._connection.socket._socket.shutdown(socket.SHUT_RDWR)  # the TCP connection, under the driver

        monkeypatch.setattr(Neo4jStore, "_write_rows", write_then_drop)
        try:
            Pipeline(store).ingest(corpus_paths())
        except StoreConnectionError:
            pass
        monkeypatch.setattr(Neo4jStore, "_write_rows", original)
        assert dropped, "the connection was dropped mid-article"
        self.assert_whole_articles(store, reference, expected=len(list(store.iter_articles(with_text=False))))
        Pipeline(store).ingest(corpus_paths())
        assert canonical(store) == ref_canonical
        self.mark_loaded(store)
