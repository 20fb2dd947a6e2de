"""Every Cypher statement the Neo4j store sends for schema, writes and reads.

Labels and relationship types are interpolated only from the ontology (never from input);
all values travel as parameters. `all_statements()` lists them for Neo4j's linter.
"""

from __future__ import annotations

from typing import Any

from ontology import ONTOLOGY

NODE_LABEL = "GovkgNode"  # technical label on every node, for id lookups
MARK_LABEL = "GovkgMark"  # reviewer same/different verdicts
META_LABEL = "GovkgMeta"  # write counter
ALIAS_LABEL = "GovkgAlias"  # one (norm, node id) entry per normalized name or alias: indexed alias lookups
ENTITY_LABELS = ONTOLOGY.entity_types
EDGE_TYPES = tuple(p for p in ONTOLOGY.predicates if p != "MENTIONED_IN")


def schema_statements() -> list[str]:
    """Constraints and indexes derived from the ontology (idempotent: IF NOT EXISTS)."""
    out = [f"CREATE CONSTRAINT govkg_node_id IF NOT EXISTS FOR (n:{NODE_LABEL}) REQUIRE n.id IS UNIQUE"]
    for label in ONTOLOGY.node_types:
        low = label.lower()
        out.append(f"CREATE CONSTRAINT govkg_{low}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE")
        out.append(f"CREATE INDEX govkg_{low}_name IF NOT EXISTS FOR (n:{label}) ON (n.name)")
        out.append(f"CREATE INDEX govkg_{low}_norm IF NOT EXISTS FOR (n:{label}) ON (n.norm)")
    for rel in EDGE_TYPES:
        out.append(f"CREATE INDEX govkg_{rel.lower()}_id IF NOT EXISTS FOR ()-[r:{rel}]-() ON (r.id)")
    labels = "|".join(ENTITY_LABELS)
    out.append(
        f"CREATE FULLTEXT INDEX govkg_names IF NOT EXISTS FOR (n:{labels}) ON EACH [n.name, n.alias_text] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}"
    )
    out.append(f"CREATE INDEX govkg_alias_norm IF NOT EXISTS FOR (a:{ALIAS_LABEL}) ON (a.norm)")
    out.append(f"CREATE CONSTRAINT govkg_mark_pair IF NOT EXISTS FOR (m:{MARK_LABEL}) REQUIRE (m.a, m.b) IS UNIQUE")
    return out


ARTICLE_EXISTS = "MATCH (a:Article {id: $id}) RETURN count(a) AS n"

ARTICLES_STORED = "UNWIND $ids AS aid MATCH (a:Article {id: aid}) RETURN a.id AS id"

MERGE_ARTICLES = f"""UNWIND $rows AS row
MERGE (a:Article:{NODE_LABEL} {{id: row.id}})
ON CREATE SET a.type = 'Article', a.path = row.path, a.title = row.title, a.name = row.title, a.text = row.text,
  a.encoding = row.encoding, a.extractor = row.extractor, a.ingested_at = row.ingested_at,
  a.url = row.url, a.date = row.date, a.publisher = row.publisher, a.sentence_starts = row.sentence_starts, a.sentence_ends = row.sentence_ends"""


_NODE_SET = """SET n.type = row.type, n.name = row.name, n.norm = row.norm, n.kind = row.kind, n.confidence = row.confidence,
  n.props_json = row.props_json, n.surfaces = row.surfaces, n.norms = row.norms, n.aliases = row.aliases,
  n.alias_text = reduce(s = row.name, x IN row.aliases | s + ' ' + x)"""


def merge_nodes(label: str) -> str:
    """UNWIND-MERGE of nodes of one ontology type; the rows carry the merged values (Neo4jStore merges
    them with the stored node inside the same transaction, by the embedded store's rules, and sends only
    the nodes that changed)."""
    ONTOLOGY.check_type(label)
    return f"""UNWIND $rows AS row
MERGE (n:{label}:{NODE_LABEL} {{id: row.id}})
{_NODE_SET}"""


# One alias entry per (normalized form, node): only the forms a node did not have before are sent.
MERGE_ALIASES = f"""UNWIND $rows AS row
MERGE (:{ALIAS_LABEL} {{norm: row.norm, node: row.node}})"""


def _check_edge_type(rel_type: str) -> None:
    if rel_type not in EDGE_TYPES:
        raise ValueError(f"unknown relationship type {rel_type}")


_EDGE_SET = """SET r.confidence = row.confidence, r.props_json = row.props_json, r.evidence = row.evidence,
  r.kind = row.kind, r.year = row.year, r.date = row.date, r.partnership = row.partnership"""


def create_edges(rel_type: str) -> str:
    """UNWIND-CREATE of relationships of one ontology type that the store does not hold yet (the writer read
    which exist in the same transaction), with their merged values and evidence entries."""
    _check_edge_type(rel_type)
    return f"""UNWIND $rows AS row
MATCH (s:{NODE_LABEL} {{id: row.src}})
MATCH (d:{NODE_LABEL} {{id: row.dst}})
CREATE (s)-[r:{rel_type} {{id: row.id}}]->(d)
{_EDGE_SET}"""


def update_edges(rel_type: str) -> str:
    """New merged values of stored relationships of one type, found through the type's id index."""
    _check_edge_type(rel_type)
    return f"""UNWIND $rows AS row
MATCH ()-[r:{rel_type}]->()
WHERE r.id = row.id
{_EDGE_SET}"""


NODES_FOR_MERGE = f"""UNWIND $ids AS nid
MATCH (n:{NODE_LABEL} {{id: nid}})
RETURN n.id AS id, n.type AS type, n.name AS name, n.kind AS kind, n.aliases AS aliases, n.confidence AS confidence,
  n.props_json AS props_json, n.surfaces AS surfaces"""

EDGES_FOR_MERGE = f"""UNWIND $rows AS row
MATCH (:{NODE_LABEL} {{id: row.src}})-[r]->(:{NODE_LABEL} {{id: row.dst}})
WHERE r.id = row.id
RETURN r.id AS id, r.confidence AS confidence, r.props_json AS props_json, r.evidence AS evidence"""


def _edges_by_id(var: str = "r") -> str:
    """A subquery finding relationships by id through each type's id index (an untyped pattern scans them all)."""
    return "CALL (eid) {\n" + "\n  UNION ALL\n".join(
        f"  MATCH ()-[{var}:{rel}]->() WHERE {var}.id = eid RETURN {var}" for rel in EDGE_TYPES) + "\n}"


SET_EVIDENCE = f"""UNWIND $rows AS row
WITH row, row.id AS eid
{_edges_by_id()}
SET r.evidence = row.evidence"""


MERGE_MENTIONS = f"""UNWIND $rows AS row
MATCH (n:{NODE_LABEL} {{id: row.node_id}})
MATCH (a:Article {{id: row.article_id}})
MERGE (n)-[m:MENTIONED_IN {{start: row.start, end: row.end}}]->(a)
ON CREATE SET m.sentence_index = row.sentence_index, m.surface = row.surface, m.confidence = row.confidence"""

# Mentions of articles new in this transaction: nothing to merge with, so CREATE (the writer drops repeats).
CREATE_MENTIONS = f"""UNWIND $rows AS row
MATCH (n:{NODE_LABEL} {{id: row.node_id}})
MATCH (a:Article {{id: row.article_id}})
CREATE (n)-[:MENTIONED_IN {{start: row.start, end: row.end, sentence_index: row.sentence_index, surface: row.surface,
  confidence: row.confidence}}]->(a)"""

BUMP_VERSION = f"MERGE (m:{META_LABEL} {{key: 'version'}}) ON CREATE SET m.value = 0 SET m.value = m.value + 1"
READ_VERSION = f"MATCH (m:{META_LABEL} {{key: 'version'}}) RETURN m.value AS value"

_NODE_FIELDS = "n.id AS id, n.type AS type, n.name AS name, n.kind AS kind, n.aliases AS aliases, n.confidence AS confidence, n.props_json AS props_json"

NODES_BY_ALIAS = f"""MATCH (a:{ALIAS_LABEL})
WHERE a.norm IN $norms
WITH DISTINCT a.node AS nid
MATCH (n:{NODE_LABEL} {{id: nid}})
WHERE n.type <> 'Article' AND ($type IS NULL OR n.type = $type)
RETURN {_NODE_FIELDS} ORDER BY n.id"""

GET_NODE = f"MATCH (n:{NODE_LABEL} {{id: $id}}) WHERE n.type <> 'Article' RETURN {_NODE_FIELDS}"

ITER_NODES = f"""MATCH (n:{NODE_LABEL})
WHERE n.type <> 'Article' AND ($type IS NULL OR n.type = $type)
RETURN {_NODE_FIELDS} ORDER BY n.id"""

ITER_EDGES = f"""MATCH (s:{NODE_LABEL})-[r]->(d:{NODE_LABEL})
WHERE type(r) <> 'MENTIONED_IN' AND ($predicate IS NULL OR type(r) = $predicate)
RETURN r.id AS id, s.id AS src, d.id AS dst, type(r) AS predicate, r.confidence AS confidence, r.props_json AS props_json
ORDER BY r.id"""

ITER_ARTICLES = """MATCH (a:Article)
RETURN a.id AS id, a.path AS path, a.title AS title, CASE WHEN $with_text THEN a.text ELSE '' END AS text,
  a.encoding AS encoding, a.extractor AS extractor, a.ingested_at AS ingested_at, size(a.text) AS characters,
  a.url AS url, a.date AS date, a.publisher AS publisher
ORDER BY a.ingested_at, a.id"""

GET_ARTICLE = """MATCH (a:Article {id: $id})
RETURN a.id AS id, a.path AS path, a.title AS title, a.text AS text, a.encoding AS encoding,
  a.extractor AS extractor, a.ingested_at AS ingested_at, size(a.text) AS characters, a.url AS url, a.date AS date,
  a.publisher AS publisher, a.sentence_starts AS starts, a.sentence_ends AS ends"""

_MENTION_FIELDS = "n.id AS node_id, a.id AS article_id, m.sentence_index AS sentence_index, m.start AS start, m.end AS end, m.surface AS surface, m.confidence AS confidence"  # noqa: E501 - one literal
MENTIONS_OF = f"MATCH (n:{NODE_LABEL} {{id: $id}})-[m:MENTIONED_IN]->(a:Article) RETURN {_MENTION_FIELDS} ORDER BY a.id, m.start"
ITER_MENTIONS = f"MATCH (n:{NODE_LABEL})-[m:MENTIONED_IN]->(a:Article) RETURN {_MENTION_FIELDS} ORDER BY n.id, a.id, m.start"
EVIDENCE_OF = f"""WITH $id AS eid
{_edges_by_id()}
RETURN r.id AS id, r.evidence AS evidence"""
EVIDENCE_BULK = f"""UNWIND $ids AS eid
{_edges_by_id()}
RETURN r.id AS id, r.evidence AS evidence"""
# The first $per_edge evidence entries of each edge (by article, sentence index), each with its article's
# metadata and the sentence cut from the article text on the server: citable evidence in one round trip.
CITATIONS = f"""UNWIND $ids AS eid
{_edges_by_id()}
UNWIND r.evidence AS entry
WITH eid, split(entry, '|') AS f
WITH eid, f[0] AS aid, toInteger(f[1]) AS idx, toInteger(f[2]) AS start, toInteger(f[3]) AS end
ORDER BY eid, aid, idx
WITH eid, collect({{id: aid, sentence_index: idx, start: start, end: end}})[..$per_edge] AS refs
UNWIND refs AS ref
MATCH (a:Article {{id: ref.id}})
RETURN eid AS edge_id, a.id AS article_id, a.title AS title, a.date AS date, a.url AS url, a.publisher AS publisher,
  ref.sentence_index AS sentence_index, ref.start AS start, ref.end AS end, substring(a.text, ref.start, ref.end - ref.start) AS sentence
ORDER BY edge_id, article_id, sentence_index"""
ARTICLE_TEXTS = "UNWIND $ids AS aid MATCH (a:Article {id: aid}) RETURN a.id AS id, a.text AS text"
SENTENCE_TEXTS = """UNWIND $refs AS ref
MATCH (a:Article {id: ref.article_id})
RETURN ref.article_id AS article_id, ref.start AS start, ref.end AS end, substring(a.text, ref.start, ref.end - ref.start) AS text"""
ITER_EVIDENCE = f"""MATCH (:{NODE_LABEL})-[r]->(:{NODE_LABEL})
WHERE type(r) <> 'MENTIONED_IN'
RETURN r.id AS id, r.evidence AS evidence ORDER BY r.id"""
SENTENCE_TEXT = "MATCH (a:Article {id: $id}) RETURN substring(a.text, $start, $length) AS text"

SET_MARK = f"""MERGE (m:{MARK_LABEL} {{a: $a, b: $b}})
SET m.verdict = $verdict, m.note = $note, m.marked_at = $marked_at"""
READ_MARKS = f"MATCH (m:{MARK_LABEL}) RETURN m.a AS a, m.b AS b, m.verdict AS verdict"
CLEAR_MARK = f"MATCH (m:{MARK_LABEL} {{a: $a, b: $b}}) DELETE m"

COUNT_ARTICLES = "MATCH (a:Article) RETURN count(a) AS n"
COUNT_NODES = f"MATCH (n:{NODE_LABEL}) WHERE n.type <> 'Article' RETURN n.type AS type, count(n) AS n ORDER BY type"
COUNT_EDGES = f"""MATCH (:{NODE_LABEL})-[r]->(:{NODE_LABEL})
WHERE type(r) <> 'MENTIONED_IN'
RETURN type(r) AS predicate, count(r) AS n ORDER BY predicate"""
COUNT_MENTIONS = "MATCH ()-[m:MENTIONED_IN]->() RETURN count(m) AS n"
COUNT_EVIDENCE = f"""MATCH (:{NODE_LABEL})-[r]->(:{NODE_LABEL})
WHERE type(r) <> 'MENTIONED_IN'
RETURN coalesce(sum(size(r.evidence)), 0) AS n"""


# A clear deletes in batches (a 10,000-article graph in one transaction exceeds a small server's
# transaction memory); each batch statement returns how many it deleted, 0 when done.
CLEAR_BATCHES = (
    f"MATCH (n:{NODE_LABEL}) WITH n LIMIT 5000 DETACH DELETE n RETURN count(*) AS n",
    f"MATCH (a:{ALIAS_LABEL}) WITH a LIMIT 20000 DELETE a RETURN count(*) AS n",
)
# The version counter survives a clear (and is bumped), so caches keyed by it never see a stale graph.
CLEAR = (
    f"MATCH (n:{NODE_LABEL}) DETACH DELETE n",
    f"MATCH (m:{MARK_LABEL}) DELETE m",
    f"MATCH (a:{ALIAS_LABEL}) DELETE a",
    BUMP_VERSION,
)


def all_statements() -> list[tuple[str, str, dict]]:
    """(name, statement, example parameters) of every store statement, for the linter."""
    rows_nodes = {"rows": [{"id": "x", "type": "Area", "name": "x", "norm": "x", "kind": None, "confidence": 1.0,
                            "props_json": "{}", "surfaces": ["x"], "aliases": [], "norms": ["x"]}]}
    rows_edges = {"rows": [{"id": "e", "src": "a", "dst": "b", "confidence": 1.0, "props_json": "{}", "evidence": [],
                            "kind": None, "year": None, "date": None, "partnership": None}]}
    out: list[tuple[str, str, Any]] = [(f"schema:{i}", s, {}) for i, s in enumerate(schema_statements())]
    out += [(f"merge_nodes:{label}", merge_nodes(label), rows_nodes) for label in ONTOLOGY.node_types if label != "Article"]
    out += [(f"create_edges:{rel}", create_edges(rel), rows_edges) for rel in EDGE_TYPES]
    out += [(f"update_edges:{rel}", update_edges(rel), rows_edges) for rel in EDGE_TYPES]
    out += [("merge_aliases", MERGE_ALIASES, {"rows": [{"norm": "x", "node": "x"}]})]
    out += [
        ("article_exists", ARTICLE_EXISTS, {"id": "a"}),
        ("articles_stored", ARTICLES_STORED, {"ids": ["a"]}),
        ("merge_articles", MERGE_ARTICLES, {"rows": [{"id": "a", "path": "p", "title": "t", "text": "x", "encoding": "utf-8", "extractor": "e",
                                                      "ingested_at": "t", "url": None, "date": None, "publisher": None,
                                                      "sentence_starts": [0], "sentence_ends": [1]}]}),
        ("create_mentions", CREATE_MENTIONS, {"rows": [{"node_id": "x", "article_id": "a", "sentence_index": 0, "start": 0, "end": 1,
                                                         "surface": "x", "confidence": 1.0}]}),
        ("merge_mentions", MERGE_MENTIONS, {"rows": [{"node_id": "x", "article_id": "a", "sentence_index": 0, "start": 0, "end": 1,
                                                       "surface": "x", "confidence": 1.0}]}),
        ("nodes_for_merge", NODES_FOR_MERGE, {"ids": ["x"]}),
        ("edges_for_merge", EDGES_FOR_MERGE, {"rows": [{"id": "e", "src": "a", "dst": "b"}]}),
        ("set_evidence", SET_EVIDENCE, {"rows": [{"id": "e", "evidence": []}]}),
        ("bump_version", BUMP_VERSION, {}),
        ("read_version", READ_VERSION, {}),
        ("nodes_by_alias", NODES_BY_ALIAS, {"type": None, "norms": ["x"]}),
        ("get_node", GET_NODE, {"id": "x"}),
        ("iter_nodes", ITER_NODES, {"type": None}),
        ("iter_edges", ITER_EDGES, {"predicate": None}),
        ("iter_articles", ITER_ARTICLES, {"with_text": False}),
        ("get_article", GET_ARTICLE, {"id": "a"}),
        ("mentions_of", MENTIONS_OF, {"id": "x"}),
        ("iter_mentions", ITER_MENTIONS, {}),
        ("evidence_of", EVIDENCE_OF, {"id": "e"}),
        ("iter_evidence", ITER_EVIDENCE, {}),
        ("evidence_bulk", EVIDENCE_BULK, {"ids": ["e"]}),
        ("citations", CITATIONS, {"ids": ["e"], "per_edge": 1}),
        ("article_texts", ARTICLE_TEXTS, {"ids": ["a"]}),
        ("sentence_texts", SENTENCE_TEXTS, {"refs": [{"article_id": "a", "start": 0, "end": 1}]}),
        ("sentence_text", SENTENCE_TEXT, {"id": "a", "start": 0, "length": 1}),
        ("set_mark", SET_MARK, {"a": "x", "b": "y", "verdict": "same", "note": "", "marked_at": "t"}),
        ("read_marks", READ_MARKS, {}),
        ("clear_mark", CLEAR_MARK, {"a": "x", "b": "y"}),
        ("count_articles", COUNT_ARTICLES, {}),
        ("count_nodes", COUNT_NODES, {}),
        ("count_edges", COUNT_EDGES, {}),
        ("count_mentions", COUNT_MENTIONS, {}),
        ("count_evidence", COUNT_EVIDENCE, {}),
    ] + [(f"clear:{i}", q, {}) for i, q in enumerate(CLEAR)] + [(f"clear:batch{i}", q, {}) for i, q in enumerate(CLEAR_BATCHES)]
    return out
