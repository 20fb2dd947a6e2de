"""Neo4j as a GraphStore, through the official `neo4j` driver (Bolt), with managed transactions."""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from core.errors import StoreConnectionError, StoreError
from core.names import normalize_name
from graph import cypher as C
from graph import records
from graph.base import NamedQuery
from graph.merge import merge_edge, merge_node
from graph.records import ArticleRecord, Citation, EdgeRecord, EvidenceRecord, GraphBatch, MentionRecord, NodeRecord, article_id_of
from graph.versioned import PerVersion

T = TypeVar("T")


def _neo4j():
    try:
        import neo4j
    except ImportError as exc:  # pragma: no cover - neo4j is a declared dependency
        raise StoreError("the neo4j driver is not installed; run `pip install neo4j`") from exc
    return neo4j


def redact(text: str, secret: str | None) -> str:
    """One line, at most 240 characters, with the secret (the password) removed."""
    line = " ".join(text.split())
    if secret:
        line = line.replace(secret, "***")
    return line[:240]


# The merge rules of the embedded store's upserts (graph/sqlite_store.py), applied in Python inside the
# write transaction, so both stores hold the same graph whatever the order articles arrive in.
def evidence_entry(e: EvidenceRecord) -> str:
    """How one evidence row is kept on a relationship: article|sentence|start|end|confidence."""
    return f"{e.article_id}|{e.sentence_index}|{e.start}|{e.end}|{e.confidence}"


def merge_evidence(entries: list[str], new: list[EvidenceRecord]) -> list[str]:
    """One entry per (article, sentence), the first kept (the embedded store's primary key)."""
    out = list(entries or [])
    keys = {tuple(x.split("|")[:2]) for x in out}
    for e in new:
        key = (e.article_id, str(e.sentence_index))
        if key not in keys:
            keys.add(key)
            out.append(evidence_entry(e))
    return out


def _node_row(node: NodeRecord, surfaces: list[str]) -> dict:
    """The properties Neo4j keeps of a merged node (what merge_nodes sets)."""
    return {
        "id": node.id, "type": node.type, "name": node.name, "norm": normalize_name(node.name), "kind": node.kind,
        "confidence": node.confidence, "props_json": json.dumps(node.props, ensure_ascii=False, sort_keys=True),
        "surfaces": surfaces, "norms": [normalize_name(x) for x in surfaces],
        "aliases": sorted(x for x in surfaces if x != node.name),
    }


def _deleted_by(statement: str) -> Callable[[Any], int]:
    """A transaction function: run one batch of a clear statement, giving how many it deleted."""
    return lambda tx: tx.run(statement).single()["n"]


class Neo4jStore:
    """GraphStore on a Neo4j server; the schema is created from the ontology on first use."""

    def __init__(self, uri: str, user: str, password: str, database: str | None = None):
        neo4j = _neo4j()
        self.uri = uri
        self.database = database or None
        self._password = password
        self._indexes = PerVersion()  # query_index: what queries built for one graph version
        self._curation_schema_done = False  # the curation constraint made once per store object
        try:
            self.driver = neo4j.GraphDatabase.driver(uri, auth=(user, password), connection_timeout=10, max_transaction_retry_time=30,
                                                      notifications_min_severity="OFF")
            self.driver.verify_connectivity()
        except neo4j.exceptions.AuthError:
            raise StoreConnectionError(
                f"Neo4j at {uri} refused the credentials of user {user!r}; set NEO4J_USERNAME and NEO4J_PASSWORD") from None
        except (neo4j.exceptions.ServiceUnavailable, OSError) as exc:
            raise StoreConnectionError(
                f"cannot reach Neo4j at {uri} ({redact(str(exc), password)}); start the server or fix the URI") from None
        except ValueError as exc:
            raise StoreConnectionError(f"bad Neo4j URI {uri!r}: {exc}") from None
        self._ensure_schema()

    @classmethod
    def from_env(cls, uri: str) -> "Neo4jStore":
        """Credentials from NEO4J_USERNAME / NEO4J_PASSWORD, database from NEO4J_DATABASE."""
        return cls(uri, os.environ.get("NEO4J_USERNAME", "neo4j"), os.environ.get("NEO4J_PASSWORD", ""), os.environ.get("NEO4J_DATABASE"))

    # ------------------------------------------------------------------ plumbing
    def read_cypher(self, query: str, **params) -> list[dict]:
        """Run one read-only Cypher statement (values always as parameters); rows as dicts."""
        neo4j = _neo4j()
        try:
            records, _, _ = self.driver.execute_query(query, params, database_=self.database, routing_=neo4j.RoutingControl.READ)
        except neo4j.exceptions.Neo4jError as exc:
            raise StoreError(f"Neo4j query failed: {redact(str(exc.message or exc), self._password)}") from None
        except neo4j.exceptions.DriverError as exc:
            raise StoreConnectionError(f"lost the connection to Neo4j at {self.uri}: {redact(str(exc), self._password)}") from None
        return [r.data() for r in records]

    def _write(self, work: Callable[[Any], T]) -> T:
        neo4j = _neo4j()
        try:
            with self.driver.session(database=self.database) as session:
                return session.execute_write(work)
        except neo4j.exceptions.Neo4jError as exc:
            raise StoreError(f"Neo4j write failed, nothing of it was committed: {redact(str(exc.message or exc), self._password)}") from None
        except neo4j.exceptions.DriverError:
            raise StoreConnectionError(
                f"lost the connection to Neo4j at {self.uri}; nothing of this article was committed, re-run the ingest") from None

    def _ensure_schema(self) -> None:
        neo4j = _neo4j()
        try:
            with self.driver.session(database=self.database) as session:
                for statement in C.schema_statements():
                    session.run(statement).consume()
        except neo4j.exceptions.Neo4jError as exc:
            raise StoreError(f"cannot create the govkg schema in Neo4j: {redact(str(exc.message or exc), self._password)}") from None

    # ------------------------------------------------------------------ writes
    write_batch_size = 100  # articles per write transaction when the pipeline batches (write_batches)
    write_batch_seconds = 0.0  # groups by size only

    def write_batch(self, batch: GraphBatch) -> bool:
        """One managed (retried) transaction for one article: article, nodes, edges, mentions."""
        return self.write_batches([batch])[0]

    def write_batches(self, batches: list[GraphBatch]) -> list[bool]:
        """Several articles in one managed (retried) transaction, a few statements for all of them;
        per article True when written, False when it was already stored (or came twice). A failure
        commits none of them, so every article is either whole in the store or absent."""
        ids = [article_id_of(b) for b in batches]

        def work(tx) -> list[bool]:
            stored = {r["id"] for r in tx.run(C.ARTICLES_STORED, ids=ids).data()}
            written, seen = [], set()
            for article_id in ids:
                new = article_id not in stored and article_id not in seen
                seen.add(article_id)
                written.append(new)
            fresh = [b for b, new in zip(batches, written) if new]
            if fresh:
                self._write_rows(tx, fresh, with_article=True, new_articles=True)
            return written

        return self._write(work) if batches else []

    def import_rows(self, batch: GraphBatch, with_article: bool = True) -> None:
        """Copy rows from another store (migrate); idempotent."""
        self._write(lambda tx: self._write_rows(tx, [batch], with_article))

    def _write_rows(self, tx, batches: list[GraphBatch], with_article: bool, new_articles: bool = False) -> None:
        """Every row of `batches`, merged in their order with what is stored, in a few UNWIND statements:
        one per kind of row (nodes and edges: one per label and type). Only what changes is sent: nodes new or
        changed, alias entries of forms a node did not have, edges created apart from edges updated; with
        `new_articles` (no article of `batches` was stored before) mentions are created, not merged."""
        articles = [b.article for b in batches if with_article and b.article is not None]
        if articles:
            sentences = {b.article.id: sorted(b.sentences, key=lambda s: s.index) for b in batches if b.article is not None}
            tx.run(C.MERGE_ARTICLES, rows=[{
                "id": a.id, "path": a.path, "title": a.title, "text": a.text, "encoding": a.encoding, "extractor": a.extractor,
                "ingested_at": a.ingested_at or records.utc_now(), "url": a.url, "date": a.date, "publisher": a.publisher,
                "sentence_starts": [s.start for s in sentences[a.id]],
                "sentence_ends": [s.end for s in sentences[a.id]]} for a in articles]).consume()
        # Merge with what is stored, in this transaction, by the embedded store's rules (merge_node,
        # merge_edge, merge_evidence above), article after article, so both stores hold the same graph.
        ids = list(dict.fromkeys(n.id for b in batches for n in b.nodes))
        state: dict[str, tuple[NodeRecord, list[str]]] = {
            r["id"]: (self._node(r), list(r["surfaces"] or [])) for r in (tx.run(C.NODES_FOR_MERGE, ids=ids).data() if ids else [])}
        stored_rows = {nid: _node_row(*state[nid]) for nid in state}
        for b in batches:
            for n in b.nodes:
                old, surfaces = state.get(n.id, (None, []))
                state[n.id] = merge_node(old, surfaces, n)
        by_label: dict[str, list[dict]] = defaultdict(list)
        aliases: list[dict] = []
        for nid in ids:
            row = _node_row(*state[nid])
            before = stored_rows.get(nid)
            if row != before:
                by_label[row["type"]].append(row)
                known = set(before["norms"]) if before else set()
                aliases += [{"norm": x, "node": nid} for x in dict.fromkeys(row["norms"]) if x not in known]
        for label in sorted(by_label):
            tx.run(C.merge_nodes(label), rows=by_label[label]).consume()
        if aliases:
            tx.run(C.MERGE_ALIASES, rows=aliases).consume()
        first_of: dict[str, EdgeRecord] = {}
        for b in batches:
            for e in b.edges:
                first_of.setdefault(e.id, e)
        keys = [{"id": e.id, "src": e.src, "dst": e.dst} for e in first_of.values()]
        stored_edges = {r["id"]: r for r in (tx.run(C.EDGES_FOR_MERGE, rows=keys).data() if keys else [])}
        merged_edges: dict[str, tuple[EdgeRecord, float, dict, list[str]]] = {}
        late_evidence: dict[str, list[EvidenceRecord]] = defaultdict(list)
        for b in batches:
            evidence = defaultdict(list)
            for ev in b.evidence:
                evidence[ev.edge_id].append(ev)
            for e in b.edges:
                if e.id in merged_edges:
                    first, conf, props, entries = merged_edges[e.id]
                    conf, props = merge_edge((conf, props), e)
                else:
                    old = stored_edges.get(e.id)
                    first, entries = e, list(old["evidence"] or []) if old else []
                    conf, props = merge_edge(None if old is None else (old["confidence"], json.loads(old["props_json"] or "{}")), e)
                merged_edges[e.id] = (first, conf, props, merge_evidence(entries, evidence.pop(e.id, [])))
            for eid, evs in evidence.items():  # evidence of an edge not in this article's edges
                if eid in merged_edges:
                    first, conf, props, entries = merged_edges[eid]
                    merged_edges[eid] = (first, conf, props, merge_evidence(entries, evs))
                else:
                    late_evidence[eid].extend(evs)
        created: dict[str, list[dict]] = defaultdict(list)
        updated: dict[str, list[dict]] = defaultdict(list)
        for e, confidence, props, entries in merged_edges.values():
            row = {
                "id": e.id, "src": e.src, "dst": e.dst, "confidence": confidence,
                "props_json": json.dumps(props, ensure_ascii=False, sort_keys=True), "evidence": entries,
                "kind": props.get("kind"), "year": props.get("year"), "date": props.get("date"), "partnership": props.get("partnership"),
            }
            (updated if e.id in stored_edges else created)[e.predicate].append(row)
        for rel in sorted(created):
            tx.run(C.create_edges(rel), rows=created[rel]).consume()
        for rel in sorted(updated):
            tx.run(C.update_edges(rel), rows=updated[rel]).consume()
        if late_evidence:  # evidence of edges stored earlier (migrate sends edges and evidence together, so rarely)
            stored = {r["id"]: r["evidence"] for r in tx.run(C.EVIDENCE_BULK, ids=list(late_evidence)).data()}
            tx.run(C.SET_EVIDENCE, rows=[{"id": eid, "evidence": merge_evidence(stored[eid], evs)}
                                         for eid, evs in late_evidence.items() if eid in stored]).consume()
        if new_articles:  # one mention per (node, article, start, end), the first kept, as the embedded store keys them
            firsts: dict[tuple, MentionRecord] = {}
            for m in (m for b in batches for m in b.mentions):
                firsts.setdefault((m.node_id, m.article_id, m.start, m.end), m)
            mentions = [m.__dict__ for m in firsts.values()]
            statement = C.CREATE_MENTIONS
        else:
            mentions, statement = [m.__dict__ for b in batches for m in b.mentions], C.MERGE_MENTIONS
        if mentions:
            tx.run(statement, rows=mentions).consume()
        tx.run(C.BUMP_VERSION).consume()

    def clear(self) -> None:
        """Delete every govkg node and relationship (nothing else in the database): in batches, so a large
        graph fits the server's transaction memory (a clear that fails midway leaves part of the graph)."""
        for statement in C.CLEAR_BATCHES:
            while self._write(_deleted_by(statement)):
                pass
        self._write(lambda tx: [tx.run(q).consume() for q in (CLEAR_CURATIONS, *C.CLEAR)])

    def set_mark(self, a: str, b: str, verdict: str, note: str = "") -> None:
        """Record a same/different verdict for a node pair."""
        if verdict not in ("same", "different"):
            raise StoreError(f"verdict must be 'same' or 'different', not {verdict!r}")
        x, y = sorted((a, b))
        stamp = records.utc_now()
        self._write(lambda tx: (tx.run(C.SET_MARK, a=x, b=y, verdict=verdict, note=note, marked_at=stamp).consume(),
                                tx.run(C.BUMP_VERSION).consume()))

    def clear_mark(self, a: str, b: str) -> None:
        """Forget the verdict for a node pair (undo); nothing when there is none."""
        x, y = sorted((a, b))
        self._write(lambda tx: (tx.run(C.CLEAR_MARK, a=x, b=y).consume(), tx.run(C.BUMP_VERSION).consume()))

    # ------------------------------------------------------------------ reads
    @staticmethod
    def _node(r: dict) -> NodeRecord:
        return NodeRecord(r["id"], r["type"], r["name"], r["kind"], list(r["aliases"] or []), r["confidence"], json.loads(r["props_json"] or "{}"))

    def has_article(self, article_id: str) -> bool:
        """True when the article is stored."""
        return bool(self.read_cypher(C.ARTICLE_EXISTS, id=article_id)[0]["n"])

    def stored_articles(self, article_ids: list[str]) -> set[str]:
        """Which of `article_ids` are stored."""
        ids = list(dict.fromkeys(article_ids))
        return {r["id"] for r in self.read_cypher(C.ARTICLES_STORED, ids=ids)} if ids else set()

    def nodes_by_alias(self, norms: Iterable[str], node_type: str | None = None) -> list[NodeRecord]:
        """Nodes whose name or alias normalizes to one of `norms`."""
        norms = list(dict.fromkeys(norms))
        return [self._node(r) for r in self.read_cypher(C.NODES_BY_ALIAS, norms=norms, type=node_type)] if norms else []

    def get_node(self, node_id: str) -> NodeRecord | None:
        """One node by id."""
        rows = self.read_cypher(C.GET_NODE, id=node_id)
        return self._node(rows[0]) if rows else None

    def iter_nodes(self, node_type: str | None = None) -> Iterator[NodeRecord]:
        """All nodes (of one type)."""
        for r in self.read_cypher(C.ITER_NODES, type=node_type):
            yield self._node(r)

    def iter_edges(self, predicate: str | None = None) -> Iterator[EdgeRecord]:
        """All relationships (of one type), MENTIONED_IN excluded."""
        for r in self.read_cypher(C.ITER_EDGES, predicate=predicate):
            yield EdgeRecord(r["id"], r["src"], r["dst"], r["predicate"], r["confidence"], json.loads(r["props_json"] or "{}"))

    def iter_articles(self, with_text: bool = True) -> Iterator[ArticleRecord]:
        """All articles."""
        for r in self.read_cypher(C.ITER_ARTICLES, with_text=with_text):
            yield self._article(r, r["text"] or "")

    def get_article(self, article_id: str) -> ArticleRecord | None:
        """One article."""
        rows = self.read_cypher(C.GET_ARTICLE, id=article_id)
        if not rows:
            return None
        return self._article(rows[0], rows[0]["text"])

    @staticmethod
    def _article(r: dict, text: str) -> ArticleRecord:
        return ArticleRecord(r["id"], r["path"], r["title"], text, r["encoding"], r["extractor"], r["ingested_at"], r["characters"],
                             r["url"], r["date"], r["publisher"])

    def sentences_of(self, article_id: str) -> list[tuple[int, int, int]]:
        """(index, start, end) of every sentence of an article."""
        rows = self.read_cypher(C.GET_ARTICLE, id=article_id)
        if not rows:
            return []
        return [(i, s, e) for i, (s, e) in enumerate(zip(rows[0]["starts"] or [], rows[0]["ends"] or []))]

    def mentions_of(self, node_id: str) -> list[MentionRecord]:
        """Every mention of a node."""
        return [MentionRecord(**r) for r in self.read_cypher(C.MENTIONS_OF, id=node_id)]

    def iter_mentions(self) -> Iterator[MentionRecord]:
        """All mentions."""
        for r in self.read_cypher(C.ITER_MENTIONS):
            yield MentionRecord(**r)

    @staticmethod
    def _evidence(edge_id: str, entries: list[str]) -> list[EvidenceRecord]:
        out = []
        for entry in entries or []:
            art, idx, start, end, conf = entry.split("|")
            out.append(EvidenceRecord(edge_id, art, int(idx), int(start), int(end), float(conf)))
        return sorted(out, key=lambda e: (e.article_id, e.sentence_index))

    def evidence_of(self, edge_id: str) -> list[EvidenceRecord]:
        """Every evidence sentence of an edge."""
        rows = self.read_cypher(C.EVIDENCE_OF, id=edge_id)
        return self._evidence(edge_id, rows[0]["evidence"]) if rows else []

    def evidence_sentences(self, edge_ids: list[str], per_edge: int) -> dict[str, list[str]]:
        """The first `per_edge` evidence sentences of each edge, in one query."""
        out: dict[str, list[str]] = {}
        if not edge_ids:
            return out
        rows = self.read_cypher(C.EVIDENCE_BULK, ids=list(dict.fromkeys(edge_ids)))
        refs = {r["id"]: self._evidence(r["id"], r["evidence"])[:per_edge] for r in rows}
        spans = sorted({(e.article_id, e.start, e.end) for evs in refs.values() for e in evs})
        # only the sentences travel, cut from the article text on the server
        texts = {(r["article_id"], r["start"], r["end"]): r["text"] for r in self.read_cypher(
            C.SENTENCE_TEXTS, refs=[{"article_id": a, "start": s, "end": e} for a, s, e in spans])}
        for edge_id, evs in refs.items():
            out[edge_id] = [texts.get((e.article_id, e.start, e.end), "") for e in evs]
        return out

    def citations(self, edge_ids: list[str], per_edge: int) -> dict[str, list[Citation]]:
        """The first `per_edge` evidence items of each edge with their article's metadata and sentence, in one query."""
        out: dict[str, list[Citation]] = {}
        if not edge_ids or per_edge < 1:
            return out
        for r in self.read_cypher(C.CITATIONS, ids=list(dict.fromkeys(edge_ids)), per_edge=per_edge):
            out.setdefault(r["edge_id"], []).append(Citation(**r))
        return out

    def iter_evidence(self) -> Iterator[EvidenceRecord]:
        """All evidence rows."""
        for r in self.read_cypher(C.ITER_EVIDENCE):
            yield from self._evidence(r["id"], r["evidence"])

    def sentence_text(self, article_id: str, start: int, end: int) -> str:
        """A slice of an article's text."""
        rows = self.read_cypher(C.SENTENCE_TEXT, id=article_id, start=start, length=end - start)
        return rows[0]["text"] if rows else ""

    def marks(self) -> dict[tuple[str, str], str]:
        """All verdicts keyed by ordered node pair."""
        return {(r["a"], r["b"]): r["verdict"] for r in self.read_cypher(C.READ_MARKS)}

    def stats(self) -> dict:
        """Counts of articles, nodes per type, relations per type."""
        return {
            "store": self.uri,
            "articles": self.read_cypher(C.COUNT_ARTICLES)[0]["n"],
            "nodes": {r["type"]: r["n"] for r in self.read_cypher(C.COUNT_NODES)},
            "edges": {r["predicate"]: r["n"] for r in self.read_cypher(C.COUNT_EDGES)},
            "mentions": self.read_cypher(C.COUNT_MENTIONS)[0]["n"],
            "evidence": self.read_cypher(C.COUNT_EVIDENCE)[0]["n"],
        }

    def version(self) -> int:
        """Write counter."""
        rows = self.read_cypher(C.READ_VERSION)
        return int(rows[0]["value"]) if rows else 0

    def query_index(self, name: str, build):
        """What `build()` returns, built once per graph version: every write bumps the version, in any process."""
        return self._indexes.get(self.version(), name, build)

    def run_named_query(self, spec: NamedQuery, params: dict) -> list[dict]:
        """Run a named query's Cypher (its module's `cypher`, with the same shaping as the embedded store)."""
        return spec.cypher(self, params)

    def close(self) -> None:
        """Close the driver."""
        self.driver.close()

    # ------------------------------------------------------------------ curation (graph/curation.py)
    def edges_of(self, node_ids: list[str]) -> list[EdgeRecord]:
        """Every relationship (MENTIONED_IN excluded) with an end among `node_ids`, in id order."""
        rows = self.read_cypher(EDGES_OF, ids=list(dict.fromkeys(node_ids))) if node_ids else []
        return [EdgeRecord(r["id"], r["src"], r["dst"], r["predicate"], r["confidence"], json.loads(r["props_json"] or "{}")) for r in rows]

    def apply_change(self, change) -> None:
        """Apply a graph.curation.GraphChange in one managed transaction: drop relationships, mentions and
        nodes (with their alias entries), upsert rows by the writer's merge rules, then set names."""
        def work(tx) -> None:
            if change.drop_edges:
                tx.run(DROP_EDGES, ids=list(change.drop_edges)).consume()
            if change.drop_mentions:
                tx.run(DROP_MENTIONS, rows=[{"node_id": n, "article_id": a, "start": s_, "end": e} for n, a, s_, e in change.drop_mentions]).consume()
            if change.drop_nodes:
                for statement in DROP_NODES:
                    tx.run(statement, ids=list(change.drop_nodes)).consume()
            self._write_rows(tx, [change.upsert], with_article=False)  # bumps the version
            if change.names:
                rows = []
                for r in tx.run(C.NODES_FOR_MERGE, ids=list(change.names)).data():
                    name, surfaces = change.names[r["id"]], list(r["surfaces"] or [])
                    if normalize_name(name) not in {normalize_name(x) for x in surfaces}:
                        surfaces.append(name)
                    rows.append({"id": r["id"], "name": name, "norm": normalize_name(name), "surfaces": surfaces,
                                 "norms": [normalize_name(x) for x in surfaces], "aliases": sorted(x for x in surfaces if x != name)})
                tx.run(SET_NAMES, rows=rows).consume()

        self._write(work)

    def _curation_schema(self) -> None:
        if not self._curation_schema_done:
            neo4j = _neo4j()
            try:
                with self.driver.session(database=self.database) as session:
                    session.run(CURATION_CONSTRAINT).consume()
            except neo4j.exceptions.Neo4jError as exc:
                raise StoreError(f"cannot create the curation constraint in Neo4j: {redact(str(exc.message or exc), self._password)}") from None
            self._curation_schema_done = True

    def add_curation(self, c) -> None:
        """Keep a graph.curation.Curation as a GovkgCuration node keyed by its content key (the first kept)."""
        self._curation_schema()
        record = json.dumps(c.as_dict(), ensure_ascii=False, sort_keys=True)
        stamp = c.created_at or records.utc_now()
        self._write(lambda tx: (tx.run(ADD_CURATION, key=c.key, action=c.action, record=record, created_at=stamp).consume(),
                                tx.run(C.BUMP_VERSION).consume()))

    def remove_curation(self, key: str) -> None:
        """Forget a curation record; nothing when absent."""
        self._write(lambda tx: (tx.run(REMOVE_CURATION, key=key).consume(), tx.run(C.BUMP_VERSION).consume()))

    def curations(self) -> list:
        """Every stored graph.curation.Curation, oldest first."""
        from graph.curation import Curation

        return [Curation.from_dict(json.loads(r["record"])) for r in self.read_cypher(READ_CURATIONS)]


# The curation statements (graph/curation.py); labels and types from graph.cypher, values as parameters.
CURATION_LABEL = "GovkgCuration"
CURATION_CONSTRAINT = f"CREATE CONSTRAINT govkg_curation_key IF NOT EXISTS FOR (c:{CURATION_LABEL}) REQUIRE c.key IS UNIQUE"
ADD_CURATION = f"""MERGE (c:{CURATION_LABEL} {{key: $key}})
ON CREATE SET c.action = $action, c.record = $record, c.created_at = $created_at"""
REMOVE_CURATION = f"MATCH (c:{CURATION_LABEL} {{key: $key}}) DELETE c"
READ_CURATIONS = f"MATCH (c:{CURATION_LABEL}) RETURN c.record AS record ORDER BY c.created_at, c.key"
CLEAR_CURATIONS = f"MATCH (c:{CURATION_LABEL}) DELETE c"
EDGES_OF = f"""UNWIND $ids AS nid
MATCH (:{C.NODE_LABEL} {{id: nid}})-[r]-(:{C.NODE_LABEL})
WHERE type(r) <> 'MENTIONED_IN'
WITH DISTINCT r
RETURN r.id AS id, startNode(r).id AS src, endNode(r).id AS dst, type(r) AS predicate, r.confidence AS confidence,
  r.props_json AS props_json
ORDER BY id"""
DROP_EDGES = f"""UNWIND $ids AS eid
{C._edges_by_id()}
DELETE r"""
DROP_MENTIONS = f"""UNWIND $rows AS row
MATCH (:{C.NODE_LABEL} {{id: row.node_id}})-[m:MENTIONED_IN {{start: row.start, end: row.end}}]->(:Article {{id: row.article_id}})
DELETE m"""
# A node is dropped once its relations were (DELETE, not DETACH DELETE: a relation left over fails the transaction).
DROP_NODES = (
    f"UNWIND $ids AS nid MATCH (:{C.NODE_LABEL} {{id: nid}})-[m:MENTIONED_IN]->() DELETE m",
    f"UNWIND $ids AS nid MATCH (a:{C.ALIAS_LABEL} {{node: nid}}) DELETE a",
    f"UNWIND $ids AS nid MATCH (n:{C.NODE_LABEL} {{id: nid}}) DELETE n",
)
SET_NAMES = f"""UNWIND $rows AS row
MATCH (n:{C.NODE_LABEL} {{id: row.id}})
SET n.name = row.name, n.norm = row.norm, n.surfaces = row.surfaces, n.norms = row.norms, n.aliases = row.aliases,
  n.alias_text = reduce(s = row.name, x IN row.aliases | s + ' ' + x)
WITH row
UNWIND row.norms AS x
MERGE (:{C.ALIAS_LABEL} {{norm: x, node: row.id}})"""


def curation_statements() -> list[tuple[str, str, dict]]:
    """(name, statement, example parameters) of the curation statements, for the Cypher linter."""
    return [
        ("curation_constraint", CURATION_CONSTRAINT, {}),
        ("add_curation", ADD_CURATION, {"key": "c", "action": "reject", "record": "{}", "created_at": "t"}),
        ("remove_curation", REMOVE_CURATION, {"key": "c"}),
        ("read_curations", READ_CURATIONS, {}),
        ("clear_curations", CLEAR_CURATIONS, {}),
        ("edges_of", EDGES_OF, {"ids": ["x"]}),
        ("drop_edges", DROP_EDGES, {"ids": ["e"]}),
        ("drop_mentions", DROP_MENTIONS, {"rows": [{"node_id": "x", "article_id": "a", "start": 0, "end": 1}]}),
        *[(f"drop_nodes:{i}", q, {"ids": ["x"]}) for i, q in enumerate(DROP_NODES)],
        ("set_names", SET_NAMES, {"rows": [{"id": "x", "name": "x", "norm": "x", "surfaces": ["x"], "norms": ["x"], "aliases": []}]}),
    ]
