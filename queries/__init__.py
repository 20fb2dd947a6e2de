"""Named, parameterized traversal queries with an embedded and a Cypher implementation each."""

from __future__ import annotations

from dataclasses import dataclass

from graph.base import GraphStore
from graph.traversal import graph_of
from queries import embedded
from queries.duplicates import duplicates
from queries.registry import QUERIES, Param, QuerySpec, get_query, register

_CONF = Param("min_confidence", float, 0.0, "hide facts below this confidence")
_LIMIT = Param("limit", int, 200, "maximum rows")

register(QuerySpec(
    "cobuild", "Which organizations (default: enterprises) co-build with which communities, how, where, when, and the sentence that says so.",
    ("organization", "org_kind", "community", "partnership_kind", "initiative", "street", "district", "date", "confidence", "evidence"),
    (Param("district", str, None, "district or street name"), Param("kind", str, None, "partnership kind: 共建, 联建, 结对, 签约, 引入…"),
     Param("org_kind", str, "enterprise", "organization kind, or 'any'"), _CONF, _LIMIT),
    embedded.cobuild))
register(QuerySpec(
    "duplicates", "Clusters of near-duplicate initiatives in different places; initiatives reported by several articles.",
    ("cluster", "status", "similarity", "initiative", "id", "kind", "runners", "street", "district", "articles", "evidence"),
    (Param("min_similarity", float, 85.0, "0-100"), Param("kind", str, None, "initiative kind"), Param("limit", int, 100)),
    duplicates))
register(QuerySpec(
    "neighbors", "Entities within k relations of an entity, with type and relation filters.",
    ("id", "name", "type", "kind", "predicate", "direction", "via", "hops", "confidence"),
    (Param("entity", str, "", "name, alias or id"), Param("hops", int, 1), Param("types", str, None, "comma-separated node types"),
     Param("predicates", str, None, "comma-separated relation names"), _CONF, _LIMIT),
    embedded.neighbors))
register(QuerySpec(
    "path", "Shortest paths between two entities, with relation types.",
    ("path", "length", "nodes", "steps"),
    (Param("source", str, ""), Param("target", str, ""), Param("max_hops", int, 4), Param("limit", int, 5)),
    embedded.path))
register(QuerySpec(
    "hierarchy", "The area tree (PART_OF) with counts of communities, organizations and initiatives.",
    ("area", "type", "kind", "depth", "path", "communities", "organizations", "initiatives"),
    (Param("root", str, "", "start at this area"), Param("limit", int, 500)), embedded.hierarchy))
register(QuerySpec(
    "entity", "Profile of an entity: type, kind, aliases, place, relations, mentions.",
    ("section", "field", "value"), (Param("name", str, "", "name, alias or id"),), embedded.entity))
register(QuerySpec(
    "search", "Find entities by Chinese name, alias, substring or pinyin.",
    ("id", "name", "type", "kind", "match", "score", "degree"),
    (Param("q", str, ""), Param("type", str, None), Param("limit", int, 20)), embedded.search))
register(QuerySpec(
    "brokers", "Organizations linking the most communities.",
    ("organization", "kind", "communities", "names"), (Param("limit", int, 20), _CONF), embedded.brokers))
register(QuerySpec(
    "awards", "Awards by year and area.",
    ("award", "receiver", "receiver_type", "year", "street", "district", "evidence"),
    (Param("year", int, None), Param("area", str, "", "street or district name"), _LIMIT), embedded.awards))
register(QuerySpec(
    "articles", "Stored articles, newest first.", ("id", "title", "path", "ingested_at", "characters", "entities"),
    (Param("limit", int, 50),), embedded.articles))


@dataclass
class QueryResult:
    """Rows of a query with their column order."""

    name: str
    columns: tuple[str, ...]
    rows: list[dict]


def run_query(store: GraphStore, name: str, params: dict | None = None) -> QueryResult:
    """Run a named query on a store (Cypher on Neo4j, networkx on the embedded store)."""
    spec = get_query(name)
    bound = spec.bind(params or {})
    runner = getattr(store, "run_named_query", None)
    if runner is not None:
        return QueryResult(name, spec.columns, runner(spec, bound))
    # Embedded store: results live with the graph they were computed on, so any write (which
    # changes the store version and so the graph) invalidates them.
    cache = graph_of(store).graph.setdefault("results", {})
    key = (name, tuple(sorted(bound.items())))
    if key not in cache:
        cache[key] = spec.embedded(store, **bound)
    return QueryResult(name, spec.columns, [dict(r) for r in cache[key]])


__all__ = ["QUERIES", "QueryResult", "QuerySpec", "get_query", "run_query"]
