"""hierarchy: the area tree (PART_OF) with counts of communities, organizations and initiatives."""

from __future__ import annotations

from collections import Counter

from graph.traversal import edges_by_predicate, graph_of, nodes_by_type
from queries.cypher import FIND_NODE, N, find_cypher
from queries.helpers import find_node, limit_param, shape_hierarchy
from queries.registry import Param, QuerySpec, register


def embedded(store, root: str = "", limit=500) -> list[dict]:
    """The area tree (PART_OF) with counts of communities, organizations and initiatives under each area."""
    g = graph_of(store)
    if "hierarchy_inputs" not in g.graph:  # indexed once per graph
        places = {n: {"name": g.nodes[n]["name"], "type": g.nodes[n]["type"], "kind": g.nodes[n]["kind"]}
                  for t in ("Area", "Community") for n in nodes_by_type(g, t)}
        part_of = [(u, v) for u, v, _, _ in edges_by_predicate(g, "PART_OF")]
        located = Counter((v, g.nodes[u]["type"]) for u, v, _, _ in edges_by_predicate(g, "LOCATED_IN"))
        g.graph["hierarchy_inputs"] = (places, part_of, located)
    places, part_of, located = g.graph["hierarchy_inputs"]
    return shape_hierarchy(places, part_of, located, find_node(store, g, root) if root else None, int(limit))


HIERARCHY_PLACES = """MATCH (n:Area) RETURN n.id AS id, n.name AS name, n.type AS type, n.kind AS kind
UNION ALL
MATCH (n:Community) RETURN n.id AS id, n.name AS name, n.type AS type, n.kind AS kind"""
HIERARCHY_PART_OF = f"MATCH (u:{N})-[r:PART_OF]->(v:{N}) RETURN u.id AS u, v.id AS v ORDER BY r.id"
HIERARCHY_LOCATED = f"MATCH (u:{N})-[:LOCATED_IN]->(v:{N}) RETURN v.id AS place, u.type AS type, count(*) AS n"


def cypher(store, p: dict) -> list[dict]:
    places = {r["id"]: r for r in store.read_cypher(HIERARCHY_PLACES)}
    part_of = [(r["u"], r["v"]) for r in store.read_cypher(HIERARCHY_PART_OF)]
    located = {(r["place"], r["type"]): r["n"] for r in store.read_cypher(HIERARCHY_LOCATED)}
    return shape_hierarchy(places, part_of, located, find_cypher(store, p["root"]) if p["root"] else None, int(p["limit"]))



SPEC = register(QuerySpec(
    "hierarchy", "The area tree (PART_OF) with counts of communities, organizations and initiatives.",
    ("area", "type", "kind", "depth", "path", "communities", "organizations", "initiatives"),
    (Param("root", str, "", "start at this area"), limit_param(500)), embedded, cypher,
    lambda: [("find_node", FIND_NODE, {"ref": "x", "norm": "x"}), ("hierarchy_places", HIERARCHY_PLACES, {}),
             ("hierarchy_part_of", HIERARCHY_PART_OF, {}), ("hierarchy_located", HIERARCHY_LOCATED, {})]))
