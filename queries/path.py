"""path: shortest paths between two entities, with relation types (either direction, mentions excluded)."""

from __future__ import annotations

import networkx as nx

from graph.traversal import graph_of, simple_undirected, undirected_relations
from queries.cypher import FIND_NODE, N, find_cypher
from queries.helpers import bounded_shortest_paths, find_node, limit_param, path_rows
from queries.registry import Param, QuerySpec, register
from queries.sql import find_sql, marks


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
    return _shaped(und, found, {n: _name(g, n) for path in found for n in path}, int(max_hops))


def _shaped(und: nx.Graph, found: list[list[str]], names: dict[str, str], max_hops: int) -> list[dict]:
    """path_rows of node-id paths on a simple undirected view (graph.traversal.simple_undirected)."""
    paths = [[(n, names[n]) for n in path] for path in found]
    steps = [[(und.edges[x, y]["predicate"], und.edges[x, y]["forward"] == (x, y)) for x, y in zip(path, path[1:])] for path in found]
    return path_rows(paths, steps, max_hops)


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


def _adjacency_sql(count: int) -> str:
    ids = marks(count)
    return f"""SELECT id, src, dst, predicate FROM edges WHERE src IN ({ids})
UNION ALL SELECT id, src, dst, predicate FROM edges WHERE dst IN ({ids})"""


def _explored(store, a: str, b: str, max_hops: int) -> nx.Graph | None:
    """The relations around a and b that every shortest path between them uses: breadth-first from both
    ends over the edge indexes, the smaller frontier expanded each time, until the two searches meet
    (None when they do not within `max_hops`). Returned as the simple undirected view `embedded` walks
    (graph.traversal.undirected_relations: per node pair the relation of the smallest id)."""
    seen = {a: {a}, b: {b}}
    frontier = {a: [a], b: [b]}
    edges: dict[str, tuple[str, str, str]] = {}
    for _ in range(max_hops):
        side = a if len(frontier[a]) <= len(frontier[b]) else b
        nxt: list[str] = []
        ids = frontier[side]
        for i in range(0, len(ids), 400):
            chunk = ids[i:i + 400]
            for r in store.read_sql(_adjacency_sql(len(chunk)), [*chunk, *chunk]):
                edges[r["id"]] = (r["src"], r["dst"], r["predicate"])
                for other in (r["src"], r["dst"]):
                    if other not in seen[side]:
                        seen[side].add(other)
                        nxt.append(other)
        frontier[side] = nxt
        if seen[a] & seen[b]:
            return simple_undirected((k, *edges[k]) for k in sorted(edges))
        if not nxt:
            return None
    return None


def sql(store, p: dict) -> list[dict]:
    """`embedded` over the edge indexes: a bidirectional search reads only the relations near both ends."""
    a, b = find_sql(store, p["source"]), find_sql(store, p["target"])
    max_hops = int(p["max_hops"])
    und = _explored(store, a, b, max_hops) if a != b else None
    if und is None:
        return []
    found = sorted(bounded_shortest_paths(und, a, b, max_hops))[: int(p["limit"])]
    on_paths = sorted({n for path in found for n in path})
    names = {r["id"]: r["name"] for r in store.read_sql(f"SELECT id, name FROM nodes WHERE id IN ({marks(len(on_paths))})", on_paths)}
    return _shaped(und, found, names, max_hops)


SPEC = register(QuerySpec(
    "path", "Shortest paths between two entities, with relation types.",
    ("path", "length", "nodes", "steps"),
    (Param("source", str, ""), Param("target", str, ""), Param("max_hops", int, 4, minimum=1), limit_param(5)), embedded, cypher,
    lambda: [("find_node", FIND_NODE, {"ref": "x", "norm": "x"}), ("path", PATHS, {"source": "x", "target": "y"})], sql=sql))
