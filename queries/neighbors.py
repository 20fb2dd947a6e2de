"""neighbors: entities within k relations of an entity, with type and relation filters (mentions excluded)."""

from __future__ import annotations

from graph.traversal import graph_of
from queries.cypher import FIND_NODE, N, find_cypher
from queries.helpers import CONF, LIMIT, bfs_rows, find_node, first_relations
from queries.registry import Param, QuerySpec, ontology_node_types, ontology_relations, register
from queries.sql import find_sql, marks


def _name(g, n: str) -> str:
    return g.nodes[n]["name"]


def _filters(types, predicates, min_confidence) -> tuple[list[str] | None, list[str] | None, float]:
    """(node types or None, predicates or None, minimum confidence) from the query's parameters."""
    return (sorted(set(types.split(","))) if types else None, sorted(set(predicates.split(","))) if predicates else None,
            float(min_confidence))


def embedded(store, entity: str = "", hops=1, types=None, predicates=None, min_confidence=0.0, limit=200) -> list[dict]:
    """Entities within `hops` relations of an entity, with the relation that reached them (mentions excluded)."""
    g = graph_of(store)
    start = find_node(store, g, entity)
    node_types, preds, floor = _filters(types, predicates, min_confidence)

    def relations(n: str):
        for direction, edges in (("out", g.out_edges(n, keys=True, data=True)), ("in", g.in_edges(n, keys=True, data=True))):
            for u, v, k, d in edges:
                o = v if direction == "out" else u
                p = d["predicate"]
                if p == "MENTIONED_IN" or d["confidence"] < floor or (preds and p not in preds) or \
                        (node_types and g.nodes[o]["type"] not in node_types):
                    continue
                yield {"other": o, "predicate": p, "direction": direction, "edge_id": k, "confidence": d["confidence"]}

    def expand(ids: list[str], seen: set, cap: int) -> dict[str, list[dict]]:
        out = {}
        for n in ids:
            out[n] = [e | {"name": _name(g, e["other"]), "type": g.nodes[e["other"]]["type"], "kind": g.nodes[e["other"]]["kind"],
                           "via_name": _name(g, n)} for e in first_relations(relations(n), seen, cap)]
        return out

    return bfs_rows(start, int(hops), expand, int(limit))


# Per frontier node (one record each, its relations as one list: a record per relation costs the driver
# more than the query): the relations passing the filters to nodes not yet seen, the first per other node
# (by predicate, outgoing first, edge id: helpers.relation_order), in (predicate, other) order, at most $cap.
NEIGHBOR_EXPAND = f"""UNWIND $ids AS nid
MATCH (n:{N} {{id: nid}})
CALL (n) {{
  MATCH (n)-[r]-(m:{N})
  WHERE type(r) <> 'MENTIONED_IN' AND r.confidence >= $min_confidence
    AND ($predicates IS NULL OR type(r) IN $predicates) AND ($types IS NULL OR m.type IN $types)
    AND NOT m.id IN $seen
  WITH m, r, type(r) AS predicate, CASE WHEN startNode(r) = n THEN 'out' ELSE 'in' END AS direction
  ORDER BY predicate, CASE direction WHEN 'out' THEN 0 ELSE 1 END, r.id
  WITH m, head(collect([predicate, direction, r.confidence, r.id])) AS e
  ORDER BY e[0], m.id
  LIMIT $cap
  RETURN collect([m.id, m.name, m.type, m.kind, e[0], e[1], e[2], e[3]]) AS rels
}}
RETURN n.id AS id, n.name AS via_name, rels"""

_FIELDS = ("other", "name", "type", "kind", "predicate", "direction", "confidence", "edge_id")


def cypher(store, p: dict) -> list[dict]:
    start = find_cypher(store, p["entity"])
    node_types, preds, floor = _filters(p["types"], p["predicates"], p["min_confidence"])

    def expand(ids: list[str], seen: set, cap: int) -> dict[str, list[dict]]:
        found = store.read_cypher(NEIGHBOR_EXPAND, ids=ids, seen=sorted(seen), cap=cap, types=node_types, predicates=preds,
                                  min_confidence=floor)
        return {r["id"]: [dict(zip(_FIELDS, x), via_name=r["via_name"]) for x in r["rels"]] for r in found}

    return bfs_rows(start, int(p["hops"]), expand, int(p["limit"]))


# The relations of some nodes (both directions, mentions are not edges) at or above a confidence, with the
# node at the other end: what `sql` filters and orders in Python exactly as `embedded` does.
def _relations_sql(count: int) -> str:
    ids = marks(count)
    return f"""SELECT e.src AS via, 'out' AS direction, e.id AS edge_id, e.predicate AS predicate, e.confidence AS confidence,
       m.id AS other, m.name AS name, m.type AS type, m.kind AS kind
FROM edges e JOIN nodes m ON m.id = e.dst WHERE e.src IN ({ids}) AND e.confidence >= ?
UNION ALL
SELECT e.dst, 'in', e.id, e.predicate, e.confidence, m.id, m.name, m.type, m.kind
FROM edges e JOIN nodes m ON m.id = e.src WHERE e.dst IN ({ids}) AND e.confidence >= ?"""


def sql(store, p: dict) -> list[dict]:
    """`embedded` on the store's edge indexes: each frontier chunk is one indexed read of its relations."""
    start = find_sql(store, p["entity"])
    node_types, preds, floor = _filters(p["types"], p["predicates"], p["min_confidence"])
    names = {r["id"]: r["name"] for r in store.read_sql("SELECT id, name FROM nodes WHERE id = ?", [start])}  # then each node reached

    def expand(ids: list[str], seen: set, cap: int) -> dict[str, list[dict]]:
        rows = store.read_sql(_relations_sql(len(ids)), [*ids, floor, *ids, floor])
        by_via: dict[str, list[dict]] = {n: [] for n in ids}
        for r in rows:
            names[r["other"]] = r["name"]
            if (preds and r["predicate"] not in preds) or (node_types and r["type"] not in node_types):
                continue
            by_via[r["via"]].append(r)
        return {n: [e | {"via_name": names[n]} for e in first_relations(rels, seen, cap)] for n, rels in by_via.items()}

    return bfs_rows(start, int(p["hops"]), expand, int(p["limit"]))


SPEC = register(QuerySpec(
    "neighbors", "Entities within k relations of an entity, with type and relation filters.",
    ("id", "name", "type", "kind", "predicate", "direction", "via", "hops", "confidence", "via_id", "edge_id"),
    (Param("entity", str, "", "name, alias or id"), Param("hops", int, 1, minimum=1),
     Param("types", str, None, "comma-separated node types", choices=ontology_node_types, what="node type", many=True),
     Param("predicates", str, None, "comma-separated relation names", choices=ontology_relations, what="relation", many=True),
     CONF, LIMIT),
    embedded, cypher,
    lambda: [("find_node", FIND_NODE, {"ref": "x", "norm": "x"}), ("neighbors", NEIGHBOR_EXPAND, {
        "ids": ["x"], "seen": ["x"], "cap": 200, "types": None, "predicates": None, "min_confidence": 0.0})],
    sql=sql))
