"""brokers: organizations linking the most communities."""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from graph.traversal import edges_by_predicate, graph_of, node_types
from queries.broker_tables import BROKER_TABLES
from queries.helpers import CONF, limit_param
from queries.registry import QuerySpec, register


def _name(g, n: str) -> str:
    return g.nodes[n]["name"]


_PREDICATES = ("COOPERATES_WITH", "LOCATED_IN", "AFFILIATED_WITH", "RUNS", "SUPPORTS")


def _broker_links(g: nx.MultiDiGraph, min_confidence: float) -> dict[str, set[str]]:
    """Organization → communities it links (partnerships, location, affiliation, shared initiatives)."""
    edges = {p: [(u, v, e["confidence"]) for u, v, _, e in edges_by_predicate(g, p)] for p in _PREDICATES}
    return _links(edges, node_types(g), min_confidence)


def _links(edges: dict[str, list[tuple[str, str, float]]], types: dict[str, str], min_confidence: float) -> dict[str, set[str]]:
    """`_broker_links` from the (src, dst, confidence) of each predicate's edges and the node types."""
    linked = defaultdict(set)
    for predicate in ("COOPERATES_WITH", "LOCATED_IN", "AFFILIATED_WITH"):
        for u, v, confidence in edges[predicate]:
            if confidence >= min_confidence:
                if types[u] == "Organization" and types[v] == "Community":
                    linked[u].add(v)
                elif predicate == "COOPERATES_WITH" and types[u] == "Community" and types[v] == "Organization":
                    linked[v].add(u)
    community_runners = defaultdict(set)
    org_targets = []
    for u, v, confidence in edges["RUNS"]:
        if types[u] == "Community":
            community_runners[v].add(u)
        elif types[u] == "Organization" and confidence >= min_confidence:
            org_targets.append((u, v))
    for u, v, confidence in edges["SUPPORTS"]:
        if types[u] == "Organization" and confidence >= min_confidence:
            org_targets.append((u, v))
    for org, target in org_targets:
        if target in community_runners:
            linked[org] |= community_runners[target]
    return {n: cs for n, cs in linked.items() if cs}


def embedded(store, limit=20, min_confidence=0.0) -> list[dict]:
    """Organizations linking the most distinct communities (directly or through initiatives)."""
    g = graph_of(store)
    index = g.graph.setdefault("broker_links", {})  # per confidence level, serves every limit
    if min_confidence not in index:
        links = _broker_links(g, min_confidence)
        index[min_confidence] = (links, sorted((-len(cs), _name(g, n), n) for n, cs in links.items()))
    links, ranked = index[min_confidence]
    return [{"organization": name, "kind": g.nodes[n]["kind"] or "", "communities": -count,
             "names": "、".join(sorted(_name(g, c) for c in links[n]))} for count, name, n in ranked[: int(limit)]]


BROKERS = """MATCH (o:Organization)
CALL (o) {
  MATCH (o)-[r:COOPERATES_WITH|LOCATED_IN|AFFILIATED_WITH]->(c:Community) WHERE r.confidence >= $min_confidence RETURN c
  UNION
  MATCH (o)-[r:SUPPORTS|RUNS]->()<-[:RUNS]-(c:Community) WHERE r.confidence >= $min_confidence RETURN c
  UNION
  MATCH (o)<-[r:COOPERATES_WITH]-(c:Community) WHERE r.confidence >= $min_confidence RETURN c
}
WITH o, collect(DISTINCT c) AS cs
RETURN o.name AS organization, coalesce(o.kind, '') AS kind, size(cs) AS communities, [x IN cs | x.name] AS names
ORDER BY communities DESC, organization, o.id LIMIT $limit"""


def cypher(store, p: dict) -> list[dict]:
    # every organization is ranked anyway: the whole ranking is kept per confidence level and graph version
    # (as on the embedded store), and serves every limit
    def ranking() -> list[dict]:
        rows = store.read_cypher(BROKERS, min_confidence=p["min_confidence"], limit=2**62)
        for r in rows:
            r["names"] = "、".join(sorted(r["names"]))
        return rows

    return [dict(r) for r in store.query_index(f"brokers:{p['min_confidence']!r}", ranking)[: int(p["limit"])]]

_EDGES_SQL = f"""SELECT e.predicate AS predicate, e.src AS src, e.dst AS dst, e.confidence AS confidence,
       s.type AS src_type, s.name AS src_name, s.kind AS src_kind, d.type AS dst_type, d.name AS dst_name, d.kind AS dst_kind
FROM edges e JOIN nodes s ON s.id = e.src JOIN nodes d ON d.id = e.dst
WHERE e.predicate IN ({", ".join(f"'{p}'" for p in _PREDICATES)}) ORDER BY e.predicate, e.id"""


def _sql_inputs(store) -> tuple[dict, dict, dict, dict]:
    """Each predicate's (src, dst, confidence), node types, names and kinds: the edges the ranking needs, no more."""
    edges: dict[str, list[tuple[str, str, float]]] = {p: [] for p in _PREDICATES}
    types, names, kinds = {}, {}, {}
    for r in store.read_sql(_EDGES_SQL):
        edges[r["predicate"]].append((r["src"], r["dst"], r["confidence"]))
        types[r["src"]], types[r["dst"]] = r["src_type"], r["dst_type"]
        names[r["src"]], names[r["dst"]] = r["src_name"], r["dst_name"]
        kinds[r["src"]], kinds[r["dst"]] = r["src_kind"], r["dst_kind"]
    return edges, types, names, kinds


RANKED_SQL = """SELECT o.id AS id, o.name AS organization, coalesce(o.kind, '') AS kind, l.n AS communities
FROM (SELECT org, count(*) AS n FROM broker_links WHERE confidence >= :min_confidence GROUP BY org) l JOIN nodes o ON o.id = l.org
ORDER BY l.n DESC, o.name, o.id LIMIT :limit"""
# at no confidence threshold: the organizations linking at least as many communities as the limit-th one,
# read from broker_counts through its index, ranked
RANKED_ALL_SQL = """SELECT o.id AS id, o.name AS organization, coalesce(o.kind, '') AS kind, c.n AS communities
FROM broker_counts c JOIN nodes o ON o.id = c.org
WHERE c.n >= coalesce((SELECT n FROM broker_counts ORDER BY n DESC LIMIT 1 OFFSET :limit - 1), 0)
ORDER BY c.n DESC, o.name, o.id LIMIT :limit"""
NAMES_SQL = """SELECT l.org AS org, c.name AS name FROM broker_links l JOIN nodes c ON c.id = l.community
WHERE l.confidence >= ? AND l.org IN ({marks})"""


def sql(store, p: dict) -> list[dict]:
    """`embedded` counted on the links kept at write time (queries/broker_tables.py, RANKED_SQL); on a read-only
    store whose links are behind, from the five predicates' edges, ranked once per confidence level and store version."""
    if store.derived_ready(BROKER_TABLES.name):
        ranked = store.read_sql(RANKED_SQL if p["min_confidence"] > 0 else RANKED_ALL_SQL,
                                {"min_confidence": p["min_confidence"], "limit": int(p["limit"])})
        names: dict[str, list[str]] = {r["id"]: [] for r in ranked}
        ids = list(names)
        for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
            for r in store.read_sql(NAMES_SQL.format(marks=",".join("?" * len(chunk))), [p["min_confidence"], *chunk]):
                names[r["org"]].append(r["name"])
        return [{"organization": r["organization"], "kind": r["kind"], "communities": r["communities"],
                 "names": "、".join(sorted(names[r["id"]]))} for r in ranked]

    def ranking() -> list[dict]:
        edges, types, names, kinds = store.query_index("brokers", lambda: _sql_inputs(store))
        links = _links(edges, types, p["min_confidence"])
        ranked = sorted((-len(cs), names[n], n) for n, cs in links.items())
        return [{"organization": name, "kind": kinds.get(n) or "", "communities": -count,
                 "names": "、".join(sorted(names[c] for c in links[n]))} for count, name, n in ranked]

    return [dict(r) for r in store.query_index(f"brokers:{p['min_confidence']!r}", ranking)[: int(p["limit"])]]


SPEC = register(QuerySpec(
    "brokers", "Organizations linking the most communities.",
    ("organization", "kind", "communities", "names"), (limit_param(20), CONF), embedded, cypher,
    lambda: [("brokers", BROKERS, {"limit": 10, "min_confidence": 0.0})], sql=sql))
