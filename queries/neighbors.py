"""neighbors: entities within k relations of an entity, with type and relation filters (mentions excluded)."""

from __future__ import annotations

from graph.traversal import graph_of
from queries.cypher import FIND_NODE, N, find_cypher
from queries.helpers import CONF, LIMIT, bfs_rows, find_node
from queries.registry import Param, QuerySpec, ontology_node_types, ontology_relations, register


def _name(g, n: str) -> str:
    return g.nodes[n]["name"]


def embedded(store, entity: str = "", hops=1, types=None, predicates=None, min_confidence=0.0, limit=200) -> list[dict]:
    """Entities within `hops` relations of an entity, with the relation that reached them (mentions excluded)."""
    g = graph_of(store)
    start = find_node(store, g, entity)

    def expand(ids: list[str]) -> dict[str, list[dict]]:
        out = {}
        for n in ids:
            rels = [(v, k, d, "out") for _, v, k, d in g.out_edges(n, keys=True, data=True)] + \
                   [(u, k, d, "in") for u, _, k, d in g.in_edges(n, keys=True, data=True)]
            out[n] = [{"other": o, "name": _name(g, o), "type": g.nodes[o]["type"], "kind": g.nodes[o]["kind"], "predicate": d["predicate"],
                       "direction": direction, "confidence": d["confidence"], "via_name": _name(g, n), "edge_id": k}
                      for o, k, d, direction in rels if d["predicate"] != "MENTIONED_IN"]
        return out

    return bfs_rows(start, int(hops), expand, set(types.split(",")) if types else None,
                    set(predicates.split(",")) if predicates else None, float(min_confidence), int(limit))


NEIGHBOR_EXPAND = f"""UNWIND $ids AS nid
MATCH (n:{N} {{id: nid}})-[r]-(m:{N})
WHERE type(r) <> 'MENTIONED_IN'
RETURN n.id AS id, n.name AS via_name, m.id AS other, m.name AS name, m.type AS type, m.kind AS kind, type(r) AS predicate,
       CASE WHEN startNode(r) = n THEN 'out' ELSE 'in' END AS direction, r.confidence AS confidence, r.id AS edge_id"""

def cypher(store, p: dict) -> list[dict]:
    start = find_cypher(store, p["entity"])

    def expand(ids):
        out: dict[str, list[dict]] = {}
        for r in store.read_cypher(NEIGHBOR_EXPAND, ids=ids):
            out.setdefault(r["id"], []).append(r)
        return out

    return bfs_rows(start, int(p["hops"]), expand, set(p["types"].split(",")) if p["types"] else None,
                    set(p["predicates"].split(",")) if p["predicates"] else None, float(p["min_confidence"]), int(p["limit"]))



SPEC = register(QuerySpec(
    "neighbors", "Entities within k relations of an entity, with type and relation filters.",
    ("id", "name", "type", "kind", "predicate", "direction", "via", "hops", "confidence", "via_id", "edge_id"),
    (Param("entity", str, "", "name, alias or id"), Param("hops", int, 1, minimum=1),
     Param("types", str, None, "comma-separated node types", choices=ontology_node_types, what="node type", many=True),
     Param("predicates", str, None, "comma-separated relation names", choices=ontology_relations, what="relation", many=True),
     CONF, LIMIT),
    embedded, cypher,
    lambda: [("find_node", FIND_NODE, {"ref": "x", "norm": "x"}), ("neighbors", NEIGHBOR_EXPAND, {"ids": ["x"]})]))
