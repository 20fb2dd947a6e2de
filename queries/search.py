"""search: entities by Chinese name, alias, substring or pinyin (full or initials), best first."""

from __future__ import annotations

from core.errors import QueryError
from core.names import normalize_name
from graph.traversal import graph_of
from queries.cypher import N
from queries.helpers import limit_param, score_search, search_candidates
from queries.registry import Param, QuerySpec, ontology_node_types, register
from queries.search_tables import SEARCH_TABLES
from queries.sql import DEGREE


def embedded(store, q: str = "", type=None, limit=20) -> list[dict]:
    """Entities by Chinese name, alias, substring or pinyin (full or initials), best first."""
    if not q:
        raise QueryError("search needs --param q=TEXT")
    g = graph_of(store)
    return score_search(search_candidates(g, type), q, int(limit))


SEARCH_CANDIDATES = f"""MATCH (n:{N})
WHERE n.type <> 'Article' AND ($type IS NULL OR n.type = $type)
  AND ($pinyin OR any(f IN n.norms WHERE toLower(f) CONTAINS $needle))
RETURN n.id AS id, n.name AS name, n.type AS type, n.kind AS kind, n.aliases AS aliases,
       COUNT {{ (n)-[r]-() WHERE type(r) <> 'MENTIONED_IN' }} AS degree"""

def cypher(store, p: dict) -> list[dict]:
    """Score every candidate of the type, read once per graph version (store.query_index), as the
    embedded store scores its cached graph: a search is then Python over a list, no round trip."""
    if not p["q"]:
        raise QueryError("search needs --param q=TEXT")
    rows = store.query_index(f"search:{p['type']}", lambda: _candidates(store, p["type"]))
    return score_search(rows, p["q"], int(p["limit"]))


def _candidates(store, node_type: str | None) -> list[dict]:
    """Every entity of `node_type` (all when None) with aliases and relation degree, for score_search."""
    rows = store.read_cypher(SEARCH_CANDIDATES, type=node_type, pinyin=True, needle="")
    for r in rows:
        r["aliases"] = list(r["aliases"] or [])
    return rows


DEGREES_SQL = """SELECT id, sum(n) AS degree FROM (
  SELECT src AS id, count(*) AS n FROM edges GROUP BY src UNION ALL SELECT dst, count(*) FROM edges GROUP BY dst
) GROUP BY id"""


def _sql_candidates(store, node_type: str | None) -> list[dict]:
    """Every entity of `node_type` (all when None) with aliases and relation degree, from the tables."""
    degree = {r["id"]: r["degree"] for r in store.read_sql(DEGREES_SQL)}
    return [{"id": n.id, "name": n.name, "type": n.type, "kind": n.kind, "aliases": list(n.aliases), "degree": degree.get(n.id, 0)}
            for n in store.iter_nodes(node_type)]


# score_search in SQLite: every alias form holding the needle (one scan of the forms; for a pinyin needle,
# of their pinyin too, kept by queries/search_tables.py), scored as score_search scores it (100 exact, 80
# less up to 20 for the extra characters, 60 pinyin), each entity's best score with the greatest label at
# that score (as score_search's max over (score, label)), ranked by score, relation degree, name and id.
_FORM_SCORE = """CASE WHEN lower(a.norm) = :needle THEN 100
            WHEN instr(lower(a.norm), :needle) > 0 THEN 80 - min(20, length(a.norm) - length(:needle)) ELSE 60 END"""
_FORM_LABEL = """CASE WHEN lower(a.norm) = :needle THEN CASE WHEN a.alias = (SELECT name FROM nodes WHERE id = a.node_id) THEN 'name' ELSE 'alias' END
            WHEN instr(lower(a.norm), :needle) > 0 THEN 'substring' ELSE 'pinyin' END"""
_RANKED = """WITH form AS MATERIALIZED (
  SELECT a.node_id AS id, {score} AS score, {label} AS label FROM {source}),
best AS (SELECT id, max(score) AS score FROM form GROUP BY id),
top AS (
  SELECT n.id AS id, n.name AS name, n.type AS type, coalesce(n.kind, '') AS kind, b.score AS score, {degree} AS degree
  FROM best b JOIN nodes n ON n.id = b.id
  WHERE n.type <> 'Article' AND (:type IS NULL OR n.type = :type)
  ORDER BY b.score DESC, degree DESC, n.name, n.id LIMIT :limit)
SELECT t.id AS id, t.name AS name, t.type AS type, t.kind AS kind,
       (SELECT max(f.label) FROM form f WHERE f.id = t.id AND f.score = t.score) AS "match", t.score AS score, t.degree AS degree
FROM top t ORDER BY t.score DESC, t.degree DESC, t.name, t.id"""
_KEPT = "coalesce((SELECT degree FROM search_degree WHERE id = n.id), 0)"  # queries/search_tables.py
_CHINESE = "aliases a WHERE instr(lower(a.norm), :needle) > 0"
RANKED_SQL = _RANKED.format(score=_FORM_SCORE, label=_FORM_LABEL, source=_CHINESE, degree=DEGREE)
RANKED_KEPT_SQL = _RANKED.format(score=_FORM_SCORE, label=_FORM_LABEL, source=_CHINESE, degree=_KEPT)
RANKED_PINYIN_SQL = _RANKED.format(score=_FORM_SCORE, label=_FORM_LABEL, degree=_KEPT, source=(
    "aliases a WHERE instr(lower(a.norm), :needle) > 0 "
    "OR a.norm IN (SELECT norm FROM search_pinyin WHERE instr(pinyin, :needle) > 0 OR initials = :needle)"))


def sql(store, p: dict) -> list[dict]:
    """`embedded` matched and ranked by SQLite on the degrees and pinyin kept at write time (RANKED_KEPT_SQL,
    RANKED_PINYIN_SQL); on a read-only store whose tables are behind, a Chinese needle counts the hits'
    degrees (RANKED_SQL) and a pinyin one scores every candidate in Python, read once per store version."""
    if not p["q"]:
        raise QueryError("search needs --param q=TEXT")
    needle = normalize_name(p["q"]).lower()
    args = {"needle": needle, "type": p["type"], "limit": int(p["limit"])}
    kept = store.derived_ready(SEARCH_TABLES.name)
    if not needle.isascii():
        return store.read_sql(RANKED_KEPT_SQL if kept else RANKED_SQL, args)
    if kept:
        return store.read_sql(RANKED_PINYIN_SQL, args)
    rows = store.query_index(f"search:{p['type']}", lambda: _sql_candidates(store, p["type"]))
    return score_search(rows, p["q"], int(p["limit"]))


SPEC = register(QuerySpec(
    "search", "Find entities by Chinese name, alias, substring or pinyin.",
    ("id", "name", "type", "kind", "match", "score", "degree"),
    (Param("q", str, ""), Param("type", str, None, "node type", choices=ontology_node_types, what="node type"), limit_param(20)), embedded, cypher,
    lambda: [("search", SEARCH_CANDIDATES, {"type": None, "pinyin": False, "needle": "x"})], sql=sql))
