"""articles: stored articles, newest first, with how many entities each mentions."""

from __future__ import annotations

from graph.traversal import graph_of, nodes_by_type
from queries.helpers import limit_param
from queries.registry import QuerySpec, register


def embedded(store, limit=50) -> list[dict]:
    """Stored articles with how many entities each mentions, newest first."""
    g = graph_of(store)
    rows = [{"id": a, "title": g.nodes[a]["name"], "path": g.nodes[a]["props"]["path"], "ingested_at": g.nodes[a]["props"]["ingested_at"],
             "characters": g.nodes[a]["props"]["characters"], "entities": g.in_degree(a),
             **{k: g.nodes[a]["props"].get(k) for k in ("date", "publisher", "url")}} for a in nodes_by_type(g, "Article")]
    rows.sort(key=lambda r: (r["ingested_at"], r["id"]), reverse=True)
    return rows[: int(limit)]


ARTICLES = """MATCH (a:Article)
RETURN a.id AS id, a.title AS title, a.path AS path, a.ingested_at AS ingested_at, size(a.text) AS characters,
       COUNT { MATCH (n)-[:MENTIONED_IN]->(a) RETURN DISTINCT n } AS entities,
       a.date AS date, a.publisher AS publisher, a.url AS url
ORDER BY ingested_at DESC, id DESC LIMIT $limit"""


def cypher(store, p: dict) -> list[dict]:
    return store.read_cypher(ARTICLES, **p)

ARTICLES_SQL = """SELECT a.id AS id, a.title AS title, a.path AS path, a.ingested_at AS ingested_at, length(a.text) AS characters,
       (SELECT count(DISTINCT m.node_id) FROM mentions m WHERE m.article_id = a.id) AS entities,
       a.published AS date, a.publisher AS publisher, a.url AS url
FROM articles a ORDER BY a.ingested_at DESC, a.id DESC LIMIT :limit"""


def sql(store, p: dict) -> list[dict]:
    """`embedded` from the articles table (newest first through its order, entities counted per article)."""
    return store.read_sql(ARTICLES_SQL, {"limit": int(p["limit"])})


SPEC = register(QuerySpec(
    "articles", "Stored articles, newest first.", ("id", "title", "path", "ingested_at", "characters", "entities",
                                                      "date", "publisher", "url"),
    (limit_param(50),), embedded, cypher, lambda: [("articles", ARTICLES, {"limit": 10})], sql=sql))
