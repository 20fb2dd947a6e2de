"""path: shortest paths between two entities, with relation types (either direction, mentions excluded)."""

from __future__ import annotations

from graph.traversal import graph_of, undirected_relations
from queries.cypher import FIND_NODE, N, find_cypher
from queries.helpers import bounded_shortest_paths, find_node, limit_param, path_rows
from queries.registry import Param, QuerySpec, register


def _name(g, n: str) -> str:
    return g.nodes[n]["name"]


def embedded(store, source: str = "", target: str = "", max_hops=4, limit=5) -> list[dict]:
    """Shortest paths between two entities (relations in either direction, mentions excluded)."""
    g = graph_of(store)
    a, b = find_node(store, g, source), find_node(store, g, target)
    und = undirected_relations(g)
    if a not in und or b not in und:
        return []
    found = sorted(bounded_shortest_paths(und, a, b, int(max_hops)))[: int(limit)]
    paths = [[(n, _name(g, n)) for n in p] for p in found]
    steps = [[(und.edges[x, y]["predicate"], und.edges[x, y]["forward"] == (x, y)) for x, y in zip(p, p[1:])] for p in found]
    return path_rows(paths, steps, int(max_hops))


def paths_query(max_hops: int) -> str:
    """All shortest paths of at most `max_hops` relations (a literal: Cypher bounds cannot be parameters)."""
    return f"""MATCH (a:{N} {{id: $source}})
MATCH p = allShortestPaths((a)-[*..{int(max_hops)}]-(b:{N} {{id: $target}}))
WHERE none(r IN relationships(p) WHERE type(r) = 'MENTIONED_IN')
RETURN [x IN nodes(p) | [x.id, x.name]] AS nodes,
       [r IN relationships(p) | [type(r), startNode(r).id, r.id]] AS rels"""


PATHS = paths_query(4)

def cypher(store, p: dict) -> list[dict]:
    """allShortestPaths returns one path per combination of parallel relationships; like the embedded
    store's simple undirected view, keep one path per node sequence with, at each step, the
    relationship of the smallest id between the two nodes (in either direction)."""
    a, b = find_cypher(store, p["source"]), find_cypher(store, p["target"])
    if a == b or int(p["max_hops"]) < 1:
        return []
    by_nodes: dict[tuple, list] = {}
    for r in store.read_cypher(paths_query(int(p["max_hops"])), source=a, target=b):
        nodes = tuple(tuple(x) for x in r["nodes"])
        best = by_nodes.setdefault(nodes, [None] * len(r["rels"]))
        for k, (pred, start, rid) in enumerate(r["rels"]):
            if best[k] is None or rid < best[k][2]:
                best[k] = (pred, start, rid)
    paths, steps = [], []
    for nodes in sorted(by_nodes, key=lambda ns: [x[0] for x in ns])[: int(p["limit"])]:
        paths.append(list(nodes))
        steps.append([(pred, start == nodes[k][0]) for k, (pred, start, _) in enumerate(by_nodes[nodes])])
    return path_rows(paths, steps, int(p["max_hops"]))



SPEC = register(QuerySpec(
    "path", "Shortest paths between two entities, with relation types.",
    ("path", "length", "nodes", "steps"),
    (Param("source", str, ""), Param("target", str, ""), Param("max_hops", int, 4, minimum=1), limit_param(5)), embedded, cypher,
    lambda: [("find_node", FIND_NODE, {"ref": "x", "norm": "x"}), ("path", PATHS, {"source": "x", "target": "y"})]))
