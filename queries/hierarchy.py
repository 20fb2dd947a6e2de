"""hierarchy: the area tree (PART_OF) with counts of communities, organizations and initiatives."""

from __future__ import annotations

from collections import Counter

from graph.traversal import edges_by_predicate, graph_of, nodes_by_type
from queries.cypher import FIND_NODE, N, find_cypher
from queries.helpers import area_tree, find_node, limit_param, shape_hierarchy, walk_hierarchy
from queries.registry import Param, QuerySpec, register
from queries.sql import find_sql


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


# One row of lists (a record per place costs the driver more than the query): places, PART_OF pairs in
# edge-id order, LOCATED_IN counts per place and type.
HIERARCHY_INPUTS = f"""CALL () {{
  CALL () {{ MATCH (n:Area) RETURN n UNION ALL MATCH (n:Community) RETURN n }}
  RETURN collect([n.id, n.name, n.type, n.kind]) AS places
}}
CALL () {{
  MATCH (u:{N})-[r:PART_OF]->(v:{N})
  WITH u, v ORDER BY r.id
  RETURN collect([u.id, v.id]) AS part_of
}}
CALL () {{
  MATCH (u:{N})-[:LOCATED_IN]->(v:{N})
  WITH v.id AS place, u.type AS type, count(*) AS n
  RETURN collect([place, type, n]) AS located
}}
RETURN places, part_of, located"""


def _inputs(store) -> tuple[dict, list, dict]:
    found = store.read_cypher(HIERARCHY_INPUTS)[0]
    places = {i: {"name": name, "type": t, "kind": k} for i, name, t, k in found["places"]}
    part_of = [(u, v) for u, v in found["part_of"]]
    located = {(place, t): n for place, t, n in found["located"]}
    return places, part_of, located


def cypher(store, p: dict) -> list[dict]:
    # the whole tree is read once per graph version, as the embedded store keeps its hierarchy inputs
    places, part_of, located = store.query_index("hierarchy", lambda: _inputs(store))
    return shape_hierarchy(places, part_of, located, find_cypher(store, p["root"]) if p["root"] else None, int(p["limit"]))

PLACES_SQL = "SELECT id, name, type, kind FROM nodes WHERE type IN ('Area', 'Community') ORDER BY id"
PART_OF_SQL = "SELECT src, dst FROM edges WHERE predicate = 'PART_OF' ORDER BY id"
LOCATED_SQL = """SELECT e.dst AS place, u.type AS type, count(*) AS n FROM edges e JOIN nodes u ON u.id = e.src
WHERE e.predicate = 'LOCATED_IN' GROUP BY e.dst, u.type"""


def _sql_inputs(store) -> tuple[dict, list, dict]:
    places = {r["id"]: {"name": r["name"], "type": r["type"], "kind": r["kind"]} for r in store.read_sql(PLACES_SQL)}
    part_of = [(r["src"], r["dst"]) for r in store.read_sql(PART_OF_SQL)]
    located = {(r["place"], r["type"]): r["n"] for r in store.read_sql(LOCATED_SQL)}
    return places, part_of, located


def sql(store, p: dict) -> list[dict]:
    """`embedded` from the places and the PART_OF / LOCATED_IN edges (predicate index), read and made a tree
    once per store version (helpers.area_tree; counts rolled up as calls reach them)."""
    tree = store.query_index("hierarchy", lambda: area_tree(*_sql_inputs(store)))
    return walk_hierarchy(tree, find_sql(store, p["root"]) if p["root"] else None, int(p["limit"]))


SPEC = register(QuerySpec(
    "hierarchy", "The area tree (PART_OF) with counts of communities, organizations and initiatives.",
    ("area", "type", "kind", "depth", "path", "communities", "organizations", "initiatives"),
    (Param("root", str, "", "start at this area"), limit_param(500)), embedded, cypher,
    lambda: [("find_node", FIND_NODE, {"ref": "x", "norm": "x"}), ("hierarchy_inputs", HIERARCHY_INPUTS, {})], sql=sql))
